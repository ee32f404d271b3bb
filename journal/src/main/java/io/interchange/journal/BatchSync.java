package io.interchange.journal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * {@link Durability#MSYNC_PER_BATCH}: puts every byte a batch wrote on the device before its outputs leave. Chronicle's
 * own sync msyncs from where its last one ended, which misses the cycle file's first page (its header: the write
 * position) after the first batch, the older chunk when a batch crosses into the next mapping, and the older day's file
 * when a batch crosses the cutoff. An fdatasync of each file the batch wrote to covers all of it: the pages written
 * through the mapping are the file's pages.
 */
final class BatchSync implements AutoCloseable
{
    private File file;
    private FileChannel channel;
    /** Every fdatasync, and the file of the last: for the tests. */
    private long forces;
    private File lastForced;

    /** After an append to {@code written}: a batch that moved on to another file puts the one before on the device now. */
    void wrote(final File written)
    {
        if (written.equals(file))
        {
            return;
        }
        closeCurrent(true);
        try
        {
            channel = FileChannel.open(written.toPath(), StandardOpenOption.WRITE);
            file = written;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open " + written + " to sync it", ex);
        }
    }

    /** The end of a batch: returns once what it wrote is on the device. */
    void endOfBatch()
    {
        if (channel != null)
        {
            force(channel, file);
        }
    }

    @Override
    public void close()
    {
        closeCurrent(false);
    }

    private void closeCurrent(final boolean forceFirst)
    {
        if (channel == null)
        {
            return;
        }
        try (FileChannel closing = channel)
        {
            if (forceFirst)
            {
                force(closing, file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot close " + file, ex);
        }
        finally
        {
            channel = null;
            file = null;
        }
    }

    long forces()
    {
        return forces;
    }

    File lastForced()
    {
        return lastForced;
    }

    private void force(final FileChannel channel, final File file)
    {
        try
        {
            channel.force(false);
            forces++;
            lastForced = file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot put " + file + " on the device", ex);
        }
    }
}
