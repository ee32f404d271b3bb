package io.interchange.codec;

/**
 * What must never be shown or stored in clear (DESIGN.md §7, PCI DSS 3.3 and 3.4), as one rule for every dump,
 * log line and, later, the journal: PANs (fields 2 and 34) show their first six and last four digits; track data
 * (35, 36, 45, and any field of the z track code set) and the PIN block (52) show only their length; ICC data
 * (55) shows its EMV tags with the sensitive ones hidden ({@link IccData}).
 */
public final class SensitiveData
{
    public static final int PAN = 2;
    public static final int PAN_EXTENDED = 34;
    public static final int ICC_DATA = 55;
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
        if (spec.type() == FieldType.Z)
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

    private static String unitName(final FieldType type)
    {
        switch (type)
        {
            case N:
            case Z:
            case XN:
                return "digits";
            case B:
                return "bytes";
            default:
                return "characters";
        }
    }
}
