/**
 * The terminal simulator and load harness: simulated POS terminals over TCP against a running switch, every answer
 * checked, and a report of throughput, latency, response codes and CPU.
 *
 * <ul>
 *   <li>{@link io.interchange.tools.load.LoadRun}: a run, in process ({@code interchange demo} uses it), from
 *       {@link io.interchange.tools.load.LoadOptions} to a {@link io.interchange.tools.load.LoadReport}, with a
 *       {@link io.interchange.tools.load.LoadProgress} once a second.</li>
 *   <li>{@link io.interchange.tools.load.TransactionCase}: what the terminals send and the answer each must get;
 *       {@link io.interchange.tools.load.Mix}: how often.</li>
 *   <li>{@link io.interchange.tools.load.TerminalBatch}: the terminals' batch totals, for batch settlement.</li>
 *   <li>{@link io.interchange.tools.load.LoadCommand}: the same as {@code interchange load}.</li>
 * </ul>
 */
package io.interchange.tools.load;
