package io.interchange.engine.replay;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.MutableDirectBuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.Field60;
import io.interchange.codec.cups.SettlementTotals;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.security.Hsm;
import io.interchange.engine.security.HsmResult;
import io.interchange.engine.security.KeyLoader;
import io.interchange.engine.security.KeySlots;
import io.interchange.engine.security.SoftwareHsm;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalWriter;

/** Review of the online path: where the terminal, its batch and the issuer end up disagreeing about money. */
class OnlineReviewTest
{
    private static final int ACQUIRER_LINK = 7;
    private static final int POS_LINK = 9;
    private static final int[] ISSUER_LINKS = {40, 50};
    private static final String[] BINS = {"476173", "622848"};

    private SwitchSetup setup = SwitchNode.setup(SwitchConfig.defaults(), Dialects.all());
    private final int iso87b = setup.dialects().indexOf(Dialects.byName("iso87b"));
    private SwitchEvent event = new SwitchEvent(8_192, 32_768, setup.dialects());
    private long now = Instant.parse("2026-11-26T10:00:00Z").getEpochSecond() * 1_000_000_000L;
    private long sequence;
    private int stan;
    private SwitchHandler handler;
    private JournalWriter writer;

    /**
     * A UnionPay POS sale, then its void (0200, processing 20, 60.1 = 23, 61 naming the sale), both approved by the
     * issuer; then the terminal's 0500. A POS terminal's batch leaves a voided sale and its void out (the switch's own
     * settlePos says so), so it reports nothing: debits 0, credits 0. The switch must find that batch in balance.
     */
    @Test
    void unionPayBatchWithASaleAndItsVoidShouldBalanceWhenTheTerminalLeavesBothOut(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(SwitchNode.journalConfig(config));
        try
        {
            signOn(0);
            posSignedOn("000201", 1);
            final Map<Integer, String> sale = pos("000202", "000000", Field60.TYPE_SALE);
            approvedOnPos(sale);
            final Map<Integer, String> voided = pos("000203", "200000", Field60.TYPE_VOID);
            voided.put(61, "000001" + sale.get(11));
            approvedOnPos(voided);

            final Map<Integer, String> settlement = new HashMap<>();
            settlement.put(11, "000204");
            settlement.put(41, "TERM0005");
            settlement.put(42, "MERCHANT0000003");
            settlement.put(48, new SettlementTotals(new SettlementTotals.Part(0, 0, 0, 0, 0), new SettlementTotals.Part(0, 0, 0, 0, 0)).toDigits());
            settlement.put(49, "156");
            settlement.put(60, Field60.format(Field60.TYPE_MANAGEMENT, 1, Field60.NETWORK_BATCH_SETTLEMENT));
            posMessage(Mti.RECONCILIATION_REQUEST, settlement);
            final SettlementTotals answered = SettlementTotals.read(output(0));
            assertEquals(SettlementTotals.IN_BALANCE, answered.domestic().balanceFlag(),
                "the sale was voided: the terminal's batch holds nothing, and neither should the switch's");
        }
        finally
        {
            writer.close();
        }
    }


    /**
     * An issuer time-out shortened over a restart (60 s, then 5 s). Live, issuer-a approved a purchase after 40 s,
     * within its 60 s, and the terminal got the approval; an echo tick went between. Recovery recomputes the deadline
     * from the new setting, times the purchase out on the journaled echo tick and takes the approval for a late one:
     * the recovered switch has it out of the terminal's batch and owes issuer-a an 0420 that reverses a sale the
     * terminal holds approved.
     */
    @Test
    void recoveryShouldKeepAnApprovalTheJournalRelayedThoughTheIssuersTimeOutWasShortenedSince(@TempDir final Path dir)
    {
        final SwitchConfig live = issuerA("timeout = 60s", "stand-in { enabled = true, floor-limit = 50000 }", dir);
        final SwitchSetup liveSetup = SwitchNode.setup(live, Dialects.all());
        final JournalConfig journal = SwitchNode.journalConfig(live);
        handler = SwitchNode.handler(live, liveSetup);
        writer = new JournalWriter(journal);
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        try
        {
            acquirerSignedOn();
            signOn(0);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 1), 2_500));
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded");
            final Map<Integer, String> approval = SwitchMessages.issuerAnswer(output(0), "00");
            now += 31_000_000_000L;
            tick();
            assertEquals(false, event.isQuiet(), "an echo test went to issuer-a: the tick is journaled");
            now += 9_000_000_000L;
            message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, approval);
            assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
            assertEquals("00", output(0).getString(39), "approved within issuer-a's 60 s");
            assertEquals(1, handler.batchTotals().debitCount(terminal));
            assertEquals(0, handler.advicesPending());
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig shortened = issuerA("timeout = 5s", "stand-in { enabled = true, floor-limit = 50000 }", dir);
        restart(shortened, SwitchNode.setup(shortened, Dialects.all()), journal);
        final int debits = handler.batchTotals().debitCount(terminal) > 0 ? (int)handler.batchTotals().debitCount(terminal) : 0;
        final int owed = handler.advicesPending();
        assertAll(() -> assertEquals(1, debits, "the approval the terminal holds is in its batch"),
            () -> assertEquals(0, owed, "and nothing is owed to issuer-a: no 0420 of a sale the terminal holds approved"));
    }

    /**
     * The other way round: a 5 s time-out that issuer-a stands in for (on-time-out), then a restart with 60 s. Live the
     * terminal got the stand-in's approval and issuer-a is owed the time-out's 0420 and the stand-in's 0220. Recovery
     * sees no time-out on the journaled tick, so the stand-in is gone from the batch and its 0220 from the queue: when the
     * purchase times out again after the restart its terminal's link is gone, and issuer-a never hears of the sale.
     */
    @Test
    void recoveryShouldKeepAStandInOnTimeOutTheJournalGaveThoughTheIssuersTimeOutWasLengthenedSince(@TempDir final Path dir)
    {
        final String standIn = "stand-in { enabled = true, floor-limit = 50000, on-time-out = true }";
        final SwitchConfig live = issuerA("timeout = 5s", standIn, dir);
        final SwitchSetup liveSetup = SwitchNode.setup(live, Dialects.all());
        final JournalConfig journal = SwitchNode.journalConfig(live);
        handler = SwitchNode.handler(live, liveSetup);
        writer = new JournalWriter(journal);
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        try
        {
            acquirerSignedOn();
            signOn(0);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 2), 2_500));
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded, and issuer-a never answers");
            now += 6_000_000_000L;
            tick();
            boolean stoodIn = false;
            for (int i = 0; i < event.outputCount(); i++)
            {
                stoodIn |= event.outputLinkId(i) == ACQUIRER_LINK && "00".equals(output(i).getString(39));
            }
            assertEquals(true, stoodIn, "stood in on the time-out");
            assertEquals(1, handler.batchTotals().debitCount(terminal));
            assertEquals(2, handler.advicesPending(), "the time-out's 0420 and the stand-in's 0220");
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig lengthened = issuerA("timeout = 60s", standIn, dir);
        restart(lengthened, SwitchNode.setup(lengthened, Dialects.all()), journal);
        final long debits = handler.batchTotals().debitCount(terminal);
        final int owed = handler.advicesPending();
        assertAll(() -> assertEquals(1, debits, "the stand-in the terminal holds is in its batch"),
            () -> assertEquals(2, owed, "issuer-a is still owed the 0420 and the stand-in's 0220"));
    }


    /**
     * limits.duplicate-window narrowed over a restart (24 h, then 1 h). Live, a purchase whose field 7 was two hours
     * off (a terminal clock on local time, say) was within the window, forwarded and approved. Recovery judges its field 7
     * again under the new window and answers it 94 instead: the approval is gone from the terminal's batch, and the
     * terminal's reversal of it finds no original (25), so issuer-a keeps a charge the terminal reversed.
     */
    @Test
    void recoveryShouldKeepAnApprovalTheJournalForwardedThoughTheDuplicateWindowWasNarrowedSince(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        final Map<Integer, String> purchase = SwitchMessages.request(card(0, 3), "000000", 2_500, now - 7_200_000_000_000L, ++stan);
        try
        {
            acquirerSignedOn();
            signOn(0);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "field 7 two hours off is within 24 h: forwarded");
            message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
            assertEquals("00", output(0).getString(39));
            assertEquals(1, handler.batchTotals().debitCount(terminal));
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig narrowed = SwitchConfig.parse("interchange.limits.duplicate-window = 1h", "limits.conf")
            .withJournalDir(dir.resolve("journal"));
        restart(narrowed, SwitchNode.setup(narrowed, Dialects.all()), journal);
        final long debits = handler.batchTotals().debitCount(terminal);
        acquirerSignedOn();
        final Map<Integer, String> reversal = request(purchase.get(2), 2_500);
        reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        final String reversed = output(0).getString(39);
        final int owed = handler.advicesPending();
        assertAll(() -> assertEquals(1, debits, "the approval the terminal holds is in its batch"),
            () -> assertEquals("00", reversed, "the terminal's reversal finds its original"),
            () -> assertEquals(1, owed, "and issuer-a is owed its 0420"));
    }


    /**
     * issuer-a's MAC key changed over a restart (a key rotation: issuer keys live in the settings). Live, issuer-a's
     * approval held under the key of then and the terminal got it. Recovery checks the journaled answer's MAC again,
     * under the new key, takes it for no answer and times the purchase out: the approval is gone from the batch, and
     * issuer-a gets an 0420 (68) reversing a sale the terminal holds approved. Every approval of the journal alike.
     */
    @Test
    void recoveryShouldKeepAnApprovalWhoseMacHeldThoughTheIssuersMacKeyChangedSince(@TempDir final Path dir)
    {
        final SwitchConfig live = issuerA("timeout = 5s", "stand-in { enabled = true, floor-limit = 50000 }, mac-key = \"2315208C9110AD402315208C9110AD40\"", dir);
        final SwitchSetup liveSetup = SwitchNode.setup(live, Dialects.all());
        final JournalConfig journal = SwitchNode.journalConfig(live);
        handler = SwitchNode.handler(live, liveSetup);
        writer = new JournalWriter(journal);
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        try
        {
            acquirerSignedOn();
            signOn(0);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 4), 2_500));
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded");
            macedAnswer(live, SwitchMessages.issuerAnswer(output(0), "00"));
            assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
            assertEquals("00", output(0).getString(39), "the approval's MAC held");
            assertEquals(1, handler.batchTotals().debitCount(terminal));
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig rotated = issuerA("timeout = 5s", "stand-in { enabled = true, floor-limit = 50000 }, mac-key = \"0123456789ABCDEFFEDCBA9876543210\"", dir);
        restart(rotated, SwitchNode.setup(rotated, Dialects.all()), journal);
        final long debits = handler.batchTotals().debitCount(terminal);
        final int inFlight = handler.inFlight();
        now += 6_000_000_000L;
        tick();
        final int owed = handler.advicesPending();
        assertAll(() -> assertEquals(1, debits, "the approval the terminal holds is in its batch"),
            () -> assertEquals(0, inFlight, "answered: nothing still with issuer-a"),
            () -> assertEquals(0, owed, "no 0420 of a sale the terminal holds approved"));
    }

    /** An answer from issuer-a (ISO 8583:1987 binary) with its MAC in field 64 under issuer-a's key in {@code config}. */
    private void macedAnswer(final SwitchConfig config, final Map<Integer, String> fields)
    {
        now += 1_000_000L;
        final KeySlots slots = new KeySlots(config.terminals().size(), config.issuers().size(), config.listeners().size());
        final Hsm hsm = SoftwareHsm.withRandomLmk(slots.capacity());
        KeyLoader.loadIssuerKeys(hsm, slots, config.issuers());
        event.reset(EventType.ISSUER_MESSAGE, now, ISSUER_LINKS[0], 0, iso87b);
        final MutableDirectBuffer frame = event.frame();
        final MessageWriter writer = new MessageWriter(setup.dialects().get(iso87b)).wrap(frame, 0).mti(Mti.FINANCIAL_RESPONSE);
        new TreeMap<>(fields).forEach(writer::putString);
        final int length = writer.finish();
        final int lastBitmapByte = setup.dialects().get(iso87b).mtiLength() + 7;
        frame.putByte(lastBitmapByte, (byte)(frame.getByte(lastBitmapByte) | 0x01));
        assertEquals(HsmResult.OK, hsm.generateMac(slots.issuerMacKey(0), frame, 0, length, frame, length));
        event.frameLengths(0, length + Hsm.MAC_LENGTH);
        event.decode();
        assertEquals(DecodeError.NONE, event.decodeError());
        handle();
    }


    /**
     * MACs turned on for the UnionPay POS listener over a restart (mac = false, then true). Live, TERM0005's sale was
     * approved without a MAC, as the listener then asked. Recovery asks again whether the request may go on under the
     * new setting: the terminal holds no working keys in the journal, so the sale is answered 91 in replay and is gone
     * from the batch the terminal settles against (and from the history its reversal would find).
     */
    @Test
    void recoveryShouldKeepASaleTheJournalApprovedThoughItsListenerTurnedMacsOnSince(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        final int terminal = setup.acceptors().terminalIndex("TERM0005");
        try
        {
            signOn(0);
            posSignedOn("000201", 1);
            approvedOnPos(pos("000202", "000000", Field60.TYPE_SALE));
            assertEquals(1, handler.batchTotals().debitCount(terminal));
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig macs = SwitchConfig.parse("""
            interchange.listeners = [
              { name = "pos-iso87", host = "127.0.0.1", port = 8583, dialect = "iso87b", framing = "binary-2",
                acquirer-id = "10000001", allow = ["127.0.0.1/32"], idle-timeout = 120s, max-frame = 4096, mac = false }
              { name = "pos-cups", host = "127.0.0.1", port = 8584, dialect = "cups", framing = "unionpay-pos",
                acquirer-id = "10000002", allow = ["127.0.0.1/32"], idle-timeout = 120s, max-frame = 4096, mac = true }
            ]
            """, "macs.conf").withJournalDir(dir.resolve("journal"));
        restart(macs, SwitchNode.setup(macs, Dialects.all()), journal);
        assertEquals(1, handler.batchTotals().debitCount(terminal), "the sale the terminal holds approved is in its batch");
    }

    // ---------------------------------------------------------------- helpers

    private int cups()
    {
        return setup.dialects().indexOf(UnionPayPos.DIALECT);
    }

    /** A UnionPay POS message of TERM0005 (batch 1, yuan), a swipe of a card of issuer-a, transaction type {@code type}. */
    private static Map<Integer, String> pos(final String stan, final String processing, final int type)
    {
        final Map<Integer, String> m = new HashMap<>();
        final String pan = card(0, 9);
        m.put(3, processing);
        m.put(4, String.format("%012d", 5_000));
        m.put(11, stan);
        m.put(22, "021");
        m.put(35, pan + "=30122011143804400000");
        m.put(41, "TERM0005");
        m.put(42, "MERCHANT0000003");
        m.put(49, "156");
        m.put(60, Field60.format(type, 1, 0).substring(0, 8));
        return m;
    }

    private void approvedOnPos(final Map<Integer, String> request)
    {
        posMessage(Mti.FINANCIAL_REQUEST, request);
        assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));
    }

    private void posSignedOn(final String stan, final int batch)
    {
        link(EventType.ACQUIRER_UP, POS_LINK, 1);
        final Map<Integer, String> signOn = new HashMap<>();
        signOn.put(11, stan);
        signOn.put(41, "TERM0005");
        signOn.put(42, "MERCHANT0000003");
        signOn.put(60, Field60.format(Field60.TYPE_MANAGEMENT, batch, Field60.NETWORK_SIGN_ON));
        posMessage(Mti.NETWORK_MANAGEMENT_REQUEST, signOn);
        assertEquals("00", output(0).getString(39));
    }

    private void posMessage(final int mti, final Map<Integer, String> fields)
    {
        now += 1_000_000L;
        SwitchMessages.fill(setup, event, EventType.ACQUIRER_MESSAGE, now, POS_LINK, 1, cups(), mti, fields);
        handle();
    }

    private void acquirerSignedOn()
    {
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
    }

    private List<MessageReader> signOn(final int issuer)
    {
        link(EventType.ISSUER_UP, ISSUER_LINKS[issuer], issuer);
        final MessageReader signOn = output(0);
        final Map<Integer, String> answer = Map.of(7, signOn.getString(7), 11, signOn.getString(11), 39, "00", 70, "001");
        final List<MessageReader> advices = new ArrayList<>(advices());
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[issuer], issuer, Mti.NETWORK_MANAGEMENT_RESPONSE, answer);
        advices.addAll(advices());
        return advices;
    }

    private List<MessageReader> advices()
    {
        return SwitchMessages.advices(setup, event);
    }

    private void tick()
    {
        now += 10_000_000L;
        link(EventType.TICK, -1, -1);
    }

    private void link(final int type, final int link, final int endpoint)
    {
        event.reset(type, now, link, endpoint, -1);
        handle();
    }

    private void message(final int type, final int link, final int endpoint, final int mti, final Map<Integer, String> fields)
    {
        now += 1_000_000L;
        SwitchMessages.fill(setup, event, type, now, link, endpoint, iso87b, mti, fields);
        handle();
    }

    private void handle()
    {
        event.sequence(sequence);
        handler.onEvent(event, sequence++, true);
        if (writer != null && !event.isQuiet())
        {
            writer.append(event);
        }
    }

    /** The default issuers, issuer-a with {@code timeout} and {@code standIn}, journaling into the test's folder. */
    private static SwitchConfig issuerA(final String timeout, final String standIn, final Path dir)
    {
        return SwitchConfig.parse("""
            interchange.issuers = [
              { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 2,
                %s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s },
                %s }
              { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = 9102 } ], connections = 2,
                timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s },
                stand-in { enabled = false, floor-limit = 0 } }
            ]
            """.formatted(timeout, standIn), "issuers.conf").withJournalDir(dir.resolve("journal"));
    }

    private void restart(final SwitchConfig config, final SwitchSetup with, final JournalConfig journal)
    {
        handler = SwitchNode.handler(config, with);
        writer = null;
        event = new SwitchEvent(8_192, 32_768, with.dialects());
        Replayer.recover(handler, with, journal);
        link(EventType.NODE_START, -1, -1);
    }

    private void restart(final SwitchConfig config, final JournalConfig journal)
    {
        handler = SwitchNode.handler(config, setup);
        writer = null;
        event = new SwitchEvent(8_192, 32_768, setup.dialects());
        Replayer.recover(handler, setup, journal);
        link(EventType.NODE_START, -1, -1);
    }

    private MessageReader output(final int i)
    {
        return SwitchMessages.output(setup, event, i);
    }

    private Map<Integer, String> request(final String pan, final long amount)
    {
        return SwitchMessages.request(pan, "000000", amount, now, ++stan);
    }

    private static String card(final int issuer, final int i)
    {
        return SwitchMessages.card(BINS[issuer], i);
    }
}
