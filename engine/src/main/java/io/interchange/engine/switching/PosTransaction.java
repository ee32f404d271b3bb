package io.interchange.engine.switching;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.Field60;

/**
 * What a UnionPay POS request is, in the terms of ISO 8583:1987 that its issuer speaks: the POS dialect says it with
 * its MTI, processing code and 60.1 together, and some of its messages mean something else than the same MTI means on
 * an issuer link. A pre-authorization is an 0100 coded 03 (60.1 = 10), which the issuer gets coded 00; its void an
 * 0100 coded 20 (60.1 = 11), which releases the hold as a reversal does; a completion the terminal asks for online
 * is an 0200 (60.1 = 20), which the issuer gets as the 0220 a completion advice (60.1 = 24) is; a refund is an 0220
 * coded 20 (60.1 = 25) that the terminal waits on, which the issuer gets as the refund (0200) it may decline. Read
 * in place; ISO 8583:1987 requests are none of these.
 */
public final class PosTransaction
{
    /** Processing code 03 (its first two digits), as the UnionPay POS dialect codes a pre-authorization. */
    public static final int PRE_AUTH_PROCESSING = 3;

    private PosTransaction()
    {
    }

    /** 60.1 of a UnionPay POS request; -1 for one without it, or in a dialect with a field 7 (ISO 8583:1987 has no 60.1). */
    public static int type(final MessageReader request)
    {
        return request.dialect().defines(7) ? -1 : Field60.transactionType(request);
    }

    /** A pre-authorization void (0100, 60.1 = 11): the hold its field 61 names is released. */
    public static boolean preAuthVoid(final MessageReader request)
    {
        return request.mti() == Mti.AUTHORIZATION_REQUEST && type(request) == Field60.TYPE_PRE_AUTH_VOID;
    }

    /** A completion asked for online (0200, 60.1 = 20): settled as a completion advice (0220) is, not as a sale. */
    public static boolean completionRequest(final MessageReader request)
    {
        return request.mti() == Mti.FINANCIAL_REQUEST && type(request) == Field60.TYPE_COMPLETION;
    }

    /** A completion void (0200, 60.1 = 21): approved, it takes back the completion its field 61 names, and gives that one's hold back. */
    public static boolean completionVoid(final MessageReader request)
    {
        return request.mti() == Mti.FINANCIAL_REQUEST && type(request) == Field60.TYPE_COMPLETION_VOID;
    }

    /** A refund (0220, 60.1 = 25): an advice by its MTI that its terminal waits on, and its issuer decides. */
    public static boolean refund(final MessageReader request)
    {
        return request.mti() == Mti.FINANCIAL_ADVICE && type(request) == Field60.TYPE_REFUND;
    }

    /** A pre-authorization coded as the POS dialect codes it (0100, processing 03, 60.1 = 10). */
    public static boolean preAuthCoded03(final MessageReader request, final int processing)
    {
        return request.mti() == Mti.AUTHORIZATION_REQUEST && processing == PRE_AUTH_PROCESSING && type(request) == Field60.TYPE_PRE_AUTH;
    }
}
