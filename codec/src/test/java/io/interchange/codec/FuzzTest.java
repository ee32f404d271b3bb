package io.interchange.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import io.interchange.codec.RandomMessages.Sample;
import io.interchange.codec.RandomMessages.Shape;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Iso87;
import io.interchange.codec.frame.Framing;
import io.interchange.codec.frame.LengthHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOBasePackager;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87APackager;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mutated frames against the reader, the scanner and the framing, in the spirit of moov-io/iso8583's fuzzing:
 * bad input must end in a {@link DecodeError} or a framing code, never in an exception, a hang or a read past
 * the frame (every frame is wrapped in a buffer that ends where the frame ends, and Agrona's bounds checks are
 * on). What does read must survive unpack, pack, unpack with the same values.
 *
 * <p>The corpus per dialect is a set of valid messages (packed by jPOS where jPOS has the dialect, else by our
 * writer) and hand-made bad ones, among them moov-io's crash inputs. Every length of every corpus message is
 * tried, then random mutations, each frame from its own seed; a failure prints the seed and the frame's hex,
 * and {@code -Dinterchange.fuzz.seed=<seed>} replays that one frame.
 */
class FuzzTest
{
    private static final long BASE_SEED = 0x0F22_8583_0000_0000L;
    private static final String SEED_PROPERTY = "interchange.fuzz.seed";
    /** Prefix of a replayed seed that names a framing-level frame. */
    private static final String FRAMED = "framed:";
    /** Message frames per dialect, the truncation sweep included: three dialects make over a million. */
    private static final int FRAMES_PER_DIALECT = 340_000;
    /** Framing-level frames per dialect, each cut at every length. */
    private static final int FRAMED_PER_DIALECT = 20_000;
    private static final int BATCH = 20_000;
    /** Generous: a batch takes well under a second; only a hang gets near this. */
    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(30);
    private static final int CORPUS_SMALL = 44;
    private static final int CORPUS_LARGE = 4;
    private static final int SMALL_LIMIT = 1_024;
    private static final int LARGE_LIMIT = 8_000;
    /** Junk bytes that may precede a frame in its buffer, so non-zero offsets are exercised. */
    private static final int LEAD = 3;
    private static final int WORK_SIZE = LEAD + LARGE_LIMIT + 1_024;
    private static final byte[] INTERESTING = {
        0x00, (byte)0xFF, 0x7F, (byte)0x80, '0', '9', '=', 'C', 'D', ' ', '-', '+', 'A', 'f', 'g', 0x0D, (byte)0xD0, (byte)0x99, 0x0A};

    private static final long[] TOTAL_ERRORS = new long[DecodeError.values().length];
    private static final long[] TOTAL_FRAMING = new long[5];
    private static long totalFrames;
    private static long totalFramed;

    enum Target
    {
        ISO87B(Iso87.BINARY, new Framing[] {Framing.BINARY_2, new Framing(LengthHeader.BCD_2, 0, Framing.DEFAULT_MAX)})
        {
            @Override
            ISOBasePackager packager()
            {
                return new ISO87BPackager();
            }
        },
        ISO87A(Iso87.ASCII, new Framing[] {Framing.ASCII_4})
        {
            @Override
            ISOBasePackager packager()
            {
                return new ISO87APackager();
            }
        },
        CUPS(UnionPayPos.DIALECT, new Framing[] {Framing.UNIONPAY_POS})
        {
            @Override
            ISOBasePackager packager()
            {
                return null;
            }
        };

        final Dialect dialect;
        final Framing[] framings;

        Target(final Dialect dialect, final Framing[] framings)
        {
            this.dialect = dialect;
            this.framings = framings;
        }

        /** jPOS's packager for the dialect, or null when jPOS has none. */
        abstract ISOBasePackager packager();
    }

    /** A corpus message and, where it could be read, where its bitmap and length prefixes are. */
    private record Seed(String name, byte[] bytes, int[] prefixFields, int[] prefixOffsets)
    {
    }

    // ---------------------------------------------------------------- hand-made inputs

    @Test
    void moovIoCrashInputIsAFormatErrorAtTheAmount()
    {
        // moov-io/iso8583 panicked on this: fields 15, 16, 18, 19, 31 and 32 named, 31's sign is a digit.
        final MessageReader reader = new MessageReader(Iso87.ASCII);
        final byte[] frame = "0000000360030000000000000000000000000000000-3".getBytes(US_ASCII);
        assertEquals(DecodeError.NOT_NUMERIC, reader.wrap(frame, 0, frame.length));
        assertEquals(31, reader.errorField());
        assertEquals(4 + 16 + 15, reader.errorOffset());
        assertTrue(reader.has(19));
        // The scanner stops after field 11, so the fault is not its to see.
        assertEquals(DecodeError.NONE, new MessageScanner(Iso87.ASCII).scan(new UnsafeBuffer(frame), 0, frame.length));

        final byte[] alone = ("0000" + "0000000100000000" + "-3").getBytes(US_ASCII); // field 32 alone, LL "-3"
        assertEquals(DecodeError.BAD_LENGTH, reader.wrap(alone, 0, alone.length));
        assertEquals(32, reader.errorField());
        assertEquals(20, reader.errorOffset());
    }

    @Test
    void negativeOrNonDigitLengthPrefixIsBadLength()
    {
        final MessageReader reader = new MessageReader(Iso87.ASCII);
        for (final String prefix : new String[] {"-1", "-3", " 5", "+5", "1-", "0x", "1A", "\u00001"})
        {
            final byte[] frame = ("0200" + "4000000000000000" + prefix + "4111").getBytes(US_ASCII);
            assertEquals(DecodeError.BAD_LENGTH, reader.wrap(frame, 0, frame.length), prefix);
            assertEquals(2, reader.errorField(), prefix);
            assertEquals(20, reader.errorOffset(), prefix);
        }
        final byte[] lll = ("0200" + "0000000000010000" + "-01" + "X").getBytes(US_ASCII); // field 48, LLL "-01"
        assertEquals(DecodeError.BAD_LENGTH, reader.wrap(lll, 0, lll.length));
        assertEquals(48, reader.errorField());

        final MessageReader binary = new MessageReader(Iso87.BINARY);
        for (final int prefix : new int[] {0xF1, 0x1A, 0xFF, 0xA0})
        {
            final byte[] frame = {0x02, 0x00, 0x40, 0, 0, 0, 0, 0, 0, 0, (byte)prefix, 0x41, 0x11};
            assertEquals(DecodeError.BAD_LENGTH, binary.wrap(frame, 0, frame.length), Integer.toHexString(prefix));
            assertEquals(2, binary.errorField());
            assertEquals(10, binary.errorOffset());
        }
        final byte[] over = {0x02, 0x00, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x20, 0x41, 0x11}; // LL 20 > 19
        assertEquals(DecodeError.LENGTH_OVER_MAX, binary.wrap(over, 0, over.length));
    }

    // ---------------------------------------------------------------- fuzzing

    @ParameterizedTest
    @EnumSource(Target.class)
    void mutatedFramesNeverThrowAndReadBackTheSame(final Target target)
    {
        final List<Seed> corpus = corpus(target);
        final Fuzzer fuzzer = new Fuzzer(target, corpus);
        final String replay = System.getProperty(SEED_PROPERTY);
        if (replay != null)
        {
            if (replay.startsWith(FRAMED))
            {
                fuzzer.framed(Long.decode(replay.substring(FRAMED.length())));
            }
            else
            {
                fuzzer.mutated(Long.decode(replay));
            }
            return;
        }
        final long base = BASE_SEED + ((long)target.ordinal() << 40);
        int frame = 0;
        // Every length of every corpus message, the empty frame included.
        for (final Seed seed : corpus)
        {
            assertTimeoutPreemptively(BATCH_TIMEOUT, () -> fuzzer.truncations(seed));
            frame += seed.bytes().length + 1;
        }
        while (frame < FRAMES_PER_DIALECT)
        {
            final int from = frame;
            final int to = Math.min(FRAMES_PER_DIALECT, frame + BATCH);
            assertTimeoutPreemptively(BATCH_TIMEOUT, () ->
            {
                for (int i = from; i < to; i++)
                {
                    fuzzer.mutated(base + i);
                }
            });
            frame = to;
        }
        assertEquals(FRAMES_PER_DIALECT, fuzzer.frames, "frames counted");

        final long framedBase = base + (1L << 32);
        for (int from = 0; from < FRAMED_PER_DIALECT; from += BATCH)
        {
            final int start = from;
            final int to = Math.min(FRAMED_PER_DIALECT, from + BATCH);
            assertTimeoutPreemptively(BATCH_TIMEOUT, () ->
            {
                for (int i = start; i < to; i++)
                {
                    fuzzer.framed(framedBase + i);
                }
            });
        }
        fuzzer.report();
    }

    @AfterAll
    static void reportTotals()
    {
        if (totalFrames == 0)
        {
            return;
        }
        System.out.println(summary("all dialects", totalFrames, TOTAL_ERRORS, totalFramed, TOTAL_FRAMING));
    }

    private static synchronized void addTotals(final long frames, final long[] errors, final long framed, final long[] framing)
    {
        totalFrames += frames;
        totalFramed += framed;
        for (int i = 0; i < errors.length; i++)
        {
            TOTAL_ERRORS[i] += errors[i];
        }
        for (int i = 0; i < framing.length; i++)
        {
            TOTAL_FRAMING[i] += framing[i];
        }
    }

    private static String summary(final String name, final long frames, final long[] errors, final long framed, final long[] framing)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(name).append(": ").append(frames).append(" message frames:");
        for (final DecodeError e : DecodeError.values())
        {
            sb.append(' ').append(e).append('=').append(errors[e.ordinal()]);
        }
        sb.append("; ").append(framed).append(" framed streams (cut at every length), outcome on the whole stream:")
            .append(" complete=").append(framing[4])
            .append(" NEED_MORE=").append(framing[0])
            .append(" BAD_LENGTH=").append(framing[1])
            .append(" TOO_LONG=").append(framing[2])
            .append(" TOO_SHORT=").append(framing[3]);
        return sb.toString();
    }

    // ---------------------------------------------------------------- corpus

    private static List<Seed> corpus(final Target target)
    {
        final Dialect dialect = target.dialect;
        final List<byte[]> messages = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(BASE_SEED ^ target.ordinal());
        final ISOBasePackager packager = target.packager();
        final Shape[] ourShapes = RandomMessages.shapes(dialect);
        final Shape[] jposShapes = packager == null ? null : RandomMessages.shapes(packager);
        final MessageWriter writer = new MessageWriter(dialect);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256 * 1024]);
        for (int i = 0; i < CORPUS_SMALL + CORPUS_LARGE; i++)
        {
            final int limit = i < CORPUS_SMALL ? SMALL_LIMIT : LARGE_LIMIT;
            final boolean byJpos = jposShapes != null && (i & 1) == 0;
            byte[] bytes;
            do
            {
                final Sample sample = RandomMessages.sample(random, byJpos ? jposShapes : ourShapes);
                try
                {
                    bytes = byJpos ? RandomMessages.toJpos(sample, packager).pack() : RandomMessages.write(sample, writer, buffer, random);
                }
                catch (final Exception ex)
                {
                    throw new AssertionError("corpus " + i + " of " + target, ex);
                }
            }
            while (bytes.length > limit);
            messages.add(bytes);
            names.add((byJpos ? "jPOS-packed #" : "writer-packed #") + i);
        }
        for (final String[] bad : handMade(target))
        {
            names.add(bad[0]);
            messages.add(bad[1].startsWith("hex:") ? RandomMessages.unhex(bad[1].substring(4)) : bad[1].getBytes(US_ASCII));
        }

        final MessageReader reader = new MessageReader(dialect);
        final List<Seed> corpus = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++)
        {
            final byte[] bytes = messages.get(i);
            final DecodeError error = reader.wrap(bytes, 0, bytes.length);
            if (i < CORPUS_SMALL + CORPUS_LARGE)
            {
                assertEquals(DecodeError.NONE, error, names.get(i) + " of " + target + ": " + RandomMessages.hex(bytes));
            }
            int n = 0;
            final int[] fields = new int[FieldSpec.MAX_FIELD];
            final int[] offsets = new int[FieldSpec.MAX_FIELD];
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                if (reader.has(f) && !reader.spec(f).isFixed())
                {
                    fields[n] = f;
                    offsets[n++] = reader.rawOffset(f);
                }
            }
            corpus.add(new Seed(names.get(i), bytes, Arrays.copyOf(fields, n), Arrays.copyOf(offsets, n)));
        }
        return corpus;
    }

    /** Bad inputs worth keeping as seeds: moov-io's crashes and length prefixes that are not lengths. */
    private static String[][] handMade(final Target target)
    {
        switch (target)
        {
            case ISO87A:
                return new String[][] {
                    {"moov-io crash input", "0000000360030000000000000000000000000000000-3"},
                    {"moov-io crash input, field 32 alone", "00000000000100000000-3"},
                    {"LL prefix -1", "0200" + "4000000000000000" + "-1" + "4111111111111111"},
                    {"LL prefix non-digit", "0200" + "4000000000000000" + " 9" + "4111111111111111"},
                    {"LLL prefix -01", "0200" + "0000000000010000" + "-01" + "X"},
                    {"secondary bit, no secondary", "0200" + "8000000000000000"},
                    {"lower-case hex binary", "0200" + "0000000000001000" + "0123456789abcdef"},
                    {"lower-case hex bitmap", "0200" + "4c00000000000000" + "16" + "4111111111111111" + "000000000100" + "000000000200"},
                };
            case ISO87B:
                return new String[][] {
                    {"LL prefix F1", "hex:" + "0200" + "4000000000000000" + "F1" + "4111111111111111"},
                    {"LL prefix 1A", "hex:" + "0200" + "4000000000000000" + "1A" + "4111111111111111"},
                    {"LL prefix over max", "hex:" + "0200" + "4000000000000000" + "20" + "41111111111111111111"},
                    {"secondary bit, no secondary", "hex:" + "0200" + "8000000000000000"},
                    {"MTI not BCD", "hex:" + "0A00" + "2000000000000000" + "123456"},
                };
            default:
                return new String[][] {
                    {"undefined field 5", "hex:" + "0200" + "0800000000000000" + "000000000001"},
                    {"LLL prefix F001", "hex:" + "0200" + "0000000000010000" + "F001" + "AB"},
                    {"LL prefix 1A", "hex:" + "0200" + "4000000000000000" + "1A" + "4111111111111111"},
                    {"secondary bit, no secondary", "hex:" + "0200" + "8000000000000000"},
                };
        }
    }

    // ---------------------------------------------------------------- the fuzzer

    /** One dialect's readers, writers and counters; single threaded. */
    private static final class Fuzzer
    {
        private final Target target;
        private final Dialect dialect;
        private final List<Seed> corpus;
        private final MessageReader reader;
        private final MessageReader reread;
        private final MessageReader canonical;
        private final MessageScanner scanner;
        private final MessageWriter writer;
        private final ISOBasePackager packager;
        private final UnsafeBuffer out = new UnsafeBuffer(new byte[256 * 1024]);
        private final UnsafeBuffer out2 = new UnsafeBuffer(new byte[256 * 1024]);
        private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[20_000]);
        private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        private final byte[] work = new byte[WORK_SIZE];
        private final long[] errors = new long[DecodeError.values().length];
        private final long[] outcomes = new long[5];
        private final int[] undefined;
        private long frames;
        private long framed;
        private long roundTrips;
        private long jposAgreed;

        Fuzzer(final Target target, final List<Seed> corpus)
        {
            this.target = target;
            this.dialect = target.dialect;
            this.corpus = corpus;
            this.reader = new MessageReader(dialect);
            this.reread = new MessageReader(dialect);
            this.canonical = new MessageReader(dialect);
            this.scanner = new MessageScanner(dialect);
            this.writer = new MessageWriter(dialect);
            this.packager = target.packager();
            int n = 0;
            final int[] ids = new int[FieldSpec.MAX_FIELD];
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                if (!dialect.defines(f))
                {
                    ids[n++] = f;
                }
            }
            this.undefined = Arrays.copyOf(ids, n);
        }

        void truncations(final Seed seed)
        {
            final byte[] bytes = seed.bytes();
            System.arraycopy(bytes, 0, work, LEAD, bytes.length);
            for (int length = 0; length <= bytes.length; length++)
            {
                final int cut = length;
                check(LEAD, 0, length, null, () -> seed.name() + " cut to " + cut + " bytes");
            }
        }

        void mutated(final long frameSeed)
        {
            final SplittableRandom random = new SplittableRandom(frameSeed);
            final Seed seed = corpus.get(random.nextInt(corpus.size()));
            final byte[] bytes = seed.bytes();
            System.arraycopy(bytes, 0, work, LEAD, bytes.length);
            final int length = mutate(random, seed, LEAD, bytes.length);
            final int lead = random.nextInt(LEAD + 1);
            for (int i = LEAD - lead; i < LEAD; i++)
            {
                work[i] = (byte)random.nextInt(256);
            }
            check(LEAD, lead, length, random, () -> "seed=" + frameSeed + " (replay with -D" + SEED_PROPERTY + "=" + frameSeed +
                "), mutated from " + seed.name() + ": " + RandomMessages.hex(bytes));
        }

        /** A corpus message in a stream frame, mutated, then offered to the framing at every length. */
        void framed(final long frameSeed)
        {
            final SplittableRandom random = new SplittableRandom(frameSeed);
            final Framing framing = target.framings[random.nextInt(target.framings.length)];
            final Seed seed = corpus.get(random.nextInt(corpus.size()));
            final byte[] bytes = seed.bytes();
            final int size = framing.lengthHeader().size();
            final int start = LEAD;
            final int messageStart = framing.messageOffset(start);
            System.arraycopy(bytes, 0, work, messageStart, bytes.length);
            for (int i = start + size; i < messageStart; i++)
            {
                // The UnionPay TPDU and application header: opaque bytes as far as framing goes.
                work[i] = (byte)random.nextInt(256);
            }
            view.wrap(work);
            framing.writeLength(view, start, bytes.length);
            int length = messageStart - start + bytes.length;
            switch (random.nextInt(4))
            {
                case 0:
                    setLengthHeader(random, framing, start, length - size);
                    break;
                case 1:
                    length = mutate(random, null, start, length);
                    break;
                case 2:
                    setLengthHeader(random, framing, start, length - size);
                    length = mutate(random, null, start, length);
                    break;
                default:
                    break;
            }
            final int frameLength = length;
            final Supplier<String> where = () -> target + " framed seed=" + frameSeed + " (replay with -D" + SEED_PROPERTY + "=" + FRAMED +
                frameSeed + "), " + framing + ": " + RandomMessages.hex(work, start, frameLength);

            view.wrap(work, start, length);
            final int whole = frameLength(framing, view, length, where);
            outcomes[outcome(whole)]++;
            for (int available = 0; available <= length; available++)
            {
                view.wrap(work, start, available);
                final int result = frameLength(framing, view, available, where);
                final int expected;
                if (available < size)
                {
                    expected = Framing.NEED_MORE;
                }
                else if (whole > 0)
                {
                    expected = available >= whole ? whole : Framing.NEED_MORE;
                }
                else
                {
                    expected = whole;
                }
                final int avail = available;
                assertEquals(expected, result, () -> "frameLength with " + avail + " bytes available\n" + where.get());
            }
            framed++;
            if (whole > 0 && !framing.keepAlive(whole))
            {
                final int lead = framing.messageOffset(0);
                check(start + lead, lead, framing.messageLength(whole), random, where);
            }
        }

        private int frameLength(final Framing framing, final UnsafeBuffer buffer, final int available, final Supplier<String> where)
        {
            final int result;
            try
            {
                result = framing.frameLength(buffer, 0, available);
            }
            catch (final Throwable ex)
            {
                throw new AssertionError("frameLength threw with " + available + " bytes\n" + where.get(), ex);
            }
            if (result > 0 && framing.keepAlive(result))
            {
                assertEquals(0, framing.lengthHeader().read(buffer, 0), () -> "a keep-alive whose length is not 0\n" + where.get());
            }
            else if (result > 0)
            {
                final int size = framing.lengthHeader().size();
                assertTrue(result <= available && result - size >= framing.headerLength() + 2 && result - size <= framing.maxFrameLength(),
                    () -> "frameLength " + result + " with " + available + " bytes\n" + where.get());
            }
            else
            {
                assertTrue(result >= Framing.TOO_SHORT, () -> "frameLength " + result + "\n" + where.get());
            }
            return result;
        }

        private static int outcome(final int result)
        {
            return result > 0 ? 4 : -result;
        }

        private void setLengthHeader(final SplittableRandom random, final Framing framing, final int at, final int actual)
        {
            final LengthHeader header = framing.lengthHeader();
            final int[] candidates = {
                0, 1, framing.headerLength() + 1, framing.headerLength() + 2, actual - 1, actual + 1,
                framing.maxFrameLength(), framing.maxFrameLength() + 1, header.maxLength(), random.nextInt(header.maxLength() + 1)};
            final int choice = random.nextInt(candidates.length + 3);
            if (choice < candidates.length)
            {
                final int value = Math.max(0, candidates[choice]);
                header.write(view, at, Math.min(value, header.maxLength()));
                return;
            }
            // Not a number at all: negative, spaces, hex nibbles.
            final byte[] junk;
            switch (header)
            {
                case ASCII_4:
                    junk = new String[] {"-001", "00-1", " 123", "12 3", "+100", "00a0", "\u0000\u0000\u0000\u0001"}[random.nextInt(7)].getBytes(US_ASCII);
                    break;
                default:
                    junk = new byte[] {(byte)random.nextInt(256), (byte)random.nextInt(256)};
                    if (header == LengthHeader.BCD_2 && random.nextBoolean())
                    {
                        junk[random.nextInt(2)] = (byte)(0xA0 | random.nextInt(16));
                    }
                    break;
            }
            System.arraycopy(junk, 0, work, at, junk.length);
        }

        // ------------------------------------------------------------ mutations

        /**
         * Mutates {@code work[start, start + length)} in place; returns the new length. Structural mutations
         * (length prefixes, bitmaps) use the seed's layout, so they go first, before bytes move.
         */
        private int mutate(final SplittableRandom random, final Seed seed, final int start, final int length)
        {
            int n = length;
            if (seed != null)
            {
                switch (random.nextInt(6))
                {
                    case 0:
                    case 1:
                        mutatePrefix(random, seed, start);
                        break;
                    case 2:
                    case 3:
                        mutateBitmap(random, start, n);
                        break;
                    default:
                        break;
                }
            }
            final int operations = random.nextInt(4);
            for (int op = 0; op < operations; op++)
            {
                n = mutateBytes(random, start, n);
            }
            return n;
        }

        private int mutateBytes(final SplittableRandom random, final int start, final int length)
        {
            final int capacity = work.length - start;
            switch (random.nextInt(8))
            {
                case 0:
                    if (length > 0)
                    {
                        work[start + random.nextInt(length)] ^= (byte)(1 << random.nextInt(8));
                    }
                    return length;
                case 1:
                    if (length > 0)
                    {
                        work[start + random.nextInt(length)] = (byte)random.nextInt(256);
                    }
                    return length;
                case 2:
                    if (length > 0)
                    {
                        work[start + random.nextInt(length)] = INTERESTING[random.nextInt(INTERESTING.length)];
                    }
                    return length;
                case 3:
                    return random.nextInt(length + 1);
                case 4:
                {
                    final int count = Math.min(1 + random.nextInt(16), capacity - length);
                    final int at = random.nextInt(length + 1);
                    System.arraycopy(work, start + at, work, start + at + count, length - at);
                    for (int i = 0; i < count; i++)
                    {
                        work[start + at + i] = random.nextBoolean() ?
                            (byte)random.nextInt(256) : INTERESTING[random.nextInt(INTERESTING.length)];
                    }
                    return length + count;
                }
                case 5:
                {
                    if (length == 0)
                    {
                        return 0;
                    }
                    final int at = random.nextInt(length);
                    final int count = 1 + random.nextInt(Math.min(16, length - at));
                    System.arraycopy(work, start + at + count, work, start + at, length - at - count);
                    return length - count;
                }
                case 6:
                {
                    // Duplicate a chunk in place: repeated fields, repeated prefixes.
                    if (length == 0)
                    {
                        return 0;
                    }
                    final int from = random.nextInt(length);
                    final int count = Math.min(Math.min(1 + random.nextInt(32), length - from), capacity - length);
                    final int at = random.nextInt(length + 1);
                    final byte[] chunk = Arrays.copyOfRange(work, start + from, start + from + count);
                    System.arraycopy(work, start + at, work, start + at + count, length - at);
                    System.arraycopy(chunk, 0, work, start + at, count);
                    return length + count;
                }
                default:
                {
                    // Splice in the tail of another corpus message.
                    final byte[] other = corpus.get(random.nextInt(corpus.size())).bytes();
                    final int at = random.nextInt(length + 1);
                    final int from = random.nextInt(other.length + 1);
                    final int count = Math.min(other.length - from, capacity - at);
                    System.arraycopy(other, from, work, start + at, count);
                    return at + count;
                }
            }
        }

        /** Sets one variable field's length prefix to 0, its maximum, one over, all nines, negative or non-digits. */
        private void mutatePrefix(final SplittableRandom random, final Seed seed, final int start)
        {
            if (seed.prefixFields().length == 0)
            {
                return;
            }
            final int i = random.nextInt(seed.prefixFields().length);
            final FieldSpec spec = dialect.field(seed.prefixFields()[i]);
            final int at = start + seed.prefixOffsets()[i];
            final int digits = spec.prefixDigits();
            final int bytes = spec.prefixLength();
            // The largest number the prefix can hold, which for BCD is more than its digit count says.
            final int nines = spec.lengthEncoding() == LengthEncoding.ASCII ? (int)Math.pow(10, digits) - 1 :
                spec.lengthEncoding() == LengthEncoding.BCD ? (int)Math.pow(100, bytes) - 1 : (1 << (8 * bytes)) - 1;
            final int choice = random.nextInt(7);
            if (choice < 4)
            {
                final int value = new int[] {0, spec.maxLength(), Math.min(spec.maxLength() + 1, nines), nines}[choice];
                writeNumber(spec.lengthEncoding(), at, bytes, value);
                return;
            }
            if (spec.lengthEncoding() == LengthEncoding.ASCII)
            {
                final String[] junk = digits == 2 ? new String[] {"-1", "-9", " 1", "1 ", "+1", "0A", ":0"} :
                    digits == 3 ? new String[] {"-01", "-99", "0-1", " 10", "1 0", "+10", "00/"} :
                        new String[] {"-001", "0-01", " 100", "+100", "000:"};
                final byte[] b = junk[random.nextInt(junk.length)].getBytes(US_ASCII);
                System.arraycopy(b, 0, work, at, Math.min(b.length, bytes));
                return;
            }
            // BCD or binary: a nibble above 9 somewhere, or any byte at all.
            final int k = random.nextInt(bytes);
            work[at + k] = choice == 4 ? (byte)(0xF0 | random.nextInt(16)) : choice == 5 ?
                (byte)((random.nextInt(10) << 4) | (10 + random.nextInt(6))) : (byte)random.nextInt(256);
        }

        private void writeNumber(final LengthEncoding encoding, final int at, final int bytes, final int value)
        {
            int v = value;
            for (int i = bytes - 1; i >= 0; i--)
            {
                switch (encoding)
                {
                    case ASCII:
                        work[at + i] = (byte)('0' + v % 10);
                        v /= 10;
                        break;
                    case BCD:
                        work[at + i] = (byte)(((v / 10 % 10) << 4) | (v % 10));
                        v /= 100;
                        break;
                    default:
                        work[at + i] = (byte)v;
                        v >>>= 8;
                        break;
                }
            }
        }

        /** Random bitmaps, bit 1 with no secondary, bits of undefined fields, non-hex characters. */
        private void mutateBitmap(final SplittableRandom random, final int start, final int length)
        {
            final int at = start + dialect.mtiLength();
            final int size = dialect.bitmapLength();
            if (at + size > start + length)
            {
                return;
            }
            long bitmap = readBitmap(at);
            switch (random.nextInt(6))
            {
                case 0:
                    bitmap = random.nextLong();
                    break;
                case 1:
                    bitmap |= Long.MIN_VALUE; // secondary named, the next bytes are fields
                    break;
                case 2:
                    bitmap &= Long.MAX_VALUE; // secondary present but not named
                    break;
                case 3:
                    if (undefined.length > 0)
                    {
                        final int f = undefined[random.nextInt(undefined.length)];
                        if (f <= 64)
                        {
                            bitmap |= Long.MIN_VALUE >>> (f - 1);
                        }
                        else
                        {
                            bitmap |= Long.MIN_VALUE; // named in a secondary bitmap, written over the first fields
                            writeBitmap(at + size, start + length, Long.MIN_VALUE >>> (f - 65) | random.nextLong());
                        }
                    }
                    else
                    {
                        bitmap ^= Long.MIN_VALUE >>> random.nextInt(64);
                    }
                    break;
                case 4:
                    bitmap ^= Long.MIN_VALUE >>> random.nextInt(64);
                    break;
                default:
                    if (dialect.bitmapEncoding() == ValueEncoding.HEX)
                    {
                        work[at + random.nextInt(size)] = new byte[] {'g', 'G', ' ', '-', 'x', 0, (byte)0xC1, 'a', 'f'}[random.nextInt(9)];
                        return;
                    }
                    bitmap = random.nextBoolean() ? -1L : 0L;
                    break;
            }
            writeBitmap(at, start + length, bitmap);
        }

        private long readBitmap(final int at)
        {
            long bitmap = 0;
            if (dialect.bitmapEncoding() == ValueEncoding.BINARY)
            {
                for (int i = 0; i < 8; i++)
                {
                    bitmap = (bitmap << 8) | (work[at + i] & 0xFF);
                }
                return bitmap;
            }
            for (int i = 0; i < 16; i++)
            {
                bitmap = (bitmap << 4) | (Character.digit(work[at + i], 16) & 0x0F);
            }
            return bitmap;
        }

        private void writeBitmap(final int at, final int end, final long bitmap)
        {
            final int size = dialect.bitmapLength();
            for (int i = 0; i < size && at + i < end; i++)
            {
                work[at + i] = dialect.bitmapEncoding() == ValueEncoding.BINARY ?
                    (byte)(bitmap >>> (56 - 8 * i)) : (byte)"0123456789ABCDEF".charAt((int)(bitmap >>> (60 - 4 * i)) & 0x0F);
            }
        }

        // ------------------------------------------------------------ the checks

        /**
         * Reads and scans {@code work[start, start + length)}, presented in a buffer that starts {@code lead}
         * bytes earlier and ends where the frame ends, and checks everything the reader says about it.
         */
        private void check(final int start, final int lead, final int length, final SplittableRandom random, final Supplier<String> origin)
        {
            frames++;
            view.wrap(work, start - lead, lead + length);
            final Supplier<String> where = () -> target + " " + origin.get() + "\nframe (" + length + " bytes at offset " + lead + "): " +
                RandomMessages.hex(work, start, length);
            final DecodeError error;
            try
            {
                error = reader.wrap(view, lead, length);
            }
            catch (final Throwable ex)
            {
                throw new AssertionError("reader threw\n" + where.get(), ex);
            }
            errors[error.ordinal()]++;
            try
            {
                checkError(error, length);
                checkFields(reader);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError(ex.getMessage() + "\n" + where.get() + "\nread as: " + reader, ex);
            }
            catch (final Throwable ex)
            {
                throw new AssertionError("accessor threw\n" + where.get() + "\nread as: " + reader, ex);
            }
            checkScanner(error, lead, length, where);
            if (error == DecodeError.NONE)
            {
                checkLayout(length, where);
                roundTrip(random, where);
                if (packager != null)
                {
                    checkJposAgrees(start, length, where);
                }
            }
        }

        private void checkError(final DecodeError error, final int length)
        {
            assertEquals(error, reader.error(), "error()");
            final int field = reader.errorField();
            final int offset = reader.errorOffset();
            if (error == DecodeError.NONE)
            {
                assertEquals(-1, field, "error field of a valid message");
                return;
            }
            assertTrue(offset >= 0 && offset <= length, "error offset " + offset + " outside [0, " + length + "]");
            switch (error)
            {
                case BAD_MTI:
                    assertEquals(0, field, "field of BAD_MTI");
                    break;
                case BAD_BITMAP:
                    assertEquals(1, field, "field of BAD_BITMAP");
                    break;
                case TRAILING_BYTES:
                    assertEquals(-1, field, "field of TRAILING_BYTES");
                    break;
                case UNDEFINED_FIELD:
                    assertTrue(field >= 2 && field <= FieldSpec.MAX_FIELD && !dialect.defines(field) && reader.bitmapHas(field),
                        "UNDEFINED_FIELD names field " + field);
                    break;
                case TRUNCATED:
                    assertTrue(field == 0 || field == 1 || (dialect.defines(field) && reader.bitmapHas(field) && !reader.has(field)),
                        "TRUNCATED names field " + field);
                    break;
                default:
                {
                    assertTrue(dialect.defines(field) && reader.bitmapHas(field) && !reader.has(field), error + " names field " + field);
                    final FieldSpec spec = dialect.field(field);
                    switch (error)
                    {
                        case BAD_LENGTH:
                        case LENGTH_OVER_MAX:
                            assertTrue(!spec.isFixed(), error + " on fixed field " + field);
                            break;
                        case BAD_HEX:
                            assertEquals(ValueEncoding.HEX, spec.encoding(), "BAD_HEX on field " + field);
                            break;
                        default:
                            assertTrue(spec.type() == FieldType.N || spec.type() == FieldType.Z || spec.type() == FieldType.XN,
                                "NOT_NUMERIC on " + spec.type() + " field " + field);
                            break;
                    }
                    break;
                }
            }
            if (field >= 2)
            {
                for (int f = field; f <= FieldSpec.MAX_FIELD; f++)
                {
                    assertTrue(!reader.has(f), "field " + f + " present after the fault at field " + field);
                }
            }
        }

        /** A valid message is exactly its MTI, bitmaps and fields, back to back in field order. */
        private void checkLayout(final int length, final Supplier<String> where)
        {
            int pos = reader.offset() + dialect.mtiLength() + dialect.bitmapLength() * (reader.bitmapHas(1) ? 2 : 1);
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                if (reader.has(f))
                {
                    final int field = f;
                    final int expected = pos;
                    assertEquals(expected, reader.rawOffset(f), () -> "field " + field + " does not follow the one before\n" + where.get());
                    assertEquals(reader.rawOffset(f) + reader.spec(f).prefixLength(), reader.valueOffset(f), where);
                    pos += reader.rawLength(f);
                }
            }
            assertEquals(reader.offset() + length, pos, () -> "fields do not end where the frame ends\n" + where.get());
        }

        /**
         * What we accept, jPOS (whose packagers check much less) must read to the same values. The other way
         * round does not hold: jPOS takes letters in numeric fields and ignores trailing bytes.
         */
        private void checkJposAgrees(final int start, final int length, final Supplier<String> where)
        {
            final ISOMsg m = new ISOMsg();
            m.setPackager(packager);
            final byte[] frame = Arrays.copyOfRange(work, start, start + length);
            final int consumed;
            try
            {
                consumed = m.unpack(frame);
            }
            catch (final Exception ex)
            {
                throw new AssertionError("we read it, jPOS cannot: " + ex + "\n" + where.get() + "\nread as: " + reader, ex);
            }
            assertEquals(length, consumed, () -> "jPOS consumed\n" + where.get());
            try
            {
                assertEquals(Mti.toString(reader.mti()), m.getMTI(), "MTI");
            }
            catch (final Exception ex)
            {
                throw new AssertionError(ex);
            }
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                final int field = f;
                assertEquals(m.hasField(f), reader.has(f), () -> "jPOS and we disagree on presence of field " + field + "\n" + where.get());
                if (reader.has(f))
                {
                    assertEquals(m.getString(f), reader.getString(f), () -> "jPOS and we disagree on field " + field + "\n" + where.get());
                }
            }
            jposAgreed++;
        }

        /** Every field the reader says it has can be read every way, without throwing and consistently. */
        private void checkFields(final MessageReader r)
        {
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                if (!r.has(f))
                {
                    continue;
                }
                assertTrue(r.bitmapHas(f), "field " + f + " read but not in the bitmap");
                final FieldSpec spec = r.spec(f);
                final String text = r.getString(f);
                final byte[] bytes = r.getBytes(f);
                final int written = r.getText(f, scratch, 0);
                final int units = r.units(f);
                assertTrue(units >= 0 && units <= spec.maxLength() && (!spec.isFixed() || units == spec.maxLength()), "units of field " + f);
                assertEquals(r.valueLength(f), spec.packedLength(units), "value length of field " + f);
                assertEquals(text, latin1(written), "getText of field " + f);
                if (spec.type() == FieldType.B)
                {
                    assertEquals(units, bytes.length, "bytes of binary field " + f);
                    assertEquals(RandomMessages.hex(bytes), text, "text of binary field " + f + " is its bytes in upper-case hex");
                }
                else
                {
                    assertEquals(units, text.length(), "text length of field " + f);
                    for (int i = 0; i < units; i++)
                    {
                        assertEquals(text.charAt(i), (char)(r.charAt(f, i) & 0xFF), "charAt of field " + f);
                    }
                }
                if ((spec.type() == FieldType.N || spec.type() == FieldType.XN) && units - (spec.type() == FieldType.XN ? 1 : 0) <= 18)
                {
                    final String digits = spec.type() == FieldType.XN ? text.substring(1) : text;
                    assertEquals(digits.isEmpty() ? 0L : Long.parseLong(digits), r.getLong(f), "getLong of field " + f);
                }
            }
        }

        private String latin1(final int n)
        {
            final char[] c = new char[n];
            for (int i = 0; i < n; i++)
            {
                c[i] = (char)(scratch.getByte(i) & 0xFF);
            }
            return new String(c);
        }

        /** The scanner agrees with the reader on everything up to field 11, the part it walks. */
        private void checkScanner(final DecodeError error, final int lead, final int length, final Supplier<String> where)
        {
            final DecodeError scanned;
            try
            {
                scanned = scanner.scan(view, lead, length);
            }
            catch (final Throwable ex)
            {
                throw new AssertionError("scanner threw\n" + where.get(), ex);
            }
            final Supplier<String> both = () -> "reader " + error + " at field " + reader.errorField() + ", scanner " + scanned + "\n" +
                where.get();
            assertEquals(reader.mti(), scanner.mti(), both);
            final int field = reader.errorField();
            final boolean faultInScannedPart = error != DecodeError.NONE && error != DecodeError.TRAILING_BYTES &&
                (field == 0 || (field >= 2 && field <= 11) ||
                    (field == 1 && (error == DecodeError.TRUNCATED || reader.errorOffset() == dialect.mtiLength())));
            if (faultInScannedPart)
            {
                assertEquals(error, scanned, both);
                return;
            }
            if (field == 1)
            {
                // A bad secondary bitmap: the scanner skips it unread, as documented.
                return;
            }
            assertEquals(DecodeError.NONE, scanned, both);
            assertEquals(reader.has(11) ? reader.getLong(11) : -1L, scanner.stan(), both);
            assertEquals(reader.has(2), scanner.hasPan(), both);
            if (reader.has(2))
            {
                assertEquals(Pan.mask(reader.getString(2)), scanner.appendMaskedPan(new StringBuilder()).toString(), both);
            }
        }

        /**
         * Unpack, pack, unpack: the fields re-encoded every way the writer offers (text, raw bytes, copy) read
         * back the same; and the writer's text encoding is a fixed point (pack of unpack of it is itself).
         */
        private void roundTrip(final SplittableRandom random, final Supplier<String> where)
        {
            roundTrips++;
            final int length;
            try
            {
                length = encode(reader, out, random);
            }
            catch (final Throwable ex)
            {
                throw new AssertionError("re-encoding threw\n" + where.get() + "\nread as: " + reader, ex);
            }
            assertEquals(DecodeError.NONE, reread.wrap(out, 0, length), () -> "re-encoded message does not read: " +
                RandomMessages.hex(bytes(out, length)) + "\n" + where.get());
            sameValues(reader, reread, () -> "re-encoded: " + RandomMessages.hex(bytes(out, length)) + "\n" + where.get());

            final int first = encode(reread, out2, null);
            assertEquals(DecodeError.NONE, canonical.wrap(out2, 0, first), where);
            sameValues(reread, canonical, where);
            final int second = encode(canonical, out, null);
            final byte[] a = bytes(out2, first);
            final byte[] b = bytes(out, second);
            assertTrue(Arrays.equals(a, b), () -> "text encoding is not stable: " + RandomMessages.hex(a) + " then " +
                RandomMessages.hex(b) + "\n" + where.get());
        }

        /** Copies every field of {@code from} into a new message; by text, raw bytes or copy when random is given. */
        private int encode(final MessageReader from, final UnsafeBuffer buffer, final SplittableRandom random)
        {
            writer.wrap(buffer, 0).mti(from.mti());
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                if (!from.has(f))
                {
                    continue;
                }
                final int way = random == null ? 0 : random.nextInt(3);
                if (way == 1 && from.spec(f).type() == FieldType.B)
                {
                    writer.putBytes(f, from.getBytes(f));
                }
                else if (way == 2)
                {
                    writer.copy(from, f);
                }
                else
                {
                    writer.putString(f, from.getString(f));
                }
            }
            return writer.finish();
        }

        private static void sameValues(final MessageReader a, final MessageReader b, final Supplier<String> where)
        {
            assertEquals(a.mti(), b.mti(), where);
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                final int field = f;
                assertEquals(a.has(f), b.has(f), () -> "presence of field " + field + "\n" + where.get());
                if (a.has(f))
                {
                    assertEquals(a.getString(f), b.getString(f), () -> "field " + field + "\n" + where.get());
                }
            }
        }

        private static byte[] bytes(final UnsafeBuffer buffer, final int length)
        {
            final byte[] b = new byte[length];
            buffer.getBytes(0, b);
            return b;
        }

        void report()
        {
            System.out.println(summary(target.toString(), frames, errors, framed, outcomes) + "; round trips=" + roundTrips +
                "; valid frames jPOS read alike=" + jposAgreed);
            addTotals(frames, errors, framed, outcomes);
        }
    }
}
