package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.system.MutatedMessages.Mutant;
import io.interchange.tools.system.MutatedMessages.Template;

/**
 * An issuer's bad answers are no answers, never a crash, a stall or a terminal left waiting (DESIGN.md §4, §5). A
 * terminal sends hundreds of purchases and authorizations, a hundred at a time, through a switch whose two issuers are
 * one {@link MutatingIssuer} with a short time-out (150 ms). For each request the issuer sends back, as the seed and the
 * request's number decide: the honest approval, a mutated copy of it ({@link MutatedMessages}: MTI, bitmap bits,
 * length prefixes, cuts, doubled fields, flipped bytes), or bytes that cannot be framed (a declared length too short
 * or too long), now and then after an unasked-for mutated echo answer (0810). Each reversal advice it gets it
 * acknowledges with an 0430, honest or mutated.
 *
 * <p>Whether the switch can match an answer is worked out here from its bytes, read as the switch reads them: it
 * decodes, is an 0110 or 0210, and carries the request's STAN. A mutant whose STAN changed to one the switch may have
 * given another request or advice is drawn again, as which of the two it then answers would be a race. Each terminal
 * request gets exactly one answer: the matched answer's response code (when it holds two letters or digits, and 37, 38 and 54
 * are printable), or 91 once
 * the issuer has timed out; every request the issuer saw that timed out gets its reversal advice (0420, or 0421 when the first
 * went on a link that was closing), and no other request does. An unframable answer closes the issuer link, and the
 * switch connects again.
 *
 * <p>At the end the switch still approves a purchase, no ring handler failed, nothing was logged as a failure, the
 * journal holds one record per frame the terminal and the issuer sent and one bad frame per link closed for one, and
 * no card number in clear stands in any journal record or log line (DESIGN.md §7).
 *
 * <p>The run is fixed by its seed; {@code -Dinterchange.mutation.seed=N} replays another.
 */
class MutatedIssuerAnswerSystemTest
{
    private static final long SEED = Long.getLong("interchange.mutation.seed", 8583L);
    private static final int REQUESTS = 800;
    /** Requests sent before their answers are read: the time-outs of a round run side by side. */
    private static final int ROUND = 100;
    /** Each request's amount is this plus its number: how the issuer knows which request, or advice, it has. */
    private static final long AMOUNT_BASE = 10_000;
    /** Under the switch's limit of 10 requests a card a minute. */
    private static final int USES_PER_CARD = 5;
    /** Far beyond the issuer time-out: every request is answered by then, by its issuer or by the switch. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** The switch's STANs stay below this in a run this short. */
    private static final long SWITCH_STANS = 100_000;
    /** The unasked-for echo answers' STANs: clear of the switch's and of the issuer's own echoes. */
    private static final int FIRST_ECHO_ANSWER_STAN = 990_000;
    private static final int ECHO_ANSWER_ONE_IN = 10;
    private static final int GARBAGE_PERCENT = 2;
    private static final int HONEST_PERCENT = 15;
    private static final int MAX_DRAWS = 1_000;
    /** The embedded defaults' issuers with a short time-out, a quick reconnect, and no stand-in: a time-out is a 91. */
    private static final String ISSUERS = """
        interchange.issuers = [
          { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 2,
            timeout = 150ms, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 20ms, max = 100ms },
            stand-in { enabled = false, floor-limit = 0 }, pin-key = "0123456789ABCDEFFEDCBA9876543210" }
          { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = 9102 } ], connections = 2,
            timeout = 150ms, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 20ms, max = 100ms },
            stand-in { enabled = false, floor-limit = 0 }, pin-key = "89ABCDEF0123456776543210FEDCBA98" }
        ]
        """;

    /** What the issuer sent for each request, and what became of it; guarded by the test's monitor. */
    private final String[] plans = new String[REQUESTS];
    /** The response code the terminal gets when the switch matches the issuer's answer; null when it cannot. */
    private final String[] predicted = new String[REQUESTS];
    /** The issuer read the request. */
    private final boolean[] seen = new boolean[REQUESTS];
    /** Reversal advices (0420, 0421) the issuer got for the request. */
    private final int[] advised = new int[REQUESTS];
    /** The response code the terminal got. */
    private final String[] answered = new String[REQUESTS];
    private final Map<String, Integer> tally = new TreeMap<>();
    private int terminalFrames;

    @Test
    void shouldTakeEveryIssuerAnswerItCannotMatchForNoAnswerAndAnswerEachTerminalRequestOnce(@TempDir final Path dir) throws Exception
    {
        final Cardholders cards = new Cardholders(CardBook.generate(61, List.of("476173", "622848"), 400));
        final List<CardAccount> payers = new ArrayList<>();
        for (int i = 0; i < REQUESTS / USES_PER_CARD + 1; i++)
        {
            payers.add(cards.payer(AMOUNT_BASE + REQUESTS));
        }
        final SwitchConfig config;
        final MutatingIssuer issuer;
        final CapturedLog log = new CapturedLog();
        try (log; MutatingIssuer host = new MutatingIssuer(this::reply))
        {
            issuer = host;
            config = LoopbackConfig.of(SwitchConfig.parse(ISSUERS + FarCutoff.line(), "mutated-issuer.conf"), host.port(), host.port(),
                dir.resolve("journal"));
            try (SwitchNode node = SwitchNode.start(config);
                 TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
            {
                awaitIssuers(node, host);
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39), "sign-on");
                terminalFrames++;
                for (int first = 0; first < REQUESTS; first += ROUND)
                {
                    round(terminal, cards, payers, first, Math.min(REQUESTS, first + ROUND));
                }
                final List<Integer> owed = judge();
                Awaiting.until(Duration.ofSeconds(10), () -> unadvised(owed).isEmpty(),
                    "a reversal advice at the issuer for each request it saw that timed out; " + this);
                synchronized (this)
                {
                    for (int i = 0; i < REQUESTS; i++)
                    {
                        assertTrue(advised[i] == 0 || "91".equals(answered[i]), "a reversal advice only for a time-out: request " + i + " answered " +
                            answered[i] + " after " + plans[i] + "; " + this);
                    }
                }

                // Still serving: a purchase whose amount is no request's number, answered honestly. Tried again, with another
                // card, only after a 91: the time-out is short, and a stalled machine may outlast it.
                awaitIssuers(node, host);
                final List<String> codes = new ArrayList<>();
                while (!codes.contains("00"))
                {
                    assertTrue(codes.size() < 3 && codes.stream().allMatch("91"::equals), "a purchase approved after it all: " + codes + "; " + this);
                    final CardAccount card = cards.payer(AMOUNT_BASE);
                    payers.add(card); // after the requests' cards: its number too is looked for in clear below
                    final Map<Integer, String> purchase = cards.purchase(card, AMOUNT_BASE + REQUESTS);
                    final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, purchase);
                    assertEquals(purchase.get(11), answer.getString(11), "the purchase's answer next: none beyond one per request; " + this);
                    codes.add(answer.getString(39));
                    terminalFrames++;
                }

                // Exactly one answer each: once the issuer has stopped answering and the switch has handled all it sent, the
                // next frame on the terminal's link is the answer to its echo.
                host.quiet();
                awaitIssuers(node, host);
                host.sync(READ_TIMEOUT);
                final Map<Integer, String> echo = cards.network("301");
                final MessageReader next = terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, echo);
                terminalFrames++;
                assertEquals(Mti.NETWORK_MANAGEMENT_RESPONSE + " " + echo.get(11), next.mti() + " " + next.getString(11),
                    "no answer beyond one per request; " + this);

                assertEquals(0, node.ring().handlerFailures(), "ring handler failures; " + this);
                assertEquals(4 + host.garbage(), host.connections(), "each issuer link closed for what it sent, connected again; " + this);
            }
        }
        assertNull(issuer.failure(), "the issuer's script failed");
        final List<String> pans = payers.stream().map(CardAccount::pan).toList();
        final ClearPans clear = new ClearPans(pans);
        assertTrue(log.size() > issuer.garbage(), "the INFO lines were captured: " + log.size());
        assertEquals(List.of(), log.failuresAndCardNumbers(clear), "the switch logged no failure and no card number in clear; " + this);
        final JournalScan journal = JournalScan.of(config, clear);
        assertEquals(terminalFrames, journal.events(EventType.ACQUIRER_MESSAGE), "one journal record per terminal frame; " + this);
        assertEquals(issuer.frames(), journal.events(EventType.ISSUER_MESSAGE), "one journal record per whole issuer frame; " + this);
        assertEquals(issuer.garbage(), journal.events(EventType.BAD_FRAME), "one bad frame per unframable answer; " + this);
        journal.assertNoCardNumberInClear(toString());
    }

    /** All four issuer links up and signed on, none of them one the switch is about to close for what it was sent. */
    private static void awaitIssuers(final SwitchNode node, final MutatingIssuer host)
    {
        Awaiting.until(Duration.ofSeconds(10),
            () -> host.talking() == 4 && node.signedOnLinks("issuer-a") == 2 && node.signedOnLinks("issuer-b") == 2,
            "issuer links signed on, each link closed for unframable bytes replaced");
    }

    /**
     * Requests {@code first} to {@code last - 1}, every third an 0100 and the rest 0200, all sent before any answer
     * is read; then their answers, each a response to one of them not yet answered, until all are.
     */
    private void round(final TestTerminal terminal, final Cardholders cards, final List<CardAccount> payers, final int first, final int last)
        throws IOException
    {
        final Map<String, Integer> waiting = new HashMap<>();
        for (int i = first; i < last; i++)
        {
            final Map<Integer, String> fields = cards.purchase(payers.get(i / USES_PER_CARD), AMOUNT_BASE + i);
            terminal.send(mti(i), fields);
            terminalFrames++;
            waiting.put(fields.get(11), i);
        }
        while (!waiting.isEmpty())
        {
            final byte[] message = terminal.receiveRaw(READ_TIMEOUT);
            assertNotNull(message, "no answer within " + READ_TIMEOUT + ": the switch stalled with requests " + waiting.values() + " unanswered; " + this);
            final MessageReader answer = new MessageReader(Iso87.BINARY);
            final String what = "answer " + HexFormat.of().formatHex(message) + "; " + this;
            assertEquals(DecodeError.NONE, answer.wrap(message, 0, message.length), what);
            assertTrue(answer.has(11) && answer.has(39), "a STAN and a response code: " + what);
            final Integer index = waiting.remove(answer.getString(11));
            assertNotNull(index, "the answer to a request of the round not answered yet (not a second one): " + what);
            assertEquals(Mti.responseTo(mti(index)), answer.mti(), what);
            synchronized (this)
            {
                answered[index] = answer.getString(39);
            }
        }
    }

    private static int mti(final int index)
    {
        return index % 3 == 0 ? Mti.AUTHORIZATION_REQUEST : Mti.FINANCIAL_REQUEST;
    }

    /**
     * Holds each request's answer to what its issuer sent: the matched answer's code, or 91. Returns the requests that
     * timed out after the issuer saw them: each is owed a reversal advice.
     */
    private synchronized List<Integer> judge()
    {
        final List<Integer> owed = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++)
        {
            final String code = answered[i];
            if (predicted[i] != null && predicted[i].equals(code))
            {
                tally.merge("relayed " + code, 1, Integer::sum);
            }
            else if ("91".equals(code))
            {
                tally.merge(seen[i] ? "timed out" : "91 unseen by the issuer", 1, Integer::sum);
                if (seen[i])
                {
                    owed.add(i);
                }
            }
            else
            {
                throw new AssertionError("request " + i + " answered " + code + ", but the switch could only relay " + predicted[i] +
                    " or time out: the issuer sent " + plans[i] + "; " + this);
            }
        }
        return owed;
    }

    private synchronized List<Integer> unadvised(final List<Integer> owed)
    {
        return owed.stream().filter(i -> advised[i] == 0).toList();
    }

    /** The issuer's script: which request or advice it has, by the amount, and what it sends for it. */
    private MutatingIssuer.Reply reply(final MessageReader request, final byte[] honest)
    {
        final long index = request.has(4) ? request.getLong(4) - AMOUNT_BASE : -1;
        if (index < 0 || index >= REQUESTS)
        {
            return new MutatingIssuer.Reply(List.of(honest), null);
        }
        final int stan = (int)request.getLong(11);
        return Mti.messageClass(request.mti()) == 4 ? acknowledge((int)index, stan, honest) : answer((int)index, stan, honest);
    }

    /** The answer to request {@code index}: honest, mutated or unframable, perhaps after a mutated echo answer. */
    private MutatingIssuer.Reply answer(final int index, final int stan, final byte[] honest)
    {
        final SplittableRandom random = new SplittableRandom(SEED * 1_000_003 + index);
        final String origin = "seed " + SEED + ", request " + index;
        final List<byte[]> messages = new ArrayList<>();
        final StringBuilder plan = new StringBuilder();
        if (random.nextInt(ECHO_ANSWER_ONE_IN) == 0)
        {
            final int echoStan = FIRST_ECHO_ANSWER_STAN + index;
            final Map<Integer, String> fields = Map.of(7, "0101000000", 11, String.format("%06d", echoStan), 39, "00", 70, "301");
            final Template echo = MutatedMessages.template(Iso87.BINARY, "0810 echo answer",
                TestTerminal.encode(Iso87.BINARY, Mti.NETWORK_MANAGEMENT_RESPONSE, fields));
            final Mutant mutant = mutant(origin + ", first", echo, echoStan, random);
            messages.add(mutant.bytes());
            plan.append(mutant.describe()).append(", then ");
            count("echo answers mutated");
        }
        final int roll = random.nextInt(100);
        byte[] garbage = null;
        String code = null;
        if (roll < GARBAGE_PERCENT)
        {
            // A declared length above the 8 KB maximum, or below an MTI's 2 bytes.
            garbage = random.nextBoolean() ? new byte[] {(byte)0xFF, (byte)0xFF} : new byte[] {0x00, 0x01, 0x00};
            plan.append("unframable bytes ").append(HexFormat.of().formatHex(garbage));
            count("answers unframable");
        }
        else if (roll < GARBAGE_PERCENT + HONEST_PERCENT)
        {
            messages.add(honest);
            code = "00";
            plan.append("the honest approval");
            count("answers honest");
        }
        else
        {
            final Mutant mutant = mutant(origin, MutatedMessages.template(Iso87.BINARY, "approval", honest), stan, random);
            messages.add(mutant.bytes());
            code = matchedCode(mutant.bytes(), stan, honest);
            plan.append(mutant.describe());
            count(code == null ? "answers mutated past matching" : "answers mutated, still matching");
        }
        synchronized (this)
        {
            seen[index] = true;
            plans[index] = plan + " (switch STAN " + stan + ")";
            predicted[index] = code;
        }
        return new MutatingIssuer.Reply(messages, garbage);
    }

    /** The acknowledgement of a reversal advice for request {@code index}: honest or mutated, half and half. */
    private MutatingIssuer.Reply acknowledge(final int index, final int stan, final byte[] honest)
    {
        final int attempt;
        synchronized (this)
        {
            attempt = advised[index]++;
        }
        count("reversal advices");
        final SplittableRandom random = new SplittableRandom((SEED * 1_000_003 + index) * 31 + attempt + 1);
        if (random.nextBoolean())
        {
            count("acknowledgements honest");
            return new MutatingIssuer.Reply(List.of(honest), null);
        }
        final String origin = "seed " + SEED + ", request " + index + ", advice " + attempt;
        final Mutant mutant = mutant(origin, MutatedMessages.template(Iso87.BINARY, "0430", honest), stan, random);
        count("acknowledgements mutated");
        return new MutatingIssuer.Reply(List.of(mutant.bytes()), null);
    }

    /**
     * A mutant of {@code template} whose STAN, if it decodes, is its own ({@code stan}) or one the switch never gives:
     * otherwise it could answer another request, or acknowledge another advice, depending on which is in flight when.
     */
    private static Mutant mutant(final String origin, final Template template, final int stan, final SplittableRandom random)
    {
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        for (int draw = 1; draw <= MAX_DRAWS; draw++)
        {
            final Mutant mutant = MutatedMessages.mutate(draw == 1 ? origin : origin + ", draw " + draw, template, random);
            if (reader.wrap(mutant.bytes(), 0, mutant.bytes().length) != DecodeError.NONE || !reader.has(11))
            {
                return mutant;
            }
            final long other = reader.getLong(11);
            if (other == stan || other >= SWITCH_STANS && other < MutatingIssuer.FIRST_SYNC_STAN)
            {
                return mutant;
            }
        }
        throw new IllegalStateException("no mutant of " + template.name() + " in " + MAX_DRAWS + " draws: " + origin);
    }

    /**
     * The code the terminal gets if the switch takes {@code answer} for the answer to the request of {@code stan}, whose
     * honest answer (echoing the RRN the request went with) is {@code honest}; else null.
     */
    private static String matchedCode(final byte[] answer, final int stan, final byte[] honest)
    {
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        if (reader.wrap(answer, 0, answer.length) != DecodeError.NONE || !reader.has(11) || reader.getLong(11) != stan)
        {
            return null;
        }
        // An RRN, where the answer has one, that is not the request's: another request's answer to the switch.
        final MessageReader request = new MessageReader(Iso87.BINARY);
        if (reader.has(37) && request.wrap(honest, 0, honest.length) == DecodeError.NONE && request.has(37) &&
            !Arrays.equals(reader.getBytes(37), request.getBytes(37)))
        {
            return null;
        }
        if (reader.mti() != Mti.AUTHORIZATION_RESPONSE && reader.mti() != Mti.FINANCIAL_RESPONSE)
        {
            return null;
        }
        // What the switch passes on must be fit for the terminal: field 39 two letters or digits, 37, 38 and 54 printable.
        if (!reader.has(39) || !reader.getString(39).matches("[0-9A-Za-z]{2}"))
        {
            return null;
        }
        for (final int field : new int[] {37, 38, 54})
        {
            if (reader.has(field) && !reader.getString(field).matches("[\\x20-\\x7E]*"))
            {
                return null;
            }
        }
        return reader.getString(39);
    }

    private synchronized void count(final String what)
    {
        tally.merge(what, 1, Integer::sum);
    }

    @Override
    public synchronized String toString()
    {
        return "requests " + REQUESTS + " (seed " + SEED + "): " + tally;
    }
}
