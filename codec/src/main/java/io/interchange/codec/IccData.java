package io.interchange.codec;

import java.util.HexFormat;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

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
    /** The application PAN: masked when shown, and kept only encrypted. */
    public static final int PAN_TAG = 0x5A;

    private IccData()
    {
    }

    /** True for the tags whose values are sensitive authentication data: never shown, never journaled. */
    public static boolean isProtected(final int tag)
    {
        for (final int t : PROTECTED_TAGS)
        {
            if (t == tag)
            {
                return true;
            }
        }
        return false;
    }

    public static String render(final byte[] data)
    {
        final StringBuilder sb = new StringBuilder(data.length * 3);
        if (!append(new UnsafeBuffer(data), data, 0, data.length, sb))
        {
            return "[protected, " + data.length + " bytes, not BER-TLV]";
        }
        return sb.toString();
    }

    private static boolean append(final DirectBuffer buffer, final byte[] data, final int from, final int to, final StringBuilder sb)
    {
        int p = from;
        boolean first = true;
        while (p < to)
        {
            final int lead = data[p] & 0xFF;
            if (BerTlv.isPadding(lead))
            {
                p++;
                continue;
            }
            final long header = BerTlv.header(buffer, p, to);
            if (header == BerTlv.INVALID)
            {
                return false;
            }
            final int value = p + BerTlv.headerLength(header);
            final int length = BerTlv.valueLength(header);
            if (!first)
            {
                sb.append(' ');
            }
            first = false;
            HEX.formatHex(sb, data, p, p + BerTlv.tagLength(header));
            if (BerTlv.isConstructed(lead))
            {
                sb.append('{');
                if (!append(buffer, data, value, value + length, sb))
                {
                    return false;
                }
                sb.append('}');
            }
            else
            {
                sb.append('=');
                appendValue(BerTlv.tag(header), data, value, length, sb);
            }
            p = value + length;
        }
        return true;
    }

    private static void appendValue(final int tag, final byte[] data, final int offset, final int length, final StringBuilder sb)
    {
        if (isProtected(tag))
        {
            sb.append("[protected, ").append(length).append(" bytes]");
            return;
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
