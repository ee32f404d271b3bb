package io.interchange.codec.dialect;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.interchange.codec.Dialect;
import io.interchange.codec.cups.UnionPayPos;

/** The dialects that ship, by the name each gives itself: what configuration files and the command line say. */
public final class Dialects
{
    private static final Map<String, Dialect> BY_NAME = new LinkedHashMap<>();

    static
    {
        for (final Dialect dialect : new Dialect[] {Iso87.BINARY, Iso87.ASCII, UnionPayPos.DIALECT})
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

    /**
     * Every shipped dialect in a fixed order: the switch and its journal name a message's dialect by its index
     * here, so new dialects are only ever appended.
     */
    public static List<Dialect> all()
    {
        return List.copyOf(BY_NAME.values());
    }

    /** The names, in the order they are listed to users. */
    public static Set<String> names()
    {
        return Collections.unmodifiableSet(BY_NAME.keySet());
    }
}
