package io.interchange.tools.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.interchange.tools.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `interchange demo`, as the README runs it but shorter: switch, issuer simulators and terminals over 127.0.0.1,
 * every answer as its case expects, and the report, chart and journal where the last lines say they are, none of what
 * it printed or wrote for people holding a card number in clear.
 */
class DemoCommandTest
{
    private static final Pattern JOURNAL = Pattern.compile("journal: (\\S+): ([0-9,]+) records, .*, every checksum valid");

    @Test
    void shouldRunTheWholeSwitchAndSayWhereEverythingIs(@TempDir final Path dir) throws IOException
    {
        final Cli.Result result = Cli.run("demo", "--dir", dir.toString(), "--duration", "2s", "--rate", "300").expectSuccess();

        assertTrue(result.out().contains("Result: PASSED"), result::toString);
        assertTrue(result.out().contains(" 0 mismatches, 0 lost"), result::toString);
        final Matcher journal = JOURNAL.matcher(result.out());
        assertTrue(journal.find(), result::toString);
        // Every request and every answer is an event of its own; there are more, sign-ons and links coming and going.
        final long records = Long.parseLong(journal.group(2).replace(",", ""));
        assertTrue(records > 2 * 300 * 2, "records: " + records);

        final List<Path> runs;
        try (Stream<Path> list = Files.list(dir))
        {
            runs = list.toList();
        }
        assertEquals(1, runs.size(), runs::toString);
        final Matcher clearing = Pattern.compile("clearing \\S+: [0-9,]+ transactions, \\d+ merchants settled, \\d+ exceptions; settlement report (\\S+)")
            .matcher(result.out());
        assertTrue(clearing.find(), result::toString);
        assertTrue(Files.readString(Path.of(clearing.group(1))).contains("Interchange settlement report"), "the demo ends with clearing");
        for (final String file : List.of("report.txt", "report.html", "latency.hgrm", "summary.json"))
        {
            final Path written = runs.get(0).resolve("report").resolve(file);
            assertTrue(Files.size(written) > 0, written + " written");
            assertTrue(result.out().contains(file) || "summary.json".equals(file), file + " named in the output");
        }
        assertTrue(Files.readString(runs.get(0).resolve("report").resolve("report.html")).contains("<svg"), "the chart is drawn inline");
        // The run ends with each terminal's batch settlement, every one in balance.
        final String summary = Files.readString(runs.get(0).resolve("report").resolve("summary.json"));
        assertTrue(summary.contains("\"unbalanced\": 0"), summary);
        assertTrue(!summary.contains("\"settled\": 0,") && summary.contains("\"settled\": "), summary);

        // DESIGN.md §7: no card number of the run's BINs in clear in what it printed or wrote for people to read (the
        // journal's files have tests of their own); masked, as 476173******0119, a card number matches nothing here.
        final Pattern clearPan = Pattern.compile("(476173|622848)[0-9]{7,13}");
        assertFalse(clearPan.matcher(result.out() + result.err()).find(), result::toString);
        final Pattern maskedPan = Pattern.compile("(476173|622848)\\*{6}[0-9]{4}");
        boolean masked = false;
        try (Stream<Path> files = Files.walk(runs.get(0)))
        {
            for (final Path file : files.filter(Files::isRegularFile).filter(f -> !f.startsWith(runs.get(0).resolve("journal"))).toList())
            {
                final String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                final Matcher pan = clearPan.matcher(text);
                assertFalse(pan.find(), () -> "a card number in clear in " + file + ": " + pan.group());
                masked |= maskedPan.matcher(text).find();
            }
        }
        assertTrue(masked, "clearing lists the run's cards, masked: what is looked through holds card numbers");
    }

    @Test
    void shouldRefuseABadDurationInOneLine(@TempDir final Path dir)
    {
        final Cli.Result result = Cli.run("demo", "--dir", dir.toString(), "--duration", "soon").expectInputError();
        assertTrue(result.errLine().contains("--duration"), result::toString);
    }
}
