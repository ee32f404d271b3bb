package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;

/**
 * Randomly mutated copies of valid ISO 8583 messages, for the system tests that throw bad input at a running switch:
 * from a terminal ({@link MutatedFrameSystemTest}, ISO 8583:1987 binary and UnionPay POS) and from an issuer
 * ({@link MutatedIssuerAnswerSystemTest}). Both dialects start a message with a 2-byte BCD MTI and an 8-byte binary
 * primary bitmap, which is all a mutation needs to know beyond the template's own field layout. Bytes are flipped,
 * bitmap bits toggled, bodies cut short, fields doubled, length prefixes and MTIs changed; the caller frames the
 * result with a length header that is right, so every mutant reaches the switch's ring whole.
 */
final class MutatedMessages
{
    /** MTIs a mutation may put in: the requests the switch serves, their answers, and some it does not serve. */
    private static final int[] MTIS = {
        100, 110, 120, 130, 200, 210, 220, 221, 230, 320, 400, 401, 410, 420, 421, 430, 500, 510, 600, 800, 810, 820, 1200, 9980, 9999};
    /** A 2-byte BCD MTI, then the 8-byte primary bitmap. */
    private static final int BITMAP_OFFSET = 2;
    /** At least an MTI's worth: a frame shorter than that is frame-level garbage, which SwitchFaultSystemTest covers. */
    private static final int MIN_MESSAGE = 2;

    private MutatedMessages()
    {
    }

    /** A valid message to mutate, with the layout of its fields as they were before any mutation. */
    record Template(String name, byte[] bytes, MessageReader layout, int[] fields)
    {
    }

    /**
     * One mutated message.
     *
     * @param origin    how to find it again: the seed and the frame's number.
     * @param template  the template's name.
     * @param mutations what was done to it.
     */
    record Mutant(String origin, String template, String mutations, byte[] bytes)
    {
        String describe()
        {
            return origin + " (" + template + ": " + mutations + "), message " + HexFormat.of().formatHex(bytes);
        }
    }

    /** {@code bytes} as a template; they must decode in {@code dialect}. */
    static Template template(final Dialect dialect, final String name, final byte[] bytes)
    {
        final MessageReader layout = new MessageReader(dialect);
        assertEquals(DecodeError.NONE, layout.wrap(bytes, 0, bytes.length), name);
        final List<Integer> fields = new ArrayList<>();
        for (int field = 2; field <= 128; field++)
        {
            if (layout.has(field))
            {
                fields.add(field);
            }
        }
        return new Template(name, bytes.clone(), layout, fields.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * One to three mutations of a template. Those that need the template's field layout (a length prefix changed, a
     * field doubled) go first, while the layout still holds; a cut goes last, so that it is what the switch sees.
     */
    static Mutant mutate(final String origin, final Template template, final SplittableRandom random)
    {
        final boolean[] chosen = new boolean[6];
        final int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++)
        {
            chosen[random.nextInt(chosen.length)] = true;
        }
        final MessageReader layout = template.layout();
        final int[] fields = template.fields();
        byte[] bytes = template.bytes().clone();
        final StringBuilder how = new StringBuilder();
        if (chosen[0])
        {
            // A length prefix: half the time a BCD length (perhaps above the field's maximum), half any byte at all.
            final int[] variable = Arrays.stream(fields).filter(f -> !layout.spec(f).isFixed()).toArray();
            final int field = variable.length > 0 ? variable[random.nextInt(variable.length)] : fields[random.nextInt(fields.length)];
            final int value = random.nextBoolean() ? bcd(random.nextInt(100)) : random.nextInt(256);
            bytes[layout.rawOffset(field)] = (byte)value;
            how.append(String.format("length of field %d = %02X; ", field, value));
        }
        if (chosen[1])
        {
            final int field = fields[random.nextInt(fields.length)];
            final int start = layout.rawOffset(field);
            final int length = layout.rawLength(field);
            final byte[] doubled = new byte[bytes.length + length];
            System.arraycopy(bytes, 0, doubled, 0, start + length);
            System.arraycopy(bytes, start, doubled, start + length, bytes.length - start);
            bytes = doubled;
            how.append("field ").append(field).append(" doubled; ");
        }
        if (chosen[2])
        {
            final int mti = random.nextBoolean() ? bcd(MTIS[random.nextInt(MTIS.length)]) : random.nextInt(0x10000);
            bytes[0] = (byte)(mti >>> 8);
            bytes[1] = (byte)mti;
            how.append(String.format("MTI bytes %04X; ", mti));
        }
        if (chosen[3])
        {
            final int bits = 1 + random.nextInt(3);
            for (int i = 0; i < bits; i++)
            {
                // Field 1, the secondary bitmap's bit, as likely as any other.
                final int bit = random.nextInt(64);
                bytes[BITMAP_OFFSET + bit / 8] ^= (byte)(0x80 >>> (bit % 8));
                how.append("bit ").append(bit + 1).append(" toggled; ");
            }
        }
        if (chosen[4])
        {
            final int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++)
            {
                final int at = random.nextInt(bytes.length);
                final int mask = 1 + random.nextInt(255);
                bytes[at] ^= (byte)mask;
                how.append(String.format("byte %d ^= %02X; ", at, mask));
            }
        }
        if (chosen[5])
        {
            final int length = MIN_MESSAGE + random.nextInt(bytes.length - MIN_MESSAGE);
            final byte[] cut = new byte[length];
            System.arraycopy(bytes, 0, cut, 0, length);
            bytes = cut;
            how.append("cut to ").append(length).append(" bytes; ");
        }
        return new Mutant(origin, template.name(), how.toString().trim(), bytes);
    }

    /** The BCD byte or bytes that spell {@code value}'s decimal digits. */
    static int bcd(final int value)
    {
        return Integer.parseInt(Integer.toString(value), 16);
    }
}
