package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import io.interchange.codec.RandomMessages.Kind;
import io.interchange.codec.RandomMessages.Sample;
import io.interchange.codec.RandomMessages.Shape;
import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOBasePackager;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87APackager;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our codec against jPOS 2.1.10, the implementation our peers run, on random messages over every field jPOS
 * defines. Three properties per packager: we read what jPOS packs, we pack what jPOS packs byte for byte, and
 * jPOS reads what we pack. "What jPOS packs" is compared as jPOS itself unpacks it, so its padding of short
 * fixed values (zeros on the left of n, spaces on the right of an) is part of the expectation.
 *
 * <p>Each message comes from its own seed, printed with the message's hex on failure; run with
 * {@code -Dinterchange.seed=<seed>} to replay just that message.
 */
class JposConformanceTest
{
    private static final int MESSAGES = 5_000;
    private static final String SEED_PROPERTY = "interchange.seed";
    /** Room for a message carrying every field at its maximum: about 70 LLL fields of 999 characters. */
    private static final int BUFFER_SIZE = 128 * 1024;

    enum Variant
    {
        ISO87B(Iso87.BINARY, 0x87B0_0000_0000L)
        {
            @Override
            ISOBasePackager packager()
            {
                return new ISO87BPackager();
            }
        },
        ISO87A(Iso87.ASCII, 0x87A0_0000_0000L)
        {
            @Override
            ISOBasePackager packager()
            {
                return new ISO87APackager();
            }
        };

        final Dialect dialect;
        final long baseSeed;

        Variant(final Dialect dialect, final long baseSeed)
        {
            this.dialect = dialect;
            this.baseSeed = baseSeed;
        }

        abstract ISOBasePackager packager();
    }

    @FunctionalInterface
    private interface Property
    {
        void check(long seed, Sample sample, SplittableRandom random) throws Exception;
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void dialectDefinesTheFieldsJposDefines(final Variant variant)
    {
        final Shape[] jpos = RandomMessages.shapes(variant.packager());
        final Shape[] ours = RandomMessages.shapes(variant.dialect);
        for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
        {
            assertNotNull(jpos[f], "jPOS defines field " + f);
            assertEquals(jpos[f], ours[f], "field " + f);
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void readerReadsWhatJposPacks(final Variant variant) throws Exception
    {
        final ISOBasePackager packager = variant.packager();
        final MessageReader reader = new MessageReader(variant.dialect);
        forEachMessage(variant, 1, (seed, sample, random) ->
        {
            final byte[] packed = RandomMessages.toJpos(sample, packager).pack();
            final ISOMsg expected = unpack(packager, packed, seed);
            final Supplier<String> where = () -> describe(variant, seed, packed) + "\nread as: " + reader;
            assertEquals(DecodeError.NONE, reader.wrap(packed, 0, packed.length), where);
            assertEquals(Integer.parseInt(expected.getMTI()), reader.mti(), where);
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                final int field = f;
                assertEquals(expected.hasField(f), reader.has(f), () -> "presence of field " + field + "\n" + where.get());
                if (expected.hasField(f))
                {
                    assertEquals(expected.getString(f), reader.getString(f), () -> "field " + field + "\n" + where.get());
                    if (expected.getValue(f) instanceof byte[])
                    {
                        assertArrayEquals(expected.getBytes(f), reader.getBytes(f), () -> "bytes of field " + field + "\n" + where.get());
                    }
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void writerPacksWhatJposPacks(final Variant variant) throws Exception
    {
        final ISOBasePackager packager = variant.packager();
        final MessageWriter writer = new MessageWriter(variant.dialect);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BUFFER_SIZE]);
        forEachMessage(variant, 2, (seed, sample, random) ->
        {
            final byte[] packed = RandomMessages.toJpos(sample, packager).pack();
            final byte[] ours = RandomMessages.write(sample, writer, buffer, random);
            if (!Arrays.equals(packed, ours))
            {
                fail(describe(variant, seed, packed) + "\nours: " + RandomMessages.hex(ours) + "\nfirst difference at byte " +
                    Arrays.mismatch(packed, ours));
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void jposUnpacksWhatWriterPacks(final Variant variant) throws Exception
    {
        final ISOBasePackager packager = variant.packager();
        final MessageWriter writer = new MessageWriter(variant.dialect);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BUFFER_SIZE]);
        forEachMessage(variant, 3, (seed, sample, random) ->
        {
            final ISOMsg expected = unpack(packager, RandomMessages.toJpos(sample, packager).pack(), seed);
            final byte[] ours = RandomMessages.write(sample, writer, buffer, random);
            final ISOMsg actual = unpack(packager, ours, seed);
            final Supplier<String> where = () -> describe(variant, seed, ours);
            assertEquals(expected.getMTI(), actual.getMTI(), where);
            assertEquals(expected.getValue(-1), actual.getValue(-1), () -> "bitmap\n" + where.get());
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                final int field = f;
                assertEquals(expected.hasField(f), actual.hasField(f), () -> "presence of field " + field + "\n" + where.get());
                assertEquals(expected.getString(f), actual.getString(f), () -> "field " + field + "\n" + where.get());
            }
        });
    }

    /**
     * Runs {@code property} over {@link #MESSAGES} samples (or the one seed named by {@link #SEED_PROPERTY}), then
     * checks the samples reached every field, both ends of every variable length and short fixed values.
     */
    private static void forEachMessage(final Variant variant, final int propertyId, final Property property) throws Exception
    {
        final Shape[] shapes = RandomMessages.shapes(variant.packager());
        final String replay = System.getProperty(SEED_PROPERTY);
        final long base = variant.baseSeed + ((long)propertyId << 32);
        final int count = replay == null ? MESSAGES : 1;
        final int[] present = new int[FieldSpec.MAX_FIELD + 1];
        final boolean[] empty = new boolean[FieldSpec.MAX_FIELD + 1];
        final boolean[] full = new boolean[FieldSpec.MAX_FIELD + 1];
        final boolean[] shortFixed = new boolean[FieldSpec.MAX_FIELD + 1];
        for (int i = 0; i < count; i++)
        {
            final long seed = replay == null ? base + i : Long.decode(replay);
            final SplittableRandom random = new SplittableRandom(seed);
            final Sample sample = RandomMessages.sample(random, shapes);
            try
            {
                property.check(seed, sample, random);
            }
            catch (final Exception ex)
            {
                // jPOS refused the sample (or our side threw): there are no bytes to show, so show the values.
                throw new AssertionError(variant + " seed=" + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed + "): " + ex +
                    "\nsample: " + sample.mti() + " " + Arrays.toString(sample.values()), ex);
            }
            for (final int f : sample.fields())
            {
                final Shape shape = shapes[f];
                final int length = sample.values()[f].length() / (shape.kind() == Kind.BINARY ? 2 : 1);
                present[f]++;
                empty[f] |= length == 0;
                full[f] |= length == shape.max();
                shortFixed[f] |= shape.fixed() && length < shape.max();
            }
        }
        if (replay != null)
        {
            return;
        }
        for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
        {
            final Shape shape = shapes[f];
            assertTrue(present[f] >= 100, variant + ": field " + f + " only in " + present[f] + " messages");
            assertTrue(full[f], variant + ": field " + f + " never at full length");
            if (!shape.fixed())
            {
                assertTrue(empty[f], variant + ": field " + f + " never empty");
            }
            else if (shape.kind() != Kind.BINARY)
            {
                assertTrue(shortFixed[f], variant + ": fixed field " + f + " never short");
            }
        }
    }

    private static ISOMsg unpack(final ISOBasePackager packager, final byte[] bytes, final long seed) throws Exception
    {
        final ISOMsg m = new ISOMsg();
        m.setPackager(packager);
        final int consumed = m.unpack(bytes);
        assertEquals(bytes.length, consumed, () -> "jPOS consumed " + consumed + " of " + bytes.length + " bytes, seed=" + seed +
            "\nhex: " + RandomMessages.hex(bytes));
        return m;
    }

    private static String describe(final Variant variant, final long seed, final byte[] bytes)
    {
        return variant + " seed=" + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed + ")\nhex: " + RandomMessages.hex(bytes);
    }
}
