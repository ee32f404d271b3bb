package io.interchange.codec.cups;

import io.interchange.codec.MessageReader;

/**
 * The batch-settlement totals a UnionPay POS terminal sends in field 48 of its 0500 (60.3 = 201): for domestic
 * cards, then for foreign cards, the debit amount (n12), debit count (n3), credit amount (n12), credit count
 * (n3) and a balance flag (n1: 1 in balance, 2 out of balance, 3 error) that the answer fills in.
 * Amounts are in minor units.
 */
public record SettlementTotals(Part domestic, Part foreign)
{
    public static final int FIELD = 48;
    /** Digits of one part: 12 + 3 + 12 + 3 + 1. */
    public static final int PART_DIGITS = 31;

    public static final int IN_BALANCE = 1;
    public static final int OUT_OF_BALANCE = 2;
    public static final int ERROR = 3;

    public record Part(long debitAmount, int debitCount, long creditAmount, int creditCount, int balanceFlag)
    {
        public Part
        {
            if (debitAmount < 0 || debitAmount > 999_999_999_999L || creditAmount < 0 || creditAmount > 999_999_999_999L)
            {
                throw new IllegalArgumentException("amounts are n12");
            }
            if (debitCount < 0 || debitCount > 999 || creditCount < 0 || creditCount > 999)
            {
                throw new IllegalArgumentException("counts are n3");
            }
            if (balanceFlag < 0 || balanceFlag > 9)
            {
                throw new IllegalArgumentException("balance flag is n1");
            }
        }

        public boolean sameTotals(final Part other)
        {
            return debitAmount == other.debitAmount && debitCount == other.debitCount &&
                creditAmount == other.creditAmount && creditCount == other.creditCount;
        }

        public Part withFlag(final int flag)
        {
            return new Part(debitAmount, debitCount, creditAmount, creditCount, flag);
        }
    }

    /** Reads field 48; null when it is absent or shorter than the domestic part. A missing foreign part is zero. */
    public static SettlementTotals read(final MessageReader reader)
    {
        if (!reader.has(FIELD) || reader.units(FIELD) < PART_DIGITS)
        {
            return null;
        }
        final Part domestic = part(reader, 0);
        final Part foreign = reader.units(FIELD) >= 2 * PART_DIGITS ? part(reader, PART_DIGITS) : new Part(0, 0, 0, 0, 0);
        return new SettlementTotals(domestic, foreign);
    }

    private static Part part(final MessageReader reader, final int at)
    {
        return new Part(
            digits(reader, at, 12), (int)digits(reader, at + 12, 3),
            digits(reader, at + 15, 12), (int)digits(reader, at + 27, 3),
            (int)digits(reader, at + 30, 1));
    }

    private static long digits(final MessageReader reader, final int from, final int count)
    {
        long value = 0;
        for (int i = from; i < from + count; i++)
        {
            value = value * 10 + (reader.charAt(FIELD, i) - '0');
        }
        return value;
    }

    /** The 62 digits of field 48. */
    public String toDigits()
    {
        return digits(domestic) + digits(foreign);
    }

    private static String digits(final Part p)
    {
        return String.format("%012d%03d%012d%03d%d", p.debitAmount(), p.debitCount(), p.creditAmount(), p.creditCount(), p.balanceFlag());
    }
}
