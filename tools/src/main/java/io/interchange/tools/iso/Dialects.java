package io.interchange.tools.iso;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.interchange.codec.Dialect;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Iso87;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The dialects the command line knows, by the name each gives itself. */
public final class Dialects
{
    private static final Map<String, Dialect> BY_NAME = new LinkedHashMap<>();

    static
    {
        for (final Dialect dialect : List.of(Iso87.BINARY, Iso87.ASCII, UnionPayPos.DIALECT))
        {
            BY_NAME.put(dialect.name(), dialect);
        }
    }

    private Dialects()
    {
    }

    /** The dialect called {@code name}, or null. */
    public static Dialect byName(final String name)
    {
        return BY_NAME.get(name);
    }

    public static Iterable<String> names()
    {
        return BY_NAME.keySet();
    }

    /** Turns {@code --dialect NAME} into a dialect, or a message listing the names it knows. */
    public static final class Converter implements ITypeConverter<Dialect>
    {
        @Override
        public Dialect convert(final String value)
        {
            final Dialect dialect = byName(value);
            if (dialect == null)
            {
                throw new TypeConversionException("unknown dialect '" + value + "'; known: " + String.join(", ", names()));
            }
            return dialect;
        }
    }

    /** The names for help text and shell completion. */
    public static final class Names implements Iterable<String>
    {
        @Override
        public Iterator<String> iterator()
        {
            return BY_NAME.keySet().iterator();
        }
    }
}
