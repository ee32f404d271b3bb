package io.interchange.tools.load;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.interchange.codec.Dialect;
import io.interchange.codec.dialect.Iso87;
import io.interchange.codec.frame.Framing;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.issuer.CardBook;

/**
 * What a load run does. Start from {@link #defaults()} and change what matters:
 * {@code LoadOptions.defaults().withPort(port).withRate(2_000).withDuration(Duration.ofSeconds(30))}.
 *
 * @param host        the switch's listener: a loopback address only, as runs on a shared machine must be.
 * @param port        its port.
 * @param connections TCP connections to it; each signs on (0800, 70 = 001) before it sends anything else.
 * @param terminals   simulated terminals, spread over the connections (at least one each). Each takes a terminal
 *                    id of the switch's configuration in turn, its own cards and its own STANs, and keeps its own
 *                    batch totals; several may share an id when there are more terminals than ids.
 * @param mode        closed loop ({@code window} in flight per connection) or open loop ({@code rate}).
 * @param window      requests in flight per connection in closed loop.
 * @param rate        requests per second over all connections in open loop.
 * @param warmup      load before the measured part, answered and checked but not measured.
 * @param duration    the measured part; the run stops sending at its end.
 * @param timeout     how long a request waits for its answer, during the run and in the drain after it; one still
 *                    unanswered then is lost.
 * @param seed        the card book's seed: the issuer simulators must generate theirs with the same seed, BINs
 *                    and count ({@code interchange issuer-sim --seed S --bins B --cards C}).
 * @param cards       how many cards the book holds.
 * @param bins        the BINs the book's cards take in turn; each must route to an issuer in {@code config}.
 * @param mix         how often each kind of request is drawn.
 * @param config      the switch's configuration as far as the terminals see it: terminal and merchant ids, the
 *                    blocked categories and suspended merchants declines are made with, and the limits.
 * @param dialect     the listener's ISO 8583 dialect: ISO 8583:1987 binary (jPOS ISO87BPackager) or ASCII.
 * @param framing     the listener's framing: a length header without a fixed header.
 * @param threads     Netty event loops for the connections, 0 for one per core (never more than connections).
 * @param watchPids   other processes (the switch, issuer simulators) whose CPU time the report shows, read from
 *                    {@code /proc}.
 * @param settle      after the drain, each terminal id settles its batch (0500) and the answer is checked
 *                    ({@link BatchSettlement}); off by default, for a switch keeps its batches across runs.
 */
public record LoadOptions(
    String host,
    int port,
    int connections,
    int terminals,
    LoadMode mode,
    int window,
    int rate,
    Duration warmup,
    Duration duration,
    Duration timeout,
    long seed,
    int cards,
    List<String> bins,
    Mix mix,
    SwitchConfig config,
    Dialect dialect,
    Framing framing,
    int threads,
    List<Long> watchPids,
    boolean settle)
{
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8583;
    public static final int MAX_CONNECTIONS = 1_024;
    public static final int MAX_TERMINALS = 100_000;
    public static final int MAX_WINDOW = 65_536;
    public static final int MAX_RATE = 10_000_000;
    /** Every card of a bigger book must fit in the generator's and each issuer simulator's memory. */
    public static final int MAX_CARDS = CardBook.MAX_GENERATED;

    private static final class Defaults
    {
        // Read once: the embedded defaults are parsed from HOCON, and every defaults() call would parse them again.
        static final SwitchConfig CONFIG = SwitchConfig.defaults();
    }

    public LoadOptions
    {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(mix, "mix");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(framing, "framing");
        bins = List.copyOf(bins);
        watchPids = List.copyOf(watchPids);
        requireLoopback(host);
        check(port >= 1 && port <= 65_535, "port " + port + " is not 1-65535");
        check(connections >= 1 && connections <= MAX_CONNECTIONS, "connections " + connections + " is not 1-" + MAX_CONNECTIONS);
        check(terminals >= connections && terminals <= MAX_TERMINALS,
            "terminals " + terminals + " is not " + connections + " (one per connection) to " + MAX_TERMINALS);
        check(window >= 1 && window <= MAX_WINDOW, "window " + window + " is not 1-" + MAX_WINDOW);
        check(rate >= 1 && rate <= MAX_RATE, "rate " + rate + " is not 1-" + MAX_RATE + " requests a second");
        check(!warmup.isNegative(), "warm-up " + warmup + " is negative");
        check(duration.toMillis() >= 1, "duration " + duration + " is not at least 1ms");
        check(timeout.toMillis() >= 1, "timeout " + timeout + " is not at least 1ms");
        check(cards >= 1 && cards <= MAX_CARDS, "cards " + cards + " is not 1-" + MAX_CARDS);
        check(!bins.isEmpty(), "no BINs to generate cards under");
        check(dialect == Iso87.BINARY || dialect == Iso87.ASCII, "dialect " + dialect.name() + " is not iso87b or iso87a");
        check(framing.headerLength() == 0, "framing with a fixed header (TPDU) is not supported");
        check(threads >= 0 && threads <= connections, "threads " + threads + " is not 0 (one per core) to " + connections + " (one per connection)");
        for (final long pid : watchPids)
        {
            check(pid >= 1, "process id " + pid + " is not a process");
        }
    }

    /**
     * 127.0.0.1:8583 (the switch's ISO 8583 listener on its defaults), 4 connections, 16 terminals, open loop at
     * 1,000 requests a second, 5 s warm-up, 30 s measured, 10 s time-out, the default mix, 100,000 cards from
     * seed 1 under BINs 476173 and 622848 (issuer-a and issuer-b of the defaults), the switch's embedded
     * configuration, ISO 8583:1987 binary behind a 2-byte length.
     */
    public static LoadOptions defaults()
    {
        return new LoadOptions(DEFAULT_HOST, DEFAULT_PORT, 4, 16, LoadMode.OPEN, 32, 1_000, Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(10), 1, 100_000, List.of("476173", "622848"), Mix.DEFAULT, Defaults.CONFIG, Iso87.BINARY, Framing.BINARY_2, 0,
            List.of(), false);
    }

    private static void check(final boolean condition, final String problem)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(problem);
        }
    }

    private static void requireLoopback(final String host)
    {
        final InetAddress address;
        try
        {
            address = InetAddress.getByName(host);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("unknown host '" + host + "'", ex);
        }
        if (!address.isLoopbackAddress())
        {
            throw new IllegalArgumentException("host '" + host + "' is not a loopback address: load runs go to 127.0.0.1, ::1 or localhost only");
        }
    }

    /** The Netty event loops the run uses: as asked, or one per core, and never more than the connections. */
    public int eventLoops()
    {
        return threads > 0 ? threads : Math.min(connections, Runtime.getRuntime().availableProcessors());
    }

    /** Open loop at {@code requestsPerSecond}. */
    public LoadOptions open(final int requestsPerSecond)
    {
        return withMode(LoadMode.OPEN).withRate(requestsPerSecond);
    }

    /** Closed loop with {@code inFlight} requests per connection. */
    public LoadOptions closed(final int inFlight)
    {
        return withMode(LoadMode.CLOSED).withWindow(inFlight);
    }

    public LoadOptions withHost(final String value)
    {
        return new LoadOptions(value, port, connections, terminals, mode, window, rate, warmup, duration, timeout, seed, cards, bins, mix, config,
            dialect, framing, threads, watchPids, settle);
    }

    public LoadOptions withPort(final int value)
    {
        return new LoadOptions(host, value, connections, terminals, mode, window, rate, warmup, duration, timeout, seed, cards, bins, mix, config,
            dialect, framing, threads, watchPids, settle);
    }

    /** {@code count} connections, and at least as many terminals. */
    public LoadOptions withConnections(final int count)
    {
        return new LoadOptions(host, port, count, Math.max(terminals, count), mode, window, rate, warmup, duration, timeout, seed, cards, bins, mix,
            config, dialect, framing, Math.min(threads, count), watchPids, settle);
    }

    public LoadOptions withTerminals(final int count)
    {
        return new LoadOptions(host, port, connections, count, mode, window, rate, warmup, duration, timeout, seed, cards, bins, mix, config,
            dialect, framing, threads, watchPids, settle);
    }

    public LoadOptions withMode(final LoadMode value)
    {
        return new LoadOptions(host, port, connections, terminals, value, window, rate, warmup, duration, timeout, seed, cards, bins, mix, config,
            dialect, framing, threads, watchPids, settle);
    }

    public LoadOptions withWindow(final int value)
    {
        return new LoadOptions(host, port, connections, terminals, mode, value, rate, warmup, duration, timeout, seed, cards, bins, mix, config,
            dialect, framing, threads, watchPids, settle);
    }

    public LoadOptions withRate(final int value)
    {
        return new LoadOptions(host, port, connections, terminals, mode, window, value, warmup, duration, timeout, seed, cards, bins, mix, config,
            dialect, framing, threads, watchPids, settle);
    }

    public LoadOptions withWarmup(final Duration value)
    {
        return new LoadOptions(host, port, connections, terminals, mode, window, rate, value, duration, timeout, seed, cards, bins, mix, config,
            dialect, framing, threads, watchPids, settle);
    }

    public LoadOptions withDuration(final Duration value)
    {
        return new LoadOptions(host, port, connections, terminals, mode, window, rate, warmup, value, timeout, seed, cards, bins, mix, config,
            dialect, framing, threads, watchPids, settle);
    }

    public LoadOptions withTimeout(final Duration value)
    {
        return new LoadOptions(host, port, connections, terminals, mode, window, rate, warmup, duration, value, seed, cards, bins, mix, config,
            dialect, framing, threads, watchPids, settle);
    }

    /** The card book: {@code count} cards from {@code bookSeed} under {@code binList}, as the issuer simulators hold it. */
    public LoadOptions withCards(final long bookSeed, final List<String> binList, final int count)
    {
        return new LoadOptions(host, port, connections, terminals, mode, window, rate, warmup, duration, timeout, bookSeed, count, binList, mix,
            config, dialect, framing, threads, watchPids, settle);
    }

    public LoadOptions withMix(final Mix value)
    {
        return new LoadOptions(host, port, connections, terminals, mode, window, rate, warmup, duration, timeout, seed, cards, bins, value, config,
            dialect, framing, threads, watchPids, settle);
    }

    public LoadOptions withConfig(final SwitchConfig value)
    {
        return new LoadOptions(host, port, connections, terminals, mode, window, rate, warmup, duration, timeout, seed, cards, bins, mix, value,
            dialect, framing, threads, watchPids, settle);
    }

    public LoadOptions withDialect(final Dialect value, final Framing frames)
    {
        return new LoadOptions(host, port, connections, terminals, mode, window, rate, warmup, duration, timeout, seed, cards, bins, mix, config,
            value, frames, threads, watchPids, settle);
    }

    public LoadOptions withThreads(final int value)
    {
        return new LoadOptions(host, port, connections, terminals, mode, window, rate, warmup, duration, timeout, seed, cards, bins, mix, config,
            dialect, framing, value, watchPids, settle);
    }

    public LoadOptions withWatchPids(final List<Long> value)
    {
        return new LoadOptions(host, port, connections, terminals, mode, window, rate, warmup, duration, timeout, seed, cards, bins, mix, config,
            dialect, framing, threads, value, settle);
    }

    /** Whether the run ends with a batch settlement (0500) per terminal id: see {@link BatchSettlement}. */
    public LoadOptions withSettle(final boolean value)
    {
        return new LoadOptions(host, port, connections, terminals, mode, window, rate, warmup, duration, timeout, seed, cards, bins, mix, config,
            dialect, framing, threads, watchPids, value);
    }
}
