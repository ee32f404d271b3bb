package io.interchange.codec;

import io.interchange.codec.cups.UnionPayPos;

/**
 * What must never be shown or stored in clear (DESIGN.md §7, PCI DSS 3.3 and 3.4), as one rule for every dump,
 * log line and, later, the journal: PANs (fields 2 and 34) show their first six and last four digits; track data
 * (35, 36, 45, and any field of the z track code set) and the PIN block (52) show only their length; ICC data
 * (55) shows its EMV tags with the sensitive ones hidden ({@link IccData}); the card numbers a UnionPay POS batch
 * upload lists in field 48 show as field 2 does ({@link #listsCards}).
 */
public final class SensitiveData
{
    public static final int PAN = 2;
    public static final int PAN_EXTENDED = 34;
    public static final int ICC_DATA = 55;
    /**
     * Field 48 of a UnionPay POS batch upload (0320, or its repeat 0321): a magnetic-stripe terminal lists up to eight
     * of the batch's transactions there, each with its card number in clear: a count (n2), then for each its card
     * scheme (n2), POS STAN (n6), card number (n20, left aligned, zero filled) and amount (n12).
     */
    public static final int UPLOAD_CARDS = 48;
    private static final int UPLOAD_COUNT_DIGITS = 2;
    private static final int UPLOAD_ENTRY_DIGITS = 40;
    private static final int UPLOAD_CARD_FROM = 8;
    private static final int UPLOAD_CARD_TO = 28;
    /** Track 2, track 3, track 1 and the PIN block. */
    private static final int[] PROTECTED_FIELDS = {35, 36, 45, 52};

    private SensitiveData()
    {
    }

    /** True for the fields that hold a primary account number. */
    public static boolean isPan(final int field)
    {
        return field == PAN || field == PAN_EXTENDED;
    }

    /** Track data in any field, by number or by its track code set (z), and the PIN block. */
    public static boolean isProtected(final FieldSpec spec)
    {
        if (spec.type().isTrack())
        {
            return true;
        }
        for (final int f : PROTECTED_FIELDS)
        {
            if (f == spec.id())
            {
                return true;
            }
        }
        return false;
    }

    /** True for a dialect whose batch uploads list card numbers in field 48: the UnionPay POS dialect. Allocates nothing. */
    public static boolean uploadsListCards(final Dialect dialect)
    {
        return dialect.name().equals(UnionPayPos.NAME) && dialect.defines(UPLOAD_CARDS);
    }

    /** A batch upload (0320) or its repeat (0321). Allocates nothing. */
    public static boolean isBatchUpload(final int mti)
    {
        return mti / 10 == Mti.BATCH_UPLOAD / 10;
    }

    /** True when the message's {@code field} may list card numbers: field 48 of a batch upload in a dialect whose uploads do. */
    public static boolean listsCards(final MessageReader reader, final int field)
    {
        return field == UPLOAD_CARDS && isBatchUpload(reader.mti()) && uploadsListCards(reader.dialect());
    }

    /**
     * Appends the field as it may be shown: masked, protected, ICC tags rendered, otherwise its text form.
     * Allocates: for dumps and logs, not the ring.
     */
    public static StringBuilder appendShowable(final MessageReader reader, final int field, final StringBuilder sb)
    {
        final FieldSpec spec = reader.spec(field);
        if (isPan(field))
        {
            return Pan.appendMasked(reader.getString(field), sb);
        }
        if (listsCards(reader, field))
        {
            return appendUploadCards(reader.getString(field), sb);
        }
        if (isProtected(spec))
        {
            return sb.append("[protected, ").append(reader.units(field)).append(' ').append(unitName(spec.type())).append(']');
        }
        if (field == ICC_DATA)
        {
            return sb.append(IccData.render(reader.getBytes(field)));
        }
        return reader.appendTo(field, sb);
    }

    /**
     * {@code 02: 00 000101 622848**********0000 000000005000; 00 000102 ...}: each listed transaction with its card
     * number masked as field 2 is. Digits that are not that layout are protected whole: which of them are a card
     * number cannot then be told.
     */
    private static StringBuilder appendUploadCards(final String digits, final StringBuilder sb)
    {
        final int count = digits.length() >= UPLOAD_COUNT_DIGITS && allDigits(digits) ? Integer.parseInt(digits.substring(0, UPLOAD_COUNT_DIGITS)) : -1;
        if (count < 0 || digits.length() != UPLOAD_COUNT_DIGITS + count * UPLOAD_ENTRY_DIGITS)
        {
            return sb.append("[protected, ").append(digits.length()).append(" digits]");
        }
        sb.append(digits, 0, UPLOAD_COUNT_DIGITS).append(':');
        for (int i = 0; i < count; i++)
        {
            final int at = UPLOAD_COUNT_DIGITS + i * UPLOAD_ENTRY_DIGITS;
            sb.append(i == 0 ? " " : "; ").append(digits, at, at + 2).append(' ').append(digits, at + 2, at + UPLOAD_CARD_FROM).append(' ');
            Pan.appendMasked(digits.substring(at + UPLOAD_CARD_FROM, at + UPLOAD_CARD_TO), sb);
            sb.append(' ').append(digits, at + UPLOAD_CARD_TO, at + UPLOAD_ENTRY_DIGITS);
        }
        return sb;
    }

    private static boolean allDigits(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (text.charAt(i) < '0' || text.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }

    private static String unitName(final FieldType type)
    {
        switch (type)
        {
            case N:
            case Z:
            case ZE:
            case XN:
                return "digits";
            case B:
                return "bytes";
            default:
                return "characters";
        }
    }
}
