package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
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

/**
 * Bad input gets a clear answer and loses nothing (DESIGN.md §5): thousands of randomly mutated copies of valid acquirer
 * messages (an 0200 purchase, an 0100 authorization, an 0400 reversal, an 0800 echo) go over real TCP to a switch on
 * its embedded defaults, each in a frame whose length header is right, so every frame reaches the ring whole. Bytes
 * are flipped, bitmap bits toggled, bodies cut short, fields doubled, length prefixes and MTIs changed.
 *
 * <p>After each mutated frame an echo follows on the same link. The switch handles a link's frames in order, so the
 * echo's answer proves the mutated frame was dealt with and the ring still runs; a read that times out is a stall.
 * What the switch must do with each frame is worked out here from the frame alone, by our own reader, and held to
 * §5: a request that does not decode gets 30, an MTI the switch does not serve gets 12, a frame whose MTI cannot be
 * read (or a non-request that does not decode) closes the link, and every answer is a response that decodes and
 * carries field 39. A closed link is reconnected and signed on again.
 *
 * <p>At the end the switch still approves a purchase, no ring handler failed and nothing was logged as an error,
 * every link it accepted it also let go, the journal holds one sound record per frame sent, and it holds the test
 * card's number in clear nowhere (DESIGN.md §7), whatever the mutations did to the fields around it: only a request
 * that decodes with those digits moved into fields that are not card-number fields may keep them there.
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
    /** ISO 8583:1987 binary: a 2-byte BCD MTI, then the 8-byte primary bitmap. */
    private static final int BITMAP_OFFSET = 2;
    private static final int MIN_MESSAGE = 2;
    /** MTIs a mutation may put in: the ones the switch serves, their answers, and some it does not serve. */
    private static final int[] MTIS = {
        100, 110, 120, 130, 200, 210, 220, 221, 230, 320, 400, 401, 410, 420, 421, 430, 500, 510, 600, 800, 810, 820, 1200, 9980, 9999};
    private static final Set<Integer> SERVED = Set.of(
        Mti.NETWORK_MANAGEMENT_REQUEST, Mti.AUTHORIZATION_REQUEST, Mti.FINANCIAL_REQUEST, Mti.FINANCIAL_ADVICE, Mti.FINANCIAL_ADVICE + 1,
        Mti.REVERSAL_REQUEST, Mti.REVERSAL_REQUEST + 1, Mti.REVERSAL_ADVICE, Mti.REVERSAL_ADVICE_REPEAT, Mti.RECONCILIATION_REQUEST,
        Mti.BATCH_UPLOAD);
    /** Echo STANs from 900000 on: clear of the templates', so an echo's answer is not taken for a mutant's. */
    private static final int FIRST_ECHO_STAN = 900_000;

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

    private record Template(String name, byte[] bytes, MessageReader layout, int[] fields)
    {
    }

    /** What a link sent back up to the answer waited for, and that answer. */
    private record Answers(List<MessageReader> before, MessageReader answer)
    {
    }

    private record Mutant(int index, String template, String mutations, byte[] bytes)
    {
        String describe()
        {
            return "seed " + SEED + ", frame " + index + " (" + template + ": " + mutations + "), message " + HexFormat.of().formatHex(bytes);
        }
    }

    /** The outcomes of the run, for the assertion messages: counts by expectation, by response code, and closes. */
    private static final class Tally
    {
        private final Map<Expect, Integer> expected = new TreeMap<>();
        private final Map<String, Integer> codes = new TreeMap<>();
        private int closed;
        private int sent;

        void code(final String code)
        {
            codes.merge(code, 1, Integer::sum);
        }

        @Override
        public String toString()
        {
            return "frames " + FRAMES + " (seed " + SEED + "), expected " + expected + ", answered by code " + codes + ", links closed " + closed;
        }
    }

    private final CardBook bookA = CardBook.generate(41, List.of("476173"), 100);
    private final CardBook bookB = CardBook.generate(42, List.of("622848"), 100);
    private final Cardholders cards = new Cardholders(bookA);
    private final Tally tally = new Tally();
    private int port;

    @Test
    void shouldAnswerOrCloseOnEveryMutatedFrameAndGoOnServingLosingNothing(@TempDir final Path dir) throws Exception
    {
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        final Logger root = (Logger)LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        // Every INFO line too (link ups and downs, closes), for the card-number check below; the console keeps to its WARN.
        final Level level = root.getLevel();
        final Appender<ILoggingEvent> console = root.getAppender("STDERR");
        if (console != null)
        {
            root.detachAppender(console);
        }
        root.setLevel(Level.INFO);
        // Set too, as a command run earlier in this JVM (the demo's) may have quietened the switch's loggers.
        final Logger switchLoggers = (Logger)LoggerFactory.getLogger("io.interchange");
        final Level switchLevel = switchLoggers.getLevel();
        switchLoggers.setLevel(Level.INFO);
        root.addAppender(log);
        final CardAccount card = cards.payer(1_000);
        final SwitchConfig config;
        try (IssuerSimulator issuerA = new IssuerSimulator(bookA, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start())
        {
            config = LoopbackConfig.of(SwitchConfig.defaults(), issuerA.port(), issuerB.port(), dir.resolve("journal"));
            try (SwitchNode node = SwitchNode.start(config))
            {
                port = node.port("pos-iso87");
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
        finally
        {
            root.detachAppender(log);
            root.setLevel(level);
            switchLoggers.setLevel(switchLevel);
            if (console != null)
            {
                root.addAppender(console);
            }
        }
        final List<String> errors = new ArrayList<>();
        synchronized (log)
        {
            for (final ILoggingEvent event : log.list)
            {
                // Logs mask card numbers (first six, last four), whatever field a mutation moved them into.
                final String message = event.getFormattedMessage();
                if (event.getLevel().isGreaterOrEqual(Level.ERROR) || message.contains(" failed") || message.contains(card.pan()))
                {
                    errors.add(event.getLevel() + " " + event.getLoggerName() + ": " + message);
                }
            }
        }
        assertTrue(log.list.size() > tally.closed, "the INFO lines were captured: " + log.list.size());
        assertEquals(List.of(), errors, "the switch logged no failure and no card number in clear; " + tally);
        assertJournal(config, card.pan());
    }

    private static void awaitIssuers(final SwitchNode node)
    {
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2 && node.signedOnLinks("issuer-b") == 2,
            "issuer links signed on");
    }

    private TestTerminal signedOn() throws IOException
    {
        final TestTerminal terminal = new TestTerminal(port, Iso87.BINARY);
        final MessageReader answer = terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001"));
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
            final List<Template> templates = templates(card, terminal);
            // The purchase itself first, approved: the reversal template then names a real original.
            assertApproved(terminal, templates.get(0).bytes(), templates.get(0).layout().getString(11), "the purchase template");
            for (int i = 0; i < FRAMES; i++)
            {
                final Mutant mutant = mutate(i, templates.get(random.nextInt(templates.size())), random);
                final MessageReader local = new MessageReader(Iso87.BINARY);
                final Expect expect = expect(local, mutant.bytes());
                tally.expected.merge(expect, 1, Integer::sum);
                terminal.sendRaw(mutant.bytes());
                tally.sent++;
                if (expect == Expect.CLOSE || expect == Expect.SIGN_OFF)
                {
                    final List<MessageReader> answers = readUntilClosed(terminal, mutant);
                    if (expect == Expect.SIGN_OFF)
                    {
                        assertTrue(answers.stream().anyMatch(a -> a.mti() == Mti.NETWORK_MANAGEMENT_RESPONSE && "00".equals(a.getString(39))),
                            "a sign-off is acknowledged before the link closes: " + mutant.describe());
                    }
                    tally.closed++;
                    terminal.close();
                    terminal = signedOn();
                    continue;
                }
                final String stan = String.format("%06d", FIRST_ECHO_STAN + i % 100_000);
                final Map<Integer, String> echo = cards.network("301");
                echo.put(11, stan);
                terminal.send(Mti.NETWORK_MANAGEMENT_REQUEST, echo);
                tally.sent++;
                final List<MessageReader> before = readUntil(terminal, Mti.NETWORK_MANAGEMENT_RESPONSE, stan, mutant).before();
                if (expect == Expect.FORMAT_ERROR || expect == Expect.UNSUPPORTED)
                {
                    final String code = expect == Expect.FORMAT_ERROR ? "30" : "12";
                    final int answerMti = Mti.responseTo(local.mti());
                    assertTrue(before.stream().anyMatch(a -> a.mti() == answerMti && code.equals(a.getString(39))),
                        "answered " + Mti.toString(answerMti) + " with " + code + " before the echo that followed it: " + mutant.describe());
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

    /** The valid messages the mutations start from, as the other system tests build them. */
    private List<Template> templates(final CardAccount card, final TestTerminal encoder)
    {
        final Map<Integer, String> purchase = cards.purchase(card, 1_000);
        final Map<Integer, String> authorization = cards.purchase(card, 1_000);
        final Map<Integer, String> reversal = new HashMap<>(purchase);
        reversal.remove(35);
        reversal.remove(52);
        reversal.put(11, cards.nextStan());
        reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0000000000000000000000");
        return List.of(
            template("0200 purchase", encoder.encode(Mti.FINANCIAL_REQUEST, purchase)),
            template("0100 authorization", encoder.encode(Mti.AUTHORIZATION_REQUEST, authorization)),
            template("0400 reversal", encoder.encode(Mti.REVERSAL_REQUEST, reversal)),
            template("0800 echo", encoder.encode(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("301"))));
    }

    private static Template template(final String name, final byte[] bytes)
    {
        final MessageReader layout = new MessageReader(Iso87.BINARY);
        assertEquals(DecodeError.NONE, layout.wrap(bytes, 0, bytes.length), name);
        final List<Integer> fields = new ArrayList<>();
        for (int field = 2; field <= 128; field++)
        {
            if (layout.has(field))
            {
                fields.add(field);
            }
        }
        return new Template(name, bytes, layout, fields.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * One to three mutations of a template. Those that need the template's field layout (a length prefix changed, a
     * field doubled) go first, while the layout still holds; a cut goes last, so that it is what the switch sees.
     */
    private static Mutant mutate(final int index, final Template template, final SplittableRandom random)
    {
        final boolean[] chosen = new boolean[6];
        final int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++)
        {
            chosen[random.nextInt(chosen.length)] = true;
        }
        final MessageReader layout = template.layout();
        final int[] fields = template.fields();
        byte[] bytes = template.bytes().clone();
        final StringBuilder how = new StringBuilder();
        if (chosen[0])
        {
            // A length prefix: half the time a BCD length (perhaps above the field's maximum), half any byte at all.
            final int[] variable = Arrays.stream(fields).filter(f -> !layout.spec(f).isFixed()).toArray();
            final int field = variable.length > 0 ? variable[random.nextInt(variable.length)] : fields[random.nextInt(fields.length)];
            final int value = random.nextBoolean() ? bcd(random.nextInt(100)) : random.nextInt(256);
            bytes[layout.rawOffset(field)] = (byte)value;
            how.append(String.format("length of field %d = %02X; ", field, value));
        }
        if (chosen[1])
        {
            final int field = fields[random.nextInt(fields.length)];
            final int start = layout.rawOffset(field);
            final int length = layout.rawLength(field);
            final byte[] doubled = new byte[bytes.length + length];
            System.arraycopy(bytes, 0, doubled, 0, start + length);
            System.arraycopy(bytes, start, doubled, start + length, bytes.length - start);
            bytes = doubled;
            how.append("field ").append(field).append(" doubled; ");
        }
        if (chosen[2])
        {
            final int mti = random.nextBoolean() ? bcd(MTIS[random.nextInt(MTIS.length)]) : random.nextInt(0x10000);
            bytes[0] = (byte)(mti >>> 8);
            bytes[1] = (byte)mti;
            how.append(String.format("MTI bytes %04X; ", mti));
        }
        if (chosen[3])
        {
            final int bits = 1 + random.nextInt(3);
            for (int i = 0; i < bits; i++)
            {
                // Field 1, the secondary bitmap's bit, as likely as any other.
                final int bit = random.nextInt(64);
                bytes[BITMAP_OFFSET + bit / 8] ^= (byte)(0x80 >>> (bit % 8));
                how.append("bit ").append(bit + 1).append(" toggled; ");
            }
        }
        if (chosen[4])
        {
            final int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++)
            {
                final int at = random.nextInt(bytes.length);
                final int mask = 1 + random.nextInt(255);
                bytes[at] ^= (byte)mask;
                how.append(String.format("byte %d ^= %02X; ", at, mask));
            }
        }
        if (chosen[5])
        {
            // At least an MTI's worth: a frame shorter than that is frame-level garbage, which SwitchFaultSystemTest covers.
            final int length = MIN_MESSAGE + random.nextInt(bytes.length - MIN_MESSAGE);
            final byte[] cut = new byte[length];
            System.arraycopy(bytes, 0, cut, 0, length);
            bytes = cut;
            how.append("cut to ").append(length).append(" bytes; ");
        }
        return new Mutant(index, template.name(), how.toString().trim(), bytes);
    }

    private static int bcd(final int value)
    {
        return Integer.parseInt(Integer.toString(value), 16);
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
        if (mti == Mti.NETWORK_MANAGEMENT_REQUEST && signOff(reader))
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
    private Answers readUntil(final TestTerminal terminal, final int mti, final String stan, final Mutant after) throws IOException
    {
        final List<MessageReader> before = new ArrayList<>();
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
            final MessageReader answer = answer(message, after);
            if (answer.mti() == mti && answer.has(11) && stan.equals(answer.getString(11)))
            {
                return new Answers(before, answer);
            }
            tally.code(answer.getString(39));
            before.add(answer);
        }
    }

    /** Reads the link's frames until the switch closes it; returns those read. Fails if it stays open. */
    private List<MessageReader> readUntilClosed(final TestTerminal terminal, final Mutant after) throws IOException
    {
        final List<MessageReader> answers = new ArrayList<>();
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
            final MessageReader answer = answer(message, after);
            tally.code(answer.getString(39));
            answers.add(answer);
        }
    }

    private MessageReader answer(final byte[] message, final Mutant after)
    {
        final MessageReader answer = new MessageReader(Iso87.BINARY);
        final DecodeError error = answer.wrap(message, 0, message.length);
        final String what = "answer " + HexFormat.of().formatHex(message) + " after " + after.describe();
        assertEquals(DecodeError.NONE, error, what);
        assertFalse(Mti.isRequest(answer.mti()), "a response MTI: " + what);
        assertTrue(answer.has(39), "a response code: " + what);
        return answer;
    }

    private void assertApproved(final TestTerminal terminal, final CardAccount card, final String what) throws IOException
    {
        final Map<Integer, String> purchase = cards.purchase(card, 1_000);
        assertApproved(terminal, terminal.encode(Mti.FINANCIAL_REQUEST, purchase), purchase.get(11), what);
    }

    private void assertApproved(final TestTerminal terminal, final byte[] purchase, final String stan, final String what) throws IOException
    {
        terminal.sendRaw(purchase);
        tally.sent++;
        final Answers answers = readUntil(terminal, Mti.FINANCIAL_RESPONSE, stan, new Mutant(-1, what, "none", purchase));
        assertEquals("00", answers.answer().getString(39), what + "; " + tally);
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

    /**
     * One sound record per frame sent, and the test card's number in clear (ASCII or BCD) in no record and nowhere else
     * in the journal's files. One excuse: a request that decodes with the number in fields that are not card-number
     * fields, where a mutation moved it; no switch can tell those digits from an amount, so that record may hold them.
     */
    private void assertJournal(final SwitchConfig config, final String pan) throws IOException
    {
        final byte[] ascii = pan.getBytes(StandardCharsets.US_ASCII);
        final byte[] bcd = HexFormat.of().parseHex(pan.length() % 2 == 0 ? pan : pan + "F");
        int messages = 0;
        int badFrames = 0;
        int records = 0;
        long excused = 0;
        final List<String> inClear = new ArrayList<>();
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                records++;
                assertTrue(record.checksumValid(), "checksum of " + record);
                if (record.eventType() == EventType.ACQUIRER_MESSAGE)
                {
                    messages++;
                }
                else if (record.eventType() == EventType.BAD_FRAME)
                {
                    badFrames++;
                }
                final byte[] bytes = new byte[record.length()];
                record.buffer().getBytes(0, bytes);
                final long found = count(bytes, ascii) + count(bytes, bcd);
                if (found == 0)
                {
                    continue;
                }
                if (record.hasInput() && !record.isWithheld(JournalRecord.INPUT))
                {
                    final byte[] input = new byte[record.messageLength(JournalRecord.INPUT)];
                    record.buffer().getBytes(record.messageOffset(JournalRecord.INPUT), input);
                    if (count(input, ascii) + count(input, bcd) > 0)
                    {
                        excused += found;
                        continue;
                    }
                }
                inClear.add(record + ": " + HexFormat.of().formatHex(bytes));
            }
            assertEquals(0, reader.corruptRecords());
        }
        assertTrue(records > 0, "the journal has records");
        assertEquals(tally.sent, messages, "one journal record per frame sent: nothing lost; " + tally);
        assertEquals(0, badFrames, "every frame was whole; " + tally);
        assertEquals(List.of(), inClear.subList(0, Math.min(3, inClear.size())),
            inClear.size() + " records hold the card number " + pan + " in clear (the first three shown); " + tally);

        long inFiles = 0;
        try (Stream<Path> files = Files.walk(config.journal().dir()))
        {
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                final byte[] bytes = Files.readAllBytes(file);
                inFiles += count(bytes, ascii) + count(bytes, bcd);
            }
        }
        assertEquals(excused, inFiles, "the card number in clear in the journal's files outside the records that may hold it");
    }

    private static long count(final byte[] haystack, final byte[] needle)
    {
        long found = 0;
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            if (haystack[i] == needle[0] && Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length))
            {
                found++;
            }
        }
        return found;
    }
}
