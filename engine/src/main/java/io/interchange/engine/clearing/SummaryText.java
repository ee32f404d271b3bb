package io.interchange.engine.clearing;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.interchange.engine.clearing.ClearingExceptionItem.Kind;

/**
 * The settlement report a merchant and an operator read or print: summary.txt (fixed-width, for a terminal or a
 * printer) and summary.html (one self-contained page, printable, no script). Amounts in major units with their
 * currency; the CSV files hold the minor units.
 */
final class SummaryText
{
    private SummaryText()
    {
    }

    /** The report's tables, built once for both forms. */
    private record Table(String title, List<String> header, List<List<String>> rows, boolean[] numeric)
    {
    }

    private static List<Table> tables(final DayReader.Day day, final Settlement.Result settlement)
    {
        final List<Table> tables = new ArrayList<>();

        final List<List<String>> states = new ArrayList<>();
        final Map<TransactionState, Integer> counts = new TreeMap<>();
        final DayTransactions transactions = day.transactions();
        for (int row = 0; row < transactions.size(); row++)
        {
            counts.merge(transactions.state(row), 1, Integer::sum);
        }
        for (final TransactionState state : TransactionState.values())
        {
            states.add(List.of(state.label(), String.valueOf(counts.getOrDefault(state, 0))));
        }
        states.add(List.of("total", String.valueOf(day.transactions().size())));
        tables.add(new Table("Transactions by state", List.of("state", "count"), states, new boolean[] {false, true}));

        final Map<String, long[]> byCurrency = new TreeMap<>();
        for (final Settlement.MerchantLine m : settlement.merchants())
        {
            final long[] t = byCurrency.computeIfAbsent(m.currency(), c -> new long[5]);
            t[0] = Math.addExact(t[0], m.count());
            t[1] = Math.addExact(t[1], m.grossSales());
            t[2] = Math.addExact(t[2], m.refunds());
            t[3] = Math.addExact(t[3], m.fee());
            t[4] = Math.addExact(t[4], m.netPayable());
        }
        final List<List<String>> totals = new ArrayList<>();
        for (final Map.Entry<String, long[]> e : byCurrency.entrySet())
        {
            final long[] t = e.getValue();
            final String c = e.getKey();
            totals.add(List.of(Money.format(0, c).substring(Money.format(0, c).indexOf(' ') + 1), String.valueOf(t[0]), Money.format(t[1], c),
                Money.format(t[2], c), Money.format(t[3], c), Money.format(t[4], c)));
        }
        tables.add(new Table("Totals", List.of("currency", "settled", "gross sales", "refunds", "fees", "net payable"), totals,
            new boolean[] {false, true, true, true, true, true}));

        final List<List<String>> merchants = new ArrayList<>();
        for (final Settlement.MerchantLine m : settlement.merchants())
        {
            final String c = m.currency();
            merchants.add(List.of(m.merchant(), m.name(), m.mcc() + " " + m.group(), String.valueOf(m.count()), Money.format(m.grossSales(), c),
                Money.format(m.refunds(), c), Money.format(m.reversed(), c), bps(m.bps()), Money.format(m.fee(), c), Money.format(m.netPayable(), c),
                m.account(), m.valueDate().toString()));
        }
        tables.add(new Table("Merchants", List.of("merchant", "name", "mcc", "count", "gross sales", "refunds", "reversed", "rate", "fee",
            "net payable", "account", "value date"), merchants, new boolean[] {false, false, false, true, true, true, true, true, true, true, false, false}));

        final List<List<String>> positions = new ArrayList<>();
        final Map<String, Long> sums = new TreeMap<>();
        for (final Settlement.Position p : settlement.positions())
        {
            final String c = p.currency();
            positions.add(List.of(p.role(), p.institution() + (p.institutionId().isEmpty() ? "" : " (" + p.institutionId() + ")"),
                Money.format(p.debits(), c), Money.format(p.credits(), c), Money.format(p.interchange(), c), Money.format(p.switchFees(), c),
                Money.format(p.net(), c)));
            sums.merge(c, p.net(), Math::addExact);
        }
        for (final Map.Entry<String, Long> sum : sums.entrySet())
        {
            positions.add(List.of("sum", "", "", "", "", "", Money.format(sum.getValue(), sum.getKey())));
        }
        tables.add(new Table("Institution positions (net positions sum to zero)", List.of("role", "institution", "debits", "credits",
            "interchange", "switch fees", "net position"), positions, new boolean[] {false, false, true, true, true, true, true}));

        final List<List<String>> exceptions = new ArrayList<>();
        for (final Map.Entry<Kind, Integer> e : ClearingFiles.exceptionCounts(day).entrySet())
        {
            exceptions.add(List.of(e.getKey().label(), String.valueOf(e.getValue())));
        }
        exceptions.add(List.of("total", String.valueOf(day.exceptions().size())));
        tables.add(new Table("Exceptions (details in exceptions.csv)", List.of("kind", "count"), exceptions, new boolean[] {false, true}));
        return tables;
    }

    private static String bps(final int bps)
    {
        return String.format(Locale.ROOT, "%d.%02d%%", bps / 100, bps % 100);
    }

    private static String title(final DayReader.Day day, final LocalDate valueDate)
    {
        return "Interchange settlement report, business day " + day.date() + ", value date " + valueDate;
    }

    static String text(final DayReader.Day day, final LocalDate valueDate, final Settlement.Result settlement)
    {
        final StringBuilder sb = new StringBuilder(title(day, valueDate)).append('\n');
        sb.append("Journal records read: ").append(day.records()).append('\n');
        for (final Table table : tables(day, settlement))
        {
            sb.append('\n').append(table.title()).append('\n');
            final int[] widths = new int[table.header().size()];
            for (int i = 0; i < widths.length; i++)
            {
                widths[i] = table.header().get(i).length();
                for (final List<String> row : table.rows())
                {
                    widths[i] = Math.max(widths[i], row.get(i).length());
                }
            }
            line(sb, table.header(), widths, table.numeric());
            for (final List<String> row : table.rows())
            {
                line(sb, row, widths, table.numeric());
            }
        }
        return sb.toString();
    }

    private static void line(final StringBuilder sb, final List<String> cells, final int[] widths, final boolean[] numeric)
    {
        final StringBuilder line = new StringBuilder("  ");
        for (int i = 0; i < cells.size(); i++)
        {
            final String cell = cells.get(i);
            final String pad = " ".repeat(widths[i] - cell.length());
            line.append(i > 0 ? "  " : "").append(numeric[i] ? pad + cell : cell + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    static String html(final DayReader.Day day, final LocalDate valueDate, final Settlement.Result settlement)
    {
        final StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .append(escape(title(day, valueDate))).append("</title>\n<style>\n")
            .append("body { font-family: sans-serif; margin: 2em; }\n")
            .append("table { border-collapse: collapse; margin-bottom: 1.5em; }\n")
            .append("th, td { border: 1px solid #999; padding: 0.2em 0.6em; }\n")
            .append("th { background: #eee; text-align: left; }\n")
            .append("td.n { text-align: right; font-variant-numeric: tabular-nums; }\n")
            .append("@media print { body { margin: 0; } }\n")
            .append("</style>\n</head>\n<body>\n<h1>").append(escape(title(day, valueDate))).append("</h1>\n")
            .append("<p>Journal records read: ").append(day.records()).append("</p>\n");
        for (final Table table : tables(day, settlement))
        {
            sb.append("<h2>").append(escape(table.title())).append("</h2>\n<table>\n<tr>");
            for (final String h : table.header())
            {
                sb.append("<th>").append(escape(h)).append("</th>");
            }
            sb.append("</tr>\n");
            for (final List<String> row : table.rows())
            {
                sb.append("<tr>");
                for (int i = 0; i < row.size(); i++)
                {
                    sb.append(table.numeric()[i] ? "<td class=\"n\">" : "<td>").append(escape(row.get(i))).append("</td>");
                }
                sb.append("</tr>\n");
            }
            sb.append("</table>\n");
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
