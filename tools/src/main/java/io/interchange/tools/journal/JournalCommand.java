package io.interchange.tools.journal;

import java.util.concurrent.Callable;

import io.interchange.tools.Interchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code interchange journal}: the switch's journal read from outside, for operators, auditors and staging. Every
 * command only reads the journal (the queue is opened read only) and shows a PAN masked to its first six and last
 * four digits; the journal never holds track data, PIN blocks or CVVs, so there are none to show. A command that reads a
 * record whose checksum does not hold shows it as such and exits 1, naming the first on stderr.
 */
@Command(
    name = "journal",
    description = "Read, check and re-drive the switch's journal.",
    subcommands = {
        CatCommand.class,
        StatsCommand.class,
        ExportCommand.class,
        VerifyCommand.class,
        ReplayCommand.class,
        HelpCommand.class,
    })
public final class JournalCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call()
    {
        return Interchange.missingCommand(spec);
    }
}
