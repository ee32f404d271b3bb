package io.interchange.tools.journal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;

import io.interchange.tools.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code interchange journal export --format csv|json}: the records {@code cat} shows, as data. Deterministic: the
 * journal's order, the columns of {@link RecordView#COLUMNS}, times in UTC ISO-8601, every value a string, "\n" line
 * ends and UTF-8 whatever the platform, so the same journal exports to the same bytes. PANs are masked.
 *
 * <p>CSV follows RFC 4180 (a value with a comma, quote or line break is quoted, quotes doubled); JSON is one array
 * with an object per record, one record a line.
 */
@Command(name = "export", description = "Write the journal's records as CSV or JSON, PANs masked.")
public final class ExportCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Mixin
    private JournalSource source;

    @Mixin
    private RecordFilter filter;

    @Option(names = "--format", paramLabel = "csv|json", description = "Output format (default: ${DEFAULT-VALUE}).", defaultValue = "csv")
    private String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to this file instead of standard output.")
    private Path outFile;

    @Override
    public Integer call() throws IOException
    {
        final boolean json = switch (format)
        {
            case "csv" -> false;
            case "json" -> true;
            default -> throw new InputException("--format " + format + ": csv or json");
        };
        if (outFile == null)
        {
            final PrintWriter out = spec.commandLine().getOut();
            final Records.Scan scan = write(out, json);
            out.flush();
            return Records.exitCode(spec, scan);
        }
        final Path target = outFile.toAbsolutePath();
        if (Files.isDirectory(target))
        {
            throw new InputException("--out " + outFile + " is a directory: name the file to write");
        }
        if (!Files.isDirectory(target.getParent()))
        {
            throw new InputException("--out " + outFile + ": the directory " + target.getParent() + " does not exist");
        }
        // Written beside the file and moved over it once whole: an export that stops (no journal, a PAN that does not
        // decrypt, a full disk) leaves no half file behind, and the last one as it was.
        final Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try
        {
            final Records.Scan scan;
            try (BufferedWriter file = Files.newBufferedWriter(partial, StandardCharsets.UTF_8); PrintWriter out = new PrintWriter(file))
            {
                scan = write(out, json);
                // A PrintWriter keeps its write errors to itself until asked.
                if (out.checkError())
                {
                    throw new IOException("the write failed (is the disk full?)");
                }
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return Records.exitCode(spec, scan);
        }
        catch (final IOException ex)
        {
            throw new InputException("cannot write " + outFile + ": " + InputException.reason(ex));
        }
        finally
        {
            Files.deleteIfExists(partial);
        }
    }

    private Records.Scan write(final PrintWriter out, final boolean json)
    {
        final boolean[] first = {true};
        out.print(json ? "[" : csvLine(RecordView.COLUMNS) + "\n");
        final Records.Scan scan = Records.scan(source, filter, (record, view) ->
        {
            if (json)
            {
                out.print(first[0] ? "\n" : ",\n");
                out.print(jsonObject(view.values()));
            }
            else
            {
                out.print(csvLine(view.values()));
                out.print('\n');
            }
            first[0] = false;
        });
        if (json)
        {
            out.print(first[0] ? "]\n" : "\n]\n");
        }
        return scan;
    }

    static String csvLine(final List<String> values)
    {
        final StringBuilder sb = new StringBuilder(256);
        for (int i = 0; i < values.size(); i++)
        {
            final String value = values.get(i);
            if (i > 0)
            {
                sb.append(',');
            }
            if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)
            {
                sb.append('"').append(value.replace("\"", "\"\"")).append('"');
            }
            else
            {
                sb.append(value);
            }
        }
        return sb.toString();
    }

    static String jsonObject(final List<String> values)
    {
        final StringBuilder sb = new StringBuilder(512).append('{');
        for (int i = 0; i < values.size(); i++)
        {
            if (i > 0)
            {
                sb.append(", ");
            }
            jsonString(sb, RecordView.COLUMNS.get(i)).append(": ");
            jsonString(sb, values.get(i));
        }
        return sb.append('}').toString();
    }

    private static StringBuilder jsonString(final StringBuilder sb, final String value)
    {
        sb.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                sb.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                sb.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.append('"');
    }
}
