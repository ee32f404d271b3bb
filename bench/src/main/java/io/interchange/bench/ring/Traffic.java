package io.interchange.bench.ring;

import java.io.File;
import java.time.Instant;
import java.time.LocalDate;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.switching.Rrn;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The ring-path benchmark's messages, ISO87B: a terminal's 0200 purchase per card and the issuer's 0210 approval
 * for it, built once per card with our writer, then copied into a ring slot per event with the few fields that
 * change patched in place (STAN, times, RRN), as cheaply as a link copies a frame.
 *
 * <p>Request {@code k} (0, 1, 2, ...) is on card {@code k % CARDS} with the terminal's STAN {@link #acquirerStan};
 * the switch forwards it with its own STAN {@link #switchStan}, which the issuer's answer must carry back.
 *
 * <p>Why {@value #CARDS} cards and {@value #STEP_NANOS} ns of event time per event: the switch declines the
 * eleventh request of a card within a minute of event time (65). A request every 2 × 250 µs brings a card back
 * every 16,384 × 0.5 ms = 8.2 s, 7 or 8 times a minute: under the limit with room. The event clock starts at the
 * beginning of a UTC day whose business day (cutoff 23:00 UTC in the defaults) has 23 hours left, 331 million
 * events, so a run of minutes stays on one journal file. Fewer cards would need more event time per event and
 * the business day, and the journal's daily file, would roll every few seconds; more would grow the switch's
 * per-minute card table past its initial 2^16 slots.
 */
final class Traffic
{
    static final int CARDS = 16_384;
    static final long STEP_NANOS = 250_000L;
    /** 2026-11-26T00:00:00Z: a business day starts at 23:00 UTC the day before, so 23 hours are left of it. */
    static final long START_NANOS = Instant.parse("2026-11-26T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    static final String BIN = "476173";
    static final String TERMINAL = "TERM0001";
    static final String MERCHANT = "MERCHANT0000001";
    /** Field 11 is n6: STANs run 1..999999 and round again. */
    static final int STAN_MODULUS = 999_999;

    private static final int SLOT = 256;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SECONDS_PER_DAY = 86_400L;

    private final UnsafeBuffer requests = new UnsafeBuffer(new byte[CARDS * SLOT]);
    private final UnsafeBuffer answers = new UnsafeBuffer(new byte[CARDS * SLOT]);
    private final int requestLength;
    private final int answerLength;
    // Where the patched fields' values lie: the same in every card's message, as every PAN has 16 digits.
    private final int requestField7;
    private final int requestField11;
    private final int requestField12;
    private final int requestField13;
    private final int requestField37;
    private final int answerField7;
    private final int answerField11;
    private final int answerField37;

    private long dayStartSecond = Long.MIN_VALUE;
    private int monthDay;
    private int yearDay;

    Traffic()
    {
        final MessageWriter writer = new MessageWriter(Iso87.BINARY);
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        int requestLength = -1;
        int answerLength = -1;
        for (int card = 0; card < CARDS; card++)
        {
            final String pan = pan(card);
            final int request = purchase(writer.wrap(requests, card * SLOT), pan);
            final int answer = approval(writer.wrap(answers, card * SLOT), pan);
            if (card > 0 && (request != requestLength || answer != answerLength))
            {
                throw new IllegalStateException("card " + card + ": messages of another length, the patch offsets would not hold");
            }
            requestLength = request;
            answerLength = answer;
        }
        this.requestLength = requestLength;
        this.answerLength = answerLength;
        check(reader.wrap(requests, 0, requestLength), reader);
        requestField7 = reader.valueOffset(7);
        requestField11 = reader.valueOffset(11);
        requestField12 = reader.valueOffset(12);
        requestField13 = reader.valueOffset(13);
        requestField37 = reader.valueOffset(37);
        check(reader.wrap(answers, 0, answerLength), reader);
        answerField7 = reader.valueOffset(7);
        answerField11 = reader.valueOffset(11);
        answerField37 = reader.valueOffset(37);
    }

    /** The terminal's STAN of request {@code k}. */
    static int acquirerStan(final long k)
    {
        return (int)(k % STAN_MODULUS) + 1;
    }

    /**
     * The switch's STAN of request {@code k} on the issuer link: it numbers each issuer link's messages 1, 2, 3...
     * and its sign-on to the issuer took 1.
     */
    static int switchStan(final long k)
    {
        return (int)((k + 1) % STAN_MODULUS) + 1;
    }

    /** Request {@code k}, sent at {@code nanos}, into {@code dst} at 0; returns its length. */
    int request(final long k, final long nanos, final MutableDirectBuffer dst)
    {
        dst.putBytes(0, requests, (int)(k % CARDS) * SLOT, requestLength);
        final int stan = acquirerStan(k);
        final long seconds = nanos / NANOS_PER_SECOND;
        final int secondOfDay = secondOfDay(seconds);
        final int hhmmss = secondOfDay / 3600 * 10_000 + secondOfDay / 60 % 60 * 100 + secondOfDay % 60;
        putBcd(dst, requestField7, monthDay * 1_000_000L + hhmmss, 10);
        putBcd(dst, requestField11, stan, 6);
        putBcd(dst, requestField12, hhmmss, 6);
        putBcd(dst, requestField13, monthDay, 4);
        // The terminal's RRN: its STAN in the last six digits, so that every request is different.
        putDigits(dst, requestField37 + 6, stan, 6);
        return requestLength;
    }

    /** The issuer's approval of request {@code k}, sent at {@code nanos}, into {@code dst} at 0; returns its length. */
    int answer(final long k, final long nanos, final MutableDirectBuffer dst)
    {
        dst.putBytes(0, answers, (int)(k % CARDS) * SLOT, answerLength);
        final int stan = switchStan(k);
        final int secondOfDay = secondOfDay(nanos / NANOS_PER_SECOND);
        final int hhmmss = secondOfDay / 3600 * 10_000 + secondOfDay / 60 % 60 * 100 + secondOfDay % 60;
        putBcd(dst, answerField7, monthDay * 1_000_000L + hhmmss, 10);
        putBcd(dst, answerField11, stan, 6);
        // The switch's RRN echoed, as the switch checks it: year digit and day of year, the times its STAN sequence came
        // round (the sign-on took STAN 1, so request k is in round (k + 1) / 999,999), then its STAN.
        Rrn.put(dst, answerField37, yearDay, (int)((k + 1) / STAN_MODULUS % Rrn.ROUNDS), stan);
        return answerLength;
    }

    /**
     * Makes an answer {@link #answer} wrote the answer to {@code forward}, as the switch sent it: its STAN and RRN, for a
     * switch whose STANs do not follow {@link #switchStan}.
     */
    void answerTo(final MutableDirectBuffer answer, final MessageReader forward)
    {
        putBcd(answer, answerField11, (int)forward.getLong(11), 6);
        answer.putBytes(answerField37, forward.buffer(), forward.valueOffset(37), 12);
    }

    /** Seconds into the UTC day, moving {@link #monthDay} along when the day changes (rare: allocates). */
    private int secondOfDay(final long seconds)
    {
        if (seconds < dayStartSecond || seconds >= dayStartSecond + SECONDS_PER_DAY)
        {
            final LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(seconds, SECONDS_PER_DAY));
            dayStartSecond = day.toEpochDay() * SECONDS_PER_DAY;
            monthDay = day.getMonthValue() * 100 + day.getDayOfMonth();
            yearDay = day.getYear() % 10 * 1_000 + day.getDayOfYear();
        }
        return (int)(seconds - dayStartSecond);
    }

    /** A 16-digit Visa-range PAN on BIN 476173 with a valid Luhn check digit. */
    static String pan(final int card)
    {
        final String body = BIN + String.format("%09d", 100_000_000 + card * 37);
        int sum = 0;
        for (int i = 0; i < body.length(); i++)
        {
            // Doubling starts from the digit left of the check digit, the last of the body.
            final int d = body.charAt(body.length() - 1 - i) - '0';
            final int doubled = (i & 1) == 0 ? d * 2 : d;
            sum += doubled > 9 ? doubled - 9 : doubled;
        }
        return body + (10 - sum % 10) % 10;
    }

    /**
     * A chip-read purchase of 10.00 USD with a PIN, as a POS terminal sends it: fields 2, 3, 4, 7, 11, 12, 13, 14,
     * 22, 25, 35, 37, 41, 42, 49, 52 (FinancialRequestBenchmark's 0200 less its MAC, the switch has no MAC on
     * this listener). Times and STAN are placeholders, patched per event.
     */
    static int purchase(final MessageWriter w, final String pan)
    {
        return w.mti(200).putString(2, pan).putString(3, "000000").putString(4, "000000001000").putString(7, "1126000000")
            .putString(11, "000001").putString(12, "000000").putString(13, "1126").putString(14, "3012").putString(22, "051")
            .putString(25, "00").putString(35, pan + "=30122011143804400").putString(37, "633000000001").putString(41, TERMINAL)
            .putString(42, MERCHANT).putString(49, "840").putBytes(52, new byte[] {1, 35, 69, 103, -119, -85, -51, -17})
            .finish();
    }

    /** What an issuer host answers: the request's echo fields, an authorization code and 00. */
    static int approval(final MessageWriter w, final String pan)
    {
        return w.mti(210).putString(2, pan).putString(3, "000000").putString(4, "000000001000").putString(7, "1126000000")
            .putString(11, "000001").putString(12, "000000").putString(13, "1126").putString(37, "633000000001")
            .putString(38, "A1B2C3").putString(39, "00").putString(41, TERMINAL).putString(42, MERCHANT).putString(49, "840")
            .finish();
    }

    private static void check(final DecodeError error, final MessageReader reader)
    {
        if (error != DecodeError.NONE)
        {
            throw new IllegalStateException("our own message does not decode: " + reader);
        }
    }

    /** {@code digits} (even) decimal digits of {@code value} as packed BCD, the way ISO87B carries n fields. */
    static void putBcd(final MutableDirectBuffer dst, final int offset, final long value, final int digits)
    {
        long v = value;
        for (int i = digits / 2 - 1; i >= 0; i--)
        {
            final int low = (int)(v % 10);
            v /= 10;
            final int high = (int)(v % 10);
            v /= 10;
            dst.putByte(offset + i, (byte)(high << 4 | low));
        }
    }

    private static void putDigits(final MutableDirectBuffer dst, final int offset, final int value, final int digits)
    {
        int v = value;
        for (int i = digits - 1; i >= 0; i--, v /= 10)
        {
            dst.putByte(offset + i, (byte)('0' + v % 10));
        }
    }

    /** A check the benchmark makes of what it measured: a wrong count means it measured something else. */
    static void expect(final String what, final long expected, final long actual)
    {
        if (expected != actual)
        {
            throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
        }
    }

    /** The journal's directory and files (a handful), without the allocation of a Files.walk stream. */
    static void delete(final File file)
    {
        final File[] children = file.listFiles();
        if (children != null)
        {
            for (final File child : children)
            {
                delete(child);
            }
        }
        if (!file.delete())
        {
            throw new IllegalStateException("could not delete " + file);
        }
    }
}
