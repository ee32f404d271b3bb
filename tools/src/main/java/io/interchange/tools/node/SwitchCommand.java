package io.interchange.tools.node;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import io.netty.util.ResourceLeakDetector;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.ConfigError;
import io.interchange.engine.config.ListenerConfig;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code interchange switch}: runs one switch node until interrupted. */
@Command(
    name = "switch",
    description = {
        "Runs the switch: acquirer listeners, issuer links, the ring and the journal.",
        "Without --config it runs on the embedded defaults (two demo issuers on 127.0.0.1:9101 and :9102)."
    })
public final class SwitchCommand implements Callable<Integer>
{
    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";
    private static final long START_WAIT_SECONDS = 60;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON file over the embedded defaults.")
    private Path configFile;

    @Override
    public Integer call() throws InterruptedException
    {
        final SwitchConfig config = load(configFile);
        requireWritableJournal(config.journal().dir());
        final PrintWriter out = spec.commandLine().getOut();
        if (System.getProperty(LEAK_DETECTION) == null)
        {
            // Netty's leak detector records a stack trace for one buffer in 128: some tens of bytes a transaction
            // in a running switch. The tests keep it on (they run the node without this command);
            // -Dio.netty.leakDetection.level=simple turns it back on here.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicReference<SwitchNode> running = new AtomicReference<>();
        // Hooked before the node starts: a SIGTERM that comes once the listeners are open, before start returns, must
        // still stop it cleanly. The hook waits for the start to end, then closes what it started.
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            try
            {
                // Bounded: a start that hangs must not keep the process from going.
                if (!started.await(START_WAIT_SECONDS, TimeUnit.SECONDS))
                {
                    LoggerFactory.getLogger(SwitchCommand.class).warn("stopped while still starting after {} s: not closed cleanly", START_WAIT_SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            final SwitchNode toClose = running.get();
            if (toClose != null)
            {
                toClose.close();
            }
            // Logs are written by a background thread: let it write the last of them before the JVM goes.
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging)
            {
                logging.stop();
            }
            stopped.countDown();
        }, "switch-shutdown"));
        final SwitchNode node;
        try
        {
            node = SwitchNode.start(config);
            running.set(node);
        }
        catch (final UncheckedIOException ex)
        {
            // A listener that cannot bind its address (in use, not this machine's): the operator's to fix, named.
            throw new InputException(ex.getMessage());
        }
        catch (final ConfigError ex)
        {
            // A config the journal's records do not fit (its issuers or listeners reordered or removed): the file's to fix.
            throw new InputException((configFile == null ? "the embedded defaults" : configFile.toString()) + ": " + ex.getMessage());
        }
        finally
        {
            started.countDown();
        }
        for (final ListenerConfig listener : config.listeners())
        {
            final int header = listener.framing().headerLength();
            out.printf("%s: %s, %s length%s, on %s:%d%n", listener.name(), listener.dialect().name(), listener.framing().lengthHeader(),
                header > 0 ? " and " + header + "-byte header" : "", listener.host(), node.port(listener.name()));
        }
        out.printf("journal: %s%n", config.journal().dir().toAbsolutePath());
        out.flush();
        // A node whose journal fails stops itself: the process goes too, with exit code 1, for a supervisor to see.
        node.failed().thenRun(stopped::countDown);
        stopped.await();
        if (node.failed().isDone())
        {
            final PrintWriter err = spec.commandLine().getErr();
            err.printf("the switch stopped: its journal in %s failed (%s), and nothing may leave it unjournaled; fix the journal's disk and " +
                "start it again (recovery replays the journal)%n", config.journal().dir().toAbsolutePath(), node.failed().join());
            err.flush();
            return 1;
        }
        return 0;
    }

    /**
     * The journal's directory, made if it is not there yet. One that cannot be made or written stops the start here:
     * Chronicle Queue would open it read only, with stack traces, and the switch would run with every event failing to
     * be journaled.
     */
    private static void requireWritableJournal(final Path dir)
    {
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new InputException("journal.dir " + dir + " cannot be made: " + InputException.reason(ex));
        }
        if (!Files.isWritable(dir))
        {
            throw new InputException("journal.dir " + dir + " cannot be written");
        }
    }

    /** The config from the file over the defaults, or the defaults; a bad file is an input error. */
    public static SwitchConfig load(final Path file)
    {
        try
        {
            if (file == null)
            {
                return SwitchConfig.defaults();
            }
            if (!Files.isReadable(file))
            {
                throw new InputException("config file " + file + " cannot be read");
            }
            return SwitchConfig.load(file);
        }
        catch (final ConfigError ex)
        {
            throw new InputException(ex.getMessage());
        }
    }
}
