package io.interchange.tools.iso;

import java.util.Iterator;

import io.interchange.codec.Dialect;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --dialect NAME} for picocli, over the codec's registry of shipped dialects. */
public final class Dialects
{
    private Dialects()
    {
    }

    /** Turns {@code --dialect NAME} into a dialect, or a message listing the names it knows. */
    public static final class Converter implements ITypeConverter<Dialect>
    {
        @Override
        public Dialect convert(final String value)
        {
            final Dialect dialect = io.interchange.codec.dialect.Dialects.byName(value);
            if (dialect == null)
            {
                throw new TypeConversionException("unknown dialect '" + value + "'; known: " +
                    String.join(", ", io.interchange.codec.dialect.Dialects.names()));
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
            return io.interchange.codec.dialect.Dialects.names().iterator();
        }
    }
}
