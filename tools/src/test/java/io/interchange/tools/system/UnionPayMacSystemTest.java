package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.DecodeError;
import io.interchange.codec.IccData;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.cups.WorkingKeys;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.replay.Replayer;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.switching.Decision;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;

/**
 * A UnionPay POS terminal on a listener that requires MACs: it signs on, unwraps the MAC key the switch sends in
 * field 62 with its master key, and MACs its purchase (the CUPS POS "ECB" MAC, computed here with plain JCE);
 * a message changed after its MAC was made is refused with A0 and never reaches the issuer. The keys it got hold
 * across a restart of the switch: the new one loads them from its journal. Its card data, PIN blocks under either key
 * and chip track data among it, is in neither the journal nor the log.
 */
class UnionPayMacSystemTest
{
    private static final String TERMINAL_MASTER_KEY = "6DC12CB58E2F9A112379C69F9CDF34CD"; // TERM0001's demo key
    private static final byte[] HEADER = HexFormat.of().parseHex("6000030000" + "603100310701");
    private static final String ISSUER_A_ZONE_PIN_KEY = "0123456789ABCDEFFEDCBA9876543210"; // issuer-a's demo zone PIN key
    private static final String MAC_LISTENER = """
        interchange.listeners = [
          { name = "pos-cups", host = "127.0.0.1", port = 0, dialect = "cups", framing = "unionpay-pos",
            acquirer-id = "10000002", allow = ["127.0.0.1/32"], idle-timeout = 120s, max-frame = 4096, mac = true }
        ]
        """;

    /** The defaults with a UnionPay POS listener that MACs, the issuers at these ports, journaling into {@code journal}. */
    private static SwitchConfig macConfig(final int issuerA, final int issuerB, final Path journal)
    {
        return SwitchConfig.parse(MAC_LISTENER, "mac.conf").withIssuerPort("issuer-a", issuerA).withIssuerPort("issuer-b", issuerB).withJournalDir(journal);
    }

    /** issuer-b, whose cards no test here uses, on cards of this seed. */
    private static IssuerSimulator issuerB(final long seed) throws Exception
    {
        return new IssuerSimulator(CardBook.generate(seed, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
    }

    /** A POS terminal on the node's UnionPay listener. */
    private static TestTerminal pos(final SwitchNode node) throws Exception
    {
        return new TestTerminal(node.port("pos-cups"), UnionPayPos.DIALECT, HEADER);
    }

    @Test
    void shouldApproveAProperlyMacedPurchaseAndRefuseATamperedOneWithA0(@TempDir final Path journal) throws Exception
    {
        final CardBook book = CardBook.generate(51, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = issuerB(52);
             SwitchNode node = SwitchNode.start(macConfig(issuerA.port(), issuerB.port(), journal));
             TestTerminal pos = pos(node))
        {
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on");
            final WorkingKeys keys = signOn(pos, cards);
            final byte[] mak = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, keys.macKey());
            assertEquals(HexFormat.of().formatHex(keys.macKeyCheck()).substring(0, 6),
                HexFormat.of().formatHex(des(mak, Cipher.ENCRYPT_MODE, new byte[8])).substring(0, 6), "the MAC key's check value");

            final CardAccount card = cards.payer(2_000);
            final byte[] message = macedSale(pos, cards, card, 2_000, mak);

            final byte[] tampered = message.clone();
            final MessageReader parsed = new MessageReader(UnionPayPos.DIALECT);
            parsed.wrap(tampered, 0, tampered.length);
            tampered[parsed.valueOffset(4) + 5] ^= 0x01; // the amount, one digit up or down
            pos.sendRaw(tampered);
            assertEquals("A0", pos.receive().getString(39));
            assertEquals(card.balance(), issuerA.account(card.pan()).orElseThrow().balance(), "not forwarded");

            pos.sendRaw(message);
            assertMacedAnswer(pos, mak, "00");
            assertEquals(card.balance() - 2_000, issuerA.account(card.pan()).orElseThrow().balance());

            final Map<Integer, String> unmaced = cards.purchase(cards.payer(1_000), 1_000);
            unmaced.remove(7);
            unmaced.put(49, "156");
            unmaced.put(60, "22" + "000001");
            assertEquals("A0", pos.exchange(Mti.FINANCIAL_REQUEST, unmaced).getString(39), "no MAC at all");
        }
    }

    @Test
    void shouldTranslateThePinBlockFromTheTerminalsKeyToTheIssuersZoneKey(@TempDir final Path journal) throws Exception
    {
        final CardBook book = CardBook.generate(53, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        try (ScriptedIssuer issuerA = new ScriptedIssuer();
             IssuerSimulator issuerB = issuerB(54);
             SwitchNode node = SwitchNode.start(macConfig(issuerA.port(), issuerB.port(), journal));
             TestTerminal pos = pos(node))
        {
            issuerA.approveAfter(Duration.ZERO);
            // The scripted issuer serves one connection at a time: one of issuer-a's two links signs on.
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") >= 1, "issuer-a signed on");
            final WorkingKeys keys = signOn(pos, cards);
            final byte[] pik = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, keys.pinKey());
            final byte[] mak = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, keys.macKey());

            final CardAccount card = cards.payer(1_000);
            final byte[] clearBlock = format0("1234", card.pan());
            final Map<Integer, String> sale = cards.purchase(card, 1_000);
            sale.remove(7);
            sale.put(49, "156");
            sale.put(60, "22" + "000001");
            sale.put(52, HexFormat.of().formatHex(des3(HexFormat.of().formatHex(pik), Cipher.ENCRYPT_MODE, clearBlock)));
            sale.put(64, "0000000000000000");
            final byte[] message = pos.encode(Mti.FINANCIAL_REQUEST, sale);
            System.arraycopy(unionPayMac(mak, message, message.length - 8), 0, message, message.length - 8, 8);
            pos.sendRaw(message);
            assertEquals("00", pos.receive().getString(39));

            final MessageReader forwarded = new MessageReader(Iso87.BINARY);
            final byte[] atIssuer = issuerA.lastFinancial();
            forwarded.wrap(atIssuer, 0, atIssuer.length);
            final byte[] underZoneKey = forwarded.getBytes(52);
            assertEquals(HexFormat.of().formatHex(clearBlock), HexFormat.of().formatHex(des3(ISSUER_A_ZONE_PIN_KEY, Cipher.DECRYPT_MODE, underZoneKey)),
                "the issuer recovers the same PIN block under its zone key");
            assertFalse(Arrays.equals(underZoneKey, des3(HexFormat.of().formatHex(pik), Cipher.ENCRYPT_MODE, clearBlock)),
                "not the terminal's block passed through");

            // A block that is not a valid format 0 block for this card: the HSM refuses it, the switch answers 96.
            final Map<Integer, String> bad = cards.purchase(card, 1_000);
            bad.remove(7);
            bad.put(49, "156");
            bad.put(60, "22" + "000001");
            bad.put(52, HexFormat.of().formatHex(des3(HexFormat.of().formatHex(pik), Cipher.ENCRYPT_MODE, HexFormat.of().parseHex("FFFFFFFFFFFFFFFF"))));
            bad.put(64, "0000000000000000");
            final byte[] badMessage = pos.encode(Mti.FINANCIAL_REQUEST, bad);
            System.arraycopy(unionPayMac(mak, badMessage, badMessage.length - 8), 0, badMessage, badMessage.length - 8, 8);
            pos.sendRaw(badMessage);
            assertEquals("96", pos.receive().getString(39));
        }
    }

    /**
     * DESIGN.md §7 through the whole UnionPay POS path, on the bytes of the journal's files and the lines of the log: a
     * chip sale with the card number only in track 2 (no field 2) and in its chip data (5A, and 57, the track 2
     * equivalent), its PIN block under the terminal's key, forwarded with that block under the issuer's zone key;
     * an issuer that echoes track 2 and the PIN block in its approval and puts 57 in its chip data; the terminal's
     * reversal, whose 0420 the issuer leaves unanswered, so that a new switch on the journal rebuilds it from there
     * and sends it again as an 0421. No part of any of it in clear stands in the journal or the log, and no message
     * the journal keeps has track data or a PIN block.
     */
    @Test
    void shouldKeepNoCardDataOfAChipSaleItsIssuersEchoOrItsRebuiltAdviceInTheJournalOrTheLog(@TempDir final Path journal) throws Exception
    {
        final CardBook book = CardBook.generate(61, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount card = cards.payer(1_000);
        final String pan = card.pan();
        final String tag57 = pan + "D" + String.format("%04d", card.expiry()) + "20155500012300F";
        final String chip = "9F2608" + "1122334455667788" + "5A08" + pan + "57" + String.format("%02X", tag57.length() / 2) + tag57;
        final String issuerChip = "9110" + "0123456789ABCDEF0123456789ABCDEF" + "57" + String.format("%02X", tag57.length() / 2) + tag57;
        final Map<Integer, String> sale = cards.purchase(card, 1_000);
        final String track2 = sale.get(35);
        final byte[] clearBlock = format0("1234", pan);
        final byte[] terminalBlock;
        final byte[] zoneBlock;
        try (ScriptedIssuer issuerA = new ScriptedIssuer();
             IssuerSimulator issuerB = issuerB(62);
             CapturedLog log = new CapturedLog())
        {
            issuerA.approveAfter(Duration.ZERO);
            issuerA.echoCardData();
            issuerA.answerChipData(HexFormat.of().parseHex(issuerChip));
            final SwitchConfig config = macConfig(issuerA.port(), issuerB.port(), journal);
            try (SwitchNode node = SwitchNode.start(config);
                 TestTerminal pos = pos(node))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") >= 1, "issuer-a signed on");
                final WorkingKeys keys = signOn(pos, cards);
                final byte[] pik = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, keys.pinKey());
                final byte[] mak = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, keys.macKey());
                terminalBlock = des3(HexFormat.of().formatHex(pik), Cipher.ENCRYPT_MODE, clearBlock);
                sale.remove(2);
                sale.remove(7);
                sale.put(49, "156");
                sale.put(60, "22" + "000001");
                sale.put(52, HexFormat.of().formatHex(terminalBlock));
                sale.put(55, chip);
                sale.put(64, "0000000000000000");
                final MessageReader approved = sendMaced(pos, mak, Mti.FINANCIAL_REQUEST, sale);
                assertEquals("00", approved.getString(39));
                assertFalse(approved.has(35) || approved.has(52), "the issuer's echo of track 2 and the PIN block is not relayed");

                final MessageReader forwarded = new MessageReader(Iso87.BINARY);
                final byte[] atIssuer = issuerA.lastFinancial();
                assertEquals(DecodeError.NONE, forwarded.wrap(atIssuer, 0, atIssuer.length));
                assertEquals(track2, forwarded.getString(35), "track 2 went on to the issuer: the journal saw it in the output");
                zoneBlock = forwarded.getBytes(52);
                assertFalse(Arrays.equals(zoneBlock, terminalBlock), "the PIN block was translated");

                final Map<Integer, String> reversal = new HashMap<>(sale);
                reversal.remove(35);
                reversal.remove(52);
                reversal.remove(55);
                assertEquals("00", sendMaced(pos, mak, Mti.REVERSAL_REQUEST, reversal).getString(39));
                Awaiting.until(Duration.ofSeconds(10), () -> issuerA.count(Mti.REVERSAL_ADVICE) >= 1, "the reversal advice sent");
            }
            // The advice was never acknowledged: the new switch finds it owed in the journal and sends it again.
            try (SwitchNode node = SwitchNode.start(config))
            {
                Awaiting.until(Duration.ofSeconds(20), () -> issuerA.count(Mti.REVERSAL_ADVICE_REPEAT) >= 1, "the rebuilt advice sent again");
            }
            final ClearPans pans = new ClearPans(List.of(pan));
            assertEquals(List.of(), log.failuresAndCardNumbers(pans));
            for (final String secret : List.of(track2.substring(pan.length()), tag57.substring(pan.length()), HexFormat.of().formatHex(terminalBlock),
                HexFormat.of().formatHex(zoneBlock)))
            {
                assertFalse(log.contains(secret) || log.contains(secret.toUpperCase()), secret + " in the log");
            }
            final List<byte[]> secrets = List.of(track2.substring(pan.length()).getBytes(StandardCharsets.US_ASCII),
                HexFormat.of().parseHex(track2.substring(pan.length(), pan.length() + 20).replace('=', 'D')),
                HexFormat.of().parseHex(tag57.substring(pan.length(), pan.length() + 20)), terminalBlock, zoneBlock,
                HexFormat.of().formatHex(terminalBlock).getBytes(StandardCharsets.US_ASCII),
                HexFormat.of().formatHex(zoneBlock).getBytes(StandardCharsets.US_ASCII));
            try (Stream<Path> files = Files.walk(journal))
            {
                for (final Path file : files.filter(Files::isRegularFile).toList())
                {
                    final byte[] bytes = Files.readAllBytes(file);
                    assertEquals(0, pans.count(bytes), "the card number in clear in " + file.getFileName());
                    for (final byte[] secret : secrets)
                    {
                        assertFalse(Bytes.contains(bytes, secret), HexFormat.of().formatHex(secret) + " in " + file.getFileName());
                    }
                }
            }
            assertEquals(List.of(), trackOrPinInJournal(SwitchNode.journalConfig(config), 1));
        }
    }

    /** A UnionPay POS message with its MAC, made with {@code mak}, sent; its answer. */
    private static MessageReader sendMaced(final TestTerminal pos, final byte[] mak, final int mti, final Map<Integer, String> fields) throws Exception
    {
        final byte[] message = pos.encode(mti, fields);
        System.arraycopy(unionPayMac(mak, message, message.length - 8), 0, message, message.length - 8, 8);
        pos.sendRaw(message);
        return pos.receive();
    }

    /**
     * Each message the journal keeps that holds track data or a PIN block, or chip data with a track 2 equivalent: none;
     * and the issuer's approvals journaled, {@code issuerAnswers} of them.
     */
    private static List<String> trackOrPinInJournal(final JournalConfig journal, final int issuerAnswers)
    {
        final List<String> found = new ArrayList<>();
        final Map<Integer, MessageReader> readers = new HashMap<>();
        int answers = 0;
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                for (int part = record.hasInput() ? JournalRecord.INPUT : JournalRecord.output(0); part <= record.outputCount(); part++)
                {
                    if (record.isWithheld(part))
                    {
                        continue;
                    }
                    final int dialect = record.dialectId(part);
                    final MessageReader message = readers.computeIfAbsent(dialect, d -> new MessageReader(journal.dialects().get(d)));
                    assertEquals(DecodeError.NONE, message.wrap(record.buffer(), record.messageOffset(part), record.messageLength(part)));
                    answers += part == JournalRecord.INPUT && record.eventType() == EventType.ISSUER_MESSAGE &&
                        message.mti() == Mti.FINANCIAL_RESPONSE ? 1 : 0;
                    if (message.has(35) || message.has(36) || message.has(45) || message.has(52) ||
                        message.has(55) && IccData.render(message.getBytes(55)).contains("57=["))
                    {
                        found.add(record + " part " + part + ": " + message);
                    }
                }
            }
        }
        assertEquals(issuerAnswers, answers, "the issuer's approvals (one may echo track 2 and the PIN block) are journaled");
        return found;
    }

    @Test
    void shouldKeepTheKeysATerminalGotAtSignOnAcrossARestartOfTheSwitch(@TempDir final Path journal) throws Exception
    {
        final CardBook book = CardBook.generate(55, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = issuerB(56))
        {
            final SwitchConfig config = macConfig(issuerA.port(), issuerB.port(), journal);
            final WorkingKeys keys;
            final byte[] mak;
            try (SwitchNode node = SwitchNode.start(config);
                 TestTerminal pos = pos(node))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on");
                keys = signOn(pos, cards);
                mak = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, keys.macKey());
                pos.sendRaw(macedSale(pos, cards, cards.payer(1_000), 1_000, mak));
                assertMacedAnswer(pos, mak, "00");
            }

            // The same journal, a new switch: a new HSM with a new LMK, and every link of before gone. The terminal
            // connects again and, without signing on, MACs with the key it holds.
            final CardAccount card = cards.payer(3_000);
            try (SwitchNode node = SwitchNode.start(config);
                 TestTerminal pos = pos(node))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on after the restart");
                pos.sendRaw(macedSale(pos, cards, card, 3_000, mak));
                assertMacedAnswer(pos, mak, "00");
                assertEquals(card.balance() - 3_000, issuerA.account(card.pan()).orElseThrow().balance(), "forwarded and approved");
            }

            // What the keys came back from: the sign-on answer, journaled with field 62 as sent (under the terminal's
            // master key), and the clear keys nowhere in the journal's files.
            assertEquals(List.of(HexFormat.of().formatHex(keys.toBytes())), journaledWorkingKeys(SwitchNode.journalConfig(config)));
            final byte[] pik = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, keys.pinKey());
            try (Stream<Path> files = Files.walk(journal))
            {
                for (final Path file : files.filter(Files::isRegularFile).toList())
                {
                    final byte[] bytes = Files.readAllBytes(file);
                    assertFalse(Bytes.contains(bytes, pik), "the clear PIN key in " + file.getFileName());
                    assertFalse(Bytes.contains(bytes, mak), "the clear MAC key in " + file.getFileName());
                }
            }
        }
    }

    /**
     * A terminal that signs on for single-length keys (60.3 = 001, as against 003/004 for double-length ones) gets
     * field 62 in the single-length layout, 24 bytes (PIK 8, its check value, MAK 8, its check value), and MACs with
     * the MAK in it, before a restart of the switch and after; it once got the 40-byte double-length layout, which such a
     * terminal cannot read.
     */
    @Test
    void shouldGiveATerminalThatSignsOnForSingleLengthKeysTheSingleLengthLayout(@TempDir final Path journal) throws Exception
    {
        final CardBook book = CardBook.generate(57, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = issuerB(58))
        {
            final SwitchConfig config = macConfig(issuerA.port(), issuerB.port(), journal);
            final byte[] mak;
            try (SwitchNode node = SwitchNode.start(config);
                 TestTerminal pos = pos(node))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on");
                final Map<Integer, String> signOn = new HashMap<>();
                signOn.put(11, cards.nextStan());
                signOn.put(41, "TERM0001");
                signOn.put(42, "MERCHANT0000001");
                signOn.put(60, "00" + "000001" + "001");
                final MessageReader signedOn = pos.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn);
                assertEquals("00", signedOn.getString(39));
                assertEquals(WorkingKeys.SINGLE_LENGTH, signedOn.getBytes(WorkingKeys.FIELD).length, "field 62 for single-length keys");
                final WorkingKeys keys = WorkingKeys.read(signedOn);
                mak = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, keys.macKey());
                assertEquals(HexFormat.of().formatHex(keys.macKeyCheck()),
                    HexFormat.of().formatHex(des(mak, Cipher.ENCRYPT_MODE, new byte[8])).substring(0, 8), "the MAC key's check value");
                pos.sendRaw(macedSale(pos, cards, cards.payer(1_000), 1_000, mak));
                assertMacedAnswer(pos, mak, "00");
            }
            // A new switch on the same journal loads the single-length keys from the sign-on answer it journaled.
            try (SwitchNode node = SwitchNode.start(config);
                 TestTerminal pos = pos(node))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on after the restart");
                pos.sendRaw(macedSale(pos, cards, cards.payer(2_000), 2_000, mak));
                assertMacedAnswer(pos, mak, "00");
            }
        }
    }

    /**
     * A terminal's sign-on sent twice byte for byte (it timed out waiting and sent it again; both reach the switch):
     * both answers carry the same working keys, so that whichever answer the terminal takes, its MACs hold. New keys
     * for the retransmission left a terminal that took the first answer MACing with a key the switch no longer had.
     */
    @Test
    void shouldGiveARetransmittedSignOnTheKeysOfTheOriginal(@TempDir final Path journal) throws Exception
    {
        final CardBook book = CardBook.generate(59, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = issuerB(60);
             SwitchNode node = SwitchNode.start(macConfig(issuerA.port(), issuerB.port(), journal));
             TestTerminal pos = pos(node))
        {
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on");
            final Map<Integer, String> signOn = new HashMap<>();
            signOn.put(11, cards.nextStan());
            signOn.put(41, "TERM0001");
            signOn.put(42, "MERCHANT0000001");
            signOn.put(60, "00" + "000001" + "004");
            final byte[] request = pos.encode(Mti.NETWORK_MANAGEMENT_REQUEST, signOn);
            pos.sendRaw(request);
            pos.sendRaw(request);
            final WorkingKeys first = WorkingKeys.read(pos.receive());
            final WorkingKeys second = WorkingKeys.read(pos.receive());
            assertNotNull(first);
            final byte[] mak = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, first.macKey());
            pos.sendRaw(macedSale(pos, cards, cards.payer(1_000), 1_000, mak));
            final String code = pos.receive().getString(39);
            assertEquals(first, second, "the retransmission's answer carries the keys the first one did");
            assertEquals("00", code, "a sale MACed with the keys of the first answer");
        }
    }

    /**
     * A terminal that signs on with 60.3 = 004 gets a track key (TDK) in field 62's 60-byte layout, as a UnionPay POS
     * terminal that asks with 004 reads it, and enciphers a block of track 2 with it (field 53's third digit 1): the
     * switch deciphers it and routes the swipe, whose card number is only in track 2, by it, and the issuer gets track 2
     * as the card holds it. With 003 the terminal gets the 40-byte layout and no track key, and a track it enciphers
     * anyway is a 30, as is a track sent clear with a character no track has; neither reaches the issuer. The journal
     * holds neither track, and replays byte for byte, the track key restored from the sign-on's answer. Track data
     * enciphered once came to the switch as a format error at decode (the codec took only digits and the separator),
     * and a 004 sign-on got the 40-byte layout, which such a terminal cannot read.
     */
    @Test
    void shouldDecipherTrack2WithTheTrackKeyOfA004SignOnAndRouteTheSwipeByIt(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(63, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        try (ScriptedIssuer issuerA = new ScriptedIssuer();
             IssuerSimulator issuerB = issuerB(64))
        {
            issuerA.approveAfter(Duration.ZERO);
            final SwitchConfig config = macConfig(issuerA.port(), issuerB.port(), dir.resolve("journal"));
            final String tdkAgain;
            final byte[] makAgain;
            try (SwitchNode node = SwitchNode.start(config);
                 TestTerminal pos = pos(node))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") >= 1, "issuer-a signed on");
                final MessageReader signedOn = signOnAnswer(pos, cards, "004");
                assertEquals(WorkingKeys.WITH_TRACK_KEY, signedOn.getBytes(WorkingKeys.FIELD).length, "field 62 with a track key");
                final WorkingKeys keys = WorkingKeys.read(signedOn);
                final byte[] mak = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, keys.macKey());
                final String tdk = HexFormat.of().formatHex(des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, keys.trackKey()));
                assertEquals(HexFormat.of().formatHex(keys.trackKeyCheck()),
                    HexFormat.of().formatHex(des3(tdk, Cipher.ENCRYPT_MODE, new byte[8])).substring(0, 8), "the track key's check value");

                final CardAccount card = cards.payer(1_000);
                final Map<Integer, String> sale = swipe(cards, card, 1_000);
                final String track2 = sale.get(35);
                sale.put(35, encipheredTrack(tdk, track2));
                sale.put(53, "1610000000000000");
                assertEquals("00", sendMaced(pos, mak, Mti.FINANCIAL_REQUEST, sale).getString(39));
                assertTrackAtIssuer(issuerA, track2, card.pan());

                // A clear track (53 says so) with a character no track has: 30, not forwarded.
                final long forwardedBefore = issuerA.count(Mti.FINANCIAL_REQUEST);
                final Map<Integer, String> badClear = swipe(cards, cards.payer(1_000), 1_000);
                final String clear = badClear.get(35);
                badClear.put(35, clear.substring(0, clear.length() - 3) + "A" + clear.substring(clear.length() - 2));
                assertEquals("30", sendMaced(pos, mak, Mti.FINANCIAL_REQUEST, badClear).getString(39));

                // Signed on again with 003: double-length keys and no track key, and an enciphered track is a 30.
                final MessageReader noTrackKey = signOnAnswer(pos, cards, "003");
                assertEquals(WorkingKeys.DOUBLE_LENGTH, noTrackKey.getBytes(WorkingKeys.FIELD).length, "field 62 without a track key");
                final byte[] mak003 = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, WorkingKeys.read(noTrackKey).macKey());
                final Map<Integer, String> enciphered = swipe(cards, cards.payer(1_000), 1_000);
                enciphered.put(35, encipheredTrack(tdk, enciphered.get(35)));
                enciphered.put(53, "1610000000000000");
                assertEquals("30", sendMaced(pos, mak003, Mti.FINANCIAL_REQUEST, enciphered).getString(39));
                assertEquals(forwardedBefore, issuerA.count(Mti.FINANCIAL_REQUEST), "neither unreadable track went to the issuer");

                // And with 004 again: a new track key, which the switch holds from then on, across a restart too.
                final WorkingKeys again = WorkingKeys.read(signOnAnswer(pos, cards, "004"));
                tdkAgain = HexFormat.of().formatHex(des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, again.trackKey()));
                makAgain = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, again.macKey());
            }
            try (SwitchNode node = SwitchNode.start(config);
                 TestTerminal pos = pos(node))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") >= 1, "issuer-a signed on after the restart");
                final CardAccount card = cards.payer(2_000);
                final Map<Integer, String> sale = swipe(cards, card, 2_000);
                final String track2 = sale.get(35);
                sale.put(35, encipheredTrack(tdkAgain, track2));
                sale.put(53, "1610000000000000");
                assertEquals("00", sendMaced(pos, makAgain, Mti.FINANCIAL_REQUEST, sale).getString(39), "the track key kept across the restart");
                assertTrackAtIssuer(issuerA, track2, card.pan());
            }
            assertEquals(List.of(), trackOrPinInJournal(SwitchNode.journalConfig(config), 2));
            final Replayer.Report report = Replays.replay(config, dir.resolve("replay"));
            assertEquals(0, report.keysNotRestored(), report.toString());
            assertEquals(List.of(), Replays.differences(config, dir.resolve("replay"), 10));
        }
    }

    /**
     * A swipe whose track 2 the switch could not read is refused, and the journal seals no card number from it either:
     * enciphered by a terminal that holds no track key (30), or sent with a MAC that does not hold (A0), the track is
     * still as the terminal enciphered it, and a short track's block covers the end of the card number and the
     * separator. The journal read the card number from such a track up to the first nibble D of the cipher text, and
     * sealed hex letters of it, and so the enciphered track itself, as the request's card number.
     */
    @Test
    void shouldSealNoCardNumberFromATrackTheSwitchCouldNotRead(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(65, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        try (ScriptedIssuer issuerA = new ScriptedIssuer();
             IssuerSimulator issuerB = issuerB(66))
        {
            issuerA.approveAfter(Duration.ZERO);
            final SwitchConfig config = macConfig(issuerA.port(), issuerB.port(), dir.resolve("journal"));
            try (SwitchNode node = SwitchNode.start(config);
                 TestTerminal pos = pos(node))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") >= 1, "issuer-a signed on");
                final byte[] mak = des3(TERMINAL_MASTER_KEY, Cipher.DECRYPT_MODE, WorkingKeys.read(signOnAnswer(pos, cards, "003")).macKey());
                final Map<Integer, String> noTrackKey = swipe(cards, cards.payer(1_000), 1_000);
                noTrackKey.put(35, asEnciphered(noTrackKey.get(35)));
                noTrackKey.put(53, "1610000000000000");
                assertEquals("30", sendMaced(pos, mak, Mti.FINANCIAL_REQUEST, noTrackKey).getString(39));

                final Map<Integer, String> wrongMac = swipe(cards, cards.payer(1_000), 1_000);
                wrongMac.put(35, asEnciphered(wrongMac.get(35)));
                wrongMac.put(53, "1610000000000000");
                assertEquals("A0", sendMaced(pos, new byte[8], Mti.FINANCIAL_REQUEST, wrongMac).getString(39));
                assertEquals(0, issuerA.count(Mti.FINANCIAL_REQUEST), "neither went to the issuer");
            }
            assertEquals(List.of(), cardNumbersOfRefusedRequests(SwitchNode.journalConfig(config)));
        }
    }

    /**
     * A short track 2 (the card number, the separator, the expiry and a service code: 24 characters) as a terminal sends
     * it enciphered: its block, characters 6 to 21, cipher text whose nibbles hold a D and hex letters.
     */
    private static String asEnciphered(final String track)
    {
        final String shortTrack = track.substring(0, track.indexOf('=') + 8);
        return shortTrack.substring(0, 6) + "A1B2C3D4E5F60718" + shortTrack.substring(22);
    }

    /** Each request the journal holds answered 30 or A0 with a card number sealed beside it: none. */
    private static List<String> cardNumbersOfRefusedRequests(final JournalConfig journal)
    {
        final List<String> found = new ArrayList<>();
        final UnsafeBuffer pan = new UnsafeBuffer(new byte[32]);
        int refused = 0;
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                if (record.eventType() != EventType.ACQUIRER_MESSAGE || !record.hasInput() || record.decisionLength() < Decision.LENGTH)
                {
                    continue;
                }
                final String code = Decision.responseCode(record.buffer(), record.decisionOffset());
                if ("30".equals(code) || "A0".equals(code))
                {
                    refused++;
                    if (record.hasPan(JournalRecord.INPUT))
                    {
                        final int digits = record.decryptPan(JournalRecord.INPUT, pan, 0);
                        found.add(code + ": a card number of " + digits + " characters, " + (pan.getStringWithoutLengthAscii(0, digits).chars()
                            .allMatch(Character::isDigit) ? "digits" : "not all digits"));
                    }
                }
            }
        }
        assertEquals(2, refused, "both refusals journaled");
        return found;
    }

    /** The issuer's last financial request carries {@code track2} as the card holds it, and {@code pan} in field 2. */
    private static void assertTrackAtIssuer(final ScriptedIssuer issuer, final String track2, final String pan)
    {
        final MessageReader forwarded = new MessageReader(Iso87.BINARY);
        final byte[] atIssuer = issuer.lastFinancial();
        assertEquals(DecodeError.NONE, forwarded.wrap(atIssuer, 0, atIssuer.length));
        assertEquals(track2, forwarded.getString(35), "the issuer gets track 2 as the card holds it");
        assertEquals(pan, forwarded.getString(2), "routed and sent by the card number deciphered from track 2");
    }

    /** A PIN-less swipe from TERM0001 in yuan: the card number in track 2 only, no MAC yet (sendMaced makes it). */
    private static Map<Integer, String> swipe(final Cardholders cards, final CardAccount card, final long amount)
    {
        final Map<Integer, String> sale = unionPaySale(cards, card, amount);
        sale.remove(2);
        return sale;
    }

    /** A PIN-less UnionPay sale from TERM0001 in yuan, its MAC field zeros until one is made over it. */
    private static Map<Integer, String> unionPaySale(final Cardholders cards, final CardAccount card, final long amount)
    {
        final Map<Integer, String> sale = cards.purchase(card, amount);
        sale.remove(7);
        sale.remove(52);
        sale.put(22, "021");
        sale.put(49, "156");
        sale.put(60, "22" + "000001");
        sale.put(64, "0000000000000000");
        return sale;
    }

    /**
     * Track 2 as a UnionPay POS terminal enciphers it, written here from the description (TrackBlock's): packed as BCD
     * (separator D, an odd length padded with a 0 nibble), the 8 bytes before the last byte enciphered by triple DES
     * under the track key, the result as the track's characters (hex digits where the block is), its length unchanged.
     */
    private static String encipheredTrack(final String tdk, final String track) throws Exception
    {
        final String nibbles = track.replace('=', 'D') + (track.length() % 2 == 1 ? "0" : "");
        final byte[] packed = HexFormat.of().parseHex(nibbles);
        final int block = packed.length - 1 - 8;
        final byte[] enciphered = des3(tdk, Cipher.ENCRYPT_MODE, Arrays.copyOfRange(packed, block, block + 8));
        System.arraycopy(enciphered, 0, packed, block, 8);
        return HexFormat.of().withUpperCase().formatHex(packed).substring(0, track.length());
    }

    /** The sign-on answer to TERM0001's 0800 with 60.3 = {@code code}, approved. */
    private static MessageReader signOnAnswer(final TestTerminal pos, final Cardholders cards, final String code) throws Exception
    {
        final Map<Integer, String> signOn = new HashMap<>();
        signOn.put(11, cards.nextStan());
        signOn.put(41, "TERM0001");
        signOn.put(42, "MERCHANT0000001");
        signOn.put(60, "00" + "000001" + code);
        final MessageReader signedOn = pos.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn);
        assertEquals("00", signedOn.getString(39));
        return signedOn;
    }

    /** Field 62 of every sign-on answer in the journal, as hex. */
    private static List<String> journaledWorkingKeys(final JournalConfig journal)
    {
        final int cups = journal.dialects().indexOf(UnionPayPos.DIALECT);
        final List<String> keys = new ArrayList<>();
        final MessageReader answer = new MessageReader(UnionPayPos.DIALECT);
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                final int part = JournalRecord.output(0);
                if (record.outputCount() > 0 && record.dialectId(part) == cups &&
                    answer.wrap(record.buffer(), record.messageOffset(part), record.messageLength(part)) == DecodeError.NONE &&
                    answer.mti() == Mti.NETWORK_MANAGEMENT_RESPONSE && answer.has(WorkingKeys.FIELD))
                {
                    keys.add(HexFormat.of().formatHex(answer.getBytes(WorkingKeys.FIELD)));
                }
            }
        }
        return keys;
    }

    /**
     * A UnionPay sale from TERM0001 in yuan, its MAC made with {@code mak} over everything before field 64. No PIN
     * here: the PIN block's translation has its own test.
     */
    private static byte[] macedSale(final TestTerminal pos, final Cardholders cards, final CardAccount card, final long amount, final byte[] mak)
        throws Exception
    {
        final byte[] message = pos.encode(Mti.FINANCIAL_REQUEST, unionPaySale(cards, card, amount));
        System.arraycopy(unionPayMac(mak, message, message.length - 8), 0, message, message.length - 8, 8);
        return message;
    }

    /** The next answer has {@code code} in field 39 and a MAC made with the terminal's {@code mak}. */
    private static void assertMacedAnswer(final TestTerminal pos, final byte[] mak, final String code) throws Exception
    {
        final byte[] answer = pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT);
        assertNotNull(answer, "an answer within " + TestTerminal.ANSWER_TIMEOUT);
        final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
        assertEquals(DecodeError.NONE, reader.wrap(answer, 0, answer.length));
        assertEquals(code, reader.getString(39));
        assertEquals(HexFormat.of().formatHex(unionPayMac(mak, answer, answer.length - 8)),
            HexFormat.of().formatHex(reader.getBytes(64)), "the answer carries the switch's MAC, made with the terminal's key");
    }

    private static WorkingKeys signOn(final TestTerminal pos, final Cardholders cards) throws Exception
    {
        final Map<Integer, String> signOn = new HashMap<>();
        signOn.put(11, cards.nextStan());
        signOn.put(41, "TERM0001");
        signOn.put(42, "MERCHANT0000001");
        signOn.put(60, "00" + "000001" + "004");
        final MessageReader signedOn = pos.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn);
        assertEquals("00", signedOn.getString(39));
        final WorkingKeys keys = WorkingKeys.read(signedOn);
        assertNotNull(keys, "working keys in field 62");
        return keys;
    }

    /** ISO 9564 format 0: 0, the PIN length and the PIN, F-padded, XOR the rightmost 12 PAN digits before the check digit. */
    private static byte[] format0(final String pin, final String pan)
    {
        final byte[] pinField = HexFormat.of().parseHex(("0" + pin.length() + pin + "FFFFFFFFFFFFFF").substring(0, 16));
        final byte[] panField = HexFormat.of().parseHex("0000" + pan.substring(pan.length() - 13, pan.length() - 1));
        for (int i = 0; i < 8; i++)
        {
            pinField[i] ^= panField[i];
        }
        return pinField;
    }

    /**
     * The UnionPay POS "ECB" MAC, written from its description (DESIGN.md §4): XOR of the 8-byte blocks, expanded to
     * 16 hex characters; the first 8 encrypted with the MAC key, XORed with the last 8, encrypted again; the first 8
     * hex characters of that are the MAC.
     */
    private static byte[] unionPayMac(final byte[] key, final byte[] data, final int length) throws Exception
    {
        final byte[] xor = new byte[8];
        for (int i = 0; i < length; i++)
        {
            xor[i % 8] ^= data[i];
        }
        final byte[] hex = HexFormat.of().withUpperCase().formatHex(xor).getBytes(StandardCharsets.US_ASCII);
        final byte[] left = Arrays.copyOfRange(hex, 0, 8);
        final byte[] right = Arrays.copyOfRange(hex, 8, 16);
        final byte[] first = des(key, Cipher.ENCRYPT_MODE, left);
        for (int i = 0; i < 8; i++)
        {
            first[i] ^= right[i];
        }
        final byte[] second = des(key, Cipher.ENCRYPT_MODE, first);
        return HexFormat.of().withUpperCase().formatHex(second).substring(0, 8).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] des(final byte[] key, final int mode, final byte[] data) throws Exception
    {
        final Cipher cipher = Cipher.getInstance("DES/ECB/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "DES"));
        return cipher.doFinal(data);
    }

    private static byte[] des3(final String doubleLengthKey, final int mode, final byte[] data) throws Exception
    {
        final byte[] k = HexFormat.of().parseHex(doubleLengthKey);
        final byte[] k3 = new byte[24];
        System.arraycopy(k, 0, k3, 0, 16);
        System.arraycopy(k, 0, k3, 16, 8);
        final Cipher cipher = Cipher.getInstance("DESede/ECB/NoPadding");
        cipher.init(mode, new SecretKeySpec(k3, "DESede"));
        return cipher.doFinal(data);
    }
}
