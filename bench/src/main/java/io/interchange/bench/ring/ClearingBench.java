package io.interchange.bench.ring;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.config.ListenerConfig;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.journal.JournalWriter;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * End-of-day clearing at scale (issue 5, item 5): journals N purchases and their approvals (RingPathBenchmark's
 * traffic, driven through the real switch handler and Chronicle journal on one thread, as RingPathInlineBenchmark
 * does, with event time from 2026-11-26 00:00 UTC), then clears that business day and prints how long each took and
 * the heap's peak. Not JMH: one run of each, which is what an operator waits for.
 * <pre>
 * java @jvm.options -Xmx8g -cp bench/target/benchmarks.jar io.interchange.bench.ring.ClearingBench 1000000 /tmp/clearing-bench
 * </pre>
 */
public final class ClearingBench
{
    private static final int ACQUIRER_LINK = 1;
    private static final int ISSUER_LINK = 2;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[512]);
    private final Traffic traffic = new Traffic();
    private final SwitchHandler switchHandler;
    private final JournalWriter writer;
    private final NullEgress egress = new NullEgress();
    private final SwitchEvent[] slots;
    private final int acquirerEndpoint;
    private final int acquirerDialect;
    private final int issuerEndpoint;
    private final int issuerDialect;
    private long now = Traffic.START_NANOS;
    private long sequence;

    private ClearingBench(final SwitchConfig config)
    {
        final List<Dialect> dialects = Dialects.all();
        switchHandler = new SwitchHandler(SwitchNode.setup(config, dialects));
        writer = new JournalWriter(SwitchNode.journalConfig(config));
        slots = new SwitchEvent[config.ring().size()];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = new SwitchEvent(4_096, 4 * 4_096, dialects);
        }
        final ListenerConfig listener = config.listener("pos-iso87");
        acquirerEndpoint = config.listeners().indexOf(listener);
        acquirerDialect = dialects.indexOf(listener.dialect());
        issuerEndpoint = config.issuers().indexOf(config.issuer("issuer-a"));
        issuerDialect = dialects.indexOf(Iso87.BINARY);
    }

    public static void main(final String[] args) throws IOException
    {
        final long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        final Path dir = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "clearing-bench"));
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final long started = System.nanoTime();
        final ClearingBench bench = new ClearingBench(config);
        bench.journal(n);
        final long journaled = System.nanoTime();
        System.out.printf("journaled %,d purchases and approvals (%,d records) in %.1f s%n", n, bench.sequence, (journaled - started) / 1e9);

        resetPeaks();
        final LocalDate day = LocalDate.ofInstant(Instant.ofEpochSecond(Traffic.START_NANOS / 1_000_000_000L), ZoneOffset.UTC);
        final long clearing = System.nanoTime();
        final Clearing.ClearingRun run = Clearing.run(config, day, dir.resolve("out"));
        final long cleared = System.nanoTime();
        System.out.printf("cleared %s: %,d records, %,d transactions, %,d exceptions in %.1f s (%,.0f transactions/s); heap peak %,d MB of %,d MB max%n",
            day, run.day().records(), run.day().transactions().size(), run.day().exceptions().size(), (cleared - clearing) / 1e9,
            run.day().transactions().size() / ((cleared - clearing) / 1e9), heapPeak() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        System.out.println(run.folder());
    }

    private void journal(final long n)
    {
        final MessageWriter messages = new MessageWriter(Iso87.BINARY);
        process(slot(EventType.ACQUIRER_UP, ACQUIRER_LINK, acquirerEndpoint, -1));
        messages.wrap(scratch, 0).mti(800).putString(7, "1126000000").putLong(11, 1).putString(41, Traffic.TERMINAL).putLong(70, 1);
        process(fill(slot(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, acquirerEndpoint, acquirerDialect), messages.finish()));
        process(slot(EventType.ISSUER_UP, ISSUER_LINK, issuerEndpoint, -1));
        messages.wrap(scratch, 0).mti(810).putString(7, "1126000000").putLong(11, 1).putString(39, "00").putLong(70, 1);
        process(fill(slot(EventType.ISSUER_MESSAGE, ISSUER_LINK, issuerEndpoint, issuerDialect), messages.finish()));
        for (long k = 0; k < n; k++)
        {
            final SwitchEvent request = slot(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, acquirerEndpoint, acquirerDialect);
            request.frameLengths(0, traffic.request(k, now, request.frame()));
            process(request);
            final SwitchEvent answer = slot(EventType.ISSUER_MESSAGE, ISSUER_LINK, issuerEndpoint, issuerDialect);
            answer.frameLengths(0, traffic.answer(k, now, answer.frame()));
            process(answer);
            if ((k & 1_023) == 1_023)
            {
                writer.endOfBatch();
            }
        }
        writer.endOfBatch();
        writer.close();
        Traffic.expect("frames to the acquirer link", 1 + n, egress.frames(ACQUIRER_LINK));
    }

    private SwitchEvent slot(final int type, final int link, final int endpoint, final int dialect)
    {
        final SwitchEvent event = slots[(int)(sequence & (slots.length - 1))];
        now += Traffic.STEP_NANOS;
        event.reset(type, now, link, endpoint, dialect);
        return event;
    }

    private SwitchEvent fill(final SwitchEvent event, final int length)
    {
        event.frame().putBytes(0, scratch, 0, length);
        event.frameLengths(0, length);
        return event;
    }

    private void process(final SwitchEvent event)
    {
        if (event.messageLength() > 0 && event.reader().wrap(event.frame(), event.headerLength(), event.messageLength()) != DecodeError.NONE)
        {
            throw new IllegalStateException("our own message does not decode: " + event.reader());
        }
        switchHandler.onEvent(event, sequence, false);
        writer.append(event);
        for (int i = 0, count = event.outputCount(); i < count; i++)
        {
            egress.send(event.outputLinkId(i), event.output(), event.outputHeaderOffset(i), event.outputHeaderLength(i) + event.outputLength(i),
                event.outputCloses(i));
        }
        sequence++;
    }

    private static void resetPeaks()
    {
        System.gc();
        for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
        {
            pool.resetPeakUsage();
        }
    }

    private static long heapPeak()
    {
        long peak = 0;
        for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
        {
            if (pool.getType() == MemoryType.HEAP)
            {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
