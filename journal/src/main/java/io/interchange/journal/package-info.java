/**
 * The journal: one Chronicle Queue record per ring event (input frame, decision, outputs), sensitive fields
 * stripped and PANs encrypted before the append, one queue cycle per business day, and the readers that
 * clearing and replay use. See DESIGN.md §2, §7 and §8.
 */
package io.interchange.journal;
