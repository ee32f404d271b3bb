package io.interchange.engine.security;

/**
 * Where the switch keeps its keys in an {@link Hsm}: slot ids computed from the terminal and issuer indexes the
 * switch already uses (their positions in {@code SwitchConfig.terminals()} and {@code SwitchConfig.issuers()}), so
 * the message path finds a key by arithmetic, not by a map.
 * <pre>
 *   terminal t:  4t master key (TMK)   4t + 1 PIN key (TPK)   4t + 2 MAC key   4t + 3 track key (TDK)
 *   issuer i:    4T + 2i zone PIN key (ZPK)   4T + 2i + 1 zone MAC key          T = terminals
 *   acquirer a:  4T + 2I + 5a zone master key (ZMK)   + 1 zone PIN key   + 2 MAC key     I = issuers
 *                             + 3 the zone PIN key before the last key change   + 4 the MAC key before it
 * </pre>
 * An acquirer is a listener (its position in {@code SwitchConfig.listeners()}): an ISO 8583:1987 acquirer host
 * whose key change (0800/101) sends its MAC and PIN keys under the ZMK. The keys before the change are kept for the
 * listener's grace, for the requests the host sent with them.
 *
 * @param terminals how many terminals there are.
 * @param issuers   how many issuers there are.
 * @param acquirers how many listeners there are.
 */
public record KeySlots(int terminals, int issuers, int acquirers)
{
    private static final int PER_TERMINAL = 4;
    private static final int PER_ISSUER = 2;
    private static final int PER_ACQUIRER = 5;

    public KeySlots
    {
        if (terminals < 0 || issuers < 0 || acquirers < 0)
        {
            throw new IllegalArgumentException("counts must not be negative: " + terminals + " terminals, " + issuers + " issuers, " +
                acquirers + " acquirers");
        }
    }

    /** Slots an HSM needs for this layout. */
    public int capacity()
    {
        return PER_TERMINAL * terminals + PER_ISSUER * issuers + PER_ACQUIRER * acquirers;
    }

    /** Terminal {@code t}'s master key, under which sign-on sends its working keys. */
    public int terminalMasterKey(final int t)
    {
        return PER_TERMINAL * terminal(t);
    }

    /** Terminal {@code t}'s PIN key, from which its PIN blocks are translated. */
    public int terminalPinKey(final int t)
    {
        return PER_TERMINAL * terminal(t) + 1;
    }

    /** Terminal {@code t}'s MAC key, with which its requests are verified and its answers MACed. */
    public int terminalMacKey(final int t)
    {
        return PER_TERMINAL * terminal(t) + 2;
    }

    /** Terminal {@code t}'s track key, with which it enciphers a block of each track it sends (UnionPay POS, 60.3 = 004). */
    public int terminalTrackKey(final int t)
    {
        return PER_TERMINAL * terminal(t) + 3;
    }

    /** Issuer {@code i}'s zone PIN key, to which PIN blocks routed to it are translated. */
    public int issuerPinKey(final int i)
    {
        return PER_TERMINAL * terminals + PER_ISSUER * issuer(i);
    }

    /** Issuer {@code i}'s zone MAC key, for its link. */
    public int issuerMacKey(final int i)
    {
        return PER_TERMINAL * terminals + PER_ISSUER * issuer(i) + 1;
    }

    /** Acquirer {@code a}'s zone master key, under which its key change sends the MAC and PIN keys. */
    public int acquirerMasterKey(final int a)
    {
        return PER_TERMINAL * terminals + PER_ISSUER * issuers + PER_ACQUIRER * acquirer(a);
    }

    /** Acquirer {@code a}'s zone PIN key, from which PIN blocks its host sends are translated. */
    public int acquirerPinKey(final int a)
    {
        return acquirerMasterKey(a) + 1;
    }

    /** Acquirer {@code a}'s MAC key, with which its host's requests are verified and their answers MACed. */
    public int acquirerMacKey(final int a)
    {
        return acquirerMasterKey(a) + 2;
    }

    /** Acquirer {@code a}'s zone PIN key before its last key change. */
    public int acquirerPreviousPinKey(final int a)
    {
        return acquirerMasterKey(a) + 3;
    }

    /** Acquirer {@code a}'s MAC key before its last key change. */
    public int acquirerPreviousMacKey(final int a)
    {
        return acquirerMasterKey(a) + 4;
    }

    private int terminal(final int t)
    {
        if (t < 0 || t >= terminals)
        {
            throw new IndexOutOfBoundsException("terminal " + t + " of " + terminals);
        }
        return t;
    }

    private int acquirer(final int a)
    {
        if (a < 0 || a >= acquirers)
        {
            throw new IndexOutOfBoundsException("acquirer " + a + " of " + acquirers);
        }
        return a;
    }

    private int issuer(final int i)
    {
        if (i < 0 || i >= issuers)
        {
            throw new IndexOutOfBoundsException("issuer " + i + " of " + issuers);
        }
        return i;
    }
}
