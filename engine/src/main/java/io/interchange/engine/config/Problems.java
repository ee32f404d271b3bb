package io.interchange.engine.config;

import java.util.ArrayList;
import java.util.List;

import com.typesafe.config.ConfigOrigin;

/** Collects what is wrong, so that a file with five mistakes is fixed in one round, not five. */
final class Problems
{
    private static final String MERGE = "merge of ";

    private final List<String> lines = new ArrayList<>();

    void add(final ConfigOrigin origin, final String key, final String reason)
    {
        lines.add(where(origin) + ": " + key + ": " + reason);
    }

    /** A problem that belongs to no key, such as a syntax error; {@code line} is already formatted. */
    void add(final String line)
    {
        lines.add(line);
    }

    /** Problems so far: an element whose count moved while it was read is not built. */
    int count()
    {
        return lines.size();
    }

    void throwIfAny()
    {
        if (!lines.isEmpty())
        {
            throw new ConfigError(lines);
        }
    }

    /**
     * {@code file:line}, or just {@code file} when the line is not known. Typesafe Config describes an origin as
     * {@code "file: 12"}, and a value merged from several files as {@code "merge of switch.conf: 3,defaults: 1"};
     * the first of those is the file that won, the one to edit.
     */
    static String where(final ConfigOrigin origin)
    {
        String description = origin.description();
        if (description.startsWith(MERGE))
        {
            description = description.substring(MERGE.length());
            final int comma = description.indexOf(',');
            if (comma >= 0)
            {
                description = description.substring(0, comma);
            }
        }
        final int colon = description.lastIndexOf(": ");
        if (colon >= 0 && isNumber(description.substring(colon + 2)))
        {
            return description.substring(0, colon) + ":" + description.substring(colon + 2);
        }
        return description;
    }

    private static boolean isNumber(final String text)
    {
        return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
