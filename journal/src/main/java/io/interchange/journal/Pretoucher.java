package io.interchange.journal;

import java.io.File;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import net.openhft.chronicle.bytes.MappedBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Touches the journal's file ahead of the writer, on a thread of its own, so that the writer does not take the page
 * faults. A page of a memory-mapped file costs a fault the first time it is written: the kernel finds or allocates
 * the page, zeroes it and, on ext4, reserves its block. Measured on the journal alone (JournalAppendBenchmark), that
 * is a third of an append when the queue grows a few hundred bytes a record; Chronicle's own pretoucher is in its
 * Enterprise edition only.
 *
 * <p>It writes nothing: each page gets a compare-and-swap of 0 for 0 on one word, which faults the page in for
 * writing and leaves any word the writer got to first as it is. The pages it brings in are the kernel's page-cache
 * pages of the file, shared with the writer's own mapping, which then takes at most a minor fault.
 *
 * <p>The writer publishes the file and its write position after each append ({@link #wrote}); this thread keeps
 * {@link #AHEAD} bytes past that position touched.
 */
final class Pretoucher implements AutoCloseable
{
    /**
     * How far ahead of the writer pages are touched: some milliseconds of appends at full rate (10 ms at 100k TPS). Not
     * more: the kernel zeroes a page when it is first touched, which leaves its lines in the caches, and the writer's
     * copy into lines still cached beside its core is cheaper than into lines the zeroing wrote 8 MB earlier, long gone
     * to memory: the ring path moved about 10% more events at 512 KB than at 8 MB (bench/RESULTS.md, "The pretouch distance, ...").
     * A writer that catches up, the thread held off its CPU for longer than that, takes the page's fault itself.
     */
    static final long AHEAD = 512L << 10;
    private static final long PAGE = 4096;
    private static final long IDLE_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private static final Logger LOG = LoggerFactory.getLogger(Pretoucher.class);
    private static final VarHandle POSITION;

    static
    {
        try
        {
            POSITION = MethodHandles.lookup().findVarHandle(Pretoucher.class, "position", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long chunkSize;
    private final long overlapSize;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile File file;
    /** The file being touched and where its touched pages end: for the tests. */
    private volatile File touching;
    private volatile long reach;
    @SuppressWarnings("unused") // through POSITION
    private long position;

    // The pretouch thread's own.
    private MappedBytes mapped;
    private File mappedFile;
    private long touchedTo;

    /**
     * @param chunkSize   and {@code overlapSize}: the queue's, so that this mapping grows the file to the size the
     *                    writer's own mapping will ask of it, and the writer finds the file grown already instead of
     *                    growing it under a file lock on the ring's thread.
     */
    Pretoucher(final long chunkSize, final long overlapSize, final String name)
    {
        this.chunkSize = chunkSize;
        this.overlapSize = overlapSize;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The writer's part: it has appended up to {@code writePosition} of {@code current}. */
    void wrote(final File current, final long writePosition)
    {
        if (current != file)
        {
            file = current;
        }
        POSITION.setRelease(this, writePosition);
    }

    /** How far pages are touched in {@code of}: the end of the touched pages, or -1 when it is not the file touched. */
    long reach(final File of)
    {
        final long end = reach;
        return of.equals(touching) ? end : -1;
    }

    /** The position the writer last published. */
    long written()
    {
        return (long)POSITION.getAcquire(this);
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run()
    {
        try
        {
            while (running)
            {
                if (!touch())
                {
                    LockSupport.parkNanos(IDLE_NANOS);
                }
            }
        }
        catch (final RuntimeException | IOException e)
        {
            // Only speed is lost: the writer faults its pages in itself.
            LOG.warn("journal pretouch stopped; appends continue without it", e);
        }
        finally
        {
            release();
        }
    }

    /** Touches the next pages wanted; false when there were none. */
    private boolean touch() throws IOException
    {
        final File current = file;
        if (current == null)
        {
            return false;
        }
        final long written = (long)POSITION.getAcquire(this);
        if (current != mappedFile)
        {
            release();
            mapped = MappedBytes.mappedBytes(current, chunkSize, overlapSize);
            mappedFile = current;
            touchedTo = written;
            reach = -1;
            touching = current;
        }
        final long target = written + AHEAD;
        if (touchedTo >= target)
        {
            return false;
        }
        long page = Math.max(touchedTo, written) & -PAGE;
        // A slice at a time, so a new file or the close is seen soon.
        final long end = Math.min(target, page + 64 * PAGE);
        for (; page < end; page += PAGE)
        {
            mapped.compareAndSwapInt(page, 0, 0);
        }
        touchedTo = end;
        reach = end;
        return true;
    }

    private void release()
    {
        if (mapped != null)
        {
            mapped.releaseLast();
            mapped = null;
            mappedFile = null;
        }
    }
}
