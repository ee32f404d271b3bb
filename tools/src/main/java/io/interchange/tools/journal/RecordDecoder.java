package io.interchange.tools.journal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.Pan;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.switching.Decision;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.InputException;

/**
 * Turns journal records into {@link RecordView}s: the messages read with the journal's dialect table, the decision
 * read as {@link Decision} lays it out, listener and issuer indexes named from the config. A PAN is decrypted into
 * a scratch buffer, masked from there and the buffer zeroed: no String ever holds the clear number.
 */
final class RecordDecoder
{
    private static final int[] KEY_FIELDS = {3, 4, 11, 37, 38, 41, 42, 49, 39};
    private static final int PAN_CAPACITY = 64;

    private final SwitchConfig config;
    private final MessageReader[] readers;
    private final UnsafeBuffer panDigits = new UnsafeBuffer(new byte[PAN_CAPACITY]);

    RecordDecoder(final SwitchConfig config, final List<Dialect> dialects)
    {
        this.config = config;
        this.readers = new MessageReader[dialects.size()];
        for (int i = 0; i < readers.length; i++)
        {
            readers[i] = new MessageReader(dialects.get(i));
        }
    }

    RecordView view(final JournalRecord record)
    {
        final Instant time = Instant.EPOCH.plusNanos(record.timestampNanos());
        if (!record.checksumValid())
        {
            return new RecordView(record.index(), record.sequence(), time, record.businessDay(), true, EventType.name(record.eventType()),
                record.linkId(), "", "", List.of(), "", "", "", "", "", "", "", "", "", "", "", "");
        }
        final String[] keys = new String[KEY_FIELDS.length];
        // An issuer's answer carries the switch's STAN and RRN; its relay, the terminal's: the terminal's are the
        // ones to show and filter by, so for issuer events the outputs' fields come first.
        final boolean outputsFirst = record.eventType() == EventType.ISSUER_MESSAGE;
        // Advices from the store-and-forward queue ride on whatever event had outputs to spare: on a tick they are what
        // the record is about; on any other event they are someone else's transactions, listed but not shown as its own.
        final boolean ridingAdvices = record.eventType() != EventType.TICK && record.decisionLength() >= Decision.LENGTH &&
            Decision.advicesSent(record.buffer(), record.decisionOffset());
        String pan = "";
        String mti = "";
        final List<String> outputs = new ArrayList<>();
        if (record.hasInput())
        {
            if (record.isWithheld(JournalRecord.INPUT))
            {
                mti = "withheld";
                pan = record.withheld(JournalRecord.INPUT).appendMaskedPan(new StringBuilder()).toString();
            }
            else
            {
                final MessageReader reader = read(record, JournalRecord.INPUT);
                mti = reader == null ? "????" : Mti.toString(reader.mti());
                pan = maskedPan(record, JournalRecord.INPUT);
                if (reader != null && !outputsFirst)
                {
                    collect(reader, keys);
                }
            }
        }
        for (int i = 0; i < record.outputCount(); i++)
        {
            final int part = JournalRecord.output(i);
            if (record.isWithheld(part))
            {
                // An output of no bytes sent nothing: the switch closed that link.
                outputs.add(record.withheld(part).messageLength() == 0 ? "close:" + record.linkId(part) : "withheld");
                continue;
            }
            final MessageReader reader = read(record, part);
            outputs.add(reader == null ? "????" : Mti.toString(reader.mti()));
            if (ridingAdvices && reader != null && isAdvice(reader.mti()))
            {
                continue;
            }
            if (reader != null)
            {
                collect(reader, keys);
            }
            if (pan.isEmpty())
            {
                pan = maskedPan(record, part);
            }
        }
        if (outputsFirst && record.hasInput() && !record.isWithheld(JournalRecord.INPUT))
        {
            final MessageReader reader = read(record, JournalRecord.INPUT);
            if (reader != null)
            {
                collect(reader, keys);
            }
        }
        String responseCode = "";
        String outcome = "";
        String endpoint = "";
        String issuer = "";
        if (record.decisionLength() >= Decision.LENGTH)
        {
            final int at = record.decisionOffset();
            final String code = Decision.responseCode(record.buffer(), at);
            responseCode = code == null ? "" : code;
            outcome = Decision.outcome(record.buffer(), at).name();
            endpoint = endpoint(record.eventType(), Decision.endpoint(record.buffer(), at));
            final int issuerIndex = Decision.issuer(record.buffer(), at);
            issuer = issuerIndex >= 0 && issuerIndex < config.issuers().size() ? config.issuers().get(issuerIndex).id() : "";
        }
        if (responseCode.isEmpty())
        {
            // A relayed answer's code is the issuer's: the decision leaves it to the message.
            responseCode = text(keys[8]);
        }
        return new RecordView(record.index(), record.sequence(), time, record.businessDay(), false, EventType.name(record.eventType()),
            record.linkId(), endpoint, mti, outputs, pan, text(keys[0]), text(keys[1]), text(keys[7]), text(keys[2]), text(keys[3]),
            text(keys[4]), text(keys[5]), text(keys[6]), responseCode, outcome, issuer);
    }

    /** The part's message read, or null when it does not parse (it did when journaled: that would be a bug, shown as ????). */
    MessageReader read(final JournalRecord record, final int part)
    {
        final MessageReader reader = readers[record.dialectId(part)];
        return reader.wrap(record.buffer(), record.messageOffset(part), record.messageLength(part)) == DecodeError.NONE ? reader : null;
    }

    /** Listener names for acquirer events, issuer ids for issuer events. */
    private String endpoint(final int eventType, final int endpoint)
    {
        if (endpoint < 0)
        {
            return "";
        }
        final boolean acquirer = eventType == EventType.ACQUIRER_MESSAGE || eventType == EventType.ACQUIRER_UP ||
            eventType == EventType.ACQUIRER_DOWN || eventType == EventType.ACQUIRER_INPUT_CLOSED || eventType == EventType.BAD_FRAME;
        final boolean issuerSide = eventType == EventType.ISSUER_MESSAGE || eventType == EventType.ISSUER_UP || eventType == EventType.ISSUER_DOWN;
        if (acquirer && endpoint < config.listeners().size())
        {
            return config.listeners().get(endpoint).name();
        }
        if (issuerSide && endpoint < config.issuers().size())
        {
            return config.issuers().get(endpoint).id();
        }
        return "#" + endpoint;
    }

    /** 0220, 0120, 0420 and their repeats: what the switch sends issuers only from its store-and-forward queue. */
    private static boolean isAdvice(final int mti)
    {
        final int kind = mti - mti % 10;
        return kind == Mti.FINANCIAL_ADVICE || kind == Mti.AUTHORIZATION_ADVICE || kind == Mti.REVERSAL_ADVICE;
    }

    private static void collect(final MessageReader reader, final String[] keys)
    {
        for (int i = 0; i < KEY_FIELDS.length; i++)
        {
            if (keys[i] == null && reader.has(KEY_FIELDS[i]))
            {
                keys[i] = reader.getString(KEY_FIELDS[i]);
            }
        }
    }

    private String maskedPan(final JournalRecord record, final int part)
    {
        if (!record.hasPan(part))
        {
            return "";
        }
        final int n;
        try
        {
            n = record.decryptPan(part, panDigits, 0);
        }
        catch (final IllegalStateException ex)
        {
            // The checksum held, so the bytes are the writer's: the key is not.
            throw new InputException("the PAN of record 0x" + Long.toHexString(record.index()) + " (seq " + record.sequence() +
                ") does not decrypt under the config's pan-encryption key: give the switch's own config with --config");
        }
        try
        {
            return Pan.appendMasked(new Digits(panDigits, n), new StringBuilder(n)).toString();
        }
        finally
        {
            panDigits.setMemory(0, n, (byte)0);
        }
    }

    private static String text(final String value)
    {
        return value == null ? "" : value.strip();
    }

    /** The clear digits as a CharSequence over the scratch buffer, for masking without a String of them. */
    private record Digits(UnsafeBuffer buffer, int length) implements CharSequence
    {
        @Override
        public char charAt(final int i)
        {
            return (char)buffer.getByte(i);
        }

        @Override
        public CharSequence subSequence(final int start, final int end)
        {
            throw new UnsupportedOperationException("a PAN is only masked");
        }

        /** Masked, should anything ever print it. */
        @Override
        public String toString()
        {
            return Pan.mask(this);
        }
    }
}
