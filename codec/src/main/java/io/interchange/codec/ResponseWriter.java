package io.interchange.codec;

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
     * receiving institution. Not echoed: track data, PIN block, ICC data and MACs, which a response never
     * repeats.
     */
    public static final int[] FINANCIAL_ECHO = {2, 3, 4, 5, 6, 7, 11, 12, 13, 15, 17, 24, 32, 33, 37, 41, 42, 49, 50, 51, 60, 90, 100};

    private final long echoPrimary;
    private final long echoSecondary;
    private MessageReader request;
    private MessageWriter writer;
    private int echoed;

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

    private void echoBelow(final int field)
    {
        for (int f = echoed + 1; f < field; f++)
        {
            if (isEcho(f) && request.has(f) && writer.dialect().defines(f))
            {
                writer.copy(request, f);
            }
        }
        echoed = field - 1;
    }

    private boolean isEcho(final int f)
    {
        return f <= 64 ?
            (echoPrimary & (Long.MIN_VALUE >>> (f - 1))) != 0 :
            (echoSecondary & (Long.MIN_VALUE >>> (f - 65))) != 0;
    }
}
