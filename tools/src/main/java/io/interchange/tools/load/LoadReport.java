package io.interchange.tools.load;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

/**
 * What a load run did: throughput, latency, answers by response code and by case, what went wrong, CPU used, a
 * second-by-second series, and the terminals' batch totals. Latencies are measured from when each request was due
 * (see {@link LoadMode#OPEN}) and kept in nanoseconds; the report shows them in microseconds.
 *
 * <p>{@link #write} puts the report in a directory as {@value #TEXT} (for a person), {@value #HISTOGRAM}
 * (HdrHistogram's percentile distribution, microseconds), {@value #HTML} (charts of the latency percentiles and of
 * throughput and latency over time, one self-contained file) and {@value #JSON} (for scripts: tps, p50, p90, p99,
 * p999, p9999 and max in microseconds, sent, answered, mismatches, timeouts, errors, codes, mode, rate, duration).
 */
public final class LoadReport
{
    public static final String TEXT = "report.txt";
    public static final String HISTOGRAM = "latency.hgrm";
    public static final String HTML = "report.html";
    public static final String JSON = "summary.json";

    /** The percentiles every summary shows, as HdrHistogram takes them. */
    static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    /**
     * One case of the run: how often it was sent and what came of it.
     *
     * @param asExpected answered with the case's MTI, code and terminal id.
     * @param otherwise  answered, but not as expected: mismatches.
     * @param lost       never answered in time.
     */
    public record CaseResult(TransactionCase transactionCase, long sent, long asExpected, long otherwise, long lost)
    {
        /** Sent at least once, and every one answered as expected. */
        public boolean passed()
        {
            return sent > 0 && asExpected == sent && otherwise == 0 && lost == 0;
        }
    }

    /**
     * One second of the run; the last, cut short where the run ends, may be less.
     *
     * @param at      seconds since the first request was due, at the second's end.
     * @param length  seconds the sample covers: about 1, less for the last.
     * @param phase   the part of the run the second ended in.
     * @param answers answers received in the second.
     * @param p50     latencies of those answers, microseconds (0 without answers).
     * @param cpu     cores used in the second: this process first, then each watched process in order (-1 unknown).
     */
    public record Second(
        double at, double length, LoadProgress.Phase phase, long answers, double p50, double p90, double p99, double p999, double max, List<Double> cpu)
    {
        public Second
        {
            cpu = List.copyOf(cpu);
        }

        /** The shortest sample given a rate: a run's last, the few milliseconds of answers after the last send, rates nothing. */
        public static final double SHORTEST_RATED = 0.25;

        /**
         * Answers per second over the sample (a last sample of 0.5 s with 5,000 answers ran at 10,000 TPS, not 5,000), or
         * -1 for one shorter than {@link #SHORTEST_RATED}.
         */
        public double tps()
        {
            return length >= SHORTEST_RATED ? answers / length : -1;
        }
    }

    /**
     * CPU used during the measured part.
     *
     * @param name    what the process or thread is.
     * @param pid     its process id.
     * @param seconds CPU seconds used, -1 when unknown.
     * @param cores   seconds per second of the measured part: 1.0 is one core busy throughout.
     */
    public record CpuUse(String name, long pid, double seconds, double cores)
    {
    }

    /**
     * The measured part's timings, nanoseconds: each answer's latency from when its request was due, how late each
     * request went (open loop: the generator's own delay, inside the latency), and each answer's round trip from
     * when its request went (the latency less that delay: the switch, the issuer and both ends' sockets and loops).
     */
    public record Timings(Histogram latency, Histogram sendLag, Histogram roundTrip)
    {
        public Timings
        {
            Objects.requireNonNull(latency, "latency");
            Objects.requireNonNull(sendLag, "sendLag");
            Objects.requireNonNull(roundTrip, "roundTrip");
        }
    }

    /** Where {@link #write} put the report. */
    public record ReportFiles(Path directory, Path text, Path histogram, Path html, Path json)
    {
    }

    private final LoadOptions options;
    private final Instant started;
    private final Duration measured;
    private final long[] counters;
    private final Histogram latency;
    private final Histogram sendLag;
    private final Histogram roundTrip;
    private final List<Second> series;
    private final List<CpuUse> cpu;
    private final List<TerminalBatch> batches;
    private final List<String> samples;
    private final List<String> warnings;
    private final List<SettlementResult> settlements;

    LoadReport(
        final LoadOptions options, final Instant started, final Duration measured, final long[] counters, final Timings timings,
        final List<Second> series, final List<CpuUse> cpu, final List<TerminalBatch> batches, final List<String> samples, final List<String> warnings)
    {
        this(options, started, measured, counters, timings, series, cpu, batches, samples, warnings, List.of());
    }

    LoadReport(
        final LoadOptions options, final Instant started, final Duration measured, final long[] counters, final Timings timings,
        final List<Second> series, final List<CpuUse> cpu, final List<TerminalBatch> batches, final List<String> samples, final List<String> warnings,
        final List<SettlementResult> settlements)
    {
        this.settlements = List.copyOf(settlements);
        this.options = Objects.requireNonNull(options, "options");
        this.started = started;
        this.measured = measured;
        this.counters = counters.clone();
        this.latency = timings.latency();
        this.sendLag = timings.sendLag();
        this.roundTrip = timings.roundTrip();
        this.series = List.copyOf(series);
        this.cpu = List.copyOf(cpu);
        this.batches = List.copyOf(batches);
        this.samples = List.copyOf(samples);
        this.warnings = List.copyOf(warnings);
    }

    public LoadOptions options()
    {
        return options;
    }

    /** When the run began (wall clock). */
    public Instant started()
    {
        return started;
    }

    /** How long the measured part lasted: the duration asked for, or less when the run was stopped early. */
    public Duration measured()
    {
        return measured;
    }

    /**
     * True when every request was answered, every answer as expected, nothing else went wrong, and (when the run
     * settled) every terminal id's batch was in balance.
     */
    public boolean passed()
    {
        return answered() > 0 && mismatches() == 0 && timeouts() == 0 && errors() == 0 && unbalanced() == 0;
    }

    /**
     * How each terminal id's batch settlement came out, in terminal id order; empty unless the run settled
     * ({@link LoadOptions#settle()}).
     */
    public List<SettlementResult> settlements()
    {
        return settlements;
    }

    /** Batch settlements not in balance: a 95, another answer, or none. */
    public long unbalanced()
    {
        return settlements.stream().filter(s -> !s.balanced()).count();
    }

    /** Requests sent, warm-up included. */
    public long sent()
    {
        return counters[ConnectionStats.SENT];
    }

    /** Answers matched to a request, as expected or not. */
    public long answered()
    {
        return counters[ConnectionStats.ANSWERED];
    }

    /** Answers with another MTI, response code or terminal id than the case expects. */
    public long mismatches()
    {
        return counters[ConnectionStats.MISMATCHES];
    }

    /** Requests without an answer within the time-out: lost answers. */
    public long timeouts()
    {
        return counters[ConnectionStats.TIMEOUTS];
    }

    /** Answers to no waiting request, frames that do not read, and connections lost during the run. */
    public long errors()
    {
        return unexpected() + undecodable() + linkErrors();
    }

    public long unexpected()
    {
        return counters[ConnectionStats.UNEXPECTED];
    }

    public long undecodable()
    {
        return counters[ConnectionStats.UNDECODABLE];
    }

    public long linkErrors()
    {
        return counters[ConnectionStats.LINK_ERRORS];
    }

    /** Sends that waited for a card to rest: the card book is small for the pace. */
    public long cardWaits()
    {
        return counters[ConnectionStats.CARD_WAITS];
    }

    /** Purchases sent as balance inquiries because their card had spent its share. */
    public long substituted()
    {
        return counters[ConnectionStats.SUBSTITUTED];
    }

    /** Requests due in the measured part. */
    public long measuredSent()
    {
        return counters[ConnectionStats.MEASURED_SENT];
    }

    /** Answers to requests due in the measured part. */
    public long measuredAnswered()
    {
        return counters[ConnectionStats.MEASURED_ANSWERED];
    }

    /** Achieved throughput: answers to the measured part's requests per second of it. */
    public double tps()
    {
        final double seconds = measured.toNanos() / 1e9;
        return seconds > 0 ? measuredAnswered() / seconds : 0;
    }

    /** The measured part's latency at {@code percentile} (0-100), microseconds. */
    public double latencyMicros(final double percentile)
    {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1e3;
    }

    public double maxMicros()
    {
        return latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1e3;
    }

    /** A copy of the measured part's latencies, nanoseconds. */
    public Histogram latency()
    {
        return latency.copy();
    }

    /** How late the measured requests went after they were due (open loop), nanoseconds: the generator's own delay. */
    public Histogram sendLag()
    {
        return sendLag.copy();
    }

    /** Each measured answer's round trip from when its request went, nanoseconds: the latency less the send lag. */
    public Histogram roundTrip()
    {
        return roundTrip.copy();
    }

    /** The measured part's round trip at {@code percentile} (0-100), microseconds. */
    public double roundTripMicros(final double percentile)
    {
        return roundTrip.getTotalCount() == 0 ? 0 : roundTrip.getValueAtPercentile(percentile) / 1e3;
    }

    /** Answers by field 39, the whole run. */
    public Map<String, Long> codes()
    {
        final Map<String, Long> codes = new TreeMap<>();
        for (int i = ConnectionStats.codeIndexBase(); i < ConnectionStats.SIZE; i++)
        {
            if (counters[i] > 0)
            {
                codes.put(ConnectionStats.codeAt(i), counters[i]);
            }
        }
        return Collections.unmodifiableMap(codes);
    }

    /** Every case, in the order of {@link TransactionCase}, sent or not. */
    public List<CaseResult> cases()
    {
        final List<CaseResult> cases = new ArrayList<>();
        for (final TransactionCase c : TransactionCase.values())
        {
            cases.add(new CaseResult(c, counters[ConnectionStats.caseIndex(c, ConnectionStats.CASE_SENT)],
                counters[ConnectionStats.caseIndex(c, ConnectionStats.CASE_OK)], counters[ConnectionStats.caseIndex(c, ConnectionStats.CASE_WRONG)],
                counters[ConnectionStats.caseIndex(c, ConnectionStats.CASE_LOST)]));
        }
        return cases;
    }

    public List<Second> series()
    {
        return series;
    }

    /** CPU used in the measured part by this process, its event loops, and the watched processes. */
    public List<CpuUse> cpu()
    {
        return cpu;
    }

    /**
     * The batch totals of each terminal id, as the terminals counted them from their answers: what their batch
     * settlement (0500) would send, and what the switch's totals for the id should be.
     */
    public List<TerminalBatch> batches()
    {
        return batches;
    }

    /** Mismatches, lost requests and errors word for word, the first few of each connection. */
    public List<String> samples()
    {
        return samples;
    }

    /** What the numbers need read with: the card book too small, the generator behind its schedule, and so on. */
    public List<String> warnings()
    {
        return warnings;
    }

    /** The one-line verdict: {@code PASSED} or {@code FAILED (2 mismatches, 0 lost, 0 errors)}. */
    public String verdict()
    {
        return passed() ? "PASSED" : String.format(Locale.ROOT, "FAILED (%d mismatches, %d lost, %d errors%s%s)", mismatches(), timeouts(), errors(),
            unbalanced() == 0 ? "" : ", " + unbalanced() + " batches out of balance", answered() == 0 ? ", no answers" : "");
    }

    /**
     * The head of the report, for a console: the run, its verdict, throughput, latency percentiles, what went
     * wrong, the answers by response code, and any warnings.
     */
    public String summary()
    {
        return ReportText.summary(this);
    }

    /** report.txt's text. */
    public String text()
    {
        return ReportText.render(this);
    }

    /**
     * Writes the report's four files into {@code directory} (made if missing; files of an earlier report there are
     * replaced) and says where they are.
     */
    public ReportFiles write(final Path directory) throws IOException
    {
        Files.createDirectories(directory);
        final ReportFiles files = new ReportFiles(directory, directory.resolve(TEXT), directory.resolve(HISTOGRAM), directory.resolve(HTML),
            directory.resolve(JSON));
        Files.writeString(files.text(), text(), StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(files.histogram());
            PrintStream print = new PrintStream(out, false, StandardCharsets.UTF_8))
        {
            writeHistogram(print);
        }
        try (Writer out = Files.newBufferedWriter(files.html(), StandardCharsets.UTF_8))
        {
            out.write(ReportHtml.render(this));
        }
        try (Writer out = Files.newBufferedWriter(files.json(), StandardCharsets.UTF_8))
        {
            out.write(ReportJson.render(this));
        }
        return files;
    }

    /** HdrHistogram's percentile distribution of the measured latencies, in microseconds. */
    void writeHistogram(final PrintStream out)
    {
        latency.outputPercentileDistribution(out, 5, 1_000.0);
    }

    /** Microseconds as a person reads them: {@code 850 us}, {@code 1.25 ms}, {@code 2.1 s}. */
    static String micros(final double micros)
    {
        if (micros < 1_000)
        {
            return String.format(Locale.ROOT, "%.0f us", micros);
        }
        if (micros < 1_000_000)
        {
            return String.format(Locale.ROOT, "%.2f ms", micros / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f s", micros / 1e6);
    }
}
