package io.interchange.engine.config;

/** What a journal append survives once acknowledged (DESIGN.md §8); written lower-case, with hyphens, in the file. */
public enum Durability
{
    /** The process being killed: the appended pages are the operating system's, no msync. */
    PROCESS_CRASH,
    /** Power loss too: the journal is msync'ed at the end of each ring batch, before its answers leave. */
    MSYNC_PER_BATCH
}
