package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM of its own, started from the test JVM's class path with the flags of {@code jvm.options}: the switch
 * ({@code interchange switch --config FILE}), or a test's helper, that a test can kill as the operating system kills a
 * process (SIGKILL: no shutdown hook, no finally, no flush) or stop as an operator does (SIGTERM: the shutdown hook
 * runs). Its stdout and stderr go to files beside its name, whose tails a failing assertion shows.
 *
 * <p>What a switch says of its state is read from its log: what it took up from the journal at start-up
 * ({@link #startUp}), and what it left at a clean stop ({@link #stopCleanly}).
 *
 * <p>A process the test forgets is still killed by {@link #close}, which a test calls from its {@code @AfterEach}
 * ({@link #killAll}).
 */
final class SwitchProcess implements AutoCloseable
{
    private static final long EXIT_SECONDS = 30;
    private static final int TAIL_LINES = 40;
    private static final Pattern RECOVERED = Pattern.compile(
        "recovered from the journal in \\d+ ms \\(\\d+ records a second\\): (\\d+) records replayed \\((\\d+) withheld, (\\d+) corrupt\\); " +
            "(\\d+) requests in flight, (\\d+) advices owed");
    private static final Pattern STOPPED = Pattern.compile("switch stopped: (\\d+ in flight, \\d+ advices owed)");
    /** The JVM's exit status after a SIGTERM whose shutdown hooks ran: 128 + 15. */
    private static final int SIGTERM_EXIT = 143;

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;

    private SwitchProcess(final String name, final Process process, final Path out, final Path err)
    {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * {@code interchange switch --config config}, logging as the shipped switch does (INFO, through the main
     * logback.xml, not the tests' WARN-only logback-test.xml on the same class path): its start-up recovery line and its
     * shutdown line are what the test reads of its state.
     */
    static SwitchProcess startSwitch(final String name, final Path config, final Path logs) throws IOException
    {
        return start(name, logs, List.of("-Dlogback.configurationFile=logback.xml"), "io.interchange.tools.Interchange",
            List.of("switch", "--config", config.toString()));
    }

    /** {@code mainClass} with {@code args}, on the test JVM's class path, with {@code jvmFlags} after jvm.options. */
    static SwitchProcess start(final String name, final Path logs, final List<String> jvmFlags, final String mainClass, final List<String> args)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Every JVM that maps Chronicle's files needs these (DESIGN.md §8: analytics off, the add-opens).
        command.add("@" + jvmOptions());
        command.add("-Xmx512m");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        final Path out = logs.resolve(name + ".out");
        final Path err = logs.resolve(name + ".err");
        final Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new SwitchProcess(name, process, out, err);
    }

    /** The repository's jvm.options: surefire runs a module's tests in the module's folder, an IDE often in the root. */
    private static Path jvmOptions()
    {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent())
        {
            final Path options = dir.resolve("jvm.options");
            if (Files.isRegularFile(options))
            {
                return options;
            }
        }
        throw new IllegalStateException("no jvm.options in " + System.getProperty("user.dir") + " or above");
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    long pid()
    {
        return process.pid();
    }

    /** SIGKILL, and waits until the process is gone, so that nothing of it writes to the journal after this returns. */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS))
        {
            throw new AssertionError(name + " still running " + EXIT_SECONDS + " s after SIGKILL");
        }
    }

    /** The exit code of a process that ends by itself, within {@code limit}. */
    int exitCode(final Duration limit) throws InterruptedException
    {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS))
        {
            throw new AssertionError(name + " still running after " + limit + "\n" + tails());
        }
        return process.exitValue();
    }

    /** SIGTERM, as an operator stops the switch; returns the exit code once the shutdown hook has run. */
    int stop() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS))
        {
            throw new AssertionError(name + " did not stop within " + EXIT_SECONDS + " s of SIGTERM\n" + tails());
        }
        return process.exitValue();
    }

    /**
     * SIGTERM, as an operator stops the switch: it must exit as a JVM whose shutdown hook ran. Returns what it says it
     * left at its stop: "N in flight, M advices owed".
     */
    String stopCleanly() throws InterruptedException
    {
        assertEquals(SIGTERM_EXIT, stop(), () -> "a clean stop\n" + tails());
        final Matcher line = STOPPED.matcher(stderr());
        assertTrue(line.find(), () -> "the switch says what it left at its stop\n" + tails());
        return line.group(1);
    }

    /**
     * The switch's start-up line: what it took up from the journal, and the requests in flight and advices owed among
     * it; null until it has said it (a switch on an empty journal never does).
     */
    StartUp startUp()
    {
        final Matcher line = RECOVERED.matcher(stderr());
        return line.find() ? new StartUp(Long.parseLong(line.group(1)), Long.parseLong(line.group(2)), Long.parseLong(line.group(3)),
            Integer.parseInt(line.group(4)), Integer.parseInt(line.group(5))) : null;
    }

    /** Waits for {@code condition} while the process runs; a failure, or the process exiting, shows its logs as they are then. */
    void await(final Duration limit, final BooleanSupplier condition, final Supplier<String> what)
    {
        try
        {
            Awaiting.until(limit, () -> alive() && condition.getAsBoolean(), what);
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError(ex.getMessage() + "\n" + tails(), ex);
        }
    }

    private boolean alive()
    {
        if (!isAlive())
        {
            throw new AssertionError(this + " exited\n" + tails());
        }
        return true;
    }

    String stdout()
    {
        return read(out);
    }

    String stderr()
    {
        return read(err);
    }

    /** The last lines of stdout and stderr, for an assertion's message. */
    String tails()
    {
        return "--- " + name + " (pid " + process.pid() + (process.isAlive() ? ", running" : ", exit " + process.exitValue()) + ") stdout:\n" +
            tail(stdout()) + "--- " + name + " stderr:\n" + tail(stderr());
    }

    private static String tail(final String text)
    {
        final List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())) + "\n";
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        }
        catch (final IOException ex)
        {
            return "(cannot read " + file + ": " + ex + ")";
        }
    }

    /** Kills the process if it still runs: a failed test must not leave a switch holding its port and journal. */
    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            kill();
        }
    }

    /** Kills those of {@code processes} still running, each whatever the others do; one that would not die is reported on stderr. */
    static void killAll(final List<SwitchProcess> processes) throws InterruptedException
    {
        for (final SwitchProcess process : processes)
        {
            try
            {
                process.close();
            }
            catch (final AssertionError ex)
            {
                // Reported below the test's own failure; the others are still killed.
                System.err.println(ex.getMessage());
            }
        }
    }

    @Override
    public String toString()
    {
        return name + " (pid " + process.pid() + ", logs " + out.getParent() + File.separator + name + ".*)";
    }

    /**
     * A switch's start-up line: records taken up from the journal (replayed, and withheld ones skipped; corrupt ones
     * among them), and the requests in flight and advices owed it found.
     */
    record StartUp(long replayed, long withheld, long corrupt, int inFlight, int owed)
    {
        @Override
        public String toString()
        {
            return (replayed + withheld) + " records, " + inFlight + " in flight, " + owed + " advices owed";
        }
    }
}
