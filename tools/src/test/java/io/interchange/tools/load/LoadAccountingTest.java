package io.interchange.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Iso87;
import io.interchange.codec.frame.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * What the load harness counts and measures when requests are lost or never sent (open loop): each is lost, fails the
 * run, and is in the latency figures; and what its report says of an answer that does not decode. A fake switch on an
 * EmbeddedChannel answers the harness's requests; every time is in the past, so nothing waits.
 */
class LoadAccountingTest
{
    private static final long LATE_BY_AT_LEAST = TimeUnit.MILLISECONDS.toNanos(500);

    private static final Framing FRAMING = Framing.BINARY_2;
    private static final int HEADER = 2;

    /**
     * Open loop, coordinated omission: every request of the run is due in the past (the last 510 ms ago), so each goes
     * at least 500 ms after it was due and is answered at once. Its latency must be counted from when it was due, so it
     * holds the generator's lateness; counted from when it went, the run reports microseconds for a generator that was
     * half a second behind.
     */
    @Test
    void aRequestThatWentLateShouldBeTimedFromWhenItWasDue()
    {
        final PastRun run = PastRun.start();
        final LoadOptions options = run.options();
        final LoadConnection connection = run.connection();
        final EmbeddedChannel channel = run.channel();
        final List<MessageReader> requests = run.requests();
        for (final MessageReader request : requests)
        {
            answer(channel, request, "00");
        }
        final LoadReport report = report(options, connection.finish());

        assertEquals(0, report.mismatches());
        assertEquals(50, report.latency().getTotalCount());
        assertTrue(report.sendLag().getMinValue() >= LATE_BY_AT_LEAST, "each went at least 500 ms late: " + report.sendLag().getMinValue() + " ns");
        assertTrue(report.latency().getMinValue() >= report.sendLag().getMinValue(),
            "latency from the due time includes the send lag: latency p50 " + LoadReport.micros(report.latencyMicros(50)) + ", min " +
                report.latency().getMinValue() + " ns, send lag min " + report.sendLag().getMinValue() + " ns");
        channel.finishAndReleaseAll();
    }

    private static LoadOptions options()
    {
        return LoadOptions.defaults().withCards(3, List.of("476173", "622848"), 4_000).withConnections(1).withTerminals(2)
            .withMix(Mix.PURCHASES).withWarmup(Duration.ZERO).open(100);
    }

    /** Connects, answers the sign-on, returns the channel. */
    private static EmbeddedChannel connect(final LoadConnection connection)
    {
        final EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(connection);
        channel.pipeline().fireChannelActive();
        final List<MessageReader> signOn = readRequests(channel);
        assertEquals(1, signOn.size());
        answer(channel, signOn.get(0), "00");
        assertTrue(connection.signedOn().isDone() && !connection.signedOn().isCompletedExceptionally());
        return channel;
    }

    /** Every request the harness has written so far, decoded (each reader a copy). */
    private static List<MessageReader> readRequests(final EmbeddedChannel channel)
    {
        final List<MessageReader> requests = new ArrayList<>();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null)
        {
            while (buf.readableBytes() >= HEADER)
            {
                final int length = buf.getUnsignedShort(buf.readerIndex());
                final byte[] message = new byte[length];
                buf.skipBytes(HEADER);
                buf.readBytes(message);
                final MessageReader reader = new MessageReader(Iso87.BINARY);
                final DecodeError error = reader.wrap(new UnsafeBuffer(message), 0, length);
                assertTrue(error == DecodeError.NONE || reader.has(11), "a request without a STAN: " + error);
                requests.add(reader);
            }
            buf.release();
        }
        return requests;
    }

    /** The switch's answer: MTI + 10, the STAN and terminal id echoed, 39 as given. */
    private static void answer(final EmbeddedChannel channel, final MessageReader request, final String code)
    {
        answer(channel, request, code, request.has(41) ? request.getString(41) : null, 0);
    }

    /** An answer with {@code terminal} as its field 41 (none when null), then field 42, the last {@code cut} bytes left off. */
    private static void answer(final EmbeddedChannel channel, final MessageReader request, final String code, final String terminal, final int cut)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
        final MessageWriter writer = new MessageWriter(Iso87.BINARY).wrap(out, HEADER).mti(Mti.responseTo(request.mti()))
            .putString(11, request.getString(11)).putString(39, code);
        if (terminal != null)
        {
            writer.putString(41, terminal);
        }
        if (cut > 0)
        {
            writer.putString(42, "MERCHANT0000001");
        }
        final int length = writer.finish() - cut;
        FRAMING.writeLength(out, 0, length);
        channel.writeInbound(Unpooled.wrappedBuffer(out.byteArray(), 0, HEADER + length));
        channel.pipeline().fireChannelReadComplete();
    }

    private static void runDue(final EmbeddedChannel channel)
    {
        for (int i = 0; i < 50; i++)
        {
            channel.runPendingTasks();
        }
    }

    private static LoadReport report(final LoadOptions options, final LoadConnection.Result r)
    {
        return new LoadReport(options, Instant.now(), Duration.ofMillis(500), r.counters(),
            new LoadReport.Timings(r.measured(), r.sendLag(), r.roundTrip()), List.of(), List.of(), r.batches(), r.samples(), List.of());
    }

    /**
     * 50 requests due in the measured part, 49 answered, one never: it is counted lost, and is in the latency
     * histogram at no less than the time-out, so that p99.99 and the maximum are not the answered ones' alone.
     */
    @Test
    void aLostRequestShouldBeInTheLatencyHistogram()
    {
        final PastRun run = PastRun.start();
        final LoadOptions options = run.options();
        final LoadConnection connection = run.connection();
        final EmbeddedChannel channel = run.channel();
        final List<MessageReader> requests = run.requests();
        for (int i = 1; i < requests.size(); i++)
        {
            answer(channel, requests.get(i), "00");
        }
        final LoadConnection.Result result = connection.finish();
        final LoadReport report = report(options, result);
        assertEquals(0, report.mismatches());
        assertEquals(1, report.timeouts(), "the unanswered one is lost");
        assertEquals(50, report.measuredSent());
        assertEquals(report.measuredSent(), report.latency().getTotalCount(),
            "every measured request should be in the latency histogram, the lost one at (at least) the time-out; max is " +
                LoadReport.micros(report.maxMicros()) + " with a 10 s time-out");
        assertTrue(report.maxMicros() >= options.timeout().toNanos() / 1e3, "the lost request at its time-out at least");
        channel.finishAndReleaseAll();
    }

    /**
     * Open loop, the generator behind its schedule (here: its cards must rest, as after a stall): when the connection
     * finishes (LoadRun does so at the latest at stop + time-out + 0.5 s), every request due in the measured part and
     * not yet sent is lost, in the histogram at how late it is, and the run fails.
     */
    @Test
    void aDueRequestNeverSentShouldNotVanish()
    {
        final LoadOptions options = options();
        final LoadPlan plan = LoadPlan.of(options, LocalDate.of(2026, 3, 15));
        final SimTerminal[] terminals = {new SimTerminal(plan, 0, 1, 0), new SimTerminal(plan, 1, 1, 0)};
        final LoadConnection connection = new LoadConnection(plan, 0, terminals);
        final EmbeddedChannel channel = connect(connection);

        // 6,000 requests due (100/s for 60 s), every one of them in the past.
        final long start = System.nanoTime() - TimeUnit.SECONDS.toNanos(120);
        final long stop = start + TimeUnit.SECONDS.toNanos(60);
        connection.start(start, start, stop);
        runDue(channel);
        final List<MessageReader> requests = readRequests(channel);
        for (final MessageReader request : requests)
        {
            answer(channel, request, "00");
        }
        final LoadConnection.Result result = connection.finish();
        final LoadReport report = report(options, result);
        assertNotNull(report);
        final long due = 6_000;
        assertEquals(0, report.mismatches());
        assertEquals(due, report.measuredSent() + report.timeouts(),
            "requests due in the measured part: " + due + "; sent " + report.measuredSent() + ", lost " + report.timeouts() +
                ", in the histogram " + report.latency().getTotalCount() + ", card waits " + report.cardWaits() + "; verdict " + report.verdict());
        assertEquals(due, report.latency().getTotalCount(), "every request due is in the latency histogram");
        assertFalse(report.passed(), report.verdict());
        channel.finishAndReleaseAll();
    }

    /**
     * An answer that does not decode is a mismatch, and the report says so without the values of its fields: one wrong
     * bitmap bit shifts every field after it, so what reads as 41 can be the card number the switch echoed in field 2.
     * Here it is eight of the middle digits of the request's card number, and field 42 after it is cut short. No file
     * of the report holds them, where its sample quoted fields 39 and 41 as they read.
     */
    @Test
    void aMismatchShouldNotShowTheFieldsOfAnAnswerThatDoesNotDecode(@TempDir final Path dir) throws IOException
    {
        final PastRun run = PastRun.start();
        final EmbeddedChannel channel = run.channel();
        final List<MessageReader> requests = run.requests();
        final String middle = requests.get(0).getString(2).substring(6, 14);
        answer(channel, requests.get(0), "00", middle, 5);
        for (int i = 1; i < requests.size(); i++)
        {
            answer(channel, requests.get(i), "00");
        }
        final LoadReport report = report(run.options(), run.connection().finish());
        assertEquals(1, report.mismatches());
        report.write(dir);
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : files.toList())
            {
                final String content = Files.readString(file);
                assertFalse(content.contains(middle), () -> "card digits in " + file.getFileName() + ":\n" + content);
            }
        }
        assertTrue(Files.readString(dir.resolve(LoadReport.TEXT)).contains("that does not decode: "), report.samples().toString());
        channel.finishAndReleaseAll();
    }

    /**
     * Two terminals on one connection whose whole open-loop run (100/s for 500 ms) fell due a second ago: its 50
     * requests, all sent at once on the first run of the loop's tasks, and read back.
     */
    private record PastRun(LoadOptions options, LoadConnection connection, EmbeddedChannel channel, List<MessageReader> requests)
    {
        static PastRun start()
        {
            final LoadOptions options = LoadAccountingTest.options();
            final LoadPlan plan = LoadPlan.of(options, LocalDate.of(2026, 3, 15));
            final SimTerminal[] terminals = {new SimTerminal(plan, 0, 1, 0), new SimTerminal(plan, 1, 1, 0)};
            final LoadConnection connection = new LoadConnection(plan, 0, terminals);
            final EmbeddedChannel channel = connect(connection);
            final long start = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
            connection.start(start, start, start + TimeUnit.MILLISECONDS.toNanos(500));
            runDue(channel);
            final List<MessageReader> requests = readRequests(channel);
            assertEquals(50, requests.size(), "50 requests due at 100/s in 500 ms");
            return new PastRun(options, connection, channel, requests);
        }
    }
}
