/**
 * The journal: one Chronicle Queue record per ring event (input frame, decision, outputs), sensitive fields
 * stripped and PANs encrypted before the append, one queue cycle per business day, and the readers that
 * clearing and replay use. See DESIGN.md §2, §7 and §8.
 *
 * <p>{@link io.interchange.journal.JournalWriter} appends what a {@link io.interchange.journal.JournalEntry}
 * presents; {@link io.interchange.journal.JournalReader} gives it back as
 * {@link io.interchange.journal.JournalRecord}s; the bytes in between are drawn in {@code RecordDescriptor}.
 */
package io.interchange.journal;
