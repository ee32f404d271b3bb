package io.interchange.journal;

import java.io.File;

/**
 * The journal's files are damaged where its records' checksums cannot see: a Chronicle Queue excerpt header (the
 * length and flags word before each record), which Chronicle reads as the end of the journal, or as a length that
 * runs past the file. Thrown by {@link JournalReader} instead of ending early: a reader that stopped there would
 * recover, clear or verify the journal without every record after the damage, and say nothing. The message names
 * the queue file, the byte position in it, the record by its queue index (in hex, as everywhere else) and what is
 * wrong; nothing in it comes from a record's contents.
 */
public final class JournalDamagedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient File file;
    private final long position;
    private final long index;

    JournalDamagedException(final File file, final long position, final long index, final String what, final Throwable cause)
    {
        super("the journal is damaged: " + file + " at byte " + position + ", record 0x" + Long.toHexString(index) + ": " + what, cause);
        this.file = file;
        this.position = position;
        this.index = index;
    }

    /** The queue file (one business day) that holds the damage. */
    public File file()
    {
        return file;
    }

    /** Where in {@link #file()} the damaged header is, or reading went wrong. */
    public long position()
    {
        return position;
    }

    /** The queue index of the first record that could not be read. */
    public long index()
    {
        return index;
    }
}
