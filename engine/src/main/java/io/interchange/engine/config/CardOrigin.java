package io.interchange.engine.config;

/**
 * Where a BIN range's cards were issued, as a UnionPay POS terminal splits its batch totals: field 48 of its 0500
 * carries domestic cards (内卡) and foreign cards (外卡) apart, and the switch compares each with its own. Written
 * lower-case in the file.
 */
public enum CardOrigin
{
    /** Issued at home: the first part of field 48. */
    DOMESTIC,
    /** Issued abroad: the second part of field 48. */
    FOREIGN
}
