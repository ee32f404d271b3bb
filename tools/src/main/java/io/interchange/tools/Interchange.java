package io.interchange.tools;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import io.interchange.journal.JournalDamagedException;
import io.interchange.tools.clearing.ClearingCommand;
import io.interchange.tools.iso.IsoCommand;
import io.interchange.tools.journal.JournalCommand;
import io.interchange.tools.issuer.IssuerSimCommand;
import io.interchange.tools.demo.DemoCommand;
import io.interchange.tools.load.LoadCommand;
import io.interchange.tools.node.SwitchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code interchange} command line. Each command group is a picocli subcommand listed below; a new one
 * (switch, load, journal, clearing, demo) is a class in its own package added to that list.
 *
 * <p>Exit codes: 0 done, 2 bad usage or bad input (one line on stderr says what), 1 a check that failed (a load run, a
 * journal verified, a corrupt record read, a damaged journal: {@link JournalDamagedException}, in one line) or a fault in
 * the tool itself.
 * No stack trace reaches the user: input errors are {@link InputException}s, anything else is reported as an
 * internal error in one line.
 */
@Command(
    name = "interchange",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = Interchange.Version.class,
    description = "Interchange, an ISO 8583 card-payment switch, and the tools around it.",
    subcommands = {
        IsoCommand.class,
        SwitchCommand.class,
        IssuerSimCommand.class,
        LoadCommand.class,
        JournalCommand.class,
        DemoCommand.class,
        ClearingCommand.class,
        HelpCommand.class,
    })
public final class Interchange implements Callable<Integer>
{
    private final InputStream in;

    @Spec
    private CommandSpec spec;

    public Interchange()
    {
        this(System.in);
    }

    /** A command line reading standard input from {@code in}, so tests can feed it. */
    public Interchange(final InputStream in)
    {
        this.in = in;
    }

    public static void main(final String[] args)
    {
        try
        {
            System.exit(commandLine(System.in).execute(args));
        }
        catch (final OutOfMemoryError ex)
        {
            // Past picocli's handlers, which take exceptions only: one line saying what to do, not a stack trace.
            System.err.println("interchange: out of memory (" + ex.getMessage() + ", at most " + Runtime.getRuntime().maxMemory() / (1 << 20) +
                " MB of heap): give it more, e.g. INTERCHANGE_JAVA_OPTS=-Xmx6g ./interchange ...");
            System.exit(1);
        }
    }

    /** The configured command line: every command's errors end as one line on stderr and an exit code. */
    public static CommandLine commandLine(final InputStream in)
    {
        return new CommandLine(new Interchange(in))
            .setParameterExceptionHandler(Interchange::usageError)
            .setExecutionExceptionHandler(Interchange::executionError);
    }

    /** Standard input as the root command was given it; for any command in the tree. */
    public static InputStream stdin(final CommandSpec spec)
    {
        return ((Interchange)spec.root().userObject()).in;
    }

    /** What a command group does when called without a command: says so and shows what it offers. */
    public static int missingCommand(final CommandSpec spec)
    {
        final PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": missing command");
        spec.commandLine().usage(err);
        err.flush();
        return ExitCode.USAGE;
    }

    @Override
    public Integer call()
    {
        return missingCommand(spec);
    }

    private static int usageError(final ParameterException ex, final String[] args)
    {
        final CommandLine cmd = ex.getCommandLine();
        final String name = cmd.getCommandSpec().qualifiedName();
        final StringBuilder line = new StringBuilder(name).append(": ").append(ex.getMessage());
        if (ex instanceof UnmatchedArgumentException)
        {
            final List<String> suggestions = ((UnmatchedArgumentException)ex).getSuggestions();
            if (!suggestions.isEmpty())
            {
                line.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
            }
        }
        line.append(" (see '").append(name).append(" --help')");
        final PrintWriter err = cmd.getErr();
        err.println(line);
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int executionError(final Exception ex, final CommandLine cmd, final ParseResult parseResult)
    {
        final PrintWriter err = cmd.getErr();
        final String name = cmd.getCommandSpec().qualifiedName();
        cmd.getOut().flush();
        if (ex instanceof InputException)
        {
            err.println(name + ": " + ex.getMessage());
            err.flush();
            return ExitCode.USAGE;
        }
        if (ex instanceof JournalDamagedException)
        {
            // A check that failed, not a fault of the tool's: the message names the file, the byte and what is wrong.
            err.println(name + ": " + ex.getMessage());
            err.flush();
            return ExitCode.SOFTWARE;
        }
        // A bug, not the user's input: one line still, but enough to report it.
        err.println(name + ": internal error: " + ex);
        err.flush();
        return ExitCode.SOFTWARE;
    }

    /** The version from the jar's manifest, which the shade plugin writes; a build from the IDE has none. */
    public static final class Version implements IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = Interchange.class.getPackage().getImplementationVersion();
            return new String[] {
                "interchange " + (version == null ? "(development build)" : version),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
            };
        }
    }
}
