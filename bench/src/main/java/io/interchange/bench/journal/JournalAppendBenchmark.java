package io.interchange.bench.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.ResponseWriter;
import io.interchange.codec.dialect.Iso87;
import io.interchange.journal.Durability;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalEntry;
import io.interchange.journal.JournalWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The journal handler's work for one purchase: append the record of an event whose input is a 118-byte ISO87B 0200
 * (PAN, track 2, PIN block; the same message as FinancialRequestBenchmark) and whose output is its 0210, to a
 * Chronicle Queue in a temporary directory, then end the batch. Each op strips 35 and 52, seals the PAN (one HMAC
 * and one AES-GCM: the cards rotate through 16,384 PANs, four times what the journal remembers sealed, so every
 * event brings a card it has forgotten, and its 0210 reuses the sealed form), checksums and appends one document.
 *
 * <p>Must allocate nothing ({@code -prof gc}: gc.alloc.rate.norm ≈ 0). {@code MSYNC_PER_BATCH} ends every batch of
 * one with an msync: the worst case of that durability, a batch per event.
 *
 * <p>Run: {@code java @jvm.options -jar bench/target/benchmarks.jar JournalAppendBenchmark -prof gc}. It writes some
 * 300 bytes an op, a few GB a run, to java.io.tmpdir, removed at the end of each trial.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournalAppendBenchmark
{
    private static final int REQUEST_LENGTH = 118;
    private static final int CARDS = 16_384;
    private static final long MICROSECOND = 1_000L;

    @Param({"PROCESS_CRASH_SAFE", "MSYNC_PER_BATCH"})
    public Durability durability;

    private final Event event = new Event();
    private Path directory;
    private JournalWriter writer;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        directory = Files.createTempDirectory("journal-bench");
        final byte[] encryptionKey = new byte[JournalConfig.KEY_LENGTH];
        final byte[] hashKey = new byte[JournalConfig.KEY_LENGTH];
        for (int i = 0; i < JournalConfig.KEY_LENGTH; i++)
        {
            encryptionKey[i] = (byte)(i + 1);
            hashKey[i] = (byte)(0x80 + i);
        }
        writer = new JournalWriter(new JournalConfig(
            directory, durability, LocalTime.of(23, 0), ZoneId.of("Asia/Shanghai"), encryptionKey, hashKey, List.of(Iso87.BINARY)));

        final MessageReader reader = new MessageReader(Iso87.BINARY);
        final MessageWriter messages = new MessageWriter(Iso87.BINARY);
        final ResponseWriter responses = new ResponseWriter(ResponseWriter.FINANCIAL_ECHO);
        for (int card = 0; card < CARDS; card++)
        {
            final UnsafeBuffer request = event.requests[card];
            final int length = purchase(messages.wrap(request, 0), String.format("47617390010%05d", card));
            if (length != REQUEST_LENGTH || reader.wrap(request, 0, length) != DecodeError.NONE)
            {
                throw new IllegalStateException("the 0200 is " + length + " bytes, not " + REQUEST_LENGTH + ": " + reader);
            }
            event.responseLengths[card] = responses.begin(reader, messages.wrap(event.responses[card], 0))
                .putString(38, "A1B2C3").putString(39, "00").finish();
        }
        // Midnight in Shanghai: a microsecond an op stays within the business day for hours of ops.
        event.timestampNanos = Instant.parse("2026-03-10T16:00:00Z").getEpochSecond() * 1_000_000_000L;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        writer.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }

    /** One ring event, journaled, then the end of its batch. */
    @Benchmark
    public long append()
    {
        event.next();
        final long index = writer.append(event);
        writer.endOfBatch();
        return index;
    }

    /** The fields of FinancialRequestBenchmark's 0200, ISO87B: 118 bytes with a 16-digit PAN. */
    private static int purchase(final MessageWriter w, final String pan)
    {
        return w.mti(200).putString(2, pan).putString(3, "000000").putString(4, "000000001000").putString(7, "1126050912")
            .putString(11, "000123").putString(12, "050912").putString(13, "1126").putString(14, "2512").putString(22, "051")
            .putString(25, "00").putString(35, pan + "=25122011143804400").putString(37, "123456789012").putString(41, "TERM0001")
            .putString(42, "MERCHANT0000001").putString(49, "840").putString(52, "0123456789ABCDEF").putString(64, "1122334455667788")
            .finish();
    }

    /** What the engine's ring slot will present: an 0200 in from link 1, its 0210 out to link 1. */
    static final class Event implements JournalEntry
    {
        final UnsafeBuffer[] requests = new UnsafeBuffer[CARDS];
        final UnsafeBuffer[] responses = new UnsafeBuffer[CARDS];
        final int[] responseLengths = new int[CARDS];
        final UnsafeBuffer decision = new UnsafeBuffer(new byte[] {'0', '0', 0, 7});
        long sequence;
        long timestampNanos;
        int card;

        Event()
        {
            for (int i = 0; i < CARDS; i++)
            {
                requests[i] = new UnsafeBuffer(new byte[256]);
                responses[i] = new UnsafeBuffer(new byte[256]);
            }
        }

        void next()
        {
            sequence++;
            timestampNanos += MICROSECOND;
            card = (card + 1) & (CARDS - 1);
        }

        @Override
        public long sequence()
        {
            return sequence;
        }

        @Override
        public int eventType()
        {
            return 1;
        }

        @Override
        public long timestampNanos()
        {
            return timestampNanos;
        }

        @Override
        public int linkId()
        {
            return 1;
        }

        /** Taken up at once, as nearly every request is: the record without a wait. */
        @Override
        public int waitMicros()
        {
            return 0;
        }

        @Override
        public int inputDialectId()
        {
            return 0;
        }

        @Override
        public DirectBuffer inputBuffer()
        {
            return requests[card];
        }

        @Override
        public int inputOffset()
        {
            return 0;
        }

        @Override
        public int inputLength()
        {
            return REQUEST_LENGTH;
        }

        /** None: the journal indexes the 0200 itself here; in the ring it takes the decode stage's index. */
        @Override
        public MessageReader inputReader()
        {
            return null;
        }

        @Override
        public DirectBuffer decisionBuffer()
        {
            return decision;
        }

        @Override
        public int decisionLength()
        {
            return decision.capacity();
        }

        @Override
        public int outputCount()
        {
            return 1;
        }

        @Override
        public int outputLinkId(final int i)
        {
            return 1;
        }

        @Override
        public int outputDialectId(final int i)
        {
            return 0;
        }

        @Override
        public DirectBuffer outputBuffer(final int i)
        {
            return responses[card];
        }

        @Override
        public int outputOffset(final int i)
        {
            return 0;
        }

        @Override
        public int outputLength(final int i)
        {
            return responseLengths[card];
        }
    }
}
