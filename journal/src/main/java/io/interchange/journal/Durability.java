package io.interchange.journal;

/**
 * What an appended record survives (DESIGN.md §8). Chronicle Queue writes through memory-mapped files, so a
 * record is in the operating system's page cache as soon as {@link JournalWriter#append} returns.
 */
public enum Durability
{
    /**
     * The process may be killed at any point and every appended record is still there: the pages belong to the
     * kernel, which writes them back when it likes. A power loss or kernel crash can lose the last seconds.
     */
    PROCESS_CRASH_SAFE,

    /**
     * {@link JournalWriter#endOfBatch} waits until the files the batch appended to are on the device (an fdatasync of
     * each, header page and index included), so a batch whose answers have left the switch survives a power loss
     * too. The cost is one synchronous write to the device per batch (two for a batch across the cutoff).
     */
    MSYNC_PER_BATCH
}
