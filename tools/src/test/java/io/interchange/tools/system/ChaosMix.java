package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.Pan;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.ClearingExceptionItem;
import io.interchange.engine.clearing.DayTransactions;
import io.interchange.engine.clearing.TransactionState;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.replay.Replayer;
import io.interchange.engine.switching.ResponseCode;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.CardStatus;
import io.interchange.tools.issuer.Faults;
import io.interchange.tools.issuer.IssuerCounter;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.issuer.Latency;

/**
 * The whole transaction mix as {@link ChaosBooksSystemTest} and {@link CrashMixSystemTest} send it, and how each judges
 * it against clearing: terminals ({@link Lane}) that send purchases, refunds, pre-authorizations and their completions,
 * reversals before, after and instead of answers, exact retransmissions and hang-ups; each issuer's book against
 * clearing's, card by card ({@link Books}); every answer a terminal saw against clearing's word for its request
 * ({@link #judge}); and what a switch recovering from the journal finds ({@link #recovered}).
 */
final class ChaosMix
{
    static final String ISSUER_A = "issuer-a";
    static final String ISSUER_B = "issuer-b";
    static final String BIN_A = "476173";
    static final String BIN_B = "622848";
    static final String[][] TERMINALS = {
        {"TERM0001", "MERCHANT0000001"}, {"TERM0003", "MERCHANT0000002"}, {"TERM0005", "MERCHANT0000003"}, {"TERM0007", "MERCHANT0000004"}};
    static final String[] PROBE_TERMINAL = {"TERM0009", "MERCHANT0000005"};
    static final Latency LATENCY = Latency.parse("2ms..40ms");
    /** Longer than the 400 ms time-out: a late answer always comes after the 91. */
    static final Duration LATE_BY = Duration.ofMillis(700);
    static final Faults FAULTS = Faults.NONE.withNoAnswer(0.02).withLate(0.02, LATE_BY).withDisconnect(0.004).withGarbage(0.01);
    static final Duration LIMIT = Duration.ofSeconds(30);
    /**
     * One listener; two issuers with a short time-out, link tests every second (so that a sign-on an issuer's fault
     * swallowed is sent again soon, not after the defaults' 30 s) and a quick reconnect; issuer-a's links and stand-in
     * (which covers time-outs too) are the case's ({@link #switchConfig}). The duplicate history is sized for minutes of
     * this traffic, not for a production rate.
     */
    private static final String SWITCH = """
        interchange {
          listeners = [ %s ]
          issuers = [
            { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = %d } ], connections = %d,
              timeout = 400ms, echo-interval = 1s, missed-echoes = 3, reconnect { initial = 50ms, max = 500ms },
              stand-in { enabled = %s, floor-limit = 50000, on-time-out = %<s } }
            { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = %d } ], connections = 2,
              timeout = 400ms, echo-interval = 1s, missed-echoes = 3, reconnect { initial = 50ms, max = 500ms },
              stand-in { enabled = false, floor-limit = 0 } }
          ]
          limits { in-flight = 4096, duplicate-history = 32768 }
        }
        """;
    private static final int MAX_REQUESTS_PER_LANE = 2_000;
    /** Requests a terminal has sent and not had answered before it sends another. */
    private static final int WINDOW = 8;
    /** Below the switch's limit of 10 requests a card a minute; a pre-authorization counts two, for its completion. */
    private static final int MAX_USES_PER_CARD = 9;
    private static final int MAX_HANG_UPS_PER_LANE = 2;
    /** Every request is answered within the issuer time-out and a tick; this is for a machine that stalls. */
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(20);
    /** For a killed switch to be started again and take up its journal, on a slow machine. */
    private static final Duration BACK_LIMIT = Duration.ofSeconds(60);
    /** Requests answered before the switch went that a terminal riding it out sends again byte for byte once it is back. */
    private static final int ANSWERED_SENT_AGAIN = 4;
    private static final DateTimeFormatter FIELD_7 = DateTimeFormatter.ofPattern("MMddHHmmss");
    private static final DateTimeFormatter FIELD_12 = DateTimeFormatter.ofPattern("HHmmss");
    private static final DateTimeFormatter FIELD_13 = DateTimeFormatter.ofPattern("MMdd");
    private static final String TRACK_2_TAIL = "2011143804400000";
    private static final String INSTITUTIONS = "0".repeat(22);

    private ChaosMix()
    {
    }

    /**
     * The switch's settings for the mix ({@link #SWITCH}): its listener on {@code listenerPort} (0: any), issuer-a at
     * {@code portA} over {@code connectionsA} links, with stand-in or not, and issuer-b at {@code portB}.
     */
    static String switchConfig(final int listenerPort, final int portA, final int connectionsA, final boolean standInA, final int portB)
    {
        return String.format(SWITCH, LoopbackConfig.posListener(listenerPort), portA, connectionsA, standInA, portB);
    }

    /** The balances of {@code start}'s cards at {@code issuer} now, folded into one number that changes when any does. */
    static long balances(final CardBook start, final IssuerSimulator issuer)
    {
        long h = 0;
        for (int i = 0; i < start.size(); i++)
        {
            h = h * 1_000_003 + issuer.account(start.card(i).pan()).orElseThrow().balance();
        }
        return h;
    }

    /** The cards of lane {@code lane} of {@code lanes}: every {@code lanes}-th of each book below {@code end}, each book's in turn. */
    static List<Card> laneCards(final CardBook startA, final CardBook startB, final int lane, final int lanes, final int end)
    {
        final List<Card> cards = new ArrayList<>();
        for (int c = lane; c < end; c += lanes)
        {
            cards.add(new Card(startA.card(c), ISSUER_A));
            cards.add(new Card(startB.card(c), ISSUER_B));
        }
        return cards;
    }

    /**
     * Replays the journal into a new switch handler, as a restart would: what it then holds in flight and owes is what
     * the switch left as of the journal's last record.
     */
    static Recovered recovered(final SwitchConfig config)
    {
        final SwitchSetup setup = SwitchNode.setup(config, Dialects.all());
        final SwitchHandler handler = SwitchNode.handler(config, setup);
        final Replayer.Report report = Replayer.recover(handler, setup, SwitchNode.journalConfig(config));
        return new Recovered(report.records(), handler.inFlight(), handler.advicesPending());
    }

    /** transactions.csv's rows by terminal and STAN (the terminals' STANs are unique in a run). */
    static Map<String, Integer> rows(final DayTransactions cleared)
    {
        final Map<String, Integer> rows = new HashMap<>();
        for (int row = 0; row < cleared.size(); row++)
        {
            final Integer before = rows.put(cleared.terminal(row) + "/" + cleared.stan(row), row);
            assertEquals(null, before, "one row per terminal and STAN: " + cleared.terminal(row) + "/" + cleared.stan(row));
        }
        return rows;
    }

    static String row(final DayTransactions t, final int row)
    {
        return Mti.toString(t.mti(row)) + "/" + t.processingCode(row) + " " + t.terminal(row) + "/" + t.stan(row) + " " + t.maskedPan(row) + " " +
            t.amount(row) + " " + t.issuer(row) + " " + t.responseCode(row) + " " + t.authCode(row) + " " + t.state(row).label();
    }

    /**
     * Every request of every lane against clearing ({@link Lane#judge}), and every row of clearing against the requests:
     * the disagreements, none when clearing bears out every answer the terminals saw and has no request none sent.
     */
    static List<String> judge(final List<Lane> lanes, final DayTransactions cleared, final Stats stats)
    {
        final Map<String, Integer> rows = rows(cleared);
        final List<String> disagreements = new ArrayList<>();
        for (final Lane lane : lanes)
        {
            lane.judge(cleared, rows, stats, disagreements);
        }
        final Set<String> sent = new HashSet<>();
        lanes.forEach(lane -> lane.byStan.keySet().forEach(stan -> sent.add(lane.terminalId + "/" + stan)));
        for (final String key : rows.keySet())
        {
            if (!sent.contains(key))
            {
                disagreements.add("clearing has a request no terminal sent: " + key);
            }
        }
        return disagreements;
    }

    // ------------------------------------------------------------------------------------------------ values

    /** What a switch recovering from the journal found: records read, requests in flight, advices owed. */
    record Recovered(long records, int inFlight, int owed)
    {
    }

    /** A card of a simulator's book and the issuer its BIN routes to. */
    record Card(CardAccount account, String issuer)
    {
        String masked()
        {
            return Pan.mask(account.pan());
        }

        boolean payable()
        {
            return account.status() == CardStatus.ACTIVE && !account.expiredAt(Cardholders.currentYearMonth());
        }
    }

    enum Kind
    {
        SIGN_ON,
        PURCHASE,
        REFUND,
        PRE_AUTH,
        COMPLETION,
        REVERSAL
    }

    /**
     * One message a terminal sent and the answers it got to it (more than one when it was sent again and answered
     * again); guarded by its lane's lock while the lane runs. Holds the card number, which it never shows.
     */
    static final class Sent
    {
        private final Kind kind;
        private final int mti;
        private final String stan;
        private final Map<Integer, String> fields;
        private final byte[] bytes;
        private final Card card;
        private final long amount;
        private final int connection;
        /** For a reversal or a completion: the request it names. */
        private final Sent original;
        private final List<String> codes = new ArrayList<>();
        private final List<String> authCodes = new ArrayList<>();
        private int retransmissions;
        /** The terminal hung up before an answer came. */
        private boolean hungUp;
        /** The switch went (killed) before an answer came. */
        private boolean lostWithSwitch;
        /** For an original: the reversal that names it; for a pre-authorization: its completion. */
        private Sent reversal;
        private Sent completion;
        /** For a reversal: the original's answer had come when it was sent. */
        private boolean originalAnswered;
        /** For a reversal sent on a new connection: what ended the one before ("a hang-up", "the switch went"), else null. */
        private String after;
        /** For a pre-authorization: the terminal means to complete it once approved. */
        private boolean toComplete;

        Sent(final Kind kind, final int mti, final Map<Integer, String> fields, final byte[] bytes, final Card card, final long amount,
            final int connection, final Sent original)
        {
            this.kind = kind;
            this.mti = mti;
            this.stan = fields.get(11);
            this.fields = fields;
            this.bytes = bytes;
            this.card = card;
            this.amount = amount;
            this.connection = connection;
            this.original = original;
        }

        /** The first answer's response code, or null. */
        String code()
        {
            return codes.isEmpty() ? null : codes.get(0);
        }

        /** The first answer's authorization code (S and five digits for the switch's stand-in), or null. */
        String authCode()
        {
            return authCodes.isEmpty() ? null : authCodes.get(0);
        }

        String stan()
        {
            return stan;
        }

        long amount()
        {
            return amount;
        }

        Sent completion()
        {
            return completion;
        }

        boolean reversed()
        {
            return reversal != null && "00".equals(reversal.code());
        }

        /** No card number: the masked one. */
        @Override
        public String toString()
        {
            return kind + " " + Mti.toString(mti) + " STAN " + stan + (card == null ? "" : " " + card.masked() + " " + amount) + " answered " + codes +
                (authCodes.isEmpty() ? "" : " auth " + authCodes) + (retransmissions > 0 ? ", sent again " + retransmissions + "x" : "") +
                " on connection " + connection + (hungUp ? ", hung up on" : "") + (lostWithSwitch ? ", lost with the switch" : "") +
                (reversal == null ? "" : ", reversed by " + reversal.stan + " answered " + reversal.codes) +
                (completion == null ? "" : ", completed by " + completion.stan + " answered " + completion.codes);
        }
    }

    /** The switch closed a terminal's connection, or died under it. */
    private static final class Dropped extends IOException
    {
        private static final long serialVersionUID = 1L;

        Dropped(final String message)
        {
            super(message);
        }
    }

    /**
     * A terminal: a thread that sends the mix over a connection of its own while another reads the answers as they come
     * (a retransmission is answered once or not at all, so answers are never counted on). Each message it sent and each
     * answer it got is in {@link #byStan}; its STANs are unique for the run, across its connections.
     *
     * <p>One that {@code ridesOutKills} takes the switch going away under it (killed) as a terminal does: it connects
     * again until the switch is back and signs on, and then, not knowing what became of the requests it had no answer
     * to, sends its reversals and completions again as they were (a reversal and an advice are repeated until
     * answered), reverses some of its unanswered purchases and sends others again byte for byte. Any other lane fails
     * when the switch closes its connection.
     */
    static final class Lane extends Thread
    {
        private final String terminalId;
        private final String merchant;
        private final List<Card> cards;
        private final int[] uses;
        private final SplittableRandom random;
        private final int port;
        private final boolean ridesOutKills;
        private volatile long deadlineNanos;
        private final Object lock = new Object();
        private final Map<String, Sent> byStan = new LinkedHashMap<>();
        /** Sent on the current connection and not answered; identity set. */
        private final Set<Sent> pending = new LinkedHashSet<>();
        private final List<Sent> purchases = new ArrayList<>();
        private final List<Sent> preAuths = new ArrayList<>();
        /** Requests of the current connection that may be sent again. */
        private final List<Sent> retransmittable = new ArrayList<>();
        private TestTerminal terminal;
        private Thread reader;
        /** This terminal is closing the connection (not the switch); guarded by the lock. */
        private boolean hangingUp;
        /** The connection ended without this terminal closing it; guarded by the lock. */
        private boolean lost;
        private int answers;
        private int connection;
        private int connectionsLost;
        private int stan;
        private int nextCard;
        private int requests;
        private int hangUps;
        private volatile AssertionError failure;

        Lane(final String terminalId, final String merchant, final List<Card> cards, final int port, final long seed, final long deadlineNanos,
            final boolean ridesOutKills)
        {
            super("chaos-" + terminalId);
            setDaemon(true);
            this.terminalId = terminalId;
            this.merchant = merchant;
            this.cards = cards;
            this.uses = new int[cards.size()];
            this.random = new SplittableRandom(seed);
            this.port = port;
            this.deadlineNanos = deadlineNanos;
            this.ridesOutKills = ridesOutKills;
        }

        String terminalId()
        {
            return terminalId;
        }

        AssertionError failure()
        {
            return failure;
        }

        /** Sends no new request after {@code nanos} (System.nanoTime), then completes what it meant to and ends. */
        void stopBy(final long nanos)
        {
            deadlineNanos = nanos;
        }

        /** Answers received so far. */
        int answers()
        {
            synchronized (lock)
            {
                return answers;
            }
        }

        /** Connections the switch closed or died under (a lane that rides out kills). */
        int connectionsLost()
        {
            synchronized (lock)
            {
                return connectionsLost;
            }
        }

        /** The pre-authorizations it sent, in order. */
        List<Sent> preAuths()
        {
            return preAuths;
        }

        @Override
        public void run()
        {
            try
            {
                connect();
                boolean gone = false;
                while (true)
                {
                    try
                    {
                        if (gone)
                        {
                            gone = false;
                            rideOut();
                        }
                        traffic();
                        break;
                    }
                    catch (final IOException ex)
                    {
                        if (!ridesOutKills)
                        {
                            throw ex;
                        }
                        // Gone, perhaps again while the terminal was acting on the last time: it rides that out too.
                        gone = true;
                    }
                }
            }
            catch (final IOException ex)
            {
                fail(new AssertionError(terminalId + ": the connection failed: " + ex, ex));
            }
            catch (final AssertionError ex)
            {
                fail(ex);
            }
            finally
            {
                try
                {
                    hangUp();
                }
                catch (final AssertionError ex)
                {
                    fail(ex);
                }
            }
        }

        /** The mix until the deadline, then the completions it meant to send; every answer awaited. */
        private void traffic() throws IOException
        {
            while (System.nanoTime() < deadlineNanos && requests < MAX_REQUESTS_PER_LANE && failure == null)
            {
                awaitPending(WINDOW - 1);
                if (!step())
                {
                    break;
                }
            }
            awaitPending(0);
            // The pre-authorizations it meant to complete and that were approved: completed now, at the latest.
            for (final Sent preAuth : preAuths)
            {
                if (toComplete(preAuth))
                {
                    awaitPending(WINDOW - 1);
                    complete(preAuth);
                }
            }
            awaitPending(0);
        }

        /**
         * The switch went under this terminal: what was unanswered is lost with it. Connects again until the switch is
         * back (a failed attempt, or a switch that goes again while the terminal signs on, is tried again), then acts on
         * what it does not know the fate of: its reversals and completions sent again byte for byte until answered, and
         * of its purchases half reversed, a quarter sent again byte for byte (not awaited: one the switch still has with
         * the issuer gets no answer) and the rest left. A few requests it had answers to are sent again too.
         */
        private void rideOut() throws IOException
        {
            final List<Sent> unanswered = new ArrayList<>();
            final List<Sent> answered = new ArrayList<>();
            synchronized (lock)
            {
                unanswered.addAll(pending);
                connectionsLost++;
                for (final Sent sent : byStan.values())
                {
                    if (sent.code() != null && sent.kind != Kind.SIGN_ON && sent.kind != Kind.REVERSAL)
                    {
                        answered.add(sent);
                    }
                }
            }
            closeConnection(false);
            Awaiting.until(BACK_LIMIT, this::tryConnect, () -> terminalId + ": the switch back, answering a sign-on");
            for (final Sent sent : unanswered)
            {
                final boolean again;
                synchronized (lock)
                {
                    again = sent.code() == null;
                }
                if (!again)
                {
                    continue;
                }
                if (sent.kind == Kind.COMPLETION || sent.kind == Kind.REVERSAL)
                {
                    awaitPending(WINDOW - 1);
                    sendAgain(sent, true);
                }
                else if (sent.kind == Kind.PURCHASE && sent.reversal == null)
                {
                    final int choice = random.nextInt(4);
                    if (choice < 2)
                    {
                        awaitPending(WINDOW - 1);
                        reverse(sent, "the switch went");
                    }
                    else if (choice == 2)
                    {
                        sendAgain(sent, false);
                    }
                }
            }
            // And a few it had answers to, as a terminal whose operator presses "send" again: the switch's duplicate
            // history, taken up from the journal, must give each the answer it gave before.
            for (int i = 0; i < ANSWERED_SENT_AGAIN && !answered.isEmpty(); i++)
            {
                sendAgain(answered.get(random.nextInt(answered.size())), false);
            }
        }

        /** A request of an earlier connection sent again byte for byte; awaited when {@code awaited}. */
        private void sendAgain(final Sent sent, final boolean awaited) throws IOException
        {
            synchronized (lock)
            {
                sent.retransmissions++;
                if (awaited)
                {
                    pending.add(sent);
                }
            }
            terminal.sendRaw(sent.bytes);
        }

        private void fail(final AssertionError ex)
        {
            if (failure == null)
            {
                failure = ex;
            }
        }

        /**
         * One draw of the mix: 40 % purchases, 10 % refunds, 10 % pre-authorizations, 10 % completions of approved ones,
         * 6 % purchases reversed at once (most often still with the issuer), 6 % reversals of a purchase answered
         * otherwise than 91, 3 % of one answered 91, 8 % exact retransmissions of a request of this connection, and now
         * and then a hang-up with requests outstanding; a purchase where the draw finds nothing to act on. False when
         * the terminal has no card left to use.
         */
        private boolean step() throws IOException
        {
            final double draw = random.nextDouble();
            if (draw < 0.40)
            {
                return purchase() != null;
            }
            if (draw < 0.50)
            {
                return refund();
            }
            if (draw < 0.60)
            {
                return preAuth();
            }
            if (draw < 0.70)
            {
                final Sent preAuth = firstToComplete();
                return preAuth == null ? purchase() != null : complete(preAuth);
            }
            if (draw < 0.76)
            {
                // A reversal right behind its purchase: most often the purchase is still with the issuer.
                final Sent purchase = purchase();
                if (purchase != null)
                {
                    reverse(purchase, null);
                }
                return purchase != null;
            }
            if (draw < 0.82)
            {
                return reverse(answered(false)) || purchase() != null;
            }
            if (draw < 0.85)
            {
                return reverse(answered(true)) || purchase() != null;
            }
            if (draw < 0.93)
            {
                return retransmit() || purchase() != null;
            }
            if (draw < 0.935 && hangUps < MAX_HANG_UPS_PER_LANE)
            {
                return hangUpWithRequestsOutstanding();
            }
            return purchase() != null;
        }

        /** Connects, signs on, and waits for the sign-on's 00. */
        void connect() throws IOException
        {
            connection++;
            synchronized (lock)
            {
                retransmittable.clear();
                hangingUp = false;
                lost = false;
            }
            final TestTerminal opened = new TestTerminal(port, Iso87.BINARY);
            terminal = opened;
            reader = new Thread(() -> read(opened), "chaos-reader-" + terminalId + "-" + connection);
            reader.setDaemon(true);
            reader.start();
            final Map<Integer, String> m = new HashMap<>();
            m.put(7, ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7));
            m.put(11, nextStan());
            m.put(70, "001");
            final Sent signOn = send(Kind.SIGN_ON, Mti.NETWORK_MANAGEMENT_REQUEST, m, null, 0, null);
            awaitPending(0);
            synchronized (lock)
            {
                assertEquals("00", signOn.code(), terminalId + ": sign-on on connection " + connection);
            }
        }

        /**
         * Connects and signs on, or finds the switch not there: not listening, or gone before the sign-on's answer (the
         * connection is then closed, and what was sent on it counted lost with the switch).
         */
        boolean tryConnect()
        {
            try
            {
                connect();
                return true;
            }
            catch (final IOException ex)
            {
                closeConnection(false);
                return false;
            }
        }

        /** Closes the connection, however many requests are outstanding on it, and waits for its reader to end. */
        void hangUp()
        {
            closeConnection(true);
        }

        /**
         * Closes the connection and waits for its reader to end; what is still unanswered on it is marked hung up on
         * (when this terminal hangs up) or lost with the switch.
         */
        private void closeConnection(final boolean hungUp)
        {
            if (terminal == null)
            {
                return;
            }
            synchronized (lock)
            {
                hangingUp = true;
            }
            try
            {
                terminal.close();
                reader.join(LIMIT.toMillis());
            }
            catch (final IOException ex)
            {
                // Closing anyway.
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            assertTrue(!reader.isAlive(), terminalId + ": the reader of a closed connection still running");
            terminal = null;
            synchronized (lock)
            {
                for (final Sent sent : pending)
                {
                    if (hungUp)
                    {
                        sent.hungUp = true;
                    }
                    else
                    {
                        sent.lostWithSwitch = true;
                    }
                }
                pending.clear();
            }
        }

        /**
         * Two purchases, and the line dropped at once; then a new connection, on which the terminal reverses some of
         * the purchases it had no answer to, as a terminal that cannot know their fate does.
         */
        private boolean hangUpWithRequestsOutstanding() throws IOException
        {
            hangUps++;
            if (purchase() == null || purchase() == null)
            {
                return false;
            }
            final List<Sent> unanswered = new ArrayList<>();
            synchronized (lock)
            {
                pending.stream().filter(sent -> sent.kind == Kind.PURCHASE).forEach(unanswered::add);
            }
            hangUp();
            connect();
            for (final Sent purchase : unanswered)
            {
                if (random.nextBoolean())
                {
                    awaitPending(WINDOW - 1);
                    reverse(purchase, "a hang-up");
                }
            }
            return true;
        }

        private void read(final TestTerminal from)
        {
            try
            {
                while (true)
                {
                    final byte[] message = from.receiveRaw(LIMIT);
                    if (message != null)
                    {
                        onAnswer(message);
                    }
                }
            }
            catch (final IOException ex)
            {
                // Hung up: by this terminal, or by the switch (which the lane then finds out about).
            }
            catch (final AssertionError ex)
            {
                fail(ex);
            }
            finally
            {
                synchronized (lock)
                {
                    lost = !hangingUp;
                    lock.notifyAll();
                }
            }
        }

        private void onAnswer(final byte[] message)
        {
            final MessageReader answer = new MessageReader(Iso87.BINARY);
            final DecodeError error = answer.wrap(message, 0, message.length);
            synchronized (lock)
            {
                final Sent sent = error == DecodeError.NONE && answer.has(11) ? byStan.get(answer.getString(11)) : null;
                if (sent == null || Mti.responseTo(sent.mti) != answer.mti())
                {
                    fail(new AssertionError(terminalId + ": an answer to nothing it sent (" + error + ", MTI " + Mti.toString(answer.mti()) + ")"));
                }
                else
                {
                    sent.codes.add(answer.has(39) ? answer.getString(39) : "");
                    sent.authCodes.add(answer.has(38) ? answer.getString(38) : "");
                    pending.remove(sent);
                    answers++;
                }
                lock.notifyAll();
            }
        }

        /**
         * Waits until at most {@code most} requests of this connection are unanswered; fails after {@link #ANSWER_LIMIT},
         * and throws {@link Dropped} when the switch closes the connection with more unanswered.
         */
        void awaitPending(final int most) throws IOException
        {
            final long deadline = System.nanoTime() + ANSWER_LIMIT.toNanos();
            synchronized (lock)
            {
                while (pending.size() > most && failure == null)
                {
                    if (lost)
                    {
                        throw new Dropped(terminalId + ": the switch closed connection " + connection + " with " + pending.size() + " unanswered");
                    }
                    final long left = deadline - System.nanoTime();
                    if (left <= 0)
                    {
                        throw new AssertionError(terminalId + ": no answer within " + ANSWER_LIMIT + " to " + pending);
                    }
                    try
                    {
                        lock.wait(Math.max(1, left / 1_000_000));
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(terminalId + ": interrupted", ex);
                    }
                }
                if (failure != null)
                {
                    throw failure;
                }
            }
        }

        private Sent send(final Kind kind, final int mti, final Map<Integer, String> fields, final Card card, final long amount, final Sent original)
            throws IOException
        {
            final byte[] bytes = terminal.encode(mti, fields);
            final Sent sent = new Sent(kind, mti, fields, bytes, card, amount, connection, original);
            synchronized (lock)
            {
                byStan.put(sent.stan, sent);
                pending.add(sent);
                if (kind != Kind.SIGN_ON && kind != Kind.REVERSAL)
                {
                    retransmittable.add(sent);
                    requests++;
                }
            }
            terminal.sendRaw(bytes);
            return sent;
        }

        /** The next card (round robin) with {@code cost} uses to spare, or null when none has. */
        private Card card(final int cost, final String issuer)
        {
            for (int tried = 0; tried < cards.size(); tried++)
            {
                final int i = nextCard++ % cards.size();
                final Card card = cards.get(i);
                if (uses[i] + cost <= MAX_USES_PER_CARD && (issuer == null || issuer.equals(card.issuer) && card.payable()))
                {
                    uses[i] += cost;
                    return card;
                }
            }
            return null;
        }

        Sent purchase() throws IOException
        {
            final Card card = card(1, null);
            if (card == null)
            {
                return null;
            }
            final long amount = 100 + random.nextInt(2_000);
            final Sent purchase = send(Kind.PURCHASE, Mti.FINANCIAL_REQUEST, financial(card, "000000", amount, true), card, amount, null);
            purchases.add(purchase);
            return purchase;
        }

        private boolean refund() throws IOException
        {
            final Card card = card(1, null);
            if (card == null)
            {
                return false;
            }
            final long amount = 100 + random.nextInt(900);
            send(Kind.REFUND, Mti.FINANCIAL_REQUEST, financial(card, "200000", amount, false), card, amount, null);
            return true;
        }

        boolean preAuth() throws IOException
        {
            final Card card = card(2, null);
            if (card == null)
            {
                return false;
            }
            final long amount = 1_000 + random.nextInt(1_000);
            final Sent preAuth = send(Kind.PRE_AUTH, Mti.AUTHORIZATION_REQUEST, financial(card, "000000", amount, true), card, amount, null);
            // Most are completed; the rest stay authorized, a hold at the issuer that clearing does not settle.
            preAuth.toComplete = random.nextInt(5) > 0;
            preAuths.add(preAuth);
            return true;
        }

        private Sent firstToComplete()
        {
            for (final Sent preAuth : preAuths)
            {
                if (toComplete(preAuth))
                {
                    return preAuth;
                }
            }
            return null;
        }

        private boolean toComplete(final Sent preAuth)
        {
            synchronized (lock)
            {
                return preAuth.toComplete && preAuth.completion == null && "00".equals(preAuth.code());
            }
        }

        /** The 0220 completion of an approved 0100: field 90 names it, 38 carries its authorization code; at most its amount. */
        boolean complete(final Sent preAuth) throws IOException
        {
            final String authCode;
            synchronized (lock)
            {
                authCode = preAuth.authCodes.get(0);
            }
            final long amount = Math.max(1, preAuth.amount * (80 + random.nextInt(21)) / 100);
            final ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            final Map<Integer, String> m = new HashMap<>();
            m.put(2, preAuth.card.account().pan());
            m.put(3, "000000");
            m.put(4, String.format("%012d", amount));
            m.put(7, now.format(FIELD_7));
            m.put(11, nextStan());
            m.put(12, now.format(FIELD_12));
            m.put(13, now.format(FIELD_13));
            m.put(14, String.format("%04d", preAuth.card.account().expiry()));
            m.put(22, "012");
            m.put(25, "00");
            m.put(38, authCode);
            m.put(41, terminalId);
            m.put(42, merchant);
            m.put(49, "840");
            m.put(90, Mti.toString(preAuth.mti) + preAuth.stan + preAuth.fields.get(7) + INSTITUTIONS);
            final Sent completion = send(Kind.COMPLETION, Mti.FINANCIAL_ADVICE, m, preAuth.card, amount, preAuth);
            synchronized (lock)
            {
                preAuth.completion = completion;
            }
            return true;
        }

        /**
         * A purchase, answered and not reversed, from the latest few: one answered 91 when {@code timedOut}, else one
         * answered otherwise; or null.
         */
        private Sent answered(final boolean timedOut)
        {
            final List<Sent> candidates = new ArrayList<>();
            synchronized (lock)
            {
                for (int i = Math.max(0, purchases.size() - 64); i < purchases.size(); i++)
                {
                    final Sent purchase = purchases.get(i);
                    if (purchase.reversal == null && purchase.code() != null && "91".equals(purchase.code()) == timedOut)
                    {
                        candidates.add(purchase);
                    }
                }
            }
            return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
        }

        private boolean reverse(final Sent purchase) throws IOException
        {
            if (purchase == null)
            {
                return false;
            }
            reverse(purchase, null);
            return true;
        }

        /** An 0400 naming the purchase by its STAN and field 7 (90), without its track data or PIN block. */
        private void reverse(final Sent purchase, final String after) throws IOException
        {
            final Map<Integer, String> m = new HashMap<>(purchase.fields);
            for (final int field : new int[] {12, 13, 14, 22, 35, 52})
            {
                m.remove(field);
            }
            m.put(7, ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7));
            m.put(11, nextStan());
            m.put(90, Mti.toString(purchase.mti) + purchase.stan + purchase.fields.get(7) + INSTITUTIONS);
            final boolean answeredFirst;
            synchronized (lock)
            {
                answeredFirst = purchase.code() != null;
            }
            final Sent reversal = send(Kind.REVERSAL, Mti.REVERSAL_REQUEST, m, purchase.card, purchase.amount, purchase);
            synchronized (lock)
            {
                reversal.originalAnswered = answeredFirst;
                reversal.after = after;
                purchase.reversal = reversal;
            }
        }

        /** One of this connection's latest requests sent again, byte for byte. */
        private boolean retransmit() throws IOException
        {
            final Sent again;
            synchronized (lock)
            {
                if (retransmittable.isEmpty())
                {
                    return false;
                }
                again = retransmittable.get(Math.max(0, retransmittable.size() - 1 - random.nextInt(32)));
                again.retransmissions++;
            }
            terminal.sendRaw(again.bytes);
            return true;
        }

        /** The probe: a purchase on the next payable card of {@code issuer}; true when the issuer itself approved it (not a stand-in). */
        boolean approvedBy(final String issuer)
        {
            try
            {
                final Card card = card(1, issuer);
                assertTrue(card != null, terminalId + ": no probe card of " + issuer + " left");
                final long amount = 1_000 + random.nextInt(1_000);
                final Sent purchase = send(Kind.PURCHASE, Mti.FINANCIAL_REQUEST, financial(card, "000000", amount, true), card, amount, null);
                awaitPending(0);
                synchronized (lock)
                {
                    return "00".equals(purchase.code()) && !purchase.authCodes.get(0).startsWith("S");
                }
            }
            catch (final IOException ex)
            {
                throw new AssertionError(terminalId + ": the probe's connection failed", ex);
            }
        }

        /** A card-present request in US dollars: track 2, and a PIN block when {@code pin}. */
        private Map<Integer, String> financial(final Card card, final String processing, final long amount, final boolean pin)
        {
            final ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            final String pan = card.account().pan();
            final String yymm = String.format("%04d", card.account().expiry());
            final Map<Integer, String> m = new HashMap<>();
            m.put(2, pan);
            m.put(3, processing);
            m.put(4, String.format("%012d", amount));
            m.put(7, now.format(FIELD_7));
            m.put(11, nextStan());
            m.put(12, now.format(FIELD_12));
            m.put(13, now.format(FIELD_13));
            m.put(14, yymm);
            m.put(22, "051");
            m.put(25, "00");
            m.put(35, pan + "=" + yymm + TRACK_2_TAIL);
            m.put(41, terminalId);
            m.put(42, merchant);
            m.put(49, "840");
            if (pin)
            {
                m.put(52, Cardholders.PIN_BLOCK);
            }
            return m;
        }

        private String nextStan()
        {
            stan++;
            return String.format("%06d", stan);
        }

        /**
         * Each request against clearing's row for it, after the run (one thread): what the terminal saw must be what
         * clearing says became of it. Disagreements are added to {@code out}; what happened is counted in {@code stats}.
         */
        void judge(final DayTransactions cleared, final Map<String, Integer> rows, final Stats stats, final List<String> out)
        {
            for (final Sent sent : byStan.values())
            {
                if (sent.kind == Kind.SIGN_ON)
                {
                    continue;
                }
                final String what = terminalId + " " + sent;
                final Set<String> answers = new HashSet<>();
                for (int i = 0; i < sent.codes.size(); i++)
                {
                    answers.add(sent.codes.get(i) + "/" + sent.authCodes.get(i));
                }
                if (answers.size() > 1)
                {
                    out.add("answered differently to the same request sent again: " + what);
                }
                stats.sent(sent);
                if (sent.kind == Kind.REVERSAL)
                {
                    continue;
                }
                final Integer row = rows.get(terminalId + "/" + sent.stan);
                if (row == null)
                {
                    if (sent.code() != null)
                    {
                        out.add("answered and not in clearing: " + what);
                    }
                    continue;
                }
                final String expected = Mti.toString(sent.mti) + " " + sent.fields.get(3) + " " + sent.amount + " " + sent.card.masked();
                final String found = Mti.toString(cleared.mti(row)) + " " + cleared.processingCode(row) + " " + cleared.amount(row) + " " +
                    cleared.maskedPan(row);
                if (!expected.equals(found) || !cleared.issuer(row).isEmpty() && !cleared.issuer(row).equals(sent.card.issuer))
                {
                    out.add("clearing's row is not the request: " + what + " / " + row(cleared, row));
                }
                final TransactionState state = cleared.state(row);
                if (sent.code() == null || "91".equals(sent.code()) || sent.reversal != null)
                {
                    stats.add(sent.kind.name().toLowerCase(Locale.ROOT) + (sent.reversal == null ? "" : " reversed") + " answered " +
                        (sent.code() == null ? "never" : sent.code()) + ", in clearing " + state.label());
                }
                final Set<TransactionState> allowed = allowed(sent);
                if (allowed != null && !allowed.contains(state) ||
                    state == TransactionState.DECLINED && sent.code() != null && !sent.code().equals(cleared.responseCode(row)))
                {
                    out.add(what + " is " + row(cleared, row) + " in clearing, not " + allowed);
                }
            }
        }

        /** What clearing may say of a request, from what its terminal saw; null for anything (no answer, not reversed). */
        private static Set<TransactionState> allowed(final Sent sent)
        {
            final String code = sent.code();
            if (code == null)
            {
                return sent.reversed() ? Set.of(TransactionState.REVERSED, TransactionState.DECLINED, TransactionState.TIMED_OUT) : null;
            }
            if ("91".equals(code))
            {
                // Timed out at the switch; or answered by the switch itself (declined, 91) when the issuer had no link.
                return Set.of(TransactionState.TIMED_OUT, TransactionState.DECLINED, TransactionState.REVERSED);
            }
            if (!"00".equals(code))
            {
                return Set.of(TransactionState.DECLINED);
            }
            if (sent.reversed())
            {
                return Set.of(TransactionState.REVERSED);
            }
            if (sent.kind != Kind.PRE_AUTH)
            {
                // A reversal whose answer the terminal hung up on may or may not have reached the switch.
                return sent.reversal != null && sent.reversal.code() == null ? Set.of(TransactionState.APPROVED, TransactionState.REVERSED) :
                    Set.of(TransactionState.APPROVED);
            }
            if (sent.completion == null || sent.completion.code() != null && !"00".equals(sent.completion.code()))
            {
                return Set.of(TransactionState.AUTHORIZED);
            }
            return "00".equals(sent.completion.code()) ? Set.of(TransactionState.COMPLETED) :
                Set.of(TransactionState.AUTHORIZED, TransactionState.COMPLETED);
        }
    }

    /**
     * Each issuer's book against clearing's, by masked card number (what clearing keeps; two cards of a book that mask
     * alike are compared together): what the simulator did to the balance, and what clearing settles for the card (−
     * debits + credits) less the holds of the pre-authorizations it leaves authorized.
     */
    static final class Books
    {
        private final DayTransactions cleared;
        private final Map<String, Map<String, Long>> changed = new TreeMap<>();
        private final Map<String, Map<String, long[]>> clearedByCard = new TreeMap<>();

        Books(final DayTransactions cleared)
        {
            this.cleared = cleared;
        }

        void issuer(final String id, final CardBook start, final IssuerSimulator simulator)
        {
            final Map<String, Long> change = new TreeMap<>();
            for (int i = 0; i < start.size(); i++)
            {
                final CardAccount before = start.card(i);
                final long delta = simulator.account(before.pan()).orElseThrow().balance() - before.balance();
                if (delta != 0)
                {
                    change.merge(before.maskedPan(), delta, Long::sum);
                }
            }
            changed.put(id, change);
            // Per card: debits, credits, holds.
            final Map<String, long[]> byCard = new TreeMap<>();
            for (int row = 0; row < cleared.size(); row++)
            {
                if (!id.equals(cleared.issuer(row)))
                {
                    continue;
                }
                final long[] sums = byCard.computeIfAbsent(cleared.maskedPan(row), k -> new long[3]);
                if (cleared.settles(row))
                {
                    sums[cleared.isCredit(row) ? 1 : 0] += cleared.amount(row);
                }
                else if (cleared.state(row) == TransactionState.AUTHORIZED)
                {
                    sums[2] += cleared.amount(row);
                }
            }
            clearedByCard.put(id, byCard);
        }

        long changeTotal(final String id)
        {
            return changed.get(id).values().stream().mapToLong(Long::longValue).sum();
        }

        long clearedTotal(final String id, final int column)
        {
            return clearedByCard.get(id).values().stream().mapToLong(sums -> sums[column]).sum();
        }

        long clearedChange(final String id)
        {
            return clearedTotal(id, 1) - clearedTotal(id, 0) - clearedTotal(id, 2);
        }

        String summary(final String id)
        {
            return id + ": balances moved " + changeTotal(id) + " over " + changed.get(id).size() + " cards; clearing settles debits " +
                clearedTotal(id, 0) + ", credits " + clearedTotal(id, 1) + ", holds of authorized pre-authorizations " + clearedTotal(id, 2) +
                " (net " + clearedChange(id) + ") over " + clearedByCard.get(id).size() + " cards";
        }

        void assertAgree(final String id, final String numbers)
        {
            final Set<String> cards = new HashSet<>(changed.get(id).keySet());
            cards.addAll(clearedByCard.get(id).keySet());
            final Map<String, String> differences = new TreeMap<>();
            for (final String card : cards)
            {
                final long change = changed.get(id).getOrDefault(card, 0L);
                final long[] sums = clearedByCard.get(id).getOrDefault(card, new long[3]);
                final long expected = sums[1] - sums[0] - sums[2];
                if (change != expected)
                {
                    final StringBuilder detail = new StringBuilder().append(change).append(" at the issuer / ").append(expected)
                        .append(" in clearing (debits ").append(sums[0]).append(", credits ").append(sums[1]).append(", holds ").append(sums[2]).append("):");
                    for (int row = 0; row < cleared.size(); row++)
                    {
                        if (card.equals(cleared.maskedPan(row)))
                        {
                            detail.append(" [").append(row(cleared, row)).append(']');
                        }
                    }
                    differences.put(card, detail.toString());
                }
            }
            final Map<String, String> shown = new TreeMap<>();
            differences.entrySet().stream().limit(5).forEach(e -> shown.put(e.getKey(), e.getValue()));
            assertEquals(Map.of(), shown, id + ", by card: the balance change at the issuer / clearing's; " + differences.size() +
                " cards differ (five shown); " + numbers);
            assertEquals(changeTotal(id), clearedChange(id), id + ": balance changes at the issuer / clearing's; " + numbers);
        }
    }

    /** What the run did, for the report: counts by name. */
    static final class Stats
    {
        private final Map<String, Long> counts = new TreeMap<>();
        private final StringBuilder switchSide = new StringBuilder();

        long count(final String name)
        {
            return counts.getOrDefault(name, 0L);
        }

        void add(final String name)
        {
            counts.merge(name, 1L, Long::sum);
        }

        void sent(final Sent sent)
        {
            final String kind = sent.kind.name().toLowerCase(Locale.ROOT);
            add("sent " + kind);
            add(kind + " answered " + (sent.code() == null ? "never" : sent.code()));
            if (sent.retransmissions > 0)
            {
                add("retransmissions");
                add("retransmissions answered again " + (sent.codes.size() > 1 ? "yes" : "no"));
            }
            if (sent.hungUp)
            {
                add("hung up on");
            }
            if (sent.lostWithSwitch)
            {
                add("lost with the switch " + kind);
            }
            if (sent.kind == Kind.REVERSAL)
            {
                final String original = sent.original.code() == null ? "unanswered" : "91".equals(sent.original.code()) ? "91" :
                    "00".equals(sent.original.code()) ? "00" : "declined";
                add("reversal " + (sent.after != null ? "after " + sent.after : sent.originalAnswered ? "after the answer" : "before the answer") +
                    " of a purchase answered " + original);
            }
            if ("00".equals(sent.code()) && sent.authCodes.get(0).startsWith("S"))
            {
                add("stand-in approvals seen " + kind);
            }
        }

        /** What the switch side did, for the report: a sentence of its own counts, then each issuer simulator's. */
        void switchCounts(final String switchSide, final IssuerSimulator a, final IssuerSimulator b)
        {
            this.switchSide.append(switchSide).append("; ");
            issuer(ISSUER_A, a);
            issuer(ISSUER_B, b);
        }

        private void issuer(final String id, final IssuerSimulator issuer)
        {
            switchSide.append(id).append(": ").append(issuer.counter(IssuerCounter.FRAMES_RECEIVED)).append(" frames, faults ")
                .append(issuer.counter(IssuerCounter.FAULT_NO_ANSWER)).append(" no answer / ").append(issuer.counter(IssuerCounter.FAULT_LATE))
                .append(" late / ").append(issuer.counter(IssuerCounter.FAULT_DISCONNECT)).append(" disconnect / ")
                .append(issuer.counter(IssuerCounter.FAULT_GARBAGE)).append(" garbage, ").append(issuer.counter(IssuerCounter.REPEATS_ACKNOWLEDGED))
                .append(" repeats acknowledged, ").append(issuer.counter(IssuerCounter.CONNECTIONS_OPENED)).append(" connections; ");
        }

        void peerResets(final int lines)
        {
            counts.put("peer resets logged at WARN", (long)lines);
        }

        void clearing(final DayTransactions cleared, final List<ClearingExceptionItem> exceptions)
        {
            for (final ClearingExceptionItem exception : exceptions)
            {
                if (exception.kind() == ClearingExceptionItem.Kind.TIME_OUT && ResponseCode.APPROVED.equals(exception.responseCode()))
                {
                    add("stood in on time-out");
                }
            }
            for (int row = 0; row < cleared.size(); row++)
            {
                add(cleared.state(row).label() + " " + Mti.toString(cleared.mti(row)) + (cleared.mti(row) == Mti.AUTHORIZATION_REQUEST ? "" :
                    "/" + cleared.processingCode(row)));
                if (cleared.state(row) == TransactionState.UNANSWERED)
                {
                    add("unanswered in clearing");
                }
                if (cleared.standIn(row))
                {
                    add("stand-in in clearing");
                    add("stand-in " + cleared.state(row).label() + " " + Mti.toString(cleared.mti(row)));
                }
            }
        }

        String report(final long seed, final Books books, final Recovered recovered, final long millis)
        {
            return "run seed " + seed + "; " + counts + "; " + switchSide + "recovery from the journal: " + recovered.records + " records, " +
                recovered.inFlight + " in flight, " + recovered.owed + " advices owed; " + books.summary(ISSUER_A) + "; " + books.summary(ISSUER_B) +
                "; took " + millis + " ms";
        }
    }
}
