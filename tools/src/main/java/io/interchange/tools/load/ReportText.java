package io.interchange.tools.load;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.interchange.codec.Mti;

/** report.txt: the run as a person reads it, in the order they ask about it. */
final class ReportText
{
    /** What each field 39 value means (DESIGN.md §4, and the issuer simulator's own codes). */
    static final Map<String, String> MEANINGS = Map.ofEntries(
        Map.entry("00", "approved"),
        Map.entry("03", "invalid merchant"),
        Map.entry("05", "do not honour"),
        Map.entry("12", "invalid transaction"),
        Map.entry("13", "invalid amount"),
        Map.entry("14", "invalid card number"),
        Map.entry("15", "no such issuer"),
        Map.entry("25", "original not found"),
        Map.entry("30", "format error"),
        Map.entry("41", "lost card"),
        Map.entry("43", "stolen card"),
        Map.entry("51", "insufficient funds"),
        Map.entry("54", "expired card"),
        Map.entry("55", "incorrect PIN"),
        Map.entry("57", "not permitted to cardholder"),
        Map.entry("58", "not permitted to terminal"),
        Map.entry("59", "suspected fraud"),
        Map.entry("61", "exceeds amount limit"),
        Map.entry("65", "exceeds frequency limit"),
        Map.entry("68", "response too late"),
        Map.entry("75", "PIN tries exceeded"),
        Map.entry("91", "issuer or switch inoperative"),
        Map.entry("94", "duplicate"),
        Map.entry("95", "reconcile error"),
        Map.entry("96", "system malfunction"),
        Map.entry("A0", "MAC failure"));

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private ReportText()
    {
    }

    private static StringBuilder head(final LoadReport report)
    {
        final StringBuilder out = new StringBuilder(8_192);
        final LoadOptions o = report.options();
        line(out, "Interchange load run, %s", WHEN.format(report.started()));
        line(out, "  switch      %s:%d, %s messages behind a %s length", o.host(), o.port(), o.dialect().name(), o.framing().lengthHeader());
        line(out, "  load        %s", load(o));
        line(out, "              %d connections (%d event loops), %d terminals, mix %s", o.connections(), o.eventLoops(), o.terminals(), o.mix());
        line(out, "  cards       %,d from seed %d under %s", o.cards(), o.seed(), String.join(", ", o.bins()));
        line(out, "  time        %s warm-up, %s measured, %s time-out", seconds(o.warmup().toMillis()), seconds(report.measured().toMillis()),
            seconds(o.timeout().toMillis()));
        out.append('\n');
        line(out, "Result: %s", report.verdict());
        out.append('\n');
        line(out, "Throughput  %,.1f requests/s (%,d answers to the %,d requests due in the measured %s)", report.tps(), report.measuredAnswered(),
            report.measuredSent(), seconds(report.measured().toMillis()));
        line(out, "Latency     from when each request was due, measured part:");
        line(out, "            p50 %s, p90 %s, p99 %s, p99.9 %s, p99.99 %s, max %s", LoadReport.micros(report.latencyMicros(50)),
            LoadReport.micros(report.latencyMicros(90)), LoadReport.micros(report.latencyMicros(99)), LoadReport.micros(report.latencyMicros(99.9)),
            LoadReport.micros(report.latencyMicros(99.99)), LoadReport.micros(report.maxMicros()));
        if (o.mode() == LoadMode.OPEN && report.sendLag().getTotalCount() > 0)
        {
            line(out, "Send lag    how late requests went after they were due (the generator's own delay, inside the latency above):");
            line(out, "            p50 %s, p99 %s, max %s", LoadReport.micros(report.sendLag().getValueAtPercentile(50) / 1e3),
                LoadReport.micros(report.sendLag().getValueAtPercentile(99) / 1e3), LoadReport.micros(report.sendLag().getMaxValue() / 1e3));
            line(out, "Round trip  from when each request went (the latency less the send lag: switch, issuer, sockets and both ends' loops):");
            line(out, "            p50 %s, p90 %s, p99 %s, p99.9 %s, max %s", LoadReport.micros(report.roundTripMicros(50)),
                LoadReport.micros(report.roundTripMicros(90)), LoadReport.micros(report.roundTripMicros(99)), LoadReport.micros(report.roundTripMicros(99.9)),
                LoadReport.micros(report.roundTripMicros(100)));
        }
        line(out, "Requests    %,d sent (warm-up included), %,d answered, %,d mismatches, %,d lost (no answer in %s)", report.sent(), report.answered(),
            report.mismatches(), report.timeouts(), seconds(o.timeout().toMillis()));
        line(out, "Errors      %,d: %,d answers to no waiting request, %,d frames that do not read, %,d connections lost", report.errors(),
            report.unexpected(), report.undecodable(), report.linkErrors());
        if (!report.settlements().isEmpty())
        {
            line(out, "Settlement  %,d terminal ids settled their batch (0500): %,d in balance, %,d not", report.settlements().size(),
                report.settlements().size() - report.unbalanced(), report.unbalanced());
        }

        out.append('\n');
        line(out, "Answers by response code (field 39)");
        for (final Map.Entry<String, Long> code : report.codes().entrySet())
        {
            line(out, "  %s  %,12d  %s", code.getKey(), code.getValue(), MEANINGS.getOrDefault(code.getKey(), ""));
        }
        return out;
    }

    /** The head of the report: the run, the verdict, throughput, latency, what went wrong, and the response codes. */
    static String summary(final LoadReport report)
    {
        final StringBuilder out = head(report);
        list(out, "Warnings", report.warnings());
        return out.toString();
    }

    static String render(final LoadReport report)
    {
        final StringBuilder out = head(report);
        final LoadOptions o = report.options();

        out.append('\n');
        line(out, "Cases                             expects       sent   as expected  otherwise       lost");
        for (final LoadReport.CaseResult c : report.cases())
        {
            if (c.sent() == 0 && o.mix().weight(c.transactionCase().share()) == 0)
            {
                continue;
            }
            line(out, "  %-30s %s %s %,10d %,13d %,10d %,10d", c.transactionCase().label(), Mti.toString(c.transactionCase().responseMti()),
                c.transactionCase().expectedCode(), c.sent(), c.asExpected(), c.otherwise(), c.lost());
        }

        out.append('\n');
        line(out, "CPU in the measured part                        seconds    cores");
        for (final LoadReport.CpuUse use : report.cpu())
        {
            line(out, "  %-40s %12s %8s", use.name() + " (pid " + use.pid() + ")", use.seconds() < 0 ? "?" : String.format(Locale.ROOT, "%.2f", use.seconds()),
                use.seconds() < 0 ? "?" : String.format(Locale.ROOT, "%.2f", use.cores()));
        }

        out.append('\n');
        line(out, "Batch totals by terminal id (what a batch settlement, 0500, would send)");
        line(out, "  terminal  merchant          debits      amount  credits      amount  reversals      amount           net");
        for (final TerminalBatch b : report.batches())
        {
            line(out, "  %-9s %-15s %8d %11s %8d %11s %10d %11s %13s", b.terminalId(), b.merchantId(), b.debitCount(), money(b.debitAmount()),
                b.creditCount(), money(b.creditAmount()), b.debitReversalCount() + b.creditReversalCount(),
                money(b.debitReversalAmount() + b.creditReversalAmount()), money(b.netAmount()));
        }

        if (!report.settlements().isEmpty())
        {
            out.append('\n');
            line(out, "Batch settlement by terminal id (0500 sent with the totals above; 00 in balance, 95 not)");
            line(out, "  terminal  answer  result");
            for (final SettlementResult s : report.settlements())
            {
                line(out, "  %-9s %-6s  %s", s.sent().terminalId(), s.responseCode() == null ? "-" : s.responseCode(), settlement(s));
            }
        }

        out.append('\n');
        line(out, "Per second (t = seconds since the first request was due; latency in microseconds)");
        line(out, "      t  phase         tps        p50        p90        p99      p99.9        max  cores (this process%s)",
            o.watchPids().isEmpty() ? "" : ", then pids " + o.watchPids());
        for (final LoadReport.Second s : report.series())
        {
            final StringBuilder cores = new StringBuilder();
            for (final double c : s.cpu())
            {
                cores.append(c < 0 ? "     ?" : String.format(Locale.ROOT, " %5.2f", c));
            }
            line(out, "  %5.1f  %-7s %9s %10.0f %10.0f %10.0f %10.0f %10.0f %s%s", s.at(), s.phase().label(),
                s.tps() < 0 ? "-" : String.format(Locale.ROOT, "%,d", Math.round(s.tps())), s.p50(), s.p90(), s.p99(), s.p999(), s.max(), cores,
                s.length() < 0.95 ? String.format(Locale.ROOT, "  (%,d answers in %.2f s)", s.answers(), s.length()) : "");
        }

        list(out, "Mismatches, lost requests and errors (the first of each connection)", report.samples());
        list(out, "Warnings", report.warnings());
        return out.toString();
    }

    private static String load(final LoadOptions o)
    {
        return o.mode() == LoadMode.OPEN ?
            String.format(Locale.ROOT, "open loop at %,d requests/s (latency from each request's due time)", o.rate()) :
            String.format(Locale.ROOT, "closed loop, %d in flight per connection", o.window());
    }

    private static void list(final StringBuilder out, final String title, final List<String> lines)
    {
        if (lines.isEmpty())
        {
            return;
        }
        out.append('\n');
        line(out, "%s", title);
        for (final String l : lines)
        {
            line(out, "  %s", l);
        }
    }

    static String seconds(final long millis)
    {
        return millis % 1_000 == 0 ? millis / 1_000 + " s" : String.format(Locale.ROOT, "%.3f s", millis / 1e3);
    }

    /** Minor units as major with two decimals: the demo's currencies all have two. */
    static String money(final long minor)
    {
        return String.format(Locale.ROOT, "%s%d.%02d", minor < 0 ? "-" : "", Math.abs(minor) / 100, Math.abs(minor) % 100);
    }

    private static void line(final StringBuilder out, final String format, final Object... args)
    {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    /** One settlement's result in words: in balance, or where the switch's figures part from the terminals'. */
    static String settlement(final SettlementResult s)
    {
        if (s.balanced())
        {
            return "in balance";
        }
        if (s.problem() != null)
        {
            return s.problem();
        }
        final TerminalBatch ours = s.sent();
        final TerminalBatch theirs = s.switchFigures();
        if (theirs == null)
        {
            return "out of balance";
        }
        return String.format(Locale.ROOT, "out of balance: the switch has debits %d/%s credits %d/%s reversals %d/%s net %s",
            theirs.debitCount(), money(theirs.debitAmount()), theirs.creditCount(), money(theirs.creditAmount()),
            theirs.debitReversalCount() + theirs.creditReversalCount(), money(theirs.debitReversalAmount() + theirs.creditReversalAmount()),
            money(theirs.netAmount()))
            + (ours.netAmount() == theirs.netAmount() ? "" : " (net differs by " + money(ours.netAmount() - theirs.netAmount()) + ")");
    }
}
