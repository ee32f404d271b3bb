package io.interchange.tools.issuer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.dialect.Iso87;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Latency and faults as a client sees them over loopback. No assertion is on how long anything took. */
class IssuerFaultTest
{
    /** How long a client waits for an answer the fault makes it miss: well short of {@link #LATE_BY}. */
    private static final int SHORT_WAIT_MILLIS = 250;
    private static final Duration LATE_BY = Duration.ofSeconds(3);

    private IssuerSimulator issuer;
    private RawClient client;

    private void start(final IssuerSimConfig config) throws Exception
    {
        issuer = new IssuerSimulator(TestCards.book(), config.withClock(TestCards.clock())).start();
        client = new RawClient(issuer.port());
    }

    private void start(final Faults faults) throws Exception
    {
        start(IssuerSimConfig.defaults().withFaults(faults));
    }

    @AfterEach
    void stop() throws Exception
    {
        if (client != null)
        {
            client.close();
        }
        if (issuer != null)
        {
            issuer.close();
        }
    }

    @Test
    void shouldLeaveTheClientToTimeOutWhenTheAnswerIsDropped() throws Exception
    {
        start(Faults.NONE.withNoAnswer(1.0));
        client.send(Requests.purchase(TestCards.ACTIVE, 1_000, 1));
        assertThrows(SocketTimeoutException.class, () -> client.receive(SHORT_WAIT_MILLIS));

        // No answer says the simulator's thread is done with the purchase: a stalled one may not even have read it yet.
        awaitCounter(IssuerCounter.FAULT_NO_ANSWER, 1);
        // The fault hit the answer, not the processing: the purchase went through, as reversals assume.
        assertEquals(TestCards.ACTIVE_BALANCE - 1_000, issuer.account(TestCards.ACTIVE).orElseThrow().balance());
        issuer.close();
        assertEquals(1, issuer.counter(IssuerCounter.FAULT_NO_ANSWER));
        assertEquals(0, issuer.counter(IssuerCounter.ANSWERS_SENT));
    }

    @Test
    void shouldCloseTheConnectionInsteadOfAnsweringOnDisconnectFault() throws Exception
    {
        start(Faults.NONE.withDisconnect(1.0));
        client.send(Requests.network("301", 1));
        assertThrows(EOFException.class, () -> client.receive());
        issuer.close();
        assertEquals(1, issuer.counter(IssuerCounter.FAULT_DISCONNECT));
        assertEquals(1, issuer.counter(IssuerCounter.CONNECTIONS_CLOSED));
    }

    @Test
    void shouldSendAFrameThatDoesNotDecodeOnGarbageFault() throws Exception
    {
        start(Faults.NONE.withGarbage(1.0));
        client.send(Requests.purchase(TestCards.ACTIVE, 1_000, 1));
        final byte[] frame = client.receive();
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        assertNotEquals(DecodeError.NONE, reader.wrap(frame, 0, frame.length));
        assertEquals(-1, reader.mti());

        // The link stays up: the next answer is garbage too, but it comes.
        client.send(Requests.network("301", 2));
        assertTrue(client.receive().length > 0);
    }

    @Test
    void shouldSendALateAnswerAfterTheClientGaveUpWaiting() throws Exception
    {
        start(Faults.NONE.withLate(1.0, LATE_BY));
        client.send(Requests.purchase(TestCards.ACTIVE, 1_000, 7));
        assertThrows(SocketTimeoutException.class, () -> client.receive(SHORT_WAIT_MILLIS));

        final ISOMsg late = client.receiveMessage();
        assertEquals("0210", late.getMTI());
        assertEquals("000007", late.getString(11));
        assertEquals("00", late.getString(39));
        issuer.close();
        assertEquals(1, issuer.counter(IssuerCounter.FAULT_LATE));
        assertEquals(1, issuer.answers(ResponseCode.APPROVED));
    }

    @Test
    void shouldAnswerEveryRequestOnceWithUniformLatency() throws Exception
    {
        assertEveryRequestAnsweredOnce(Latency.parse("1ms..20ms"));
    }

    @Test
    void shouldAnswerEveryRequestOnceWithExponentialLatency() throws Exception
    {
        assertEveryRequestAnsweredOnce(Latency.parse("exp:2ms"));
    }

    @Test
    void shouldAnswerEveryRequestOnceWithFixedLatency() throws Exception
    {
        assertEveryRequestAnsweredOnce(Latency.parse("3ms"));
    }

    /** Waits for a counter the simulator's thread keeps to reach {@code expected}; fails the test after 10 s. */
    private void awaitCounter(final IssuerCounter counter, final long expected)
    {
        final Duration limit = Duration.ofSeconds(10);
        final long deadline = System.nanoTime() + limit.toNanos();
        while (issuer.counter(counter) < expected)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError(counter + " not at " + expected + " within " + limit + ": " + issuer.counter(counter));
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    /** 50 requests sent back to back: all answered, each once; in what order they come is not asserted. */
    private void assertEveryRequestAnsweredOnce(final Latency latency) throws Exception
    {
        start(IssuerSimConfig.defaults().withLatency(latency));
        final int count = 50;
        for (int i = 1; i <= count; i++)
        {
            client.send(Requests.purchase(TestCards.ACTIVE, 1, i));
        }
        final Set<Integer> answered = new HashSet<>();
        for (int i = 0; i < count; i++)
        {
            final ISOMsg answer = client.receiveMessage();
            assertEquals("00", answer.getString(39));
            assertTrue(answered.add(Integer.parseInt(answer.getString(11))), "answered twice: " + answer.getString(11));
        }
        assertEquals(count, answered.size());
        assertEquals(TestCards.ACTIVE_BALANCE - count, issuer.account(TestCards.ACTIVE).orElseThrow().balance());
    }
}
