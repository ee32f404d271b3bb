/**
 * The journal: one Chronicle Queue record per ring event (input frame, decision, outputs), sensitive fields
 * stripped and PANs encrypted before the append, one queue cycle per business day, and the readers that
 * clearing and replay use. See DESIGN.md §2, §7 and §8.
 *
 * <p>{@link io.interchange.journal.JournalWriter} appends what a {@link io.interchange.journal.JournalEntry}
 * presents; {@link io.interchange.journal.JournalReader} gives it back as
 * {@link io.interchange.journal.JournalRecord}s; the bytes in between are drawn in {@code RecordDescriptor}.
 *
 * <h2>Damage</h2>
 * A record's checksum covers its bytes, not the 4-byte excerpt header Chronicle Queue writes before it in the cycle's
 * .cq4 file (bit 31 not complete, bit 30 metadata, 30 bits of length). What Chronicle Queue 2026.4's tailer does, read
 * only, with one header of a cycle's records overwritten (measured; {@code DamagedHeaderTest} holds each case):
 * <table>
 * <caption>a damaged excerpt header, read by Chronicle Queue, and by {@link io.interchange.journal.JournalReader}</caption>
 * <tr><th>header</th><th>Chronicle Queue's tailer</th><th>the reader</th></tr>
 * <tr><td>zero</td><td>reports the end of the queue there, at once: the rest of the cycle, and every later cycle, are
 *     not read, and nothing is said; {@code moveToIndex} to a later record says there is none</td><td>damaged</td></tr>
 * <tr><td>not-complete bit set (or garbage with bit 31)</td><td>the same: the end, at once (no wait, no hang)</td>
 *     <td>damaged</td></tr>
 * <tr><td>an end-of-file marker (0xC0000000)</td><td>the end of the cycle: the rest of it is skipped, and the next cycle,
 *     if any, read</td><td>damaged</td></tr>
 * <tr><td>the metadata bit set</td><td>steps over the record as metadata: one record fewer, the ones after it a queue
 *     index lower, nothing said</td><td>damaged (the cycle's record count, from Chronicle's index, differs)</td></tr>
 * <tr><td>a length past the end of the file</td><td>gives the record as that long; reading it faults the mapping
 *     (InternalError) or allocates for it (OutOfMemoryError); with the metadata bit too (garbage), the tailer itself faults
 *     stepping over it</td><td>damaged, before the record's bytes are read (the fault: converted where HotSpot raises it,
 *     in the read)</td></tr>
 * <tr><td>another length inside the file</td><td>reads that many bytes: the record fails its checksum, and the tailer
 *     lands inside the next record, whose bytes it takes for a header: mostly a length past the last record, or zero</td>
 *     <td>a corrupt record, then damaged where the tailer landed</td></tr>
 * <tr><td>zero, or not complete, past the last record the writer completed</td><td>the end</td><td>the end: a writer killed
 *     in an append (this Chronicle Queue leaves the header zero until the record is complete, some leave it "not complete");
 *     the next writer appends there, and ends the file with an end-of-file marker when it goes on to a later day</td></tr>
 * </table>
 * The reader tells damage from the end by the store's write position (where the last record the writer completed
 * starts, moved only once that record's header is complete) and the cycle's record count, at each end of a cycle; a
 * record read must end by the end of that last record. Damaged, it throws {@link io.interchange.journal.JournalDamagedException}
 * naming the file, the byte, the record's index and what is wrong; the records before the damage have been read.
 * Recovery refuses to start the switch on it, clearing and the command line stop with its message.
 */
package io.interchange.journal;
