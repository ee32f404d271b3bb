package io.interchange.engine.switching;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.MessageReader;
import io.interchange.codec.ResponseWriter;

/**
 * What the answers to UnionPay POS requests kept beyond the duplicate history ({@link KeptSales}, {@link PreAuthorizations})
 * added to the requests' echo: the RRN, authorization code and response code (fields 37, 38 and 39), when that is all an
 * answer added, so that the request sent again by its terminal gets its answer again as DESIGN.md says of an exact
 * retransmission, made from its echo and these fields, and MACed with the terminal's key of now. 21 bytes a request,
 * by the slot of the store that keeps it. Pre-allocated; no allocation once built; single-threaded (the switch handler's).
 */
final class KeptAnswers
{
    static final int RRN = 37;
    static final int AUTHORIZATION_CODE = 38;
    static final int RESPONSE_CODE = 39;
    private static final int RRN_LENGTH = 12;
    private static final int AUTHORIZATION_CODE_LENGTH = 6;
    private static final int RESPONSE_CODE_LENGTH = 2;
    private static final int ANSWER_FIELDS = RRN_LENGTH + AUTHORIZATION_CODE_LENGTH + RESPONSE_CODE_LENGTH;
    private static final byte ANSWER_KEPT = 1;
    private static final byte WITH_RRN = 2;
    private static final byte WITH_AUTHORIZATION_CODE = 4;
    // What an answer holds that can be made again from the request sent again and these fields: its echo, the fields
    // kept, and its MAC, made again with the terminal's key. One with more (an issuer's chip data, 55, its balances, 54)
    // cannot be given again as it was.
    private static final long REMADE_PRIMARY = remade(0);
    private static final long REMADE_SECONDARY = remade(64);

    private final byte[] shapes;
    private final UnsafeBuffer fields;

    /** @param capacity the slots of the store that keeps the requests. */
    KeptAnswers(final int capacity)
    {
        shapes = new byte[capacity];
        fields = new UnsafeBuffer(new byte[capacity * ANSWER_FIELDS]);
    }

    /** Nothing kept for the slot (until {@link #keep}): a request kept anew. */
    void clear(final int slot)
    {
        shapes[slot] = 0;
    }

    /**
     * Keeps what {@code answer} (the acquirer's dialect, as the terminal got it) added to the echo of its request: its
     * RRN, authorization code and response code. An answer with anything else, or with one of those not of ISO 8583's
     * fixed length, is not kept: {@link #kept} says no.
     */
    void keep(final int slot, final MessageReader answer)
    {
        shapes[slot] = 0;
        if ((answer.decodedPrimary() & ~REMADE_PRIMARY) != 0 || (answer.decodedSecondary() & ~REMADE_SECONDARY) != 0 ||
            !keep(slot, answer, RESPONSE_CODE, RESPONSE_CODE_LENGTH) ||
            answer.has(RRN) && !keep(slot, answer, RRN, RRN_LENGTH) ||
            answer.has(AUTHORIZATION_CODE) && !keep(slot, answer, AUTHORIZATION_CODE, AUTHORIZATION_CODE_LENGTH))
        {
            return;
        }
        shapes[slot] = (byte)(ANSWER_KEPT | (answer.has(RRN) ? WITH_RRN : 0) | (answer.has(AUTHORIZATION_CODE) ? WITH_AUTHORIZATION_CODE : 0));
    }

    private boolean keep(final int slot, final MessageReader answer, final int field, final int length)
    {
        return answer.has(field) && answer.units(field) == length && answer.getText(field, fields, fieldOffset(slot, field)) == length;
    }

    /** Whether the answer can be made again: its echo, and the fields {@link #keep} kept. */
    boolean kept(final int slot)
    {
        return (shapes[slot] & ANSWER_KEPT) != 0;
    }

    /** Whether the answer, when kept, carried {@code field} (37 or 38; 39 it always did). */
    boolean answered(final int slot, final int field)
    {
        final int shape = shapes[slot];
        return field == RESPONSE_CODE ? (shape & ANSWER_KEPT) != 0 :
            (shape & (field == RRN ? WITH_RRN : field == AUTHORIZATION_CODE ? WITH_AUTHORIZATION_CODE : 0)) != 0;
    }

    /** Where {@link #fields} holds the text of the answer's field 37, 38 or 39, {@link #fieldLength} long. */
    int fieldOffset(final int slot, final int field)
    {
        return slot * ANSWER_FIELDS + (field == RRN ? 0 : field == AUTHORIZATION_CODE ? RRN_LENGTH : RRN_LENGTH + AUTHORIZATION_CODE_LENGTH);
    }

    static int fieldLength(final int field)
    {
        return field == RRN ? RRN_LENGTH : field == AUTHORIZATION_CODE ? AUTHORIZATION_CODE_LENGTH : RESPONSE_CODE_LENGTH;
    }

    DirectBuffer fields()
    {
        return fields;
    }

    private static long remade(final int base)
    {
        long word = 0;
        for (final int field : ResponseWriter.FINANCIAL_ECHO)
        {
            word |= bit(base, field);
        }
        return word | bit(base, RRN) | bit(base, AUTHORIZATION_CODE) | bit(base, RESPONSE_CODE) | bit(base, 64) | bit(base, 128);
    }

    private static long bit(final int base, final int field)
    {
        return field > base && field <= base + 64 ? Long.MIN_VALUE >>> (field - base - 1) : 0;
    }
}
