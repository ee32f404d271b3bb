package io.interchange.tools.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.clearing.ClearingException;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.journal.BusinessDay;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.tools.InputException;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.DurationText;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.load.LoadMode;
import io.interchange.tools.load.LoadOptions;
import io.interchange.tools.load.LoadReport;
import io.interchange.tools.load.LoadRun;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code interchange demo}: the whole product on one machine, on its embedded defaults. Two issuer simulators, the
 * switch in front of them, terminals driving a fixed rate of mixed traffic through it, then the load report, the
 * day's clearing (DESIGN.md §6) and where everything was written. Everything runs in this JVM, on 127.0.0.1 and free ports, so it runs beside a
 * switch already started on the default ports.
 */
@Command(
    name = "demo",
    description = {
        "Runs the switch, two issuer simulators and terminals on 127.0.0.1: half a minute of mixed traffic, then clearing.",
        "It prints the load report, clears the day and says where the report, chart, journal and settlement report are."
    })
public final class DemoCommand implements Callable<Integer>
{
    private static final String ISSUER_A = "issuer-a";
    private static final String ISSUER_B = "issuer-b";
    private static final Duration SIGN_ON_LIMIT = Duration.ofSeconds(30);
    /** The load harness needs about 21 cards per request a second (README, "Load test the switch"); a margin over it. */
    private static final int CARDS_PER_TPS = 25;

    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "demo-data",
        description = "Where each run gets a folder of its own: journal, report and clearing (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--rate", paramLabel = "TPS", defaultValue = "2000",
        description = "Requests a second, a fixed rate: latency is measured from when each was due (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s",
        description = "How long the measured load runs, after a 5 s warm-up (default: ${DEFAULT-VALUE}).")
    private String durationText;

    @Option(names = {"-v", "--verbose"}, description = "Log the switch's links coming and going, as `interchange switch` does.")
    private boolean verbose;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        if (!verbose && LoggerFactory.getILoggerFactory() instanceof LoggerContext logging)
        {
            // The demo tells its own story; the switch's warnings and errors still show.
            logging.getLogger("io.interchange").setLevel(Level.WARN);
        }
        final Duration duration = parse(durationText);
        final Path run = dir.resolve("run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        final Path journal = run.resolve("journal");
        final Path reports = run.resolve("report");
        final LoadOptions load;
        try
        {
            final LoadOptions defaults = LoadOptions.defaults();
            // A card rests between uses (the switch's per-card limits), so a higher rate needs more cards.
            final int cards = (int)Math.min(LoadOptions.MAX_CARDS, Math.max(defaults.cards(), CARDS_PER_TPS * (long)rate));
            // The demo's switch is its own, with a new journal: its terminals' batches hold only this run, so they settle.
            load = defaults.withMode(LoadMode.OPEN).withRate(rate).withDuration(duration).withCards(defaults.seed(), defaults.bins(), cards)
                .withSettle(true);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InputException(ex.getMessage());
        }
        try
        {
            Files.createDirectories(journal);
        }
        catch (final IOException ex)
        {
            throw new InputException("cannot create " + journal + ": " + ex.getMessage());
        }

        // Both simulators hold the whole book the terminals draw from; the switch routes each BIN to its issuer.
        final CardBook book = CardBook.generate(load.seed(), load.bins(), load.cards());
        final SwitchConfig config;
        final long started = System.currentTimeMillis();
        final LoadReport report;
        final LoadReport.ReportFiles files;
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults().withSeed(load.seed())).start();
            IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(load.seed(), load.bins(), load.cards()),
                IssuerSimConfig.defaults().withSeed(load.seed() + 1)).start())
        {
            config = SwitchConfig.defaults()
                .withListenerPort("pos-iso87", 0)
                .withListenerPort("pos-cups", 0)
                .withIssuerPort(ISSUER_A, issuerA.port())
                .withIssuerPort(ISSUER_B, issuerB.port())
                .withJournalDir(journal);
            try (SwitchNode node = SwitchNode.start(config))
            {
                out.printf("issuer simulators on 127.0.0.1:%d (%s) and :%d (%s), %,d cards each%n",
                    issuerA.port(), ISSUER_A, issuerB.port(), ISSUER_B, book.size());
                out.printf("switch on 127.0.0.1:%d (ISO 8583 binary), journal in %s%n", node.port("pos-iso87"), journal);
                out.flush();
                awaitSignOn(node);

                out.printf("%d terminals on %d connections, %,d requests a second for %s after a %s warm-up%n",
                    load.terminals(), load.connections(), rate, text(duration), text(load.warmup()));
                out.flush();
                report = LoadRun.run(load.withPort(node.port("pos-iso87")).withConfig(config), progress ->
                {
                    out.println("  " + progress.line());
                    out.flush();
                });
                files = report.write(reports);
            }
        }

        // The node is closed: every record is appended, and the journal is read back as clearing will read it.
        out.println();
        out.print(report.summary());
        out.println();
        final long[] journaled = journaled(SwitchNode.journalConfig(config));
        out.printf("journal: %s: %,d records, %s%s%n", journal, journaled[0], bytes(journaled[1]),
            journaled[2] == 0 ? ", every checksum valid" : ", " + journaled[2] + " CORRUPT");
        out.printf("report:  %s%n", files.text());
        out.printf("chart:   %s (open it in a browser)%n", files.html());
        out.printf("latency: %s (HdrHistogram percentiles)%n", files.histogram());
        clear(config, started, run.resolve("clearing"), out);
        out.flush();
        return report.passed() && journaled[2] == 0 ? 0 : 1;
    }

    /**
     * End of day for the run's business day (two, when the run crossed the cutoff): the clearing files, and where the
     * settlement report is.
     */
    private static void clear(final SwitchConfig config, final long startedMillis, final Path dir, final PrintWriter out)
    {
        final LocalDate first = BusinessDay.businessDay(startedMillis * 1_000_000L, config.businessDay().cutoff(), config.businessDay().zone());
        final LocalDate last = BusinessDay.businessDay(System.currentTimeMillis() * 1_000_000L, config.businessDay().cutoff(),
            config.businessDay().zone());
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1))
        {
            try
            {
                final Clearing.ClearingRun cleared = Clearing.run(config, day, dir);
                out.printf("clearing %s: %,d transactions, %d merchants settled, %d exceptions; settlement report %s%n", day,
                    cleared.day().transactions().size(), cleared.settlement().merchants().size(), cleared.day().exceptions().size(),
                    cleared.summaryHtml());
            }
            catch (final ClearingException ex)
            {
                out.printf("clearing %s: %s%n", day, ex.getMessage());
            }
        }
    }

    private static Duration parse(final String text)
    {
        try
        {
            return DurationText.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new InputException("--duration: " + ex.getMessage());
        }
    }

    private static void awaitSignOn(final SwitchNode node) throws InterruptedException
    {
        final long deadline = System.nanoTime() + SIGN_ON_LIMIT.toNanos();
        for (final String issuer : List.of(ISSUER_A, ISSUER_B))
        {
            while (node.signedOnLinks(issuer) == 0)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException(issuer + " links did not sign on within " + text(SIGN_ON_LIMIT));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    /** Records, their bytes and corrupt records: what the journal holds, read back as clearing will read it. */
    private static long[] journaled(final JournalConfig journal)
    {
        long records = 0;
        long bytes = 0;
        long corrupt = 0;
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.next())
            {
                records++;
                bytes += reader.record().length();
                if (!reader.record().checksumValid())
                {
                    corrupt++;
                }
            }
            corrupt += reader.corruptRecords();
        }
        return new long[] {records, bytes, corrupt};
    }

    private static String bytes(final long n)
    {
        return n >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MB", n / (double)(1 << 20)) : String.format(Locale.ROOT, "%,d bytes", n);
    }

    private static String text(final Duration d)
    {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
