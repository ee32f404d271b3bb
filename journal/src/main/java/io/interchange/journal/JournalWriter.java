package io.interchange.journal;

import static io.interchange.journal.RecordDescriptor.BYTE_ORDER;
import static io.interchange.journal.RecordDescriptor.CHECKED_OFFSET;
import static io.interchange.journal.RecordDescriptor.CHECKSUM_OFFSET;
import static io.interchange.journal.RecordDescriptor.DECISION_LENGTH_OFFSET;
import static io.interchange.journal.RecordDescriptor.DECISION_OFFSET;
import static io.interchange.journal.RecordDescriptor.EVENT_TYPE_OFFSET;
import static io.interchange.journal.RecordDescriptor.FLAGS_OFFSET;
import static io.interchange.journal.RecordDescriptor.FLAG_INPUT;
import static io.interchange.journal.RecordDescriptor.FLAG_WAITED;
import static io.interchange.journal.RecordDescriptor.LENGTH_OFFSET;
import static io.interchange.journal.RecordDescriptor.LINK_ID_OFFSET;
import static io.interchange.journal.RecordDescriptor.MAX_DECISION_LENGTH;
import static io.interchange.journal.RecordDescriptor.MAX_OUTPUTS;
import static io.interchange.journal.RecordDescriptor.MIN_MASKABLE_PAN;
import static io.interchange.journal.RecordDescriptor.OUTPUT_COUNT_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_BODY_LENGTH_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_DIALECT_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_FLAGS_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_HEADER_LENGTH;
import static io.interchange.journal.RecordDescriptor.PART_ICC_WITHHELD;
import static io.interchange.journal.RecordDescriptor.PART_LINK_ID_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_PAN;
import static io.interchange.journal.RecordDescriptor.PART_PAN_FROM_TRACK;
import static io.interchange.journal.RecordDescriptor.PART_PAN_LENGTH_OFFSET;
import static io.interchange.journal.RecordDescriptor.PART_PAN_SHARED;
import static io.interchange.journal.RecordDescriptor.PART_WITHHELD;
import static io.interchange.journal.RecordDescriptor.SEQUENCE_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_DECODE_ERROR_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_ERROR_FIELD_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_ERROR_OFFSET_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_LENGTH;
import static io.interchange.journal.RecordDescriptor.SUMMARY_MESSAGE_LENGTH_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_MTI_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_PAN_FIRST_LENGTH;
import static io.interchange.journal.RecordDescriptor.SUMMARY_PAN_FIRST_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_PAN_LAST_LENGTH;
import static io.interchange.journal.RecordDescriptor.SUMMARY_PAN_LAST_OFFSET;
import static io.interchange.journal.RecordDescriptor.SUMMARY_PAN_LENGTH_OFFSET;
import static io.interchange.journal.RecordDescriptor.TIMESTAMP_OFFSET;
import static io.interchange.journal.RecordDescriptor.VERSION;
import static io.interchange.journal.RecordDescriptor.VERSION_OFFSET;
import static io.interchange.journal.RecordDescriptor.WAIT_LENGTH;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.FieldType;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.SensitiveData;
import io.interchange.codec.Track2;
import net.openhft.chronicle.core.OS;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Appends one record per ring event to the journal (layout in {@link RecordDescriptor}): the input message, the
 * decision and the outputs, each message rewritten without what the journal must never hold (DESIGN.md §7,
 * {@link KeptFields}) and with its PAN sealed ({@link PanCipher}): field 2, or for a swipe that has none, the card
 * number in track 2. Used by the ring's journal handler only: single threaded, no locks, and no allocation per
 * {@link #append} in steady state (JournalAppendBenchmark, {@code -prof gc}).
 *
 * <p>Each business day is one queue cycle ({@link CycleClock}), chosen by the event's timestamp, never the wall
 * clock. Reopened on a journal, the writer appends after its last record. A thread of its own ({@link Pretoucher})
 * faults the file's pages in ahead of the appends, so that the ring's journal thread does not.
 *
 * <p>A message that does not parse (the engine journals malformed input too) is never written, not even in
 * part: which of its bytes are track data or a PIN block cannot be known. Its record keeps a summary instead:
 * length, MTI, why and where it failed, and the PAN masked to first six and last four when field 2 was read.
 *
 * <p>Its scratch buffers hold clear PANs and track data between appends, as the ring's slots do: process memory
 * is inside the switch's cardholder-data environment; only the files must be safe to copy out.
 */
public final class JournalWriter implements AutoCloseable
{
    private static final int INITIAL_RECORD_CAPACITY = 64 * 1024;

    private final Dialect[] dialects;
    private final MessageReader[] readers;
    private final MessageWriter[] writers;
    private final KeptFields kept;
    private final SealedPans pans;
    private final CycleClock clock;
    private final SingleChronicleQueue queue;
    private final CRC32C crc = new CRC32C();

    private final ExpandableArrayBuffer record = new ExpandableArrayBuffer(INITIAL_RECORD_CAPACITY);
    private final UnsafeBuffer pan = new UnsafeBuffer(new byte[PanCipher.MAX_PAN_LENGTH]);
    /** The PAN the record's input part sealed, which an output with the same digits shares; its length, 0 if none. */
    private final UnsafeBuffer inputPan = new UnsafeBuffer(new byte[PanCipher.MAX_PAN_LENGTH]);
    private int inputPanLength;

    private boolean iccWithheld;

    private final Pretoucher pretoucher;
    /** With {@link Durability#MSYNC_PER_BATCH}, what puts a batch on the device; else null. */
    private final BatchSync batchSync;
    // Made on first append, on the thread that appends: Chronicle appenders belong to one thread.
    private ExcerptAppender appender;

    public JournalWriter(final JournalConfig config)
    {
        final List<Dialect> table = config.dialects();
        this.dialects = table.toArray(new Dialect[0]);
        this.readers = new MessageReader[dialects.length];
        this.writers = new MessageWriter[dialects.length];
        this.kept = new KeptFields(table);
        for (int i = 0; i < dialects.length; i++)
        {
            final Dialect dialect = dialects[i];
            final FieldSpec panSpec = dialect.field(SensitiveData.PAN);
            if (panSpec != null && panSpec.maxLength() > PanCipher.MAX_PAN_LENGTH)
            {
                throw new IllegalArgumentException(dialect.name() + ": field 2 holds up to " + panSpec.maxLength() +
                    " characters, the journal seals at most " + PanCipher.MAX_PAN_LENGTH);
            }
            readers[i] = new MessageReader(dialect);
            writers[i] = new MessageWriter(dialect);
        }

        final byte[] encryptionKey = config.panEncryptionKey();
        final byte[] hashKey = config.panHashKey();
        try
        {
            this.pans = new SealedPans(new PanCipher(encryptionKey, hashKey));
        }
        finally
        {
            Arrays.fill(encryptionKey, (byte)0);
            Arrays.fill(hashKey, (byte)0);
        }

        this.clock = new CycleClock(new BusinessDay(config.cutoff(), config.zone()));
        writable(config.directory());
        this.queue = open(config, clock);
        if (queue.firstCycle() != Integer.MAX_VALUE)
        {
            clock.notBefore(queue.lastCycle());
        }
        this.batchSync = config.durability() == Durability.MSYNC_PER_BATCH ? new BatchSync() : null;
        this.pretoucher = new Pretoucher(OS.pageAlign(queue.blockSize()), queue.overlapSize(), "journal-pretouch");
    }

    /**
     * Makes the journal's directory, or says why it cannot: Chronicle Queue opens a directory it cannot make or write
     * read only, with a warning, and every append then fails.
     */
    private static void writable(final Path directory)
    {
        try
        {
            Files.createDirectories(directory);
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw new IllegalStateException("journal " + directory + " cannot be made: " + ex, ex);
        }
        if (!Files.isWritable(directory))
        {
            throw new IllegalStateException("journal " + directory + " cannot be written");
        }
    }

    /** The queue the writer appends to: a daily cycle numbered by epoch day, told the day by {@code clock}. */
    private static SingleChronicleQueue open(final JournalConfig config, final CycleClock clock)
    {
        final SingleChronicleQueueBuilder builder = ChronicleQueue.singleBuilder(config.directory())
            .rollCycle(RollCycles.FAST_DAILY)
            .epoch(0)
            .timeProvider(clock);
        return builder.build();
    }

    /**
     * Writes the event's record as one Chronicle Queue document and returns its index. Throws
     * {@link IllegalArgumentException} for an entry outside its contract (event type, counts, lengths, dialect id):
     * a bug in the caller, not bad input, which is journaled like any other.
     */
    public long append(final JournalEntry entry)
    {
        final int eventType = entry.eventType();
        final int outputCount = entry.outputCount();
        final int decisionLength = entry.decisionLength();
        final int waitMicros = entry.waitMicros();
        if ((eventType & ~0xFF) != 0 || outputCount < 0 || outputCount > MAX_OUTPUTS || decisionLength < 0 || decisionLength > MAX_DECISION_LENGTH ||
            waitMicros < 0)
        {
            throw new IllegalArgumentException("entry " + entry.sequence() + ": event type " + eventType + ", " + outputCount +
                " outputs, decision of " + decisionLength + " bytes, wait of " + waitMicros + " us: allowed are 0-255, 0-" + MAX_OUTPUTS + ", 0-" +
                MAX_DECISION_LENGTH + ", not negative");
        }
        clock.advanceTo(entry.timestampNanos());

        record.checkLimit(DECISION_OFFSET + decisionLength + WAIT_LENGTH);
        record.putByte(VERSION_OFFSET, (byte)VERSION);
        record.putByte(EVENT_TYPE_OFFSET, (byte)eventType);
        record.putByte(OUTPUT_COUNT_OFFSET, (byte)outputCount);
        record.putLong(SEQUENCE_OFFSET, entry.sequence(), BYTE_ORDER);
        record.putLong(TIMESTAMP_OFFSET, entry.timestampNanos(), BYTE_ORDER);
        record.putInt(LINK_ID_OFFSET, entry.linkId(), BYTE_ORDER);
        record.putByte(DECISION_LENGTH_OFFSET, (byte)decisionLength);
        record.putBytes(DECISION_OFFSET, entry.decisionBuffer(), 0, decisionLength);
        int position = DECISION_OFFSET + decisionLength;

        int flags = 0;
        if (waitMicros >= JournalEntry.MIN_WAIT_MICROS)
        {
            // Most events waited less: their records stay as long as before the wait was kept.
            flags |= FLAG_WAITED;
            record.putInt(position, waitMicros, BYTE_ORDER);
            position += WAIT_LENGTH;
        }
        boolean inputWithheld = false;
        inputPanLength = 0;
        final int inputDialect = entry.inputDialectId();
        if (inputDialect >= 0)
        {
            flags |= FLAG_INPUT;
            final int inputAt = position;
            position = writePart(position, inputDialect, entry.linkId(), indexedInput(entry), entry.inputBuffer(), entry.inputOffset(),
                entry.inputLength(), false);
            inputWithheld = (record.getByte(inputAt + PART_FLAGS_OFFSET) & PART_WITHHELD) != 0;
            inputPanLength = (record.getByte(inputAt + PART_FLAGS_OFFSET) & PART_PAN) != 0 ? record.getByte(inputAt + PART_PAN_LENGTH_OFFSET) & 0xFF : 0;
            if (inputPanLength > 0)
            {
                inputPan.putBytes(0, pan, 0, inputPanLength);
            }
        }
        for (int i = 0; i < outputCount; i++)
        {
            // The answer to a message that did not parse echoes its key fields as the switch read them, and a field
            // read out of place (a doubled field, a flipped bitmap bit) can hold the card number or track 2: it is as
            // untrusted as the message, so withheld with it. Advices to other links are the switch's own, kept.
            final int linkId = entry.outputLinkId(i);
            position = writePart(position, entry.outputDialectId(i), linkId, null, entry.outputBuffer(i), entry.outputOffset(i),
                entry.outputLength(i), inputWithheld && linkId == entry.linkId());
        }
        record.putByte(FLAGS_OFFSET, (byte)flags);
        record.putInt(LENGTH_OFFSET, position, BYTE_ORDER);
        crc.reset();
        crc.update(record.byteArray(), CHECKED_OFFSET, position - CHECKED_OFFSET);
        record.putInt(CHECKSUM_OFFSET, (int)crc.getValue(), BYTE_ORDER);

        final ExcerptAppender appender = appender();
        try (DocumentContext document = appender.writingDocument())
        {
            final var bytes = document.wire().bytes();
            bytes.write(record.byteArray(), 0, position);
            pretoucher.wrote(appender.currentFile(), bytes.writePosition());
            if (batchSync != null)
            {
                batchSync.wrote(appender.currentFile());
            }
            return document.index();
        }
    }

    /** The end of a ring batch: with {@link Durability#MSYNC_PER_BATCH}, returns once the batch's records are on the device. */
    public void endOfBatch()
    {
        if (batchSync != null)
        {
            batchSync.endOfBatch();
        }
    }

    @Override
    public void close()
    {
        pretoucher.close();
        if (batchSync != null)
        {
            batchSync.close();
        }
        if (appender != null)
        {
            appender.close();
        }
        queue.close();
    }

    /** For the tests: the pretoucher, and the file last appended to (null before any append). */
    Pretoucher pretoucher()
    {
        return pretoucher;
    }

    /** For the tests: what puts each batch on the device with {@link Durability#MSYNC_PER_BATCH}, else null. */
    BatchSync batchSync()
    {
        return batchSync;
    }

    File currentFile()
    {
        return appender == null ? null : appender.currentFile();
    }

    private ExcerptAppender appender()
    {
        if (appender == null)
        {
            appender = queue.createAppender();
        }
        return appender;
    }

    /**
     * The entry's input as the switch indexed it, when that reader is this journal's dialect's and over the entry's
     * bytes; otherwise null, and the journal indexes it itself. Saves parsing each input twice.
     */
    private MessageReader indexedInput(final JournalEntry entry)
    {
        final MessageReader reader = entry.inputReader();
        final int dialectId = entry.inputDialectId();
        // A dialect id outside the table is refused by writePart, as for an entry that offers no index.
        return reader != null && dialectId < dialects.length && reader.dialect() == dialects[dialectId] && reader.buffer() == entry.inputBuffer() &&
            reader.offset() == entry.inputOffset() && reader.length() == entry.inputLength() ? reader : null;
    }

    /**
     * One message at {@code position}: header, sealed PAN, body. Returns where the next part goes.
     *
     * @param indexed the message already indexed over {@code buffer[offset, +length)}, or null
     * @param answersWithheld the part answers an input that was withheld: a response is then withheld too
     */
    private int writePart(
        final int position, final int dialectId, final int linkId, final MessageReader indexed, final DirectBuffer buffer, final int offset,
        final int length, final boolean answersWithheld)
    {
        if (dialectId < 0 || dialectId >= dialects.length)
        {
            throw new IllegalArgumentException("dialect id " + dialectId + " is not in the journal's table of " + dialects.length);
        }
        final MessageReader reader = indexed != null ? indexed : readers[dialectId];
        // A stripped message is never longer than the original: fields only go, and field 55 only shrinks.
        record.checkLimit(position + PART_HEADER_LENGTH + PanCipher.sealedLength(PanCipher.MAX_PAN_LENGTH) + Math.max(length, SUMMARY_LENGTH));

        int flags = 0;
        int panLength = 0;
        int bodyStart = position + PART_HEADER_LENGTH;
        final int bodyLength;
        final DecodeError decoded = indexed != null ? indexed.error() : reader.wrap(buffer, offset, length);
        if (decoded != DecodeError.NONE || answersWithheld && !Mti.isRequest(reader.mti()))
        {
            flags = PART_WITHHELD;
            bodyLength = writeSummary(reader, bodyStart, length);
        }
        else
        {
            if (reader.has(SensitiveData.PAN))
            {
                panLength = reader.getText(SensitiveData.PAN, pan, 0);
            }
            else if (reader.has(Track2.FIELD))
            {
                // A swipe that sends the card number only in track 2 (UnionPay POS does): clearing and replay need it,
                // and track 2 itself is never kept. Sealed like field 2, marked as read from the track.
                panLength = Math.max(Track2.panLength(reader, Track2.FIELD), 0);
                for (int i = 0; i < panLength; i++)
                {
                    pan.putByte(i, reader.charAt(Track2.FIELD, i));
                }
                flags = panLength > 0 ? PART_PAN_FROM_TRACK : 0;
            }
            // While the input part itself is written, the input's PAN length is still 0: only outputs share.
            final boolean shared = panLength > 0 && isInputPan(panLength);
            if (shared)
            {
                flags |= PART_PAN | PART_PAN_SHARED;
            }
            else if (panLength > 0)
            {
                flags |= PART_PAN;
                bodyStart += PanCipher.sealedLength(panLength);
            }
            bodyLength = writeStripped(reader, dialectId, bodyStart);
            if (iccWithheld)
            {
                flags |= PART_ICC_WITHHELD;
            }
            if (panLength > 0 && !shared)
            {
                pans.seal(pan, panLength, record, position + PART_HEADER_LENGTH);
            }
        }
        record.putByte(position + PART_FLAGS_OFFSET, (byte)flags);
        record.putByte(position + PART_PAN_LENGTH_OFFSET, (byte)panLength);
        record.putShort(position + PART_DIALECT_OFFSET, (short)dialectId, BYTE_ORDER);
        record.putInt(position + PART_LINK_ID_OFFSET, linkId, BYTE_ORDER);
        record.putInt(position + PART_BODY_LENGTH_OFFSET, bodyLength, BYTE_ORDER);
        return bodyStart + bodyLength;
    }

    /** True when the PAN just read, {@code pan[0, length)}, is the digits of the input part's sealed PAN. */
    private boolean isInputPan(final int length)
    {
        if (length != inputPanLength)
        {
            return false;
        }
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            if (pan.getLong(i) != inputPan.getLong(i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (pan.getByte(i) != inputPan.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The message less its dropped fields, field 55 rebuilt, at {@code at}; returns its length. The kept fields on
     * either side of 55 go across in runs, one copy for each stretch between dropped fields.
     */
    private int writeStripped(final MessageReader reader, final int dialectId, final int at)
    {
        final MessageWriter writer = writers[dialectId].wrap(record, at).mti(reader.mti());
        final int icc = SensitiveData.ICC_DATA;
        iccWithheld = false;
        final long primary = kept.copiedPrimary(dialectId, reader.mti());
        writer.copyKept(reader, icc - 1, primary, kept.copiedSecondary(dialectId));
        if (reader.has(icc) && !kept.isDropped(dialectId, icc))
        {
            iccWithheld = !copyIcc(reader, writer);
        }
        writer.copyKept(reader, FieldSpec.MAX_FIELD, primary, kept.copiedSecondary(dialectId));
        return writer.finish();
    }

    /**
     * Field 55 without its sensitive tags; false, writing nothing, when it is not BER-TLV (or, in a dialect that
     * makes it fixed length, when stripping would change its length).
     */
    private boolean copyIcc(final MessageReader reader, final MessageWriter writer)
    {
        final int field = SensitiveData.ICC_DATA;
        final int stripped = kept.keptIcc(reader);
        if (stripped == KeptFields.WITHHELD)
        {
            return false;
        }
        if (stripped == kept.sentIccLength())
        {
            // Nothing to take out (an issuer's answer seldom has any): the field goes across as it came.
            writer.copy(reader, field);
        }
        else if (reader.spec(field).type() == FieldType.B)
        {
            writer.putBytes(field, kept.iccBuffer(), 0, stripped);
        }
        else
        {
            writer.putText(field, kept.iccBuffer(), 0, stripped);
        }
        return true;
    }

    /** What is kept of a message that did not parse. */
    private int writeSummary(final MessageReader reader, final int at, final int length)
    {
        record.putInt(at + SUMMARY_MESSAGE_LENGTH_OFFSET, length, BYTE_ORDER);
        record.putInt(at + SUMMARY_ERROR_OFFSET_OFFSET, reader.errorOffset(), BYTE_ORDER);
        record.putShort(at + SUMMARY_MTI_OFFSET, (short)reader.mti(), BYTE_ORDER);
        record.putShort(at + SUMMARY_ERROR_FIELD_OFFSET, (short)reader.errorField(), BYTE_ORDER);
        record.putByte(at + SUMMARY_DECODE_ERROR_OFFSET, (byte)reader.error().ordinal());
        final int panLength = reader.has(SensitiveData.PAN) ? reader.getText(SensitiveData.PAN, pan, 0) : 0;
        record.putByte(at + SUMMARY_PAN_LENGTH_OFFSET, (byte)panLength);
        final boolean maskable = panLength >= MIN_MASKABLE_PAN;
        for (int i = 0; i < SUMMARY_PAN_FIRST_LENGTH; i++)
        {
            record.putByte(at + SUMMARY_PAN_FIRST_OFFSET + i, maskable ? pan.getByte(i) : 0);
        }
        for (int i = 0; i < SUMMARY_PAN_LAST_LENGTH; i++)
        {
            record.putByte(at + SUMMARY_PAN_LAST_OFFSET + i, maskable ? pan.getByte(panLength - SUMMARY_PAN_LAST_LENGTH + i) : 0);
        }
        return SUMMARY_LENGTH;
    }
}
