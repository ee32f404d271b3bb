package io.interchange.codec;

import org.agrona.DirectBuffer;

/**
 * Builds the response to a request: MTI +10 (0200 → 0210), the request's fields that the response must carry
 * echoed in place, and the fields the responder adds. Fields still go in ascending order, and every echo field
 * below the one being added is copied first, so a response is written in one pass.
 *
 * <pre>{@code
 * responses.begin(request, writer).putString(38, authCode).putString(39, "00").finish();
 * }</pre>
 *
 * A field the responder sets itself replaces the echo of the same field.
 */
public final class ResponseWriter
{
    /**
     * Fields an 0110/0210/0410 carries back (ISO 8583:1987 §4.4 message-type requirements, as the card networks
     * apply them): PAN, processing code, amounts, transmission time, STAN, local time and date, settlement and
     * capture dates, acquiring and forwarding institutions, RRN, terminal, merchant, currency, original data,
     * a reversal's replacement amounts, receiving institution. Not echoed: track data, PIN block, ICC data and MACs,
     * which a response never repeats.
     */
    public static final int[] FINANCIAL_ECHO = {2, 3, 4, 5, 6, 7, 11, 12, 13, 15, 17, 24, 32, 33, 37, 41, 42, 49, 50, 51, 60, 90, 95, 100};

    private final long echoPrimary;
    private final long echoSecondary;
    private MessageReader request;
    private MessageWriter writer;
    private int echoed;

    // The echo fields, as bitmaps, that the writer's dialect defines (wanted) and of those the ones laid out
    // alike in both dialects (asIs), worked out once per pair of dialects.
    private Dialect fromDialect;
    private Dialect toDialect;
    private long wantedPrimary;
    private long wantedSecondary;
    private long asIsPrimary;
    private long asIsSecondary;

    public ResponseWriter(final int... echoFields)
    {
        long primary = 0;
        long secondary = 0;
        for (final int f : echoFields)
        {
            if (f < 2 || f > FieldSpec.MAX_FIELD)
            {
                throw new IllegalArgumentException("echo field out of range: " + f);
            }
            if (f <= 64)
            {
                primary |= Long.MIN_VALUE >>> (f - 1);
            }
            else
            {
                secondary |= Long.MIN_VALUE >>> (f - 65);
            }
        }
        this.echoPrimary = primary;
        this.echoSecondary = secondary;
    }

    /** Starts the response to {@code request} in {@code writer}, which must already be wrapped. */
    public ResponseWriter begin(final MessageReader request, final MessageWriter writer)
    {
        this.request = request;
        this.writer = writer;
        this.echoed = 1;
        if (request.dialect() != fromDialect || writer.dialect() != toDialect)
        {
            layOut(request.dialect(), writer.dialect());
        }
        writer.mti(Mti.responseTo(request.mti()));
        return this;
    }

    /** Echoes what comes before {@code field}, then sets it from its text form. */
    public ResponseWriter putString(final int field, final CharSequence value)
    {
        echoBelow(field);
        writer.putString(field, value);
        echoed = field;
        return this;
    }

    /** Echoes what comes before {@code field}, then sets it from a long. */
    public ResponseWriter putLong(final int field, final long value)
    {
        echoBelow(field);
        writer.putLong(field, value);
        echoed = field;
        return this;
    }

    /** Echoes what comes before {@code field}, then sets a binary field from bytes. */
    public ResponseWriter putBytes(final int field, final DirectBuffer src, final int srcOffset, final int length)
    {
        echoBelow(field);
        writer.putBytes(field, src, srcOffset, length);
        echoed = field;
        return this;
    }

    /** Echoes what comes before {@code field}, then sets a text field from ASCII bytes. */
    public ResponseWriter putText(final int field, final DirectBuffer src, final int srcOffset, final int length)
    {
        echoBelow(field);
        writer.putText(field, src, srcOffset, length);
        echoed = field;
        return this;
    }

    /** Echoes what comes before {@code field}, then copies it from another message. */
    public ResponseWriter copy(final MessageReader from, final int field)
    {
        echoBelow(field);
        writer.copy(from, field);
        echoed = field;
        return this;
    }

    /** Echoes the remaining fields and finishes the message; returns its length. */
    public int finish()
    {
        echoBelow(FieldSpec.MAX_FIELD + 1);
        return writer.finish();
    }

    /** The whole response with just a response code (field 39). */
    public int respond(final MessageReader request, final MessageWriter writer, final CharSequence responseCode)
    {
        return begin(request, writer).putString(39, responseCode).finish();
    }

    private void layOut(final Dialect from, final Dialect to)
    {
        long wanted0 = 0;
        long wanted1 = 0;
        long asIs0 = 0;
        long asIs1 = 0;
        for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
        {
            final long bit = bit(f);
            final boolean echo = (f <= 64 ? echoPrimary & bit : echoSecondary & bit) != 0;
            if (echo && to.defines(f))
            {
                final boolean asIs = from.defines(f) && MessageWriter.sameLayout(from.field(f), to.field(f));
                if (f <= 64)
                {
                    wanted0 |= bit;
                    asIs0 |= asIs ? bit : 0;
                }
                else
                {
                    wanted1 |= bit;
                    asIs1 |= asIs ? bit : 0;
                }
            }
        }
        wantedPrimary = wanted0;
        wantedSecondary = wanted1;
        asIsPrimary = asIs0;
        asIsSecondary = asIs1;
        fromDialect = from;
        toDialect = to;
    }

    /** Echoes the wanted fields of the request after {@link #echoed} and before {@code field}. */
    private void echoBelow(final int field)
    {
        // Bitmap words rather than field numbers: the work is per echoed field, not per field of the dialect.
        final int from = echoed + 1;
        final int to = field - 1;
        if (from <= 64 && from <= to)
        {
            echoWord(0, request.decodedPrimary(), wantedPrimary, asIsPrimary, from, Math.min(to, 64));
        }
        if (to >= 65 && from <= to)
        {
            echoWord(64, request.decodedSecondary(), wantedSecondary, asIsSecondary, Math.max(from, 65), to);
        }
        echoed = field - 1;
    }

    private void echoWord(final int base, final long present, final long wanted, final long asIs, final int from, final int to)
    {
        final long range = (-1L >>> (from - base - 1)) & ~(bit(to - base) - 1);
        long todo = present & wanted & range;
        // What ends a run: a field of the request that is not copied byte for byte with its neighbours.
        final long stops = present & ~(todo & asIs);
        while (todo != 0)
        {
            final int leading = Long.numberOfLeadingZeros(todo);
            final long bit = Long.MIN_VALUE >>> leading;
            final int first = base + leading + 1;
            if ((asIs & bit) == 0)
            {
                writer.copy(request, first);
                todo &= ~bit;
                continue;
            }
            // A run at a time rather than a field at a time: the echo fields from this one to the first stop after it
            // (the highest of the lower bits), or to the last, lie back to back in the request and go in one copy.
            final long after = stops & (bit - 1);
            final long stop = Long.highestOneBit(after);
            final long run = after == 0 ? todo : todo & ~(stop | (stop - 1));
            final int last = base + Long.SIZE - Long.numberOfTrailingZeros(run);
            // Fields of a run are present in the request (taken from its decoded bitmap): no checks.
            final int start = request.rawStart(first);
            writer.copyRun(first, last, base == 0 ? run : 0, base == 0 ? 0 : run, request.buffer(), start, request.rawEnd(last) - start);
            todo &= ~run;
        }
    }

    /** Field {@code f}'s bit in its bitmap word: 1-64 in the primary, 65-128 in the secondary. */
    private static long bit(final int f)
    {
        return Long.MIN_VALUE >>> ((f - 1) & 63);
    }
}
