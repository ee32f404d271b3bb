package io.interchange.journal;

import static io.interchange.journal.Fixtures.DIALECTS;
import static io.interchange.journal.Fixtures.config;
import static io.interchange.journal.Fixtures.nanos;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.FieldType;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.SensitiveData;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's stripped messages against the way it stripped them before it copied runs of fields: field by field,
 * {@link MessageWriter#copy} for each kept one, field 55 through {@link IccStripper}. Random messages of every dialect
 * of the fixtures, with sensitive fields and chip data (tags to strip, nested, or not BER-TLV at all), must journal to
 * the same bytes.
 */
class StripOracleTest
{
    private static final int MESSAGES_PER_DIALECT = 2_000;
    private static final int[] ICC_TAGS = {0x82, 0x95, 0x9A, 0x9F02, 0x9F26, 0x9F36, 0x56, 0x57, 0x5A, 0x99, 0x9F1F, 0x9F20, 0x9F6B};
    private static final byte[] HEX_DIGITS = "0123456789ABCDEF".getBytes(US_ASCII);

    @TempDir
    Path dir;

    private final Random random = new Random(8583);
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[64 * 1024]);
    private final UnsafeBuffer expected = new UnsafeBuffer(new byte[64 * 1024]);
    private final UnsafeBuffer iccIn = new UnsafeBuffer(new byte[16 * 1024]);
    private final UnsafeBuffer iccOut = new UnsafeBuffer(new byte[32 * 1024]);

    @Test
    void shouldJournalTheSameBytesAsStrippingFieldByField()
    {
        long sequence = 0;
        try (JournalWriter writer = new JournalWriter(config(dir));
            JournalReader records = new JournalReader(config(dir)))
        {
            for (int dialectId = 0; dialectId < DIALECTS.size(); dialectId++)
            {
                final Dialect dialect = DIALECTS.get(dialectId);
                final MessageReader reader = new MessageReader(dialect);
                final MessageWriter oracle = new MessageWriter(dialect);
                for (int i = 0; i < MESSAGES_PER_DIALECT; i++)
                {
                    final byte[] bytes = randomMessage(dialect);
                    assertEquals(DecodeError.NONE, reader.wrap(bytes, 0, bytes.length));
                    final boolean[] iccWithheld = new boolean[1];
                    final int expectedLength = stripFieldByField(reader, oracle, iccWithheld);

                    writer.append(new TestEntry().sequence(++sequence).timestampNanos(nanos("2026-03-10T01:00:00Z")).input(1, dialectId, bytes));
                    assertTrue(records.next());
                    final JournalRecord record = records.record();
                    final String what = dialect.name() + " #" + i + ": " + Fixtures.hex(bytes);
                    assertTrue(record.checksumValid(), what);
                    assertEquals(iccWithheld[0], record.isIccWithheld(JournalRecord.INPUT), what);
                    final byte[] actual = new byte[record.messageLength(JournalRecord.INPUT)];
                    record.buffer().getBytes(record.messageOffset(JournalRecord.INPUT), actual);
                    final byte[] wanted = new byte[expectedLength];
                    expected.getBytes(0, wanted);
                    assertEquals(Fixtures.hex(wanted), Fixtures.hex(actual), what);
                }
            }
        }
    }

    /** How JournalWriter stripped a message before it copied runs: the oracle. */
    private int stripFieldByField(final MessageReader reader, final MessageWriter writer, final boolean[] iccWithheld)
    {
        writer.wrap(expected, 0).mti(reader.mti());
        for (int f = 3; f <= FieldSpec.MAX_FIELD; f++)
        {
            final FieldSpec spec = reader.spec(f);
            if (!reader.has(f) || SensitiveData.isPan(f) || SensitiveData.isProtected(spec))
            {
                continue;
            }
            if (f != SensitiveData.ICC_DATA)
            {
                writer.copy(reader, f);
                continue;
            }
            final int length = reader.getBytes(f, iccIn, 0);
            final int stripped = IccStripper.strip(iccIn, 0, length, iccOut, 0);
            if (stripped == length)
            {
                writer.copy(reader, f);
            }
            else if (stripped == IccStripper.NOT_TLV || spec.isFixed())
            {
                iccWithheld[0] = true;
            }
            else if (spec.type() == FieldType.B)
            {
                writer.putBytes(f, iccOut, 0, stripped);
            }
            else
            {
                writer.putText(f, iccOut, 0, stripped);
            }
        }
        return writer.finish();
    }

    /** Any defined field a quarter of the time, the secondary bitmap half the time, 55 often and mostly BER-TLV. */
    private byte[] randomMessage(final Dialect dialect)
    {
        final MessageWriter writer = new MessageWriter(dialect).wrap(message, 0).mti(random.nextBoolean() ? 200 : 210);
        final boolean secondary = random.nextBoolean();
        for (int f = 2; f <= (secondary ? FieldSpec.MAX_FIELD : 64); f++)
        {
            final FieldSpec spec = dialect.field(f);
            if (spec == null || random.nextInt(f == SensitiveData.ICC_DATA ? 2 : 4) != 0)
            {
                continue;
            }
            if (f == SensitiveData.ICC_DATA && spec.type() == FieldType.B && !spec.isFixed())
            {
                final byte[] icc = icc(spec.maxLength());
                writer.putBytes(f, new UnsafeBuffer(icc), 0, icc.length);
            }
            else
            {
                writer.putString(f, value(spec));
            }
        }
        return Arrays.copyOf(message.byteArray(), writer.finish());
    }

    /** Chip data: BER-TLV objects, some to strip, some inside a template; now and then bytes that are not TLV. */
    private byte[] icc(final int max)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextInt(10) == 0)
        {
            final byte[] junk = new byte[1 + random.nextInt(20)];
            random.nextBytes(junk);
            return junk;
        }
        final int objects = 1 + random.nextInt(8);
        final boolean template = random.nextInt(3) == 0;
        final ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (int i = 0; i < objects; i++)
        {
            final int tag = ICC_TAGS[random.nextInt(ICC_TAGS.length)];
            if (tag > 0xFF)
            {
                content.write(tag >>> 8);
            }
            content.write(tag);
            final int length = 1 + random.nextInt(12);
            content.write(length);
            for (int b = 0; b < length; b++)
            {
                content.write(random.nextInt(256));
            }
        }
        if (template)
        {
            out.write(0x70);
            out.write(content.size());
        }
        out.writeBytes(content.toByteArray());
        final byte[] icc = out.toByteArray();
        return icc.length <= max ? icc : Arrays.copyOf(content.toByteArray(), Math.min(max, content.size()));
    }

    /** A value of the field's text form that the writer accepts: digits, characters or hex. */
    private String value(final FieldSpec spec)
    {
        final int length = spec.isFixed() ? spec.maxLength() : 1 + random.nextInt(Math.min(spec.maxLength(), 24));
        final StringBuilder sb = new StringBuilder();
        if (spec.type() == FieldType.B)
        {
            while (sb.length() < 2 * length)
            {
                sb.append((char)HEX_DIGITS[random.nextInt(16)]);
            }
            return sb.toString();
        }
        if (spec.type() == FieldType.XN)
        {
            sb.append(random.nextBoolean() ? 'C' : 'D');
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
}
