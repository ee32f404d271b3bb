package io.interchange.tools.iso;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The field lines of a decode's output, parsed back, so tests assert on values rather than on spacing. */
record Dump(Map<Integer, Line> fields, Map<String, String> headers)
{
    private static final Pattern FIELD = Pattern.compile("^ *(\\d+)  (.*?) +([a-z+]+ \\.{0,4}\\d+) +(\\d+)  (.*)$");
    private static final Pattern HEADER = Pattern.compile("^([A-Za-z]+) +(.*)$");

    record Line(int field, String name, String format, int length, String value)
    {
    }

    static Dump parse(final String out)
    {
        final Map<Integer, Line> fields = new TreeMap<>();
        final Map<String, String> headers = new TreeMap<>();
        for (final String line : out.lines().toList())
        {
            final Matcher field = FIELD.matcher(line);
            if (field.matches())
            {
                final int f = Integer.parseInt(field.group(1));
                fields.put(f, new Line(f, field.group(2), field.group(3), Integer.parseInt(field.group(4)), field.group(5)));
                continue;
            }
            final Matcher header = HEADER.matcher(line);
            assertTrue(header.matches(), () -> "unexpected line: '" + line + "'");
            // A second "bitmap" line is the secondary bitmap.
            headers.merge(header.group(1), header.group(2).strip(), (a, b) -> a + " | " + b);
        }
        return new Dump(fields, headers);
    }

    String value(final int field)
    {
        final Line line = fields.get(field);
        assertTrue(line != null, () -> "no field " + field + " in " + fields);
        return line.value();
    }

    String header(final String label)
    {
        final String text = headers.get(label);
        assertTrue(text != null, () -> "no " + label + " line in " + headers);
        return text;
    }
}
