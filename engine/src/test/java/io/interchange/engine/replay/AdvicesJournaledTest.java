package io.interchange.engine.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.ClearingExceptionItem;
import io.interchange.engine.clearing.DayReader;
import io.interchange.engine.clearing.TransactionState;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.security.Hsm;
import io.interchange.engine.security.HsmResult;
import io.interchange.engine.security.KeyLoader;
import io.interchange.engine.security.KeySlots;
import io.interchange.engine.security.SoftwareHsm;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalWriter;

/**
 * Recovery and replay after a restart, above all under settings changed since: the journal's verdicts stand.
 * Advices go out on whatever event has outputs to spare, to two issuers at once, with quiet ticks (not journaled)
 * between: replaying the journal must send them in the same order with the same STANs, byte for byte; recovery must
 * owe exactly the advices the issuers had not acknowledged; and clearing must find them on whatever record they rode.
 */
class AdvicesJournaledTest extends FedJournal
{
    private static final int ACQUIRER_LINK = 7;
    private static final int[] ISSUER_LINKS = {40, 50};
    private static final String[] BINS = {"476173", "622848"};
    private static final int VOIDS_PER_ISSUER = 30; // more than three events' outputs carry

    // The switch's stand-in answers renumbered before they are journaled, as a build that numbered them otherwise sent them.
    private boolean decimalStandInCodes;
    // Field 4 of an issuer's answer rewritten to this before it is journaled (-1: as it came), so that the journal holds an
    // approval of another amount relayed, as a build before such approvals were taken for no answer relayed it.
    private long answerAmountJournaled = -1;
    // Field 37 of an issuer's answer, and of the answer relayed for it, rewritten to this before they are journaled (null: as
    // they came), so that the journal holds an answer with another RRN relayed, as a build before RRNs were checked relayed it.
    private String answerRrnJournaled;

    @Test
    void shouldReplayAdvicesToTwoIssuersAcrossQuietTicksByteForByteAndRecoverWhatIsStillOwed(@TempDir final Path dir)
    {
        run(dir, 8);
    }

    /**
     * A journal whose switch sent advices at other moments than this one would (here: events with room for two
     * advices, where the replay's have room for eight; in life, a build that sent them on ticks only): replay and
     * recovery send each advice where the journal says it went, on its link and with its STAN, so the issuers'
     * acknowledgements still match the advices they acknowledged.
     */
    @Test
    void shouldReplayAdvicesWhereTheJournalSaysTheyWentThoughThisSwitchWouldSendThemElsewhere(@TempDir final Path dir)
    {
        event = new SwitchEvent(8_192, 1_150, setup.dialects());
        run(dir, 2);
    }

    /** @param perEvent the most advices one event of this switch has room for */
    private void run(final Path dir, final int perEvent)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        final List<String> unacknowledged = new ArrayList<>();
        try
        {
            acquirerSignedOn();
            assertEquals(List.of(), signOn(0));
            assertEquals(List.of(), signOn(1));

            // Purchases approved at both issuers; then both issuers' links drop, and the terminal voids them all.
            final List<Map<Integer, String>> purchases = new ArrayList<>();
            for (int i = 0; i < VOIDS_PER_ISSUER; i++)
            {
                for (int issuer = 0; issuer < 2; issuer++)
                {
                    final Map<Integer, String> purchase = request(card(issuer, i), 1_000 + i);
                    message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
                    assertEquals(ISSUER_LINKS[issuer], event.outputLinkId(0));
                    message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[issuer], issuer, Mti.FINANCIAL_RESPONSE, answer(output(0), "00"));
                    assertEquals("00", output(0).getString(39));
                    purchases.add(purchase);
                }
            }
            link(EventType.ISSUER_DOWN, ISSUER_LINKS[0], 0);
            link(EventType.ISSUER_DOWN, ISSUER_LINKS[1], 1);
            for (final Map<Integer, String> purchase : purchases)
            {
                final Map<Integer, String> reversal = request(purchase.get(2), Long.parseLong(purchase.get(4)));
                reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
                assertEquals("00", output(0).getString(39));
            }
            assertEquals(2 * VOIDS_PER_ISSUER, handler.advicesPending());

            // A quiet tick (not journaled): nobody to send to. Then issuer-a comes back: its link's events carry as
            // many of its 0420s as they have outputs for. Then issuer-b: its link's events carry more of issuer-a's,
            // and by its sign-on answer both issuers have advices to send: which goes first is the switch's turn,
            // which a quiet tick must not have moved, or the replay sends them in another order with other STANs.
            tick();
            assertTrue(event.isQuiet(), "a tick with nothing to do");
            final List<MessageReader> sent = new ArrayList<>(signOn(0));
            assertTrue(sent.size() <= perEvent, "issuer-a's sign-on answer carries as many as it has room for: " + sent.size());
            // A frame that does not decode is withheld from the journal, so replay never sees it: it carries no advice.
            now += 1_000_000L;
            event.reset(EventType.ACQUIRER_MESSAGE, now, ACQUIRER_LINK, 0, iso87b);
            event.frame().putBytes(0, new byte[] {0x02, 0x00, (byte)0xFF, (byte)0xFF, 0x01});
            event.frameLengths(0, 5);
            event.decode();
            assertTrue(event.decodeError() != DecodeError.NONE);
            handle();
            assertEquals(List.of(), advices(), "no advice rides on a withheld event");
            final List<MessageReader> both = signOn(1);
            assertTrue(both.stream().anyMatch(m -> m.getString(2).startsWith(BINS[0])), "issuer-b's sign-on carries issuer-a's advices");
            sent.addAll(both);
            for (int i = 0; i < 100 && sent.size() < 2 * VOIDS_PER_ISSUER; i++)
            {
                tick();
                sent.addAll(advices());
            }
            assertEquals(2 * VOIDS_PER_ISSUER, sent.size(), "every 0420 went");

            // The issuers acknowledge all but the last three.
            for (int i = 0; i < sent.size(); i++)
            {
                final MessageReader advice = sent.get(i);
                if (i >= sent.size() - 3)
                {
                    unacknowledged.add(advice.getString(90));
                    continue;
                }
                final int issuer = advice.getString(2).startsWith(BINS[0]) ? 0 : 1;
                message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[issuer], issuer, Mti.REVERSAL_ADVICE_RESPONSE, answer(advice, "00"));
            }
            assertEquals(3, handler.advicesPending());
        }
        finally
        {
            writer.close();
        }
        assertReplaysByteForByte(config, journal, dir);

        // Recovered, the switch owes the three the issuers never acknowledged, and repeats them as soon as their links
        // are up again.
        restart(config, journal);
        assertEquals(3, handler.advicesPending());
        final List<MessageReader> repeats = new ArrayList<>(signOn(0));
        repeats.addAll(signOn(1));
        tick();
        repeats.addAll(advices());
        final List<String> resent = new ArrayList<>();
        for (final MessageReader advice : repeats)
        {
            assertEquals(Mti.REVERSAL_ADVICE_REPEAT, advice.mti(), "sent again as a repeat");
            resent.add(advice.getString(90));
        }
        assertEquals(unacknowledged.stream().sorted().toList(), resent.stream().sorted().toList());
    }

    /**
     * A completion owed to an issuer that is down, and a reversal of it that must wait for the issuer's 0230: replay
     * gives the 0220 the STAN the journal says it kept (a completion's STAN is its own from when it was queued), and
     * recovery keeps the 0420 waiting until that 0220, repeated as 0221 with the same STAN, is acknowledged.
     */
    @Test
    void shouldRecoverACompletionsAdviceWithItsOwnStanAndKeepItsReversalWaitingForItsAcknowledgement(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        final String completionStan;
        final Map<Integer, String> completion;
        try
        {
            acquirerSignedOn();
            signOn(0);
            final Map<Integer, String> preAuth = approvedByIssuerA(Mti.AUTHORIZATION_REQUEST, card(0, 1), 5_000);
            link(EventType.ISSUER_DOWN, ISSUER_LINKS[0], 0);

            completion = request(card(0, 1), 4_500);
            completion.put(38, "AB1234");
            completion.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
            assertEquals("00", output(0).getString(39));
            final Map<Integer, String> reversal = request(card(0, 1), 4_500);
            reversal.put(90, "0220" + completion.get(11) + completion.get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
            assertEquals("00", output(0).getString(39));
            tick();
            assertTrue(event.isQuiet());

            final List<MessageReader> sent = signOn(0);
            assertEquals(1, sent.size(), "the 0220 goes; its 0420 waits for the 0230");
            assertEquals(Mti.FINANCIAL_ADVICE, sent.get(0).mti());
            completionStan = sent.get(0).getString(11);
            tick();
            assertEquals(List.of(), advices(), "still waiting");
            assertEquals(2, handler.advicesPending());
        }
        finally
        {
            writer.close();
        }
        assertReplaysByteForByte(config, journal, dir);

        restart(config, journal);
        assertEquals(2, handler.advicesPending());
        final List<MessageReader> again = signOn(0);
        assertEquals(1, again.size(), "only the 0220 again, as soon as the link signs on; the 0420 still waits");
        assertEquals(Mti.FINANCIAL_ADVICE + 1, again.get(0).mti());
        assertEquals(completionStan, again.get(0).getString(11), "with the STAN it kept");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_ADVICE_RESPONSE, answer(again.get(0), "00"));
        final List<MessageReader> freed = advices();
        assertEquals(1, freed.size(), "the 0230 frees the 0420, on the same event");
        assertEquals(Mti.REVERSAL_ADVICE, freed.get(0).mti());
        assertEquals("0220" + completionStan, freed.get(0).getString(90).substring(0, 10), "naming the 0220 by the STAN it went with");
    }

    /**
     * Completions acknowledged while issuer-a is down, their 0220s owed, more than issuer-a's share of the advice queue
     * would hold after a restart onto a smaller queue: replay acknowledges each as the journal did (00, not the 96 of a
     * share with no room), so the replay matches the journal byte for byte, and recovery holds every 0220 owed, beyond
     * the share, in the queue's free slots (they were lost); live, issuer-a's requests wait for it to come back under.
     */
    @Test
    void shouldAcknowledgeACompletionInReplayWhereTheJournalDidThoughIssuersShareOfTheAdviceQueueShrankSince(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.parse("interchange.limits { in-flight = 256, advice-queue = 512 }", "large.conf")
            .withJournalDir(dir.resolve("journal"));
        final SwitchSetup large = SwitchNode.setup(config, Dialects.all());
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, large);
        writer = new JournalWriter(journal);
        final int completions = 150;
        try
        {
            acquirerSignedOn();
            signOn(0);
            final List<Map<Integer, String>> preAuths = new ArrayList<>();
            for (int i = 0; i < completions; i++)
            {
                preAuths.add(approvedByIssuerA(Mti.AUTHORIZATION_REQUEST, card(0, 200 + i), 5_000));
            }
            link(EventType.ISSUER_DOWN, ISSUER_LINKS[0], 0);
            for (int i = 0; i < completions; i++)
            {
                final Map<Integer, String> completion = request(card(0, 200 + i), 4_500);
                completion.put(38, "AB1234");
                completion.put(90, "0100" + preAuths.get(i).get(11) + preAuths.get(i).get(7) + "0".repeat(22));
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
                assertEquals("00", output(0).getString(39), "completion " + i + " acknowledged, its 0220 queued");
            }
            assertEquals(completions, handler.advicesPending());
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig smaller = SwitchConfig.parse("interchange.limits { in-flight = 256, advice-queue = 256 }", "smaller.conf")
            .withJournalDir(dir.resolve("journal"));
        final SwitchSetup smallerSetup = SwitchNode.setup(smaller, Dialects.all());
        assertReplaysByteForByte(smaller, smallerSetup, journal, dir);
        restart(smaller, smallerSetup, journal);
        assertEquals(completions, handler.advicesPending(), "every 0220 owed recovered, beyond issuer-a's share of 128 now");
        assertEquals(0, handler.advicesLost());
        acquirerSignedOn();
        signOn(0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 900), 1_000));
        int answer = -1; // among the advices this event sent too
        for (int i = 0; i < event.outputCount(); i++)
        {
            answer = event.outputLinkId(i) == ACQUIRER_LINK ? i : answer;
        }
        assertTrue(answer >= 0, "answered");
        assertEquals("91", output(answer).getString(39), "issuer-a over its share: not forwarded until it acknowledges its way back under it");
        assertEquals(1, handler.adviceShareRefusals());
    }

    /**
     * A stand-in while issuer-a is down: its 0220 goes with issuer-a's sign-on answer (not a tick) and issuer-a
     * acknowledges it. Clearing finds the advice on that record and settles the sale as approved, not as a stand-in
     * still awaiting its advice.
     */
    @Test
    void shouldClearAStandInWhoseAdviceRodeOnTheSignOnAnswerAsAdvised(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(SwitchNode.journalConfig(config));
        try
        {
            acquirerSignedOn();
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 7), 4_100));
            assertEquals("00", output(0).getString(39));
            assertTrue(output(0).getString(38).startsWith("S"), "approved by the switch, stand-in");
            final List<MessageReader> advised = signOn(0);
            assertEquals(1, advised.size(), "the 0220 rides on the sign-on answer");
            message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_ADVICE_RESPONSE, answer(advised.get(0), "00"));
            assertEquals(0, handler.advicesPending());
        }
        finally
        {
            writer.close();
        }

        final DayReader.Day day = DayReader.read(config, LocalDate.of(2026, 11, 26));
        assertEquals(1, day.transactions().size(), "the stand-in sale");
        assertEquals(TransactionState.APPROVED, day.transactions().state(0), "approved, its advice acknowledged");
        assertEquals(List.of(), day.exceptions().stream().map(ClearingExceptionItem::kind).toList(), "no stand-in awaiting its advice");
    }

    /**
     * A pre-authorization stood in for while issuer-a is down, and its completion: the switch owes an 0120 (the hold)
     * and the completion's 0220, which waits for the 0130. Replay gives both the STANs the journal says they kept, byte
     * for byte; clearing has the pre-authorization completed, its 0120 still awaited; recovery owes exactly the two,
     * repeats the 0120 as 0121 with its own STAN, and only its 0130 frees the 0220, which names it.
     */
    @Test
    void shouldRecoverAStoodInPreAuthorizationsAuthorizationAdviceAndKeepItsCompletionWaitingForIt(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        final String authCode;
        final MessageReader advised;
        try
        {
            acquirerSignedOn();
            final Map<Integer, String> preAuth = request(card(0, 3), 4_200);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, preAuth);
            assertEquals(Mti.AUTHORIZATION_RESPONSE, output(0).mti());
            assertEquals("00", output(0).getString(39));
            authCode = output(0).getString(38);
            assertTrue(authCode.startsWith("S"), "approved by the switch, stand-in");
            final Map<Integer, String> completion = request(card(0, 3), 4_000);
            completion.put(38, authCode);
            completion.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
            assertEquals("00", output(0).getString(39));
            tick();
            assertTrue(event.isQuiet(), "nobody to send to");

            final List<MessageReader> sent = signOn(0);
            assertEquals(1, sent.size(), "the 0120 goes; the completion's 0220 waits for the 0130");
            advised = sent.get(0);
            assertEquals(Mti.AUTHORIZATION_ADVICE, advised.mti());
            assertEquals(authCode, advised.getString(38));
            assertEquals("00", advised.getString(39));
            assertEquals(preAuth.get(4), advised.getString(4));
            tick();
            assertEquals(List.of(), advices(), "still waiting");
            assertEquals(2, handler.advicesPending());
        }
        finally
        {
            writer.close();
        }
        assertReplaysByteForByte(config, journal, dir);

        final DayReader.Day day = DayReader.read(config, LocalDate.of(2026, 11, 26));
        assertEquals(2, day.transactions().size(), "the pre-authorization and its completion");
        assertEquals(TransactionState.COMPLETED, day.transactions().state(0), "stood in, then completed, like one its issuer approved");
        assertTrue(day.transactions().standIn(0));
        assertTrue(day.transactions().awaitingAdvice(0), "its 0120 not acknowledged");
        assertEquals(TransactionState.APPROVED, day.transactions().state(1), "the completion settles");
        assertEquals(List.of(ClearingExceptionItem.Kind.STAND_IN_AWAITING_ADVICE),
            day.exceptions().stream().map(ClearingExceptionItem::kind).toList(), "the stand-in awaiting its 0120's acknowledgement");
        assertTrue(day.exceptions().get(0).detail().contains("0120"), day.exceptions().get(0).detail());

        restart(config, journal);
        assertEquals(2, handler.advicesPending());
        final List<MessageReader> again = signOn(0);
        assertEquals(1, again.size(), "only the 0120 again, as soon as the link signs on; the 0220 still waits");
        assertEquals(Mti.AUTHORIZATION_ADVICE + 1, again.get(0).mti(), "repeated as 0121");
        assertEquals(advised.getString(11), again.get(0).getString(11), "with the STAN it kept");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.AUTHORIZATION_ADVICE_RESPONSE, answer(again.get(0), "00"));
        final List<MessageReader> freed = advices();
        assertEquals(1, freed.size(), "the 0130 frees the completion's 0220, on the same event");
        assertEquals(Mti.FINANCIAL_ADVICE, freed.get(0).mti());
        assertEquals("0120" + advised.getString(11) + advised.getString(7), freed.get(0).getString(90).substring(0, 20),
            "naming the hold by the 0120 issuer-a booked it from");
        assertEquals(1, handler.advicesPending());
    }

    /**
     * A stood-in pre-authorization whose 0120 issuer-a acknowledges, then the completion's 0220: clearing has it
     * completed and no stand-in awaiting its advice.
     */
    @Test
    void shouldClearAStoodInPreAuthorizationWhoseAuthorizationAdviceWasAcknowledgedAsCompleted(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(SwitchNode.journalConfig(config));
        try
        {
            acquirerSignedOn();
            final Map<Integer, String> preAuth = request(card(0, 8), 3_000);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, preAuth);
            final String authCode = output(0).getString(38);
            assertTrue(authCode.startsWith("S"), "approved by the switch, stand-in");
            final List<MessageReader> advised = signOn(0);
            assertEquals(1, advised.size(), "the 0120 rides on the sign-on answer");
            assertEquals(Mti.AUTHORIZATION_ADVICE, advised.get(0).mti());
            message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.AUTHORIZATION_ADVICE_RESPONSE, answer(advised.get(0), "00"));
            assertEquals(0, handler.advicesPending());

            final Map<Integer, String> completion = request(card(0, 8), 2_900);
            completion.put(38, authCode);
            completion.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
            final List<MessageReader> completed = advices();
            assertEquals(1, completed.size(), "the completion's 0220 goes at once: the 0120 is acknowledged");
            assertEquals("0120" + advised.get(0).getString(11), completed.get(0).getString(90).substring(0, 10));
            message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_ADVICE_RESPONSE, answer(completed.get(0), "00"));
            assertEquals(0, handler.advicesPending());
        }
        finally
        {
            writer.close();
        }

        final DayReader.Day day = DayReader.read(config, LocalDate.of(2026, 11, 26));
        assertEquals(2, day.transactions().size());
        assertEquals(TransactionState.COMPLETED, day.transactions().state(0));
        assertEquals(false, day.transactions().awaitingAdvice(0), "its 0120 acknowledged (not the completion's 0220, which carries its S code)");
        assertEquals(TransactionState.APPROVED, day.transactions().state(1));
        assertEquals(List.of(), day.exceptions().stream().map(ClearingExceptionItem::kind).toList(), "no stand-in awaiting its advice");
    }

    /**
     * A terminal that lost its link asks again, on a new one, for a purchase issuer-a still has, and the repeat of an
     * unacknowledged 0420 rides on that very event. The purchase times out, and issuer-a stands in on time-out: the
     * terminal gets its approval on the new link, and clearing, following the request there whatever else the event
     * carried, books the stand-in, not a time-out nobody heard of.
     */
    @Test
    void shouldClearAStandInOnTimeOutForARequestAskedAgainOnANewLinkOnAnEventThatCarriedAnAdvice(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.parse("""
            interchange.issuers = [
              { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 1,
                timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s },
                stand-in { enabled = true, floor-limit = 50000, on-time-out = true } }
              { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = 9102 } ], connections = 1,
                timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s },
                stand-in { enabled = false, floor-limit = 0 } }
            ]
            """, "stand-in-on-time-out.conf").withJournalDir(dir.resolve("journal"));
        final SwitchSetup standingIn = SwitchNode.setup(config, Dialects.all());
        final int newLink = ACQUIRER_LINK + 1;
        handler = SwitchNode.handler(config, standingIn);
        writer = new JournalWriter(SwitchNode.journalConfig(config));
        try
        {
            acquirerSignedOn();
            signOn(0);
            // A purchase approved, then voided: its 0420 goes and issuer-a never acknowledges it, so it falls due again.
            final Map<Integer, String> voided = approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 11), 2_000);
            final Map<Integer, String> reversal = request(card(0, 11), 2_000);
            reversal.put(90, "0200" + voided.get(11) + voided.get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
            assertEquals(1, advices().size(), "the 0420 went with the void's answer");

            now += 8_000_000_000L;
            final Map<Integer, String> purchase = request(card(0, 12), 3_000);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded, and issuer-a never answers");
            final byte[] sameBytes = new byte[event.messageLength()];
            event.frame().getBytes(0, sameBytes);
            link(EventType.ACQUIRER_DOWN, ACQUIRER_LINK, 0);
            link(EventType.ACQUIRER_UP, newLink, 0);
            message(EventType.ACQUIRER_MESSAGE, newLink, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000002", 70, "001"));

            now += 3_000_000_000L;
            event.reset(EventType.ACQUIRER_MESSAGE, now, newLink, 0, iso87b);
            event.frame().putBytes(0, sameBytes);
            event.frameLengths(0, sameBytes.length);
            event.decode();
            handle();
            final List<MessageReader> repeated = advices();
            assertEquals(List.of(Mti.REVERSAL_ADVICE_REPEAT), repeated.stream().map(MessageReader::mti).toList(),
                "asked again: no answer yet, and the 0421 on the same event");

            now += 3_000_000_000L;
            link(EventType.TICK, -1, -1);
            int answered = -1;
            for (int i = 0; i < event.outputCount(); i++)
            {
                if (output(i).mti() == Mti.FINANCIAL_RESPONSE)
                {
                    answered = event.outputLinkId(i);
                    assertEquals("00", output(i).getString(39));
                    assertTrue(output(i).getString(38).startsWith("S"), "stood in on the time-out");
                }
            }
            assertEquals(newLink, answered, "the stand-in's approval went to the link the terminal asked again on");
        }
        finally
        {
            writer.close();
        }

        final DayReader.Day day = DayReader.read(config, LocalDate.of(2026, 11, 26));
        assertEquals(2, day.transactions().size(), "the voided purchase and the one stood in for");
        assertEquals(TransactionState.REVERSED, day.transactions().state(0));
        assertTrue(day.transactions().standIn(1), "the terminal's approval, booked as the stand-in it was");
        assertEquals(TransactionState.STAND_IN_AWAITING_ADVICE, day.transactions().state(1), "its 0220 not yet acknowledged");
        assertTrue(day.exceptions().stream().noneMatch(e -> e.detail().contains("link had gone")), () -> day.exceptions().toString());
    }

    /**
     * Stand-ins while issuer-a is down, then a restart on the same journal: the next stand-in's authorization code
     * carries on from the journal's, never one a terminal already holds, and replay gives each stand-in the code the
     * journal says it got.
     */
    @Test
    void shouldGiveTheFirstStandInAfterARestartTheNextAuthorizationCodeAfterTheJournals(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        final List<String> codes = new ArrayList<>();
        try
        {
            acquirerSignedOn();
            for (int i = 0; i < 3; i++)
            {
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 20 + i), 1_500 + i));
                assertEquals("00", output(0).getString(39));
                codes.add(output(0).getString(38));
            }
        }
        finally
        {
            writer.close();
        }
        assertEquals(List.of("S00001", "S00002", "S00003"), codes);
        assertReplaysByteForByte(config, journal, dir);

        restart(config, journal);
        acquirerSignedOn();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 30), 1_600));
        assertEquals("00", output(0).getString(39));
        assertEquals("S00004", output(0).getString(38), "the next code after the journal's");
    }

    /**
     * A journal whose stand-ins got codes this switch would not have given them (here: S and five decimal digits, as
     * the build before base-36 codes numbered them, so the tenth is S00010 where this switch makes S0000A): replay gives
     * each stand-in the code the journal says the terminal got, byte for byte; after a restart the next stand-in's code
     * carries on after the journal's last, and the issuer's 0220s carry the codes the terminals hold.
     */
    @Test
    void shouldTakeEachStandInsAuthorizationCodeFromTheJournalAndCarryOnAfterItThoughThisSwitchWouldNumberThemOtherwise(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        final List<String> codes = new ArrayList<>();
        decimalStandInCodes = true;
        try
        {
            acquirerSignedOn();
            for (int i = 0; i < 11; i++)
            {
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 40 + i), 1_500 + i));
                assertEquals("00", output(0).getString(39));
                codes.add(output(0).getString(38));
            }
        }
        finally
        {
            writer.close();
            decimalStandInCodes = false;
        }
        assertEquals("S00010", codes.get(9));
        assertReplaysByteForByte(config, journal, dir);

        restart(config, journal);
        acquirerSignedOn();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 60), 1_600));
        assertEquals("00", output(0).getString(39));
        final String next = output(0).getString(38);
        assertEquals("S00012", next, "the next code after the journal's last, S00011");
        assertFalse(codes.contains(next), "a code no terminal holds already");

        final List<MessageReader> sent = new ArrayList<>(signOn(0));
        for (int i = 0; i < 10 && sent.size() < codes.size() + 1; i++)
        {
            tick();
            sent.addAll(advices());
        }
        final List<String> advised = sent.stream().map(advice -> advice.getString(38)).toList();
        final List<String> expected = new ArrayList<>(codes);
        expected.add(next);
        assertEquals(expected, advised, "each 0220 with the code its terminal got");
    }

    /**
     * Stand-ins while issuer-a is down, then a restart with its floor limit lowered below their amounts: replay and
     * recovery stand in for them again, as the journal says they were, where deciding again would answer them 91.
     * The recovered switch owes issuer-a their 0220s with the codes the terminals hold, the replay matches the journal
     * byte for byte, and the next stand-in (within the new limit) gets a code no terminal holds; live, the new limit holds.
     */
    @Test
    void shouldStandInAgainInReplayWhereTheJournalSaysItStoodInThoughTheFloorLimitWasLoweredSince(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        final List<String> codes = new ArrayList<>();
        try
        {
            acquirerSignedOn();
            for (int i = 0; i < 3; i++)
            {
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 70 + i), 1_500 + i));
                assertEquals("00", output(0).getString(39));
                codes.add(output(0).getString(38));
            }
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig lowered = issuerAStandIn("stand-in { enabled = true, floor-limit = 1000 }", dir);
        final SwitchSetup loweredSetup = SwitchNode.setup(lowered, Dialects.all());
        assertReplaysByteForByte(lowered, loweredSetup, journal, dir);

        restart(lowered, loweredSetup, journal);
        assertEquals(3, handler.advicesPending(), "the three stand-ins' 0220s, still owed");
        acquirerSignedOn();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 80), 1_500));
        assertEquals("91", output(0).getString(39), "live, above the lowered floor limit");
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 81), 800));
        assertEquals("00", output(0).getString(39));
        final String next = output(0).getString(38);
        assertEquals("S00004", next, "the next code after the journal's");
        assertFalse(codes.contains(next), "a code no terminal holds already");

        final List<MessageReader> sent = new ArrayList<>(signOn(0));
        for (int i = 0; i < 10 && sent.size() < codes.size() + 1; i++)
        {
            tick();
            sent.addAll(advices());
        }
        final List<String> expected = new ArrayList<>(codes);
        expected.add(next);
        assertEquals(expected, sent.stream().map(advice -> advice.getString(38)).toList(), "each 0220 with the code its terminal got");
        assertTrue(sent.stream().allMatch(advice -> advice.mti() == Mti.FINANCIAL_ADVICE), "0220s");
    }

    /**
     * A stand-in on time-out, then a restart with issuer-a's stand-in turned off: replay and recovery stand in for the
     * timed-out request again, as the journal says it was, so the recovered switch owes issuer-a the stand-in's advice
     * after the request's reversal (both sent once, so repeated), and the replay matches the journal byte for byte.
     */
    @Test
    void shouldStandInOnTimeOutAgainInReplayWhereTheJournalSaysItStoodInThoughStandInWasTurnedOffSince(@TempDir final Path dir)
    {
        final SwitchConfig config = issuerAStandIn("stand-in { enabled = true, floor-limit = 50000, on-time-out = true }", dir);
        final SwitchSetup standingIn = SwitchNode.setup(config, Dialects.all());
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final String code = timedOut(config, standingIn, journal);
        assertTrue(code.startsWith("S"), "stood in on the time-out");

        final SwitchConfig off = issuerAStandIn("stand-in { enabled = false, floor-limit = 0 }", dir);
        final SwitchSetup offSetup = SwitchNode.setup(off, Dialects.all());
        assertReplaysByteForByte(off, offSetup, journal, dir);

        restart(off, offSetup, journal);
        assertEquals(List.of("0421 null", "0221 " + code), owedToIssuerA(), "the request's reversal, then the stand-in's advice, both repeats");
    }

    /**
     * A stand-in on time-out under a 5 s time-out, then a restart with issuer-a's time-out lengthened to 60 s: replay
     * times the request out where the journal did, with the time-out it went with, so the recovered switch still owes
     * issuer-a the request's reversal and the stand-in's advice, where under the new setting the stand-in the terminal
     * holds would never have been made.
     */
    @Test
    void shouldTimeARequestOutInReplayWhereTheJournalDidThoughTheIssuersTimeOutWasLengthenedSince(@TempDir final Path dir)
    {
        final String standIn = "stand-in { enabled = true, floor-limit = 50000, on-time-out = true }";
        final SwitchConfig config = issuerAStandIn(standIn, dir);
        final SwitchSetup standingIn = SwitchNode.setup(config, Dialects.all());
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final String code = timedOut(config, standingIn, journal);
        assertTrue(code.startsWith("S"), "stood in on the time-out");

        final SwitchConfig lengthened = issuerAStandIn("timeout = 60s, " + standIn, dir);
        final SwitchSetup lengthenedSetup = SwitchNode.setup(lengthened, Dialects.all());
        assertReplaysByteForByte(lengthened, lengthenedSetup, journal, dir);

        restart(lengthened, lengthenedSetup, journal);
        assertEquals(1, handler.batchTotals().debitCount(setup.acceptors().terminalIndex("TERM0001")), "the stand-in the terminal holds");
        assertEquals(List.of("0421 null", "0221 " + code), owedToIssuerA(), "the request's reversal, then the stand-in's advice");
    }

    /**
     * An approval issuer-a gave after 40 s, within its 60 s time-out, with an echo test (a journaled tick) between; then a
     * restart with the time-out shortened to 5 s: replay keeps the request in flight until its answer, as it went with
     * 60 s, where under the new setting the echo's tick would time it out, the approval be taken for a late one, out of
     * the terminal's batch, and an 0420 owed that reverses a sale the terminal holds.
     */
    @Test
    void shouldKeepAnApprovalInRecoveryThatCameWithinTheTimeOutItWentWithThoughTheIssuersTimeOutWasShortenedSince(@TempDir final Path dir)
    {
        final JournalConfig journal = journaling(issuerAStandIn("timeout = 60s, stand-in { enabled = true, floor-limit = 50000 }", dir));
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        try
        {
            final Map<Integer, String> approval = answer(forwardedToIssuerA(1), "00");
            now += 31_000_000_000L;
            tick();
            assertFalse(event.isQuiet(), "an echo test went to issuer-a: the tick is journaled");
            now += 9_000_000_000L;
            message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, approval);
            assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
            assertEquals("00", output(0).getString(39), "approved within issuer-a's 60 s");
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig shortened = issuerAStandIn("stand-in { enabled = true, floor-limit = 50000 }", dir);
        final SwitchSetup shortenedSetup = SwitchNode.setup(shortened, Dialects.all());
        assertReplaysByteForByte(shortened, shortenedSetup, journal, dir);

        restart(shortened, shortenedSetup, journal);
        assertEquals(1, handler.batchTotals().debitCount(terminal), "the approval the terminal holds is in its batch");
        assertEquals(0, handler.advicesPending(), "and no 0420 of a sale the terminal holds approved");
    }

    /**
     * A request recovered in flight keeps the 30 s time-out it went with; issuer-a's is 5 s since the restart. A request
     * forwarded after it is due first, and times out on time: the time-outs looked at each issuer's oldest request only,
     * and the newer one waited behind the recovered one, its terminal's 91 and its issuer's 0420 up to 25 s late.
     */
    @Test
    void shouldTimeOutANewRequestOnTimeThoughOneRecoveredInFlightHasALongerTimeOut(@TempDir final Path dir)
    {
        final String standIn = "stand-in { enabled = false, floor-limit = 0 }";
        final JournalConfig journal = journaling(issuerAStandIn("timeout = 30s, " + standIn, dir));
        try
        {
            forwardedToIssuerA(1);
        }
        finally
        {
            writer.close();
        }
        final SwitchConfig shortened = issuerAStandIn(standIn, dir);
        restart(shortened, SwitchNode.setup(shortened, Dialects.all()), journal);
        assertEquals(1, handler.inFlight(), "the first request recovered in flight, due 30 s after it went");
        acquirerSignedOn();
        signOn(0);
        final Map<Integer, String> second = request(card(0, 2), 2_600);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, second);
        assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded under issuer-a's 5 s");
        assertEquals(2, handler.inFlight());
        now += 6_000_000_000L;
        tick();
        String answered = null;
        for (int i = 0; i < event.outputCount(); i++)
        {
            if (event.outputLinkId(i) == ACQUIRER_LINK && output(i).mti() == Mti.FINANCIAL_RESPONSE)
            {
                answered = output(i).getString(11) + "/" + output(i).getString(39);
            }
        }
        assertEquals(second.get(11) + "/91", answered, "6 s on, the second request 1 s past its 5 s, the first 24 s short of its 30 s");
        assertEquals(1, handler.inFlight(), "the first still waits");
    }

    /**
     * The other way round: a time-out answered 91, then a restart with stand-in on time-out turned on: replay and
     * recovery answer it 91 again, as the journal says, and owe issuer-a no advice of a stand-in no terminal got.
     */
    @Test
    void shouldDeclineATimeOutAgainInReplayWhereTheJournalSaysItWasDeclinedThoughStandInOnTimeOutWasTurnedOnSince(@TempDir final Path dir)
    {
        final SwitchConfig config = issuerAStandIn("stand-in { enabled = true, floor-limit = 50000 }", dir);
        final SwitchSetup declining = SwitchNode.setup(config, Dialects.all());
        final JournalConfig journal = SwitchNode.journalConfig(config);
        assertEquals(null, timedOut(config, declining, journal), "answered 91 on the time-out");

        final SwitchConfig on = issuerAStandIn("stand-in { enabled = true, floor-limit = 50000, on-time-out = true }", dir);
        final SwitchSetup onSetup = SwitchNode.setup(on, Dialects.all());
        assertReplaysByteForByte(on, onSetup, journal, dir);

        restart(on, onSetup, journal);
        assertEquals(List.of("0421 null"), owedToIssuerA(), "the request's reversal only");
    }

    /**
     * A purchase forwarded to issuer-a and still unanswered when the switch stops, then a restart with the amount limit
     * lowered below it: replay and recovery keep it in flight, as the journal says it went, where deciding again would
     * answer it 61 and forget it. The recovered switch times it out and owes issuer-a its 0420, so an approval the issuer
     * made is undone, and the replay matches the journal byte for byte.
     */
    @Test
    void shouldKeepARequestInFlightInRecoveryWhereTheJournalForwardedItThoughTheAmountLimitWasLoweredSince(@TempDir final Path dir)
    {
        final JournalConfig journal = forwardedUnanswered(dir, 95);

        final SwitchConfig lowered = withSettings("interchange.limits.max-amount = 1000", dir);
        final SwitchSetup loweredSetup = SwitchNode.setup(lowered, Dialects.all());
        assertReplaysByteForByte(lowered, loweredSetup, journal, dir);

        restart(lowered, loweredSetup, journal);
        now += 6_000_000_000L;
        tick();
        assertEquals(List.of("0420 null"), owedToIssuerA(), "the timed-out request's reversal");
    }

    /**
     * limits.duplicate-window narrowed over a restart (24 h, then 1 h). Live, a purchase whose field 7 was two hours off (a
     * terminal clock on local time, say) was within the window, forwarded and approved. Recovery takes the journal's
     * verdict on its field 7, where judging it again under the new window answered it 94: its approval would be gone from
     * the terminal's batch, and the terminal's reversal of it would find no original (25), issuer-a keeping the charge.
     */
    @Test
    void shouldKeepAnApprovalInRecoveryWhereTheJournalForwardedItThoughTheDuplicateWindowWasNarrowedSince(@TempDir final Path dir)
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
            message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, answer(output(0), "00"));
            assertEquals("00", output(0).getString(39));
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig narrowed = withSettings("interchange.limits.duplicate-window = 1h", dir);
        restart(narrowed, SwitchNode.setup(narrowed, Dialects.all()), journal);
        assertEquals(1, handler.batchTotals().debitCount(terminal), "the approval the terminal holds is in its batch");
        acquirerSignedOn();
        final Map<Integer, String> reversal = request(purchase.get(2), 2_500);
        reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39), "the terminal's reversal finds its original");
        assertEquals(1, handler.advicesPending(), "and issuer-a is owed its 0420");
    }

    /**
     * limits.duplicate-keys raised over a restart (1, then the default). Live, a purchase whose key the history had let
     * go, and the forgotten keys too, was a new request when its terminal sent it again: forwarded and approved.
     * Recovery takes the journal's verdict on its key, where judging it again with more keys kept answered it 94: its
     * second approval would be gone from the terminal's batch and issuer-a's answer matched to nothing. A build that
     * keeps keys otherwise (a reversed key took two places until e30b6bd) is the same case.
     */
    @Test
    void shouldKeepAnApprovalInRecoveryWhereTheJournalForwardedARequestWhoseKeyMoreForgottenKeysWouldHold(@TempDir final Path dir)
    {
        final SwitchConfig live = withSettings("interchange.limits { duplicate-history = 1024, duplicate-keys = 1, in-flight = 512 }", dir);
        final JournalConfig journal = journaling(live);
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        final Map<Integer, String> purchase = request(card(0, 3), 2_500);
        final long debits;
        try
        {
            acquirerSignedOn();
            signOn(0);
            approvedAtIssuerA(purchase);
            for (int i = 0; i < 1_100; i++)
            {
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 4), 100_000_001L));
            }
            approvedAtIssuerA(purchase);
            debits = handler.batchTotals().debitCount(terminal);
            assertEquals(2, debits, "its key let go live: the purchase again is a new one");
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig raised = withSettings("interchange.limits { duplicate-history = 1024, in-flight = 512 }", dir);
        restart(raised, SwitchNode.setup(raised, Dialects.all()), journal);
        assertEquals(debits, handler.batchTotals().debitCount(terminal), "both approvals the terminal holds are in its batch");
        assertEquals(0, handler.inFlight());
    }

    /** The purchase forwarded to issuer-a, approved, and the approval relayed to the terminal. */
    private void approvedAtIssuerA(final Map<Integer, String> purchase)
    {
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, answer(output(0), "00"));
        assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
        assertEquals("00", output(0).getString(39));
    }

    /**
     * issuer-a's MAC key changed over a restart (a key rotation: issuer keys live in the settings). Live, issuer-a's
     * approval held under the key of then and the terminal got it. Recovery takes the journal's verdict on the answer's
     * MAC, where checking it again under the new key took it for no answer: the purchase would time out, its approval
     * leave the batch, and issuer-a get an 0420 reversing a sale the terminal holds approved; every approval alike.
     */
    @Test
    void shouldKeepAnApprovalInRecoveryWhoseMacHeldThoughTheIssuersMacKeyChangedSince(@TempDir final Path dir)
    {
        final SwitchConfig live = issuerAStandIn("stand-in { enabled = true, floor-limit = 50000 }, mac-key = \"2315208C9110AD40C4E3B7A65D1F0829\"", dir);
        final JournalConfig journal = journaling(live);
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        try
        {
            macedAnswer(live, answer(forwardedToIssuerA(4), "00"));
            assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
            assertEquals("00", output(0).getString(39), "the approval's MAC held");
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig rotated = issuerAStandIn("stand-in { enabled = true, floor-limit = 50000 }, mac-key = \"0123456789ABCDEFFEDCBA9876543210\"", dir);
        restart(rotated, SwitchNode.setup(rotated, Dialects.all()), journal);
        assertEquals(1, handler.batchTotals().debitCount(terminal), "the approval the terminal holds is in its batch");
        assertEquals(0, handler.inFlight(), "answered: nothing still with issuer-a");
        now += 6_000_000_000L;
        tick();
        assertEquals(0, handler.advicesPending(), "no 0420 of a sale the terminal holds approved");
    }

    /**
     * An issuer that MACs gets the request with its track 2 and PIN block, and the MAC covers them; the journal keeps
     * neither, so the replayed forward lacks them. Replay takes the forward's MAC from the journal, as it takes the
     * terminals' MAC verdicts, and the outputs compare byte for byte; the replay's own MAC over what is left would not.
     */
    @Test
    void shouldReplayAForwardWithTrack2AndAPinBlockToAnIssuerThatMacsByteForByte(@TempDir final Path dir)
    {
        final SwitchConfig config = issuerAStandIn("mac-key = \"2315208C9110AD40C4E3B7A65D1F0829\", stand-in { enabled = false, floor-limit = 0 }", dir);
        final JournalConfig journal = journaling(config);
        try
        {
            acquirerSignedOn();
            signOn(0);
            final String pan = card(0, 1);
            final Map<Integer, String> purchase = request(pan, 2_500);
            purchase.put(35, pan + "=30121010000012345");
            purchase.put(52, "0123456789ABCDEF");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded to issuer-a");
            assertTrue(output(0).has(35) && output(0).has(52) && output(0).has(64), "with its track 2 and PIN block, MACed");
        }
        finally
        {
            writer.close();
        }
        assertReplaysByteForByte(config, SwitchNode.setup(config, Dialects.all()), journal, dir);
    }

    /**
     * A journal of a build that relayed an issuer's approval this one takes for no answer: of another amount than it was
     * asked for (2,500 asked, 3,000 approved), or with another RRN than the request went with (field 37 rewritten in
     * the journaled answer and in the answer relayed for it). Replay and recovery take the journal's word that it was
     * relayed, where judging it again kept the purchase in flight, to time out: its approval gone from the terminal's
     * batch, and issuer-a owed an 0420 reversing a sale the terminal holds approved, a journal unlike its replay.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"another amount", "another RRN"})
    void shouldKeepAnApprovalInRecoveryThatThisBuildRefusesWhereTheJournalRelayedIt(final String refused, @TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = journaling(config);
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        try
        {
            final Map<Integer, String> approval = answer(forwardedToIssuerA(6), "00");
            answerAmountJournaled = "another amount".equals(refused) ? 3_000 : -1;
            answerRrnJournaled = "another RRN".equals(refused) ? "633012345678" : null;
            message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, approval);
            answerAmountJournaled = -1;
            answerRrnJournaled = null;
            assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
            assertEquals("00", output(0).getString(39), "relayed");
        }
        finally
        {
            writer.close();
        }
        assertReplaysByteForByte(config, journal, dir);

        restart(config, journal);
        assertEquals(1, handler.batchTotals().debitCount(terminal), "the approval the terminal holds is in its batch");
        assertEquals(0, handler.inFlight(), "answered: nothing still with issuer-a");
        now += 6_000_000_000L;
        tick();
        assertEquals(0, handler.advicesPending(), "no 0420 of a sale the terminal holds approved");
    }

    /**
     * MACs turned on for the ISO 8583:1987 listener over a restart (mac = false, then true: its acquirer host must change
     * keys before it may send). Live, a purchase was approved without a MAC, as the listener then asked. Recovery takes
     * the journal's word that it went on, where asking again under the new setting answered it 91 for want of keys: it
     * would be gone from its terminal's batch, and from the history its reversal finds.
     */
    @Test
    void shouldKeepAnApprovalInRecoveryThoughItsListenerTurnedMacsOnSince(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        try
        {
            acquirerSignedOn();
            signOn(0);
            approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 5), 2_500);
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig macs = withSettings("""
            interchange.listeners = [
              { name = "pos-iso87", host = "127.0.0.1", port = 8583, dialect = "iso87b", framing = "binary-2",
                acquirer-id = "10000001", allow = ["127.0.0.1/32"], idle-timeout = 120s, max-frame = 4096, mac = true,
                master-key = "0123456789ABCDEFFEDCBA9876543210" }
              { name = "pos-cups", host = "127.0.0.1", port = 8584, dialect = "cups", framing = "unionpay-pos",
                acquirer-id = "10000002", allow = ["127.0.0.1/32"], idle-timeout = 120s, max-frame = 4096, mac = false }
            ]
            """, dir);
        restart(macs, SwitchNode.setup(macs, Dialects.all()), journal);
        assertEquals(1, handler.batchTotals().debitCount(terminal), "the purchase the terminal holds approved is in its batch");
    }

    /** A new switch handler under {@code config}, journaling into its journal, which it returns. */
    private JournalConfig journaling(final SwitchConfig config)
    {
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, SwitchNode.setup(config, Dialects.all()));
        writer = new JournalWriter(journal);
        return journal;
    }

    /** The terminal's and issuer-a's links signed on, a purchase with card {@code i} of issuer-a forwarded to it: what it got. */
    private MessageReader forwardedToIssuerA(final int i)
    {
        acquirerSignedOn();
        signOn(0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, i), 2_500));
        assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded");
        return output(0);
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
        final MessageWriter message = new MessageWriter(setup.dialects().get(iso87b)).wrap(frame, 0).mti(Mti.FINANCIAL_RESPONSE);
        new TreeMap<>(fields).forEach(message::putString);
        final int length = message.finish();
        // The primary bitmap's last bit: field 64, the MAC, follows.
        final int lastBitmapByte = setup.dialects().get(iso87b).mtiLength() + 7;
        frame.putByte(lastBitmapByte, (byte)(frame.getByte(lastBitmapByte) | 0x01));
        assertEquals(HsmResult.OK, hsm.generateMac(slots.issuerMacKey(0), frame, 0, length, frame, length));
        event.frameLengths(0, length + Hsm.MAC_LENGTH);
        event.decode();
        assertEquals(DecodeError.NONE, event.decodeError());
        handle();
    }

    /**
     * A purchase forwarded to issuer-a and still unanswered when the switch stops, then a restart with its merchant and
     * terminals removed from the settings: replay and recovery keep it in flight, as the journal says it went, with the
     * MCC the journal forwarded, where deciding again would answer it 03 and forget it. The recovered switch times it
     * out and owes issuer-a its 0420, and the replay matches the journal byte for byte.
     */
    @Test
    void shouldKeepARequestInFlightInRecoveryWhereTheJournalForwardedItThoughItsMerchantAndTerminalWereRemovedSince(@TempDir final Path dir)
    {
        final JournalConfig journal = forwardedUnanswered(dir, 97);

        final SwitchConfig removed = withSettings("""
            interchange.merchants = [ { id = "MERCHANT0000002", name = "Demo Diner", mcc = 5812, status = active } ]
            interchange.terminals = [ { id = "TERM0003", merchant = "MERCHANT0000002", status = active } ]
            """, dir);
        final SwitchSetup removedSetup = SwitchNode.setup(removed, Dialects.all());
        assertReplaysByteForByte(removed, removedSetup, journal, dir);

        restart(removed, removedSetup, journal);
        now += 6_000_000_000L;
        tick();
        final List<MessageReader> sent = sentToIssuerA();
        assertEquals(List.of("0420"), sent.stream().map(advice -> Mti.toString(advice.mti())).toList(), "the timed-out request's reversal");
        assertEquals(5411, sent.get(0).getLong(18), "with the MCC the request went with (MERCHANT0000001's)");
    }

    /**
     * A purchase answered 91 while issuer-b was down (no stand-in), then a restart with issuer-b's BIN range removed:
     * replay answers it 91 again, as the journal says, where deciding again gives 15, and the recovered switch answers
     * its retransmission with the 91 its terminal got.
     */
    @Test
    void shouldAnswer91AgainInReplayWhereTheJournalSaysItsIssuerWasDownThoughItsBinWasRemovedSince(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        final Map<Integer, String> purchase = request(card(1, 98), 2_500);
        try
        {
            acquirerSignedOn();
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
            assertEquals("91", output(0).getString(39), "issuer-b never signed on, and does not stand in");
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig removed = withSettings("interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\" } ]", dir);
        final SwitchSetup removedSetup = SwitchNode.setup(removed, Dialects.all());
        assertReplaysByteForByte(removed, removedSetup, journal, dir);

        restart(removed, removedSetup, journal);
        acquirerSignedOn();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals("91", output(0).getString(39), "the retransmission gets the answer its terminal got");
    }

    /**
     * The other way round: a purchase answered 61 under a low amount limit, then a restart with the default limit: replay
     * answers it 61 again, as the journal says, and the recovered switch answers its retransmission with that 61, where
     * deciding again would have put it in flight to issuer-a, which never had it.
     */
    @Test
    void shouldDeclineARequestAgainInRecoveryWhereTheJournalDeclinedItThoughTheAmountLimitWasRaisedSince(@TempDir final Path dir)
    {
        final SwitchConfig low = withSettings("interchange.limits.max-amount = 1000", dir);
        final SwitchSetup lowSetup = SwitchNode.setup(low, Dialects.all());
        final JournalConfig journal = SwitchNode.journalConfig(low);
        handler = SwitchNode.handler(low, lowSetup);
        writer = new JournalWriter(journal);
        final Map<Integer, String> purchase = request(card(0, 96), 2_500);
        try
        {
            acquirerSignedOn();
            signOn(0);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
            assertEquals("61", output(0).getString(39));
        }
        finally
        {
            writer.close();
        }

        final SwitchConfig raised = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        assertReplaysByteForByte(raised, journal, dir);

        restart(raised, journal);
        acquirerSignedOn();
        signOn(0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals(ACQUIRER_LINK, event.outputLinkId(0), "answered by the switch, not forwarded");
        assertEquals("61", output(0).getString(39), "the retransmission gets the answer its terminal got");
    }

    /**
     * The room an advice queue keeps for the 0420 owed by a request reversed while with its issuer is switch state like
     * the queue: replay and recovery rebuild it from the journal, byte for byte, so that after a restart another
     * request still cannot take it (91, not forwarded: it would keep room for its own 0420), and the 0420 the request's
     * time-out owes has it. Without it kept, another reversal was acknowledged and the 0420 lost.
     */
    @Test
    void shouldKeepTheRoomForAReversedRequestsAdviceAcrossARestart(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final SwitchSetup small = withAdviceQueue(2 * setup.issuers().size());
        handler = SwitchNode.handler(config, small);
        writer = new JournalWriter(journal);
        try
        {
            acquirerSignedOn();
            signOn(0);
            final Map<Integer, String> purchase = request(card(0, 70), 2_000);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded, and issuer-a never answers");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalOf(purchase));
            assertEquals("00", output(0).getString(39), "reversed while with its issuer");
            final Map<Integer, String> other = approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 71), 3_000);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalOf(other));
            assertEquals("00", output(0).getString(39), "room for its 0420 beside that kept, in issuer-a's share of 2");
        }
        finally
        {
            writer.close();
        }
        assertReplaysByteForByte(config, small, journal, dir);

        restart(config, small, journal);
        assertEquals(1, handler.advicesPending());
        acquirerSignedOn();
        signOn(0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 72), 4_000));
        final String last = event.outputLinkId(0) + "/" + output(0).getString(39);
        now += 6_000_000_000L; // past issuer-a's 5 s time-out
        link(EventType.TICK, -1, -1);
        assertEquals(0, handler.advicesLost(), "the time-out's 0420 of the reversed purchase lost");
        assertEquals(ACQUIRER_LINK + "/91", last, "issuer-a's last room is kept for the purchase's 0420, as before the restart");
        assertEquals(2, handler.advicesPending());
    }

    /**
     * Three 0420s owed to issuer-a, which acknowledges none, and a purchase still with it when the switch stops; then a
     * restart onto an advice queue of four (a share of two an issuer). Recovery keeps the three beyond issuer-a's share
     * and room for the purchase's 0420 in a free slot; live, the purchase times out and its 0420 goes into that room,
     * where the share, which it is beyond, lost it: an approval issuer-a may have made, the terminal told 91, never undone.
     */
    @Test
    void shouldQueueATimeOutsReversalIntoTheRoomItKeptThoughItsIssuerWasRecoveredBeyondItsShare(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = journaling(config);
        try
        {
            acquirerSignedOn();
            signOn(0);
            for (int i = 0; i < 3; i++)
            {
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 80 + i), 2_000));
                assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded, and issuer-a never answers");
            }
            now += 6_000_000_000L; // past issuer-a's 5 s time-out
            link(EventType.TICK, -1, -1);
            assertEquals(3, handler.advicesPending(), "the three time-outs' 0420s, never acknowledged");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 83), 2_000));
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded, still with issuer-a when the switch stops");
        }
        finally
        {
            writer.close();
        }

        restart(config, withAdviceQueue(2 * setup.issuers().size()), journal);
        assertEquals(3, handler.advicesPending(), "recovered beyond issuer-a's share of two");
        now += 6_000_000_000L;
        tick();
        assertEquals(0, handler.advicesLost(), "the purchase's 0420 lost to issuer-a's share");
        assertEquals(4, handler.advicesPending());
    }

    /** The test's setup with an advice queue of {@code capacity}, below what the settings allow. */
    private SwitchSetup withAdviceQueue(final int capacity)
    {
        return new SwitchSetup(setup.dialects(), setup.issuerDialect(), setup.acquirers(), setup.issuers(), setup.bins(),
            setup.acceptors(), setup.limits(), setup.zone(), setup.cutoff(), setup.inFlightCapacity(), setup.inFlightMaxFrame(),
            setup.historyCapacity(), setup.forgottenKeys(), capacity, setup.preAuthorizations(), setup.posSales());
    }

    /** A reversal (0400) of {@code original}, a millisecond on. */
    private Map<Integer, String> reversalOf(final Map<Integer, String> original)
    {
        final Map<Integer, String> reversal = request(original.get(2), Long.parseLong(original.get(4)));
        reversal.put(90, "0200" + original.get(11) + original.get(7) + "0".repeat(22));
        return reversal;
    }

    /**
     * A purchase forwarded to issuer-a, which never answers, until the tick that times it out; journaled under
     * {@code config}. Returns the authorization code the terminal got, null for a 91.
     */
    private String timedOut(final SwitchConfig config, final SwitchSetup with, final JournalConfig journal)
    {
        handler = SwitchNode.handler(config, with);
        writer = new JournalWriter(journal);
        try
        {
            acquirerSignedOn();
            signOn(0);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, 90), 2_500));
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded, and issuer-a never answers");
            now += 6_000_000_000L;
            link(EventType.TICK, -1, -1);
            for (int i = 0; i < event.outputCount(); i++)
            {
                if (output(i).mti() == Mti.FINANCIAL_RESPONSE)
                {
                    return output(i).has(38) ? output(i).getString(38) : null;
                }
            }
            throw new AssertionError("no answer on the time-out");
        }
        finally
        {
            writer.close();
        }
    }

    /** The advices issuer-a gets once its link is up again, each as its MTI and authorization code (field 38), e.g. "0221 S00001". */
    private List<String> owedToIssuerA()
    {
        return sentToIssuerA().stream().map(advice -> Mti.toString(advice.mti()) + " " + (advice.has(38) ? advice.getString(38) : null)).toList();
    }

    /** What issuer-a gets once it signs on, over five ticks: the advices owed to it. */
    private List<MessageReader> sentToIssuerA()
    {
        final List<MessageReader> sent = new ArrayList<>(signOn(0));
        for (int i = 0; i < 5; i++)
        {
            tick();
            sent.addAll(advices());
        }
        return sent;
    }

    /**
     * A purchase with card {@code i} of issuer-a forwarded to it, which has not answered when the switch stops; journaled
     * under the default settings into the test's folder, whose journal it returns.
     */
    private JournalConfig forwardedUnanswered(final Path dir, final int i)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        try
        {
            acquirerSignedOn();
            signOn(0);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(card(0, i), 2_500));
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded, and issuer-a has not answered when the switch stops");
            assertEquals(5411, output(0).getLong(18), "MERCHANT0000001's MCC");
        }
        finally
        {
            writer.close();
        }
        return journal;
    }

    /** The default settings with {@code settings} over them, journaling into the test's folder. */
    private static SwitchConfig withSettings(final String settings, final Path dir)
    {
        return SwitchConfig.parse(settings, "settings.conf").withJournalDir(dir.resolve("journal"));
    }

    /** A new switch handler recovers from the journal, as at start-up, with room in its events for all it may send. */
    private void restart(final SwitchConfig config, final JournalConfig journal)
    {
        restart(config, setup, journal);
    }

    /** As {@link #restart(SwitchConfig, JournalConfig)}, under settings of its own (the config changed over the restart). */
    private void restart(final SwitchConfig config, final SwitchSetup with, final JournalConfig journal)
    {
        handler = SwitchNode.handler(config, with);
        writer = null;
        event = new SwitchEvent(8_192, 32_768, with.dialects());
        Replayer.recover(handler, with, journal);
        link(EventType.NODE_START, -1, -1);
    }

    /** A replay of the journal through a new switch handler sends what was sent, in the same order, with the same STANs. */
    private void assertReplaysByteForByte(final SwitchConfig config, final JournalConfig journal, final Path dir)
    {
        assertReplaysByteForByte(config, setup, journal, dir);
    }

    /** As {@link #assertReplaysByteForByte(SwitchConfig, JournalConfig, Path)}, under settings of its own. */
    private void assertReplaysByteForByte(final SwitchConfig config, final SwitchSetup with, final JournalConfig journal, final Path dir)
    {
        final JournalConfig replayed = new JournalConfig(dir.resolve("replay"), journal.durability(), journal.cutoff(), journal.zone(),
            journal.panEncryptionKey(), journal.panHashKey(), journal.dialects());
        Replayer.replay(SwitchNode.handler(config, with), with, journal, replayed);
        assertEquals(List.of(), Replayer.differences(journal, replayed, 10));
    }

    /** A request (0100 or 0200) from the terminal, forwarded to issuer-a and approved; returns its fields. */
    private Map<Integer, String> approvedByIssuerA(final int mti, final String pan, final long amount)
    {
        final Map<Integer, String> request = request(pan, amount);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, mti, request);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, mti + 10, answer(output(0), "00"));
        assertEquals("00", output(0).getString(39));
        return request;
    }

    /** The terminal's link comes up and signs on. */
    private void acquirerSignedOn()
    {
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
    }

    /** The issuer's link comes up and signs on; returns the advices its two events carried, to any issuer. */
    private List<MessageReader> signOn(final int issuer)
    {
        link(EventType.ISSUER_UP, ISSUER_LINKS[issuer], issuer);
        final MessageReader signOn = output(0);
        assertEquals(Mti.NETWORK_MANAGEMENT_REQUEST, signOn.mti());
        final Map<Integer, String> answer = Map.of(7, signOn.getString(7), 11, signOn.getString(11), 39, "00", 70, "001");
        final List<MessageReader> advices = new ArrayList<>(advices());
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[issuer], issuer, Mti.NETWORK_MANAGEMENT_RESPONSE, answer);
        advices.addAll(advices());
        return advices;
    }

    /** The advices (0420, 0220, 0120 and their repeats) the last event sent, copied (the event's buffers are used again). */
    private List<MessageReader> advices()
    {
        return SwitchMessages.advices(setup, event);
    }

    private void tick()
    {
        now += 10_000_000L;
        link(EventType.TICK, -1, -1);
    }

    /** As the ring does: the switch, then the journal, which leaves out quiet events; what a build before this one journaled. */
    @Override
    void handle()
    {
        event.sequence(sequence);
        handler.onEvent(event, sequence++, true);
        if (decimalStandInCodes)
        {
            numberStandInsInDecimal();
        }
        if (answerAmountJournaled >= 0 && event.type() == EventType.ISSUER_MESSAGE)
        {
            final MessageReader input = new MessageReader(setup.dialects().get(iso87b));
            assertEquals(DecodeError.NONE, input.wrap(event.frame(), event.headerLength(), event.messageLength()));
            long rest = answerAmountJournaled;
            for (int i = 5; i >= 0; i--, rest /= 100)
            {
                event.frame().putByte(input.valueOffset(4) + i, (byte)((rest / 10 % 10) << 4 | rest % 10)); // twelve BCD digits
            }
        }
        if (answerRrnJournaled != null && event.type() == EventType.ISSUER_MESSAGE)
        {
            final MessageReader input = new MessageReader(setup.dialects().get(iso87b));
            assertEquals(DecodeError.NONE, input.wrap(event.frame(), event.headerLength(), event.messageLength()));
            event.frame().putStringWithoutLengthAscii(input.valueOffset(37), answerRrnJournaled);
            event.output().putStringWithoutLengthAscii(output(0).valueOffset(37), answerRrnJournaled);
        }
        if (writer != null && !event.isQuiet())
        {
            writer.append(event);
        }
    }

    /** The event's stand-in answers as the build before base-36 codes sent them: S and the stand-in's number in five decimal digits. */
    private void numberStandInsInDecimal()
    {
        for (int i = 0; i < event.outputCount(); i++)
        {
            final MessageReader out = output(i);
            if (out.has(38) && out.charAt(38, 0) == 'S')
            {
                final int number = Integer.parseInt(out.getString(38).substring(1), 36);
                event.output().putStringWithoutLengthAscii(out.valueOffset(38), String.format("S%05d", number));
            }
        }
    }

    private MessageReader output(final int i)
    {
        return SwitchMessages.output(setup, event, i);
    }

    private Map<Integer, String> request(final String pan, final long amount)
    {
        return SwitchMessages.request(pan, "000000", amount, now, ++stan);
    }

    private static Map<Integer, String> answer(final MessageReader sent, final String code)
    {
        return SwitchMessages.issuerAnswer(sent, code);
    }

    private static String card(final int issuer, final int i)
    {
        return SwitchMessages.card(BINS[issuer], i);
    }
}
