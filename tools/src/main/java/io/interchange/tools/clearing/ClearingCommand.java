package io.interchange.tools.clearing;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;

import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.clearing.ClearingException;
import io.interchange.engine.clearing.ClearingExceptionItem;
import io.interchange.engine.clearing.ClearingExceptionItem.Kind;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.InputException;
import io.interchange.tools.node.SwitchCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code interchange clearing}: end-of-day clearing of one business day of the journal (DESIGN.md §6). */
@Command(
    name = "clearing",
    description = {
        "Clears one business day (cutoff to cutoff) of the switch's journal into a dated folder.",
        "The journal is read only. The folder holds transactions.csv, merchant-settlement.csv, institution-positions.csv,",
        "exceptions.csv, summary.txt, summary.html",
        "and manifest.json (SHA-256 of each). The same journal always gives the same bytes.",
        "Exit 0 when done, 1 when a record of the day is corrupt (the files are written all the same), 2 for bad input."
    })
public final class ClearingCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The business day, named after the day it closes.")
    private String date;

    @Option(names = "--config", paramLabel = "FILE", description = "The switch's HOCON file (fees, merchants, cutoff, keys); else the defaults.")
    private Path configFile;

    @Option(names = "--journal", paramLabel = "DIR", description = "The journal directory; else the config's journal.dir.")
    private Path journal;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "clearing", description = "Where the dated folder goes (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public Integer call()
    {
        final LocalDate day;
        try
        {
            day = LocalDate.parse(date);
        }
        catch (final DateTimeParseException ex)
        {
            throw new InputException("--date must be YYYY-MM-DD, got '" + date + "'");
        }
        SwitchConfig config = SwitchCommand.load(configFile);
        if (journal != null)
        {
            config = config.withJournalDir(journal);
        }
        final Clearing.ClearingRun run;
        try
        {
            run = Clearing.run(config, day, out);
        }
        catch (final ClearingException ex)
        {
            throw new InputException(ex.getMessage());
        }
        final PrintWriter printer = spec.commandLine().getOut();
        printer.printf("business day %s: %d journal records, %d transactions, %d merchants, %d exceptions%n", day, run.day().records(),
            run.day().transactions().size(), run.settlement().merchants().size(), run.day().exceptions().size());
        for (final Path file : run.files())
        {
            printer.println(file);
        }
        printer.flush();
        // Left out of the files, a corrupt record may be a sale the merchant is then not paid for: the files are written
        // for the operator to look into, but an end-of-day job must not take them for a clean day.
        final List<ClearingExceptionItem> corrupt = run.day().exceptions().stream().filter(e -> e.kind() == Kind.CORRUPT_RECORD).toList();
        if (!corrupt.isEmpty())
        {
            final PrintWriter err = spec.commandLine().getErr();
            err.printf("%s: %,d record%s of the day %s corrupt (checksum does not hold) and left out, the first at index 0x%x (see exceptions.csv)%n",
                spec.qualifiedName(), corrupt.size(), corrupt.size() == 1 ? "" : "s", corrupt.size() == 1 ? "is" : "are", corrupt.get(0).order());
            err.flush();
            return 1;
        }
        return 0;
    }
}
