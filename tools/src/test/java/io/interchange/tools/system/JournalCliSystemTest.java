package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.Mti;
import io.interchange.codec.Pan;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.Cli;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.journal.RecordView;

/**
 * {@code interchange journal} on a small scripted journal: a switch on the embedded defaults, two issuer simulators and
 * one terminal that signs on and makes four purchases (three approved, at two issuers, and one declined 58). Then cat,
 * its filters, stats and export are checked against what was sent, no output holds a card number or track 2 in clear,
 * verify passes, and replay re-drives the requests to a second switch, which answers every one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalCliSystemTest
{
    private static final String TERMINAL = "TERM0001";

    private IssuerSimulator issuerA;
    private IssuerSimulator issuerB;
    private SwitchConfig config;
    private Path journal;
    /** The purchases' card numbers and track 2s by their STAN, in the order sent. */
    private final Map<String, String> pans = new LinkedHashMap<>();
    private final List<String> secrets = new ArrayList<>();
    private String declinedStan;
    private int requests;

    @BeforeAll
    void journalAScriptedDay(@TempDir final Path dir) throws Exception
    {
        final CardBook bookA = CardBook.generate(41, List.of("476173"), 100);
        final CardBook bookB = CardBook.generate(42, List.of("622848"), 100);
        final Cardholders cardsA = new Cardholders(bookA);
        final Cardholders cardsB = new Cardholders(bookB);
        issuerA = new IssuerSimulator(bookA, IssuerSimConfig.defaults()).start();
        issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
        journal = dir.resolve("journal");
        config = configWithJournal(journal);
        try (SwitchNode node = started(config); TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
        {
            assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("001")).getString(39));
            requests++;
            purchase(terminal, cardsA, cardsA.payer(1_000), 1_000, null, "00");
            purchase(terminal, cardsA, cardsA.payer(2_500), 2_500, null, "00");
            purchase(terminal, cardsB, cardsB.payer(700), 700, null, "00");
            // TERM0003 is MERCHANT0000002's, not MERCHANT0000001's: 58.
            declinedStan = purchase(terminal, cardsA, cardsA.payer(1_200), 1_200, "TERM0003", "58");
        }
    }

    @AfterAll
    void stop()
    {
        issuerA.close();
        issuerB.close();
    }

    @Test
    void shouldCatEveryRecordDecodedWithItsKeyFieldsAndThePanMasked()
    {
        final Cli.Result cat = journal("cat").expectSuccess();
        System.out.println(cat);
        assertNoCardData(cat.out());
        final List<String> lines = cat.out().lines().toList();
        for (final Map.Entry<String, String> purchase : pans.entrySet())
        {
            final String stan = purchase.getKey();
            final List<String> request = grep(lines, "mti=0200", "stan=" + stan + " ");
            assertEquals(1, request.size(), cat::toString);
            final String line = request.get(0);
            assertTrue(line.contains(" event=ACQUIRER_MESSAGE "), line);
            assertTrue(line.contains(" endpoint=pos-iso87 "), line);
            assertTrue(line.contains(" pan=" + Pan.mask(purchase.getValue()) + " "), line);
            assertTrue(line.contains(" currency=840 "), line);
            assertTrue(line.contains(" merchant=MERCHANT0000001 "), line);
            if (stan.equals(declinedStan))
            {
                assertTrue(line.contains(" terminal=TERM0003 ") && line.contains(" rc=58 ") && line.contains(" outcome=ANSWERED"), line);
                continue;
            }
            assertTrue(line.contains(" terminal=TERM0001 ") && line.contains(" out=0200 ") && line.contains(" outcome=FORWARDED"), line);
            final String issuer = purchase.getValue().startsWith("476173") ? "issuer-a" : "issuer-b";
            assertTrue(line.endsWith(" issuer=" + issuer), line);
            // The issuer's answer, relayed: shown with the terminal's STAN, not the switch's.
            final List<String> answer = grep(lines, "event=ISSUER_MESSAGE", "mti=0210", "stan=" + stan + " ");
            assertEquals(1, answer.size(), cat::toString);
            final String relayed = answer.get(0);
            assertTrue(relayed.contains(" out=0210 ") && relayed.contains(" rc=00 ") && relayed.contains(" outcome=RELAYED"), relayed);
        }
        assertEquals(1, grep(lines, "amount=000000002500").stream().filter(l -> l.contains("mti=0200")).count(), cat::toString);
    }

    @Test
    void shouldFilterByTerminalMerchantStanRrnResponseCodeAndTime()
    {
        final List<String> byTerminal = journal("cat", "--terminal", "TERM0003").expectSuccess().out().lines().toList();
        assertEquals(1, byTerminal.size(), byTerminal::toString);
        assertTrue(byTerminal.get(0).contains(" stan=" + declinedStan + " ") && byTerminal.get(0).contains(" rc=58 "), byTerminal::toString);
        assertEquals(byTerminal, journal("cat", "--rc", "58").expectSuccess().out().lines().toList());

        final String firstStan = pans.keySet().iterator().next();
        final List<String> byStan = journal("cat", "--stan", Integer.toString(Integer.parseInt(firstStan))).expectSuccess().out().lines().toList();
        assertEquals(2, byStan.size(), "the request and the answer relayed: " + byStan);
        assertTrue(byStan.stream().allMatch(l -> l.contains(" stan=" + firstStan + " ")), byStan::toString);

        final String rrn = field(byStan.get(1), "rrn");
        final List<String> byRrn = journal("cat", "--rrn", rrn).expectSuccess().out().lines().toList();
        assertFalse(byRrn.isEmpty());
        assertTrue(byRrn.stream().allMatch(l -> l.contains(" rrn=" + rrn + " ")), byRrn::toString);

        final List<String> byMerchant = journal("cat", "--merchant", "MERCHANT0000001", "--response-code", "00").expectSuccess().out().lines().toList();
        assertEquals(3, byMerchant.size(), "three approvals relayed: " + byMerchant);

        final String all = journal("cat").expectSuccess().out();
        final List<String> lines = all.lines().toList();
        final String first = field(lines.get(0), "time");
        final String last = field(lines.get(lines.size() - 1), "time");
        assertEquals(lines, journal("cat", "--from", first).out().lines().toList());
        assertEquals(lines.subList(0, lines.size() - 1), journal("cat", "--until", last).out().lines().toList());
        final Cli.Result none = journal("cat", "--from", "2099-01-01T00:00:00Z");
        assertEquals(0, none.exitCode(), none::toString);
        assertEquals("", none.out(), "nothing on stdout for a script");
        assertEquals("no record matched (" + lines.size() + " read)", none.err().strip(), "and a word for a person");
        assertEquals(lines, journal("cat", "--date", day()).expectSuccess().out().lines().toList());
    }

    @Test
    void shouldPrintEachMessageFieldByFieldWithoutCardData()
    {
        final Cli.Result cat = journal("cat", "--messages", "--terminal", "TERM0003").expectSuccess();
        assertNoCardData(cat.out());
        assertTrue(cat.out().contains("MTI      0200"), cat::toString);
        assertTrue(cat.out().contains("MTI      0210"), cat::toString);
        assertTrue(cat.out().contains("\"TERM0003\""), cat::toString);
        assertTrue(cat.out().contains(Pan.mask(pans.get(declinedStan))), cat::toString);
    }

    @Test
    void shouldCountByMtiResponseCodeAndLinkAndRequestsPerSecond()
    {
        final Cli.Result stats = journal("stats").expectSuccess();
        assertNoCardData(stats.out());
        final String out = stats.out();
        assertTrue(out.contains("records: ") && out.contains(", 0 corrupt"), out);
        assertEquals(4, count(out, "by input MTI", "0200"), out);
        assertEquals(1, count(out, "by input MTI", "0800"), out);
        assertEquals(3, count(out, "by input MTI", "0210"), out);
        assertEquals(1, count(out, "by response code", "58"), out);
        assertTrue(section(out, "by link").contains("pos-iso87 link "), out);
        assertTrue(section(out, "by link").contains("issuer-b link "), out);
        assertTrue(out.contains("requests " + requests + " over "), out);

        final String perMinute = journal("stats", "--per", "minute").expectSuccess().out();
        assertTrue(perMinute.contains("acquirer requests per minute (TPS)"), perMinute);
        assertTrue(perMinute.contains("requests " + requests + " over "), perMinute);
        assertTrue(journal("stats", "--terminal", "TERM0003").expectSuccess().out().contains("requests 1 over "));
    }

    @Test
    void shouldExportTheSameBytesEveryTimeAsCsvAndJson(@TempDir final Path dir) throws Exception
    {
        final int records = journal("cat").out().lines().toList().size();

        final Cli.Result csv = journal("export", "--format", "csv").expectSuccess();
        assertNoCardData(csv.out());
        final List<String> rows = csv.out().lines().toList();
        assertEquals(String.join(",", RecordView.COLUMNS), rows.get(0));
        assertEquals(records, rows.size() - 1);
        assertTrue(csv.out().endsWith("\n") && !csv.out().contains("\r"));
        assertTrue(rows.stream().anyMatch(r -> r.contains("," + Pan.mask(pans.get(declinedStan)) + ",") && r.contains(",TERM0003,") &&
            r.contains(",58,ANSWERED,")), csv::toString);
        assertEquals(csv.out(), journal("export").expectSuccess().out(), "csv is the default, and the same bytes again");

        final Path file = dir.resolve("journal.csv");
        journal("export", "--format", "csv", "--out", file.toString()).expectSuccess();
        assertEquals(csv.out(), Files.readString(file, StandardCharsets.UTF_8));

        final Cli.Result json = journal("export", "--format", "json").expectSuccess();
        assertNoCardData(json.out());
        assertTrue(json.out().startsWith("[\n{\"index\": \"0x") && json.out().endsWith("}\n]\n"), json::toString);
        assertEquals(records, json.out().lines().filter(l -> l.startsWith("{\"index\": ")).count());
        assertTrue(json.out().contains("\"pan\": \"" + Pan.mask(pans.get(declinedStan)) + "\""), json::toString);
        assertEquals(json.out(), journal("export", "--format", "json").out());
    }

    @Test
    void shouldVerifyTheJournalByChecksumsAndReplay()
    {
        final Cli.Result verify = journal("verify").expectSuccess();
        assertTrue(verify.out().contains("all valid"), verify::toString);
        assertTrue(verify.out().contains("outputs equal byte for byte"), verify::toString);
        assertTrue(verify.out().endsWith("OK" + System.lineSeparator()), verify::toString);
    }

    @Test
    void shouldSayTheConfigDoesNotFitTheJournalWhenItsListenersAreInAnotherOrder(@TempDir final Path dir) throws Exception
    {
        // The journal names each message's listener by its place in the list: replayed under these, pos-iso87's would be pos-cups's.
        final Cli.Result verify = verifyUnder(dir, listener("pos-cups", 8584, "cups", "unionpay-pos", "10000002"),
            listener("pos-iso87", 8583, "iso87b", "binary-2", "10000001"));
        assertEquals(1, verify.exitCode(), verify::toString);
        assertTrue(verify.out().contains("FAILED: the config does not fit the journal: listeners: the journal's run started "), verify::toString);
        assertTrue(verify.out().contains("this config's first 2 (pos-cups, pos-iso87) are not those, in that order"), verify::toString);
    }

    @Test
    void shouldNameTheFirstDivergenceWhenTheReplayForwardsOtherwise(@TempDir final Path dir) throws Exception
    {
        // Under another acquirer id for pos-iso87 the switch would have forwarded the purchase with another field 32. (Under
        // other limits it would not decide otherwise: replay takes the verdicts drawn from settings from the journal.)
        final Cli.Result verify = verifyUnder(dir, listener("pos-iso87", 8583, "iso87b", "binary-2", "10000009"),
            listener("pos-cups", 8584, "cups", "unionpay-pos", "10000002"));
        assertEquals(1, verify.exitCode(), verify::toString);
        assertTrue(verify.out().contains("all valid"), verify::toString);
        assertTrue(verify.out().contains("first divergence: output 0 differs"), verify::toString);
        final List<String> lines = verify.out().lines().toList();
        final String original = lines.stream().filter(l -> l.startsWith("  journal: ")).findFirst().orElseThrow();
        final String replayed = lines.stream().filter(l -> l.startsWith("  replay:  ")).findFirst().orElseThrow();
        assertTrue(original.contains(" mti=0200 ") && original.contains(" outcome=FORWARDED"), original);
        assertEquals(original.substring("  journal: ".length()), replayed.substring("  replay:  ".length()),
            "the same decision: only the forwarded bytes differ");
        assertTrue(verify.out().contains("FAILED: the replay"), verify::toString);
        assertNoCardData(verify.out());
    }

    @Test
    void shouldReplayTheRequestsToASecondSwitchWhichAnswersThemAll(@TempDir final Path dir) throws Exception
    {
        final SwitchConfig second = configWithJournal(dir.resolve("journal"));
        final Cli.Result replay;
        try (SwitchNode node = started(second))
        {
            replay = journal("replay", "--to", "127.0.0.1:" + node.port("pos-iso87"), "--speed", "2");
        }
        System.out.println(replay);
        replay.expectSuccess();
        assertNoCardData(replay.out());
        assertTrue(replay.out().contains("replayed " + requests + " requests of listener pos-iso87"), replay::toString);
        assertTrue(replay.out().contains(": " + requests + " answered"), replay::toString);
        assertTrue(replay.out().contains("58 1"), replay::toString);

        // The second switch journaled each purchase again, with the same card.
        final List<String> replayedPurchases = new ArrayList<>();
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(second)))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                if (record.eventType() == EventType.ACQUIRER_MESSAGE && record.hasInput() && record.hasPan(JournalRecord.INPUT))
                {
                    replayedPurchases.add(record.toString());
                }
            }
        }
        assertEquals(pans.size(), replayedPurchases.size(), "purchases journaled by the second switch");
    }

    @Test
    void shouldRefuseWhatIsNotAJournalInOneLine(@TempDir final Path dir) throws Exception
    {
        assertTrue(Cli.run("journal", "cat", "--journal", dir.resolve("absent").toString()).expectInputError().errLine()
            .contains("no journal at " + dir.resolve("absent") + ": the directory does not exist"));
        assertTrue(Cli.run("journal", "verify", "--journal", dir.toString()).expectInputError().errLine()
            .contains(dir + " is not a journal: it holds no Chronicle Queue files"));
        final Path file = Files.writeString(dir.resolve("file"), "x");
        assertTrue(Cli.run("journal", "stats", "--journal", file.toString()).expectInputError().errLine().contains("is not a journal"));
        assertTrue(journal("cat", "--date", "2001-01-01").expectInputError().errLine().contains("holds no records of business day 2001-01-01"));
        assertTrue(journal("cat", "--date", "yesterday").expectInputError().errLine().contains("is not a date"));
        assertTrue(journal("cat", "--from", "noon").expectInputError().errLine().contains("--from noon is not a time"));
        assertTrue(journal("export", "--format", "xml").expectInputError().errLine().contains("csv or json"));
        assertTrue(journal("stats", "--per", "hour").expectInputError().errLine().contains("second or minute"));
        assertTrue(journal("replay", "--to", "10.1.2.3:8583").expectInputError().errLine().contains("only to a loopback address"));
        assertTrue(journal("replay", "--to", "127.0.0.1:8583", "--listener", "pos-cups").expectInputError().errLine()
            .contains("ISO 8583:1987 listeners only"));
        assertEquals(2, Cli.run("journal").exitCode());
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            // Accepted by the backlog, never answered: the sign-on times out and nothing is sent.
            assertTrue(journal("replay", "--to", "127.0.0.1:" + silent.getLocalPort(), "--timeout", "1").expectInputError().errLine()
                .contains("did not accept the sign-on: no answer within 1000 ms"));
            // A duration, as load's and issuer-sim's: it once took whole seconds only, and 300ms was a usage error.
            assertTrue(journal("replay", "--to", "127.0.0.1:" + silent.getLocalPort(), "--timeout", "300ms").expectInputError().errLine()
                .contains("did not accept the sign-on: no answer within 300 ms"));
        }
        assertTrue(journal("replay", "--to", "127.0.0.1:8583", "--timeout", "5x").expectInputError().errLine().contains("--timeout: "));

        final Path otherKeys = Files.writeString(dir.resolve("other-keys.conf"), "interchange { keys { "
            + "pan-encryption = \"" + "11".repeat(32) + "\", pan-hash = \"" + "22".repeat(32) + "\" } }\n");
        assertTrue(journal("cat", "--config", otherKeys.toString()).expectInputError().errLine()
            .contains("does not decrypt under the config's pan-encryption key"));
        assertTrue(journal("verify", "--config", otherKeys.toString()).expectInputError().errLine().contains("does not decrypt under this key"));
        // Clearing met the same as an internal error: a fault in the tool, exit 1.
        assertTrue(Cli.run("clearing", "--date", day(), "--config", otherKeys.toString(), "--journal", journal.toString(), "--out",
            dir.resolve("clearing").toString()).expectInputError().errLine().contains("does not decrypt under the config's keys.pan-encryption"));
    }

    @Test
    void shouldRefuseQueueFilesThatAreNotAJournalInOneLine(@TempDir final Path dir) throws Exception
    {
        // Chronicle Queue's own failures on files of its kind that are not its were internal errors with its messages.
        final Path stray = Files.createDirectories(dir.resolve("stray"));
        Files.writeString(stray.resolve("notes.cq4"), "");
        assertTrue(Cli.run("journal", "cat", "--journal", stray.toString()).expectInputError().errLine()
            .contains(stray + " cannot be read as a journal: "));
        final Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("20260310F.cq4"), "hello, not a queue");
        assertTrue(Cli.run("journal", "verify", "--journal", foreign.toString()).expectInputError().errLine()
            .contains(foreign + " cannot be read as a journal: "));
        assertTrue(Cli.run("clearing", "--date", "2026-03-10", "--journal", foreign.toString(), "--out", dir.resolve("clearing").toString())
            .expectInputError().errLine().contains("cannot read the journal at " + foreign));

        // A queue without a record (a start that never wrote its first): verify said OK, cat and export nothing, exit 0.
        final Path empty = dir.resolve("empty");
        try (SingleChronicleQueue queue = ChronicleQueue.singleBuilder(empty).rollCycle(RollCycles.FAST_DAILY).epoch(0).build();
             ExcerptAppender appender = queue.createAppender();
             DocumentContext document = appender.writingDocument())
        {
            document.rollbackOnClose();
        }
        for (final String command : List.of("verify", "cat", "export"))
        {
            assertEquals("interchange journal " + command + ": " + empty + " is not a journal: its Chronicle Queue files hold no record",
                Cli.run("journal", command, "--journal", empty.toString()).expectInputError().errLine());
        }
    }

    @Test
    void shouldWriteAnExportWholeOrNotAtAll(@TempDir final Path dir) throws Exception
    {
        final Path file = Files.writeString(dir.resolve("journal.csv"), "the last export\n");
        final Path otherKeys = Files.writeString(dir.resolve("other-keys.conf"), "interchange { keys { "
            + "pan-encryption = \"" + "11".repeat(32) + "\", pan-hash = \"" + "22".repeat(32) + "\" } }\n");
        assertTrue(journal("export", "--config", otherKeys.toString(), "--out", file.toString()).expectInputError().errLine()
            .contains("does not decrypt"));
        assertEquals("the last export\n", Files.readString(file), "an export that stopped half way leaves the last one as it was");
        assertTrue(Cli.run("journal", "export", "--journal", dir.resolve("absent").toString(), "--out", file.toString()).expectInputError()
            .errLine().contains("no journal at"));
        assertEquals("the last export\n", Files.readString(file), "and so does one that could not start");
        try (Stream<Path> files = Files.list(dir))
        {
            assertEquals(List.of("journal.csv", "other-keys.conf"), files.map(f -> f.getFileName().toString()).sorted().toList(), "nothing half written");
        }

        // A file that could not be opened was an internal error.
        final Path nowhere = dir.resolve("absent").resolve("journal.csv");
        assertEquals("interchange journal export: --out " + nowhere + ": the directory " + nowhere.getParent() + " does not exist",
            journal("export", "--out", nowhere.toString()).expectInputError().errLine());
        assertTrue(journal("export", "--out", dir.toString()).expectInputError().errLine().contains("is a directory"));

        journal("export", "--out", file.toString()).expectSuccess();
        assertEquals(journal("export").expectSuccess().out(), Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void shouldSayWhenARecordReadIsCorruptAndExitOne(@TempDir final Path dir) throws Exception
    {
        // A copy of the journal with the checksum of the declined purchase's record broken (TERM0003's, request and answer).
        final Path damaged = dir.resolve("damaged");
        DamagedJournal.copy(journal, damaged);
        long index = -1;
        byte[] bytes = null;
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            while (reader.next())
            {
                final byte[] record = new byte[reader.record().length()];
                reader.record().buffer().getBytes(0, record);
                if (Bytes.contains(record, "TERM0003".getBytes(StandardCharsets.US_ASCII)))
                {
                    assertNull(bytes, "one record of TERM0003");
                    index = reader.record().index();
                    bytes = record;
                }
            }
        }
        DamagedJournal.flipByteInside(damaged, bytes, bytes.length / 2);
        final String corrupt = "1 record read is corrupt (checksum does not hold), the first at index 0x" + Long.toHexString(index);

        // Shown, counted or exported as before, but the exit code was 0 and stderr silent: a script took it for a clean read.
        final Cli.Result cat = Cli.run("journal", "cat", "--journal", damaged.toString());
        assertEquals(1, cat.exitCode(), cat::toString);
        assertTrue(cat.out().contains(" CORRUPT record 0x" + Long.toHexString(index) + ": "), cat::toString);
        assertEquals("interchange journal cat: " + corrupt, cat.errLine());
        // A filter cannot tell whether the damaged record was one it wanted: said all the same.
        final Cli.Result filtered = Cli.run("journal", "cat", "--journal", damaged.toString(), "--terminal", TERMINAL);
        assertEquals(1, filtered.exitCode(), filtered::toString);
        assertEquals("interchange journal cat: " + corrupt, filtered.errLine());
        final Cli.Result stats = Cli.run("journal", "stats", "--journal", damaged.toString());
        assertEquals(1, stats.exitCode(), stats::toString);
        assertTrue(stats.out().contains(", 1 corrupt"), stats::toString);
        assertEquals("interchange journal stats: " + corrupt, stats.errLine());
        final Path csv = dir.resolve("damaged.csv");
        final Cli.Result export = Cli.run("journal", "export", "--journal", damaged.toString(), "--out", csv.toString());
        assertEquals(1, export.exitCode(), export::toString);
        assertEquals("interchange journal export: " + corrupt, export.errLine());
        assertTrue(Files.readString(csv).contains("0x" + Long.toHexString(index) + ","), "the export is written, the record in it");

        // Clearing writes the day, the record among its exceptions, and exits 1: a sale may be missing from the files.
        final Cli.Result clearing = Cli.run("clearing", "--date", day(), "--journal", damaged.toString(), "--out", dir.resolve("clearing").toString());
        assertEquals(1, clearing.exitCode(), clearing::toString);
        assertEquals("interchange clearing: 1 record of the day is corrupt (checksum does not hold) and left out, the first at index 0x" +
            Long.toHexString(index) + " (see exceptions.csv)", clearing.errLine());
        assertTrue(Files.readString(dir.resolve("clearing").resolve(day()).resolve("exceptions.csv")).contains("corrupt-record"), clearing::toString);

        // Replay skipped it without a word: every other request is sent and answered, the damaged one counted.
        final Cli.Result replay;
        try (SwitchNode node = started(configWithJournal(dir.resolve("second"))))
        {
            replay = Cli.run("journal", "replay", "--journal", damaged.toString(), "--to", "127.0.0.1:" + node.port("pos-iso87"), "--speed", "0");
        }
        assertEquals(1, replay.exitCode(), replay::toString);
        assertTrue(replay.out().contains("replayed " + (requests - 1) + " requests of listener pos-iso87"), replay::toString);
        assertTrue(replay.out().contains(", 1 corrupt (checksum does not hold)"), replay::toString);
        assertEquals("interchange journal replay: " + corrupt, replay.errLine());
        assertNoCardData(cat.out() + stats.out() + Files.readString(csv) + replay.out());
    }

    @Test
    void shouldRefuseAJournalWithADamagedRecordHeaderInOneLineAndExitOne(@TempDir final Path dir) throws Exception
    {
        // Chronicle Queue reads a zeroed excerpt header as the end of the journal: verify passed on the records before it.
        final Path damaged = dir.resolve("damaged");
        DamagedJournal.copy(journal, damaged);
        final long[] indexes = DamagedJournal.indexes(damaged);
        final long index = indexes[3];
        final String named = "the journal is damaged: " + DamagedJournal.zeroHeaderOf(damaged, index) + ", record 0x" + Long.toHexString(index) +
            ": its header (0x00000000) is zero, yet the writer completed records up to the one at byte ";

        for (final String command : List.of("verify", "cat", "stats"))
        {
            final Cli.Result result = Cli.run("journal", command, "--journal", damaged.toString());
            assertDamaged(result, "interchange journal " + command + ": " + named);
        }
        assertDamaged(Cli.run("clearing", "--date", day(), "--journal", damaged.toString(), "--out", dir.resolve("clearing").toString()),
            "interchange clearing: " + named);

        // Its first record's header: "not a journal", as for queue files without a record, where it is a damaged one.
        final Path first = dir.resolve("first");
        DamagedJournal.copy(journal, first);
        final String named0 = DamagedJournal.zeroHeaderOf(first, indexes[0]);
        assertDamaged(Cli.run("journal", "verify", "--journal", first.toString()), "interchange journal verify: the journal is damaged: " +
            named0 + ", record 0x" + Long.toHexString(indexes[0]) + ": ");
    }

    private static void assertDamaged(final Cli.Result result, final String line)
    {
        assertEquals(1, result.exitCode(), result::toString);
        assertEquals(1, result.err().lines().count(), () -> "one line on stderr: " + result);
        assertTrue(result.errLine().startsWith(line), result::toString);
        assertFalse(result.err().contains("\tat "), result::toString);
    }

    /** The business day the scripted journal's records are in. */
    private String day()
    {
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            assertTrue(reader.next());
            return reader.record().businessDay().toString();
        }
    }

    /** {@code journal verify} under the default config with these listeners, in this order. */
    private Cli.Result verifyUnder(final Path dir, final String... listeners) throws IOException
    {
        final Path config = Files.writeString(dir.resolve("listeners.conf"), "interchange.listeners = [\n" + String.join("\n", listeners) + "\n]\n");
        return journal("verify", "--config", config.toString());
    }

    /** A listener on 127.0.0.1, as the default config has them. */
    private static String listener(final String name, final int port, final String dialect, final String framing, final String acquirerId)
    {
        return "{ name = \"%s\", host = \"127.0.0.1\", port = %d, dialect = \"%s\", framing = \"%s\", acquirer-id = \"%s\", "
            .formatted(name, port, dialect, framing, acquirerId) + "allow = [\"127.0.0.1/32\"], idle-timeout = 120s, max-frame = 4096, mac = false }";
    }

    private Cli.Result journal(final String command, final String... args)
    {
        final List<String> all = new ArrayList<>(List.of("journal", command, "--journal", journal.toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(new String[0]));
    }

    private String purchase(
        final TestTerminal terminal, final Cardholders cards, final CardAccount card, final long amount, final String terminalId,
        final String expected) throws Exception
    {
        final Map<Integer, String> purchase = cards.purchase(card, amount);
        if (terminalId != null)
        {
            purchase.put(41, terminalId);
        }
        // Each test terminal's STANs count from 1: one Cardholders per book would repeat them.
        final String stan = String.format("%06d", 100 + requests);
        purchase.put(11, stan);
        assertEquals(expected, terminal.exchange(Mti.FINANCIAL_REQUEST, purchase).getString(39));
        requests++;
        pans.put(stan, card.pan());
        secrets.add(card.pan());
        secrets.add(purchase.get(35));
        secrets.add(Cardholders.PIN_BLOCK);
        return stan;
    }

    private SwitchConfig configWithJournal(final Path dir)
    {
        return LoopbackConfig.of(SwitchConfig.defaults(), issuerA.port(), issuerB.port(), dir);
    }

    private static SwitchNode started(final SwitchConfig config) throws InterruptedException
    {
        final SwitchNode node = SwitchNode.start(config);
        Awaiting.until(Duration.ofSeconds(20), () -> node.signedOnLinks("issuer-a") == 2 && node.signedOnLinks("issuer-b") == 2,
            "issuer links signed on");
        return node;
    }

    private void assertNoCardData(final String output)
    {
        assertFalse(secrets.isEmpty());
        for (final String secret : secrets)
        {
            assertFalse(output.contains(secret), "card data in clear in the output");
        }
        for (final String pan : pans.values())
        {
            // The digits between the first six and the last four, in any layout.
            assertFalse(output.replace(" ", "").contains(pan.substring(6, pan.length() - 4) + pan.substring(pan.length() - 4)),
                "PAN digits in the output");
        }
    }

    private static List<String> grep(final List<String> lines, final String... parts)
    {
        return lines.stream().filter(l -> List.of(parts).stream().allMatch(l::contains)).toList();
    }

    private static String field(final String line, final String name)
    {
        final int at = line.indexOf(" " + name + "=");
        final int start = line.indexOf(name + "=") == 0 ? name.length() + 1 : at + name.length() + 2;
        final int end = line.indexOf(' ', start);
        return end < 0 ? line.substring(start) : line.substring(start, end);
    }

    /** The count on the line of {@code key} in the table under {@code title}; -1 when there is none. */
    private static long count(final String out, final String title, final String key)
    {
        return section(out, title).lines().map(String::strip).filter(l -> l.startsWith(key + " "))
            .mapToLong(l -> Long.parseLong(l.substring(key.length()).strip())).findFirst().orElse(-1);
    }

    private static String section(final String out, final String title)
    {
        final int start = out.indexOf(title + System.lineSeparator());
        final int end = out.indexOf(System.lineSeparator() + System.lineSeparator(), start);
        return end < 0 ? out.substring(start) : out.substring(start, end);
    }
}
