package io.interchange.engine.config;

/**
 * The MAC a link's messages carry in field 64 (or 128), with a key shared with the peer (DESIGN.md §7). UnionPay POS
 * terminals have their own, the UnionPay ECB MAC, and take no choice.
 */
public enum MacAlgorithm
{
    /** ISO/IEC 9797-1 MAC algorithm 3 with padding method 1, the ANSI X9.19 retail MAC: a double-length DES key. */
    RETAIL,
    /** AES-CMAC (NIST SP 800-38B), its leftmost 64 bits: an AES key of 128, 192 or 256 bits. */
    CMAC
}
