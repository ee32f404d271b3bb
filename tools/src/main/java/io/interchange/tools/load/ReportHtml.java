package io.interchange.tools.load;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import io.interchange.codec.Mti;

/**
 * report.html: one file a person opens in any browser, offline. The latency percentile curve (HdrHistogram's
 * distribution, the 99.99th and beyond drawn out on a log scale), throughput and latency second by second with
 * the warm-up shaded, then the tables of report.txt. Inline SVG and CSS only: nothing is fetched.
 */
final class ReportHtml
{
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final int WIDTH = 900;
    private static final int HEIGHT = 340;
    private static final double MAX_TAIL = 1e6;
    private static final String CSS = """
        body { font-family: sans-serif; margin: 24px; color: #222; max-width: 960px; }
        h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
        table { border-collapse: collapse; font-size: 13px; }
        td, th { padding: 3px 10px; border-bottom: 1px solid #e4e4e4; text-align: right; }
        td:first-child, th:first-child { text-align: left; }
        .passed { color: #18794e; font-weight: bold; } .failed { color: #c62828; font-weight: bold; }
        .note { color: #555; font-size: 13px; } pre { font-size: 12px; background: #f6f6f6; padding: 8px; }
        """;

    private ReportHtml()
    {
    }

    static String render(final LoadReport report)
    {
        final LoadOptions o = report.options();
        final StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Interchange load run ")
            .append(WHEN.format(report.started())).append("</title>\n<style>\n").append(CSS).append("</style></head>\n<body>\n");
        html.append("<h1>Interchange load run, ").append(WHEN.format(report.started())).append("</h1>\n");
        html.append("<p class=\"").append(report.passed() ? "passed" : "failed").append("\">").append(SvgChart.escape(report.verdict())).append("</p>\n");
        html.append("<table>\n");
        row(html, "switch", o.host() + ":" + o.port() + ", " + o.dialect().name() + " behind a " + o.framing().lengthHeader() + " length");
        row(html, "load", o.mode() == LoadMode.OPEN ? String.format(Locale.ROOT, "open loop at %,d requests/s", o.rate()) :
            "closed loop, " + o.window() + " in flight per connection");
        row(html, "connections, terminals", o.connections() + " (" + o.eventLoops() + " event loops), " + o.terminals());
        row(html, "mix", o.mix().toString());
        row(html, "measured", ReportText.seconds(report.measured().toMillis()) + " after " + ReportText.seconds(o.warmup().toMillis()) + " warm-up");
        row(html, "throughput", String.format(Locale.ROOT, "%,.1f requests/s", report.tps()));
        row(html, "latency p50 / p90 / p99", LoadReport.micros(report.latencyMicros(50)) + " / " + LoadReport.micros(report.latencyMicros(90)) + " / " +
            LoadReport.micros(report.latencyMicros(99)));
        row(html, "latency p99.9 / p99.99 / max", LoadReport.micros(report.latencyMicros(99.9)) + " / " + LoadReport.micros(report.latencyMicros(99.99)) +
            " / " + LoadReport.micros(report.maxMicros()));
        row(html, "sent, answered", String.format(Locale.ROOT, "%,d, %,d", report.sent(), report.answered()));
        row(html, "mismatches, lost, errors", report.mismatches() + ", " + report.timeouts() + ", " + report.errors());
        html.append("</table>\n");
        html.append("<p class=\"note\">Latency is measured from when each request was due to be sent, not when it went: a stall shows in full ")
            .append("(coordinated omission). The warm-up is shaded and left out of the percentiles.</p>\n");

        html.append("<h2>Latency by percentile</h2>\n").append(percentiles(report.latency()));
        html.append("<h2>Throughput over time</h2>\n").append(throughput(report));
        html.append("<h2>Latency over time</h2>\n").append(latencyOverTime(report));

        html.append("<h2>Answers by response code</h2>\n<table><tr><th>39</th><th>answers</th><th>meaning</th></tr>\n");
        for (final Map.Entry<String, Long> code : report.codes().entrySet())
        {
            html.append("<tr><td>").append(SvgChart.escape(code.getKey())).append("</td><td>").append(String.format(Locale.ROOT, "%,d", code.getValue()))
                .append("</td><td style=\"text-align:left\">").append(ReportText.MEANINGS.getOrDefault(code.getKey(), "")).append("</td></tr>\n");
        }
        html.append("</table>\n");

        html.append("<h2>Cases</h2>\n<table><tr><th>case</th><th>expects</th><th>sent</th><th>as expected</th><th>otherwise</th><th>lost</th></tr>\n");
        for (final LoadReport.CaseResult c : report.cases())
        {
            if (c.sent() == 0 && o.mix().weight(c.transactionCase().share()) == 0)
            {
                continue;
            }
            html.append("<tr><td title=\"").append(SvgChart.escape(c.transactionCase().description())).append("\">")
                .append(c.transactionCase().label()).append("</td><td>").append(Mti.toString(c.transactionCase().responseMti())).append(' ')
                .append(c.transactionCase().expectedCode()).append("</td>");
            for (final long v : new long[] {c.sent(), c.asExpected(), c.otherwise(), c.lost()})
            {
                html.append("<td>").append(String.format(Locale.ROOT, "%,d", v)).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");

        html.append("<h2>CPU in the measured part</h2>\n<table><tr><th>process or thread</th><th>pid</th><th>seconds</th><th>cores</th></tr>\n");
        for (final LoadReport.CpuUse use : report.cpu())
        {
            html.append("<tr><td>").append(SvgChart.escape(use.name())).append("</td><td>").append(use.pid()).append("</td><td>")
                .append(use.seconds() < 0 ? "?" : String.format(Locale.ROOT, "%.2f", use.seconds())).append("</td><td>")
                .append(use.seconds() < 0 ? "?" : String.format(Locale.ROOT, "%.2f", use.cores())).append("</td></tr>\n");
        }
        html.append("</table>\n");

        html.append("<h2>Batch totals by terminal id</h2>\n<table><tr><th>terminal</th><th>merchant</th><th>debits</th><th>amount</th>")
            .append("<th>credits</th><th>amount</th><th>reversals</th><th>amount</th><th>net</th></tr>\n");
        for (final TerminalBatch b : report.batches())
        {
            html.append("<tr><td>").append(SvgChart.escape(b.terminalId())).append("</td><td>").append(SvgChart.escape(b.merchantId())).append("</td><td>")
                .append(b.debitCount()).append("</td><td>").append(ReportText.money(b.debitAmount())).append("</td><td>").append(b.creditCount())
                .append("</td><td>").append(ReportText.money(b.creditAmount())).append("</td><td>").append(b.debitReversalCount() + b.creditReversalCount())
                .append("</td><td>").append(ReportText.money(b.debitReversalAmount() + b.creditReversalAmount())).append("</td><td>")
                .append(ReportText.money(b.netAmount())).append("</td></tr>\n");
        }
        html.append("</table>\n");

        list(html, "Mismatches, lost requests and errors", report.samples());
        list(html, "Warnings", report.warnings());
        return html.append("</body></html>\n").toString();
    }

    /** Latency against percentile, the x axis as 1 / (1 - p) on a log scale so that the tail gets the room. */
    private static String percentiles(final Histogram latency)
    {
        final List<Double> xs = new ArrayList<>();
        final List<Double> ys = new ArrayList<>();
        if (latency.getTotalCount() > 0)
        {
            for (final HistogramIterationValue v : latency.percentiles(5))
            {
                final double p = v.getPercentileLevelIteratedTo() / 100.0;
                if (p >= 1.0)
                {
                    break;
                }
                xs.add(Math.min(MAX_TAIL, 1.0 / (1.0 - p)));
                ys.add(v.getValueIteratedTo() / 1e3);
            }
        }
        return new SvgChart("latency at each percentile, measured part", "percentile", "latency (microseconds)", true, false)
            .xTicks(new double[] {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000}, new String[] {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"})
            .line("latency", "#1565c0", doubles(xs), doubles(ys))
            .render(WIDTH, HEIGHT);
    }

    private static String throughput(final LoadReport report)
    {
        // Samples too short to rate (a run's last few milliseconds) are left out of the line.
        final List<LoadReport.Second> series = report.series().stream().filter(second -> second.tps() >= 0).toList();
        final double[] t = new double[series.size()];
        final double[] tps = new double[series.size()];
        double warmupEnd = 0;
        for (int i = 0; i < t.length; i++)
        {
            t[i] = series.get(i).at();
            tps[i] = series.get(i).tps();
            if (series.get(i).phase() == LoadProgress.Phase.WARMUP)
            {
                warmupEnd = t[i];
            }
        }
        final SvgChart chart = new SvgChart("answers per second", "seconds since the first request was due", "answers per second", false, false);
        if (warmupEnd > 0)
        {
            chart.band(0, warmupEnd, "#f1f1f1", "warm-up");
        }
        if (report.options().mode() == LoadMode.OPEN && t.length > 0)
        {
            chart.line("target rate", "#9e9e9e", new double[] {0, t[t.length - 1]}, new double[] {report.options().rate(), report.options().rate()});
        }
        return chart.line("achieved", "#2e7d32", t, tps).render(WIDTH, HEIGHT);
    }

    private static String latencyOverTime(final LoadReport report)
    {
        final List<LoadReport.Second> series = report.series();
        final double[] t = new double[series.size()];
        final double[] p50 = new double[series.size()];
        final double[] p99 = new double[series.size()];
        final double[] max = new double[series.size()];
        double warmupEnd = 0;
        for (int i = 0; i < t.length; i++)
        {
            final LoadReport.Second s = series.get(i);
            t[i] = s.at();
            p50[i] = s.p50();
            p99[i] = s.p99();
            max[i] = s.max();
            if (s.phase() == LoadProgress.Phase.WARMUP)
            {
                warmupEnd = t[i];
            }
        }
        final SvgChart chart = new SvgChart("latency of each second's answers", "seconds since the first request was due", "latency (microseconds)", false,
            true);
        if (warmupEnd > 0)
        {
            chart.band(0, warmupEnd, "#f1f1f1", "warm-up");
        }
        return chart.line("max", "#c62828", t, max).line("p99", "#ef6c00", t, p99).line("p50", "#1565c0", t, p50).render(WIDTH, HEIGHT);
    }

    private static double[] doubles(final List<Double> values)
    {
        final double[] array = new double[values.size()];
        for (int i = 0; i < array.length; i++)
        {
            array[i] = values.get(i);
        }
        return array;
    }

    private static void row(final StringBuilder html, final String name, final String value)
    {
        html.append("<tr><td>").append(SvgChart.escape(name)).append("</td><td style=\"text-align:left\">").append(SvgChart.escape(value))
            .append("</td></tr>\n");
    }

    private static void list(final StringBuilder html, final String title, final List<String> lines)
    {
        if (lines.isEmpty())
        {
            return;
        }
        html.append("<h2>").append(SvgChart.escape(title)).append("</h2>\n<pre>");
        for (final String line : lines)
        {
            html.append(SvgChart.escape(line)).append('\n');
        }
        html.append("</pre>\n");
    }
}
