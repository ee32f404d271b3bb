package io.interchange.tools.journal;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import io.interchange.codec.MessageReader;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.iso.MessageDump;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code interchange journal cat}: one line per record, {@code name=value} pairs, empty ones left out, so that grep
 * and cut work on it:
 * <pre>
 * seq=42 time=2026-03-10T14:00:00.123456789Z event=ACQUIRER_MESSAGE link=3 endpoint=pos-iso87 mti=0200 out=0200
 *   pan=476173******0119 pc=000000 amount=000000001000 currency=840 stan=000007 terminal=TERM0001 merchant=MERCHANT0000001
 *   rc=00 outcome=FORWARDED issuer=issuer-a
 * </pre>
 * (one line in the output). {@code --messages} adds each message under its record, as {@code interchange iso decode}
 * prints it, from what the journal keeps: the PAN shown masked, the fields the journal never holds absent.
 */
@Command(name = "cat", description = "Print the journal's records, decoded, PANs masked.")
public final class CatCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Mixin
    private JournalSource source;

    @Mixin
    private RecordFilter filter;

    @Option(names = "--messages", description = "Also print every message of each record, field by field.")
    private boolean messages;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final SwitchConfig config = source.config();
        final RecordDecoder decoder = new RecordDecoder(config, source.journalConfig().dialects());
        final long[] printed = new long[1];
        final Records.Scan scan = Records.scan(source, filter, (record, view) ->
        {
            printed[0]++;
            out.println(line(view));
            if (messages && !view.corrupt())
            {
                printMessages(record, view, decoder, out);
            }
        });
        out.flush();
        if (printed[0] == 0)
        {
            // Said on stderr, so that a script reading stdout still gets nothing; not an error: exit 0.
            spec.commandLine().getErr().printf("no record matched (%,d read)%n", scan.read());
        }
        return Records.exitCode(spec, scan);
    }

    /** The record's line, as {@code cat} prints it. */
    static String line(final RecordView view)
    {
        final StringBuilder sb = new StringBuilder(200);
        sb.append("seq=").append(view.sequence()).append(" time=").append(view.time());
        if (view.corrupt())
        {
            return sb.append(" CORRUPT record 0x").append(Long.toHexString(view.index())).append(": its checksum does not hold").toString();
        }
        sb.append(" event=").append(view.event()).append(" link=").append(view.link());
        pair(sb, "endpoint", view.endpoint());
        pair(sb, "mti", view.mti());
        pair(sb, "out", String.join(",", view.outputs()));
        pair(sb, "pan", view.pan());
        pair(sb, "pc", view.processingCode());
        pair(sb, "amount", view.amount());
        pair(sb, "currency", view.currency());
        pair(sb, "stan", view.stan());
        pair(sb, "rrn", view.rrn());
        pair(sb, "auth", view.authCode());
        pair(sb, "terminal", view.terminal());
        pair(sb, "merchant", view.merchant());
        pair(sb, "rc", view.responseCode());
        pair(sb, "outcome", view.outcome());
        pair(sb, "issuer", view.issuer());
        return sb.toString();
    }

    private static void pair(final StringBuilder sb, final String name, final String value)
    {
        if (!value.isEmpty())
        {
            sb.append(' ').append(name).append('=').append(value);
        }
    }

    private static void printMessages(final JournalRecord record, final RecordView view, final RecordDecoder decoder, final PrintWriter out)
    {
        final List<Integer> parts = new java.util.ArrayList<>();
        if (record.hasInput())
        {
            parts.add(JournalRecord.INPUT);
        }
        for (int i = 0; i < record.outputCount(); i++)
        {
            parts.add(JournalRecord.output(i));
        }
        for (final int part : parts)
        {
            final String name = part == JournalRecord.INPUT ? "input" : "output " + (part - 1);
            if (record.isWithheld(part))
            {
                out.println("  " + name + ", link " + record.linkId(part) + ": " + (record.withheld(part).messageLength() == 0 ? "" : "withheld, ") +
                    record.withheld(part));
                continue;
            }
            out.println("  " + name + ", link " + record.linkId(part) + (record.hasPan(part) ?
                ", PAN " + (record.isPanFromTrack(part) ? "(from track 2) " : "") + "sealed in the journal" : ""));
            final MessageReader reader = decoder.read(record, part);
            if (reader != null)
            {
                MessageDump.print(reader, out);
            }
        }
        if (!view.pan().isEmpty())
        {
            MessageDump.printLine(out, "  PAN", view.pan());
        }
    }
}
