package io.interchange.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import picocli.CommandLine;

/** Runs the command line in-process, as {@code main} would, with standard streams captured. */
public final class Cli
{
    private Cli()
    {
    }

    /** What one run left behind. */
    public record Result(String[] args, int exitCode, String out, String err)
    {
        public Result expectSuccess()
        {
            assertEquals(0, exitCode, this::toString);
            assertEquals("", err, this::toString);
            return this;
        }

        /** Exit code 2 and one line on stderr, with no stack trace: the contract for every bad input. */
        public Result expectInputError()
        {
            assertEquals(2, exitCode, this::toString);
            assertTrue(err.endsWith(System.lineSeparator()), this::toString);
            assertEquals(1, err.lines().count(), () -> "one line on stderr: " + this);
            assertFalse(err.contains("Exception"), this::toString);
            assertFalse(err.contains("\tat "), this::toString);
            return this;
        }

        public String errLine()
        {
            return err.strip();
        }

        @Override
        public String toString()
        {
            return "interchange " + String.join(" ", Arrays.asList(args)) + "\nexit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    public static Result run(final String... args)
    {
        return runWithInput("", args);
    }

    public static Result runWithInput(final String stdin, final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cmd = Interchange.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        final int exitCode = cmd.execute(args);
        return new Result(args, exitCode, out.toString(), err.toString());
    }
}
