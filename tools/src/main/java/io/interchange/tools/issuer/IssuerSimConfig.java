package io.interchange.tools.issuer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;

import io.interchange.engine.config.TlsConfig;

/**
 * How an {@link IssuerSimulator} behaves. Start from {@link #defaults()} and change what matters:
 * {@code IssuerSimConfig.defaults().withLatency(Latency.parse("1ms..5ms")).withFaults(Faults.NONE.withNoAnswer(0.01))}.
 *
 * @param host                   where to listen: a loopback address only, as tests and demos on a shared machine must.
 * @param port                   0 for any free port ({@link IssuerSimulator#port()} tells which).
 * @param seed                   seeds the draws of latency and faults, so a run can be repeated.
 * @param latency                how long each answer takes.
 * @param faults                 the share of answers lost, late, garbled or replaced by a disconnect.
 * @param rememberedTransactions how many of the latest requests and advices are kept for reversals and repeats
 *                               to find; older ones are forgotten and their reversals answered 25.
 * @param clock                  today's date, for expiry and the daily limit (UTC).
 * @param events                 one line per connection opened or closed, per frame that closes a connection and
 *                               per message answered 30; PANs masked, track data and PIN blocks never shown.
 * @param tls                    TLS as the issuer's server (its certificate and key; with {@code trust}, the switch
 *                               must show a client certificate under it), or null for plain TCP.
 */
public record IssuerSimConfig(
    String host, int port, long seed, Latency latency, Faults faults, int rememberedTransactions, Clock clock, Consumer<String> events,
    TlsConfig tls)
{
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_REMEMBERED_TRANSACTIONS = 1 << 18;
    /** Enough for minutes of a load test at full speed, and still a bounded table. */
    public static final int MAX_REMEMBERED_TRANSACTIONS = 1 << 24;

    private static final Consumer<String> QUIET = event ->
    {
    };

    public IssuerSimConfig
    {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(faults, "faults");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(events, "events");
        requireLoopback(host);
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("port " + port + " is not 0-65535");
        }
        if (rememberedTransactions < 1 || rememberedTransactions > MAX_REMEMBERED_TRANSACTIONS)
        {
            throw new IllegalArgumentException("remembered transactions " + rememberedTransactions + " is not 1-" + MAX_REMEMBERED_TRANSACTIONS);
        }
    }

    /** 127.0.0.1, any free port, seed 1, no latency, no faults, the system clock, quiet, plain TCP. */
    public static IssuerSimConfig defaults()
    {
        return new IssuerSimConfig(DEFAULT_HOST, 0, 1, Latency.NONE, Faults.NONE, DEFAULT_REMEMBERED_TRANSACTIONS, Clock.systemUTC(), QUIET, null);
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
            throw new IllegalArgumentException("host '" + host + "' is not a loopback address: the simulator listens on 127.0.0.1, ::1 or localhost only");
        }
    }

    public IssuerSimConfig withHost(final String newHost)
    {
        return new IssuerSimConfig(newHost, port, seed, latency, faults, rememberedTransactions, clock, events, tls);
    }

    public IssuerSimConfig withPort(final int newPort)
    {
        return new IssuerSimConfig(host, newPort, seed, latency, faults, rememberedTransactions, clock, events, tls);
    }

    public IssuerSimConfig withSeed(final long newSeed)
    {
        return new IssuerSimConfig(host, port, newSeed, latency, faults, rememberedTransactions, clock, events, tls);
    }

    public IssuerSimConfig withLatency(final Latency newLatency)
    {
        return new IssuerSimConfig(host, port, seed, newLatency, faults, rememberedTransactions, clock, events, tls);
    }

    public IssuerSimConfig withFaults(final Faults newFaults)
    {
        return new IssuerSimConfig(host, port, seed, latency, newFaults, rememberedTransactions, clock, events, tls);
    }

    public IssuerSimConfig withRememberedTransactions(final int count)
    {
        return new IssuerSimConfig(host, port, seed, latency, faults, count, clock, events, tls);
    }

    public IssuerSimConfig withClock(final Clock newClock)
    {
        return new IssuerSimConfig(host, port, seed, latency, faults, rememberedTransactions, newClock, events, tls);
    }

    /** Serves TLS: {@code tls} must have a certificate and its private key. */
    public IssuerSimConfig withTls(final TlsConfig newTls)
    {
        return new IssuerSimConfig(host, port, seed, latency, faults, rememberedTransactions, clock, events, newTls);
    }

    public IssuerSimConfig withEvents(final Consumer<String> newEvents)
    {
        return new IssuerSimConfig(host, port, seed, latency, faults, rememberedTransactions, clock, newEvents, tls);
    }
}
