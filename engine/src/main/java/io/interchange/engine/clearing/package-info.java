/**
 * End-of-day clearing and settlement (DESIGN.md §6): {@link io.interchange.engine.clearing.Clearing#run} reads one
 * business day of the journal, read only, works out what became of each transaction from what the switch journaled
 * ({@link io.interchange.engine.clearing.DayReader}), settles merchants and institutions in integer minor units
 * ({@link io.interchange.engine.clearing.Settlement}, {@link io.interchange.engine.clearing.Fees}) and writes a dated
 * folder of files whose bytes depend only on the journal and the configuration
 * ({@link io.interchange.engine.clearing.ClearingFiles}).
 */
package io.interchange.engine.clearing;
