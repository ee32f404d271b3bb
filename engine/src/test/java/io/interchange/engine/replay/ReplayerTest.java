package io.interchange.engine.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.Field60;
import io.interchange.codec.cups.SettlementTotals;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.cups.WorkingKeys;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.security.Hsm;
import io.interchange.engine.security.HsmResult;
import io.interchange.engine.security.KeyType;
import io.interchange.engine.security.SoftwareHsm;
import io.interchange.engine.switching.BatchTotals;
import io.interchange.engine.switching.Decision;
import io.interchange.engine.switching.Outcome;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalEntry;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.journal.JournalWriter;

/**
 * Replay on a listener whose UnionPay terminals MAC: the working keys a sign-on handed out were random, so replay and
 * recovery must load them from the journaled answers, never make new ones; and the MACs cover track 2, which the
 * journal never holds, so replay takes their verdicts from the journal, and the HSM's on PIN blocks likewise. A swipe
 * that carries its card number only in track 2 replays with the PAN the journal sealed from it; and a request
 * recovered from the journal is still known, so its retransmission gets the original answer. The switch handler is fed
 * as the ring feeds it and journaled as the journal handler does; the terminal is played with an HSM of its own that
 * holds only its master key and unwraps what the switch sends (and a PIN pad of plain JCE).
 */
class ReplayerTest
{
    private static final String MAC_LISTENER = """
        interchange.listeners = [
          { name = "pos-cups", host = "127.0.0.1", port = 0, dialect = "cups", framing = "unionpay-pos",
            acquirer-id = "10000002", allow = ["127.0.0.1/32"], idle-timeout = 120s, max-frame = 4096, mac = true }
        ]
        """;
    private static final String TERMINAL_MASTER_KEY = "6DC12CB58E2F9A112379C69F9CDF34CD"; // TERM0001's demo key
    private static final String ANOTHER_MASTER_KEY = "9D719CDFCC02F10AF013C0611AE8273C";
    private static final byte[] TPDU_AND_HEADER = HexFormat.of().parseHex("6000030000" + "603100310701");
    private static final String PAN = "4761739001010119";
    private static final String TRACK_2 = PAN + "=30122011143804400000";
    private static final int ACQUIRER_LINK = 7;
    private static final int ISSUER_LINK = 40;
    // The terminal's own HSM: its master key in slot 0, the working keys it unwraps in 1 and 2.
    private static final int TMK = 0;
    private static final int PIK = 1;
    private static final int MAK = 2;
    private static final int TDK = 3;

    private final SwitchSetup setup = SwitchNode.setup(config(null, TERMINAL_MASTER_KEY), Dialects.all());
    private final int cups = Dialects.all().indexOf(UnionPayPos.DIALECT);
    private final int iso87b = Dialects.all().indexOf(Iso87.BINARY);
    private final SoftwareHsm terminal = SoftwareHsm.withRandomLmk(4);
    private long now = Instant.parse("2026-11-26T10:00:00Z").getEpochSecond() * 1_000_000_000L;
    private long sequence;
    private int stan;

    @Test
    void shouldReplayMacedTrafficByteForByteWithTheKeysEachSignOnGave(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final byte[] firstKeys;
        final byte[] secondKeys;
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            firstKeys = run.signOn(ACQUIRER_LINK);
            assertEquals("00", run.purchase(ACQUIRER_LINK, 1_000, false));
            assertEquals("A0", run.purchase(ACQUIRER_LINK, 2_000, true), "a MAC that does not hold");
            // A second sign-on: new keys, and the MACs after it are made with them.
            secondKeys = run.signOn(ACQUIRER_LINK);
            assertEquals("00", run.purchase(ACQUIRER_LINK, 3_000, false));
        }
        assertFalse(HexFormat.of().formatHex(firstKeys).equals(HexFormat.of().formatHex(secondKeys)), "each sign-on hands out new keys");

        final JournalConfig replayed = target(journal, dir);
        final Replayer.Report report = Replayer.replay(SwitchNode.handler(config, setup), setup, journal, replayed);
        assertEquals(0, report.keysNotRestored(), report.toString());
        assertEquals(sequence, report.replayed());
        assertEquals(List.of(), Replayer.differences(journal, replayed, 10));
    }

    /**
     * A sale that waited 6 s before the switch took it up is answered 91 unasked (limits.request-deadline, 5 s), one that
     * waited 4 s goes to its issuer. The waits are journaled with the decisions: replay has only the journal, and decides
     * and journals the same. Under a deadline changed since, either way, replay and recovery keep the journal's verdicts:
     * a request refused then must not go in flight now, nor one forwarded then be forgotten with its answer to come.
     */
    @Test
    void shouldReplayARequestAnswered91PastItsDeadlineAsTheSwitchDecidedIt(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            run.signOn(ACQUIRER_LINK);
            run.waitNext(6_000_000);
            assertEquals("91", run.purchase(ACQUIRER_LINK, 1_000, false));
            run.waitNext(4_000_000);
            assertEquals("00", run.purchase(ACQUIRER_LINK, 2_000, false));
        }
        assertEquals(List.of("6000000 us: PAST_DEADLINE 91", "4000000 us: FORWARDED null"), waits(journal));

        final JournalConfig replayed = target(journal, dir);
        Replayer.replay(SwitchNode.handler(config, setup), setup, journal, replayed);
        assertEquals(List.of(), Replayer.differences(journal, replayed, 10));
        assertEquals(waits(journal), waits(replayed), "journaled again with the same waits");

        for (final String deadline : new String[] {"10s", "3s"})
        {
            final SwitchConfig changed = config(dir.resolve(deadline), TERMINAL_MASTER_KEY, "interchange.limits.request-deadline = " + deadline + "\n");
            final SwitchSetup changedSetup = SwitchNode.setup(changed, Dialects.all());
            final JournalConfig again = target(journal, dir.resolve(deadline));
            Replayer.replay(SwitchNode.handler(changed, changedSetup), changedSetup, journal, again);
            assertEquals(List.of(), Replayer.differences(journal, again, 10), "replayed under a deadline of " + deadline);
            final SwitchHandler recovered = SwitchNode.handler(changed, changedSetup);
            Replayer.recover(recovered, changedSetup, journal);
            assertEquals(0, recovered.inFlight(), "the 91 is not in flight, and the approved sale is answered: under " + deadline);
            assertEquals(1, recovered.batchTotals().debitCount(changedSetup.acceptors().terminalIndex("TERM0001")), "under " + deadline);
        }
    }

    @Test
    void shouldReportKeysThatDoNotImportRatherThanDivergeQuietly(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final long signOnAt;
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            signOnAt = sequence;
            run.signOn(ACQUIRER_LINK);
            assertEquals("00", run.purchase(ACQUIRER_LINK, 1_000, false));
        }

        // Replayed by a switch that holds another master key for the terminal: field 62's check values do not hold.
        final SwitchConfig otherKey = config(dir, ANOTHER_MASTER_KEY);
        final JournalConfig replayed = target(journal, dir);
        final Replayer.Report report = Replayer.replay(SwitchNode.handler(otherKey, setup), setup, journal, replayed);
        assertEquals(1, report.keysNotRestored(), report.toString());
        final List<String> differences = Replayer.differences(journal, replayed, 10);
        assertFalse(differences.isEmpty());
        assertTrue(differences.get(0).startsWith("decision differs at sequence " + signOnAt), differences.get(0));
    }

    @Test
    void shouldReportASignOnWhoseAnswerTheJournalDoesNotHold(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            run.signOnJournaledWithoutItsAnswer(ACQUIRER_LINK);
        }
        final Replayer.Report report = Replayer.replay(SwitchNode.handler(config, setup), setup, journal, target(journal, dir));
        assertEquals(1, report.keysNotRestored(), report.toString());
    }

    @Test
    void shouldReplayASignOnRefusedThenAsRefusedWithoutMakingKeys(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        // A switch without an HSM refuses the sign-on (96), and its answer carries no keys.
        try (Run run = new Run(new SwitchHandler(setup), journal))
        {
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            assertEquals("96", run.signOnAnswer(ACQUIRER_LINK).getString(39));
        }
        final JournalConfig replayed = target(journal, dir);
        final Replayer.Report report = Replayer.replay(SwitchNode.handler(config, setup), setup, journal, replayed);
        assertEquals(0, report.keysNotRestored(), "nothing was handed out, so nothing is missing: " + report);
        assertEquals(List.of(), Replayer.differences(journal, replayed, 10));
    }

    @Test
    void shouldLetATerminalGoOnWithItsKeysAfterRecoveryOnANewLink(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            run.signOn(ACQUIRER_LINK);
            assertEquals("00", run.purchase(ACQUIRER_LINK, 1_000, false));
        }

        // A restart: a new handler (a new HSM, a new LMK) recovers from the journal; every link of before is gone.
        final SwitchHandler recovered = SwitchNode.handler(config, setup);
        final Replayer.Report report = Replayer.recover(recovered, setup, journal);
        assertEquals(0, report.keysNotRestored(), report.toString());
        // The purchase counts in the terminal's batch: recovery took its MAC as it was judged then, for the journal does
        // not keep the track 2 the MAC covers.
        final int term0001 = setup.acceptors().terminalIndex("TERM0001");
        assertEquals(1, recovered.batchTotals().debitCount(term0001));
        assertEquals(1_000, recovered.batchTotals().debitAmount(term0001));
        try (Run run = new Run(recovered, null))
        {
            run.link(EventType.NODE_START, -1, -1); // the new run's first event, as SwitchNode publishes it
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK + 1, 0);
            assertEquals("00", run.purchase(ACQUIRER_LINK + 1, 4_000, false), "no new sign-on: the keys the terminal holds still work");
        }
    }

    /**
     * A recovered node must not show an issuer as signed on for a link of the run before: it did until its NODE_START
     * was taken up, and a test (or an operator) that waited for the issuer to be up sent a purchase the switch, its
     * new link not yet signed on, answered 91.
     */
    @Test
    void shouldShowNoIssuerLinkSignedOnAfterRecoveryUntilOneOfThisRunSignsOn(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.issuerSignedOn();
        }

        final SwitchHandler recovered = SwitchNode.handler(config, setup);
        Replayer.recover(recovered, setup, journal);
        assertEquals(0, recovered.signedOnLinks(0), "the journal's link is of the run before");
        try (Run run = new Run(recovered, null))
        {
            run.link(EventType.NODE_START, -1, -1);
            assertEquals(0, recovered.signedOnLinks(0));
            run.issuerSignedOn();
        }
    }

    @Test
    void shouldAnswerAnExactRetransmissionAfterRecoveryWithTheOriginalAnswerAndOtherContentWith94(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final byte[] request;
        final MessageReader original;
        final byte[] otherAmount;
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            run.signOn(ACQUIRER_LINK);
            // Card present: track 2 and a PIN block, which the MAC covers and the journal never holds.
            request = run.sale(1_000, true, format0("1234"));
            original = copy(run.send(ACQUIRER_LINK, request, true));
            assertEquals("00", original.getString(39));
            // The same key (terminal, STAN, batch) with another amount, MACed as the terminal would.
            stan--;
            otherAmount = run.sale(1_001, true, format0("1234"));
            assertEquals("94", run.send(ACQUIRER_LINK, otherAmount, true).getString(39), "before the restart");
        }

        final SwitchHandler recovered = SwitchNode.handler(config, setup);
        Replayer.recover(recovered, setup, journal);
        try (Run run = new Run(recovered, null))
        {
            run.link(EventType.NODE_START, -1, -1); // the new run's first event, as SwitchNode publishes it
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK + 1, 0);
            final MessageReader again = run.send(ACQUIRER_LINK + 1, request, true);
            assertEquals(EventType.ACQUIRER_MESSAGE, run.event.eventType());
            assertEquals(1, run.event.outputCount(), "answered from the history, not forwarded again");
            assertEquals(hex(original), hex(again), "the original answer, byte for byte");
            assertEquals("94", run.send(ACQUIRER_LINK + 1, otherAmount, true).getString(39), "after the restart");
        }
    }

    @Test
    void shouldReplayASwipeThatCarriesTheCardNumberOnlyInTrack2ByteForByte(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final byte[] swipe;
        final MessageReader original;
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            run.signOn(ACQUIRER_LINK);
            swipe = run.sale(2_500, false, format0("1234"));
            original = copy(run.send(ACQUIRER_LINK, swipe, true));
            assertEquals("00", original.getString(39));
            // The answer echoes the request's fields: a field 2 the request never had would show in it.
            assertFalse(original.has(2), "no card number in the answer to a swipe");
        }

        final JournalConfig replayed = target(journal, dir);
        final Replayer.Report report = Replayer.replay(SwitchNode.handler(config, setup), setup, journal, replayed);
        assertEquals(sequence, report.replayed());
        assertEquals(List.of(), Replayer.differences(journal, replayed, 10));

        final SwitchHandler recovered = SwitchNode.handler(config, setup);
        Replayer.recover(recovered, setup, journal);
        final int term0001 = setup.acceptors().terminalIndex("TERM0001");
        assertEquals(1, recovered.batchTotals().debitCount(term0001), "recovery routed and approved it as then");
        assertEquals(2_500, recovered.batchTotals().debitAmount(term0001));
        try (Run run = new Run(recovered, null))
        {
            run.link(EventType.NODE_START, -1, -1); // the new run's first event, as SwitchNode publishes it
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK + 1, 0);
            assertEquals(hex(original), hex(run.send(ACQUIRER_LINK + 1, swipe, true)), "the retransmission gets the original answer");
        }
    }

    /**
     * UnionPay POS voids checked against the sale their 61 names (25 none, 13 another amount, 00, then 12 voided already)
     * replay byte for byte, a swipe's card number coming from the journal; and recovery knows the sale is voided, so a
     * void of it after a restart is 12 too, and the batch holds the sale and the one void.
     */
    @Test
    void shouldReplayUnionPayVoidsByteForByteAndRecoverTheSaleAsVoided(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final int saleStan;
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.signedOnBothSides();
            assertEquals("00", run.send(ACQUIRER_LINK, run.sale(1_000, false, null), true).getString(39));
            saleStan = stan;
            assertEquals("25", run.send(ACQUIRER_LINK, run.voidOf(1_000, 999_999), true).getString(39));
            assertEquals("13", run.send(ACQUIRER_LINK, run.voidOf(900, saleStan), true).getString(39));
            assertEquals("00", run.send(ACQUIRER_LINK, run.voidOf(1_000, saleStan), true).getString(39));
            assertEquals("12", run.send(ACQUIRER_LINK, run.voidOf(1_000, saleStan), true).getString(39));
        }

        assertReplaysByteForByte(config, journal, dir);

        final SwitchHandler recovered = SwitchNode.handler(config, setup);
        Replayer.recover(recovered, setup, journal);
        try (Run run = new Run(recovered, null))
        {
            run.restarted(ACQUIRER_LINK + 1);
            assertEquals("12", run.send(ACQUIRER_LINK + 1, run.voidOf(1_000, saleStan), true).getString(39), "voided before the restart");
        }
        final int term0001 = setup.acceptors().terminalIndex("TERM0001");
        assertEquals(List.of(1L, 1L), List.of(recovered.batchTotals().debitCount(term0001), recovered.batchTotals().debitReversalCount(term0001)));
    }

    @Test
    void shouldReplayAPinBlockTheHsmRefusedAsRefused(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            run.signOn(ACQUIRER_LINK);
            assertEquals("00", run.send(ACQUIRER_LINK, run.sale(1_000, true, format0("1234")), true).getString(39));
            // Not a format 0 block (control nibble F): the HSM refuses to translate it, and the switch answers 96.
            assertEquals("96", run.send(ACQUIRER_LINK, run.sale(2_000, true, HexFormat.of().parseHex("FFFFFFFFFFFFFFFF")), true).getString(39));
            assertEquals(0, run.handler.inFlight());
        }

        // The journal holds no PIN block: replay takes the HSM's refusal from the journaled decision.
        final JournalConfig replayed = target(journal, dir);
        Replayer.replay(SwitchNode.handler(config, setup), setup, journal, replayed);
        assertEquals(List.of(), Replayer.differences(journal, replayed, 10));

        final SwitchHandler recovered = SwitchNode.handler(config, setup);
        Replayer.recover(recovered, setup, journal);
        assertEquals(0, recovered.inFlight(), "the refused one was never forwarded");
        final int term0001 = setup.acceptors().terminalIndex("TERM0001");
        assertEquals(1, recovered.batchTotals().debitCount(term0001));
        assertEquals(1_000, recovered.batchTotals().debitAmount(term0001));
    }

    @Test
    void shouldReplayABatchSettlementAndItsUploadByteForByteAndJournalWhatItFound(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final int term0001 = setup.acceptors().terminalIndex("TERM0001");
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            run.signOn(ACQUIRER_LINK);
            assertEquals("00", run.purchase(ACQUIRER_LINK, 1_000, false));
            final int saleStan = stan;
            // The terminal counts a sale of 1,500 the switch never approved: out of balance, so it uploads its batch.
            final MessageReader settled = run.send(ACQUIRER_LINK, run.maced(Mti.RECONCILIATION_REQUEST, 1, Field60.NETWORK_BATCH_SETTLEMENT,
                Map.of(48, totals(2, 2_500))), true);
            assertEquals("00", settled.getString(39));
            assertEquals(totals(2, 2_500).substring(0, 30) + "2", settled.getString(48).substring(0, 31),
                "the terminal's totals come back flagged 2, out of balance");
            assertEquals(0, run.handler.batchTotals().debitCount(term0001), "the batch is set aside while it is uploaded: the next counts from zero");
            final MessageReader known = run.send(ACQUIRER_LINK, run.maced(Mti.BATCH_UPLOAD, 1, 201,
                Map.of(4, "000000001000", 61, String.format("%06d%06d", 1, saleStan))), true);
            assertEquals("00", known.getString(39));
            assertEquals(Mti.BATCH_UPLOAD_RESPONSE, known.mti());
            assertEquals("00", run.send(ACQUIRER_LINK, run.maced(Mti.BATCH_UPLOAD, 1, 201,
                Map.of(4, "000000001500", 61, String.format("%06d%06d", 1, 999_999))), true).getString(39));
            assertEquals("00", run.send(ACQUIRER_LINK, run.maced(Mti.BATCH_UPLOAD, 1, 202, Map.of()), true).getString(39));
            assertEquals(0, run.handler.batchTotals().debitCount(term0001), "the end of the upload closed the batch");
            assertEquals(2, run.handler.openBatch(term0001), "and the batch number moved on");
            // The next batch is empty and the terminal says so: in balance, flag 1.
            assertEquals('1', run.send(ACQUIRER_LINK, run.maced(Mti.RECONCILIATION_REQUEST, 2, Field60.NETWORK_BATCH_SETTLEMENT,
                Map.of(48, totals(0, 0))), true).getString(48).charAt(30));
        }

        final JournalConfig replayed = target(journal, dir);
        final Replayer.Report report = Replayer.replay(SwitchNode.handler(config, setup), setup, journal, replayed);
        assertEquals(sequence, report.replayed());
        assertEquals(List.of(), Replayer.differences(journal, replayed, 10));

        // What the journal says of it, as clearing reads it: awaited, matched, unmatched, settled out of balance, settled.
        final List<String> seen = new ArrayList<>();
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                final int at = record.decisionOffset();
                final Outcome outcome = Decision.outcome(record.buffer(), at);
                if (outcome == Outcome.SETTLED || outcome == Outcome.UPLOAD_AWAITED)
                {
                    seen.add(outcome + " batch " + Decision.batchNumber(record.buffer(), at) + (Decision.outOfBalance(record.buffer(), at) ? " out" : " in")
                        + " debits " + Decision.countDifference(record.buffer(), at, BatchTotals.DEBITS) + "/"
                        + Decision.amountDifference(record.buffer(), at, BatchTotals.DEBITS));
                }
                else if (outcome == Outcome.UPLOADED)
                {
                    seen.add(outcome + (Decision.uploadUnmatched(record.buffer(), at) ? " unmatched" : " matched"));
                }
            }
        }
        assertEquals(List.of("UPLOAD_AWAITED batch 1 out debits 1/1500", "UPLOADED matched", "UPLOADED unmatched",
            "SETTLED batch 1 out debits 1/1500", "SETTLED batch 2 in debits 0/0"), seen);
    }

    /**
     * A UnionPay magstripe upload (0320, 60.3 = 201) may list cards in field 48, which the journal leaves out. The
     * switch knows a settlement message again by what the journal keeps of it, so the terminal's retransmission of
     * that 0320 after a restart (its answer lost in it) gets its first answer again; compared byte for byte with the
     * journal's copy, it was uploaded a second time.
     */
    @Test
    void shouldKnowARetransmittedUploadThatListsCardsAfterRecovery(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final byte[] upload;
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            final int saleStan = saleSettledOutOfBalance(run);
            upload = run.maced(Mti.BATCH_UPLOAD, 1, 201, Map.of(4, "000000001000", 61, String.format("%06d%06d", 1, saleStan),
                48, "01" + "00" + String.format("%06d", saleStan) + PAN + "0000" + "000000001000"));
            assertEquals("00", run.send(ACQUIRER_LINK, upload, true).getString(39));
            // Live, the same bytes again are a retransmission.
            assertEquals("00", run.send(ACQUIRER_LINK, upload, true).getString(39));
            assertEquals(Outcome.RETRANSMITTED, Decision.outcome(run.event.decisionBuffer(), 0), "live");
        }

        final SwitchHandler recovered = SwitchNode.handler(config, setup);
        Replayer.recover(recovered, setup, journal);
        try (Run run = new Run(recovered, null))
        {
            run.link(EventType.NODE_START, -1, -1);
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK + 1, 0);
            assertEquals("00", run.send(ACQUIRER_LINK + 1, upload, true).getString(39));
            assertEquals(Outcome.RETRANSMITTED, Decision.outcome(run.event.decisionBuffer(), 0),
                "after recovery the same 0320 must still be a retransmission, not a second upload");
        }
    }

    /**
     * An 0320 longer than 512 bytes as it came, but not as the journal keeps it (field 48 left out): it is judged by
     * what is kept, so its retransmission is one live and in replay alike. It was never remembered live (too long) and
     * uploaded again, and remembered in replay, where the same retransmission came out RETRANSMITTED.
     */
    @Test
    void shouldReplayTheRetransmissionOfALongUploadAsItWentLive(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final byte[] upload;
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            final int saleStan = saleSettledOutOfBalance(run);
            final StringBuilder cards = new StringBuilder("08");
            while (cards.length() < 322)
            {
                cards.append('0');
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2048]);
            final MessageWriter writer = new MessageWriter(UnionPayPos.DIALECT).wrap(buffer, 0).mti(Mti.BATCH_UPLOAD)
                .putString(4, "000000001000").putString(11, String.format("%06d", ++stan)).putString(41, "TERM0001")
                .putString(42, "MERCHANT0000001").putString(48, cards.toString())
                .putString(60, Field60.format(Field60.TYPE_MANAGEMENT, 1, 201)).putString(61, String.format("%06d%06d", 1, saleStan))
                .putBytes(62, new byte[130]).putString(63, "X".repeat(150));
            final int length = writer.putBytes(64, new byte[Hsm.MAC_LENGTH]).finish();
            assertEquals(HsmResult.OK, terminal.generateMac(MAK, buffer, 0, length - Hsm.MAC_LENGTH, buffer, length - Hsm.MAC_LENGTH));
            upload = Arrays.copyOf(buffer.byteArray(), length);
            assertTrue(upload.length > 512, "longer than 512 as it came: " + upload.length);
            assertTrue(upload.length - 163 <= 512, "not without field 48");
            assertEquals("00", run.send(ACQUIRER_LINK, upload, true).getString(39));
            assertEquals("00", run.send(ACQUIRER_LINK, upload, true).getString(39));
            // Live it was uploaded a second time (512 bytes as it came: not remembered), where replay, with the journal's
            // shorter copy, says RETRANSMITTED. Known by what the journal keeps, it is a retransmission both ways.
            assertEquals(Outcome.RETRANSMITTED, Decision.outcome(run.event.decisionBuffer(), 0), "live, as replay will see it");
        }
        final JournalConfig replayed = target(journal, dir);
        Replayer.replay(SwitchNode.handler(config, setup), setup, journal, replayed);
        assertEquals(List.of(), Replayer.differences(journal, replayed, 10), "replay must decide as the switch did live");
    }

    @Test
    void shouldRecoverABatchSettledInBalanceAsSettledThoughItsCardsAreForeignNow(@TempDir final Path dir)
    {
        final SwitchConfig config = config(dir, TERMINAL_MASTER_KEY);
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final int term0001 = setup.acceptors().terminalIndex("TERM0001");
        try (Run run = new Run(SwitchNode.handler(config, setup), journal))
        {
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            run.signOn(ACQUIRER_LINK);
            assertEquals("00", run.purchase(ACQUIRER_LINK, 1_000, false));
            final MessageReader settled = run.send(ACQUIRER_LINK, run.maced(Mti.RECONCILIATION_REQUEST, 1, Field60.NETWORK_BATCH_SETTLEMENT,
                Map.of(48, totals(1, 1_000))), true);
            assertEquals('1', settled.getString(48).charAt(30), "one domestic sale, in balance");
            assertEquals(2, run.handler.openBatch(term0001));
        }

        // From the restart on, the range's cards are foreign. The terminal was told its batch closed: recovery must
        // not settle it again by today's BIN table and find it out of balance.
        final SwitchConfig foreign = SwitchConfig.parse(MAC_LISTENER + "interchange.terminals = [ { id = \"TERM0001\", merchant = \"MERCHANT0000001\","
            + " status = active, master-key = \"" + TERMINAL_MASTER_KEY + "\" } ]\n"
            + "interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\", origin = foreign } ]\n", "foreign.conf")
            .withJournalDir(dir.resolve("journal"));
        final SwitchSetup foreignSetup = SwitchNode.setup(foreign, Dialects.all());
        final SwitchHandler recovered = SwitchNode.handler(foreign, foreignSetup);
        Replayer.recover(recovered, foreignSetup, journal);
        assertEquals(2, recovered.openBatch(term0001), "closed in balance, as the terminal was told");
        assertEquals(0, recovered.batchTotals().debitCount(term0001));
    }

    /**
     * Issuer-a stops answering: 192 sales go to it (three quarters of an in-flight table of 256) and the rest are
     * answered 91. The table is made larger before the restart: recovery must still find the 192 in flight, with their
     * time-outs' 0420s to come, and the others answered, as the journal says, not forward them by today's quota.
     */
    @Test
    void shouldRecoverWhatWentToTheIssuerAsTheJournalSaysThoughItsQuotaChanged(@TempDir final Path dir)
    {
        final SwitchConfig config = quota(dir, 256);
        final SwitchSetup small = SwitchNode.setup(config, Dialects.all());
        final JournalConfig journal = SwitchNode.journalConfig(config);
        try (Run run = new Run(SwitchNode.handler(config, small), journal))
        {
            run.issuerSignedOn();
            run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            run.signOn(ACQUIRER_LINK);
            int forwarded = 0;
            for (int i = 0; i < 200; i++)
            {
                final byte[] sale = run.sale(60_000, true, null);
                run.acquirerMessage(ACQUIRER_LINK, new UnsafeBuffer(sale), sale.length);
                forwarded += run.event.outputLinkId(0) == ISSUER_LINK ? 1 : 0;
            }
            assertEquals(192, forwarded);
            assertEquals(192, run.handler.inFlight());
        }
        final SwitchConfig larger = quota(dir, 1_024);
        final SwitchSetup largerSetup = SwitchNode.setup(larger, Dialects.all());
        final SwitchHandler recovered = SwitchNode.handler(larger, largerSetup);
        Replayer.recover(recovered, largerSetup, journal);
        assertEquals(192, recovered.inFlight(), "in flight as the journal says: each owes its issuer an 0420 if it times out");
    }

    /** {@link #config} with an in-flight table of {@code inFlight} and no per-card frequency limit to speak of. */
    /** Replays the journal into a new one: every event replayed, and the two the same byte for byte. */
    private void assertReplaysByteForByte(final SwitchConfig config, final JournalConfig journal, final Path dir)
    {
        final JournalConfig replayed = target(journal, dir);
        assertEquals(sequence, Replayer.replay(SwitchNode.handler(config, setup), setup, journal, replayed).replayed());
        assertEquals(List.of(), Replayer.differences(journal, replayed, 10));
    }

    private static SwitchConfig quota(final Path dir, final int inFlight)
    {
        return SwitchConfig.parse(MAC_LISTENER + "interchange.terminals = [ { id = \"TERM0001\", merchant = \"MERCHANT0000001\","
            + " status = active, master-key = \"" + TERMINAL_MASTER_KEY + "\" } ]\n"
            + "interchange.limits { in-flight = " + inFlight + ", max-transactions-per-card-per-minute = 1000000 }\n", "quota.conf")
            .withJournalDir(dir.resolve("journal"));
    }

    /** Field 48 of a UnionPay 0500: domestic debits only, flag 0 (the answer fills it in), no foreign part. */
    private static String totals(final int debitCount, final long debitAmount)
    {
        return new SettlementTotals(new SettlementTotals.Part(debitAmount, debitCount, 0, 0, 0), new SettlementTotals.Part(0, 0, 0, 0, 0)).toDigits();
    }

    private static String hex(final MessageReader message)
    {
        final byte[] bytes = new byte[message.length()];
        message.buffer().getBytes(message.offset(), bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A reader over a copy of the message: the event's outputs are overwritten by the next event. */
    private static MessageReader copy(final MessageReader message)
    {
        final byte[] bytes = new byte[message.length()];
        message.buffer().getBytes(message.offset(), bytes);
        final MessageReader reader = new MessageReader(message.dialect());
        assertEquals(DecodeError.NONE, reader.wrap(bytes, 0, bytes.length));
        return reader;
    }

    /** The MAC listener alone and TERM0001 alone, with {@code masterKey}; the journal in {@code dir}. */
    /**
     * verify says a replay's outputs are the journal's "byte for byte": the card number an output went with is one of its
     * bytes, sealed apart. Two journals whose only output differs in its PAN alone (same length) must differ.
     */
    @Test
    void shouldFindAnOutputThatWentWithAnotherCardNumber(@TempDir final Path dir)
    {
        final JournalConfig journal = SwitchNode.journalConfig(config(dir, TERMINAL_MASTER_KEY));
        final JournalConfig other = target(journal, dir);
        for (final JournalConfig config : List.of(journal, other))
        {
            final SwitchEvent event = new SwitchEvent(8_192, 32_768, setup.dialects());
            event.reset(EventType.TICK, now, -1, -1, -1);
            event.decisionLength(Decision.LENGTH);
            final int offset = event.beginOutput(ISSUER_LINK, iso87b, 0);
            final MessageWriter w = new MessageWriter(setup.dialects().get(iso87b)).wrap(event.output(), offset).mti(Mti.FINANCIAL_REQUEST);
            w.putString(2, config == journal ? "4761739001010119" : "4761739001010127").putString(3, "000000").putString(4, "000000001000")
                .putString(11, "000001").putString(41, "TERM0001");
            event.endOutput(w.finish(), false);
            try (JournalWriter writer = new JournalWriter(config))
            {
                writer.append(event);
            }
        }
        assertFalse(Replayer.differences(journal, other, 10).isEmpty(), "an output with another card is not the journal's output");
    }

    private static SwitchConfig config(final Path dir, final String masterKey)
    {
        return config(dir, masterKey, "");
    }

    private static SwitchConfig config(final Path dir, final String masterKey, final String more)
    {
        final SwitchConfig config = SwitchConfig.parse(MAC_LISTENER + "interchange.terminals = [ { id = \"TERM0001\", merchant = \"MERCHANT0000001\","
            + " status = active, master-key = \"" + masterKey + "\" } ]\n" + more, "mac.conf");
        return dir == null ? config : config.withJournalDir(dir.resolve("journal"));
    }

    /** Each record's wait that the journal keeps, with its decision's outcome and response code, in order. */
    private static List<String> waits(final JournalConfig journal)
    {
        final List<String> waits = new ArrayList<>();
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                if (record.waitMicros() > 0)
                {
                    waits.add(record.waitMicros() + " us: " + Decision.outcome(record.buffer(), record.decisionOffset()) + " " +
                        Decision.responseCode(record.buffer(), record.decisionOffset()));
                }
            }
        }
        return waits;
    }

    private static JournalConfig target(final JournalConfig journal, final Path dir)
    {
        return new JournalConfig(dir.resolve("replay"), journal.durability(), journal.cutoff(), journal.zone(), journal.panEncryptionKey(),
            journal.panHashKey(), journal.dialects());
    }

    /** A switch handler fed event by event as the ring feeds it, each event journaled as the journal handler does. */
    private final class Run implements AutoCloseable
    {
        private final SwitchHandler handler;
        private final JournalWriter writer;
        private final SwitchEvent event = new SwitchEvent(4_096, 16_384, setup.dialects());
        private byte[] pinKey;
        private int nextWait;

        Run(final SwitchHandler handler, final JournalConfig journal)
        {
            this.handler = handler;
            this.writer = journal == null ? null : new JournalWriter(journal);
        }

        void link(final int type, final int link, final int endpoint)
        {
            event.reset(type, now, link, endpoint, -1);
            handle(event);
        }

        /** The next message waited {@code micros} between its link reading it and the switch taking it up, as the ring stamps it. */
        void waitNext(final int micros)
        {
            nextWait = micros;
        }

        /** Issuer-a's link up and signed on. */
        /** The issuer's link up and signed on, the acquirer's link up on listener 0 and TERM0001 signed on. */
        void signedOnBothSides()
        {
            issuerSignedOn();
            link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            signOn(ACQUIRER_LINK);
        }

        /** A new run's first events, as SwitchNode publishes them, and the terminal back on {@code link}. */
        void restarted(final int link)
        {
            link(EventType.NODE_START, -1, -1);
            link(EventType.ACQUIRER_UP, link, 0);
        }

        void issuerSignedOn()
        {
            link(EventType.ISSUER_UP, ISSUER_LINK, 0);
            final MessageReader signOn = output(0);
            final UnsafeBuffer answer = new UnsafeBuffer(new byte[256]);
            final int length = new MessageWriter(Iso87.BINARY).wrap(answer, 0).mti(Mti.NETWORK_MANAGEMENT_RESPONSE).putString(7, signOn.getString(7))
                .putString(11, signOn.getString(11)).putString(39, "00").putString(70, "001").finish();
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, iso87b, 0, answer, length);
            assertEquals(1, handler.signedOnLinks(0));
        }

        /** TERM0001 signs on (60.3 = 004); the terminal unwraps the keys of the answer into its HSM. Returns field 62. */
        byte[] signOn(final int link)
        {
            final MessageReader answer = signOnAnswer(link);
            assertEquals("00", answer.getString(39));
            final UnsafeBuffer keys = new UnsafeBuffer(answer.getBytes(WorkingKeys.FIELD));
            assertEquals(HsmResult.OK, terminal.formKey(TMK, KeyType.KEY_ENCRYPTION, HexFormat.of().parseHex(TERMINAL_MASTER_KEY)));
            assertEquals(HsmResult.OK, terminal.importWorkingKeys(TMK, PIK, MAK, TDK, keys, 0, keys.capacity()));
            // The terminal's PIN pad encrypts PIN blocks under this key; the test does it with plain JCE.
            pinKey = des3(HexFormat.of().parseHex(TERMINAL_MASTER_KEY), Cipher.DECRYPT_MODE, WorkingKeys.read(answer).pinKey());
            return keys.byteArray();
        }

        MessageReader signOnAnswer(final int link)
        {
            final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
            acquirerMessage(link, request, signOnRequest(request));
            assertEquals(1, event.outputCount());
            return output(0);
        }

        /** The sign-on, journaled as if its record had lost the answer: the event less its outputs. */
        void signOnJournaledWithoutItsAnswer(final int link)
        {
            final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
            fill(EventType.ACQUIRER_MESSAGE, link, 0, cups, TPDU_AND_HEADER.length, request, signOnRequest(request));
            event.sequence(sequence);
            handler.onEvent(event, sequence++, true);
            writer.append(new WithoutOutputs(event));
        }

        /** TERM0001's 0800 asking for double-length keys (60.3 = 004), written into {@code request}; returns its length. */
        private int signOnRequest(final UnsafeBuffer request)
        {
            return new MessageWriter(UnionPayPos.DIALECT).wrap(request, 0).mti(Mti.NETWORK_MANAGEMENT_REQUEST).putLong(11, ++stan)
                .putString(41, "TERM0001").putString(42, "MERCHANT0000001")
                .putString(60, Field60.format(Field60.TYPE_MANAGEMENT, 1, Field60.NETWORK_SIGN_ON)).finish();
        }

        /**
         * A card-present sale from TERM0001 (track 2 read), MACed with the key the terminal holds ({@code tampered}:
         * changed after its MAC was made); a forwarded one is approved by issuer-a. Returns the answer's field 39, after
         * checking the answer's MAC.
         */
        String purchase(final int link, final long amount, final boolean tampered)
        {
            final byte[] request = sale(amount, true, null);
            if (tampered)
            {
                request[request.length - Hsm.MAC_LENGTH - 1] ^= 1;
            }
            return send(link, request, !tampered).getString(39);
        }

        /**
         * TERM0001's sale of {@code amount}, MACed with the key the terminal holds: track 2 always, field 2 too when
         * {@code chip} (a swipe carries the card number only in track 2), and the clear PIN block {@code pinBlock}, if
         * any, encrypted under the PIN key the terminal holds. A new STAN each time.
         */
        byte[] sale(final long amount, final boolean chip, final byte[] pinBlock)
        {
            final UnsafeBuffer request = new UnsafeBuffer(new byte[512]);
            final MessageWriter writer = new MessageWriter(UnionPayPos.DIALECT).wrap(request, 0).mti(Mti.FINANCIAL_REQUEST);
            if (chip)
            {
                writer.putString(2, PAN);
            }
            writer.putString(3, "000000").putLong(4, amount).putLong(11, ++stan).putString(22, "021").putString(25, "00").putString(35, TRACK_2)
                .putString(41, "TERM0001").putString(42, "MERCHANT0000001").putString(49, "156");
            if (pinBlock != null)
            {
                writer.putBytes(52, des3(pinKey, Cipher.ENCRYPT_MODE, pinBlock));
            }
            final int length = writer.putString(60, Field60.format(Field60.TYPE_SALE, 1, 0)).putBytes(64, new byte[Hsm.MAC_LENGTH]).finish();
            assertEquals(HsmResult.OK, terminal.generateMac(MAK, request, 0, length - Hsm.MAC_LENGTH, request, length - Hsm.MAC_LENGTH));
            return Arrays.copyOf(request.byteArray(), length);
        }

        /** TERM0001's swiped void (60.1 = 23) of {@code amount}, naming in 61 its sale of batch 1 with STAN {@code saleStan}, MACed. */
        byte[] voidOf(final long amount, final int saleStan)
        {
            final UnsafeBuffer request = new UnsafeBuffer(new byte[512]);
            final int length = new MessageWriter(UnionPayPos.DIALECT).wrap(request, 0).mti(Mti.FINANCIAL_REQUEST).putString(3, "200000")
                .putLong(4, amount).putLong(11, ++stan).putString(22, "021").putString(25, "00").putString(35, TRACK_2).putString(41, "TERM0001")
                .putString(42, "MERCHANT0000001").putString(49, "156").putString(60, Field60.format(Field60.TYPE_VOID, 1, 0))
                .putString(61, String.format("%06d%06d", 1, saleStan)).putBytes(64, new byte[Hsm.MAC_LENGTH]).finish();
            assertEquals(HsmResult.OK, terminal.generateMac(MAK, request, 0, length - Hsm.MAC_LENGTH, request, length - Hsm.MAC_LENGTH));
            return Arrays.copyOf(request.byteArray(), length);
        }

        /** A settlement message from TERM0001 (0500, 0320): 11, 41, 42, 60 and what {@code fields} adds, MACed. */
        byte[] maced(final int mti, final int batch, final int networkCode, final Map<Integer, String> fields)
        {
            final Map<Integer, String> message = new TreeMap<>(fields);
            message.put(11, String.format("%06d", ++stan));
            message.put(41, "TERM0001");
            message.put(42, "MERCHANT0000001");
            message.put(60, Field60.format(Field60.TYPE_MANAGEMENT, batch, networkCode));
            final UnsafeBuffer request = new UnsafeBuffer(new byte[512]);
            final MessageWriter writer = new MessageWriter(UnionPayPos.DIALECT).wrap(request, 0).mti(mti);
            message.forEach(writer::putString);
            final int length = writer.putBytes(64, new byte[Hsm.MAC_LENGTH]).finish();
            assertEquals(HsmResult.OK, terminal.generateMac(MAK, request, 0, length - Hsm.MAC_LENGTH, request, length - Hsm.MAC_LENGTH));
            return Arrays.copyOf(request.byteArray(), length);
        }

        /**
         * Sends a request from the terminal; one the switch forwards is approved by issuer-a. Returns the answer the
         * terminal gets, its MAC checked with the key the terminal holds when {@code maced}.
         */
        MessageReader send(final int link, final byte[] request, final boolean maced)
        {
            acquirerMessage(link, new UnsafeBuffer(request), request.length);
            if (event.outputLinkId(0) == ISSUER_LINK)
            {
                final MessageReader forwarded = output(0);
                final UnsafeBuffer approval = new UnsafeBuffer(new byte[512]);
                final MessageWriter writer = new MessageWriter(Iso87.BINARY).wrap(approval, 0).mti(Mti.FINANCIAL_RESPONSE);
                for (final int field : new int[] {2, 3, 4, 7, 11, 37, 38, 39, 41, 42, 49})
                {
                    writer.putString(field, field == 38 ? "AB" + forwarded.getString(11).substring(2) : field == 39 ? "00" : forwarded.getString(field));
                }
                final int approvalLength = writer.finish();
                message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, iso87b, 0, approval, approvalLength);
            }
            assertEquals(link, event.outputLinkId(0));
            final MessageReader answer = output(0);
            if (maced)
            {
                assertEquals(HsmResult.OK, terminal.verifyMac(MAK, answer.buffer(), answer.offset(), answer.rawOffset(64) - answer.offset(),
                    answer.buffer(), answer.valueOffset(64)), "the answer's MAC, with the key the terminal holds");
            }
            return answer;
        }

        private void acquirerMessage(final int link, final DirectBuffer message, final int length)
        {
            message(EventType.ACQUIRER_MESSAGE, link, 0, cups, TPDU_AND_HEADER.length, message, length);
        }

        private void message(
            final int type, final int link, final int endpoint, final int dialect, final int headerLength, final DirectBuffer message, final int length)
        {
            fill(type, link, endpoint, dialect, headerLength, message, length);
            handle(event);
        }

        private void fill(
            final int type, final int link, final int endpoint, final int dialect, final int headerLength, final DirectBuffer message, final int length)
        {
            now += 1_000_000_000L;
            event.reset(type, now, link, endpoint, dialect);
            event.waitMicros(nextWait);
            nextWait = 0;
            event.frame().putBytes(0, TPDU_AND_HEADER, 0, headerLength);
            event.frame().putBytes(headerLength, message, 0, length);
            event.frameLengths(headerLength, length);
            event.decode();
            assertEquals(DecodeError.NONE, event.decodeError());
        }

        private void handle(final SwitchEvent e)
        {
            e.sequence(sequence);
            handler.onEvent(e, sequence++, true);
            if (writer != null)
            {
                writer.append(e);
            }
        }

        private MessageReader output(final int i)
        {
            final MessageReader reader = new MessageReader(setup.dialects().get(event.outputDialectId(i)));
            assertEquals(DecodeError.NONE, reader.wrap(event.outputBuffer(i), event.outputOffset(i), event.outputLength(i)));
            return reader;
        }

        @Override
        public void close()
        {
            if (writer != null)
            {
                writer.close();
            }
        }
    }

    /** ISO 9564 format 0: 0, the PIN length and the PIN, F-padded, XOR the rightmost 12 PAN digits before the check digit. */
    private static byte[] format0(final String pin)
    {
        final byte[] block = HexFormat.of().parseHex(("0" + pin.length() + pin + "FFFFFFFFFFFFFF").substring(0, 16));
        final byte[] account = HexFormat.of().parseHex("0000" + PAN.substring(PAN.length() - 13, PAN.length() - 1));
        for (int i = 0; i < block.length; i++)
        {
            block[i] ^= account[i];
        }
        return block;
    }

    /** Two-key triple DES, ECB, block by block: how field 62 and the PIN pad encrypt. */
    private static byte[] des3(final byte[] doubleLengthKey, final int mode, final byte[] data)
    {
        try
        {
            final byte[] k3 = Arrays.copyOf(doubleLengthKey, 24);
            System.arraycopy(doubleLengthKey, 0, k3, 16, 8);
            final Cipher cipher = Cipher.getInstance("DESede/ECB/NoPadding");
            cipher.init(mode, new SecretKeySpec(k3, "DESede"));
            return cipher.doFinal(data);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** An event as the journal would see it had the record lost its outputs. */
    private record WithoutOutputs(SwitchEvent event) implements JournalEntry
    {
        @Override
        public long sequence()
        {
            return event.sequence();
        }

        @Override
        public int eventType()
        {
            return event.eventType();
        }

        @Override
        public long timestampNanos()
        {
            return event.timestampNanos();
        }

        @Override
        public int linkId()
        {
            return event.linkId();
        }

        @Override
        public int waitMicros()
        {
            return event.waitMicros();
        }

        @Override
        public int inputDialectId()
        {
            return event.inputDialectId();
        }

        @Override
        public DirectBuffer inputBuffer()
        {
            return event.inputBuffer();
        }

        @Override
        public int inputOffset()
        {
            return event.inputOffset();
        }

        @Override
        public int inputLength()
        {
            return event.inputLength();
        }

        @Override
        public MessageReader inputReader()
        {
            return event.inputReader();
        }

        @Override
        public DirectBuffer decisionBuffer()
        {
            return event.decisionBuffer();
        }

        @Override
        public int decisionLength()
        {
            return event.decisionLength();
        }

        @Override
        public int outputCount()
        {
            return 0;
        }

        @Override
        public int outputLinkId(final int i)
        {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public int outputDialectId(final int i)
        {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public DirectBuffer outputBuffer(final int i)
        {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public int outputOffset(final int i)
        {
            throw new IndexOutOfBoundsException(i);
        }

        @Override
        public int outputLength(final int i)
        {
            throw new IndexOutOfBoundsException(i);
        }
    }

    /**
     * The issuer and the terminal signed on, a sale of 1,000 approved, and batch 1's 0500 out of balance (the terminal
     * counts 2 for 2,500): an upload awaited. Returns the sale's STAN.
     */
    private int saleSettledOutOfBalance(final Run run)
    {
        run.issuerSignedOn();
        run.link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        run.signOn(ACQUIRER_LINK);
        assertEquals("00", run.purchase(ACQUIRER_LINK, 1_000, false));
        final int saleStan = stan;
        assertEquals("00", run.send(ACQUIRER_LINK, run.maced(Mti.RECONCILIATION_REQUEST, 1, Field60.NETWORK_BATCH_SETTLEMENT,
            Map.of(48, totals(2, 2_500))), true).getString(39));
        return saleStan;
    }
}
