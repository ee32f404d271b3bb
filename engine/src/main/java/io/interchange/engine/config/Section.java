package io.interchange.engine.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;

/**
 * One object of the file as the reader walks it. Every read names a key, so once the reader is done with the object
 * the keys it did not read are exactly the ones the schema does not know: {@link #finish()} reports them. A value
 * that is missing or wrong is reported to {@link Problems} and read as null (or 0, false), and reading goes on.
 */
final class Section
{
    private static final String VALUE = "v";

    private final Problems problems;
    private final ConfigObject object;
    private final String path;
    private final Set<String> known = new LinkedHashSet<>();

    Section(final Problems problems, final ConfigObject object, final String path)
    {
        this.problems = problems;
        this.object = object;
        this.path = path;
    }

    /** The key as written in messages, e.g. {@code listeners[1].port}. */
    String key(final String name)
    {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Where {@code name} is set or, when it is not, where this object is. */
    ConfigOrigin origin(final String name)
    {
        final ConfigValue value = object.get(name);
        return value == null ? object.origin() : value.origin();
    }

    /** Where this object is. */
    ConfigOrigin origin()
    {
        return object.origin();
    }

    String path()
    {
        return path;
    }

    /** A mandatory string; numbers are taken as written, so {@code acquirer-id = 00012} keeps its zeros. */
    String string(final String name)
    {
        final ConfigValue value = value(name, true);
        return value == null ? null : string(value, key(name));
    }

    /** A string that may be absent (null). */
    String optionalString(final String name)
    {
        final ConfigValue value = value(name, false);
        return value == null ? null : string(value, key(name));
    }

    /** A mandatory string turned into a {@code T} by {@code parser}, whose IllegalArgumentException says what is wrong. */
    <T> T parsed(final String name, final Function<String, T> parser)
    {
        final ConfigValue value = value(name, true);
        return value == null ? null : parsed(value, key(name), parser);
    }

    /** As {@link #parsed}, or null when absent. */
    <T> T optionalParsed(final String name, final Function<String, T> parser)
    {
        final ConfigValue value = value(name, false);
        return value == null ? null : parsed(value, key(name), parser);
    }

    /** A mandatory list of strings, each turned into a {@code T}; the failures are left out. */
    <T> List<T> parsedList(final String name, final Function<String, T> parser)
    {
        final List<T> result = new ArrayList<>();
        final ConfigList list = list(name);
        for (int i = 0; i < list.size(); i++)
        {
            final T item = parsed(list.get(i), key(name) + "[" + i + "]", parser);
            if (item != null)
            {
                result.add(item);
            }
        }
        return result;
    }

    long number(final String name, final long min, final long max)
    {
        final ConfigValue value = value(name, true);
        return value == null ? 0 : number(value, key(name), min, max);
    }

    int integer(final String name, final int min, final int max)
    {
        return (int) number(name, min, max);
    }

    /** As {@link #integer}, or {@code absent} when the key is not there. */
    int optionalInteger(final String name, final int min, final int max, final int absent)
    {
        final ConfigValue value = value(name, false);
        return value == null ? absent : (int) number(value, key(name), min, max);
    }

    /** A mandatory list of whole numbers in {@code min..max}; the failures are left out. */
    List<Integer> integers(final String name, final int min, final int max)
    {
        final List<Integer> result = new ArrayList<>();
        final ConfigList list = list(name);
        for (int i = 0; i < list.size(); i++)
        {
            final int before = problems.count();
            final long number = number(list.get(i), key(name) + "[" + i + "]", min, max);
            if (problems.count() == before)
            {
                result.add((int) number);
            }
        }
        return result;
    }

    /** As {@link #bool}, or {@code absent} when the key is not there. */
    boolean optionalBool(final String name, final boolean absent)
    {
        return value(name, false) == null ? absent : bool(name);
    }

    boolean bool(final String name)
    {
        final ConfigValue value = value(name, true);
        if (value == null)
        {
            return false;
        }
        try
        {
            return value.atKey(VALUE).getBoolean(VALUE);
        }
        catch (final ConfigException e)
        {
            problems.add(value.origin(), key(name), "expected true or false, got " + describe(value));
            return false;
        }
    }

    /** A duration in {@code min..max}: HOCON's {@code 10ms}, {@code 5s}, {@code 2m}, {@code 24h}; a bare number is milliseconds. */
    Duration duration(final String name, final Duration min, final Duration max)
    {
        final ConfigValue value = value(name, true);
        if (value == null)
        {
            return null;
        }
        final Duration duration;
        try
        {
            duration = value.atKey(VALUE).getDuration(VALUE);
        }
        catch (final ConfigException e)
        {
            problems.add(value.origin(), key(name), "expected a duration such as 250ms, 5s, 2m or 24h, got " + describe(value));
            return null;
        }
        if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0)
        {
            problems.add(value.origin(), key(name), "must be " + Text.duration(min) + ".." + Text.duration(max) + ", got " + Text.duration(duration));
            return null;
        }
        return duration;
    }

    /** One of an enum's constants, written lower-case with hyphens: {@code msync-per-batch} for MSYNC_PER_BATCH. */
    <E extends Enum<E>> E choice(final String name, final Class<E> type)
    {
        final List<String> names = new ArrayList<>();
        for (final E constant : type.getEnumConstants())
        {
            names.add(Text.configName(constant));
        }
        return parsed(name, text ->
        {
            final int index = names.indexOf(text);
            if (index < 0)
            {
                throw new IllegalArgumentException("must be one of " + String.join(", ", names) + ", got '" + text + "'");
            }
            return type.getEnumConstants()[index];
        });
    }

    /** As {@link #choice}, or {@code absent} when the key is not there. */
    <E extends Enum<E>> E optionalChoice(final String name, final Class<E> type, final E absent)
    {
        final ConfigValue value = value(name, false);
        return value == null ? absent : choice(name, type);
    }

    /** A mandatory object, read by {@code reader}; null when it is missing or not an object (and reported). */
    <T> T section(final String name, final Function<Section, T> reader)
    {
        final ConfigValue value = value(name, true);
        if (value == null)
        {
            return null;
        }
        if (value.valueType() != ConfigValueType.OBJECT)
        {
            problems.add(value.origin(), key(name), "expected an object { ... }, got " + describe(value));
            return null;
        }
        return reader.apply(new Section(problems, (ConfigObject) value, key(name)));
    }

    /** Whether the key is there. */
    boolean has(final String name)
    {
        return value(name, false) != null;
    }

    /** As {@link #section}, or null when the key is not there. */
    <T> T optionalSection(final String name, final Function<Section, T> reader)
    {
        return value(name, false) == null ? null : section(name, reader);
    }

    /** A mandatory list of objects; elements that are not objects are reported and left out. */
    List<Section> sections(final String name)
    {
        final List<Section> result = new ArrayList<>();
        final ConfigList list = list(name);
        for (int i = 0; i < list.size(); i++)
        {
            final ConfigValue element = list.get(i);
            final String key = key(name) + "[" + i + "]";
            if (element.valueType() == ConfigValueType.OBJECT)
            {
                result.add(new Section(problems, (ConfigObject) element, key));
            }
            else
            {
                problems.add(element.origin(), key, "expected an object { ... }, got " + describe(element));
            }
        }
        return result;
    }

    /** Reports every key of this object that nothing read: a typo, or a setting this version does not have. */
    void finish()
    {
        for (final String name : object.keySet())
        {
            if (!known.contains(name))
            {
                problems.add(object.get(name).origin(), key(name), unknown(name, known));
            }
        }
    }

    /** The reason for an unknown key: the nearest known name when it looks like a typo, else all of them. */
    static String unknown(final String name, final Set<String> known)
    {
        String nearest = null;
        int best = Integer.MAX_VALUE;
        for (final String candidate : known)
        {
            final int distance = Text.editDistance(name.toLowerCase(Locale.ROOT), candidate);
            if (distance < best)
            {
                best = distance;
                nearest = candidate;
            }
        }
        if (nearest != null && best <= Math.max(2, name.length() / 4))
        {
            return "unknown key; did you mean " + nearest + "?";
        }
        return "unknown key; known here: " + String.join(", ", known);
    }

    private ConfigValue value(final String name, final boolean required)
    {
        known.add(name);
        final ConfigValue value = object.get(name);
        if (value == null || value.valueType() == ConfigValueType.NULL)
        {
            if (required)
            {
                problems.add(value == null ? object.origin() : value.origin(), key(name), "missing");
            }
            return null;
        }
        return value;
    }

    private ConfigList list(final String name)
    {
        final ConfigValue value = value(name, true);
        if (value != null && value.valueType() != ConfigValueType.LIST)
        {
            problems.add(value.origin(), key(name), "expected a list [ ... ], got " + describe(value));
        }
        if (value == null || value.valueType() != ConfigValueType.LIST)
        {
            return ConfigValueFactory.fromIterable(List.of());
        }
        return (ConfigList) value;
    }

    private String string(final ConfigValue value, final String key)
    {
        if (value.valueType() != ConfigValueType.STRING && value.valueType() != ConfigValueType.NUMBER)
        {
            problems.add(value.origin(), key, "expected a string, got " + describe(value));
            return null;
        }
        return value.atKey(VALUE).getString(VALUE);
    }

    private <T> T parsed(final ConfigValue value, final String key, final Function<String, T> parser)
    {
        final String text = string(value, key);
        if (text == null)
        {
            return null;
        }
        try
        {
            return parser.apply(text);
        }
        catch (final IllegalArgumentException e)
        {
            problems.add(value.origin(), key, e.getMessage());
            return null;
        }
    }

    private long number(final ConfigValue value, final String key, final long min, final long max)
    {
        final long number;
        if (value.valueType() == ConfigValueType.NUMBER && (value.unwrapped() instanceof Integer || value.unwrapped() instanceof Long))
        {
            number = ((Number) value.unwrapped()).longValue();
        }
        else if (value.valueType() == ConfigValueType.STRING && Text.isWholeNumber((String) value.unwrapped()))
        {
            // A substitution from the environment, ${?PORT}, is always a string.
            number = Long.parseLong((String) value.unwrapped());
        }
        else
        {
            problems.add(value.origin(), key, "expected a whole number, got " + describe(value));
            return 0;
        }
        if (number < min || number > max)
        {
            problems.add(value.origin(), key, "must be " + Text.range(min, max) + ", got " + number);
            return 0;
        }
        return number;
    }

    private static String describe(final ConfigValue value)
    {
        switch (value.valueType())
        {
            case OBJECT:
                return "an object";
            case LIST:
                return "a list";
            case STRING:
                return "'" + value.unwrapped() + "'";
            default:
                return value.render();
        }
    }
}
