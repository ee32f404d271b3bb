package io.interchange.engine.switching;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import io.interchange.codec.Dialect;
import io.interchange.engine.security.KeyType;
import io.interchange.journal.JournalEntry;

/**
 * Everything the switch handler decides with, compiled from configuration into the forms it reads on the hot
 * path: index tables, arrays, nanoseconds. Immutable once built; the node builds it from its config.
 *
 * @param dialects       the ring's dialect table: a message's dialect id is its index here.
 * @param issuerDialect  the dialect id of issuer links (ISO 8583:1987 binary).
 */
public record SwitchSetup(
    List<Dialect> dialects,
    int issuerDialect,
    List<Acquirer> acquirers,
    List<Issuer> issuers,
    BinTable bins,
    Acceptors acceptors,
    Limits limits,
    ZoneId zone,
    LocalTime cutoff,
    int inFlightCapacity,
    int inFlightMaxFrame,
    int historyCapacity,
    int forgottenKeys,
    int adviceCapacity,
    int preAuthorizations,
    int posSales)
{
    public SwitchSetup
    {
        dialects = List.copyOf(dialects);
        acquirers = List.copyOf(acquirers);
        issuers = List.copyOf(issuers);
    }

    /**
     * One acquirer listener.
     *
     * @param dialect       dialect id of its messages.
     * @param headerLength  fixed header (TPDU and application header) before each message, 0 for none.
     * @param acquirerId    field 32 put on requests forwarded from it.
     * @param mac           its requests carry a MAC (field 64, or 128 after a secondary bitmap) that must verify.
     * @param hostMacKey    where the acquirer host holds the keys, from its key change (0800/101) under the listener's
     *                      zone master key, the type of its MAC key (the retail MAC's or AES-CMAC's); null where each
     *                      terminal holds keys from its sign-on (UnionPay POS) or nothing MACs.
     * @param keyChangeGraceNanos for a host that holds the keys, how long after a key change requests MACed with the keys
     *                      before it are still taken (the listener's {@code key-change-grace}).
     */
    public record Acquirer(String name, int dialect, int headerLength, String acquirerId, boolean mac, KeyType hostMacKey, long keyChangeGraceNanos)
    {
        public Acquirer
        {
            // A host's keys come with MACs that must verify: with mac off, a key change would be taken and answered
            // while no request's MAC was checked.
            if (hostMacKey != null && !mac)
            {
                throw new IllegalArgumentException("listener " + name + ": an acquirer host that holds keys must MAC (mac = true)");
            }
        }

        /** The acquirer host, not each terminal, holds the MAC and PIN keys. */
        public boolean hostKeyed()
        {
            return hostMacKey != null;
        }
    }

    /**
     * One issuer host.
     *
     * @param echoInterval  how often each link is tested (0800/301) and, while not signed on, signed on again.
     * @param missedEchoes  unanswered tests after which the link is closed (and reconnected by the link layer).
     * @param standInOnTimeOut  the switch stands in (within the floor limit) for a request it did not answer in time.
     * @param adviceWindow  advices sent to it and not yet acknowledged, at most.
     * @param adviceShare   its own share of the advice queue, or 0 for an even split of what the others' leave
     *                      ({@link AdviceQueue#shares}).
     * @param mac           requests and advices to it carry a MAC (field 64), and so must its answers.
     * @param matchRrn      an answer or acknowledgement carrying field 37 must carry the RRN its request or advice went with.
     */
    public record Issuer(
        String id, String institutionId, Duration timeout, boolean standIn, long floorLimit, boolean standInOnTimeOut, Duration echoInterval,
        int missedEchoes, int adviceWindow, int adviceShare, boolean mac, int maxInFlight, boolean matchRrn)
    {
        public long timeoutNanos()
        {
            return timeout.toNanos();
        }
    }

    /**
     * Per-transaction and per-card limits.
     *
     * @param requestDeadlineNanos a request from an acquirer that waited longer than this before the switch took it up
     *                             is answered 91, not forwarded; at least {@link JournalEntry#MIN_WAIT_MICROS}, the
     *                             shortest wait the journal keeps: a record of a request refused for its wait always
     *                             shows the wait.
     */
    public record Limits(
        long maxAmount, boolean[] currencies, boolean[] blockedMcc, int perCardPerMinute, long duplicateWindowNanos, int cardsPerMinute,
        long requestDeadlineNanos)
    {
        public Limits
        {
            if (requestDeadlineNanos < JournalEntry.MIN_WAIT_MICROS * 1_000L)
            {
                throw new IllegalArgumentException("a request deadline of " + requestDeadlineNanos + " ns: at least " +
                    JournalEntry.MIN_WAIT_MICROS + " us, the shortest wait the journal keeps");
            }
        }

        public static Limits of(
            final long maxAmount, final List<Integer> currencies, final List<Integer> blockedMcc, final int perCardPerMinute,
            final Duration duplicateWindow, final int cardsPerMinute, final Duration requestDeadline)
        {
            final boolean[] allowed = new boolean[1000];
            currencies.forEach(c -> allowed[c] = true);
            final boolean[] blocked = new boolean[10_000];
            blockedMcc.forEach(m -> blocked[m] = true);
            return new Limits(maxAmount, allowed, blocked, perCardPerMinute, duplicateWindow.toNanos(), cardsPerMinute, requestDeadline.toNanos());
        }
    }

    /** Merchants and terminals, by the ids that arrive in fields 42 and 41. */
    public static final class Acceptors
    {
        private final KeyIndex merchantIndex;
        private final KeyIndex terminalIndex;
        private final int[] mccs;
        private final boolean[] merchantActive;
        private final String[] merchantNames;
        private final String[] terminalIds;
        private final int[] terminalMerchants;
        private final boolean[] terminalActive;

        private Acceptors(final List<String[]> merchants, final List<String[]> terminals)
        {
            merchantIndex = new KeyIndex(merchants.size());
            mccs = new int[merchants.size()];
            merchantActive = new boolean[merchants.size()];
            merchantNames = new String[merchants.size()];
            for (int i = 0; i < merchants.size(); i++)
            {
                final String[] m = merchants.get(i);
                merchantIndex.put(FixedKey.high(m[0]), FixedKey.low(m[0]), i);
                mccs[i] = Integer.parseInt(m[1]);
                merchantActive[i] = Boolean.parseBoolean(m[2]);
                merchantNames[i] = m[3];
            }
            terminalIndex = new KeyIndex(terminals.size());
            terminalIds = new String[terminals.size()];
            terminalMerchants = new int[terminals.size()];
            terminalActive = new boolean[terminals.size()];
            for (int i = 0; i < terminals.size(); i++)
            {
                final String[] t = terminals.get(i);
                terminalIndex.put(FixedKey.high(t[0]), FixedKey.low(t[0]), i);
                terminalIds[i] = t[0];
                final int merchant = merchantIndex.get(FixedKey.high(t[1]), FixedKey.low(t[1]));
                if (merchant < 0)
                {
                    throw new IllegalArgumentException("terminal " + t[0] + " names unknown merchant " + t[1]);
                }
                terminalMerchants[i] = merchant;
                terminalActive[i] = Boolean.parseBoolean(t[2]);
            }
        }

        public static Builder builder()
        {
            return new Builder();
        }

        public int terminalCount()
        {
            return terminalActive.length;
        }

        /** The index of a terminal by its id (field 41), or -1. */
        public int terminalIndex(final String id)
        {
            return terminalIndex.get(FixedKey.high(id), FixedKey.low(id));
        }

        /** The id (field 41) of the terminal at {@code terminal}, for logs. */
        String terminalId(final int terminal)
        {
            return terminalIds[terminal];
        }

        int merchant(final long high, final long low)
        {
            return merchantIndex.get(high, low);
        }

        int terminal(final long high, final long low)
        {
            return terminalIndex.get(high, low);
        }

        int mcc(final int merchant)
        {
            return mccs[merchant];
        }

        boolean merchantActive(final int merchant)
        {
            return merchantActive[merchant];
        }

        String merchantName(final int merchant)
        {
            return merchantNames[merchant];
        }

        int terminalMerchant(final int terminal)
        {
            return terminalMerchants[terminal];
        }

        boolean terminalActive(final int terminal)
        {
            return terminalActive[terminal];
        }

        public static final class Builder
        {
            private final List<String[]> merchants = new ArrayList<>();
            private final List<String[]> terminals = new ArrayList<>();

            public Builder merchant(final String id, final int mcc, final boolean active, final String name)
            {
                merchants.add(new String[] {id, Integer.toString(mcc), Boolean.toString(active), name});
                return this;
            }

            public Builder terminal(final String id, final String merchant, final boolean active)
            {
                terminals.add(new String[] {id, merchant, Boolean.toString(active)});
                return this;
            }

            public Acceptors build()
            {
                return new Acceptors(merchants, terminals);
            }
        }
    }
}
