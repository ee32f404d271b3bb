package io.interchange.bench.ring;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.journal.JournalWriter;

/**
 * End-of-day clearing at scale (issue 5, item 5): journals N purchases and their approvals (RingPathBenchmark's
 * traffic, driven through the real switch handler and Chronicle journal on one thread, as RingPathInlineBenchmark
 * does, with event time from 2026-11-26 00:00 UTC), then clears that business day and prints how long each took and
 * the heap's peak. Not JMH: one run of each, which is what an operator waits for.
 * <pre>
 * java @jvm.options -Xmx8g -cp bench/target/benchmarks.jar io.interchange.bench.ring.ClearingBench 1000000 /tmp/clearing-bench
 * </pre>
 * With {@code --reuse}, a journal already in DIR is cleared again (no journaling), so a change to
 * clearing can be timed without waiting for the day to be written anew.
 */
public final class ClearingBench
{
    private ClearingBench()
    {
    }

    private static final String USAGE = "usage: ClearingBench N DIR [--reuse]: journal N purchases and approvals into DIR/journal " +
        "(which must not exist), then clear their day into DIR/out; with --reuse, clear the journal already in DIR again. " +
        "10,000,000 takes about 7 GB of disk for the journal and 1.5 GB for the files.";

    public static void main(final String[] args) throws IOException
    {
        final List<String> positional = new ArrayList<>();
        boolean reuseAsked = false;
        for (final String arg : args)
        {
            if ("--reuse".equals(arg))
            {
                reuseAsked = true;
            }
            else
            {
                positional.add(arg);
            }
        }
        long parsed = -1;
        try
        {
            parsed = positional.size() == 2 ? Long.parseLong(positional.get(0).replace("_", "").replace(",", "")) : -1;
        }
        catch (final NumberFormatException ex)
        {
            parsed = -1;
        }
        if (parsed < 1)
        {
            System.err.println(USAGE);
            System.exit(2);
        }
        final long n = parsed;
        final boolean reuse = reuseAsked;
        final Path dir = Files.createDirectories(Path.of(positional.get(1)));
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        if (reuse && !Files.isDirectory(dir.resolve("journal")))
        {
            throw new IllegalArgumentException("--reuse: no journal at " + dir.resolve("journal"));
        }
        if (!reuse && Files.exists(dir.resolve("journal")))
        {
            // Appending to a journal already there would clear the old day's traffic with the new: twice N, or more.
            System.err.println("ClearingBench: " + dir.resolve("journal") + " exists: give an empty DIR, remove it, or add --reuse to clear it again");
            System.exit(2);
        }
        if (!reuse)
        {
            final long started = System.nanoTime();
            final long records = journal(config, n);
            final long journaled = System.nanoTime();
            System.out.printf("journaled %,d purchases and approvals (%,d records) in %.1f s%n", n, records, (journaled - started) / 1e9);
        }

        resetPeaks();
        final LocalDate day = LocalDate.ofInstant(Instant.ofEpochSecond(Traffic.START_NANOS / 1_000_000_000L), ZoneOffset.UTC);
        final long clearing = System.nanoTime();
        final Clearing.ClearingRun run = Clearing.run(config, day, dir.resolve("out"));
        final long cleared = System.nanoTime();
        final long peak = heapPeak();
        System.out.printf("cleared %s: %,d records, %,d transactions, %,d exceptions in %.1f s (%,.0f transactions/s)%n",
            day, run.day().records(), run.day().transactions().size(), run.day().exceptions().size(), (cleared - clearing) / 1e9,
            run.day().transactions().size() / ((cleared - clearing) / 1e9));
        // The peak counts garbage not yet collected; what the day really holds is what survives a full collection.
        System.gc();
        final Runtime runtime = Runtime.getRuntime();
        System.out.printf("heap: %,d MB live after clearing (the day still held), %,d MB peak with garbage, %,d MB max%n",
            (runtime.totalMemory() - runtime.freeMemory()) >> 20, peak >> 20, runtime.maxMemory() >> 20);
        System.out.println(run.folder()); // after the collection: the day stays reachable through it
    }

    /** N purchases, each approved at once, through the switch handler into the node's journal; returns the records. */
    private static long journal(final SwitchConfig config, final long n)
    {
        try (JournalWriter writer = new JournalWriter(SwitchNode.journalConfig(config)))
        {
            final InlinePath path = new InlinePath(config, new Journals.Chronicle(writer));
            path.signOn();
            for (long k = 0; k < n; k++)
            {
                path.request(k);
                path.answer(k);
                if ((k & 1_023) == 1_023)
                {
                    path.endOfBatch();
                }
            }
            path.endOfBatch();
            Traffic.expect("frames to the acquirer link", 1 + n, path.egress().frames(InlinePath.ACQUIRER_LINK));
            return path.sequence();
        }
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
