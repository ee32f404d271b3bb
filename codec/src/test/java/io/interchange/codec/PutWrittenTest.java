package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageWriter#putWritten} against {@link MessageWriter#copy} field by field, the oracle, on random messages
 * of every dialect: a message built from a shorter one's encoded fields, with other fields written between its two
 * parts (as the switch builds a forward from the basis it keeps, putting track 2 and the PIN block back in), is the
 * message written field by field, byte for byte.
 */
class PutWrittenTest
{
    private static final int MESSAGES_PER_DIALECT = 3_000;

    private final UnsafeBuffer kept = new UnsafeBuffer(new byte[256 * 1024]);
    private final UnsafeBuffer actual = new UnsafeBuffer(new byte[256 * 1024]);
    private final UnsafeBuffer expected = new UnsafeBuffer(new byte[256 * 1024]);

    @Test
    void shouldWriteTheSameBytesAsCopyingFieldByField()
    {
        RandomMessages.forEach(52, MESSAGES_PER_DIALECT, (reader, bytes, random, name) ->
        {
            // Fields up to a and above b are kept; those in (a, b] are written between the kept ones' two parts.
            final Dialect dialect = reader.dialect();
            final int a = 1 + random.nextInt(64);
            final int b = a + random.nextInt(65 - a);
            final MessageWriter keptWriter = new MessageWriter(dialect).wrap(kept, 0).mti(reader.mti());
            copy(reader, keptWriter, 2, a);
            final int split = keptWriter.length();
            copy(reader, keptWriter, b + 1, 64);
            final int keptLength = keptWriter.finish();
            final long fields = keptWriter.primaryFields();
            final int start = keptWriter.fieldsOffset();
            final long head = -1L << (64 - a);

            final MessageWriter actualWriter = new MessageWriter(dialect).wrap(actual, 0).mti(reader.mti())
                .putWritten(fields & head, kept, start, split - start);
            copy(reader, actualWriter, a + 1, b);
            actualWriter.putWritten(fields & ~head, kept, split, keptLength - split);
            final int actualLength = actualWriter.finish();

            final MessageWriter expectedWriter = new MessageWriter(dialect).wrap(expected, 0).mti(reader.mti());
            copy(reader, expectedWriter, 2, 64);
            final int expectedLength = expectedWriter.finish();

            assertEquals(RandomMessages.hex(expected.byteArray(), 0, expectedLength), RandomMessages.hex(actual.byteArray(), 0, actualLength),
                name + " a=" + a + " b=" + b);
        });
    }

    @Test
    void shouldRefuseFieldOneAndFieldsOutOfOrder()
    {
        final MessageWriter writer = new MessageWriter(Iso87.BINARY).wrap(actual, 0).mti(200).putLong(11, 1);
        assertThrows(IllegalArgumentException.class, () -> writer.putWritten(Long.MIN_VALUE, kept, 0, 8));
        assertThrows(IllegalStateException.class, () -> writer.putWritten(Long.MIN_VALUE >>> 2, kept, 0, 6), "field 3 after field 11");
        assertThrows(IllegalArgumentException.class, () -> writer.putWritten(0, kept, 0, 4), "bytes without fields");
        writer.putWritten(0, kept, 0, 0);
        assertEquals(11, writer.lastField());

        final MessageWriter source = new MessageWriter(Iso87.BINARY).wrap(kept, 0).mti(200).putLong(3, 0).putLong(11, 7);
        final int length = source.length();
        final MessageWriter copy = new MessageWriter(Iso87.BINARY).wrap(actual, 0).mti(200)
            .putWritten(source.primaryFields(), kept, source.fieldsOffset(), length - source.fieldsOffset());
        assertEquals(11, copy.lastField(), "the last of the fields put");
        assertThrows(IllegalStateException.class, () -> copy.putLong(4, 1), "field 4 after field 11");
        assertEquals(length, copy.putLong(12, 1).length() - 3, "field 12 (n6 BCD, 3 bytes) after field 11");
    }

    private static void copy(final MessageReader from, final MessageWriter to, final int first, final int last)
    {
        for (int f = first; f <= last; f++)
        {
            if (from.has(f))
            {
                to.copy(from, f);
            }
        }
    }
}
