/**
 * The issuer simulator: a card issuer host the switch connects to, for tests, demos and load runs.
 *
 * <ul>
 *   <li>{@link io.interchange.tools.issuer.CardBook}: the cards and accounts, generated from a seed (the same in
 *       any JVM, so the terminal simulator generates the same book to pick cards from) or read from a CSV file.</li>
 *   <li>{@link io.interchange.tools.issuer.IssuerSimulator}: the server, started in-process with
 *       {@link io.interchange.tools.issuer.IssuerSimConfig}; answers counted per
 *       {@link io.interchange.tools.issuer.ResponseCode} and {@link io.interchange.tools.issuer.IssuerCounter}.</li>
 *   <li>{@link io.interchange.tools.issuer.IssuerSimCommand}: the same as {@code interchange issuer-sim}.</li>
 * </ul>
 *
 * What each message gets is written down once, on {@code Issuer}.
 */
package io.interchange.tools.issuer;
