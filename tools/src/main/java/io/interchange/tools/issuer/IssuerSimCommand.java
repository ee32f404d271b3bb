package io.interchange.tools.issuer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.interchange.engine.config.TlsConfig;
import io.interchange.tools.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code interchange issuer-sim}: an issuer host for the switch to connect to, on loopback, until interrupted.
 * Prints the address it listens on first, so a script can wait for that line, and its counters when it stops.
 */
@Command(
    name = "issuer-sim",
    sortOptions = false,
    description = {
        "Run a simulated card issuer: ISO 8583:1987 binary messages (jPOS ISO87BPackager) behind a 2-byte binary length.",
        "Answers 0100/0200 (purchase 00, cash 01, refund 20, balance inquiry 31), 0120/0220 advices, 0400/0420 reversals and 0800,",
        "from cards generated from a seed (the same seed gives the same cards to the terminal simulator) or read from a file.",
        "Prints the address it listens on, then runs until interrupted.",
    })
public final class IssuerSimCommand implements Callable<Integer>
{
    /** How long an interrupted JVM waits for the counters to be printed. */
    private static final long STOP_GRACE_SECONDS = 5;

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = IssuerSimConfig.DEFAULT_HOST,
        description = "Loopback address to listen on (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
        description = "Port to listen on; 0 takes a free one, printed at start (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1",
        description = "Seeds the cards and the draws of latency and faults (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--bins", split = ",", defaultValue = "476173,535522", paramLabel = "BIN",
        description = "BIN prefixes of the generated cards, taken in turn (default: ${DEFAULT-VALUE}).")
    private List<String> bins;

    @Option(names = "--cards", paramLabel = "N", defaultValue = "1000", description = "How many cards to generate (default: ${DEFAULT-VALUE}).")
    private int cards;

    @Option(names = "--accounts", paramLabel = "FILE",
        description = "Read the cards from a CSV file of pan,status,expiry,balance,dailyLimit lines instead of generating them.")
    private Path accounts;

    @Option(names = "--latency", defaultValue = "0", paramLabel = "LATENCY",
        description = "Time to answer: 0, fixed (5ms), uniform (1ms..20ms) or exponential with a mean (exp:5ms) (default: ${DEFAULT-VALUE}).")
    private String latency;

    @Option(names = "--fault-no-answer", defaultValue = "0", paramLabel = "P", description = "Share of answers dropped.")
    private double noAnswer;

    @Option(names = "--fault-late", defaultValue = "0", paramLabel = "P", description = "Share of answers sent late.")
    private double late;

    @Option(names = "--fault-late-by", defaultValue = "30s", paramLabel = "DURATION", description = "How late a late answer is (default: ${DEFAULT-VALUE}).")
    private String lateBy;

    @Option(names = "--fault-disconnect", defaultValue = "0", paramLabel = "P", description = "Share of answers replaced by closing the connection.")
    private double disconnect;

    @Option(names = "--fault-garbage", defaultValue = "0", paramLabel = "P", description = "Share of answers replaced by a frame of random bytes.")
    private double garbage;

    @Option(names = "--remember", defaultValue = "262144", paramLabel = "N",
        description = "Requests and advices kept for reversals and repeats to find (default: ${DEFAULT-VALUE}).")
    private int remember;

    @Option(names = "--tls-certificate", paramLabel = "FILE", description = "Serve TLS with this certificate chain (PEM); needs --tls-private-key.")
    private Path tlsCertificate;

    @Option(names = "--tls-private-key", paramLabel = "FILE", description = "The certificate's private key (PKCS#8 PEM, unencrypted).")
    private Path tlsPrivateKey;

    @Option(names = "--tls-trust", paramLabel = "FILE",
        description = "CA certificates (PEM) the switch's client certificate must lead to: mutual TLS. Needs --tls-certificate.")
    private Path tlsTrust;

    @Option(names = {"-v", "--verbose"}, description = "Print connections opened and closed, and messages answered 30.")
    private boolean verbose;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final CardBook book = cardBook();
        final IssuerSimConfig config = config(out);
        final CountDownLatch stop = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() -> awaitStop(stop, stopped), "issuer-sim-stop");
        final IssuerSimulator simulator = new IssuerSimulator(book, config);
        try
        {
            simulator.start();
        }
        catch (final IllegalStateException ex)
        {
            throw new InputException(ex.getMessage());
        }
        try
        {
            out.println("issuer-sim listening on " + host + ":" + simulator.port() + (config.tls() == null ? "" : " with TLS") + " (" + book.size() + " cards" +
                (accounts == null ? " from seed " + seed : " from " + accounts) + ", latency " + config.latency() + ")");
            out.flush();
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            simulator.close();
            out.println("issuer-sim stopped: " + simulator.summary());
            out.flush();
            stopped.countDown();
            removeHook(hook);
        }
        return ExitCode.OK;
    }

    /** The shutdown hook's part: ends the wait in {@link #call}, then gives it time to print the counters. */
    private static void awaitStop(final CountDownLatch stop, final CountDownLatch stopped)
    {
        stop.countDown();
        try
        {
            stopped.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ex)
        {
            // The JVM is already shutting down: the hook is running, and is what woke us.
        }
    }

    private CardBook cardBook()
    {
        if (accounts != null)
        {
            for (final String generated : List.of("--bins", "--cards"))
            {
                if (spec.commandLine().getParseResult().hasMatchedOption(generated))
                {
                    throw new InputException(generated + " generates cards; with --accounts they come from the file");
                }
            }
            try
            {
                return CardBook.load(accounts);
            }
            catch (final CardFileException ex)
            {
                throw new InputException("bad accounts file: " + ex.getMessage());
            }
            catch (final NoSuchFileException ex)
            {
                throw new InputException("accounts file " + accounts + " does not exist");
            }
            catch (final IOException ex)
            {
                throw new InputException("cannot read accounts file " + accounts + ": " + ex.getMessage());
            }
        }
        try
        {
            return CardBook.generate(seed, bins, cards);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InputException(ex.getMessage());
        }
    }

    private IssuerSimConfig config(final PrintWriter out)
    {
        try
        {
            final Faults faults = new Faults(noAnswer, late, DurationText.parse(lateBy), disconnect, garbage);
            final Consumer<String> events = verbose ? event -> printEvent(out, event) : IssuerSimConfig.defaults().events();
            return IssuerSimConfig.defaults()
                .withHost(host)
                .withPort(port)
                .withSeed(seed)
                .withLatency(Latency.parse(latency))
                .withFaults(faults)
                .withRememberedTransactions(remember)
                .withEvents(events)
                .withTls(tls());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InputException(ex.getMessage());
        }
    }

    private TlsConfig tls()
    {
        if (tlsCertificate == null && tlsPrivateKey == null && tlsTrust == null)
        {
            return null;
        }
        if (tlsCertificate == null || tlsPrivateKey == null)
        {
            throw new InputException("TLS needs both --tls-certificate and --tls-private-key");
        }
        return new TlsConfig(tlsCertificate, tlsPrivateKey, tlsTrust, List.of());
    }

    private static void printEvent(final PrintWriter out, final String event)
    {
        synchronized (out)
        {
            out.println("issuer-sim: " + event);
            out.flush();
        }
    }
}
