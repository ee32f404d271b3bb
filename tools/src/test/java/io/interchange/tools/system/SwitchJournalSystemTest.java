package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.replay.Replayer;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;

/**
 * What the journal holds after real traffic: a record per event with a valid checksum, no card data in clear
 * anywhere in its files, and inputs that replayed through a new switch handler give the same outputs.
 */
class SwitchJournalSystemTest
{
    @Test
    void shouldJournalEveryEventProtectedAndReplayableByteForByte(@TempDir final Path dir) throws Exception
    {
        final CardBook bookA = CardBook.generate(31, List.of("476173"), 100);
        final CardBook bookB = CardBook.generate(32, List.of("622848"), 100);
        final Cardholders cards = new Cardholders(bookA);
        final List<String> pans = new ArrayList<>();
        final List<String> tracks = new ArrayList<>();
        final SwitchConfig config;
        int sent = 0;
        try (IssuerSimulator issuerA = new IssuerSimulator(bookA, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start())
        {
            config = LoopbackConfig.of(SwitchConfig.defaults(), issuerA.port(), issuerB.port(), dir.resolve("journal"));
            try (SwitchNode node = SwitchNode.start(config))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2 && node.signedOnLinks("issuer-b") == 2,
                    "issuer links signed on");
                try (TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
                {
                    assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39));
                    sent++;
                    for (int i = 0; i < 5; i++)
                    {
                        final CardAccount card = cards.payer(1_000 + i);
                        final Map<Integer, String> purchase = cards.purchase(card, 1_000 + i);
                        pans.add(card.pan());
                        tracks.add(purchase.get(35));
                        assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, purchase).getString(39));
                        sent++;
                        final Map<Integer, String> declined = cards.purchase(card, 1_000);
                        declined.put(41, "TERM0003");
                        assertEquals("58", terminal.exchange(Mti.FINANCIAL_REQUEST, declined).getString(39));
                        sent++;
                    }
                }
            }
        }

        final JournalConfig journal = SwitchNode.journalConfig(config);
        int acquirerMessages = 0;
        int issuerMessages = 0;
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                assertTrue(record.checksumValid(), "checksum of " + record);
                if (record.eventType() == EventType.ACQUIRER_MESSAGE)
                {
                    acquirerMessages++;
                    assertTrue(record.outputCount() >= 1, "every acquirer request is answered or forwarded: " + record);
                }
                if (record.eventType() == EventType.ISSUER_MESSAGE)
                {
                    issuerMessages++;
                }
            }
            assertEquals(0, reader.corruptRecords());
        }
        assertEquals(sent, acquirerMessages, "one record per acquirer message");
        assertEquals(5 + 4, issuerMessages, "five answers and the sign-on answers of four issuer links");

        final List<byte[]> secrets = new ArrayList<>();
        for (int i = 0; i < pans.size(); i++)
        {
            secrets.add(ascii(pans.get(i)));
            secrets.add(bcd(pans.get(i)));
            secrets.add(ascii(tracks.get(i)));
            secrets.add(bcd(tracks.get(i).replace('=', 'D')));
        }
        secrets.add(HexFormat.of().parseHex(Cardholders.PIN_BLOCK));
        secrets.add(ascii(Cardholders.PIN_BLOCK));
        try (Stream<Path> files = Files.walk(dir.resolve("journal")))
        {
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                final byte[] bytes = Files.readAllBytes(file);
                for (final byte[] secret : secrets)
                {
                    assertFalse(Bytes.contains(bytes, secret), "card data in clear in " + file.getFileName());
                }
            }
        }

        final JournalConfig replayed = new JournalConfig(dir.resolve("replay"), journal.durability(), journal.cutoff(), journal.zone(),
            journal.panEncryptionKey(), journal.panHashKey(), journal.dialects());
        final SwitchSetup setup = SwitchNode.setup(config, Dialects.all());
        final Replayer.Report report = Replayer.replay(SwitchNode.handler(config, setup), setup, journal, replayed);
        assertTrue(report.replayed() > sent, "replayed " + report);
        assertEquals(0, report.withheld());
        assertEquals(List.of(), Replayer.differences(journal, replayed, 10));
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] bcd(final String digits)
    {
        final String even = digits.length() % 2 == 0 ? digits : digits + "F";
        return HexFormat.of().parseHex(even);
    }

    @Test
    void shouldFindCardDataWhenItIsThereSoTheScanAboveMeansSomething()
    {
        final byte[] bytes = ("xx" + "4761739001010119" + "yy").getBytes(StandardCharsets.US_ASCII);
        assertTrue(Bytes.contains(bytes, ascii("4761739001010119")));
        assertTrue(Bytes.contains(HexFormat.of().parseHex("00476173900101011900"), bcd("4761739001010119")));
        assertFalse(Bytes.contains(bytes, bcd("4761739001010119")));
    }
}
