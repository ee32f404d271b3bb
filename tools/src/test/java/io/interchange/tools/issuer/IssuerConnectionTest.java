package io.interchange.tools.issuer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.Test;

/** The connection handler on an EmbeddedChannel: what goes out per read, and faults drawn from the seed. */
class IssuerConnectionTest
{
    private static ByteBuf purchases(final int count) throws Exception
    {
        final ByteBuf in = Unpooled.buffer();
        for (int i = 1; i <= count; i++)
        {
            in.writeBytes(RawClient.frame(Requests.pack(Requests.purchase(TestCards.ACTIVE, 1, i))));
        }
        return in;
    }

    /** The STANs of the answers in {@code out}, frame by frame. */
    private static List<Integer> stans(final ByteBuf out) throws Exception
    {
        final List<Integer> stans = new ArrayList<>();
        while (out.isReadable())
        {
            final byte[] message = new byte[out.readUnsignedShort()];
            out.readBytes(message);
            final ISOMsg answer = Requests.unpack(message);
            stans.add(Integer.parseInt(answer.getString(11)));
        }
        out.release();
        return stans;
    }

    private static IssuerSimulator simulator(final long seed, final Faults faults)
    {
        return new IssuerSimulator(TestCards.book(), IssuerSimConfig.defaults().withClock(TestCards.clock()).withSeed(seed).withFaults(faults));
    }

    @Test
    void shouldWriteTheAnswersOfOneReadTogether() throws Exception
    {
        final IssuerSimulator issuer = simulator(1, Faults.NONE);
        final EmbeddedChannel channel = new EmbeddedChannel(issuer.newConnectionHandler());
        channel.writeInbound(purchases(30));

        final ByteBuf out = channel.readOutbound();
        assertNull(channel.readOutbound(), "one buffer for the whole read");
        final List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= 30; i++)
        {
            expected.add(i);
        }
        assertEquals(expected, stans(out));
        assertEquals(30, issuer.answers(ResponseCode.APPROVED));
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldStopReadingAPeerThatDoesNotReadItsAnswers() throws Exception
    {
        final IssuerSimulator issuer = simulator(1, Faults.NONE);
        final EmbeddedChannel channel = new EmbeddedChannel(issuer.newConnectionHandler());
        assertTrue(channel.config().isAutoRead());

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        channel.runPendingTasks();
        assertFalse(channel.config().isAutoRead());
        assertEquals(1, issuer.counter(IssuerCounter.READS_PAUSED));

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks();
        assertTrue(channel.config().isAutoRead());
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldDrawTheSameFaultsFromTheSameSeed() throws Exception
    {
        final Faults halfLost = Faults.NONE.withNoAnswer(0.5);
        final List<Integer> first = answered(simulator(7, halfLost));
        final List<Integer> again = answered(simulator(7, halfLost));
        final List<Integer> other = answered(simulator(8, halfLost));

        assertEquals(first, again);
        assertNotEquals(first, other);
        assertTrue(first.size() > 10 && first.size() < 54, "about half of 64 answered: " + first.size());
    }

    private static List<Integer> answered(final IssuerSimulator issuer) throws Exception
    {
        final EmbeddedChannel channel = new EmbeddedChannel(issuer.newConnectionHandler());
        channel.writeInbound(purchases(64));
        final ByteBuf out = channel.readOutbound();
        final List<Integer> stans = stans(out);
        assertEquals(64 - stans.size(), issuer.counter(IssuerCounter.FAULT_NO_ANSWER));
        channel.finishAndReleaseAll();
        return stans;
    }
}
