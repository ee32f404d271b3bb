package io.interchange.engine.security;

/**
 * Where the switch keeps its keys in an {@link Hsm}: slot ids computed from the terminal and issuer indexes the
 * switch already uses (their positions in {@code SwitchConfig.terminals()} and {@code SwitchConfig.issuers()}), so
 * the message path finds a key by arithmetic, not by a map.
 * <pre>
 *   terminal t:  3t master key (TMK)   3t + 1 PIN key (TPK)   3t + 2 MAC key
 *   issuer i:    3T + 2i zone PIN key (ZPK)   3T + 2i + 1 zone MAC key          T = terminals
 * </pre>
 *
 * @param terminals how many terminals there are.
 * @param issuers   how many issuers there are.
 */
public record KeySlots(int terminals, int issuers)
{
    private static final int PER_TERMINAL = 3;
    private static final int PER_ISSUER = 2;

    public KeySlots
    {
        if (terminals < 0 || issuers < 0)
        {
            throw new IllegalArgumentException("counts must not be negative: " + terminals + " terminals, " + issuers + " issuers");
        }
    }

    /** Slots an HSM needs for this layout. */
    public int capacity()
    {
        return PER_TERMINAL * terminals + PER_ISSUER * issuers;
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

    private int terminal(final int t)
    {
        if (t < 0 || t >= terminals)
        {
            throw new IndexOutOfBoundsException("terminal " + t + " of " + terminals);
        }
        return t;
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
