package io.interchange.tools.issuer;

import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOUtil;
import org.jpos.iso.packager.ISO87BPackager;

/** Requests as the switch sends them to an issuer, built and packed by jPOS. */
final class Requests
{
    static final ISO87BPackager PACKAGER = new ISO87BPackager();
    static final String PURCHASE = "000000";
    static final String CASH = "010000";
    static final String REFUND = "200000";
    static final String BALANCE_INQUIRY = "310000";
    static final String TRACK2_DISCRETIONARY = "2011143804400000";
    static final String PIN_BLOCK = "0123456789ABCDEF";
    private static final String INSTITUTION = "00000012345";

    private Requests()
    {
    }

    /** An 0100 or 0200 as a terminal's purchase arrives at the issuer: with track 2 and a PIN block. */
    static ISOMsg financial(final String mti, final String pan, final String processingCode, final long amount, final int stan)
        throws ISOException
    {
        final ISOMsg m = message(mti, stan);
        m.set(2, pan);
        m.set(3, processingCode);
        m.set(4, ISOUtil.zeropad(amount, 12));
        m.set(7, TestCards.TRANSMISSION_TIME);
        m.set(11, ISOUtil.zeropad(stan, 6));
        m.set(12, "100000");
        m.set(13, "0315");
        m.set(22, "051");
        m.set(25, "00");
        m.set(32, "12345");
        m.set(35, pan + "=3012" + TRACK2_DISCRETIONARY);
        m.set(37, "000000" + ISOUtil.zeropad(stan, 6));
        m.set(41, "TERM0001");
        m.set(42, "MERCHANT0000001");
        m.set(49, "840");
        m.set(52, ISOUtil.hex2byte(PIN_BLOCK));
        return m;
    }

    static ISOMsg purchase(final String pan, final long amount, final int stan) throws ISOException
    {
        return financial("0200", pan, PURCHASE, amount, stan);
    }

    static ISOMsg balanceInquiry(final String pan, final int stan) throws ISOException
    {
        final ISOMsg m = financial("0200", pan, BALANCE_INQUIRY, 0, stan);
        m.unset(4);
        return m;
    }

    /** An advice (0220, 0221, 0120) of a transaction done elsewhere, naming {@code original} in 90 when given. */
    static ISOMsg advice(final String mti, final String pan, final String processingCode, final long amount, final int stan, final ISOMsg original)
        throws ISOException
    {
        final ISOMsg m = financial(mti, pan, processingCode, amount, stan);
        m.unset(35);
        m.unset(52);
        if (original != null)
        {
            m.set(90, originalData(original));
        }
        return m;
    }

    /** A reversal (0400, 0420, 0421) of {@code original}, with its own STAN, naming the original in field 90. */
    static ISOMsg reversal(final String mti, final ISOMsg original, final int stan) throws ISOException
    {
        final ISOMsg m = message(mti, stan);
        for (final int f : new int[] {2, 3, 4, 7, 32, 37, 41, 42, 49})
        {
            if (original.hasField(f))
            {
                m.set(f, original.getString(f));
            }
        }
        m.set(11, ISOUtil.zeropad(stan, 6));
        m.set(90, originalData(original));
        return m;
    }

    /** Field 90: original MTI, STAN, transmission date and time, acquiring and forwarding institutions. */
    static String originalData(final ISOMsg original) throws ISOException
    {
        return original.getMTI() + original.getString(11) + original.getString(7) + INSTITUTION + "00000000000";
    }

    static ISOMsg network(final String function, final int stan) throws ISOException
    {
        final ISOMsg m = message("0800", stan);
        m.set(7, TestCards.TRANSMISSION_TIME);
        m.set(11, ISOUtil.zeropad(stan, 6));
        m.set(70, function);
        return m;
    }

    private static ISOMsg message(final String mti, final int stan) throws ISOException
    {
        final ISOMsg m = new ISOMsg(mti);
        m.setPackager(PACKAGER);
        return m;
    }

    static byte[] pack(final ISOMsg m) throws ISOException
    {
        return m.pack();
    }

    static ISOMsg unpack(final byte[] bytes) throws ISOException
    {
        final ISOMsg m = new ISOMsg();
        m.setPackager(PACKAGER);
        m.unpack(bytes);
        return m;
    }
}
