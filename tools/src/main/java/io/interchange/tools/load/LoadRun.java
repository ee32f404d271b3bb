package io.interchange.tools.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.HdrHistogram.Histogram;

import io.interchange.engine.link.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * One load run against a switch: what {@code interchange load} does, and what {@code interchange demo} runs in
 * process.
 *
 * <pre>{@code
 * LoadReport report = LoadRun.run(LoadOptions.defaults().withPort(port).open(2_000), progress -> System.out.println(progress.line()));
 * LoadReport.ReportFiles files = report.write(Path.of("load-report"));
 * if (!report.passed()) ...
 * }</pre>
 *
 * <ol>
 *   <li>Plan: the card book the issuer simulators hold (same seed, BINs, count), each simulated terminal's id,
 *       cards and STANs ({@link LoadPlan}).</li>
 *   <li>Connect: {@code connections} TCP links on {@link LoadOptions#eventLoops()} Netty event loops; each signs
 *       on (0800, 70 = 001) and must get 00.</li>
 *   <li>Load: warm-up, then the measured part; in closed loop a window per connection, in open loop a fixed rate
 *       ({@link LoadConnection}). Once a second the calling thread reads the connections' counters and interval
 *       latencies and gives the listener a {@link LoadProgress}.</li>
 *   <li>Drain: sending stops at the end of the measured part; answers are awaited until every request is
 *       answered or the time-out has passed. A request unanswered by then is lost.</li>
 *   <li>Report: everything the connections counted, added up ({@link LoadReport}).</li>
 * </ol>
 * With {@link LoadOptions#settle()}, between drain and report each terminal id settles the batch its terminals
 * counted (an 0500 on a connection of its own, {@link BatchSettlement}), and the report says how each came out
 * ({@link LoadReport#settlements()}): a run passes only when every batch is in balance.
 */
public final class LoadRun
{
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Time for every connection to be told its start before the first request is due. */
    private static final long START_DELAY_NANOS = 50_000_000L;
    /** Between the wall clock and System.nanoTime, which need not tick together to the millisecond. */
    private static final long CLOCK_MARGIN_MILLIS = 5;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** Beyond the time-out, for the last sweep of each connection to count what is lost. */
    private static final long DRAIN_SLACK_NANOS = 500_000_000L;
    /** How often the drain looks for its last answer. */
    private static final long DRAIN_POLL_NANOS = 50_000_000L;
    private static final double BUSY_LOOP = 0.9;
    private static final double LATE_SENDS_MICROS = 1_000;

    private final LoadOptions options;
    private volatile boolean stopRequested;
    private volatile Thread runner;

    public LoadRun(final LoadOptions options)
    {
        this.options = options;
    }

    /**
     * Runs {@code options} to the end and reports; {@code progress} hears once a second, on the calling thread.
     *
     * @throws IllegalArgumentException when the options cannot make a run that checks out (the message says why:
     *                                  a BIN without a route, too few cards for the rate, a process id to watch
     *                                  that does not exist).
     * @throws LoadException            when the switch cannot be reached or refuses the sign-on.
     */
    public static LoadReport run(final LoadOptions options, final Consumer<LoadProgress> progress) throws InterruptedException
    {
        return new LoadRun(options).run(progress);
    }

    /** Ends the measured part now, from any thread: the run drains and reports as it would have at its end. */
    public void stop()
    {
        stopRequested = true;
        final Thread thread = runner;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    /** See {@link #run(LoadOptions, Consumer)}. */
    public LoadReport run(final Consumer<LoadProgress> progress) throws InterruptedException
    {
        final Instant started = Instant.now();
        runner = Thread.currentThread();
        final LoadPlan plan = LoadPlan.of(options);
        for (final long pid : options.watchPids())
        {
            if (CpuMeter.processNanos(pid) < 0)
            {
                throw new IllegalArgumentException("process " + pid + " cannot be watched: no /proc/" + pid + "/stat to read");
            }
        }
        final int m = options.connections();
        final List<List<SimTerminal>> onConnection = new ArrayList<>();
        for (int c = 0; c < m; c++)
        {
            onConnection.add(new ArrayList<>());
        }
        final long now = System.currentTimeMillis();
        for (int t = 0; t < options.terminals(); t++)
        {
            onConnection.get(t % m).add(new SimTerminal(plan, t, options.seed(), now));
        }
        final List<LoadConnection> connections = new ArrayList<>(m);
        for (int c = 0; c < m; c++)
        {
            connections.add(new LoadConnection(plan, c, onConnection.get(c).toArray(new SimTerminal[0])));
        }

        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.eventLoops(), new DefaultThreadFactory("load", true), Transport.ioHandlers());
        try
        {
            final List<Channel> channels = connect(group, connections);
            signOn(connections);
            final Map<String, Long> loopThreads = loopThreads(channels);
            return load(started, connections, channels, loopThreads, progress);
        }
        finally
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private List<Channel> connect(final EventLoopGroup group, final List<LoadConnection> connections)
    {
        final Bootstrap bootstrap = new Bootstrap()
            .group(group)
            .channel(Transport.channel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
        final List<ChannelFuture> futures = new ArrayList<>();
        for (final LoadConnection connection : connections)
        {
            futures.add(bootstrap.clone().handler(connection).connect(options.host(), options.port()));
        }
        final List<Channel> channels = new ArrayList<>();
        for (final ChannelFuture future : futures)
        {
            future.awaitUninterruptibly();
            if (!future.isSuccess())
            {
                final Throwable cause = future.cause();
                throw new LoadException("cannot connect to " + options.host() + ":" + options.port() + ": " +
                    (cause == null ? "failed" : cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            }
            channels.add(future.channel());
        }
        return channels;
    }

    private void signOn(final List<LoadConnection> connections) throws InterruptedException
    {
        final long deadline = System.nanoTime() + options.timeout().toNanos();
        for (final LoadConnection connection : connections)
        {
            try
            {
                connection.signedOn().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final ExecutionException ex)
            {
                throw ex.getCause() instanceof LoadException load ? load : new LoadException("sign-on failed: " + ex.getCause());
            }
            catch (final TimeoutException ex)
            {
                throw new LoadException("the switch did not answer the sign-on (0800) within " + options.timeout().toMillis() + " ms");
            }
        }
    }

    /** The event loops' threads by name and id, for their CPU time: each loop says which thread it is. */
    private static Map<String, Long> loopThreads(final List<Channel> channels) throws InterruptedException
    {
        final Set<EventLoop> loops = new LinkedHashSet<>();
        channels.forEach(channel -> loops.add(channel.eventLoop()));
        final Map<String, Long> threads = new LinkedHashMap<>();
        for (final EventLoop loop : loops)
        {
            try
            {
                final Thread thread = loop.submit(Thread::currentThread).get();
                threads.put(thread.getName(), thread.getId());
            }
            catch (final ExecutionException ex)
            {
                throw new IllegalStateException("event loop failed", ex.getCause());
            }
        }
        return threads;
    }

    private LoadReport load(
        final Instant started, final List<LoadConnection> connections, final List<Channel> channels, final Map<String, Long> loopThreads,
        final Consumer<LoadProgress> progress) throws InterruptedException
    {
        // The switch knows a request by its terminal id, STAN and field 7 (to the second), and every run starts its
        // STANs alike: a run that follows another within the same second would send its first requests under the
        // last ones' keys, and be answered 94. So the first request goes in the next whole second of the clock
        // field 7 is read from.
        final long toNextSecond = TimeUnit.MILLISECONDS.toNanos(1_000 - System.currentTimeMillis() % 1_000 + CLOCK_MARGIN_MILLIS);
        final long start = System.nanoTime() + Math.max(START_DELAY_NANOS, toNextSecond);
        final long measureFrom = start + options.warmup().toNanos();
        long stopAt = measureFrom + options.duration().toNanos();
        for (int c = 0; c < connections.size(); c++)
        {
            final LoadConnection connection = connections.get(c);
            final long end = stopAt;
            channels.get(c).eventLoop().execute(() -> connection.start(start, measureFrom, end));
        }

        final Seconds seconds = new Seconds(connections, new CpuClock(options.watchPids(), loopThreads), start);
        long nextTick = start + NANOS_PER_SECOND;
        while (true)
        {
            if (stopRequested && System.nanoTime() < stopAt)
            {
                // The measured part ends now: what is due from here on is not sent, and was not measured.
                stopAt = Math.max(System.nanoTime(), start);
                final long end = stopAt;
                for (int c = 0; c < connections.size(); c++)
                {
                    final LoadConnection connection = connections.get(c);
                    channels.get(c).eventLoop().execute(() -> connection.stopAt(end));
                }
            }
            // Woken each second; at the start and end of the measured part, to read the CPU clocks there; and while
            // draining, often, to end as soon as the last answer is in.
            long wake = nextTick;
            wake = Math.min(wake, seconds.measureStarted() ? wake : Math.min(measureFrom, stopAt));
            wake = Math.min(wake, seconds.measureEnded() ? wake : stopAt);
            wake = System.nanoTime() >= stopAt ? Math.min(wake, System.nanoTime() + DRAIN_POLL_NANOS) : wake;
            parkUntil(wake, stopAt);
            final long now = System.nanoTime();
            seconds.measureMarks(now, Math.min(measureFrom, stopAt), stopAt);
            final long[] totals = totals(connections);
            final boolean over = now >= stopAt && (drained(totals, connections.size()) || now >= stopAt + options.timeout().toNanos() + DRAIN_SLACK_NANOS);
            if (now >= nextTick || over)
            {
                // A second (the last may be shorter): the answers it brought, the CPU it took, and a progress line.
                final LoadReport.Second second = seconds.sample(now, measureFrom, stopAt);
                progress.accept(new LoadProgress(second.phase(), Duration.ofNanos(now - start), second.tps() < 0 ? second.answers() : Math.round(second.tps()),
                    second.p99(),
                    totals[ConnectionStats.SENT], totals[ConnectionStats.ANSWERED], totals[ConnectionStats.MISMATCHES], totals[ConnectionStats.TIMEOUTS],
                    totals[ConnectionStats.UNEXPECTED] + totals[ConnectionStats.UNDECODABLE] + totals[ConnectionStats.LINK_ERRORS]));
                nextTick += NANOS_PER_SECOND;
            }
            if (over)
            {
                break;
            }
        }

        // Each connection's end: what is still unanswered is lost.
        final List<LoadConnection.Result> results = new ArrayList<>();
        for (int c = 0; c < connections.size(); c++)
        {
            final LoadConnection connection = connections.get(c);
            try
            {
                results.add(channels.get(c).eventLoop().submit(connection::finish).get());
            }
            catch (final ExecutionException ex)
            {
                throw new IllegalStateException("connection " + (c + 1) + " could not finish", ex.getCause());
            }
        }
        return report(started, Duration.ofNanos(Math.max(0, stopAt - measureFrom)), results, seconds.series(), seconds.cpuOfMeasuredPart());
    }

    /** The calling thread's own pacing, once a second; {@link #stop} cuts it short while there is sending to stop. */
    private void parkUntil(final long deadline, final long stopAt) throws InterruptedException
    {
        long left;
        while ((left = deadline - System.nanoTime()) > 0 && !(stopRequested && System.nanoTime() < stopAt))
        {
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted())
            {
                throw new InterruptedException("load run interrupted");
            }
        }
    }

    private static LoadProgress.Phase phase(final long now, final long measureFrom, final long stopAt)
    {
        return now < measureFrom ? LoadProgress.Phase.WARMUP : now < stopAt ? LoadProgress.Phase.MEASURE : LoadProgress.Phase.DRAIN;
    }

    private static long[] totals(final List<LoadConnection> connections)
    {
        final long[] totals = new long[ConnectionStats.SIZE];
        for (final LoadConnection connection : connections)
        {
            final long[] counters = connection.stats().counters();
            for (int i = 0; i < totals.length; i++)
            {
                totals[i] += counters[i];
            }
        }
        return totals;
    }

    private static boolean drained(final long[] totals, final int connections)
    {
        return totals[ConnectionStats.SENDING_DONE] == connections && totals[ConnectionStats.OUTSTANDING] == 0;
    }

    private LoadReport report(
        final Instant started, final Duration measured, final List<LoadConnection.Result> results, final List<LoadReport.Second> series,
        final List<LoadReport.CpuUse> cpu)
    {
        final long[] counters = new long[ConnectionStats.SIZE];
        final Histogram latency = new Histogram(1, ConnectionStats.HIGHEST_NANOS, ConnectionStats.SIGNIFICANT_DIGITS);
        final Histogram sendLag = new Histogram(1, ConnectionStats.HIGHEST_NANOS, ConnectionStats.SIGNIFICANT_DIGITS);
        final Histogram roundTrip = new Histogram(1, ConnectionStats.HIGHEST_NANOS, ConnectionStats.SIGNIFICANT_DIGITS);
        final List<String> samples = new ArrayList<>();
        final Map<String, TerminalBatch> batches = new TreeMap<>();
        for (final LoadConnection.Result result : results)
        {
            for (int i = 0; i < counters.length; i++)
            {
                counters[i] += result.counters()[i];
            }
            latency.add(result.measured());
            sendLag.add(result.sendLag());
            roundTrip.add(result.roundTrip());
            samples.addAll(result.samples());
            for (final TerminalBatch batch : result.batches())
            {
                batches.merge(batch.terminalId(), batch, TerminalBatch::plus);
            }
        }
        final List<SettlementResult> settlements = options.settle() ? BatchSettlement.settle(options, List.copyOf(batches.values())) : List.of();
        final LoadReport.Timings timings = new LoadReport.Timings(latency, sendLag, roundTrip);
        final LoadReport draft = new LoadReport(options, started, measured, counters, timings, series, cpu, List.copyOf(batches.values()), samples,
            List.of(), settlements);
        return new LoadReport(options, started, measured, counters, timings, series, cpu, List.copyOf(batches.values()), samples, warnings(draft),
            settlements);
    }

    /** What a person should know before believing the numbers. */
    private List<String> warnings(final LoadReport report)
    {
        final List<String> warnings = new ArrayList<>();
        if (report.cardWaits() > 0)
        {
            warnings.add(String.format(Locale.ROOT, "%,d times a send waited for a card to rest (the switch allows %d requests a card a minute): give more " +
                "--cards, here and to the issuer simulators", report.cardWaits(), options.config().limits().maxTransactionsPerCardPerMinute()));
        }
        if (report.substituted() > 0)
        {
            warnings.add(String.format(Locale.ROOT, "%,d purchases went as balance inquiries: their cards had spent their share of funds in this run " +
                "(give more --cards)", report.substituted()));
        }
        if (options.mode() == LoadMode.OPEN && report.tps() < options.rate() * 0.99)
        {
            warnings.add(String.format(Locale.ROOT, "achieved %,.0f of the %,d requests a second asked for", report.tps(), options.rate()));
        }
        if (options.mode() == LoadMode.OPEN && report.sendLag().getTotalCount() > 0 &&
            report.sendLag().getValueAtPercentile(99) / 1e3 > LATE_SENDS_MICROS)
        {
            warnings.add("1% of requests went more than " + LoadReport.micros(report.sendLag().getValueAtPercentile(99) / 1e3) + " after they were due: " +
                "the generator (or the socket to the switch) fell behind, and the latency includes it");
        }
        for (final LoadReport.CpuUse use : report.cpu())
        {
            if (use.name().startsWith("event loop") && use.cores() > BUSY_LOOP)
            {
                warnings.add(String.format(Locale.ROOT, "%s was busy %.0f%% of the measured part: the generator may be what limits throughput " +
                    "(more --threads, or a core of its own)", use.name(), use.cores() * 100));
            }
        }
        return warnings;
    }

    /**
     * The run second by second: each connection's interval latencies (its recorder takes back only the histograms
     * it gave out, so there is one to recycle per connection) added up, the CPU clocks read, and the CPU of the
     * measured part from the readings at its start and end.
     */
    private static final class Seconds
    {
        private final List<LoadConnection> connections;
        private final CpuClock cpu;
        private final long start;
        private final Histogram[] recycled;
        private final Histogram merged = new Histogram(1, ConnectionStats.HIGHEST_NANOS, ConnectionStats.SIGNIFICANT_DIGITS);
        private final List<LoadReport.Second> series = new ArrayList<>();
        private long last;
        private long[] lastCpu;
        private long[] cpuAtMeasure;
        private long[] cpuAtStop;
        private long measureNanos;
        private long stopNanos;

        Seconds(final List<LoadConnection> connections, final CpuClock cpu, final long start)
        {
            this.connections = connections;
            this.cpu = cpu;
            this.start = start;
            this.recycled = new Histogram[connections.size()];
            this.last = start;
            this.lastCpu = cpu.read();
        }

        boolean measureStarted()
        {
            return cpuAtMeasure != null;
        }

        boolean measureEnded()
        {
            return cpuAtStop != null;
        }

        /** Reads the CPU clocks the first time {@code now} is past the measured part's start, and its end. */
        void measureMarks(final long now, final long measureFrom, final long stopAt)
        {
            if (cpuAtMeasure == null && now >= measureFrom)
            {
                cpuAtMeasure = cpu.read();
                measureNanos = now;
            }
            if (cpuAtStop == null && now >= stopAt)
            {
                cpuAtStop = cpu.read();
                stopNanos = now;
            }
        }

        LoadReport.Second sample(final long now, final long measureFrom, final long stopAt)
        {
            merged.reset();
            for (int c = 0; c < connections.size(); c++)
            {
                recycled[c] = connections.get(c).stats().interval(recycled[c]);
                merged.add(recycled[c]);
            }
            final long[] cpuNow = cpu.read();
            final List<Double> cores = cpu.cores(lastCpu, cpuNow, now - last, false);
            // A second belongs to the phase its middle is in: the one ending as the warm-up does is warm-up.
            final LoadProgress.Phase phase = phase(now - (now - last) / 2, measureFrom, stopAt);
            final double at = (now - start) / 1e9;
            final double length = (now - last) / 1e9;
            final LoadReport.Second second = merged.getTotalCount() == 0 ? new LoadReport.Second(at, length, phase, 0, 0, 0, 0, 0, 0, cores) :
                new LoadReport.Second(at, length, phase, merged.getTotalCount(), merged.getValueAtPercentile(50) / 1e3, merged.getValueAtPercentile(90) / 1e3,
                    merged.getValueAtPercentile(99) / 1e3, merged.getValueAtPercentile(99.9) / 1e3, merged.getMaxValue() / 1e3, cores);
            series.add(second);
            last = now;
            lastCpu = cpuNow;
            return second;
        }

        List<LoadReport.Second> series()
        {
            return series;
        }

        List<LoadReport.CpuUse> cpuOfMeasuredPart()
        {
            return cpu.uses(cpuAtMeasure, cpuAtStop, stopNanos - measureNanos);
        }
    }

    /** CPU readings of this process, its event loops and the watched processes, in one array per reading. */
    private static final class CpuClock
    {
        private final List<Long> pids;
        private final Map<String, Long> threads;

        CpuClock(final List<Long> pids, final Map<String, Long> threads)
        {
            this.pids = pids;
            this.threads = threads;
        }

        /** [this process, each event loop thread, each watched process], nanoseconds, -1 unknown. */
        long[] read()
        {
            final long[] values = new long[1 + threads.size() + pids.size()];
            int i = 0;
            values[i++] = CpuMeter.ownNanos();
            for (final long id : threads.values())
            {
                values[i++] = CpuMeter.threadNanos(id);
            }
            for (final long pid : pids)
            {
                values[i++] = CpuMeter.processNanos(pid);
            }
            return values;
        }

        /** Cores used between two readings {@code wall} apart: this process then the watched ones (threads left out when asked). */
        List<Double> cores(final long[] from, final long[] to, final long wall, final boolean withThreads)
        {
            final List<Double> cores = new ArrayList<>();
            for (int i = 0; i < from.length; i++)
            {
                final boolean thread = i >= 1 && i <= threads.size();
                if (thread && !withThreads)
                {
                    continue;
                }
                cores.add(from[i] < 0 || to[i] < 0 || wall <= 0 ? -1.0 : (double)(to[i] - from[i]) / wall);
            }
            return cores;
        }

        List<LoadReport.CpuUse> uses(final long[] from, final long[] to, final long wall)
        {
            final List<LoadReport.CpuUse> uses = new ArrayList<>();
            if (from == null || to == null)
            {
                return uses;
            }
            final long own = CpuMeter.ownPid();
            final List<Double> cores = cores(from, to, wall, true);
            int i = 0;
            uses.add(use("load generator (this process)", own, from[i], to[i], cores.get(i)));
            i++;
            for (final String name : threads.keySet())
            {
                uses.add(use("event loop " + name, own, from[i], to[i], cores.get(i)));
                i++;
            }
            for (final long pid : pids)
            {
                uses.add(use(CpuMeter.name(pid), pid, from[i], to[i], cores.get(i)));
                i++;
            }
            return uses;
        }

        private static LoadReport.CpuUse use(final String name, final long pid, final long from, final long to, final double cores)
        {
            final boolean known = from >= 0 && to >= 0;
            return new LoadReport.CpuUse(name, pid, known ? (to - from) / 1e9 : -1, known ? cores : -1);
        }
    }
}
