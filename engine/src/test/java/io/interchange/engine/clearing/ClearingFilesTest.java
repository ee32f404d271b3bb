package io.interchange.engine.clearing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.engine.config.SwitchConfig;

class ClearingFilesTest
{
    private static final LocalDate DAY = LocalDate.of(2026, 11, 29);

    /**
     * Two merchants whose net payables each fit a long and together do not: the summary's total overflows, and clearing
     * stops with nothing written, as its message says. It once wrote the transactions, merchant, position and exception
     * files first, and left the summary half written beside them as summary.txt.partial.
     */
    @Test
    void shouldWriteNoFileOfADayWhoseSummaryTotalDoesNotFitALong(@TempDir final Path dir) throws Exception
    {
        final long large = Long.MAX_VALUE / 2 + 1;
        final Settlement.Result settlement = new Settlement.Result(List.of(line("MERCHANT0000001", large), line("MERCHANT0000002", large)), List.of());
        final DayReader.Day day = new DayReader.Day(DAY, 0, new DayTransactions(), List.of());
        final Path folder = dir.resolve(DAY.toString());

        assertThrows(ArithmeticException.class, () -> ClearingFiles.write(folder, SwitchConfig.defaults(), day, settlement));
        try (var files = Files.list(dir))
        {
            assertFalse(Files.exists(folder) && Files.list(folder).findAny().isPresent(), "a file of the day written: " + files.toList());
        }
    }

    private static Settlement.MerchantLine line(final String merchant, final long net)
    {
        return new Settlement.MerchantLine(merchant, "A merchant", "5411", "retail", 0, "156", 1, net, 0, 0, 0, net, 0, net, "6222000000000001", DAY);
    }
}
