package io.interchange.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The four report files from a report made up here: what a person and a script each find in them. */
class ReportWritersTest
{
    @TempDir
    Path dir;

    /** 10,000 latencies of 100 us to 1 ms, and one of 50 ms; 10 s measured; two mismatches. */
    private static LoadReport report()
    {
        return report(List.of());
    }

    private static LoadReport report(final List<SettlementResult> settlements)
    {
        final long[] counters = new long[ConnectionStats.SIZE];
        counters[ConnectionStats.SENT] = 10_003;
        counters[ConnectionStats.ANSWERED] = 10_001;
        counters[ConnectionStats.MISMATCHES] = 2;
        counters[ConnectionStats.TIMEOUTS] = 2;
        counters[ConnectionStats.MEASURED_SENT] = 10_003;
        counters[ConnectionStats.MEASURED_ANSWERED] = 10_001;
        counters[ConnectionStats.caseIndex(TransactionCase.PURCHASE, ConnectionStats.CASE_SENT)] = 10_003;
        counters[ConnectionStats.caseIndex(TransactionCase.PURCHASE, ConnectionStats.CASE_OK)] = 9_999;
        counters[ConnectionStats.caseIndex(TransactionCase.PURCHASE, ConnectionStats.CASE_WRONG)] = 2;
        counters[ConnectionStats.caseIndex(TransactionCase.PURCHASE, ConnectionStats.CASE_LOST)] = 2;
        final ConnectionStats codes = new ConnectionStats();
        for (int i = 0; i < 9_999; i++)
        {
            codes.code((byte)'0', (byte)'0');
        }
        codes.code((byte)'9', (byte)'1');
        codes.code((byte)'A', (byte)'0');
        final long[] counted = codes.counters();
        for (int i = ConnectionStats.codeIndexBase(); i < ConnectionStats.SIZE; i++)
        {
            counters[i] = counted[i];
        }
        final Histogram latency = new Histogram(1, ConnectionStats.HIGHEST_NANOS, ConnectionStats.SIGNIFICANT_DIGITS);
        for (int i = 0; i < 10_000; i++)
        {
            latency.recordValue(100_000 + i * 90L);
        }
        latency.recordValue(50_000_000);
        final Histogram lag = new Histogram(1, ConnectionStats.HIGHEST_NANOS, ConnectionStats.SIGNIFICANT_DIGITS);
        lag.recordValue(20_000);
        final Histogram roundTrip = new Histogram(1, ConnectionStats.HIGHEST_NANOS, ConnectionStats.SIGNIFICANT_DIGITS);
        roundTrip.recordValue(80_000);
        roundTrip.recordValue(4_000_000);
        final List<LoadReport.Second> series = new ArrayList<>();
        for (int s = 1; s <= 12; s++)
        {
            // The last second is cut short where the measured part ends: half a second, at the same rate.
            final boolean last = s == 12;
            series.add(new LoadReport.Second(s, last ? 0.5 : 1, s <= 2 ? LoadProgress.Phase.WARMUP : LoadProgress.Phase.MEASURE, last ? 500 : 1_000,
                300, 600, 900, 1_000, 50_000, List.of(0.5, 1.25)));
        }
        // Then the drain: the answers still on their way when sending stopped, in a few milliseconds, too short to rate.
        series.add(new LoadReport.Second(12.05, 0.05, LoadProgress.Phase.DRAIN, 4, 300, 600, 900, 1_000, 1_000, List.of(0.1, 0.2)));
        return new LoadReport(LoadOptions.defaults().open(1_000).withWatchPids(List.of(4242L)), Instant.parse("2026-03-15T12:00:00Z"),
            Duration.ofSeconds(10), counters, new LoadReport.Timings(latency, lag, roundTrip), series,
            List.of(new LoadReport.CpuUse("load generator (this process)", 1, 4.2, 0.42), new LoadReport.CpuUse("java: switch", 4242, 11.0, 1.1)),
            List.of(new TerminalBatch("TERM0001", "MERCHANT0000001", 3, 1_500, 1, 200, 1, 500, 0, 0)),
            List.of("purchase STAN 7 from TERM0001: expected 0210 39=00, got 0210 39=91 41=TERM0001", "a \"quoted\" <thing> & more"),
            List.of("a warning"), settlements);
    }

    @Test
    void shouldShowEachBatchSettlementInTextAndJsonAndFailTheRunOnOneOutOfBalance() throws Exception
    {
        final TerminalBatch ours = new TerminalBatch("TERM0001", "MERCHANT0000001", 3, 1_500, 1, 200, 1, 500, 0, 0);
        final TerminalBatch theirs = new TerminalBatch("TERM0001", "MERCHANT0000001", 4, 2_277, 1, 200, 1, 500, 0, 0);
        final TerminalBatch other = new TerminalBatch("TERM0002", "MERCHANT0000001", 1, 100, 0, 0, 0, 0, 0, 0);
        final LoadReport report = report(List.of(new SettlementResult(ours, "95", theirs, null), new SettlementResult(other, "00", null, null)));
        final LoadReport.ReportFiles files = report.write(dir);

        assertEquals(1, report.unbalanced());
        assertTrue(report.verdict().contains("1 batches out of balance"), report.verdict());
        final String text = Files.readString(files.text(), StandardCharsets.UTF_8);
        assertTrue(text.contains("TERM0001  95      out of balance: the switch has debits 4/22.77 credits 1/2.00 reversals 1/5.00 net 15.77"
            + " (net differs by -7.77)"), text);
        assertTrue(text.contains("TERM0002  00      in balance"), text);
        assertTrue(report.summary().contains("Settlement  2 terminal ids settled their batch (0500): 1 in balance, 1 not"), report.summary());
        final Map<?, ?> json = (Map<?, ?>)new Json(Files.readString(files.json(), StandardCharsets.UTF_8)).parse();
        assertEquals(2.0, json.get("settled"));
        assertEquals(1.0, json.get("unbalanced"));
        final List<?> settlements = (List<?>)json.get("settlements");
        final Map<?, ?> first = (Map<?, ?>)settlements.get(0);
        assertEquals("TERM0001", first.get("terminal"));
        assertEquals("95", first.get("code"));
        assertEquals(false, first.get("balanced"));
        assertEquals(800.0, first.get("net"));
        assertEquals(1_577.0, first.get("switch_net"));
        assertEquals(true, ((Map<?, ?>)settlements.get(1)).get("balanced"));
        assertFalse(Files.readString(files.json(), StandardCharsets.UTF_8).isEmpty());
    }

    @Test
    void shouldLeaveSettlementOutOfAReportThatDidNotSettle() throws Exception
    {
        final LoadReport.ReportFiles files = report().write(dir);
        assertFalse(Files.readString(files.text(), StandardCharsets.UTF_8).contains("Batch settlement"));
        assertFalse(((Map<?, ?>)new Json(Files.readString(files.json(), StandardCharsets.UTF_8)).parse()).containsKey("settlements"));
    }

    @Test
    void shouldSummariseForScriptsInJsonWithLatenciesInMicroseconds() throws Exception
    {
        final LoadReport report = report();
        final LoadReport.ReportFiles files = report.write(dir);
        final Map<?, ?> json = (Map<?, ?>)new Json(Files.readString(files.json(), StandardCharsets.UTF_8)).parse();
        assertEquals(false, json.get("passed"));
        assertEquals("open", json.get("mode"));
        assertEquals(1_000.0, json.get("rate"));
        assertEquals(10.0, json.get("duration"));
        assertEquals(1_000.1, json.get("tps"));
        assertEquals(Math.round(report.latencyMicros(50) * 10) / 10.0, (Double)json.get("p50"), 1e-9);
        assertEquals(Math.round(report.latencyMicros(99.99) * 10) / 10.0, (Double)json.get("p9999"), 1e-9);
        assertEquals(Math.round(report.maxMicros() * 10) / 10.0, (Double)json.get("max"), 1e-9);
        assertTrue((Double)json.get("p50") > 500 && (Double)json.get("p50") < 600, "the middle of 100 us to 1 ms");
        for (final String key : List.of("p90", "p99", "p999", "sent", "answered", "mismatches", "timeouts", "errors", "codes", "cases", "series"))
        {
            assertTrue(json.containsKey(key), key);
        }
        assertEquals(10_003.0, json.get("sent"));
        assertEquals(2.0, json.get("mismatches"));
        assertEquals(2.0, json.get("timeouts"));
        assertEquals(Map.of("00", 9_999.0, "91", 1.0, "A0", 1.0), json.get("codes"));
        assertEquals(13, ((List<?>)json.get("series")).size());
        assertEquals(List.of("a warning"), json.get("warnings"));
        assertEquals(Math.round(report.roundTripMicros(99) * 10) / 10.0, (Double)json.get("round_trip_p99"), 1e-9);
        assertTrue((Double)json.get("round_trip_p99") > 3_990 && (Double)json.get("round_trip_p99") < 4_010, "the slower of 80 us and 4 ms");
    }

    /**
     * A second cut short shows the rate it ran at, not its count of answers (500 answers in 0.5 s is 1,000 TPS), and
     * the drain's few milliseconds no rate at all.
     */
    @Test
    void shouldShowTheRateOfASecondCutShortAndNoneForTheDrainsLastMilliseconds() throws Exception
    {
        final LoadReport.ReportFiles files = report().write(dir);
        final String text = Files.readString(files.text(), StandardCharsets.UTF_8);
        assertTrue(text.contains("   12.0  measure     1,000 "), text);
        assertTrue(text.contains("(500 answers in 0.50 s)"), text);
        assertTrue(text.contains("   12.1  drain           - "), text);
        final List<?> series = (List<?>)((Map<?, ?>)new Json(Files.readString(files.json(), StandardCharsets.UTF_8)).parse()).get("series");
        final Map<?, ?> cut = (Map<?, ?>)series.get(series.size() - 2);
        assertEquals(500.0, cut.get("answers"));
        assertEquals(0.5, cut.get("seconds"));
        assertEquals(1_000.0, cut.get("tps"));
        final Map<?, ?> drain = (Map<?, ?>)series.get(series.size() - 1);
        assertEquals(4.0, drain.get("answers"));
        assertNull(drain.get("tps"));
        assertTrue(drain.containsKey("tps"));
    }

    @Test
    void shouldTellAPersonWhatHappenedInText() throws Exception
    {
        final String text = Files.readString(report().write(dir).text(), StandardCharsets.UTF_8);
        assertTrue(text.contains("Result: FAILED (2 mismatches, 2 lost, 0 errors)"), text);
        assertTrue(text.contains("open loop at 1,000 requests/s"), text);
        assertTrue(text.contains("Throughput  1,000.1 requests/s"), text);
        assertTrue(text.contains("  00         9,999  approved"), text);
        assertTrue(text.contains("  A0             1  MAC failure"), text);
        assertTrue(text.contains("java: switch (pid 4242)"), text);
        assertTrue(text.contains("TERM0001  MERCHANT0000001        3       15.00"), text);
        assertTrue(text.contains("expected 0210 39=00, got 0210 39=91"), text);
        assertTrue(text.contains("a warning"), text);
        assertTrue(text.contains("Round trip  from when each request went"), text);
        assertTrue(text.contains("p50 80 us") && text.contains("max 4.00 ms"), text);
    }

    @Test
    void shouldWriteHdrHistogramsPercentileDistributionInMicroseconds() throws Exception
    {
        final List<String> lines = Files.readAllLines(report().write(dir).histogram(), StandardCharsets.UTF_8);
        assertTrue(lines.get(0).strip().startsWith("Value"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("#[Mean")), "HdrHistogram's footer");
        assertTrue(lines.stream().anyMatch(l -> l.contains("#[Max     =    50003.967")), String.join("\n", lines));
    }

    @Test
    void shouldDrawChartsInOneFileThatNeedsNothingElse() throws Exception
    {
        final String html = Files.readString(report().write(dir).html(), StandardCharsets.UTF_8);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertEquals(3, html.split("<svg ", -1).length - 1, "percentiles, throughput, latency over time");
        assertTrue(html.contains("99.99%"), "the percentile axis reaches the tail");
        assertTrue(html.contains("warm-up"), "the warm-up is shaded");
        assertFalse(html.contains("<script src") || html.contains("<link") || html.contains("src=\"http") || html.contains("@import"),
            "nothing fetched");
        assertFalse(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "").contains("http"), "no address but the SVG namespace");
        assertTrue(html.contains("a &quot;quoted&quot; &lt;thing&gt; &amp; more"), "text escaped");
    }

    /** Enough of RFC 8259 to check that a script can read the file: objects, arrays, strings, numbers, literals. */
    private static final class Json
    {
        private final String text;
        private int at;

        Json(final String text)
        {
            this.text = text;
        }

        Object parse()
        {
            final Object value = value();
            space();
            assertEquals(text.length(), at, "nothing after the value");
            return value;
        }

        private Object value()
        {
            space();
            final char c = text.charAt(at);
            if (c == '{')
            {
                final Map<String, Object> object = new LinkedHashMap<>();
                at++;
                space();
                if (text.charAt(at) == '}')
                {
                    at++;
                    return object;
                }
                do
                {
                    space();
                    final String key = string();
                    space();
                    expect(':');
                    object.put(key, value());
                    space();
                }
                while (text.charAt(at++) == ',');
                assertEquals('}', text.charAt(at - 1), "object closed at " + at);
                return object;
            }
            if (c == '[')
            {
                final List<Object> array = new ArrayList<>();
                at++;
                space();
                if (text.charAt(at) == ']')
                {
                    at++;
                    return array;
                }
                do
                {
                    array.add(value());
                    space();
                }
                while (text.charAt(at++) == ',');
                assertEquals(']', text.charAt(at - 1), "array closed at " + at);
                return array;
            }
            if (c == '"')
            {
                return string();
            }
            for (final String literal : List.of("true", "false", "null"))
            {
                if (text.startsWith(literal, at))
                {
                    at += literal.length();
                    return literal.equals("null") ? null : Boolean.valueOf(literal);
                }
            }
            final int start = at;
            while (at < text.length() && "-+.eE0123456789".indexOf(text.charAt(at)) >= 0)
            {
                at++;
            }
            assertTrue(at > start, "a value at " + start);
            return Double.parseDouble(text.substring(start, at));
        }

        private String string()
        {
            expect('"');
            final StringBuilder s = new StringBuilder();
            while (text.charAt(at) != '"')
            {
                char c = text.charAt(at++);
                assertTrue(c >= 0x20, "control character in a string");
                if (c == '\\')
                {
                    c = text.charAt(at++);
                    if (c == 'u')
                    {
                        c = (char)Integer.parseInt(text.substring(at, at + 4), 16);
                        at += 4;
                    }
                    else
                    {
                        c = switch (c)
                        {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> c;
                        };
                    }
                }
                s.append(c);
            }
            at++;
            return s.toString();
        }

        private void expect(final char c)
        {
            assertEquals(c, text.charAt(at), "at " + at);
            at++;
        }

        private void space()
        {
            while (at < text.length() && Character.isWhitespace(text.charAt(at)))
            {
                at++;
            }
        }
    }
}
