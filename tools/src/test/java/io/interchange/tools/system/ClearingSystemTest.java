package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.security.MessageDigest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.clearing.Settlement;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.journal.BusinessDay;
import io.interchange.tools.Cli;

/**
 * Issue 5, item 1: a scripted business day over real TCP (two acquirer listeners, two issuers, a Chronicle journal in a
 * temp dir), then clearing, whose files must equal the hand-computed ones under {@code
 * src/test/resources/io/interchange/tools/system/clearing-day/}. The day: purchases, a refund, a decline by the issuer
 * and one by the switch, a purchase and its reversal, a pre-authorization and its completion, a reversal of nothing, a
 * duplicate, a stand-in while issuer-a is down (its advice never acknowledged), a terminal batch settled out of balance
 * (0500 answered 95), and a time-out whose approval comes late. Fees are the defaults' (grocery 1.25 %, restaurants
 * 1.75 %, lodging 2.50 %, interchange 0.60 %, switch 0.05 % + 0.03 %), and the amounts are picked so that rounding
 * shows: half even down (144.5 → 144, 450.5 → 450) and up (283.5 → 284), and issuer shares that round past the
 * acquirer's total (the switch books −1).
 *
 * <p>What the clock decides is not in the fixture: the expected files say {@code *} for each row's time and for the
 * RRNs the switch assigned (hour of the year and STAN), {@code ${DATE}} and {@code ${VALUE_DATE}} for the business day
 * and T+1, and the summary's count of journal records (ticks and link events vary) is left out of the comparison.
 */
class ClearingSystemTest
{
    private static final String DAY = """
        interchange {
          ring.threads = one
          listeners = [
            { name = "pos-a", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2",
              acquirer-id = "10000001", allow = ["127.0.0.1/32"], idle-timeout = 60s, max-frame = 4096, mac = false }
            { name = "pos-b", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2",
              acquirer-id = "10000003", allow = ["127.0.0.1/32"], idle-timeout = 60s, max-frame = 4096, mac = false }
          ]
          issuers = [
            { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 1,
              timeout = 500ms, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 300ms },
              stand-in { enabled = true, floor-limit = 50000 } }
            { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = 9102 } ], connections = 1,
              timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 300ms },
              stand-in { enabled = false, floor-limit = 0 } }
          ]
        }
        """;
    private static final String RESOURCES = "/io/interchange/tools/system/clearing-day/";
    private static final DateTimeFormatter FIELD_7 = DateTimeFormatter.ofPattern("MMddHHmmss");
    private static final List<String> FILES = List.of("transactions.csv", "merchant-settlement.csv", "institution-positions.csv", "exceptions.csv",
        "summary.txt", "summary.html");

    private SwitchNode node;
    private DayIssuer issuerA;
    private DayIssuer issuerB;
    /** issuer-a's port while it is down. */
    private ReservedPort down;

    @AfterEach
    void stop() throws IOException
    {
        final long failures = node == null ? 0 : node.handlerFailures();
        if (node != null)
        {
            node.close();
        }
        if (down != null)
        {
            down.close();
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

    @Test
    void shouldClearAScriptedDayToTheHandComputedFilesIdenticallyEachTime(@TempDir final Path dir) throws Exception
    {
        final Path journal = dir.resolve("journal");
        down = ReservedPort.take();
        final int portA = down.port();
        issuerB = new DayIssuer(0, true);
        final SwitchConfig config = SwitchConfig.parse(DAY + FarCutoff.line(), "day.conf").withIssuerPort("issuer-a", portA)
            .withIssuerPort("issuer-b", issuerB.port()).withJournalDir(journal);
        node = SwitchNode.start(config);
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-b") == 1, "issuer-b signed on");

        try (TestTerminal a = new TestTerminal(node.port("pos-a"), Iso87.BINARY);
             TestTerminal b = new TestTerminal(node.port("pos-b"), Iso87.BINARY))
        {
            assertEquals("00", a.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, network("900001")).getString(39));
            assertEquals("00", b.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, network("900002")).getString(39));

            // issuer-a is down: the switch stands in, under its floor limit.
            final MessageReader standIn = a.exchange(Mti.FINANCIAL_REQUEST, purchase("4761730000000011", 4_100, "000001", "TERM0003", "MERCHANT0000002"));
            assertEquals("00", standIn.getString(39));
            assertEquals("S00001", standIn.getString(38));
            down.close();
            issuerA = new DayIssuer(portA, false);
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");

            assertEquals("00", a.exchange(Mti.FINANCIAL_REQUEST, purchase("6228480000000015", 10_000, "000002", "TERM0001", "MERCHANT0000001")).getString(39));
            final Map<Integer, String> second = purchase("6228480000000023", 2_550, "000003", "TERM0001", "MERCHANT0000001");
            assertEquals("00", a.exchange(Mti.FINANCIAL_REQUEST, second).getString(39));
            assertEquals("51", a.exchange(Mti.FINANCIAL_REQUEST, purchase("6228480000000031", 4_951, "000004", "TERM0001", "MERCHANT0000001")).getString(39));
            final Map<Integer, String> refund = purchase("6228480000000015", 990, "000005", "TERM0002", "MERCHANT0000001");
            refund.put(3, "200000");
            assertEquals("00", a.exchange(Mti.FINANCIAL_REQUEST, refund).getString(39));
            // TERM0002 settles its batch short of 90 cents of the refund: 95, and the batch closes out of balance.
            final Map<Integer, String> settlement = network("000014");
            settlement.remove(70);
            settlement.put(41, "TERM0002");
            settlement.put(42, "MERCHANT0000001");
            for (final int field : new int[] {74, 75, 76, 77})
            {
                settlement.put(field, String.format("%010d", field == 74 ? 1 : 0));
            }
            for (final int field : new int[] {86, 87, 88, 89})
            {
                settlement.put(field, String.format("%016d", field == 86 ? 900 : 0));
            }
            settlement.put(97, "C" + String.format("%016d", 900));
            assertEquals("95", a.exchange(Mti.RECONCILIATION_REQUEST, settlement).getString(39));

            final Map<Integer, String> reversed = purchase("6228480000000049", 3_333, "000006", "TERM0003", "MERCHANT0000002");
            assertEquals("00", a.exchange(Mti.FINANCIAL_REQUEST, reversed).getString(39));
            assertEquals("00", a.exchange(Mti.REVERSAL_REQUEST, reversal(reversed, "000007", "0200", reversed.get(11))).getString(39));
            assertEquals("00", a.exchange(Mti.FINANCIAL_REQUEST, purchase("6228480000000056", 12_100, "000008", "TERM0003", "MERCHANT0000002")).getString(39));

            final Map<Integer, String> preAuth = purchase("6228480000000064", 20_000, "000009", "TERM0009", "MERCHANT0000005");
            final MessageReader authorized = b.exchange(Mti.AUTHORIZATION_REQUEST, preAuth);
            assertEquals("00", authorized.getString(39));
            assertEquals("AP0000", authorized.getString(38));
            final Map<Integer, String> completion = purchase("6228480000000064", 18_020, "000010", "TERM0009", "MERCHANT0000005");
            completion.put(38, "AP0000");
            completion.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
            assertEquals("00", b.exchange(Mti.FINANCIAL_ADVICE, completion).getString(39));

            assertEquals("25", a.exchange(Mti.REVERSAL_REQUEST, reversal(second, "000011", "0200", "999999")).getString(39));
            final Map<Integer, String> duplicate = new HashMap<>(second);
            duplicate.put(4, String.format("%012d", 2_560));
            assertEquals("94", a.exchange(Mti.FINANCIAL_REQUEST, duplicate).getString(39));
            final Map<Integer, String> expired = purchase("6228480000000072", 1_500, "000012", "TERM0001", "MERCHANT0000001");
            expired.put(14, "2001");
            assertEquals("54", a.exchange(Mti.FINANCIAL_REQUEST, expired).getString(39));

            final long unmatched = node.unmatchedAnswers();
            assertEquals("91", a.exchange(Mti.FINANCIAL_REQUEST, purchase("4761730000000029", DayIssuer.LATE_AMOUNT, "000013", "TERM0001", "MERCHANT0000001"))
                .getString(39));
            Awaiting.until(Duration.ofSeconds(10), () -> node.unmatchedAnswers() > unmatched, "the late approval journaled");
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.financialAdvices() >= 1, "the stand-in advised to issuer-a, unacknowledged");
        }
        final long lastEvent = System.currentTimeMillis() * 1_000_000L;
        node.close();
        node = null;

        final LocalDate day = BusinessDay.businessDay(lastEvent, config.businessDay().cutoff(), config.businessDay().zone());
        final Map<Path, String> journalBefore = snapshot(journal);
        final Clearing.ClearingRun run = Clearing.run(config, day, dir.resolve("out"));
        assertEquals(journalBefore, snapshot(journal), "clearing reads the journal and writes nothing to it");
        assertEquals(dir.resolve("out").resolve(day.toString()), run.folder());

        for (final String file : FILES)
        {
            assertEquals(expected(file, day, config), normalized(file, Files.readString(run.file(file))), file);
        }
        long sum = 0;
        for (final Settlement.Position position : run.settlement().positions())
        {
            sum += position.net();
        }
        assertEquals(0, sum, "net positions sum to zero");

        final Path manifest = run.manifest();
        final String manifestText = Files.readString(manifest);
        for (final String file : FILES)
        {
            final byte[] bytes = Files.readAllBytes(run.file(file));
            assertTrue(manifestText.contains("{ \"name\": \"" + file + "\", \"bytes\": " + bytes.length + ", \"sha256\": \"" + sha256(bytes) + "\" }"),
                () -> file + " in " + manifestText);
        }
        for (final String file : FILES)
        {
            final String text = Files.readString(run.file(file));
            assertFalse(text.contains("6228480000000015") || text.contains("4761730000000011"), "no clear PAN in " + file);
        }

        // Clearing again, in process and from the command line, gives the same bytes.
        final byte[][] first = contents(run.folder());
        final Clearing.ClearingRun again = Clearing.run(config, day, dir.resolve("out"));
        assertArrayEquals(Files.readAllBytes(manifest), Files.readAllBytes(again.manifest()));
        assertTrue(Arrays.deepEquals(first, contents(again.folder())));
        final Path configFile = dir.resolve("day.conf");
        Files.writeString(configFile, DAY);
        final Cli.Result cli = Cli.run("clearing", "--date", day.toString(), "--config", configFile.toString(), "--journal", journal.toString(),
            "--out", dir.resolve("cli").toString()).expectSuccess();
        assertTrue(cli.out().contains("11 transactions, 3 merchants, 6 exceptions"), cli::toString);
        assertArrayEquals(Files.readAllBytes(manifest), Files.readAllBytes(dir.resolve("cli").resolve(day.toString()).resolve("manifest.json")));

        // A day the journal does not hold: one line, exit 2.
        final Cli.Result none = Cli.run("clearing", "--date", day.minusDays(3).toString(), "--config", configFile.toString(), "--journal",
            journal.toString(), "--out", dir.resolve("none").toString()).expectInputError();
        assertEquals("interchange clearing: the journal at " + journal + " has no records of business day " + day.minusDays(3), none.errLine());
        assertFalse(Files.exists(dir.resolve("none").resolve(day.minusDays(3).toString())), "nothing written for it");
    }

    @Test
    void shouldClearUnionPayPosSwipesAndAVoidByStanAndBatch(@TempDir final Path dir) throws Exception
    {
        final Path journal = dir.resolve("journal");
        issuerB = new DayIssuer(0, true);
        final String cups = DAY + """
            interchange.listeners += { name = "pos-cups", host = "127.0.0.1", port = 0, dialect = "cups", framing = "unionpay-pos",
              acquirer-id = "10000002", allow = ["127.0.0.1/32"], idle-timeout = 60s, max-frame = 4096, mac = false }
            """;
        final SwitchConfig config = SwitchConfig.parse(cups + FarCutoff.line(), "cups.conf").withIssuerPort("issuer-a", (down = ReservedPort.take()).port())
            .withIssuerPort("issuer-b", issuerB.port()).withJournalDir(journal);
        node = SwitchNode.start(config);
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-b") == 1, "issuer-b signed on");
        try (TestTerminal pos = new TestTerminal(node.port("pos-cups"), UnionPayPos.DIALECT, HexFormat.of().parseHex("6000030000603100310701")))
        {
            final Map<Integer, String> signOn = new HashMap<>();
            signOn.put(11, "900001");
            signOn.put(41, "TERM0001");
            signOn.put(42, "MERCHANT0000001");
            signOn.put(60, "00" + "000001" + "004");
            assertEquals("00", pos.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn).getString(39));
            assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, swipe("6228480000000015", 3_300, "000001")).getString(39));
            final Map<Integer, String> voided = swipe("6228480000000023", 4_400, "000002");
            assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, voided).getString(39));
            // A POS reversal names its original by its own STAN and the batch of 60.2.
            voided.remove(35);
            assertEquals("00", pos.exchange(Mti.REVERSAL_REQUEST, voided).getString(39));
        }
        final Clearing.ClearingRun run = stopAndClear(config, dir.resolve("out"));
        assertEquals("""
            time,mti,processing_code,masked_pan,amount,currency,merchant,terminal,mcc,issuer,acquirer,stan,rrn,auth_code,response_code,state
            *,0200,000000,622848******0015,3300,156,MERCHANT0000001,TERM0001,5411,issuer-b,10000002,000001,*,AP3300,00,approved
            *,0200,000000,622848******0023,4400,156,MERCHANT0000001,TERM0001,5411,issuer-b,10000002,000002,*,AP4400,00,reversed
            """, normalized("transactions.csv", Files.readString(run.file("transactions.csv"))));
        // 1.25 % of 33.00 CNY is 41.25 fen: 41.
        assertEquals("merchant,name,mcc,discount_group,currency,count,gross_sales,refunds,reversed_count,reversed,net_sales,discount_bps,fee," +
            "net_payable,settlement_account,value_date\n" +
            "MERCHANT0000001,\"Demo Grocery, Springfield\",5411,grocery,156,1,3300,0,1,4400,3300,125,41,3259,DEMO-ACCT-0000000001," +
            run.day().date().plusDays(1) + "\n",
            Files.readString(run.file("merchant-settlement.csv")));
        assertTrue(Files.readString(run.file("summary.txt")).contains("MERCHANT0000001  Demo Grocery, Springfield  5411 grocery      1    33.00 CNY"),
            () -> run.file("summary.txt").toString());
    }

    /**
     * A terminal that hangs up with three purchases out: issuer-a answers its first after its 500 ms time-out (the 0420
     * for the time-out is clearing's only word of it), issuer-b approves its one within its 5 s, but to no terminal,
     * so the switch reverses it at once; issuer-a's second the terminal reversed (0400) before hanging up, so it stays
     * reversed, not timed out, and its answer after the time-out is a late one too.
     */
    @Test
    void shouldTellATimeOutWhoseTerminalHadGoneByItsReversalAdvice(@TempDir final Path dir) throws Exception
    {
        final Path journal = dir.resolve("journal");
        final SwitchConfig config = startDay(journal, false);
        // Both links must be up before the purchases go, or issuer-b's would be answered 91 by the switch.
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1 && node.signedOnLinks("issuer-b") == 1,
            "both issuers signed on");
        final long unmatched = node.unmatchedAnswers();
        try (TestTerminal a = new TestTerminal(node.port("pos-a"), Iso87.BINARY))
        {
            assertEquals("00", a.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, network("900001")).getString(39));
            // issuer-a answers this one 1.5 s late, after its 500 ms time-out; the terminal hangs up before either.
            a.send(Mti.FINANCIAL_REQUEST, purchase("4761730000000029", DayIssuer.LATE_AMOUNT, "000001", "TERM0001", "MERCHANT0000001"));
            a.send(Mti.FINANCIAL_REQUEST, purchase("6228480000000080", DayIssuer.LATE_AMOUNT, "000002", "TERM0001", "MERCHANT0000001"));
            final Map<Integer, String> reversed = purchase("4761730000000037", DayIssuer.LATE_AMOUNT, "000003", "TERM0001", "MERCHANT0000001");
            a.send(Mti.FINANCIAL_REQUEST, reversed);
            a.send(Mti.REVERSAL_REQUEST, reversal(reversed, "000004", "0200", reversed.get(11)));
        }
        // Hung up at once, not after the issuers have the purchases: the link's DOWN then follows its two requests into the
        // ring well before issuer-a's 500 ms time-out, which on a stalled machine could otherwise answer 91 to a terminal still there.
        Awaiting.until(Duration.ofSeconds(10), () -> issuerA.requests() == 2 && issuerB.requests() == 1, "the three purchases forwarded");
        Awaiting.until(Duration.ofSeconds(10), () -> node.unmatchedAnswers() == unmatched + 2, "issuer-a's two late approvals journaled");
        Awaiting.until(Duration.ofSeconds(10), () -> issuerA.reversalAdvices() == 2, "a reversal advice for each of issuer-a's time-outs");
        Awaiting.until(Duration.ofSeconds(10), () -> issuerB.reversalAdvices() == 1, "issuer-b's approval, which reached no terminal, reversed");
        final Clearing.ClearingRun run = stopAndClear(config, dir.resolve("out"));
        assertEquals("""
            time,mti,processing_code,masked_pan,amount,currency,merchant,terminal,mcc,issuer,acquirer,stan,rrn,auth_code,response_code,state
            *,0200,000000,476173******0029,7700,840,MERCHANT0000001,TERM0001,5411,issuer-a,10000001,000001,,,,timed-out
            *,0200,000000,622848******0080,7700,840,MERCHANT0000001,TERM0001,5411,issuer-b,10000001,000002,*,LATE01,00,reversed
            *,0200,000000,476173******0037,7700,840,MERCHANT0000001,TERM0001,5411,issuer-a,10000001,000003,,,,reversed
            """, normalized("transactions.csv", Files.readString(run.file("transactions.csv"))));
        assertEquals("""
            time,kind,terminal,merchant,stan,masked_pan,amount,currency,response_code,detail
            *,time-out,TERM0001,MERCHANT0000001,000001,476173******0029,7700,840,,"issuer issuer-a did not answer in time and the acquirer's \
            link had gone, so the terminal got no answer; reversal advice (0420, 39=68) to the issuer"
            *,late-answer,TERM0001,MERCHANT0000001,000001,476173******0029,7700,840,00,issuer issuer-a answered 00 (auth LATE01) after the time-out; \
            the time-out's reversal advice undoes it
            *,late-answer,TERM0001,MERCHANT0000001,000003,476173******0037,7700,840,00,issuer issuer-a answered 00 (auth LATE01) after the time-out; \
            the time-out's reversal advice undoes it
            """, normalized("exceptions.csv", Files.readString(run.file("exceptions.csv"))));
    }

    /**
     * A purchase its terminal reverses while issuer-a still has it, which then times out: the terminal gets its 0410 at
     * once and its 91 later; clearing keeps it reversed (the acquirer's last word, as for a terminal that had gone) and
     * reports the time-out.
     */
    @Test
    void shouldKeepAPurchaseItsTerminalReversedWhileWithTheIssuerReversedWhenItTimesOut(@TempDir final Path dir) throws Exception
    {
        // issuer-a's time-out 1.2 s, not 500 ms: room for the reversal to reach the switch first on a slow machine; its
        // answer still comes after it, at 1.5 s.
        final SwitchConfig config = startDay(DAY.replace("timeout = 500ms", "timeout = 1200ms"), dir.resolve("journal"), true);
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
        try (TestTerminal a = new TestTerminal(node.port("pos-a"), Iso87.BINARY))
        {
            assertEquals("00", a.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, network("900001")).getString(39));
            final Map<Integer, String> purchase = purchase("4761730000000029", DayIssuer.LATE_AMOUNT, "000001", "TERM0001", "MERCHANT0000001");
            a.send(Mti.FINANCIAL_REQUEST, purchase);
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.requests() == 1, "the purchase with issuer-a");
            final MessageReader reversed = a.exchange(Mti.REVERSAL_REQUEST, reversal(purchase, "000002", "0200", "000001"));
            assertEquals(Mti.REVERSAL_RESPONSE, reversed.mti(), "the reversal answered at once, before the purchase");
            assertEquals("00", reversed.getString(39));
            final MessageReader timedOut = a.receive();
            assertEquals(Mti.FINANCIAL_RESPONSE, timedOut.mti());
            assertEquals("91", timedOut.getString(39));
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.reversalAdvices() == 1, "the time-out's reversal advice");
        }
        final Clearing.ClearingRun run = stopAndClear(config, dir.resolve("out"));
        assertEquals("""
            time,mti,processing_code,masked_pan,amount,currency,merchant,terminal,mcc,issuer,acquirer,stan,rrn,auth_code,response_code,state
            *,0200,000000,476173******0029,7700,840,MERCHANT0000001,TERM0001,5411,issuer-a,10000001,000001,,,91,reversed
            """, normalized("transactions.csv", Files.readString(run.file("transactions.csv"))));
        assertTrue(Files.readString(run.file("exceptions.csv")).contains("did not answer in time: 91 to the terminal, which had reversed it"),
            () -> run.file("exceptions.csv").toString());
    }

    /**
     * A terminal that lost its connection while its issuers had two purchases, and sent both again on a new one, gets
     * their answers there: issuer-b's approval when it comes, and the 91 of issuer-a's time-out. Clearing follows them to
     * the new link: one approved, one timed out and reported as answered 91, not as an answer nobody got.
     */
    @Test
    void shouldAnswerATerminalThatAsksAgainOnANewConnectionThereAndClearWhatItWasTold(@TempDir final Path dir) throws Exception
    {
        // issuer-a's time-out 3 s, which its unanswered purchase reaches well after the terminal has asked again.
        final SwitchConfig config = startDay(DAY.replace("timeout = 500ms", "timeout = 3s"), dir.resolve("journal"), true);
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1 && node.signedOnLinks("issuer-b") == 1,
            "both issuers signed on");
        final byte[] unanswered;
        final byte[] late;
        try (TestTerminal first = new TestTerminal(node.port("pos-a"), Iso87.BINARY))
        {
            assertEquals("00", first.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, network("900001")).getString(39));
            unanswered = first.encode(Mti.FINANCIAL_REQUEST, purchase("4761730000000029", DayIssuer.UNANSWERED_AMOUNT, "000001", "TERM0001",
                "MERCHANT0000001"));
            late = first.encode(Mti.FINANCIAL_REQUEST, purchase("6228480000000080", DayIssuer.LATE_AMOUNT, "000002", "TERM0001", "MERCHANT0000001"));
            first.sendRaw(unanswered);
            first.sendRaw(late);
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.requests() == 1 && issuerB.requests() == 1, "both purchases with their issuers");
        }
        try (TestTerminal again = new TestTerminal(node.port("pos-a"), Iso87.BINARY))
        {
            assertEquals("00", again.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, network("900002")).getString(39));
            again.sendRaw(unanswered);
            again.sendRaw(late);
            final Map<String, MessageReader> answers = new HashMap<>();
            for (int i = 0; i < 2; i++)
            {
                final MessageReader answer = again.receive();
                assertEquals(Mti.FINANCIAL_RESPONSE, answer.mti());
                answers.put(answer.getString(11), answer);
            }
            assertEquals("00", answers.get("000002").getString(39), "issuer-b's approval, on the new connection");
            assertEquals("LATE01", answers.get("000002").getString(38));
            assertEquals("91", answers.get("000001").getString(39), "issuer-a's time-out, on the new connection");
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.reversalAdvices() == 1, "the time-out's reversal advice");
        }
        assertEquals(1, issuerA.requests(), "sent again, not forwarded again");
        assertEquals(1, issuerB.requests(), "sent again, not forwarded again");
        assertEquals(0, issuerB.reversalAdvices(), "issuer-b's approval reached the terminal: nothing to reverse");
        final Clearing.ClearingRun run = stopAndClear(config, dir.resolve("out"));
        assertEquals("""
            time,mti,processing_code,masked_pan,amount,currency,merchant,terminal,mcc,issuer,acquirer,stan,rrn,auth_code,response_code,state
            *,0200,000000,476173******0029,7900,840,MERCHANT0000001,TERM0001,5411,issuer-a,10000001,000001,,,91,timed-out
            *,0200,000000,622848******0080,7700,840,MERCHANT0000001,TERM0001,5411,issuer-b,10000001,000002,*,LATE01,00,approved
            """, normalized("transactions.csv", Files.readString(run.file("transactions.csv"))));
        assertEquals("""
            time,kind,terminal,merchant,stan,masked_pan,amount,currency,response_code,detail
            *,time-out,TERM0001,MERCHANT0000001,000001,476173******0029,7900,840,91,"issuer issuer-a did not answer in time: 91 to the terminal, \
            reversal advice (0420, 39=68) to the issuer"
            """, normalized("exceptions.csv", Files.readString(run.file("exceptions.csv"))));
    }

    /**
     * A purchase issuer-a never answers times out; issuer-a answers the time-out's reversal advice with 25 (it never had
     * the purchase). That acknowledges it, so nothing is owed or sent again, and clearing reports it for an operator.
     */
    @Test
    void shouldReportAnAdviceTheIssuerAnsweredWithAnotherCodeThan00(@TempDir final Path dir) throws Exception
    {
        final SwitchConfig config = startDay(dir.resolve("journal"), true);
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
        try (TestTerminal a = new TestTerminal(node.port("pos-a"), Iso87.BINARY))
        {
            assertEquals("00", a.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, network("900001")).getString(39));
            assertEquals("91", a.exchange(Mti.FINANCIAL_REQUEST,
                purchase("4761730000000029", DayIssuer.UNKNOWN_TO_ISSUER_AMOUNT, "000001", "TERM0001", "MERCHANT0000001")).getString(39));
        }
        Awaiting.until(Duration.ofSeconds(10), () -> issuerA.reversalAdvices() == 1 && node.advicesOwed() == 0,
            "the reversal advice answered 25, and taken as acknowledged");
        final Clearing.ClearingRun run = stopAndClear(config, dir.resolve("out"));
        assertEquals("""
            time,kind,terminal,merchant,stan,masked_pan,amount,currency,response_code,detail
            *,time-out,TERM0001,MERCHANT0000001,000001,476173******0029,7800,840,91,"issuer issuer-a did not answer in time: 91 to the terminal, \
            reversal advice (0420, 39=68) to the issuer"
            *,advice-refused,TERM0001,MERCHANT0000001,,476173******0029,7800,840,25,"issuer issuer-a answered its advice with 0430 25: acknowledged \
            and not sent again, but not acted on; to settle with the issuer"
            """, normalized("exceptions.csv", Files.readString(run.file("exceptions.csv"))));
        assertTrue(Files.readString(run.file("summary.txt")).contains("advice-refused"), () -> run.file("summary.txt").toString());
    }

    /**
     * Authorizations an acquirer made without the issuer (0120): one approved and then completed, one that advises a
     * decline, one approved and then reversed. Each is a hold, never settled itself: only the completion settles.
     */
    @Test
    void shouldHoldAnAcquirersAuthorizationAdvicesAndSettleOnlyTheCompletion(@TempDir final Path dir) throws Exception
    {
        final Path journal = dir.resolve("journal");
        final SwitchConfig config = startDay(journal, true);
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-b") == 1, "issuer-b signed on");
        try (TestTerminal b = new TestTerminal(node.port("pos-b"), Iso87.BINARY))
        {
            assertEquals("00", b.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, network("900001")).getString(39));
            final Map<Integer, String> held = authorizationAdvice("6228480000000064", 20_000, "000001", "A00001", "00");
            assertEquals("00", b.exchange(Mti.AUTHORIZATION_ADVICE, held).getString(39));
            assertEquals("00", b.exchange(Mti.AUTHORIZATION_ADVICE, authorizationAdvice("6228480000000072", 3_000, "000002", "A00002", "05"))
                .getString(39));
            final Map<Integer, String> released = authorizationAdvice("6228480000000080", 1_000, "000003", "A00003", "00");
            assertEquals("00", b.exchange(Mti.AUTHORIZATION_ADVICE, released).getString(39));
            assertEquals("00", b.exchange(Mti.REVERSAL_REQUEST, reversal(released, "000004", "0120", "000003")).getString(39));
            final Map<Integer, String> completion = purchase("6228480000000064", 18_020, "000005", "TERM0009", "MERCHANT0000005");
            completion.put(38, "A00001");
            completion.put(90, "0120000001" + held.get(7) + "0".repeat(22));
            assertEquals("00", b.exchange(Mti.FINANCIAL_ADVICE, completion).getString(39));
            Awaiting.until(Duration.ofSeconds(10), () -> issuerB.financialAdvices() == 4 && issuerB.reversalAdvices() == 1 && node.advicesOwed() == 0,
                "the three 0120s, the completion and the reversal delivered");
        }
        final Clearing.ClearingRun run = stopAndClear(config, dir.resolve("out"));
        assertEquals("""
            time,mti,processing_code,masked_pan,amount,currency,merchant,terminal,mcc,issuer,acquirer,stan,rrn,auth_code,response_code,state
            *,0120,000000,622848******0064,20000,840,MERCHANT0000005,TERM0009,7011,issuer-b,10000003,000001,,A00001,00,completed
            *,0120,000000,622848******0072,3000,840,MERCHANT0000005,TERM0009,7011,issuer-b,10000003,000002,,A00002,05,declined
            *,0120,000000,622848******0080,1000,840,MERCHANT0000005,TERM0009,7011,issuer-b,10000003,000003,,A00003,00,reversed
            *,0220,000000,622848******0064,18020,840,MERCHANT0000005,TERM0009,7011,issuer-b,10000003,000005,,A00001,00,approved
            """, normalized("transactions.csv", Files.readString(run.file("transactions.csv"))));
        final String merchants = Files.readString(run.file("merchant-settlement.csv"));
        assertTrue(merchants.contains(",18020,") && !merchants.contains(",20000,") && !merchants.contains(",38020,"),
            "only the completion settles: " + merchants);
        final Path configFile = dir.resolve("day.conf");
        Files.writeString(configFile, DAY + FarCutoff.line());
        final Cli.Result verify = Cli.run("journal", "verify", "--config", configFile.toString(), "--journal", journal.toString()).expectSuccess();
        assertTrue(verify.out().contains("outputs equal byte for byte"), verify::toString);
    }

    /** An 0120 as an acquirer sends one for an authorization it made: its own code in 38, its decision in 39. */
    private static Map<Integer, String> authorizationAdvice(final String pan, final long amount, final String stan, final String authCode, final String code)
    {
        final Map<Integer, String> m = purchase(pan, amount, stan, "TERM0009", "MERCHANT0000005");
        m.put(38, authCode);
        m.put(39, code);
        return m;
    }

    /** The day's two issuers (issuer-a acknowledging its 0220s and 0120s or not) and the switch on {@code journal}. */
    private SwitchConfig startDay(final Path journal, final boolean acknowledgeA) throws Exception
    {
        return startDay(DAY, journal, acknowledgeA);
    }

    private SwitchConfig startDay(final String text, final Path journal, final boolean acknowledgeA) throws Exception
    {
        issuerA = new DayIssuer(0, acknowledgeA);
        issuerB = new DayIssuer(0, true);
        final SwitchConfig config = SwitchConfig.parse(text + FarCutoff.line(), "day.conf").withIssuerPort("issuer-a", issuerA.port())
            .withIssuerPort("issuer-b", issuerB.port()).withJournalDir(journal);
        node = SwitchNode.start(config);
        return config;
    }

    /** Stops the switch, then clears the business day of that moment into {@code out}. */
    private Clearing.ClearingRun stopAndClear(final SwitchConfig config, final Path out) throws IOException
    {
        final long lastEvent = System.currentTimeMillis() * 1_000_000L;
        node.close();
        node = null;
        return Clearing.run(config, BusinessDay.businessDay(lastEvent, config.businessDay().cutoff(), config.businessDay().zone()), out);
    }

    /** A UnionPay POS sale read from the magnetic stripe: no field 2 and no field 7, the card number in track 2. */
    private static Map<Integer, String> swipe(final String pan, final long amount, final String stan)
    {
        final Map<Integer, String> m = purchase(pan, amount, stan, "TERM0001", "MERCHANT0000001");
        m.remove(2);
        m.remove(7);
        m.put(22, "021");
        m.put(35, pan + "=30122011143804400000");
        m.put(49, "156");
        m.put(60, "22" + "000001");
        return m;
    }

    @Test
    void shouldRefuseAMissingJournalOrABadDateInOneLine(@TempDir final Path dir) throws IOException
    {
        final Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals("interchange clearing: " + empty + " is not a journal: it holds no Chronicle Queue files (*.cq4)",
            Cli.run("clearing", "--date", "2026-03-11", "--journal", empty.toString(), "--out", dir.toString()).expectInputError().errLine());
        final Path notJournal = Files.createDirectory(dir.resolve("not-a-journal"));
        Files.writeString(notJournal.resolve("notes.txt"), "not a queue");
        assertEquals("interchange clearing: " + notJournal + " is not a journal: it holds no Chronicle Queue files (*.cq4)",
            Cli.run("clearing", "--date", "2026-03-11", "--journal", notJournal.toString(), "--out", dir.toString()).expectInputError().errLine());
        final Path missing = dir.resolve("no-journal");
        assertEquals("interchange clearing: no journal at " + missing,
            Cli.run("clearing", "--date", "2026-03-11", "--journal", missing.toString(), "--out", dir.toString()).expectInputError().errLine());
        assertEquals("interchange clearing: --date must be YYYY-MM-DD, got '11/03/2026'",
            Cli.run("clearing", "--date", "11/03/2026", "--journal", missing.toString()).expectInputError().errLine());
        assertTrue(Cli.run("clearing", "--journal", missing.toString()).expectInputError().errLine().contains("--date"));
    }

    private static Map<Integer, String> network(final String stan)
    {
        final Map<Integer, String> m = new HashMap<>();
        m.put(7, ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7));
        m.put(11, stan);
        m.put(70, "001");
        return m;
    }

    /** A card-not-swiped purchase (no track 2, no PIN) in US dollars. */
    private static Map<Integer, String> purchase(final String pan, final long amount, final String stan, final String terminal, final String merchant)
    {
        final ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        final Map<Integer, String> m = new HashMap<>();
        m.put(2, pan);
        m.put(3, "000000");
        m.put(4, String.format("%012d", amount));
        m.put(7, now.format(FIELD_7));
        m.put(11, stan);
        m.put(12, now.format(DateTimeFormatter.ofPattern("HHmmss")));
        m.put(13, now.format(DateTimeFormatter.ofPattern("MMdd")));
        m.put(14, "3012");
        m.put(22, "012");
        m.put(25, "00");
        m.put(41, terminal);
        m.put(42, merchant);
        m.put(49, "840");
        return m;
    }

    /** An 0400 of {@code original} with its own STAN, field 90 naming the original MTI, STAN and field 7. */
    private static Map<Integer, String> reversal(final Map<Integer, String> original, final String stan, final String mti, final String originalStan)
    {
        final Map<Integer, String> m = new HashMap<>(original);
        m.remove(12);
        m.remove(13);
        m.remove(14);
        m.remove(22);
        m.put(7, ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7));
        m.put(11, stan);
        m.put(90, mti + originalStan + original.get(7) + "0".repeat(22));
        return m;
    }

    /** The checked-in file with the day's dates put in. */
    private static String expected(final String file, final LocalDate day, final SwitchConfig config) throws IOException
    {
        try (InputStream in = ClearingSystemTest.class.getResourceAsStream(RESOURCES + file))
        {
            assertTrue(in != null, "no expected " + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${DATE}", day.toString())
                .replace("${VALUE_DATE}", day.plusDays(config.clearing().valueDateDays()).toString());
        }
    }

    /** The file with what the clock decides starred: each row's time, the switch's RRNs, the count of journal records. */
    private static String normalized(final String file, final String text)
    {
        if (!file.endsWith(".csv"))
        {
            return text.replaceAll("Journal records read: (<[^>]*>)?\\d+", "Journal records read: $1*");
        }
        final List<String> lines = new ArrayList<>(text.lines().toList());
        final List<String> header = Arrays.asList(lines.get(0).split(","));
        final int time = header.indexOf("time");
        final int rrn = header.indexOf("rrn");
        for (int i = 1; i < lines.size(); i++)
        {
            final List<String> cells = new ArrayList<>(Arrays.asList(lines.get(i).split(",", -1)));
            if (time >= 0)
            {
                cells.set(time, "*");
            }
            if (rrn >= 0 && !cells.get(rrn).isEmpty())
            {
                cells.set(rrn, "*");
            }
            lines.set(i, String.join(",", cells));
        }
        return String.join("\n", lines) + "\n";
    }

    private static byte[][] contents(final Path folder) throws IOException
    {
        final byte[][] all = new byte[FILES.size() + 1][];
        for (int i = 0; i < FILES.size(); i++)
        {
            all[i] = Files.readAllBytes(folder.resolve(FILES.get(i)));
        }
        all[FILES.size()] = Files.readAllBytes(folder.resolve("manifest.json"));
        return all;
    }

    private static String sha256(final byte[] bytes) throws Exception
    {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Every file under {@code dir} with the SHA-256 of its bytes. */
    private static Map<Path, String> snapshot(final Path dir) throws IOException
    {
        final Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir))
        {
            for (final Path file : walk.filter(Files::isRegularFile).toList())
            {
                files.put(dir.relativize(file), sha256(Files.readAllBytes(file)));
            }
        }
        catch (final Exception ex)
        {
            throw new IOException(ex);
        }
        return files;
    }
}
