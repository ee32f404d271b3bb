/**
 * Security behind an HSM interface (DESIGN.md §7): MACs on acquirer and issuer links (ISO/IEC 9797-1 MAC algorithm 3,
 * the ANSI X9.19 retail MAC; the UnionPay POS ECB MAC; AES-CMAC), ISO 9564 format 0 PIN translation from a terminal's
 * PIN key to an issuer's zone PIN key, and working keys for UnionPay POS sign-on: made by the HSM, sent in field 62
 * under the terminal's master key, and imported back from that field when the switch replays its journal.
 *
 * <p>{@link io.interchange.engine.security.Hsm} is what the switch calls; every command answers an
 * {@link io.interchange.engine.security.HsmResult} and the per-message ones allocate nothing.
 * {@link io.interchange.engine.security.SoftwareHsm} implements it on the JDK's JCE, keys under a local master key,
 * for tests and demos. {@link io.interchange.engine.security.KeySlots} lays keys out by terminal and issuer index and
 * {@link io.interchange.engine.security.KeyLoader} loads the configured terminal master keys.
 */
package io.interchange.engine.security;
