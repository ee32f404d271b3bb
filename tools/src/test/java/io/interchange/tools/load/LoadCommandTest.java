package io.interchange.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.tools.Cli;
import io.interchange.tools.system.ReservedPort;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code interchange load}'s contract with its user: help on every option, one line and exit code 2 for every mistake. */
class LoadCommandTest
{
    @Test
    void shouldDescribeEveryOption()
    {
        final Cli.Result help = Cli.run("load", "--help").expectSuccess();
        for (final OptionSpec option : new CommandLine(new LoadCommand()).getCommandSpec().options())
        {
            assertTrue(option.description().length > 0 && !option.description()[0].isBlank(), option.longestName() + " has no help");
            assertTrue(help.out().contains(option.longestName()), option.longestName());
        }
        assertTrue(help.out().contains("Exit code 0 when every answer was as expected"), help.out());
    }

    @Test
    void shouldRefuseAHostThatIsNotLoopback()
    {
        assertEquals("interchange load: host '192.0.2.1' is not a loopback address: load runs go to 127.0.0.1, ::1 or localhost only",
            Cli.run("load", "--host", "192.0.2.1").expectInputError().errLine());
    }

    @Test
    void shouldSayWhatIsWrongWithAnOption()
    {
        assertEquals("interchange load: --mode 'sideways' is not closed or open", Cli.run("load", "--mode", "sideways").expectInputError().errLine());
        assertEquals("interchange load: mix share 'sale' is not one of purchase, preauth, refund, balance, void, decline, malformed",
            Cli.run("load", "--mix", "sale=1").expectInputError().errLine());
        assertEquals("interchange load: --duration: duration '5x' has no unit of ns, us, ms or s",
            Cli.run("load", "--duration", "5x").expectInputError().errLine());
        assertEquals("interchange load: --framing none cannot cut a stream into messages: binary-2 or ascii-4",
            Cli.run("load", "--framing", "none").expectInputError().errLine());
        assertEquals("interchange load: rate 0 is not 1-10000000 requests a second", Cli.run("load", "--rate", "0").expectInputError().errLine());
        assertTrue(Cli.run("load", "--connections", "x").expectInputError().errLine().startsWith("interchange load: Invalid value for option '--connections'"));
        assertTrue(Cli.run("load", "--config", "/no/such/switch.conf").expectInputError().errLine().contains("/no/such/switch.conf"));
        assertEquals("interchange load: BIN 535522 has no route in the switch's BIN table: its cards would all be declined 15",
            Cli.run("load", "--bins", "476173,535522", "--cards", "1000", "--rate", "10").expectInputError().errLine());
    }

    @Test
    void shouldRefuseAReportDirItCannotMakeBeforeTheRun(@TempDir final Path dir) throws IOException
    {
        // Found only once the run was over, it lost the run.
        final Path file = Files.writeString(dir.resolve("report"), "x");
        try (ReservedPort nobody = ReservedPort.take())
        {
            assertEquals("interchange load: --report-dir " + file + " cannot be made: " + file + " exists and is not a directory",
                Cli.run("load", "--port", Integer.toString(nobody.port()), "--rate", "10", "--duration", "1s", "--warmup", "0", "--report-dir",
                    file.toString()).expectInputError().errLine());
        }
    }

    /** More connections than the default 16 terminals gives a terminal a connection; only 16 said outright is refused. */
    @Test
    void shouldGiveEachConnectionATerminalUnlessToldHowManyTerminals() throws IOException
    {
        try (ReservedPort nobody = ReservedPort.take())
        {
            final String port = Integer.toString(nobody.port());
            final String err = Cli.run("load", "--port", port, "--connections", "32", "--rate", "10", "--duration", "1s", "--warmup", "0")
                .expectInputError().errLine();
            assertTrue(err.startsWith("interchange load: cannot connect to 127.0.0.1:" + port + ": "), "32 terminals, one a connection: " + err);
            assertEquals("interchange load: terminals 16 is not 32 (one per connection) to 100000",
                Cli.run("load", "--port", port, "--connections", "32", "--terminals", "16").expectInputError().errLine());
        }
    }

    @Test
    void shouldSayWhenNoSwitchListens() throws IOException
    {
        try (ReservedPort nobody = ReservedPort.take())
        {
            final int port = nobody.port();
            final String err = Cli.run("load", "--port", Integer.toString(port), "--rate", "10", "--duration", "1s", "--warmup", "0")
                .expectInputError().errLine();
            assertTrue(err.startsWith("interchange load: cannot connect to 127.0.0.1:" + port + ": "), err);
        }
    }
}
