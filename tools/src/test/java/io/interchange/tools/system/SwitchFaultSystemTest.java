package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.clearing.DayTransactions;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.replay.Replayer;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.BusinessDay;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;

/** The switch when issuers fail and terminals send what they should not: each case over real TCP. */
class SwitchFaultSystemTest
{
    /**
     * Issuers with a short time-out and links that reconnect fast; terminals idle out after three seconds, longer than
     * an answer may take (the issuers' time-out after the 2 s request deadline). The ring runs a thread per stage here
     * (SwitchSystemTest runs it on one thread), whatever the machine's cores.
     */
    private static final String FAST = """
        interchange {
          ring.threads = per-stage
          limits.request-deadline = 2s
          listeners = [
            { name = "pos-iso87", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2",
              acquirer-id = "10000001", allow = ["127.0.0.1/32"], idle-timeout = 3s, max-frame = 4096, mac = false }
          ]
          issuers = [
            { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 1,
              timeout = 500ms, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 1s },
              stand-in { enabled = true, floor-limit = 50000 } }
            { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = 9102 } ], connections = 1,
              timeout = 500ms, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 1s },
              stand-in { enabled = false, floor-limit = 0 } }
          ]
        }
        """;

    private final CardBook bookA = CardBook.generate(21, List.of("476173"), 200);
    private final CardBook bookB = CardBook.generate(22, List.of("622848"), 200);
    private final Cardholders cardsA = new Cardholders(bookA);
    private final Cardholders cardsB = new Cardholders(bookB);
    private IssuerSimulator issuerA;
    private IssuerSimulator issuerB;
    private SwitchNode node;

    @AfterEach
    void stop()
    {
        final long failures = node == null ? 0 : node.handlerFailures();
        if (node != null)
        {
            node.close();
        }
        if (issuerA != null)
        {
            issuerA.close();
        }
        if (issuerB != null)
        {
            issuerB.close();
        }
        assertEquals(0, failures, "the switch handler failed on an event: see the log");
    }

    private SwitchNode start(final Path journal, final int portA, final int portB) throws InterruptedException
    {
        return start(FAST, journal, portA, portB);
    }

    private SwitchNode start(final String text, final Path journal, final int portA, final int portB) throws InterruptedException
    {
        final SwitchConfig config = SwitchConfig.parse(text, "fast.conf")
            .withIssuerPort("issuer-a", portA)
            .withIssuerPort("issuer-b", portB)
            .withJournalDir(journal);
        node = SwitchNode.start(config);
        return node;
    }

    private TestTerminal signedOn() throws IOException
    {
        final TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY);
        assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("001")).getString(39));
        return terminal;
    }

    @Test
    void shouldAnswer91OnTimeOutThenReverseWith0420RepeatedAs0421Until0430(@TempDir final Path journal) throws Exception
    {
        try (ScriptedIssuer hung = new ScriptedIssuer())
        {
            issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
            start(journal, hung.port(), issuerB.port());
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = signedOn())
            {
                final CardAccount card = cardsA.payer(1_000);
                final Map<Integer, String> request = cardsA.purchase(card, 1_000);
                final long sent = System.nanoTime();
                final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, request);
                assertEquals("91", answer.getString(39));
                assertEquals(request.get(11), answer.getString(11));
                assertTrue(System.nanoTime() - sent >= Duration.ofMillis(500).toNanos(), "not before the issuer's time-out");

                // The issuer may have approved it: a reversal advice follows, repeated until acknowledged.
                Awaiting.until(Duration.ofSeconds(10), () -> hung.count(Mti.REVERSAL_ADVICE_REPEAT) >= 2, "0420 then 0421 repeats");
                assertEquals(List.of(Mti.FINANCIAL_REQUEST, Mti.REVERSAL_ADVICE), hung.received().subList(0, 2));
                hung.acknowledgeAdvices();
                final long repeats = hung.count(Mti.REVERSAL_ADVICE_REPEAT);
                Awaiting.until(Duration.ofSeconds(10), () -> hung.count(Mti.REVERSAL_ADVICE_REPEAT) > repeats, "one more repeat, acknowledged");
                Awaiting.until(Duration.ofSeconds(10), () -> node.advicesOwed() == 0, "the 0430 takes the advice off the queue: no more repeats");
                assertEquals(1, node.advicesQueued(), "one reversal advice in all");
            }
        }
    }

    /**
     * Issuer-a hangs while a terminal keeps sending: it holds its share of the in-flight table (192 of 256 here, two
     * issuers), the requests beyond it are answered 91 at once, and issuer-b's cards are still approved. Where one
     * issuer could hold the whole table, issuer-b's requests got 91 too until issuer-a's timed out. With a tick a
     * second, issuer-a's 192 time-outs fall due on one or two ticks, which carry seven each: the rest go on ticks of
     * the same time that those ask for, not a second later each.
     */
    @Test
    void shouldKeepServingOtherIssuersWhileOneHangsWithItsShareOfTheInFlightTable(@TempDir final Path journal, @TempDir final Path replay)
        throws Exception
    {
        try (ScriptedIssuer hung = new ScriptedIssuer())
        {
            issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
            // The terminal stays connected through issuer-a's 5 s time-out, for the 91s.
            start(FAST.replaceFirst("timeout = 500ms, ", "timeout = 5s, ").replace("idle-timeout = 3s", "idle-timeout = 60s") +
                "interchange.limits { in-flight = 256 }\ninterchange.ring.tick = 1s", journal, hung.port(), issuerB.port());
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1 && node.signedOnLinks("issuer-b") == 1,
                "both issuers signed on");
            try (TestTerminal terminal = signedOn())
            {
                // Above issuer-a's floor limit, so no stand-in: each request beyond its share is answered 91.
                final List<CardAccount> cards = unexpiredCardsOfA(40);
                final int requests = 300;
                final Map<String, String> sentTo = new HashMap<>();
                for (int i = 0; i < requests; i++)
                {
                    final Map<Integer, String> purchase = cardsA.purchase(cards.get(i % cards.size()), 60_000);
                    sentTo.put(purchase.get(11), "issuer-a");
                    terminal.send(Mti.FINANCIAL_REQUEST, purchase);
                }
                final Map<Integer, String> purchaseB = cardsB.purchase(cardsB.payer(1_000), 1_000);
                purchaseB.put(11, "999999");
                sentTo.put("999999", "issuer-b");
                terminal.send(Mti.FINANCIAL_REQUEST, purchaseB);

                final Map<String, String> answers = new HashMap<>();
                for (int i = 0; i <= requests; i++)
                {
                    final MessageReader answer = terminal.receive();
                    answers.put(answer.getString(11), answer.getString(39));
                }
                assertEquals(sentTo.keySet(), answers.keySet(), "one answer for each request");
                assertEquals("00", answers.get("999999"), "issuer-b's card approved while issuer-a hangs");
                assertEquals(requests, answers.values().stream().filter("91"::equals).count(), "issuer-a's requests all answered 91");
                assertEquals(192, hung.count(Mti.FINANCIAL_REQUEST), "issuer-a got its share of the table, no more");
            }
            final SwitchConfig config = node.config();
            node.close();
            node = null;
            final List<Long> ticks = new ArrayList<>();
            try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
            {
                while (reader.next())
                {
                    if (reader.record().eventType() == EventType.TICK)
                    {
                        ticks.add(reader.record().timestampNanos());
                    }
                }
            }
            assertTrue(ticks.size() - ticks.stream().distinct().count() >= 192 / 7 - 2,
                "the ticks that timed out 192 requests, seven at a time, asked for more at their own time: " + ticks.size() + " ticks journaled, " +
                    ticks.stream().distinct().count() + " times");
            // A replay gives the same outputs.
            assertReplaysTheSame(config, replay);
        }
    }

    /**
     * Issuer-a hangs: it answers no request and acknowledges no advice. Each issuer has half the advice queue (256 here:
     * 128 each), and each request forwarded keeps room in its issuer's half for the 0420 its time-out owes, so issuer-a
     * gets 128 requests and every one beyond is answered 91 at once, never forwarded; its time-outs' 0420s fill its own
     * half, and no more of its requests go out while they stay unacknowledged. Issuer-b's time-out still has its 0420,
     * delivered and acknowledged, and its cards are still approved; no advice is lost, and a replay gives the same
     * outputs. With one pool looked at only when an 0420 came, issuer-a got every request its in-flight quota let
     * through (192 at a time, wave after wave), its 0420s filled the whole queue, and the 0420s beyond it were lost,
     * issuer-b's with them: the issuers kept approvals the terminals were told were declined.
     */
    @Test
    void shouldKeepEachIssuersShareOfTheAdviceQueueSoThatNoTimeOutsReversalIsLost(@TempDir final Path journal, @TempDir final Path replay)
        throws Exception
    {
        try (ScriptedIssuer hung = new ScriptedIssuer(); ScriptedIssuer answering = new ScriptedIssuer())
        {
            answering.acknowledgeAdvices();
            start(FAST.replace("idle-timeout = 3s", "idle-timeout = 60s") + "interchange.limits { in-flight = 256, advice-queue = 256 }", journal,
                hung.port(), answering.port());
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1 && node.signedOnLinks("issuer-b") == 1,
                "both issuers signed on");
            try (TestTerminal terminal = signedOn())
            {
                // Above issuer-a's floor limit, so no stand-in: a request not forwarded is answered 91.
                final List<CardAccount> cards = unexpiredCardsOfA(40);
                final int wave = 150;
                for (int round = 0; round < 2; round++)
                {
                    for (int i = 0; i < wave; i++)
                    {
                        terminal.send(Mti.FINANCIAL_REQUEST, cardsA.purchase(cards.get((round * wave + i) % cards.size()), 60_000));
                    }
                    for (int i = 0; i < wave; i++)
                    {
                        assertEquals("91", terminal.receive().getString(39), "issuer-a's request, wave " + round);
                    }
                }
                assertEquals(128, hung.count(Mti.FINANCIAL_REQUEST), "issuer-a got its share's worth of requests, no more");
                assertEquals(2 * wave - 128, node.getAdviceShareRefusals(), "the rest answered 91 without being forwarded");
                Awaiting.until(Duration.ofSeconds(10), () -> node.advicesOwed() == 128, () -> "an 0420 owed for each time-out: " + node.advicesOwed());

                final MessageReader timedOut = terminal.exchange(Mti.FINANCIAL_REQUEST, cardsB.purchase(cardsB.payer(1_000), 1_000));
                assertEquals("91", timedOut.getString(39), "issuer-b does not answer this one in time");
                Awaiting.until(Duration.ofSeconds(10), () -> answering.count(Mti.REVERSAL_ADVICE) == 1 && node.advicesOwed() == 128,
                    () -> "issuer-b's 0420 sent and acknowledged: " + answering.received() + ", " + node.advicesOwed() + " owed");
                answering.approveAfter(Duration.ZERO);
                assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsB.purchase(cardsB.payer(1_000), 1_000)).getString(39),
                    "issuer-b's card approved while issuer-a hangs with its share full");
                assertEquals(0, node.getAdvicesLost(), "no 0420 lost");
                assertEquals(128, hung.count(Mti.FINANCIAL_REQUEST), "still no more");
            }
            final SwitchConfig config = node.config();
            node.close();
            node = null;
            assertReplaysTheSame(config, replay); // room kept and given back on the journal's events, as the switch did
        }
    }

    /** The first {@code count} cards of issuer-a's book not expired this month. */
    private List<CardAccount> unexpiredCardsOfA(final int count)
    {
        final List<CardAccount> cards = new ArrayList<>();
        for (int i = 0; cards.size() < count; i++)
        {
            final CardAccount card = bookA.card(i);
            if (!card.expiredAt(Cardholders.currentYearMonth()))
            {
                cards.add(card);
            }
        }
        return cards;
    }

    /** Replaying the journal of the switch run with {@code config}, into {@code replay}, gives the outputs it gave. */
    private static void assertReplaysTheSame(final SwitchConfig config, final Path replay)
    {
        final SwitchSetup setup = SwitchNode.setup(config, Dialects.all());
        final JournalConfig source = SwitchNode.journalConfig(config);
        final JournalConfig replayed = new JournalConfig(replay, source.durability(), source.cutoff(), source.zone(),
            source.panEncryptionKey(), source.panHashKey(), source.dialects());
        Replayer.replay(SwitchNode.handler(config, setup), setup, source, replayed);
        assertEquals(List.of(), Replayer.differences(source, replayed, 10));
    }

    @Test
    void shouldKeepRepeatingAnUnacknowledgedReversalAcrossARestart(@TempDir final Path journal) throws Exception
    {
        try (ScriptedIssuer hung = new ScriptedIssuer())
        {
            issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
            start(journal, hung.port(), issuerB.port());
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = signedOn())
            {
                assertEquals("91", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000)).getString(39));
            }
            Awaiting.until(Duration.ofSeconds(10), () -> hung.count(Mti.REVERSAL_ADVICE) == 1, "the reversal advice sent");
            node.close();
            node = null;

            // A new switch on the same journal owes the same advice: it repeats it (0421) until the issuer acknowledges.
            hung.acknowledgeAdvices();
            start(journal, hung.port(), issuerB.port());
            Awaiting.until(Duration.ofSeconds(10), () -> hung.count(Mti.REVERSAL_ADVICE_REPEAT) >= 1, "the advice repeated after the restart");
            Awaiting.until(Duration.ofSeconds(10), () -> node.advicesOwed() == 0, "acknowledged: off the queue, no more repeats");
            assertEquals(0, node.advicesQueued(), "the new switch queued nothing new: it repeated what it recovered");
            assertEquals(1, hung.count(Mti.FINANCIAL_REQUEST), "the purchase itself is not sent again");
        }
    }

    @Test
    void shouldCloseAnIssuerLinkThatStopsAnsweringEchoesAndSignOnAgainWhenItReconnects(@TempDir final Path journal) throws Exception
    {
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
            // Two missed echoes, not one: on a loaded 2-core machine one echo answered a second late would take the
            // link out again after it has signed on, and the purchase below would meet no link (91).
            final SwitchConfig config = SwitchConfig.parse(FAST.replace("echo-interval = 30s, missed-echoes = 3", "echo-interval = 1s, missed-echoes = 2"),
                "echo.conf").withIssuerPort("issuer-a", issuer.port()).withIssuerPort("issuer-b", issuerB.port()).withJournalDir(journal);
            node = SwitchNode.start(config);
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            assertEquals(1, issuer.connections());
            issuer.mute(true);
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 0, "the silent link taken out of use");
            Awaiting.until(Duration.ofSeconds(10), () -> issuer.connections() == 2, "closed, and reconnected");
            issuer.mute(false);
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "signed on again");
            try (TestTerminal terminal = signedOn())
            {
                issuer.approveAfter(Duration.ZERO);
                assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000)).getString(39));
            }
        }
    }

    @ParameterizedTest(name = "ring threads: {0}")
    @ValueSource(strings = {"per-stage", "one", "event-loop"})
    void shouldPushBackWhenTheRingIsFullAndLoseNothing(final String threads, @TempDir final Path journal) throws Exception
    {
        issuerA = new IssuerSimulator(bookA, IssuerSimConfig.defaults()).start();
        issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
        // A 16-slot ring behind a journal that msyncs every batch: a burst of frames fills it at once.
        final String slow = FAST.replace("ring.threads = per-stage", "ring.threads = " + threads) +
            "interchange.ring.size = 16\ninterchange.journal.durability = msync-per-batch\n";
        node = SwitchNode.start(SwitchConfig.parse(slow, "slow.conf")
            .withIssuerPort("issuer-a", issuerA.port()).withIssuerPort("issuer-b", issuerB.port()).withJournalDir(journal));
        final int burst = 600;
        try (TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
        {
            final ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (int i = 1; i <= burst; i++)
            {
                final Map<Integer, String> echo = cardsA.network("301");
                echo.put(11, String.format("%06d", i));
                final byte[] message = terminal.encode(Mti.NETWORK_MANAGEMENT_REQUEST, echo);
                frames.write(message.length >>> 8);
                frames.write(message.length);
                frames.write(message);
            }
            terminal.sendBytes(frames.toByteArray());
            for (int i = 1; i <= burst; i++)
            {
                final MessageReader answer = terminal.receive();
                assertEquals(String.format("%06d", i), answer.getString(11), "every echo answered, in order");
            }
        }
        assertTrue(node.ring().refusedCount() > 0, "the ring was full and the link stopped reading: " + node.ring().refusedCount());
    }

    @Test
    void shouldMacRequestsToAnIssuerAndTreatAnAnswerWithAWrongMacAsNoAnswer(@TempDir final Path journal) throws Exception
    {
        final byte[] zoneMacKey = HexFormat.of().parseHex("2315208C9110AD40C4E3B7A65D1F0829");
        final String macIssuer = FAST.replace("stand-in { enabled = true, floor-limit = 50000 } }",
            "stand-in { enabled = true, floor-limit = 50000 }, mac-key = \"2315208C9110AD40C4E3B7A65D1F0829\" }");
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            issuer.mac(zoneMacKey, false);
            issuer.approveAfter(Duration.ZERO);
            issuer.acknowledgeAdvices();
            issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
            node = SwitchNode.start(SwitchConfig.parse(macIssuer, "issuer-mac.conf")
                .withIssuerPort("issuer-a", issuer.port()).withIssuerPort("issuer-b", issuerB.port()).withJournalDir(journal));
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = signedOn())
            {
                assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000)).getString(39));
                assertEquals(List.of(true), issuer.requestMacs(), "the switch MACed its request with the zone key");

                issuer.mac(zoneMacKey, true);
                assertEquals("91", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000)).getString(39),
                    "an approval with a wrong MAC is no approval");
                Awaiting.until(Duration.ofSeconds(10), () -> issuer.count(Mti.REVERSAL_ADVICE) == 1, "and it is reversed");
                Awaiting.until(Duration.ofSeconds(10), () -> issuer.requestMacs().size() == 3, "the reversal advice checked");
                assertEquals(List.of(true, true, true), issuer.requestMacs(), "advices are MACed too");

                // Its acknowledgement had a wrong MAC too, so the advice is repeated; one with a good MAC ends it. The
                // issuer's MAC is put right only once the switch has refused that acknowledgement: flipped earlier, the
                // acknowledgement could go out good and no repeat would come.
                Awaiting.until(Duration.ofSeconds(10), () -> node.unmatchedAnswers() >= 2, "the acknowledgement with a wrong MAC refused");
                issuer.mac(zoneMacKey, false);
                final long before = issuer.count(Mti.REVERSAL_ADVICE_REPEAT);
                Awaiting.until(Duration.ofSeconds(10), () -> issuer.count(Mti.REVERSAL_ADVICE_REPEAT) > before, "a repeat, answered with a good MAC");
                Awaiting.until(Duration.ofSeconds(10), () -> node.advicesOwed() == 0, "the properly MACed acknowledgement accepted");
                assertTrue(node.unmatchedAnswers() >= 2, "the approval and the first acknowledgement with wrong MACs were not taken");
            }
        }
    }

    @Test
    void shouldMacAnIssuerLinkWithAesCmacWhereTheConfigSaysSo(@TempDir final Path journal) throws Exception
    {
        // The test's CMAC, against RFC 4493 example 2 first: its own proof that it is AES-CMAC.
        assertEquals("070A16B46B4D4144", HexFormat.of().withUpperCase().formatHex(
            Cmac.of(HexFormat.of().parseHex("2B7E151628AED2A6ABF7158809CF4F3C"), HexFormat.of().parseHex("6BC1BEE22E409F96E93D7E117393172A"), 16)));
        final String aesKey = "603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4";
        final String cmacIssuer = FAST.replace("stand-in { enabled = true, floor-limit = 50000 } }",
            "stand-in { enabled = false, floor-limit = 0 }, mac-algorithm = cmac, mac-key = \"" + aesKey + "\" }");
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            issuer.cmac(HexFormat.of().parseHex(aesKey), false);
            issuer.approveAfter(Duration.ZERO);
            issuer.acknowledgeAdvices();
            issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
            node = SwitchNode.start(SwitchConfig.parse(cmacIssuer, "issuer-cmac.conf")
                .withIssuerPort("issuer-a", issuer.port()).withIssuerPort("issuer-b", issuerB.port()).withJournalDir(journal));
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = signedOn())
            {
                assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000)).getString(39),
                    "the issuer's CMAC on its approval holds");
                assertEquals(List.of(true), issuer.requestMacs(), "the switch CMACed its request with the AES key");
                issuer.cmac(HexFormat.of().parseHex(aesKey), true);
                assertEquals("91", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000)).getString(39),
                    "an approval with a wrong CMAC is no approval");
            }
        }
    }

    /** Issuer answers a terminal cannot be given: field 39 and field 38 as the issuer sends them (no 39 when null). */
    static Stream<Arguments> unrelayableAnswers()
    {
        return Stream.of(Arguments.of("]0", "AP0001"), Arguments.of("0\n", "AP0001"), Arguments.of(null, "AP0001"), Arguments.of("00", "AP\u00070\t1"));
    }

    /**
     * An issuer's answer whose field 39 is missing or holds what is not two letters or digits, or whose authorization
     * code is not printable, is one the switch cannot pass on; whatever the issuer did is undone as for no answer: 91 to
     * the terminal, a reversal advice to the issuer. The terminal never sees the issuer's bytes.
     */
    @ParameterizedTest
    @MethodSource("unrelayableAnswers")
    void shouldTakeAnIssuerAnswerItCannotPassOnForNoAnswer(final String code, final String authCode, @TempDir final Path dir) throws Exception
    {
        final SwitchConfig config;
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            issuer.answerWith(code, authCode);
            config = startWithScripted(issuer, dir);
            try (TestTerminal terminal = signedOn())
            {
                final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000));
                assertEquals("91", answer.getString(39), "the issuer's answer is no answer");
                Awaiting.until(Duration.ofSeconds(10), () -> node.unmatchedAnswers() == 1, "the issuer's answer refused");
                Awaiting.until(Duration.ofSeconds(10), () -> issuer.count(Mti.REVERSAL_ADVICE) == 1, "and what the issuer did is reversed");
                Awaiting.until(Duration.ofSeconds(10), () -> node.advicesOwed() == 0, "the reversal acknowledged");

                issuer.answerWith("00", "AP0001");
                assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000)).getString(39),
                    "the next answer, readable, relayed");
            }
        }
        expectOneAnswerRefusedInTheDaysExceptions(config, dir);
    }

    /**
     * An issuer's approval of another amount than it was asked for, or under another code than 00 (10 for part of the
     * amount, 08, 11, 16), is no answer: relayed, the terminal would be told its own amount while the issuer booked its own,
     * or take for an approval what the switch's batch totals and clearing count as declined (or hold for declined what the
     * issuer holds funds for). The terminal gets 91, the issuer a reversal of what it approved, and the day's exceptions
     * name the answer refused.
     */
    @ParameterizedTest
    @CsvSource({"00, 999", "10, 600", "08, -1", "11, -1", "16, -1"})
    void shouldTakeAnApprovalOfAnotherAmountOrUnderAnotherCodeForNoAnswer(final String code, final long amount, @TempDir final Path dir)
        throws Exception
    {
        final SwitchConfig config;
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            issuer.answerWith(code, "AP0001");
            issuer.answerAmount(amount);
            config = startWithScripted(issuer, dir);
            try (TestTerminal terminal = signedOn())
            {
                final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000));
                assertEquals("91", answer.getString(39), "an approval " + code + " of " + amount + " for a purchase of 10.00 is no answer");
                assertEquals(1_000, answer.getLong(4));
                Awaiting.until(Duration.ofSeconds(10), () -> node.unmatchedAnswers() == 1, "the issuer's answer refused");
                Awaiting.until(Duration.ofSeconds(10), () -> issuer.count(Mti.REVERSAL_ADVICE) == 1, "and what the issuer approved is reversed");
                Awaiting.until(Duration.ofSeconds(10), () -> node.advicesOwed() == 0, "the reversal acknowledged");

                issuer.answerAmount(-1);
                issuer.answerWith("00", "AP0001");
                assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000)).getString(39),
                    "an approval of the amount asked for, relayed");
                assertEquals(1, node.unmatchedAnswers());
            }
        }
        expectOneAnswerRefusedInTheDaysExceptions(config, dir);
    }

    /**
     * An issuer that answered in time, with an approval the switch takes for no answer (another amount, part of it, one
     * that asks for identification), did answer: with stand-in on time-out, its request's time-out is 91 all the same,
     * and the issuer gets the reversal of what it approved and no stand-in advice, which would book the whole amount it
     * approved only in part, in another amount, or only against identification nobody checked.
     */
    @ParameterizedTest
    @CsvSource({"10, 600", "00, 999", "08, -1"})
    void shouldNotStandInOnTheTimeOutOfARequestWhoseIssuerAnsweredWithAnApprovalTakenForNoAnswer(final String code, final long amount,
        @TempDir final Path dir) throws Exception
    {
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            issuer.answerWith(code, "AP0001");
            issuer.answerAmount(amount);
            startWithScripted(issuer, dir, FAST.replace("floor-limit = 50000 }", "floor-limit = 50000, on-time-out = true }"));
            try (TestTerminal terminal = signedOn())
            {
                final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000));
                assertEquals("91", answer.getString(39), "an issuer that answered " + code + " of " + amount + " is not stood in for");
                Awaiting.until(Duration.ofSeconds(10), () -> issuer.count(Mti.REVERSAL_ADVICE) == 1, "what the issuer approved is reversed");
                Awaiting.until(Duration.ofSeconds(10), () -> node.advicesOwed() == 0, "the reversal acknowledged");
                assertEquals(0, issuer.count(Mti.FINANCIAL_ADVICE), "no stand-in advised");
            }
        }
    }

    /** Issuer-a scripted (approving at once, acknowledging advices), issuer-b simulated: the switch started, signed on. */
    private SwitchConfig startWithScripted(final ScriptedIssuer issuer, final Path dir) throws Exception
    {
        return startWithScripted(issuer, dir, FAST);
    }

    private SwitchConfig startWithScripted(final ScriptedIssuer issuer, final Path dir, final String conf) throws Exception
    {
        issuer.approveAfter(Duration.ZERO);
        issuer.acknowledgeAdvices();
        issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
        final SwitchConfig config = SwitchConfig.parse(conf + FarCutoff.line(), "fast.conf").withIssuerPort("issuer-a", issuer.port())
            .withIssuerPort("issuer-b", issuerB.port()).withJournalDir(dir.resolve("journal"));
        node = SwitchNode.start(config);
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
        return config;
    }

    /** Stops the switch and clears its day: one issuer answer refused in the exceptions. */
    private void expectOneAnswerRefusedInTheDaysExceptions(final SwitchConfig config, final Path dir) throws IOException
    {
        final LocalDate day = BusinessDay.businessDay(System.currentTimeMillis() * 1_000_000L, config.businessDay().cutoff(), config.businessDay().zone());
        node.close();
        node = null;
        final Clearing.ClearingRun run = Clearing.run(config, day, dir.resolve("clearing"));
        final List<String> refused = Files.readAllLines(run.file("exceptions.csv")).stream()
            .filter(line -> line.contains("issuer's 0210 the switch could not pass on")).toList();
        assertEquals(1, refused.size(), "the refused answer in the day's exceptions: " + Files.readString(run.file("exceptions.csv")));
    }

    /**
     * Stand-in on time-out (issuer-a's {@code stand-in.on-time-out}): a purchase or pre-authorization within the floor
     * limit that the issuer leaves unanswered is approved by the switch, reversed at the issuer all the same (0420,
     * 39 = 68: it may have been approved) and then advised (0220, or 0120 for the pre-authorization); above the limit,
     * 91. Clearing settles the purchase as the stand-in it was, holds the pre-authorization, and reports the time-outs.
     */
    @Test
    void shouldStandInOnATimeOutWhereTheIssuerAllowsItAndStillReverseTheRequest(@TempDir final Path dir) throws Exception
    {
        final SwitchConfig config;
        final CardAccount card = cardsA.payer(100_000);
        final String purchaseCode;
        final String preAuthCode;
        try (ScriptedIssuer hung = new ScriptedIssuer())
        {
            hung.acknowledgeAdvices();
            issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
            config = SwitchConfig.parse(FAST.replace("floor-limit = 50000 }", "floor-limit = 50000, on-time-out = true }") + FarCutoff.line(), "fast.conf")
                .withIssuerPort("issuer-a", hung.port()).withIssuerPort("issuer-b", issuerB.port()).withJournalDir(dir.resolve("journal"));
            node = SwitchNode.start(config);
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = signedOn())
            {
                final long sent = System.nanoTime();
                final MessageReader purchase = terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 1_000));
                assertTrue(System.nanoTime() - sent >= Duration.ofMillis(500).toNanos(), "not before the issuer's time-out");
                assertEquals("00", purchase.getString(39));
                purchaseCode = purchase.getString(38);
                assertTrue(purchaseCode.matches("S[0-9A-Z]{5}"), "a stand-in authorization code: " + purchaseCode);
                assertEquals("91", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 60_000)).getString(39), "above the floor limit");
                final MessageReader preAuth = terminal.exchange(Mti.AUTHORIZATION_REQUEST, cardsA.purchase(card, 2_000));
                assertEquals(Mti.AUTHORIZATION_RESPONSE, preAuth.mti());
                assertEquals("00", preAuth.getString(39));
                preAuthCode = preAuth.getString(38);
                assertTrue(preAuthCode.matches("S[0-9A-Z]{5}") && !preAuthCode.equals(purchaseCode), "an authorization code of its own: " + preAuthCode);
            }
            Awaiting.until(Duration.ofSeconds(10), () -> node.advicesOwed() == 0 && hung.received().size() == 8,
                () -> "every advice acknowledged; the issuer got " + hung.received() + ", " + node.advicesOwed() + " owed");
            assertEquals(List.of(Mti.FINANCIAL_REQUEST, Mti.REVERSAL_ADVICE, Mti.FINANCIAL_ADVICE, Mti.FINANCIAL_REQUEST, Mti.REVERSAL_ADVICE,
                Mti.AUTHORIZATION_REQUEST, Mti.REVERSAL_ADVICE, Mti.AUTHORIZATION_ADVICE), hung.received(),
                "each request reversed before its stand-in is advised; none for the 91");
            node.close();
            node = null;
        }
        final LocalDate day = BusinessDay.businessDay(System.currentTimeMillis() * 1_000_000L, config.businessDay().cutoff(), config.businessDay().zone());
        final Clearing.ClearingRun run = Clearing.run(config, day, dir.resolve("clearing"));
        final DayTransactions cleared = run.day().transactions();
        final List<String> rows = new ArrayList<>();
        for (int row = 0; row < cleared.size(); row++)
        {
            if ("issuer-a".equals(cleared.issuer(row)))
            {
                rows.add(Mti.toString(cleared.mti(row)) + " " + cleared.amount(row) + " " + cleared.authCode(row) + " " + cleared.state(row) +
                    (cleared.standIn(row) ? " stand-in" : "") + (cleared.settles(row) ? " settles" : ""));
            }
        }
        assertEquals(List.of("0200 1000 " + purchaseCode + " APPROVED stand-in settles", "0200 60000  TIMED_OUT",
            "0100 2000 " + preAuthCode + " AUTHORIZED stand-in"), rows);
        final long timeOuts = Files.readAllLines(run.file("exceptions.csv")).stream().filter(line -> line.contains("did not answer in time")).count();
        assertEquals(3, timeOuts, "each time-out reported, stood in or not: " + Files.readString(run.file("exceptions.csv")));
    }

    /**
     * Store and forward paces itself: an issuer has at most its window of advices unacknowledged, and those a lost
     * link carried go again as soon as there is a link, not a repeat interval later. issuer-a's window is 3 and its
     * time-out 30 s, so an unacknowledged advice is due again only after 60 s: any repeat within the test's 20 s is
     * the lost link's.
     */
    @Test
    void shouldKeepNoMoreAdvicesOutstandingThanTheWindowAndSendThoseALostLinkCarriedAgainAtOnce(@TempDir final Path journal) throws Exception
    {
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            issuer.approveAfter(Duration.ZERO);
            issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
            start(FAST.replaceFirst("timeout = 500ms, ", "timeout = 30s, advice-window = 3, ").replace("idle-timeout = 3s", "idle-timeout = 60s"),
                journal, issuer.port(), issuerB.port());
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = signedOn())
            {
                final List<Map<Integer, String>> purchases = new ArrayList<>();
                for (int i = 0; i < 8; i++)
                {
                    final Map<Integer, String> purchase = cardsA.purchase(cardsA.payer(1_000), 1_000);
                    assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, purchase).getString(39));
                    purchases.add(purchase);
                }
                for (final Map<Integer, String> purchase : purchases)
                {
                    assertEquals("00", terminal.exchange(Mti.REVERSAL_REQUEST, cardsA.reversalOf(purchase)).getString(39), "the terminal's void");
                }
                // One more purchase: once the issuer has it, the switch has handled every void before it, on this one link.
                assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000)).getString(39));
                final List<Integer> voided = new ArrayList<>(Collections.nCopies(8, Mti.FINANCIAL_REQUEST));
                voided.addAll(Collections.nCopies(3, Mti.REVERSAL_ADVICE));
                voided.add(Mti.FINANCIAL_REQUEST);
                assertEquals(voided, issuer.received(), "eight 0420s owed, three sent: the window");
                assertEquals(8, node.advicesOwed());

                issuer.acknowledgeAdvices();
                issuer.hangUp();
                Awaiting.until(Duration.ofSeconds(20), () -> node.advicesOwed() == 0, "every advice acknowledged");
                final List<Integer> afterwards = new ArrayList<>(voided);
                afterwards.addAll(Collections.nCopies(3, Mti.REVERSAL_ADVICE_REPEAT));
                afterwards.addAll(Collections.nCopies(5, Mti.REVERSAL_ADVICE));
                assertEquals(afterwards, issuer.received(),
                    "the three the lost link carried, repeated on the new link at once, then the other five as acknowledgements free the window");
                assertEquals(2, issuer.connections());
            }
        }
    }

    /**
     * The issuer's chip data in its approval (field 55: issuer authentication data, tag 91, and an issuer script, 72)
     * reaches the terminal byte for byte: the card checks the issuer's cryptogram before it takes the approval.
     */
    @Test
    void shouldRelayTheIssuersChipDataToTheTerminal(@TempDir final Path journal) throws Exception
    {
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            final byte[] chip = HexFormat.of().parseHex("910A1122334455667788303072089F1804000000018600");
            issuer.approveAfter(Duration.ZERO);
            issuer.answerChipData(chip);
            issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
            start(journal, issuer.port(), issuerB.port());
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = signedOn())
            {
                final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000));
                assertEquals("00", answer.getString(39));
                assertTrue(answer.has(55), "no chip data in the answer");
                assertEquals(HexFormat.of().formatHex(chip), HexFormat.of().formatHex(answer.getBytes(55)));
            }
        }
    }

    @Test
    void shouldReverseALateApproval(@TempDir final Path journal) throws Exception
    {
        try (ScriptedIssuer late = new ScriptedIssuer())
        {
            late.approveAfter(Duration.ofMillis(1_500));
            late.acknowledgeAdvices();
            issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
            start(journal, late.port(), issuerB.port());
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = signedOn())
            {
                final CardAccount card = cardsA.payer(1_000);
                assertEquals("91", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 1_000)).getString(39));
                Awaiting.until(Duration.ofSeconds(10), () -> late.count(Mti.REVERSAL_ADVICE) == 1, "the reversal advice");
                Awaiting.until(Duration.ofSeconds(10), () -> node.unmatchedAnswers() == 1, "the late approval reached the switch, unmatched");
                final MessageReader next = terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("301"));
                assertEquals(Mti.NETWORK_MANAGEMENT_RESPONSE, next.mti(), "the late approval is not passed on: the next frame is the echo's answer");
                assertEquals(0, late.count(Mti.REVERSAL_ADVICE_REPEAT), "acknowledged, not repeated");
            }
        }
    }

    @Test
    void shouldStandInWithinTheFloorLimitWhenTheIssuerIsDownAndDeclineAboveIt(@TempDir final Path journal) throws Exception
    {
        issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
        try (ReservedPort down = ReservedPort.take())
        {
            final int portA = down.port();
            start(journal, portA, issuerB.port());
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-b") == 1, "issuer-b signed on");
            try (TestTerminal terminal = signedOn())
            {
                final CardAccount card = cardsA.payer(60_000);
                final MessageReader small = terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 1_000));
                assertEquals("00", small.getString(39));
                assertTrue(small.getString(38).matches("S[0-9A-Z]{5}"), "a stand-in authorization code: " + small.getString(38));
                assertEquals("91", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 60_000)).getString(39));

                // The issuer comes back: it hears of the stand-in approval by an 0220 advice and debits the card.
                down.close();
                issuerA = new IssuerSimulator(bookA, IssuerSimConfig.defaults().withPort(portA)).start();
                Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == card.balance() - 1_000,
                    "the stand-in advice delivered once the issuer is back");
            }
        }
    }

    @Test
    void shouldAnswer91ForAnIssuerThatIsDownWithoutStandIn(@TempDir final Path journal) throws Exception
    {
        issuerA = new IssuerSimulator(bookA, IssuerSimConfig.defaults()).start();
        try (ReservedPort down = ReservedPort.take())
        {
            start(journal, issuerA.port(), down.port());
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = signedOn())
            {
                final CardAccount card = cardsB.payer(1_000);
                assertEquals("91", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsB.purchase(card, 1_000)).getString(39));
            }
        }
    }

    @Test
    void shouldAnswerFormatErrorsWith30AndCloseOnFramesItCannotTrust(@TempDir final Path journal) throws Exception
    {
        issuerA = new IssuerSimulator(bookA, IssuerSimConfig.defaults()).start();
        issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
        start(journal, issuerA.port(), issuerB.port());
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
        final CardAccount card = cardsA.payer(1_000);
        try (TestTerminal terminal = signedOn())
        {
            // Non-numeric data in the amount (field 4, n12 BCD): 30, with the STAN echoed.
            final Map<Integer, String> request = cardsA.purchase(card, 1_000);
            final byte[] bytes = terminal.encode(Mti.FINANCIAL_REQUEST, request);
            final MessageReader reader = new MessageReader(Iso87.BINARY);
            reader.wrap(bytes, 0, bytes.length);
            bytes[reader.valueOffset(4)] = (byte)0xAB;
            terminal.sendRaw(bytes);
            final MessageReader answer = terminal.receive();
            assertEquals("30", answer.getString(39));
            assertEquals(Mti.FINANCIAL_RESPONSE, answer.mti());

            // The bitmap names fields that are not there (cut short): 30.
            final byte[] cut = new byte[bytes.length - 20];
            System.arraycopy(terminal.encode(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 1_000)), 0, cut, 0, cut.length);
            terminal.sendRaw(cut);
            assertEquals("30", terminal.receive().getString(39));

            // LL length of the PAN above its maximum (99 > 19), then not digits at all: 30 both times.
            for (final byte badLength : new byte[] {(byte)0x99, (byte)0xAB})
            {
                final byte[] bad = terminal.encode(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 1_000));
                final MessageReader parsed = new MessageReader(Iso87.BINARY);
                parsed.wrap(bad, 0, bad.length);
                bad[parsed.rawOffset(2)] = badLength;
                terminal.sendRaw(bad);
                final MessageReader refused = terminal.receive();
                assertEquals("30", refused.getString(39));
                assertEquals(Mti.FINANCIAL_RESPONSE, refused.mti());
            }

            // An unsupported MTI: 12.
            assertEquals("12", terminal.exchange(600, cardsA.purchase(card, 1_000)).getString(39));

            // And the link still serves.
            assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 1_000)).getString(39));
        }
        try (TestTerminal terminal = signedOn())
        {
            // A message whose MTI cannot be read: nothing to answer, the link is closed.
            terminal.sendRaw(new byte[] {(byte)0xFF, (byte)0xFF, 0, 0, 0, 0, 0, 0, 0, 0});
            assertTrue(terminal.closedBySwitch(Duration.ofSeconds(10)));
        }
        try (TestTerminal terminal = signedOn())
        {
            // A declared length above the maximum: closed before anything is buffered for it.
            terminal.sendBytes(new byte[] {(byte)0xFF, (byte)0xFF, 0x02, 0x00});
            assertTrue(terminal.closedBySwitch(Duration.ofSeconds(10)));
        }
        try (TestTerminal terminal = signedOn())
        {
            // A truncated frame and then silence: no answer, and the idle time-out closes the link.
            terminal.sendBytes(new byte[] {0x00, 0x40, 0x02, 0x00});
            assertNull(terminal.receiveRaw(Duration.ofMillis(300)));
            assertTrue(terminal.closedBySwitch(Duration.ofSeconds(10)));
        }
        try (TestTerminal terminal = signedOn())
        {
            assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 1_000)).getString(39), "still serving");
        }
    }
}
