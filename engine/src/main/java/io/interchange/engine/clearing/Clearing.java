package io.interchange.engine.clearing;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import io.interchange.engine.config.SwitchConfig;

/**
 * End-of-day clearing of one business day (DESIGN.md §6), for the command line and the demo alike:
 * <pre>
 * ClearingRun run = Clearing.run(config, LocalDate.of(2026, 3, 11), Path.of("clearing"));
 * run.folder();   // clearing/2026-03-11: transactions.csv, merchant-settlement.csv, institution-positions.csv,
 *                 // exceptions.csv, summary.txt, summary.html, manifest.json
 * </pre>
 * The journal is {@code config.journal().dir()}, read only. Running it again over the same journal rewrites the same
 * bytes.
 */
public final class Clearing
{
    private Clearing()
    {
    }

    /** What a run wrote and found. */
    public record ClearingRun(Path folder, List<Path> files, DayReader.Day day, Settlement.Result settlement)
    {
        public Path file(final String name)
        {
            return folder.resolve(name);
        }

        public Path summaryHtml()
        {
            return folder.resolve(ClearingFiles.SUMMARY_HTML);
        }

        public Path manifest()
        {
            return folder.resolve(ClearingFiles.MANIFEST);
        }
    }

    /**
     * Clears business day {@code day} into {@code outDir/<day>/}.
     *
     * @throws ClearingException with a one-line reason: no journal, no records of that day, a folder it cannot write,
     *     a total that does not fit a long.
     */
    public static ClearingRun run(final SwitchConfig config, final LocalDate day, final Path outDir)
    {
        final DayReader.Day read = DayReader.read(config, day);
        final Settlement.Result settlement = Settlement.settle(config, day, read.transactions());
        final Path folder = outDir.resolve(day.toString());
        try
        {
            return new ClearingRun(folder, ClearingFiles.write(folder, config, read, settlement), read, settlement);
        }
        catch (final ArithmeticException ex)
        {
            throw Settlement.overflow(day, ex);
        }
    }
}
