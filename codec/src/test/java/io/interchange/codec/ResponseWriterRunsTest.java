package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * ResponseWriter copies echo fields that lie back to back in the request in one move; its responses must be the
 * ones written field by field with {@link MessageWriter#copy}, whatever the request holds.
 */
class ResponseWriterRunsTest
{
    private static final int[][] ECHO_SETS = {ResponseWriter.FINANCIAL_ECHO, {11, 41, 90}, {2, 3, 4, 64, 65, 66, 70, 128}, {}};

    private final Random random = new Random(210);
    private final UnsafeBuffer requestBuffer = new UnsafeBuffer(new byte[4096]);
    private final UnsafeBuffer actual = new UnsafeBuffer(new byte[4096]);
    private final UnsafeBuffer expected = new UnsafeBuffer(new byte[4096]);

    /** A value of the field's text form that the writer accepts: digits, characters or hex. */
    private String value(final FieldSpec spec)
    {
        final int length = spec.isFixed() ? spec.maxLength() : 1 + random.nextInt(Math.min(spec.maxLength(), 20));
        final StringBuilder sb = new StringBuilder();
        switch (spec.type())
        {
            case B:
                while (sb.length() < 2 * length)
                {
                    sb.append((char)FieldCodec.HEX_DIGITS[random.nextInt(16)]);
                }
                return sb.toString();
            case XN:
                sb.append(random.nextBoolean() ? 'C' : 'D');
                break;
            default:
                break;
        }
        while (sb.length() < length)
        {
            switch (spec.type())
            {
                case AN:
                case ANS:
                    sb.append((char)('A' + random.nextInt(26)));
                    break;
                case Z:
                    sb.append(random.nextInt(10) == 0 ? '=' : (char)('0' + random.nextInt(10)));
                    break;
                default:
                    sb.append((char)('0' + random.nextInt(10)));
                    break;
            }
        }
        return sb.toString();
    }

    private MessageReader randomRequest(final Dialect dialect)
    {
        final MessageWriter writer = new MessageWriter(dialect).wrap(requestBuffer, 0).mti(200);
        final boolean secondary = random.nextBoolean();
        for (int f = 2; f <= (secondary ? FieldSpec.MAX_FIELD : 64); f++)
        {
            if (dialect.defines(f) && random.nextInt(4) == 0)
            {
                writer.putString(f, value(dialect.field(f)));
            }
        }
        final MessageReader request = new MessageReader(dialect);
        assertEquals(DecodeError.NONE, request.wrap(requestBuffer, 0, writer.finish()));
        return request;
    }

    private static boolean contains(final int[] fields, final int field)
    {
        for (final int f : fields)
        {
            if (f == field)
            {
                return true;
            }
        }
        return false;
    }

    /** The response written a field at a time: echo fields the request has, the responder's fields in between. */
    private static int expectedResponse(
        final MessageReader request, final MessageWriter writer, final int[] echo, final int[] own, final String[] values)
    {
        writer.mti(Mti.responseTo(request.mti()));
        for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
        {
            boolean set = false;
            for (int i = 0; i < own.length; i++)
            {
                if (own[i] == f)
                {
                    writer.putString(f, values[i]);
                    set = true;
                }
            }
            if (!set && contains(echo, f) && request.has(f) && writer.dialect().defines(f))
            {
                writer.copy(request, f);
            }
        }
        return writer.finish();
    }

    @Test
    void shouldWriteTheSameBytesAsCopyingFieldByField()
    {
        final Dialect[][] pairs = {{Iso87.BINARY, Iso87.BINARY}, {Iso87.ASCII, Iso87.ASCII}, {Iso87.BINARY, Iso87.ASCII}, {Iso87.ASCII, Iso87.BINARY}};
        for (final Dialect[] pair : pairs)
        {
            final MessageWriter actualWriter = new MessageWriter(pair[1]);
            final MessageWriter expectedWriter = new MessageWriter(pair[1]);
            for (final int[] echo : ECHO_SETS)
            {
                // One writer for many requests, as a switch uses it.
                final ResponseWriter responses = new ResponseWriter(echo);
                for (int trial = 0; trial < 500; trial++)
                {
                    final MessageReader request = randomRequest(pair[0]);
                    // The responder's own fields, ascending; some replace an echo field, one may be in the secondary bitmap.
                    final int[] own = random.nextBoolean() ? new int[] {38, 39} : new int[] {4, 39, 44, 100};
                    final String[] values = new String[own.length];
                    for (int i = 0; i < own.length; i++)
                    {
                        values[i] = value(pair[1].field(own[i]));
                    }

                    responses.begin(request, actualWriter.wrap(actual, 0));
                    for (int i = 0; i < own.length; i++)
                    {
                        responses.putString(own[i], values[i]);
                    }
                    final int length = responses.finish();
                    final int expectedLength = expectedResponse(request, expectedWriter.wrap(expected, 0), echo, own, values);

                    final String context = pair[0].name() + "->" + pair[1].name() + " " + request;
                    assertEquals(expectedLength, length, context);
                    for (int i = 0; i < length; i++)
                    {
                        assertEquals(expected.getByte(i), actual.getByte(i), context + " at byte " + i);
                    }
                }
            }
        }
    }
}
