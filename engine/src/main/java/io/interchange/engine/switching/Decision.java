package io.interchange.engine.switching;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The switch's decision about one event, as journaled beside its input and outputs. Clearing reads it back.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+---------------+---------------+
 * | response code (2 ASCII, or 0) |    outcome    |     flags     |
 * +-------------------------------+---------------+---------------+
 * |                 issuer index (int, -1 for none)               |
 * +---------------------------------------------------------------+
 * |             switch STAN on the issuer link (int, 0)           |
 * +---------------------------------------------------------------+
 * |  endpoint of the event's link: listener or issuer index (int) |
 * +---------------------------------------------------------------+
 * </pre>
 * The endpoint is kept so that replay can rebuild each event exactly as the links published it. Flags: bit 0,
 * {@link #MAC_REFUSED}; bit 1, {@link #PIN_REFUSED}; bit 2, {@link #OUT_OF_BALANCE}; bit 3, {@link #UPLOAD_UNMATCHED};
 * bit 4, {@link #DOMESTIC_OUT_OF_BALANCE}; bit 5, {@link #FOREIGN_OUT_OF_BALANCE}; bit 6, {@link #UNDELIVERED_REVERSED};
 * bit 7, {@link #ADVICES_SENT} (a journal written before a bit was used has it 0, and reads as before). The first two are verdicts on fields the journal never
 * holds, which replay takes from here instead of judging again.
 *
 * <h2>Terminal batch settlement (DESIGN.md §4, §6)</h2>
 * A settlement event's decision is {@link #SETTLEMENT_LENGTH} bytes: the 16 above, then the differences between the
 * terminal's totals and the switch's, each the terminal's figure less the switch's (0 everywhere when in balance).
 * For these outcomes the switch STAN word holds the batch number instead ({@link #batchNumber}): the terminal's 60.2
 * for UnionPay POS, the switch's own count of the terminal's batches (from 1) for ISO 8583:1987.
 * <pre>
 * +---------------------------------------------------------------+
 * |  16 bytes as above (issuer -1; switch STAN word: batch number) |
 * +---------------------------------------------------------------+
 * | count differences: credits, credit reversals, debits, debit    |  4 ints, saturated at the int range
 * | reversals (ISO 8583:1987 fields 74, 75, 76, 77)                |
 * +---------------------------------------------------------------+
 * | amount differences in minor units, same order (86, 87, 88, 89) |  4 longs
 * +---------------------------------------------------------------+
 * </pre>
 * Which events carry it, by outcome:
 * <ul>
 *   <li>{@link Outcome#SETTLED}: the batch is closed by this event and the terminal's next batch starts from zero;
 *       {@link #OUT_OF_BALANCE} says whether the terminal's figures differed from the switch's. An ISO 8583:1987
 *       0500 (answered 0510 with 00, or 95 and the switch's figures), a UnionPay POS 0500 in balance (0510, flag 1
 *       in field 48), or the UnionPay 0320 that ends a batch upload (60.3 = 202), which repeats the differences of the
 *       out-of-balance 0500 that started the upload. An out-of-balance batch for clearing is a SETTLED decision with
 *       {@link #OUT_OF_BALANCE} set: read its differences there, its terminal in the input's field 41.</li>
 *   <li>{@link Outcome#UPLOAD_AWAITED}: a UnionPay POS 0500 out of balance (0510, flag 2 in field 48): the batch stays
 *       open while the terminal uploads it; its differences are here and again on the SETTLED that follows.</li>
 * </ul>
 * UnionPay POS terminals report their batch net of voids and reversals (debits and credits only), so their reversal
 * differences are always 0 and their debit and credit differences compare with the switch's debits less debit
 * reversals, credits less credit reversals. They report domestic and foreign cards apart, and the switch compares
 * each part with its own totals for cards of that origin; the differences here are the two parts' added together
 * (the layout is the ISO 8583:1987 one), and {@link #DOMESTIC_OUT_OF_BALANCE} and {@link #FOREIGN_OUT_OF_BALANCE}
 * say which part was out: a foreign sale counted as domestic puts both out with differences that add up to 0.
 *
 * <h2>A reversal that undid an approval</h2>
 * An acquirer's reversal (0400, 0420 and repeats) answered 00 that undid an approval which moved money (a sale, cash,
 * a refund or a completion; not a pre-authorization's hold, nor a balance inquiry) is {@link Outcome#ANSWERED} with
 * the issuer it sent the 0420 to in the issuer word, and {@link #REVERSAL_LENGTH} bytes: what that 0420 undoes, from
 * the switch's own record of the original, so that clearing books what the issuer was told, whatever the reversal's
 * own fields say.
 * <pre>
 * +---------------------------------------------------------------+
 * |  16 bytes as above (outcome ANSWERED, 00, the issuer's index)  |
 * +---------------------------------------------------------------+
 * |        the original's amount in minor units (long)            |
 * +---------------------------------------------------------------+
 * |  the original's currency, ISO 4217 numeric (int)               |
 * +---------------+-----------------------------------------------+
 * | 1: a refund   |                 (3 bytes 0)                   |
 * +---------------+-----------------------------------------------+
 * </pre>
 * <h2>A request forwarded</h2>
 * {@link Outcome#FORWARDED} is {@link #FORWARD_LENGTH} bytes: the 16 above, then the issuer's time-out the request went
 * with (long, nanoseconds), so that replay times it out when the switch did, whatever the setting is now: under a
 * shorter one, every answer the journal relayed late would be a time-out, its approval reversed to the issuer. A
 * journal written before has 16 bytes here, and replay takes the setting.
 *
 * <h2>The start of a run</h2>
 * A {@code NODE_START} is {@link Outcome#NOTHING}, {@link #RUN_LENGTH} bytes: the issuers and listeners the run had,
 * since every other decision names them by their place in the config's lists (the issuer word, the endpoint word),
 * checked at each later start and by clearing ({@link EndpointOrder}). A journal written before has 16 bytes here.
 * <pre>
 * +---------------------------------------------------------------+
 * |  16 bytes as above (outcome NOTHING, issuer -1, endpoint -1)   |
 * +---------------------------------------------------------------+
 * |  issuers in the config (int)  |  their ids' hash, in order    |
 * +---------------------------------------------------------------+
 * |  listeners in the config (int)|  their names' hash, in order  |
 * +---------------------------------------------------------------+
 * </pre>
 * One uploaded transaction (0320, 60.3 = 201, 203-207) is {@link Outcome#UPLOADED}, 16 bytes, with
 * {@link #UPLOAD_UNMATCHED} when the switch has no approved, unreversed transaction of that terminal, batch, STAN and
 * amount. A settlement request sent again byte for byte (its answer lost) is {@link Outcome#RETRANSMITTED}, 16 bytes:
 * the same answer again, nothing settled, closed or uploaded twice.
 */
public final class Decision
{
    public static final int LENGTH = 16;
    /**
     * The request's MAC was refused: it did not hold (A0) or the HSM could not check it (96); or, its MAC holding or
     * not asked for, its track 2 was (30: enciphered with no track key to decipher it, or not a track once
     * deciphered; 96: the HSM failed). Replay cannot judge either again (the MAC covers track data and PIN blocks, which
     * the journal never holds), so it takes this verdict.
     */
    public static final int MAC_REFUSED = 1;
    /**
     * The HSM refused to translate the request's PIN block (not a valid block for the card, no key: the answer is
     * 96). Replay cannot ask again (the journal never holds PIN blocks), so it takes this verdict.
     */
    public static final int PIN_REFUSED = 2;
    /** A settlement whose totals differed from the switch's (0510 answered 95, or a UnionPay balance flag of 2). */
    public static final int OUT_OF_BALANCE = 4;
    /** An uploaded transaction (0320) the switch does not have as approved with that amount: a difference. */
    public static final int UPLOAD_UNMATCHED = 8;
    /** With {@link #OUT_OF_BALANCE}, UnionPay POS: the domestic cards' part of field 48 was out (its flag 2). */
    public static final int DOMESTIC_OUT_OF_BALANCE = 16;
    /** With {@link #OUT_OF_BALANCE}, UnionPay POS: the foreign cards' part of field 48 was out (its flag 2). */
    public static final int FOREIGN_OUT_OF_BALANCE = 32;
    /**
     * With {@link Outcome#RELAYED}: the issuer approved, but the acquirer's link had gone, so no terminal heard of it;
     * the switch reversed it to the issuer (0420, 39 = 68) and it does not settle.
     */
    public static final int UNDELIVERED_REVERSED = 64;
    /**
     * The event's outputs end with advices from the store-and-forward queue (0420, 0220 or their repeats) to issuers.
     * Any event with outputs to spare carries them; a journal written before this bit had them on ticks only.
     */
    public static final int ADVICES_SENT = 128;
    /** The length of a {@link Outcome#FORWARDED} decision: with the issuer's time-out then. */
    public static final int FORWARD_LENGTH = 24;
    /** The length of a {@code NODE_START}'s decision: the issuers and listeners of the run it starts. */
    public static final int RUN_LENGTH = 32;
    /** The length of a settlement decision ({@link Outcome#SETTLED}, {@link Outcome#UPLOAD_AWAITED}). */
    public static final int SETTLEMENT_LENGTH = 64;
    /** The length of the decision of a reversal that undid an approval which moved money. */
    public static final int REVERSAL_LENGTH = 32;
    private static final int REVERSED_AMOUNT = 16;
    private static final int REVERSED_CURRENCY = 24;
    private static final int REVERSED_CREDIT = 28;
    private static final int COUNT_DIFFERENCES = 16;
    private static final int AMOUNT_DIFFERENCES = 32;
    private static final int TIME_OUT = 16;
    private static final int RUN_ISSUERS = 16;
    private static final int RUN_ISSUERS_HASH = 20;
    private static final int RUN_LISTENERS = 24;
    private static final int RUN_LISTENERS_HASH = 28;
    private static final int RESPONSE_CODE = 0;
    private static final int OUTCOME = 2;
    private static final int FLAGS = 3;
    private static final int ISSUER = 4;
    private static final int SWITCH_STAN = 8;
    private static final int ENDPOINT = 12;
    private static final Outcome[] OUTCOMES = Outcome.values();

    private Decision()
    {
    }

    static int write(
        final MutableDirectBuffer buffer, final CharSequence responseCode, final Outcome outcome, final int flags, final int issuer,
        final int switchStan, final int endpoint)
    {
        buffer.putByte(RESPONSE_CODE, responseCode == null ? 0 : (byte)responseCode.charAt(0));
        buffer.putByte(RESPONSE_CODE + 1, responseCode == null ? 0 : (byte)responseCode.charAt(1));
        buffer.putByte(OUTCOME, (byte)outcome.ordinal());
        buffer.putByte(FLAGS, (byte)flags);
        buffer.putInt(ISSUER, issuer);
        buffer.putInt(SWITCH_STAN, switchStan);
        buffer.putInt(ENDPOINT, endpoint);
        return LENGTH;
    }

    /**
     * Appends the differences of a settlement to a decision {@link #write} wrote: {@code differences} laid out as
     * {@link BatchTotals#figures}. Returns the decision's new length, {@link #SETTLEMENT_LENGTH}.
     */
    static int writeSettlement(final MutableDirectBuffer buffer, final long[] differences)
    {
        for (int i = 0; i < BatchTotals.AMOUNTS; i++)
        {
            final long count = differences[i];
            buffer.putInt(COUNT_DIFFERENCES + i * Integer.BYTES,
                (int)Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, count)));
            buffer.putLong(AMOUNT_DIFFERENCES + i * Long.BYTES, differences[BatchTotals.AMOUNTS + i]);
        }
        return SETTLEMENT_LENGTH;
    }

    /** Appends to a decision {@link #write} wrote what a reversal undid; returns the decision's new length, {@link #REVERSAL_LENGTH}. */
    static int writeReversal(final MutableDirectBuffer buffer, final long amount, final int currency, final boolean credit)
    {
        buffer.putLong(REVERSED_AMOUNT, amount);
        buffer.putInt(REVERSED_CURRENCY, currency);
        buffer.putInt(REVERSED_CREDIT, credit ? 1 : 0);
        return REVERSAL_LENGTH;
    }

    /** Appends to a {@link Outcome#FORWARDED} decision the issuer's time-out; returns its new length, {@link #FORWARD_LENGTH}. */
    static int writeTimeOut(final MutableDirectBuffer buffer, final long timeOutNanos)
    {
        buffer.putLong(TIME_OUT, timeOutNanos);
        return FORWARD_LENGTH;
    }

    /** The issuer's time-out, nanoseconds, of a {@link Outcome#FORWARDED} decision of {@link #FORWARD_LENGTH} bytes. */
    public static long timeOutNanos(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + TIME_OUT);
    }

    /**
     * Appends to a {@code NODE_START}'s decision the issuers and listeners of the run ({@link EndpointOrder#hash}); returns
     * the decision's new length, {@link #RUN_LENGTH}.
     */
    static int writeRun(final MutableDirectBuffer buffer, final int issuers, final int issuersHash, final int listeners, final int listenersHash)
    {
        buffer.putInt(RUN_ISSUERS, issuers);
        buffer.putInt(RUN_ISSUERS_HASH, issuersHash);
        buffer.putInt(RUN_LISTENERS, listeners);
        buffer.putInt(RUN_LISTENERS_HASH, listenersHash);
        return RUN_LENGTH;
    }

    /** How many issuers the config of the run a {@code NODE_START} of {@link #RUN_LENGTH} bytes started had. */
    public static int runIssuers(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + RUN_ISSUERS);
    }

    /** The hash of that run's issuer ids, in their order ({@link EndpointOrder#hash}). */
    public static int runIssuersHash(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + RUN_ISSUERS_HASH);
    }

    /** How many listeners that run's config had. */
    public static int runListeners(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + RUN_LISTENERS);
    }

    /** The hash of that run's listener names, in their order. */
    public static int runListenersHash(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + RUN_LISTENERS_HASH);
    }

    /** Whether a decision of {@code length} bytes says what a reversal undid ({@link #reversedAmount} and the rest). */
    public static boolean undidApproval(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= REVERSAL_LENGTH && outcome(buffer, offset) == Outcome.ANSWERED && issuer(buffer, offset) >= 0;
    }

    /** The amount, minor units, of the approval a reversal undid. */
    public static long reversedAmount(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + REVERSED_AMOUNT);
    }

    /** The currency, ISO 4217 numeric, of the approval a reversal undid. */
    public static int reversedCurrency(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + REVERSED_CURRENCY);
    }

    /** Whether the approval a reversal undid was a refund (money to the card), not a sale. */
    public static boolean reversedCredit(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + REVERSED_CREDIT) == 1;
    }

    /** True when a settlement decision says the terminal's totals differed from the switch's. */
    public static boolean outOfBalance(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + FLAGS) & OUT_OF_BALANCE) != 0;
    }

    /** True when a UnionPay POS settlement decision says the domestic cards' totals differed from the switch's. */
    public static boolean domesticOutOfBalance(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + FLAGS) & DOMESTIC_OUT_OF_BALANCE) != 0;
    }

    /** True when a UnionPay POS settlement decision says the foreign cards' totals differed from the switch's. */
    public static boolean foreignOutOfBalance(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + FLAGS) & FOREIGN_OUT_OF_BALANCE) != 0;
    }

    /** Sets {@code flags} in a decision {@link #write} wrote, beside those it has. */
    static void addFlags(final MutableDirectBuffer buffer, final int flags)
    {
        buffer.putByte(FLAGS, (byte)(buffer.getByte(FLAGS) | flags));
    }

    /** True when the event's outputs include advices from the store-and-forward queue ({@link #ADVICES_SENT}). */
    public static boolean advicesSent(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + FLAGS) & ADVICES_SENT) != 0;
    }

    /** True when an approval relayed to no terminal was reversed to its issuer ({@link #UNDELIVERED_REVERSED}). */
    public static boolean undeliveredReversed(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + FLAGS) & UNDELIVERED_REVERSED) != 0;
    }

    /** True when an uploaded transaction (0320) did not match one the switch approved. */
    public static boolean uploadUnmatched(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + FLAGS) & UPLOAD_UNMATCHED) != 0;
    }

    /** The batch number of a settlement decision (kept where other decisions keep the switch STAN). */
    public static int batchNumber(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + SWITCH_STAN);
    }

    /**
     * A settlement decision's count difference (terminal less switch) for {@code which}: {@link BatchTotals#CREDITS},
     * {@link BatchTotals#CREDIT_REVERSALS}, {@link BatchTotals#DEBITS} or {@link BatchTotals#DEBIT_REVERSALS}. Only when
     * the decision is {@link #SETTLEMENT_LENGTH} long.
     */
    public static int countDifference(final DirectBuffer buffer, final int offset, final int which)
    {
        return buffer.getInt(offset + COUNT_DIFFERENCES + which * Integer.BYTES);
    }

    /** A settlement decision's amount difference (terminal less switch, minor units), as {@link #countDifference}. */
    public static long amountDifference(final DirectBuffer buffer, final int offset, final int which)
    {
        return buffer.getLong(offset + AMOUNT_DIFFERENCES + which * Long.BYTES);
    }

    /** The response code as a String, or null when the decision carries none. For tools and clearing. */
    public static String responseCode(final DirectBuffer buffer, final int offset)
    {
        final byte a = buffer.getByte(offset + RESPONSE_CODE);
        return a == 0 ? null : new String(new char[] {(char)a, (char)buffer.getByte(offset + RESPONSE_CODE + 1)});
    }

    /**
     * The answer a journaled decision gave for the request's MAC or track, when it refused it ({@link #MAC_REFUSED}):
     * A0, 30 or 96. Null when neither was refused. Allocates nothing.
     */
    public static String macRefusal(final DirectBuffer buffer, final int offset)
    {
        if ((buffer.getByte(offset + FLAGS) & MAC_REFUSED) == 0)
        {
            return null;
        }
        if (hasCode(buffer, offset, ResponseCode.MAC_FAILURE))
        {
            return ResponseCode.MAC_FAILURE;
        }
        return hasCode(buffer, offset, ResponseCode.FORMAT_ERROR) ? ResponseCode.FORMAT_ERROR : ResponseCode.SYSTEM_MALFUNCTION;
    }

    /** True when the journaled decision says the HSM refused the request's PIN block ({@link #PIN_REFUSED}). */
    public static boolean pinRefused(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + FLAGS) & PIN_REFUSED) != 0;
    }

    /** True when the decision answered the request itself with {@code code} (two ASCII characters). Allocates nothing. */
    public static boolean answered(final DirectBuffer buffer, final int offset, final String code)
    {
        return outcome(buffer, offset) == Outcome.ANSWERED && hasCode(buffer, offset, code);
    }

    /** True when the decision carries response code {@code code} (two ASCII characters), whatever its outcome. Allocates nothing. */
    public static boolean hasCode(final DirectBuffer buffer, final int offset, final String code)
    {
        return buffer.getByte(offset + RESPONSE_CODE) == code.charAt(0) && buffer.getByte(offset + RESPONSE_CODE + 1) == code.charAt(1);
    }

    public static Outcome outcome(final DirectBuffer buffer, final int offset)
    {
        return OUTCOMES[buffer.getByte(offset + OUTCOME)];
    }

    public static int issuer(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + ISSUER);
    }

    public static int switchStan(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + SWITCH_STAN);
    }

    public static int endpoint(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + ENDPOINT);
    }
}
