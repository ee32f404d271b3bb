package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.system.MutatedMessages.Mutant;
import io.interchange.tools.system.MutatedMessages.Template;

/**
 * Bad input from a terminal gets a clear answer and loses nothing (DESIGN.md §5): thousands of randomly mutated copies
 * of valid acquirer messages ({@link MutatedMessages}) go over real TCP to a switch on its embedded defaults, each in a
 * frame whose length header is right, so every frame reaches the ring whole. Both ways a terminal reaches the switch are
 * tried, each in its own run: ISO 8583:1987 binary on "pos-iso87" (an 0200 purchase, an 0100 authorization, an 0400
 * reversal, an 0800 echo), and UnionPay POS on "pos-cups", each message behind its TPDU and application header (a sale
 * read from the stripe, with track 2 and no field 2; its reversal, named by STAN and batch; a sign-on and an echo by
 * 60.3; a batch settlement with its totals in field 48), where the header's own bytes are now and then flipped too.
 *
 * <p>After each mutated frame an echo follows on the same link. The switch handles a link's frames in order, so the
 * echo's answer proves the mutated frame was dealt with and the ring still runs; a read that times out is a stall.
 * What the switch must do with each frame is worked out here from the frame alone, by our own reader, and held to
 * §5: a request that does not decode gets 30, an MTI the switch does not serve gets 12, a frame whose MTI cannot be
 * read (or a non-request that does not decode) closes the link, and every answer is a response that decodes and
 * carries field 39; on UnionPay POS it goes back behind the header of the frame it answers, the TPDU's addresses
 * swapped, whatever that header held. A closed link is reconnected and signed on again.
 *
 * <p>At the end the switch still approves a purchase, no ring handler failed and nothing was logged as an error,
 * every link it accepted it also let go, the journal holds one sound record per frame sent, and it holds the test
 * card's number in clear nowhere (DESIGN.md §7), whatever the mutations did to the fields around it ({@link JournalScan}),
 * nor does any log line.
 *
 * <p>The run is fixed by its seed; {@code -Dinterchange.mutation.seed=N} replays another, and
 * {@code -Dinterchange.mutation.frames=N} changes how many frames are sent.
 */
class MutatedFrameSystemTest
{
    private static final long SEED = Long.getLong("interchange.mutation.seed", 8583L);
    private static final int FRAMES = Integer.getInteger("interchange.mutation.frames", 5_000);
    /** Far beyond the switch's own answer time on a loaded 2-core machine: everything waited for here it answers itself. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final Set<Integer> SERVED = Set.of(
        Mti.NETWORK_MANAGEMENT_REQUEST, Mti.AUTHORIZATION_REQUEST, Mti.AUTHORIZATION_ADVICE, Mti.AUTHORIZATION_ADVICE + 1, Mti.FINANCIAL_REQUEST,
        Mti.FINANCIAL_ADVICE, Mti.FINANCIAL_ADVICE + 1,
        Mti.REVERSAL_REQUEST, Mti.REVERSAL_REQUEST + 1, Mti.REVERSAL_ADVICE, Mti.REVERSAL_ADVICE_REPEAT, Mti.RECONCILIATION_REQUEST,
        Mti.BATCH_UPLOAD);
    /** Echo STANs from 900000 on: clear of the templates', so an echo's answer is not taken for a mutant's. */
    private static final int FIRST_ECHO_STAN = 900_000;
    /** One UnionPay POS frame in this many has its TPDU or application header flipped as well. */
    private static final int HEADER_MUTATION_ONE_IN = 8;

    /** The embedded defaults' two listeners: the two dialects untrusted terminals speak to the switch. */
    enum Acquirer
    {
        ISO87("pos-iso87", Iso87.BINARY, ""),
        /** TPDU 60 0003 0000, then the application header 60 31 00 31 07 01, before each message. */
        UNIONPAY_POS("pos-cups", UnionPayPos.DIALECT, "6000030000603100310701");

        private final String listener;
        private final Dialect dialect;
        private final byte[] header;

        Acquirer(final String listener, final Dialect dialect, final String header)
        {
            this.listener = listener;
            this.dialect = dialect;
            this.header = HexFormat.of().parseHex(header);
        }
    }

    /** What DESIGN.md §5 says the switch does with a frame, judged from its bytes alone. */
    private enum Expect
    {
        /** A request that does not decode: 30, the link stays. */
        FORMAT_ERROR,
        /** A request that decodes, with an MTI the switch does not serve: 12. */
        UNSUPPORTED,
        /** A request the switch serves: answered now or, once its issuer answers, later; never closed for it. */
        SERVED,
        /** A non-request that decodes (an acquirer's answer to us): no answer, the link stays. */
        IGNORED,
        /** A well-formed 0800 sign-off: 0810 with 00, then the link closes. */
        SIGN_OFF,
        /** No MTI to answer with (unreadable, or not a request and not decodable): the link closes, unanswered. */
        CLOSE
    }

    /** A frame sent: the message and the fixed header before it (none on ISO 8583:1987 links). */
    private record Frame(Mutant mutant, byte[] header)
    {
        String describe()
        {
            return mutant.describe() + (header.length == 0 ? "" : ", header " + HexFormat.of().formatHex(header));
        }
    }

    /** A frame the switch sent: its message, decoded, and the fixed header before it. */
    private record Answer(MessageReader message, byte[] header)
    {
    }

    /** What a link sent back up to the answer waited for, and that answer. */
    private record Answers(List<Answer> before, Answer answer)
    {
    }

    /** The outcomes of the run, for the assertion messages: counts by expectation, by response code, and closes. */
    private static final class Tally
    {
        private final Acquirer acquirer;
        private final Map<Expect, Integer> expected = new TreeMap<>();
        private final Map<String, Integer> codes = new TreeMap<>();
        private int closed;
        private int sent;

        Tally(final Acquirer acquirer)
        {
            this.acquirer = acquirer;
        }

        void code(final String code)
        {
            codes.merge(code, 1, Integer::sum);
        }

        @Override
        public String toString()
        {
            return acquirer + ": frames " + FRAMES + " (seed " + SEED + "), expected " + expected + ", answered by code " + codes +
                ", links closed " + closed;
        }
    }

    private final CardBook bookA = CardBook.generate(41, List.of("476173"), 100);
    private final CardBook bookB = CardBook.generate(42, List.of("622848"), 100);
    private final Cardholders cards = new Cardholders(bookA);
    private Acquirer acquirer;
    private Tally tally;
    private int port;

    @ParameterizedTest
    @EnumSource(Acquirer.class)
    void shouldAnswerOrCloseOnEveryMutatedFrameAndGoOnServingLosingNothing(final Acquirer through, @TempDir final Path dir) throws Exception
    {
        acquirer = through;
        tally = new Tally(through);
        final CardAccount card = cards.payer(1_000);
        final SwitchConfig config;
        final CapturedLog log = new CapturedLog();
        try (log;
             IssuerSimulator issuerA = new IssuerSimulator(bookA, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start())
        {
            config = LoopbackConfig.of(SwitchConfig.defaults(), issuerA.port(), issuerB.port(), dir.resolve("journal"));
            try (SwitchNode node = SwitchNode.start(config))
            {
                port = node.port(acquirer.listener);
                awaitIssuers(node);
                mutateAndSend(card);
                awaitIssuers(node); // an issuer may have dropped a link over what it was forwarded; the purchases below need one
                try (TestTerminal terminal = signedOn())
                {
                    assertApproved(terminal, cards.payer(1_000), "a purchase on a new link after the mutated frames");
                }
                assertEquals(0, node.ring().handlerFailures(), "ring handler failures; " + tally);
                assertNoLeakedLinks(config);
            }
        }
        final ClearPans pan = new ClearPans(List.of(card.pan()));
        assertTrue(log.size() > tally.closed, "the INFO lines were captured: " + log.size());
        assertEquals(List.of(), log.failuresAndCardNumbers(pan), "the switch logged no failure and no card number in clear; " + tally);
        final JournalScan journal = JournalScan.of(config, pan);
        assertEquals(tally.sent, journal.events(EventType.ACQUIRER_MESSAGE), "one journal record per frame sent: nothing lost; " + tally);
        assertEquals(0, journal.events(EventType.BAD_FRAME), "every frame was whole; " + tally);
        journal.assertNoCardNumberInClear(tally.toString());
    }

    private static void awaitIssuers(final SwitchNode node)
    {
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2 && node.signedOnLinks("issuer-b") == 2,
            "issuer links signed on");
    }

    private TestTerminal signedOn() throws IOException
    {
        final TestTerminal terminal = new TestTerminal(port, acquirer.dialect, acquirer.header);
        final MessageReader answer = terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn());
        tally.sent++;
        assertEquals("00", answer.getString(39), "sign-on");
        return terminal;
    }

    private void mutateAndSend(final CardAccount card) throws IOException
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        TestTerminal terminal = signedOn();
        try
        {
            final List<Template> templates = templates(card);
            // The purchase itself first, approved: the reversal template then names a real original.
            assertApproved(terminal, templates.get(0).bytes(), templates.get(0).layout().getString(11), "the purchase template");
            for (int i = 0; i < FRAMES; i++)
            {
                final Mutant mutant = MutatedMessages.mutate("seed " + SEED + ", frame " + i, templates.get(random.nextInt(templates.size())), random);
                final Frame frame = new Frame(mutant, header(random));
                final MessageReader local = new MessageReader(acquirer.dialect);
                final Expect expect = expect(local, mutant.bytes());
                tally.expected.merge(expect, 1, Integer::sum);
                terminal.sendRaw(frame.header(), mutant.bytes());
                tally.sent++;
                if (expect == Expect.CLOSE || expect == Expect.SIGN_OFF)
                {
                    final List<Answer> answers = readUntilClosed(terminal, frame);
                    if (expect == Expect.SIGN_OFF)
                    {
                        assertTrue(answers.stream().anyMatch(a -> answers(a, frame, Mti.NETWORK_MANAGEMENT_RESPONSE, "00")),
                            "a sign-off is acknowledged before the link closes: " + frame.describe());
                    }
                    tally.closed++;
                    terminal.close();
                    terminal = signedOn();
                    continue;
                }
                final String stan = String.format("%06d", FIRST_ECHO_STAN + i % 100_000);
                terminal.send(Mti.NETWORK_MANAGEMENT_REQUEST, echo(stan));
                tally.sent++;
                final Answers answers = readUntil(terminal, Mti.NETWORK_MANAGEMENT_RESPONSE, stan, frame);
                assertEquals(HexFormat.of().formatHex(answerHeader(acquirer.header)), HexFormat.of().formatHex(answers.answer().header()),
                    "the echo's answer behind the echo's header, addresses swapped, after " + frame.describe());
                if (expect == Expect.FORMAT_ERROR || expect == Expect.UNSUPPORTED)
                {
                    final String code = expect == Expect.FORMAT_ERROR ? "30" : "12";
                    final int answerMti = Mti.responseTo(local.mti());
                    assertTrue(answers.before().stream().anyMatch(a -> answers(a, frame, answerMti, code)),
                        "answered " + Mti.toString(answerMti) + " with " + code + " behind its header, before the echo that followed it: " +
                        frame.describe());
                }
            }
            // The link that took all of it still serves a purchase end to end.
            assertApproved(terminal, cards.payer(1_000), "a purchase on the link that took the mutated frames");
        }
        finally
        {
            terminal.close();
        }
    }

    /** True when {@code answer} is an {@code mti} with {@code code} behind the header {@code frame} had, addresses swapped. */
    private static boolean answers(final Answer answer, final Frame frame, final int mti, final String code)
    {
        return answer.message().mti() == mti && code.equals(answer.message().getString(39)) &&
            Arrays.equals(answer.header(), answerHeader(frame.header()));
    }

    /** The header of an answer: the request's, with the TPDU's destination and source swapped (DESIGN.md §4). */
    private static byte[] answerHeader(final byte[] header)
    {
        final byte[] answer = header.clone();
        if (answer.length >= 5)
        {
            System.arraycopy(header, 3, answer, 1, 2);
            System.arraycopy(header, 1, answer, 3, 2);
        }
        return answer;
    }

    /**
     * The fixed header for the next frame: the terminal's own, or now and then one with a byte or two flipped. No
     * draw at all on a link without a header, so that a seed gives the ISO 8583:1987 run it always gave.
     */
    private byte[] header(final SplittableRandom random)
    {
        final byte[] header = acquirer.header.clone();
        if (header.length == 0 || random.nextInt(HEADER_MUTATION_ONE_IN) != 0)
        {
            return header;
        }
        final int flips = 1 + random.nextInt(2);
        for (int i = 0; i < flips; i++)
        {
            header[random.nextInt(header.length)] ^= (byte)(1 + random.nextInt(255));
        }
        return header;
    }

    /** The valid messages the mutations start from, as the other system tests build them; the purchase first. */
    private List<Template> templates(final CardAccount card)
    {
        if (acquirer == Acquirer.UNIONPAY_POS)
        {
            final Map<Integer, String> sale = purchase(card);
            // A POS reversal names its original by the original's own STAN and the batch of 60.2, and carries no track.
            final Map<Integer, String> reversal = new HashMap<>(sale);
            reversal.remove(35);
            final Map<Integer, String> settlement = new HashMap<>();
            settlement.put(11, cards.nextStan());
            settlement.put(41, "TERM0001");
            settlement.put(42, "MERCHANT0000001");
            // Field 48: domestic debits 10.00 in one sale, no credits, then the foreign part all zeros (n12 n3 n12 n3 n1, twice).
            settlement.put(48, "000000001000" + "001" + "000000000000" + "000" + "0" + "0".repeat(31));
            settlement.put(49, "156");
            settlement.put(60, "00" + "000001" + "201");
            return List.of(
                template("0200 sale, swiped", Mti.FINANCIAL_REQUEST, sale),
                template("0400 reversal of the sale", Mti.REVERSAL_REQUEST, reversal),
                template("0800 sign-on", Mti.NETWORK_MANAGEMENT_REQUEST, signOn()),
                template("0800 echo", Mti.NETWORK_MANAGEMENT_REQUEST, echo(cards.nextStan())),
                template("0500 batch settlement", Mti.RECONCILIATION_REQUEST, settlement));
        }
        final Map<Integer, String> purchase = purchase(card);
        final Map<Integer, String> authorization = purchase(card);
        final Map<Integer, String> reversal = cards.reversalOf(purchase);
        return List.of(
            template("0200 purchase", Mti.FINANCIAL_REQUEST, purchase),
            template("0100 authorization", Mti.AUTHORIZATION_REQUEST, authorization),
            template("0400 reversal", Mti.REVERSAL_REQUEST, reversal),
            template("0800 echo", Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("301")));
    }

    private Template template(final String name, final int mti, final Map<Integer, String> fields)
    {
        return MutatedMessages.template(acquirer.dialect, name, TestTerminal.encode(acquirer.dialect, mti, fields));
    }

    /**
     * A purchase of 10.00 with the card, card-present with track 2 and a PIN block: on ISO 8583:1987 in dollars, on
     * UnionPay POS a sale read from the stripe, in yuan, the card number in track 2 only.
     */
    private Map<Integer, String> purchase(final CardAccount card)
    {
        final Map<Integer, String> m = cards.purchase(card, 1_000);
        return acquirer == Acquirer.UNIONPAY_POS ? Cardholders.swiped(m) : m;
    }

    /** Sign-on: field 70 = 001, or on UnionPay POS the terminal's 0800 with 60.3 = 004. */
    private Map<Integer, String> signOn()
    {
        return acquirer == Acquirer.UNIONPAY_POS ? posNetwork(cards.nextStan(), "004") : cards.network("001");
    }

    /** Echo test: field 70 = 301, or on UnionPay POS 60.3 = 301. */
    private Map<Integer, String> echo(final String stan)
    {
        final Map<Integer, String> m = acquirer == Acquirer.UNIONPAY_POS ? posNetwork(stan, "301") : cards.network("301");
        m.put(11, stan);
        return m;
    }

    private static Map<Integer, String> posNetwork(final String stan, final String code)
    {
        final Map<Integer, String> m = new HashMap<>();
        m.put(11, stan);
        m.put(41, "TERM0001");
        m.put(42, "MERCHANT0000001");
        m.put(60, "00" + "000001" + code);
        return m;
    }

    /**
     * DESIGN.md §5 applied to one frame: the switch reads it with the same codec and dialect, so what this reader makes
     * of it is what the switch makes of it.
     */
    private static Expect expect(final MessageReader reader, final byte[] message)
    {
        final DecodeError error = reader.wrap(message, 0, message.length);
        final int mti = reader.mti();
        if (error != DecodeError.NONE)
        {
            return mti >= 0 && Mti.isRequest(mti) ? Expect.FORMAT_ERROR : Expect.CLOSE;
        }
        if (!Mti.isRequest(mti))
        {
            return Expect.IGNORED;
        }
        if ((mti == Mti.NETWORK_MANAGEMENT_REQUEST || mti == Mti.NETWORK_MANAGEMENT_ADVICE) && signOff(reader))
        {
            return Expect.SIGN_OFF;
        }
        return SERVED.contains(mti) ? Expect.SERVED : Expect.UNSUPPORTED;
    }

    /** Field 70 = 002, or without 70, the network-management code a UnionPay POS terminal puts in 60.3. */
    private static boolean signOff(final MessageReader reader)
    {
        if (reader.has(70))
        {
            return reader.getLong(70) == 2;
        }
        return reader.has(60) && reader.units(60) >= 11 && reader.getString(60).startsWith("002", 8);
    }

    /**
     * Reads the link's frames until the answer of {@code mti} and {@code stan} comes; returns those read before it. Each
     * must be a response that decodes and carries a response code. Fails on silence (a stall) or a closed link.
     */
    private Answers readUntil(final TestTerminal terminal, final int mti, final String stan, final Frame after) throws IOException
    {
        final List<Answer> before = new ArrayList<>();
        while (true)
        {
            final byte[] message;
            try
            {
                message = terminal.receiveRaw(READ_TIMEOUT);
            }
            catch (final EOFException | SocketException ex)
            {
                throw new AssertionError("the switch closed a link DESIGN.md §5 says it keeps, after " + after.describe() + "; " + tally, ex);
            }
            if (message == null)
            {
                throw new AssertionError("no answer to " + Mti.toString(mti) + " " + stan + " within " + READ_TIMEOUT + ": the switch stalled after " +
                    after.describe() + "; " + tally);
            }
            final Answer answer = answer(message, terminal.lastHeader(), after);
            if (answer.message().mti() == mti && answer.message().has(11) && stan.equals(answer.message().getString(11)))
            {
                return new Answers(before, answer);
            }
            tally.code(answer.message().getString(39));
            before.add(answer);
        }
    }

    /** Reads the link's frames until the switch closes it; returns those read. Fails if it stays open. */
    private List<Answer> readUntilClosed(final TestTerminal terminal, final Frame after) throws IOException
    {
        final List<Answer> answers = new ArrayList<>();
        while (true)
        {
            final byte[] message;
            try
            {
                message = terminal.receiveRaw(READ_TIMEOUT);
            }
            catch (final EOFException | SocketException ex)
            {
                return answers;
            }
            if (message == null)
            {
                throw new AssertionError("the link was not closed within " + READ_TIMEOUT + " after " + after.describe() + "; " + tally);
            }
            final Answer answer = answer(message, terminal.lastHeader(), after);
            tally.code(answer.message().getString(39));
            answers.add(answer);
        }
    }

    private Answer answer(final byte[] message, final byte[] header, final Frame after)
    {
        final MessageReader answer = new MessageReader(acquirer.dialect);
        final DecodeError error = answer.wrap(message, 0, message.length);
        final String what = "answer " + HexFormat.of().formatHex(message) + " after " + after.describe();
        assertEquals(DecodeError.NONE, error, what);
        assertFalse(Mti.isRequest(answer.mti()), "a response MTI: " + what);
        assertTrue(answer.has(39), "a response code: " + what);
        return new Answer(answer, header);
    }

    private void assertApproved(final TestTerminal terminal, final CardAccount card, final String what) throws IOException
    {
        final Map<Integer, String> purchase = purchase(card);
        assertApproved(terminal, terminal.encode(Mti.FINANCIAL_REQUEST, purchase), purchase.get(11), what);
    }

    private void assertApproved(final TestTerminal terminal, final byte[] purchase, final String stan, final String what) throws IOException
    {
        terminal.sendRaw(purchase);
        tally.sent++;
        final Frame frame = new Frame(new Mutant(what, "purchase", "none", purchase), acquirer.header);
        final Answers answers = readUntil(terminal, Mti.FINANCIAL_RESPONSE, stan, frame);
        assertEquals("00", answers.answer().message().getString(39), what + "; " + tally);
    }

    /**
     * After all links are closed, the switch has let go of every link it accepted: each link's UP in the journal has
     * its DOWN. The node has no count of its acquirer links to ask, and the journal is what it does not hide.
     */
    private void assertNoLeakedLinks(final SwitchConfig config)
    {
        final Set<Integer> open = new HashSet<>();
        final int[] accepted = new int[1];
        try (JournalReader live = new JournalReader(SwitchNode.journalConfig(config)))
        {
            Awaiting.until(Duration.ofSeconds(10), () ->
            {
                while (live.next())
                {
                    final JournalRecord record = live.record();
                    if (record.eventType() == EventType.ACQUIRER_UP)
                    {
                        accepted[0]++;
                        open.add(record.linkId());
                    }
                    else if (record.eventType() == EventType.ACQUIRER_DOWN)
                    {
                        open.remove(record.linkId());
                    }
                }
                return open.isEmpty();
            }, "every acquirer link the test closed taken down by the switch (each UP in the journal with its DOWN); " + tally);
        }
        assertEquals(tally.closed + 2, accepted[0], "links accepted: the first, one after each close, and the last purchase's; " + tally);
    }
}
