package io.interchange.codec;

import java.util.HexFormat;

/**
 * Field 55 for people: its EMV data objects (BER-TLV, EMV Book 3 annex B) as {@code tag=value}, with what a
 * chip card holds back from anyone but its issuer kept out of sight. Track 2 equivalent data (57) and the
 * track data and discretionary data tags carry the card verification value (PCI DSS 3.3.1: never shown), 99
 * a PIN; the PAN (5A) shows as first six and last four. Anything that does not parse as BER-TLV is protected
 * whole, since we cannot tell what is in it.
 */
public final class IccData
{
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** Tags whose values are sensitive authentication data. */
    private static final int[] PROTECTED_TAGS = {
        0x56,   // track 1 equivalent data
        0x57,   // track 2 equivalent data
        0x99,   // transaction PIN data
        0x9F1F, // track 1 discretionary data
        0x9F20, // track 2 discretionary data
        0x9F6B, // track 2 data (contactless)
    };
    private static final int PAN_TAG = 0x5A;
    /** Three tag bytes is the most EMV and ISO/IEC 7816-4 data objects use. */
    private static final int MAX_TAG = 0xFFFFFF;

    private IccData()
    {
    }

    public static String render(final byte[] data)
    {
        final StringBuilder sb = new StringBuilder(data.length * 3);
        if (!append(data, 0, data.length, sb))
        {
            return "[protected, " + data.length + " bytes, not BER-TLV]";
        }
        return sb.toString();
    }

    private static boolean append(final byte[] data, final int from, final int to, final StringBuilder sb)
    {
        int p = from;
        boolean first = true;
        while (p < to)
        {
            final int lead = data[p] & 0xFF;
            if (lead == 0x00 || lead == 0xFF)
            {
                // Padding allowed before, between and after data objects (EMV Book 3 annex B1).
                p++;
                continue;
            }
            final int tagStart = p++;
            int tag = lead;
            if ((lead & 0x1F) == 0x1F)
            {
                int next;
                do
                {
                    if (p >= to || tag > (MAX_TAG >>> 8))
                    {
                        return false;
                    }
                    next = data[p++] & 0xFF;
                    tag = (tag << 8) | next;
                }
                while ((next & 0x80) != 0);
            }
            final int tagLength = p - tagStart;
            if (p >= to)
            {
                return false;
            }
            int length = data[p++] & 0xFF;
            if (length == 0x81 || length == 0x82)
            {
                final int bytes = length & 0x03;
                if (bytes > to - p)
                {
                    return false;
                }
                length = 0;
                for (int i = 0; i < bytes; i++)
                {
                    length = (length << 8) | (data[p++] & 0xFF);
                }
            }
            else if (length > 0x7F)
            {
                return false;
            }
            if (length > to - p)
            {
                return false;
            }
            if (!first)
            {
                sb.append(' ');
            }
            first = false;
            HEX.formatHex(sb, data, tagStart, tagStart + tagLength);
            if ((lead & 0x20) != 0)
            {
                sb.append('{');
                if (!append(data, p, p + length, sb))
                {
                    return false;
                }
                sb.append('}');
            }
            else
            {
                sb.append('=');
                appendValue(tag, data, p, length, sb);
            }
            p += length;
        }
        return true;
    }

    private static void appendValue(final int tag, final byte[] data, final int offset, final int length, final StringBuilder sb)
    {
        for (final int t : PROTECTED_TAGS)
        {
            if (t == tag)
            {
                sb.append("[protected, ").append(length).append(" bytes]");
                return;
            }
        }
        if (tag == PAN_TAG)
        {
            // The PAN is BCD, padded with F nibbles to whole bytes.
            String digits = HEX.formatHex(data, offset, offset + length);
            while (digits.endsWith("F"))
            {
                digits = digits.substring(0, digits.length() - 1);
            }
            sb.append(Pan.mask(digits));
            return;
        }
        HEX.formatHex(sb, data, offset, offset + length);
    }
}
