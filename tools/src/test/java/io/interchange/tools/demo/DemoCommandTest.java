package io.interchange.tools.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
 * every answer as its case expects, and the report, chart and journal where the last lines say they are.
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
    }

    @Test
    void shouldRefuseABadDurationInOneLine(@TempDir final Path dir)
    {
        final Cli.Result result = Cli.run("demo", "--dir", dir.toString(), "--duration", "soon").expectInputError();
        assertTrue(result.errLine().contains("--duration"), result::toString);
    }
}
