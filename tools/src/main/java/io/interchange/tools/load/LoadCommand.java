package io.interchange.tools.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.interchange.codec.Dialect;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.InputException;
import io.interchange.tools.iso.Dialects;
import io.interchange.tools.iso.FrameFormat;
import io.interchange.tools.issuer.DurationText;
import io.interchange.tools.node.SwitchCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code interchange load}: simulated terminals against a running switch on loopback, a report at the end. Prints
 * a progress line a second, then the summary and where the report went. Exit code 0 when every answer was as
 * expected, 1 when any was not (or was lost), 2 for bad usage or a switch that cannot be reached.
 */
@Command(
    name = "load",
    sortOptions = false,
    description = {
        "Load-test a running switch with simulated POS terminals over TCP.",
        "They send a realistic mix of ISO 8583 requests, every answer is checked (MTI, STAN, terminal, response code expected",
        "for its case), and a report is written: report.txt, latency.hgrm (HdrHistogram), report.html (charts) and summary.json.",
        "The issuer simulators must hold the cards this run picks from: start each with the same --seed, --bins and --cards.",
        "Exit code 0 when every answer was as expected, 1 when any was not or none came, 2 for bad usage or no switch to reach.",
    })
public final class LoadCommand implements Callable<Integer>
{
    /** How long an interrupted run may take to drain and write its report before the JVM goes anyway. */
    private static final long STOP_GRACE_SECONDS = 30;
    private static final int DEFAULT_TERMINALS = 16;

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = LoadOptions.DEFAULT_HOST,
        description = "The switch's listener address: loopback only (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8583",
        description = "The listener's port; pos-iso87 of the embedded defaults is 8583 (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--connections", paramLabel = "M", defaultValue = "4", description = "TCP connections, each signed on (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = "--terminals", paramLabel = "N",
        description = "Simulated terminals spread over the connections, each with its own cards, STANs and batch totals (default: 16, or one per " +
            "connection where there are more).")
    private Integer terminals;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "open",
        description = "closed: a window of requests in flight per connection (maximum throughput); open: a fixed rate, latency measured " +
            "from each request's due time (default: ${DEFAULT-VALUE}).")
    private String mode;

    @Option(names = "--window", paramLabel = "W", defaultValue = "32",
        description = "Closed loop: requests in flight per connection (default: ${DEFAULT-VALUE}).")
    private int window;

    @Option(names = "--rate", paramLabel = "TPS", defaultValue = "1000", description = "Open loop: requests a second, all connections together " +
        "(default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "5s",
        description = "Load before the measured part, checked but not measured; an open loop ramps up to its rate over it, from a tenth " +
            "(default: ${DEFAULT-VALUE}).")
    private String warmup;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s",
        description = "The measured part; then sending stops (default: ${DEFAULT-VALUE}).")
    private String duration;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
        description = "How long a request waits for its answer; one unanswered by then is lost (default: ${DEFAULT-VALUE}).")
    private String timeout;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "1", description = "Seed of the card book, as given to the issuer simulators " +
        "(default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--cards", paramLabel = "C", defaultValue = "100000",
        description = "Cards in the book, as given to the issuer simulators; a card rests 15 s between uses, so a rate R needs about 21 x R " +
            "(default: ${DEFAULT-VALUE}).")
    private int cards;

    @Option(names = "--bins", split = ",", paramLabel = "BIN", defaultValue = "476173,622848",
        description = "BINs of the book's cards in turn, as given to the issuer simulators; each must route in the switch (default: ${DEFAULT-VALUE}).")
    private List<String> bins;

    @Option(names = "--mix", paramLabel = "SHARES", defaultValue = "purchase=70,preauth=8,refund=5,balance=5,void=5,decline=5,malformed=2",
        description = "Weights of purchase, preauth (0100 then 0220), refund, balance, void (0400), decline (by design) and malformed (30); " +
            "purchase=100 for purchases only (default: ${DEFAULT-VALUE}).")
    private String mix;

    @Option(names = "--config", paramLabel = "FILE",
        description = "The switch's HOCON file, when it runs with one: its terminals, merchants and limits decide what each request must get.")
    private Path config;

    @Option(names = "--dialect", paramLabel = "DIALECT", defaultValue = "iso87b", converter = Dialects.Converter.class,
        description = "iso87b (jPOS ISO87BPackager) or iso87a, as the listener speaks (default: ${DEFAULT-VALUE}).")
    private Dialect dialect;

    @Option(names = "--framing", paramLabel = "FRAMING", defaultValue = "binary-2", converter = FrameFormat.Converter.class,
        description = "binary-2 (2-byte length) or ascii-4 (4-digit length), as the listener cuts frames (default: ${DEFAULT-VALUE}).")
    private FrameFormat framing;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
        description = "Event loops for the connections; 0 for one per core, at most one per connection (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--watch-pid", split = ",", paramLabel = "PID",
        description = "Processes (the switch, issuer simulators) whose CPU use the report shows beside this one's, read from /proc.")
    private List<Long> watchPids;

    @Option(names = "--report-dir", paramLabel = "DIR", defaultValue = "load-report",
        description = "Where report.txt, latency.hgrm, report.html and summary.json go (default: ${DEFAULT-VALUE}).")
    private Path reportDir;

    @Option(names = "--settle",
        description = "At the end, each terminal id settles its batch with the switch (0500) and the answer is checked: 00 when the switch's "
            + "totals are the terminals' own. The switch then starts a new batch for each.")
    private boolean settle;

    @Option(names = {"-q", "--quiet"}, description = "No progress line every second; the summary still prints.")
    private boolean quiet;

    @Override
    public Integer call() throws InterruptedException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final LoadOptions options = options();
        try
        {
            // Before the run, not after it: a report that cannot be written would lose the run.
            Files.createDirectories(reportDir);
        }
        catch (final IOException ex)
        {
            throw new InputException("--report-dir " + reportDir + " cannot be made: " + InputException.reason(ex));
        }
        final LoadRun run = new LoadRun(options);
        final CountDownLatch finished = new CountDownLatch(1);
        // Interrupted (Ctrl-C): the measured part ends now, and the run drains and reports as it would at its end.
        final Thread hook = new Thread(() ->
        {
            run.stop();
            awaitQuietly(finished, options.timeout().toSeconds() + STOP_GRACE_SECONDS);
        }, "load-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            out.printf(Locale.ROOT, "load: %s against %s:%d, %d connections, %d terminals, mix %s%n",
                options.mode() == LoadMode.OPEN ? "open loop at " + options.rate() + " requests/s" : "closed loop, window " + options.window(),
                options.host(), options.port(), options.connections(), options.terminals(), options.mix());
            out.flush();
            final LoadReport report = run.run(progress ->
            {
                if (!quiet)
                {
                    out.println(progress.line());
                    out.flush();
                }
            });
            final LoadReport.ReportFiles files = report.write(reportDir);
            out.print(report.summary());
            out.printf("report: %s (also %s, %s, %s)%n", files.text(), files.html().getFileName(), files.histogram().getFileName(),
                files.json().getFileName());
            out.flush();
            return report.passed() ? ExitCode.OK : ExitCode.SOFTWARE;
        }
        catch (final IllegalArgumentException | LoadException ex)
        {
            throw new InputException(ex.getMessage());
        }
        catch (final IOException ex)
        {
            throw new InputException("cannot write the report to " + reportDir + ": " + ex.getMessage());
        }
        finally
        {
            finished.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ex)
            {
                // The JVM is shutting down: the hook is running, and is what ended the run early.
            }
        }
    }

    private static void awaitQuietly(final CountDownLatch latch, final long seconds)
    {
        try
        {
            latch.await(seconds, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** The options as given; anything wrong with them is the user's to fix, in one line. */
    LoadOptions options()
    {
        final LoadMode loadMode = switch (mode.toLowerCase(Locale.ROOT))
        {
            case "open" -> LoadMode.OPEN;
            case "closed" -> LoadMode.CLOSED;
            default -> throw new InputException("--mode '" + mode + "' is not closed or open");
        };
        if (framing.framing() == null)
        {
            throw new InputException("--framing none cannot cut a stream into messages: binary-2 or ascii-4");
        }
        final SwitchConfig switchConfig = config == null ? LoadOptions.defaults().config() : SwitchCommand.load(config);
        try
        {
            return LoadOptions.defaults()
                .withHost(host)
                .withPort(port)
                .withConnections(connections)
                .withTerminals(terminals != null ? terminals : Math.max(DEFAULT_TERMINALS, connections))
                .withMode(loadMode)
                .withWindow(window)
                .withRate(rate)
                .withWarmup(duration("--warmup", warmup))
                .withDuration(duration("--duration", duration))
                .withTimeout(duration("--timeout", timeout))
                .withCards(seed, bins, cards)
                .withMix(Mix.parse(mix))
                .withConfig(switchConfig)
                .withDialect(dialect, framing.framing())
                .withThreads(threads)
                .withWatchPids(watchPids == null ? List.of() : watchPids)
                .withSettle(settle);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InputException(ex.getMessage());
        }
    }

    private static Duration duration(final String option, final String text)
    {
        try
        {
            return DurationText.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InputException(option + ": " + ex.getMessage());
        }
    }
}
