package io.interchange.engine.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.Field60;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalWriter;

/**
 * Random days of an ISO 8583:1987 terminal and a UnionPay POS terminal, driven through the switch handler around the
 * 23:00 cutoff, with issuers that answer in any order, decline, never answer, go down (stand-in) and come back. Over the
 * two business days cleared, each card's settled money equals what its issuer booked from what the switch told it:
 * approvals it gave, advices it got, reversals it was sent.
 */
class ClearingBooksPropertyTest
{
    private static final int[] ISSUER_LINKS = {40, 50};
    private static final String[] BINS = {"476173", "622848"};
    private static final LocalDate DAY_1 = LocalDate.of(2026, 11, 26);
    private static final LocalDate DAY_2 = LocalDate.of(2026, 11, 27);
    private static final int STEPS = 260;

    private static final SwitchConfig STANDING_IN = SwitchConfig.parse("""
        interchange.issuers = [
          { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 1,
            timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s },
            stand-in { enabled = true, floor-limit = 50000, on-time-out = true } }
          { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = 9102 } ], connections = 1,
            timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s },
            stand-in { enabled = false, floor-limit = 0 } }
        ]
        """, "stand-in-on-time-out.conf");

    private SwitchSetup setup = SwitchNode.setup(SwitchConfig.defaults(), Dialects.all());
    private final int iso87b = Dialects.all().indexOf(Dialects.byName("iso87b"));
    private final int cups = Dialects.all().indexOf(UnionPayPos.DIALECT);
    private SwitchEvent event;
    private SwitchHandler handler;
    private JournalWriter writer;
    private SplittableRandom random;
    private long now;
    private long sequence;
    private int stan;
    private int posStan;
    private int isoLink;
    private int posLink;
    private int nextLink;

    /** What an issuer booked, by the key it got a message under: its STAN and field 7. */
    private Map<String, Booked> booked;
    /** Requests with an issuer, not answered yet. */
    private List<Pending> pending;
    /** Issuer messages to send once the current event is done: answers to advices and echoes. */
    private List<Runnable> owed;
    private boolean[] issuerUp;
    private List<Map<Integer, String>> isoSent;
    private List<Integer> isoMtis;
    private List<Map<Integer, String>> posSent;
    private List<Integer> posMtis;

    private static final class Booked
    {
        final String pan;
        final long signed;
        boolean reversed;

        Booked(final String pan, final long signed)
        {
            this.pan = pan;
            this.signed = signed;
        }
    }

    private record Pending(int issuer, int mti, Map<Integer, String> answer, String key, String pan, long signed)
    {
    }

    @Test
    void eachCardSettlesWhatItsIssuerBookedOverRandomDaysAcrossTheCutoff(@TempDir final Path dir) throws Exception
    {
        final long first = Long.getLong("interchange.seed", 1L);
        final int days = Integer.getInteger("interchange.days", 40);
        for (long seed = first; seed < first + days; seed++)
        {
            final Path journal = Files.createDirectory(dir.resolve("seed-" + seed));
            runDay(journal, seed);
        }
    }

    private void runDay(final Path dir, final long seed)
    {
        random = new SplittableRandom(seed);
        event = new SwitchEvent(8_192, 32_768, setup.dialects());
        now = Instant.parse("2026-11-26T22:52:00Z").getEpochSecond() * 1_000_000_000L;
        sequence = 0;
        stan = 0;
        posStan = 100;
        booked = new HashMap<>();
        pending = new ArrayList<>();
        owed = new ArrayList<>();
        issuerUp = new boolean[2];
        isoSent = new ArrayList<>();
        isoMtis = new ArrayList<>();
        posSent = new ArrayList<>();
        posMtis = new ArrayList<>();
        final boolean standsInOnTimeOut = random.nextBoolean();
        final SwitchConfig config = (standsInOnTimeOut ? STANDING_IN : SwitchConfig.defaults()).withJournalDir(dir.resolve("journal"));
        setup = SwitchNode.setup(config, Dialects.all());
        final SwitchSetup s = setup;
        // A small duplicate history on some days: originals forgotten, kept holds and sales, reversals answered 25. Still
        // more than twice what these days ever have in flight or owing a stand-in's advice, as the config demands of any.
        handler = SwitchNode.handler(config, random.nextBoolean() ? setup : new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(),
            s.issuers(), s.bins(), s.acceptors(), s.limits(), s.zone(), s.cutoff(), s.inFlightCapacity(), s.inFlightMaxFrame(), 64, s.forgottenKeys(),
            s.adviceCapacity(), s.preAuthorizations(), s.posSales()));
        isoLink = 7;
        posLink = 9;
        nextLink = 100;
        writer = new JournalWriter(SwitchNode.journalConfig(config));
        try
        {
            isoUp();
            posUp();
            issuerUp(0);
            issuerUp(1);
            for (int step = 0; step < STEPS; step++)
            {
                now += random.nextLong(200_000_000L, 2_500_000_000L);
                step();
            }
            // The day's end: every request answered or timed out, every advice delivered and acknowledged.
            for (int i = 0; i < 2; i++)
            {
                if (!issuerUp[i])
                {
                    issuerUp(i);
                }
            }
            for (int i = 0; i < 6; i++)
            {
                now += 7_000_000_000L;
                link(EventType.TICK, -1, -1);
            }
        }
        finally
        {
            writer.close();
        }
        final Map<String, Long> issuers = new TreeMap<>();
        for (final Booked b : booked.values())
        {
            if (!b.reversed && b.signed != 0)
            {
                issuers.merge(masked(b.pan), b.signed, Long::sum);
            }
        }
        issuers.values().removeIf(v -> v == 0);
        final Map<String, Long> cleared = new TreeMap<>();
        final Map<String, Long> byTerminal = new TreeMap<>();
        for (final LocalDate day : new LocalDate[] {DAY_1, DAY_2})
        {
            final DayTransactions t;
            try
            {
                t = DayReader.read(config, day).transactions();
            }
            catch (final ClearingException ex)
            {
                continue; // no records that day
            }
            for (int row = 0; row < t.size(); row++)
            {
                if (t.settles(row))
                {
                    cleared.merge(t.maskedPan(row), t.isCredit(row) ? -t.amount(row) : t.amount(row), Long::sum);
                    byTerminal.merge(t.terminal(row), t.isCredit(row) ? -t.amount(row) : t.amount(row), Long::sum);
                }
            }
        }
        cleared.values().removeIf(v -> v == 0);
        assertEquals(issuers, cleared, "seed " + seed + " (-Dinterchange.seed): issuers' books by card, against clearing's");
        // Neither terminal settled its batch: what the switch's batch totals hold is what clearing settled for it.
        for (final String terminal : new String[] {"TERM0001", "TERM0005"})
        {
            assertEquals(handler.batchTotals().netAmount(setup.acceptors().terminalIndex(terminal)), (long)byTerminal.getOrDefault(terminal, 0L),
                "seed " + seed + ": " + terminal + "'s batch against clearing");
        }
    }

    private void step()
    {
        final int pick = random.nextInt(100);
        if (pick < 40 && !pending.isEmpty())
        {
            while (!pending.isEmpty() && random.nextInt(3) > 0)
            {
                answerPending();
            }
        }
        else if (pick < 43)
        {
            now += 6_000_000_000L;
            link(EventType.TICK, -1, -1);
        }
        else if (pick < 45)
        {
            final int issuer = random.nextInt(2);
            if (issuerUp[issuer])
            {
                issuerUp[issuer] = false;
                pending.removeIf(p -> p.issuer() == issuer);
                link(EventType.ISSUER_DOWN, ISSUER_LINKS[issuer], issuer);
            }
            else
            {
                issuerUp(issuer);
            }
        }
        else if (pick < 47)
        {
            // A terminal's link drops and it dials again: approvals that come meanwhile are reversed at once.
            if (random.nextBoolean())
            {
                link(EventType.ACQUIRER_DOWN, isoLink, 0);
                isoLink = nextLink++;
                isoUp();
            }
            else
            {
                link(EventType.ACQUIRER_DOWN, posLink, 1);
                posLink = nextLink++;
                posUp();
            }
        }
        else if (pick < 70)
        {
            isoStep();
        }
        else
        {
            posStep();
        }
    }

    private void answerPending()
    {
        final Pending p = pending.remove(random.nextInt(pending.size()));
        final String code = random.nextInt(5) == 0 ? "05" : "00";
        if (code.equals("00"))
        {
            booked.put(p.key(), new Booked(p.pan(), p.mti() == Mti.FINANCIAL_REQUEST ? p.signed() : 0));
        }
        final Map<Integer, String> answer = new HashMap<>(p.answer());
        answer.put(39, code);
        issuer(p.issuer(), p.mti() + 10, answer);
    }

    private void isoStep()
    {
        final int pick = random.nextInt(100);
        final int issuer = random.nextInt(2);
        final String pan = SwitchMessages.card(BINS[issuer], random.nextInt(1, 40));
        final long amount = random.nextLong(100, 80_000);
        if (pick < 30)
        {
            isoSend(Mti.FINANCIAL_REQUEST, SwitchMessages.request(pan, "000000", amount, now, ++stan));
        }
        else if (pick < 40)
        {
            isoSend(Mti.FINANCIAL_REQUEST, SwitchMessages.request(pan, "200000", amount, now, ++stan));
        }
        else if (pick < 50)
        {
            isoSend(Mti.AUTHORIZATION_REQUEST, SwitchMessages.request(pan, "000000", amount, now, ++stan));
        }
        else if (pick < 53)
        {
            final Map<Integer, String> advice = SwitchMessages.request(pan, "000000", amount, now, ++stan);
            advice.put(38, "AC0001");
            advice.put(39, random.nextInt(4) == 0 ? "05" : "00");
            isoSend(Mti.AUTHORIZATION_ADVICE, advice);
        }
        else if (pick < 55)
        {
            isoSend(Mti.FINANCIAL_REQUEST, SwitchMessages.request(pan, "310000", 0, now, ++stan));
        }
        else if (pick < 70 && !isoSent.isEmpty())
        {
            int i = random.nextInt(isoSent.size());
            for (int tries = 0; tries < 5 && isoMtis.get(i) / 100 != 1; tries++)
            {
                i = random.nextInt(isoSent.size());
            }
            final Map<Integer, String> hold = isoSent.get(i);
            final Map<Integer, String> completion = SwitchMessages.request(hold.get(2), "000000",
                random.nextBoolean() ? Long.parseLong(hold.get(4)) : random.nextLong(1, Math.max(2, Long.parseLong(hold.get(4)) + 1)), now, ++stan);
            completion.put(38, "AB1234");
            completion.put(90, String.format("%04d", isoMtis.get(i)) + hold.get(11) + hold.get(7) + "0".repeat(22));
            isoSend(Mti.FINANCIAL_ADVICE, completion);
        }
        else if (pick < 88 && !isoSent.isEmpty())
        {
            final int i = random.nextInt(isoSent.size());
            final Map<Integer, String> original = isoSent.get(i);
            final Map<Integer, String> reversal = SwitchMessages.request(original.get(2), original.get(3), Long.parseLong(original.get(4)), now, ++stan);
            reversal.put(90, String.format("%04d", isoMtis.get(i)) + original.get(11) + original.get(7) + "0".repeat(22));
            final int mti = random.nextBoolean() ? Mti.REVERSAL_REQUEST : Mti.REVERSAL_ADVICE;
            acquirer(isoLink, 0, iso87b, mti, reversal);
            if (random.nextInt(3) == 0)
            {
                now += 1_000_000_000L;
                acquirer(isoLink, 0, iso87b, mti + 1, reversal);
            }
        }
        else if (!isoSent.isEmpty())
        {
            final int i = random.nextInt(isoSent.size());
            acquirer(isoLink, 0, iso87b, isoMtis.get(i), isoSent.get(i));
        }
    }

    private void isoSend(final int mti, final Map<Integer, String> request)
    {
        isoSent.add(request);
        isoMtis.add(mti);
        acquirer(isoLink, 0, iso87b, mti, request);
    }

    private void posStep()
    {
        final int pick = random.nextInt(100);
        final int issuer = random.nextInt(2);
        final String pan = SwitchMessages.card(BINS[issuer], random.nextInt(500, 540));
        final long amount = random.nextLong(100, 80_000);
        if (pick < 25)
        {
            posSend(Mti.FINANCIAL_REQUEST, pos(pan, "000000", amount, Field60.TYPE_SALE));
        }
        else if (pick < 33)
        {
            posSend(Mti.FINANCIAL_ADVICE, pos(pan, "200000", amount, Field60.TYPE_REFUND));
        }
        else if (pick < 45)
        {
            posSend(Mti.AUTHORIZATION_REQUEST, pos(pan, "030000", amount, Field60.TYPE_PRE_AUTH));
        }
        else if (pick < 80 && !posSent.isEmpty())
        {
            int i = random.nextInt(posSent.size());
            for (int tries = 0; tries < 5 && posSent.get(i).get(3).startsWith("20"); tries++)
            {
                i = random.nextInt(posSent.size());
            }
            final Map<Integer, String> original = posSent.get(i);
            final int type = Integer.parseInt(original.get(60).substring(0, 2));
            final String originalPan = original.get(35).substring(0, 16);
            final long originalAmount = Long.parseLong(original.get(4));
            final Map<Integer, String> next;
            final int mti;
            if (type == Field60.TYPE_PRE_AUTH)
            {
                switch (random.nextInt(3))
                {
                    case 0 ->
                    {
                        next = pos(originalPan, "200000", originalAmount, Field60.TYPE_PRE_AUTH_VOID);
                        mti = Mti.AUTHORIZATION_REQUEST;
                    }
                    case 1 ->
                    {
                        next = pos(originalPan, "000000", random.nextLong(100, originalAmount + 1), Field60.TYPE_COMPLETION);
                        mti = Mti.FINANCIAL_REQUEST;
                    }
                    default ->
                    {
                        next = pos(originalPan, "000000", random.nextLong(100, originalAmount + 1), Field60.TYPE_COMPLETION + 4);
                        mti = Mti.FINANCIAL_ADVICE;
                    }
                }
            }
            else if (type == Field60.TYPE_SALE || type == Field60.TYPE_COMPLETION || type == Field60.TYPE_COMPLETION + 4)
            {
                next = pos(originalPan, "200000", originalAmount, type == Field60.TYPE_SALE ? Field60.TYPE_VOID : Field60.TYPE_COMPLETION_VOID);
                mti = Mti.FINANCIAL_REQUEST;
            }
            else
            {
                return;
            }
            next.put(61, original.get(60).substring(2, 8) + original.get(11));
            if (type == Field60.TYPE_PRE_AUTH && mti != Mti.AUTHORIZATION_REQUEST)
            {
                next.put(38, "AB1234");
            }
            posSend(mti, next);
        }
        else if (pick < 95 && !posSent.isEmpty())
        {
            // A POS reversal is the message it reverses, sent again as an 0400 (its own STAN and batch).
            final int i = random.nextInt(posSent.size());
            acquirer(posLink, 1, cups, Mti.REVERSAL_REQUEST, posSent.get(i));
        }
        else if (!posSent.isEmpty())
        {
            final int i = random.nextInt(posSent.size());
            acquirer(posLink, 1, cups, posMtis.get(i), posSent.get(i));
        }
    }

    private void posSend(final int mti, final Map<Integer, String> request)
    {
        posSent.add(request);
        posMtis.add(mti);
        acquirer(posLink, 1, cups, mti, request);
    }

    /** A UnionPay POS message of TERM0005 (batch 1, yuan) of {@code pan}, read from its stripe. */
    private Map<Integer, String> pos(final String pan, final String processing, final long amount, final int type)
    {
        final Map<Integer, String> m = new HashMap<>();
        m.put(3, processing);
        m.put(4, String.format("%012d", amount));
        m.put(11, String.format("%06d", ++posStan));
        m.put(22, "021");
        m.put(35, pan + "=30122011143804400000");
        m.put(41, "TERM0005");
        m.put(42, "MERCHANT0000003");
        m.put(49, "156");
        m.put(60, Field60.format(type, 1, 0).substring(0, 8));
        return m;
    }

    private void isoUp()
    {
        link(EventType.ACQUIRER_UP, isoLink, 0);
        acquirer(isoLink, 0, iso87b, Mti.NETWORK_MANAGEMENT_REQUEST, new HashMap<>(Map.of(7, "1126225200", 11, String.format("%06d", 900_000 + ++stan),
            70, "001")));
    }

    private void posUp()
    {
        link(EventType.ACQUIRER_UP, posLink, 1);
        final Map<Integer, String> signOn = new HashMap<>();
        signOn.put(11, String.format("%06d", ++posStan));
        signOn.put(41, "TERM0005");
        signOn.put(42, "MERCHANT0000003");
        signOn.put(60, Field60.format(Field60.TYPE_MANAGEMENT, 1, Field60.NETWORK_SIGN_ON));
        acquirer(posLink, 1, cups, Mti.NETWORK_MANAGEMENT_REQUEST, signOn);
    }

    private void issuerUp(final int issuer)
    {
        issuerUp[issuer] = true;
        link(EventType.ISSUER_UP, ISSUER_LINKS[issuer], issuer);
    }

    // ---------------------------------------------------------------- the issuers, from what the switch sent them

    private void outputs()
    {
        for (int i = 0; i < event.outputCount(); i++)
        {
            final int link = event.outputLinkId(i);
            final int issuer = link == ISSUER_LINKS[0] ? 0 : link == ISSUER_LINKS[1] ? 1 : -1;
            if (issuer < 0)
            {
                continue;
            }
            final MessageReader sent = SwitchMessages.output(setup, event, i);
            final int mti = sent.mti();
            final int kind = mti - mti % 10;
            final String key = issuer + "/" + sent.getString(11) + (sent.has(7) ? sent.getString(7) : "");
            final Map<Integer, String> answer = SwitchMessages.issuerAnswer(sent, "00");
            if (mti == Mti.NETWORK_MANAGEMENT_REQUEST)
            {
                final Map<Integer, String> network = Map.of(7, sent.getString(7), 11, sent.getString(11), 39, "00", 70, sent.getString(70));
                owed.add(() -> issuer(issuer, Mti.NETWORK_MANAGEMENT_RESPONSE, new HashMap<>(network)));
            }
            else if (mti == Mti.FINANCIAL_REQUEST || mti == Mti.AUTHORIZATION_REQUEST)
            {
                pending.add(new Pending(issuer, mti, answer, key, pan(sent), signed(sent)));
            }
            else if (kind == Mti.FINANCIAL_ADVICE || kind == Mti.AUTHORIZATION_ADVICE)
            {
                booked.putIfAbsent(key, new Booked(pan(sent), kind == Mti.FINANCIAL_ADVICE ? signed(sent) : 0));
                owed.add(() -> issuer(issuer, kind + 10, answer));
            }
            else if (kind == Mti.REVERSAL_ADVICE)
            {
                final String original = issuer + "/" + sent.getString(90).substring(4, 20);
                final Booked b = booked.get(original);
                if (b != null)
                {
                    b.reversed = true;
                }
                // One still unanswered is let go: the issuer never approves it now.
                for (final Iterator<Pending> it = pending.iterator(); it.hasNext(); )
                {
                    if (it.next().key().equals(original))
                    {
                        it.remove();
                        booked.put(original, new Booked("", 0));
                    }
                }
                owed.add(() -> issuer(issuer, Mti.REVERSAL_ADVICE_RESPONSE, answer));
            }
        }
    }

    private static long signed(final MessageReader sent)
    {
        final long amount = sent.getLong(4);
        return sent.getString(3).startsWith("20") ? -amount : amount;
    }

    private static String pan(final MessageReader sent)
    {
        if (sent.has(2))
        {
            return sent.getString(2);
        }
        final String track = sent.getString(35);
        final int separator = Math.max(track.indexOf('='), track.indexOf('D'));
        return separator < 0 ? track : track.substring(0, separator);
    }

    private static String masked(final String pan)
    {
        return pan.substring(0, 6) + "*".repeat(pan.length() - 10) + pan.substring(pan.length() - 4);
    }

    // ---------------------------------------------------------------- harness

    private void acquirer(final int link, final int endpoint, final int dialect, final int mti, final Map<Integer, String> fields)
    {
        now += 1_000_000L;
        SwitchMessages.fill(setup, event, EventType.ACQUIRER_MESSAGE, now, link, endpoint, dialect, mti, fields);
        handle();
    }

    private void issuer(final int issuer, final int mti, final Map<Integer, String> fields)
    {
        if (!issuerUp[issuer])
        {
            return;
        }
        now += 1_000_000L;
        SwitchMessages.fill(setup, event, EventType.ISSUER_MESSAGE, now, ISSUER_LINKS[issuer], issuer, iso87b, mti, fields);
        handle();
    }

    private void link(final int type, final int link, final int endpoint)
    {
        now += 1_000_000L;
        event.reset(type, now, link, endpoint, -1);
        handle();
    }

    private void handle()
    {
        SwitchMessages.handle(handler, writer, event, sequence++);
        outputs();
        while (!owed.isEmpty())
        {
            owed.remove(0).run();
        }
    }
}
