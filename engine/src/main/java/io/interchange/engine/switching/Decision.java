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
 * {@link #MAC_REFUSED}; bit 1, {@link #PIN_REFUSED}; the others 0. Both are verdicts on fields the journal never
 * holds, which replay takes from here instead of judging again.
 */
public final class Decision
{
    public static final int LENGTH = 16;
    /**
     * The request's MAC was refused: it did not hold (A0) or the HSM could not check it (96). Replay cannot check it
     * again (the MAC covers track data and PIN blocks, which the journal never holds), so it takes this verdict.
     */
    public static final int MAC_REFUSED = 1;
    /**
     * The HSM refused to translate the request's PIN block (not a valid block for the card, no key: the answer is
     * 96). Replay cannot ask again (the journal never holds PIN blocks), so it takes this verdict.
     */
    public static final int PIN_REFUSED = 2;
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

    /** The response code as a String, or null when the decision carries none. For tools and clearing. */
    public static String responseCode(final DirectBuffer buffer, final int offset)
    {
        final byte a = buffer.getByte(offset + RESPONSE_CODE);
        return a == 0 ? null : new String(new char[] {(char)a, (char)buffer.getByte(offset + RESPONSE_CODE + 1)});
    }

    /**
     * The answer a journaled decision gave for the request's MAC, when it refused it ({@link #MAC_REFUSED}): A0 or 96.
     * Null when the MAC was not refused. Allocates nothing.
     */
    public static String macRefusal(final DirectBuffer buffer, final int offset)
    {
        if ((buffer.getByte(offset + FLAGS) & MAC_REFUSED) == 0)
        {
            return null;
        }
        return buffer.getByte(offset + RESPONSE_CODE) == ResponseCode.MAC_FAILURE.charAt(0) ? ResponseCode.MAC_FAILURE : ResponseCode.SYSTEM_MALFUNCTION;
    }

    /** True when the journaled decision says the HSM refused the request's PIN block ({@link #PIN_REFUSED}). */
    public static boolean pinRefused(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + FLAGS) & PIN_REFUSED) != 0;
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
