package io.interchange.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An ISO 8583 dialect: how the MTI and bitmap are written, and the table of field specs. Immutable; readers
 * and writers are made for one dialect and keep a reference to its table.
 *
 * <p>Field 1 is the secondary bitmap and is never in the table: its presence is bit 1 of the primary bitmap.
 * Field 65 is whatever the table says it is (jPOS's ISO87 packagers define it as a 1-byte binary field).
 */
public final class Dialect
{
    private final String name;
    private final ValueEncoding mtiEncoding;
    private final ValueEncoding bitmapEncoding;
    private final FieldSpec[] fields;
    private final ReaderTables readerTables;

    private Dialect(final String name, final ValueEncoding mtiEncoding, final ValueEncoding bitmapEncoding, final FieldSpec[] fields)
    {
        this.name = name;
        this.mtiEncoding = mtiEncoding;
        this.bitmapEncoding = bitmapEncoding;
        this.fields = fields;
        this.readerTables = new ReaderTables(this);
    }

    ReaderTables readerTables()
    {
        return readerTables;
    }

    public String name()
    {
        return name;
    }

    /** {@link ValueEncoding#ASCII} (4 bytes) or a BCD encoding (2 bytes). */
    public ValueEncoding mtiEncoding()
    {
        return mtiEncoding;
    }

    /** {@link ValueEncoding#BINARY} (8 bytes per bitmap) or {@link ValueEncoding#HEX} (16 characters). */
    public ValueEncoding bitmapEncoding()
    {
        return bitmapEncoding;
    }

    public int mtiLength()
    {
        return mtiEncoding == ValueEncoding.ASCII ? 4 : 2;
    }

    public int bitmapLength()
    {
        return bitmapEncoding == ValueEncoding.HEX ? 16 : 8;
    }

    /** The spec of field {@code id}, or null when the dialect does not define it. */
    public FieldSpec field(final int id)
    {
        return id >= 0 && id < fields.length ? fields[id] : null;
    }

    public boolean defines(final int id)
    {
        return field(id) != null;
    }

    /** Every defined field, in field order. */
    public List<FieldSpec> fields()
    {
        final List<FieldSpec> list = new ArrayList<>();
        for (final FieldSpec spec : fields)
        {
            if (spec != null)
            {
                list.add(spec);
            }
        }
        return list;
    }

    /** The same dialect with one field replaced or added, under another name. */
    public Dialect with(final String newName, final FieldSpec spec)
    {
        final FieldSpec[] copy = Arrays.copyOf(fields, fields.length);
        copy[spec.id()] = spec;
        return new Dialect(newName, mtiEncoding, bitmapEncoding, copy);
    }

    /**
     * Two dialects are equal when they read and write the same bytes; names aside, and an and ans alike, since
     * the character class of text fields is the application's to check, not the codec's.
     */
    public boolean sameWireFormat(final Dialect other)
    {
        if (mtiEncoding != other.mtiEncoding || bitmapEncoding != other.bitmapEncoding)
        {
            return false;
        }
        for (int i = 0; i < fields.length; i++)
        {
            final FieldSpec a = fields[i];
            final FieldSpec b = other.fields[i];
            if ((a == null) != (b == null))
            {
                return false;
            }
            if (a != null && !(wireType(a.type()) == wireType(b.type()) && a.maxLength() == b.maxLength() &&
                a.prefixDigits() == b.prefixDigits() && a.lengthEncoding() == b.lengthEncoding() &&
                a.encoding() == b.encoding() && a.padding() == b.padding()))
            {
                return false;
            }
        }
        return true;
    }

    private static FieldType wireType(final FieldType type)
    {
        return type == FieldType.AN ? FieldType.ANS : type;
    }

    @Override
    public String toString()
    {
        return "Dialect[" + name + "]";
    }

    public static Builder builder(final String name)
    {
        return new Builder(name);
    }

    public static final class Builder
    {
        private final String name;
        private ValueEncoding mtiEncoding = ValueEncoding.ASCII;
        private ValueEncoding bitmapEncoding = ValueEncoding.BINARY;
        private final FieldSpec[] fields = new FieldSpec[FieldSpec.MAX_FIELD + 1];

        private Builder(final String name)
        {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder mti(final ValueEncoding encoding)
        {
            if (encoding != ValueEncoding.ASCII && !encoding.isBcd())
            {
                throw new IllegalArgumentException("MTI is ASCII or BCD, not " + encoding);
            }
            this.mtiEncoding = encoding;
            return this;
        }

        public Builder bitmap(final ValueEncoding encoding)
        {
            if (encoding != ValueEncoding.BINARY && encoding != ValueEncoding.HEX)
            {
                throw new IllegalArgumentException("bitmap is BINARY or HEX, not " + encoding);
            }
            this.bitmapEncoding = encoding;
            return this;
        }

        public Builder field(final FieldSpec spec)
        {
            if (fields[spec.id()] != null)
            {
                throw new IllegalArgumentException(name + ": field " + spec.id() + " defined twice");
            }
            fields[spec.id()] = spec;
            return this;
        }

        public Dialect build()
        {
            return new Dialect(name, mtiEncoding, bitmapEncoding, fields.clone());
        }
    }
}
