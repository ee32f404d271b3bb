package io.interchange.bench.jpos;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.jpos.iso.MUX;
import org.jpos.q2.Q2;
import org.jpos.util.NameRegistrar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The jPOS baseline for the end-to-end benchmark (bench/run-e2e): a conventional jPOS 2.1.10 switch, built the way
 * a jPOS shop builds an acquirer-to-issuer gateway, in front of the same issuer simulators as Interchange.
 *
 * <pre>
 * terminal ──TCP──► QServer "pos-server" (NACChannel, ISO87BPackager: 2-byte binary length, no header)
 *                     IncomingListener: REQUEST and SOURCE into a Context, queued on TXNMGR
 *                   TransactionManager "txnmgr" (2 sessions)
 *                     SelectByMti            0800 → network, 0200 → financial, other → unsupported
 *                       network:     NetworkManagement   0810 39=00 for 70 = 001 / 002 / 301, answered here
 *                       financial:   SelectDestination   BIN → issuer-a / issuer-b (Luhn checked; 14, 15 on failure)
 *                                    QueryHost           QMUX request, continuations (the session is freed while
 *                                                        the issuer answers), time-out → 91
 *                       unsupported: Decline             12
 *                     ErrorResponse          on abort, an answer for what failed
 *                     SendResponse           RESPONSE back to SOURCE
 *                   QMUX "issuer-a", "issuer-b" (key 41, 11, jPOS's default)
 * issuer  ◄─TCP──── ChannelAdaptor "issuer-a-channel", ... (NACChannel, ISO87BPackager, reconnect 1 s)
 * </pre>
 *
 * The issuer's 0210 goes back to the terminal as the issuer wrote it. The Q2 deploy files are written at start into
 * a fresh directory (a temporary one unless given) with the ports of this run; {@code deploy/} there shows them.
 *
 * <p>Logging: Q2's logger writes to {@code log/q2.log} in that directory (RotateLogListener), and by default only
 * what jPOS logs on its own (start, stop, connections, errors): channels have no logger and the transaction manager
 * runs with {@code debug = false}, the usual production setting where the per-message trail goes elsewhere. With
 * {@code --log-messages} every message and transaction is logged too, through a ProtectedLogListener (PAN masked,
 * track data and PIN block wiped) into the same file, as a shop that keeps its audit trail in the Q2 log does.
 */
public final class JposSwitch implements AutoCloseable
{
    /** The only address anything listens on or connects to. */
    public static final String LOOPBACK = "127.0.0.1";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 50;

    private final Settings settings;
    private final Path dir;
    private boolean ownDir;
    private Q2 q2;

    /** What one baseline switch runs with. */
    public record Settings(int port, List<Issuer> issuers, int sessions, long timeoutMillis, boolean logMessages)
    {
        public Settings
        {
            issuers = List.copyOf(issuers);
        }
    }

    /** One issuer host: a name (its QMUX and destination), the BINs routed to it and its port on loopback. */
    public record Issuer(String name, List<String> bins, int port)
    {
        public Issuer
        {
            bins = List.copyOf(bins);
        }
    }

    private JposSwitch(final Settings settings, final Path dir, final boolean ownDir)
    {
        this.settings = settings;
        this.dir = dir;
        this.ownDir = ownDir;
    }

    /** {@code jpos-switch --port P --issuer BINS=PORT...}: see {@link Cli}. */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new Cli()).execute(args));
    }

    /**
     * Writes the deploy files into {@code dir} (a new temporary directory, deleted by {@link #close}, when null),
     * starts Q2 and returns once the QServer accepts connections and every issuer link is up.
     *
     * @throws IllegalStateException when it is not ready within 30 s.
     */
    public static JposSwitch start(final Settings settings, final Path dir) throws IOException
    {
        final boolean own = dir == null;
        final Path home = own ? Files.createTempDirectory("jpos-baseline-") : dir;
        final JposSwitch node = new JposSwitch(settings, home, own);
        try
        {
            node.deploy();
            node.awaitReady(READY_TIMEOUT);
            return node;
        }
        catch (final IOException | RuntimeException ex)
        {
            node.close();
            throw ex;
        }
    }

    /** The directory holding deploy/ and log/. */
    public Path dir()
    {
        return dir;
    }

    @Override
    public synchronized void close()
    {
        if (q2 != null)
        {
            q2.shutdown(true);
            q2 = null;
        }
        if (ownDir)
        {
            deleteTree(dir);
            ownDir = false;
        }
    }

    private void deploy() throws IOException
    {
        final Path deploy = Files.createDirectories(dir.resolve("deploy"));
        Files.createDirectories(dir.resolve("log"));
        for (final Map.Entry<String, String> file : DeployFiles.of(settings, dir.resolve("log").resolve("q2.log")).entrySet())
        {
            Files.writeString(deploy.resolve(file.getKey()), file.getValue());
        }
        // -Nh: close() shuts Q2 down (the command's own hook calls it), so Q2 does not add a hook of its own.
        q2 = new Q2(new String[] {"-d", deploy.toString(), "-Nh"});
        q2.start();
    }

    private void awaitReady(final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        if (!q2.ready(timeout.toMillis()))
        {
            throw new IllegalStateException("Q2 did not deploy " + dir.resolve("deploy") + " within " + timeout + "; see " + dir.resolve("log"));
        }
        final List<String> waitingFor = new ArrayList<>();
        while (true)
        {
            waitingFor.clear();
            for (final Issuer issuer : settings.issuers())
            {
                final MUX mux = NameRegistrar.getIfExists("mux." + issuer.name());
                if (mux == null || !mux.isConnected())
                {
                    waitingFor.add(issuer.name() + " link to " + LOOPBACK + ":" + issuer.port());
                }
            }
            if (!accepts(settings.port()))
            {
                waitingFor.add("the QServer on " + LOOPBACK + ":" + settings.port());
            }
            if (waitingFor.isEmpty())
            {
                return;
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("jPOS baseline not ready within " + timeout + ": waiting for " + waitingFor +
                    "; see " + dir.resolve("log").resolve("q2.log"));
            }
            try
            {
                Thread.sleep(POLL_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the jPOS baseline", ex);
            }
        }
    }

    private static boolean accepts(final int port)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 1000);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static void deleteTree(final Path root)
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + root, ex);
        }
    }

    /** The command line: starts a baseline, prints its address once it is ready, and runs until interrupted. */
    @Command(name = "jpos-switch", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the jPOS baseline switch on loopback until interrupted; prints its address when ready.")
    static final class Cli implements Callable<Integer>
    {
        @Spec
        private CommandSpec spec;

        @Option(names = "--port", required = true, paramLabel = "PORT", description = "Port the QServer listens on.")
        private int port;

        @Option(names = "--issuer", required = true, paramLabel = "BINS=PORT",
            description = "An issuer host on 127.0.0.1: its BINs (comma-separated) and port, e.g. 476173=9101. Repeat for each issuer.")
        private List<String> issuerOptions;

        @Option(names = "--sessions", defaultValue = "2", paramLabel = "N", description = "Transaction manager sessions (default: ${DEFAULT-VALUE}).")
        private int sessions;

        @Option(names = "--timeout", defaultValue = "5000", paramLabel = "MILLIS",
            description = "QueryHost's time-out for the issuer's answer (default: ${DEFAULT-VALUE}, as Interchange's issuers).")
        private long timeoutMillis;

        @Option(names = "--dir", paramLabel = "DIR", description = "Where to write deploy/ and log/ (default: a temporary directory, deleted at exit).")
        private Path dirOption;

        @Option(names = "--log-messages", description = "Log every message and transaction (protected) to log/q2.log.")
        private boolean logMessages;

        @Override
        public Integer call() throws Exception
        {
            final List<Issuer> issuers = new ArrayList<>();
            for (final String option : issuerOptions)
            {
                final int eq = option.indexOf('=');
                if (eq <= 0)
                {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--issuer wants BINS=PORT, not " + option);
                }
                final String name = "issuer-" + (char)('a' + issuers.size());
                final int issuerPort;
                try
                {
                    issuerPort = Integer.parseInt(option.substring(eq + 1));
                }
                catch (final NumberFormatException ex)
                {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--issuer wants BINS=PORT, not " + option);
                }
                issuers.add(new Issuer(name, List.of(option.substring(0, eq).split(",")), issuerPort));
            }
            final JposSwitch node = start(new Settings(port, issuers, sessions, timeoutMillis, logMessages), dirOption);
            final CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
            {
                node.close();
                stopped.countDown();
            }, "jpos-switch-stop"));
            final StringBuilder links = new StringBuilder();
            for (final Issuer issuer : node.settings.issuers())
            {
                links.append(links.length() == 0 ? "" : ", ").append(issuer.name()).append(' ').append(String.join(",", issuer.bins()))
                    .append(" -> ").append(LOOPBACK).append(':').append(issuer.port());
            }
            final PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
            out.printf("jpos-switch listening on %s:%d (%d TM sessions; %s; deploy and log in %s)%n", LOOPBACK, port, sessions, links, node.dir());
            stopped.await();
            return 0;
        }
    }
}
