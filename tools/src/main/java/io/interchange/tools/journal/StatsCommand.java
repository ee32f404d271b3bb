package io.interchange.tools.journal;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import io.interchange.codec.Mti;
import io.interchange.tools.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code interchange journal stats}: what the journal holds, counted: records by event type, messages by MTI, decisions
 * by response code, events by link, and the acquirers' requests over time (TPS per second or per minute). The same
 * filters as {@code cat} select what is counted. Every table is sorted by its key, so the output is the same for the
 * same journal.
 */
@Command(name = "stats", description = "Count the journal's records by MTI, response code and link, and requests per second over time.")
public final class StatsCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Mixin
    private JournalSource source;

    @Mixin
    private RecordFilter filter;

    @Option(names = "--per", paramLabel = "second|minute", description = "TPS buckets (default: ${DEFAULT-VALUE}).", defaultValue = "second")
    private String per;

    @Override
    public Integer call()
    {
        final int bucketSeconds = switch (per)
        {
            case "second" -> 1;
            case "minute" -> 60;
            default -> throw new InputException("--per " + per + ": second or minute");
        };
        final Map<String, Long> events = new TreeMap<>();
        final Map<String, Long> mtis = new TreeMap<>();
        final Map<String, Long> codes = new TreeMap<>();
        // Links by endpoint, then by number: link 81 before link 112.
        final Map<String, Long> links = new TreeMap<>(Comparator.comparing((String key) -> key.substring(0, key.lastIndexOf(' ')))
            .thenComparingInt(key -> Integer.parseInt(key.substring(key.lastIndexOf(' ') + 1))));
        final TreeMap<Long, Long> buckets = new TreeMap<>();
        final long[] shown = new long[2];
        final Records.Scan scan = Records.scan(source, filter, (record, view) ->
        {
            shown[0]++;
            if (view.corrupt())
            {
                shown[1]++;
                return;
            }
            add(events, view.event());
            if (!view.mti().isEmpty())
            {
                add(mtis, view.mti());
            }
            if (!view.responseCode().isEmpty())
            {
                add(codes, view.responseCode());
            }
            add(links, (view.endpoint().isEmpty() ? "-" : view.endpoint()) + " link " + view.link());
            if ("ACQUIRER_MESSAGE".equals(view.event()) && isRequest(view.mti()))
            {
                buckets.merge(Math.floorDiv(view.time().getEpochSecond(), bucketSeconds), 1L, Long::sum);
            }
        });

        final PrintWriter out = spec.commandLine().getOut();
        out.printf("records: %d read, %d counted, %d corrupt%n", scan.read(), shown[0], shown[1]);
        table(out, "by event", events);
        table(out, "by input MTI", mtis);
        table(out, "by response code", codes);
        table(out, "by link", links);
        out.printf("%nacquirer requests per %s (TPS)%n", per);
        long total = 0;
        long peak = 0;
        for (final Map.Entry<Long, Long> bucket : buckets.entrySet())
        {
            total += bucket.getValue();
            peak = Math.max(peak, bucket.getValue());
            out.printf("  %-24s %8d  %s%n", Instant.ofEpochSecond(bucket.getKey() * bucketSeconds), bucket.getValue(), tps(bucket.getValue(), bucketSeconds));
        }
        if (!buckets.isEmpty())
        {
            final long seconds = (buckets.lastKey() - buckets.firstKey() + 1) * bucketSeconds;
            out.printf("  requests %d over %d s: mean %s TPS, peak %s TPS%n", total, seconds, tps(total, seconds), tps(peak, bucketSeconds));
        }
        out.flush();
        return Records.exitCode(spec, scan);
    }

    private static boolean isRequest(final String mti)
    {
        return mti.length() == 4 && Character.isDigit(mti.charAt(2)) && Mti.isRequest(Integer.parseInt(mti));
    }

    private static void add(final Map<String, Long> counts, final String key)
    {
        counts.merge(key, 1L, Long::sum);
    }

    private static void table(final PrintWriter out, final String title, final Map<String, Long> counts)
    {
        out.printf("%n%s%n", title);
        for (final Map.Entry<String, Long> entry : counts.entrySet())
        {
            out.printf("  %-24s %8d%n", entry.getKey(), entry.getValue());
        }
    }

    /** A rate with one decimal, in integer arithmetic so that it prints the same everywhere. */
    static String tps(final long count, final long seconds)
    {
        final long tenths = (count * 10 + seconds / 2) / seconds;
        return tenths / 10 + "." + tenths % 10;
    }
}
