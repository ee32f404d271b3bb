package io.interchange.tools.load;

import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * summary.json: the run for scripts (bench/run-e2e reads it). One object; latencies in microseconds, rates per
 * second, durations in seconds:
 * <pre>{@code
 * {"passed": true, "mode": "open", "rate": 20000, "window": 32, "connections": 4, "terminals": 16,
 *  "warmup": 5.0, "duration": 30.0, "tps": 19998.7,
 *  "p50": 210.4, "p90": 380.9, "p99": 812.0, "p999": 2101.2, "p9999": 4507.6, "max": 9001.0,
 *  "sent": 700000, "answered": 700000, "mismatches": 0, "timeouts": 0, "errors": 0,
 *  "codes": {"00": 650000, ...}, "cases": {"purchase": {"sent": ..., "ok": ..., "otherwise": ..., "lost": ...}, ...},
 *  "cpu": [{"name": ..., "pid": ..., "seconds": ..., "cores": ...}], "series": [{"t": 1.0, "phase": "warmup", "tps": ..., ...}],
 *  "settled": 14, "unbalanced": 0, "settlements": [{"terminal": "TERM0001", "code": "00", "balanced": true, "net": 123400,
 *  "switch_net": null, "problem": null}, ...], ...}
 * }</pre>
 * The settlement fields are there only when the run settled ({@code --settle}); {@code switch_net} is the switch's net
 * when it answered 95.
 * Written by hand rather than by a JSON library: a handful of numbers and names.
 */
final class ReportJson
{
    private ReportJson()
    {
    }

    static String render(final LoadReport report)
    {
        final LoadOptions o = report.options();
        final StringBuilder json = new StringBuilder(4_096);
        json.append("{\n");
        field(json, "passed", Boolean.toString(report.passed()));
        field(json, "verdict", quote(report.verdict()));
        field(json, "started", quote(DateTimeFormatter.ISO_INSTANT.format(report.started())));
        field(json, "mode", quote(o.mode().name().toLowerCase(Locale.ROOT)));
        field(json, "rate", Long.toString(o.mode() == LoadMode.OPEN ? o.rate() : 0));
        field(json, "window", Long.toString(o.mode() == LoadMode.CLOSED ? o.window() : 0));
        field(json, "connections", Long.toString(o.connections()));
        field(json, "terminals", Long.toString(o.terminals()));
        field(json, "event_loops", Long.toString(o.eventLoops()));
        field(json, "mix", quote(o.mix().toString()));
        field(json, "warmup", number(o.warmup().toMillis() / 1e3));
        field(json, "duration", number(report.measured().toMillis() / 1e3));
        field(json, "timeout", number(o.timeout().toMillis() / 1e3));
        field(json, "tps", number(report.tps()));
        field(json, "p50", number(report.latencyMicros(50)));
        field(json, "p90", number(report.latencyMicros(90)));
        field(json, "p99", number(report.latencyMicros(99)));
        field(json, "p999", number(report.latencyMicros(99.9)));
        field(json, "p9999", number(report.latencyMicros(99.99)));
        field(json, "max", number(report.maxMicros()));
        field(json, "send_lag_p99", number(report.sendLag().getTotalCount() == 0 ? 0 : report.sendLag().getValueAtPercentile(99) / 1e3));
        field(json, "round_trip_p99", number(report.roundTripMicros(99)));
        field(json, "round_trip_p999", number(report.roundTripMicros(99.9)));
        field(json, "sent", Long.toString(report.sent()));
        field(json, "answered", Long.toString(report.answered()));
        field(json, "measured_sent", Long.toString(report.measuredSent()));
        field(json, "measured_answered", Long.toString(report.measuredAnswered()));
        field(json, "mismatches", Long.toString(report.mismatches()));
        field(json, "timeouts", Long.toString(report.timeouts()));
        field(json, "errors", Long.toString(report.errors()));
        field(json, "card_waits", Long.toString(report.cardWaits()));

        final StringBuilder codes = new StringBuilder("{");
        for (final Map.Entry<String, Long> code : report.codes().entrySet())
        {
            codes.append(codes.length() > 1 ? ", " : "").append(quote(code.getKey())).append(": ").append(code.getValue());
        }
        field(json, "codes", codes.append('}').toString());

        final StringBuilder cases = new StringBuilder("{");
        for (final LoadReport.CaseResult c : report.cases())
        {
            cases.append(cases.length() > 1 ? ",\n    " : "\n    ").append(quote(c.transactionCase().label())).append(": {\"sent\": ").append(c.sent())
                .append(", \"ok\": ").append(c.asExpected()).append(", \"otherwise\": ").append(c.otherwise()).append(", \"lost\": ").append(c.lost())
                .append('}');
        }
        field(json, "cases", cases.append("\n  }").toString());

        final StringBuilder cpu = new StringBuilder("[");
        for (final LoadReport.CpuUse use : report.cpu())
        {
            cpu.append(cpu.length() > 1 ? ",\n    " : "\n    ").append("{\"name\": ").append(quote(use.name())).append(", \"pid\": ").append(use.pid())
                .append(", \"seconds\": ").append(number(use.seconds())).append(", \"cores\": ").append(number(use.cores())).append('}');
        }
        field(json, "cpu", cpu.append(report.cpu().isEmpty() ? "]" : "\n  ]").toString());

        final StringBuilder series = new StringBuilder("[");
        for (final LoadReport.Second s : report.series())
        {
            series.append(series.length() > 1 ? ",\n    " : "\n    ").append("{\"t\": ").append(number(s.at())).append(", \"phase\": ")
                .append(quote(s.phase().label())).append(", \"seconds\": ").append(Math.round(s.length() * 1_000) / 1_000.0)
                .append(", \"answers\": ").append(s.answers())
                .append(", \"tps\": ").append(s.tps() < 0 ? "null" : number(s.tps())).append(", \"p50\": ").append(number(s.p50()))
                .append(", \"p90\": ").append(number(s.p90())).append(", \"p99\": ").append(number(s.p99())).append(", \"p999\": ")
                .append(number(s.p999())).append(", \"max\": ").append(number(s.max())).append(", \"cores\": [");
            for (int i = 0; i < s.cpu().size(); i++)
            {
                series.append(i > 0 ? ", " : "").append(number(s.cpu().get(i)));
            }
            series.append("]}");
        }
        field(json, "series", series.append(report.series().isEmpty() ? "]" : "\n  ]").toString());

        if (!report.settlements().isEmpty())
        {
            field(json, "settled", Long.toString(report.settlements().size()));
            field(json, "unbalanced", Long.toString(report.unbalanced()));
            final StringBuilder settlements = new StringBuilder("[");
            for (final SettlementResult r : report.settlements())
            {
                settlements.append(settlements.length() > 1 ? ",\n    " : "\n    ").append("{\"terminal\": ").append(quote(r.sent().terminalId()))
                    .append(", \"code\": ").append(r.responseCode() == null ? "null" : quote(r.responseCode())).append(", \"balanced\": ")
                    .append(r.balanced()).append(", \"net\": ").append(r.sent().netAmount()).append(", \"switch_net\": ")
                    .append(r.switchFigures() == null ? "null" : Long.toString(r.switchFigures().netAmount())).append(", \"problem\": ")
                    .append(r.problem() == null ? "null" : quote(r.problem())).append('}');
            }
            field(json, "settlements", settlements.append("\n  ]").toString());
        }

        final StringBuilder warnings = new StringBuilder("[");
        for (final String warning : report.warnings())
        {
            warnings.append(warnings.length() > 1 ? ", " : "").append(quote(warning));
        }
        json.append("  \"warnings\": ").append(warnings.append(']')).append("\n}\n");
        return json.toString();
    }

    private static void field(final StringBuilder json, final String name, final String value)
    {
        json.append("  ").append(quote(name)).append(": ").append(value).append(",\n");
    }

    /** A number with at most one decimal; JSON has no NaN or infinity, so those are null. */
    static String number(final double value)
    {
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            return "null";
        }
        final double rounded = Math.round(value * 10) / 10.0;
        return rounded == Math.rint(rounded) ? Long.toString((long)rounded) : String.format(Locale.ROOT, "%.1f", rounded);
    }

    /** A JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7). */
    static String quote(final String text)
    {
        final StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
