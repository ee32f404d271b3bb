package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.ring.EventType;

/**
 * DESIGN.md §2: a request that waited past its deadline is answered 91. A request for an issuer (0100, 0200) whose slot
 * says it waited longer than limits.request-deadline (5 s by default) between its link reading it and the switch taking
 * it up is answered 91 and not forwarded: its terminal has given up and will reverse it. Everything else is handled
 * however long it waited: a reversal must never be dropped, and an advice or a retransmission has its answer already.
 */
class RequestDeadlineTest extends FedHandler
{
    private static final int SIX_SECONDS = 6_000_000;
    private static final int FOUR_SECONDS = 4_000_000;
    private static final String PAN = "4761739001010119";

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @AfterEach
    void detachLog()
    {
        ((Logger)LoggerFactory.getLogger(SwitchHandler.class)).detachAppender(log);
    }

    @Test
    void shouldAnswer91WithoutAskingTheIssuerARequestThatWaitedPastItsDeadline()
    {
        ready();
        log.start();
        ((Logger)LoggerFactory.getLogger(SwitchHandler.class)).addAppender(log);
        final Map<Integer, String> purchase = request(1_000);
        waited(SIX_SECONDS, EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals(1, event.outputCount(), "the answer, and nothing to the issuer");
        assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
        assertEquals(Mti.FINANCIAL_RESPONSE, output(0).mti());
        assertEquals("91", output(0).getString(39));
        assertEquals(purchase.get(11), output(0).getString(11));
        assertEquals(Outcome.PAST_DEADLINE, Decision.outcome(event.decision(), 0));
        assertEquals("91", Decision.responseCode(event.decision(), 0));
        assertEquals(0, handler.inFlight());
        assertEquals(1, handler.requestsPastDeadline());

        // A pre-authorization too; counted, but logged once a minute at most, and never with the card number.
        waited(SIX_SECONDS, EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, request(2_000));
        assertEquals(List.of(ACQUIRER_LINK), links());
        assertEquals("91", output(0).getString(39));
        assertEquals(Mti.AUTHORIZATION_RESPONSE, output(0).mti());
        assertEquals(2, handler.requestsPastDeadline());
        final List<String> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, warnings.size(), warnings::toString);
        assertEquals(true, warnings.get(0).contains("waited 6000 ms") && warnings.get(0).contains("limits.request-deadline (5000 ms)"), warnings.get(0));
        assertFalse(warnings.get(0).contains(PAN.substring(6, 12)), warnings.get(0));
    }

    @Test
    void shouldForwardARequestThatWaitedNoLongerThanItsDeadline()
    {
        ready();
        waited(FOUR_SECONDS, EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(1_000));
        assertEquals(List.of(ISSUER_LINK), links());
        assertEquals(Outcome.FORWARDED, Decision.outcome(event.decision(), 0));
        waited(5_000_000, EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(1_001));
        assertEquals(List.of(ISSUER_LINK), links(), "5 s exactly is not past a deadline of 5 s");
        waited(5_000_001, EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request(1_002));
        assertEquals(List.of(ACQUIRER_LINK), links(), "a microsecond more is");
        assertEquals(2, handler.inFlight());
        assertEquals(1, handler.requestsPastDeadline());
    }

    @Test
    void shouldStillReverseWhenTheReversalWaitedPastTheDeadline()
    {
        ready();
        final Map<Integer, String> purchase = request(1_500);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));

        final Map<Integer, String> reversal = request(1_500);
        reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
        waited(SIX_SECONDS, EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals(Mti.REVERSAL_RESPONSE, output(0).mti());
        assertEquals("00", output(0).getString(39), "reversed, however long it waited");
        assertEquals(List.of(ACQUIRER_LINK, ISSUER_LINK), links(), "its answer, and the 0420 to the issuer");
        assertEquals(Mti.REVERSAL_ADVICE, output(1).mti());
        assertEquals(0, handler.requestsPastDeadline());
    }

    @Test
    void shouldStillAcknowledgeACompletionAndAnswerANetworkRequestThatWaitedPastTheDeadline()
    {
        ready();
        final Map<Integer, String> preAuthorization = request(5_000);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, preAuthorization);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.AUTHORIZATION_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));

        final Map<Integer, String> completion = request(4_500);
        completion.put(38, "AB1234");
        completion.put(90, "0100" + preAuthorization.get(11) + preAuthorization.get(7) + "0".repeat(22));
        waited(SIX_SECONDS, EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
        assertEquals(Mti.FINANCIAL_ADVICE_RESPONSE, output(0).mti());
        assertEquals("00", output(0).getString(39), "acknowledged: the sale happened at the terminal, however late the switch heard of it");

        waited(SIX_SECONDS, EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST,
            Map.of(7, "1126100000", 11, "000900", 70, "301"));
        assertEquals("00", output(0).getString(39), "an echo test");
        assertEquals(0, handler.requestsPastDeadline());
    }

    @Test
    void shouldGiveAnExactRetransmissionItsOriginalAnswerHoweverLongItWaited()
    {
        ready();
        final Map<Integer, String> purchase = request(1_000);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));

        now += 1_000_000_000L;
        waited(SIX_SECONDS, EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals(Outcome.RETRANSMITTED, Decision.outcome(event.decision(), 0));
        assertEquals("00", output(0).getString(39), "the approval it had, not a 91 that would have it reversed");
        assertEquals("AB1234", output(0).getString(38));
        assertEquals(0, handler.requestsPastDeadline());
    }

    @Test
    void shouldTakeTheTerminalsNextTryAtARequestAnsweredPastItsDeadlineAsNew()
    {
        ready();
        final Map<Integer, String> purchase = request(1_000);
        waited(SIX_SECONDS, EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals("91", output(0).getString(39));

        now += 1_000_000_000L;
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals(List.of(ISSUER_LINK), links(), "forgotten: the same request, on time now, goes to its issuer (not its 91 again, nor 94)");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));
    }

    /** The acquirer signed on, one issuer-a link up and signed on. */
    private void ready()
    {
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
        assertEquals("00", output(0).getString(39));
        link(EventType.ISSUER_UP, ISSUER_LINK, 0);
        final MessageReader signOn = output(0);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.NETWORK_MANAGEMENT_RESPONSE,
            Map.of(7, signOn.getString(7), 11, signOn.getString(11), 39, "00", 70, "001"));
        assertEquals(1, handler.signedOnLinks(0));
    }

    private Map<Integer, String> request(final long amount)
    {
        return SwitchMessages.request(PAN, "000000", amount, now, ++stan);
    }

    /** The links the last event's outputs went to, in order. */
    private List<Integer> links()
    {
        final Integer[] links = new Integer[event.outputCount()];
        for (int i = 0; i < links.length; i++)
        {
            links[i] = event.outputLinkId(i);
        }
        return List.of(links);
    }
}
