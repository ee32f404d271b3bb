package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageWriter#copyKept} against {@link MessageWriter#copy} field by field, the oracle, on random messages of
 * every dialect: the same bytes for any fields kept, with a field written by hand between two runs as the journal
 * writes field 55.
 */
class CopyKeptTest
{
    private static final int MESSAGES_PER_DIALECT = 3_000;

    private final UnsafeBuffer message = new UnsafeBuffer(new byte[256 * 1024]);
    private final UnsafeBuffer actual = new UnsafeBuffer(new byte[256 * 1024]);
    private final UnsafeBuffer expected = new UnsafeBuffer(new byte[256 * 1024]);

    @Test
    void shouldWriteTheSameBytesAsCopyingFieldByField()
    {
        RandomMessages.forEach(55, MESSAGES_PER_DIALECT, (reader, bytes, random, name) ->
        {
            final Dialect dialect = reader.dialect();
            // Half the time what the journal drops (PANs, track data, the PIN block), else any fields.
            final boolean[] kept = new boolean[FieldSpec.MAX_FIELD + 1];
            final boolean journal = random.nextBoolean();
            final double keepRate = random.nextDouble();
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                final FieldSpec spec = dialect.field(f);
                kept[f] = spec != null && (journal ? !SensitiveData.isPan(f) && !SensitiveData.isProtected(spec) : random.nextDouble() < keepRate);
            }
            // The field written between the two runs, or none (129).
            final int between = random.nextInt(4) == 0 ? FieldSpec.MAX_FIELD + 1 : 2 + random.nextInt(FieldSpec.MAX_FIELD - 1);
            kept[Math.min(between, FieldSpec.MAX_FIELD)] &= between > FieldSpec.MAX_FIELD;
            long keepPrimary = 0;
            long keepSecondary = 0;
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                if (kept[f])
                {
                    if (f <= 64)
                    {
                        keepPrimary |= Long.MIN_VALUE >>> (f - 1);
                    }
                    else
                    {
                        keepSecondary |= Long.MIN_VALUE >>> (f - 65);
                    }
                }
            }

            final MessageWriter expectedWriter = new MessageWriter(dialect).wrap(expected, 0).mti(reader.mti());
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                if (reader.has(f) && (kept[f] || f == between))
                {
                    expectedWriter.copy(reader, f);
                }
            }
            final int expectedLength = expectedWriter.finish();

            final MessageWriter actualWriter = new MessageWriter(dialect).wrap(actual, 0).mti(reader.mti());
            actualWriter.copyKept(reader, between - 1, keepPrimary, keepSecondary);
            if (reader.has(between))
            {
                actualWriter.copy(reader, between);
            }
            actualWriter.copyKept(reader, FieldSpec.MAX_FIELD, keepPrimary, keepSecondary);
            final int actualLength = actualWriter.finish();

            final String what = name + " between " + between;
            assertEquals(expectedLength, actualLength, what);
            assertEquals(RandomMessages.hex(expected.byteArray(), 0, expectedLength), RandomMessages.hex(actual.byteArray(), 0, actualLength), what);
        });
    }

    @Test
    void shouldRefuseAMessageOfAnotherDialect()
    {
        final MessageWriter writer = new MessageWriter(Iso87.ASCII).wrap(actual, 0).mti(200);
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        final int length = new MessageWriter(Iso87.BINARY).wrap(message, 0).mti(200).putString(11, "000001").finish();
        assertEquals(DecodeError.NONE, reader.wrap(message, 0, length));
        assertThrows(IllegalArgumentException.class, () -> writer.copyKept(reader, FieldSpec.MAX_FIELD, -1L, -1L));
    }
}
