package io.interchange.tools.journal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

import io.interchange.tools.InputException;
import picocli.CommandLine.Option;

/**
 * Which records a command shows: a time range and key fields, all that are given must match. A corrupt record has no
 * fields to match, so only the time range (as stored) selects it: it is shown unless a field filter is given.
 */
public final class RecordFilter
{
    @Option(names = "--from", paramLabel = "TIME",
        description = "From this time on: 2026-03-10T14:00:00Z, or without Z in the business day's zone.")
    private String from;

    @Option(names = "--until", paramLabel = "TIME", description = "Before this time; written as --from.")
    private String to;

    @Option(names = "--terminal", paramLabel = "ID", description = "Terminal id (field 41).")
    private String terminal;

    @Option(names = "--merchant", paramLabel = "ID", description = "Merchant id (field 42).")
    private String merchant;

    @Option(names = "--rrn", paramLabel = "RRN", description = "Retrieval reference number (field 37).")
    private String rrn;

    @Option(names = "--stan", paramLabel = "STAN", description = "System trace audit number (field 11); leading zeros may be left out.")
    private String stan;

    @Option(names = {"--response-code", "--rc"}, paramLabel = "CODE", description = "Response code of the switch's decision, e.g. 00 or 91.")
    private String responseCode;

    private Instant fromInstant;
    private Instant toInstant;

    /** Parses the time range in {@code zone} (for times written without an offset); call before {@link #test}. */
    RecordFilter resolve(final ZoneId zone)
    {
        fromInstant = from == null ? null : instant("--from", from, zone);
        toInstant = to == null ? null : instant("--until", to, zone);
        return this;
    }

    boolean test(final RecordView view)
    {
        if (fromInstant != null && view.time().isBefore(fromInstant) || toInstant != null && !view.time().isBefore(toInstant))
        {
            return false;
        }
        if (view.corrupt())
        {
            return terminal == null && merchant == null && rrn == null && stan == null && responseCode == null;
        }
        return matches(terminal, view.terminal()) && matches(merchant, view.merchant()) && matches(rrn, view.rrn()) &&
            (stan == null || !view.stan().isEmpty() && stripZeros(stan).equals(stripZeros(view.stan()))) &&
            matches(responseCode, view.responseCode());
    }

    private static boolean matches(final String wanted, final String value)
    {
        return wanted == null || wanted.strip().equals(value);
    }

    private static String stripZeros(final String digits)
    {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0')
        {
            i++;
        }
        return digits.substring(i).strip();
    }

    private static Instant instant(final String option, final String text, final ZoneId zone)
    {
        try
        {
            return text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$") ? OffsetDateTime.parse(text).toInstant() :
                LocalDateTime.parse(text).atZone(zone).toInstant();
        }
        catch (final DateTimeParseException ex)
        {
            throw new InputException(option + " " + text + " is not a time: write 2026-03-10T14:00:00Z, or 2026-03-10T14:00:00 in " + zone);
        }
    }
}
