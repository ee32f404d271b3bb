/**
 * {@code interchange journal}: cat, stats, export, verify and replay over the switch's journal, read only, with PANs
 * masked to their first six and last four digits.
 */
package io.interchange.tools.journal;
