package io.interchange.tools.load;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.FieldSpec;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.tools.issuer.CardBook;

/**
 * Writes the requests of every {@link TransactionCase} with the codec's writer, straight into the caller's buffer:
 * nothing is allocated per message. The card number, track 2 and original data elements are spelled into small
 * buffers kept here, and the transmission date and time (field 7) with the local time and date (12, 13) are
 * worked out once a second. One per connection, on its event loop.
 *
 * <p>A card-present request carries what a POS terminal sends (as the system tests' terminals do): 2 PAN, 3
 * processing code, 4 amount, 7, 11 STAN, 12, 13, 14 expiry, 22 entry mode 051 (chip, PIN), 25, 35 track 2, 41
 * terminal, 42 merchant, 49 currency, 52 PIN block. A completion (0220) carries no track or PIN but the
 * authorization code (38) and the pre-authorization it completes (90); a void (0400) the purchase it reverses (90).
 */
final class RequestEncoder
{
    static final int PURCHASE = 0;
    static final int REFUND = 200_000;
    static final int BALANCE_INQUIRY = 310_000;
    /** A transfer: a processing code the switch does not take (12). */
    static final int TRANSFER = 400_000;

    private static final long MILLIS_PER_SECOND = 1_000;
    private static final int TRACK_2 = 35;
    private static final int TRACK_2_MAX = 37;
    private static final byte[] DISCRETIONARY = "2011143804400000".getBytes(StandardCharsets.US_ASCII);
    /** A format 0 PIN block as a terminal sends it; the switch passes it on untranslated to terminals without keys. */
    private static final byte[] PIN_BLOCK = {0x04, 0x12, 0x34, (byte)0xFF, (byte)0xED, (byte)0xCB, (byte)0xA9, (byte)0x87};
    private static final String ENTRY_MODE = "051";
    private static final String CONDITION = "00";
    private static final int BIN_DIGITS = 6;
    private static final int UNKNOWN_CARD_TRIES = 64;

    private final LoadPlan plan;
    private final CardBook book;
    private final MessageWriter writer;
    private final MessageReader check;
    private final FieldSpec track2;
    private final long unroutedBin;
    private final UnsafeBuffer pan = new UnsafeBuffer(new byte[20]);
    private final UnsafeBuffer track = new UnsafeBuffer(new byte[TRACK_2_MAX]);
    private final UnsafeBuffer original = new UnsafeBuffer(new byte[42]);
    private final UnsafeBuffer clock = new UnsafeBuffer(new byte[20]);
    private final UnsafeBuffer pinBlock = new UnsafeBuffer(PIN_BLOCK.clone());
    private int panDigits;
    private long second = Long.MIN_VALUE;
    private long transmission;

    RequestEncoder(final LoadPlan plan)
    {
        this.plan = plan;
        this.book = plan.book();
        this.writer = new MessageWriter(plan.options().dialect());
        this.check = new MessageReader(plan.options().dialect());
        this.track2 = plan.options().dialect().field(TRACK_2);
        this.unroutedBin = plan.unroutedBin() == null ? -1 : Long.parseLong(plan.unroutedBin());
        for (int i = 0; i < original.capacity(); i++)
        {
            original.putByte(i, (byte)'0');
        }
    }

    /** Field 7 of the requests written since the clock last moved, as the number of its ten digits. */
    long transmission()
    {
        return transmission;
    }

    /**
     * Sets the clock the next requests are stamped with: field 7 (MMDDhhmmss, UTC as ISO 8583 has it) and 12, 13,
     * worked out again only when the second changes.
     */
    void clock(final long epochMillis)
    {
        final long s = Math.floorDiv(epochMillis, MILLIS_PER_SECOND);
        if (s == second)
        {
            return;
        }
        second = s;
        final LocalDateTime t = LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC);
        // 0-9: MMDDhhmmss; 10-15: hhmmss; 16-19: MMDD.
        putDigits(clock, 0, t.getMonthValue(), 2);
        putDigits(clock, 2, t.getDayOfMonth(), 2);
        putDigits(clock, 4, t.getHour(), 2);
        putDigits(clock, 6, t.getMinute(), 2);
        putDigits(clock, 8, t.getSecond(), 2);
        clock.putBytes(10, clock, 4, 6);
        clock.putBytes(16, clock, 0, 4);
        long value = 0;
        for (int i = 0; i < 10; i++)
        {
            value = value * 10 + (clock.getByte(i) - '0');
        }
        transmission = value;
    }

    /**
     * A card-present request of case {@code c} (every case but {@link TransactionCase#COMPLETION} and
     * {@link TransactionCase#VOID}) from {@code terminal} with {@code card}; returns its length at {@code offset}.
     */
    int request(
        final MutableDirectBuffer out, final int offset, final TransactionCase c, final SimTerminal terminal, final int card, final long amount,
        final int stan)
    {
        final LoadPlan.Acceptor acceptor = switch (c)
        {
            case BLOCKED_MCC -> plan.blockedMcc();
            case SUSPENDED_MERCHANT -> plan.suspended();
            default -> terminal.acceptor();
        };
        final int processing = switch (c)
        {
            case REFUND -> REFUND;
            case BALANCE -> BALANCE_INQUIRY;
            case UNSUPPORTED -> TRANSFER;
            default -> PURCHASE;
        };
        switch (c)
        {
            case UNKNOWN_CARD -> unknownCard(card);
            case UNKNOWN_BIN -> unroutedPan(card);
            default -> cardNumber(book.panNumber(card));
        }
        final int expiry = book.expiry(card);
        writer.wrap(out, offset).mti(c.requestMti());
        writer.putText(2, pan, 0, panDigits);
        writer.putLong(3, processing);
        writer.putLong(4, amount);
        stamp(stan);
        writer.putLong(14, expiry);
        writer.putString(22, ENTRY_MODE);
        writer.putString(25, CONDITION);
        writer.putText(TRACK_2, track, 0, track(expiry));
        writer.putString(41, acceptor.terminalId());
        writer.putString(42, acceptor.merchantId());
        if (c != TransactionCase.MISSING_FIELD)
        {
            writer.putLong(49, plan.currency());
        }
        writer.putBytes(52, pinBlock, 0, PIN_BLOCK.length);
        final int length = writer.finish();
        if (c == TransactionCase.BAD_LENGTH)
        {
            overstateTrack2(out, offset, length);
        }
        return length;
    }

    /** An 0220 completing the 0100 that had {@code preauthStan} and {@code preauthTransmission}, for {@code amount}. */
    int completion(
        final MutableDirectBuffer out, final int offset, final SimTerminal terminal, final int card, final long amount, final int stan,
        final int preauthStan, final long preauthTransmission, final MutableDirectBuffer authCode, final int authCodeOffset)
    {
        cardNumber(book.panNumber(card));
        writer.wrap(out, offset).mti(TransactionCase.COMPLETION.requestMti());
        writer.putText(2, pan, 0, panDigits);
        writer.putLong(3, PURCHASE);
        writer.putLong(4, amount);
        stamp(stan);
        writer.putLong(14, book.expiry(card));
        writer.putString(22, ENTRY_MODE);
        writer.putString(25, CONDITION);
        writer.putText(38, authCode, authCodeOffset, 6);
        writer.putString(41, terminal.acceptor().terminalId());
        writer.putString(42, terminal.acceptor().merchantId());
        writer.putLong(49, plan.currency());
        writer.putText(90, original, 0, originalData(TransactionCase.PREAUTH.requestMti(), preauthStan, preauthTransmission));
        return writer.finish();
    }

    /** An 0400 reversing the terminal's last approved purchase (see {@link SimTerminal#voidable()}). */
    int reversal(final MutableDirectBuffer out, final int offset, final SimTerminal terminal, final int stan)
    {
        final int card = terminal.voidCard();
        cardNumber(book.panNumber(card));
        writer.wrap(out, offset).mti(TransactionCase.VOID.requestMti());
        writer.putText(2, pan, 0, panDigits);
        writer.putLong(3, PURCHASE);
        writer.putLong(4, terminal.voidAmount());
        stamp(stan);
        writer.putLong(14, book.expiry(card));
        writer.putString(22, ENTRY_MODE);
        writer.putString(25, CONDITION);
        writer.putString(41, terminal.acceptor().terminalId());
        writer.putString(42, terminal.acceptor().merchantId());
        writer.putLong(49, plan.currency());
        writer.putText(90, original, 0, originalData(TransactionCase.PURCHASE.requestMti(), terminal.voidStan(), terminal.voidTransmission()));
        return writer.finish();
    }

    /** An 0800 network management request: 70 = 001 sign-on, 002 sign-off. */
    int network(final MutableDirectBuffer out, final int offset, final int stan, final int code)
    {
        writer.wrap(out, offset).mti(800);
        writer.putText(7, clock, 0, 10);
        writer.putLong(11, stan);
        writer.putLong(70, code);
        return writer.finish();
    }

    /** Fields 7, 11, 12 and 13. */
    private void stamp(final int stan)
    {
        writer.putText(7, clock, 0, 10);
        writer.putLong(11, stan);
        writer.putText(12, clock, 10, 6);
        writer.putText(13, clock, 16, 4);
    }

    /** Field 90 (n42): the original's MTI, STAN and field 7; the institution ids stay zeros. Returns its length. */
    private int originalData(final int mti, final int stan, final long transmissionOfOriginal)
    {
        putDigits(original, 0, mti, 4);
        putDigits(original, 4, stan, 6);
        putDigits(original, 10, transmissionOfOriginal, 10);
        return original.capacity();
    }

    /** Track 2 of the card number in {@link #pan}: PAN, separator, expiry, then service code and discretionary data to fit. */
    private int track(final int expiry)
    {
        track.putBytes(0, pan, 0, panDigits);
        track.putByte(panDigits, (byte)'=');
        putDigits(track, panDigits + 1, expiry, 4);
        final int room = Math.min(DISCRETIONARY.length, TRACK_2_MAX - panDigits - 5);
        track.putBytes(panDigits + 5, DISCRETIONARY, 0, room);
        return panDigits + 5 + room;
    }

    /**
     * Makes field 35's length prefix say 99, above its maximum of 37 (DESIGN.md §5: answered 30): the fields before
     * it still read, so the answer carries the STAN back.
     */
    private void overstateTrack2(final MutableDirectBuffer out, final int offset, final int length)
    {
        check.wrap(out, offset, length);
        final int at = check.rawOffset(TRACK_2);
        switch (track2.lengthEncoding())
        {
            case ASCII ->
            {
                out.putByte(at, (byte)'9');
                out.putByte(at + 1, (byte)'9');
            }
            case BCD -> out.putByte(at, (byte)0x99);
            case BINARY -> out.putByte(at, (byte)99);
            default -> throw new IllegalStateException("field 35 has no length prefix in " + writer.dialect().name());
        }
    }

    private void cardNumber(final long number)
    {
        panDigits = digits(number);
        putDigits(pan, 0, number, panDigits);
    }

    /**
     * A card number the issuer never issued under the card's own BIN (so it routes, and the issuer answers 14):
     * the middle digits moved on until the number is not in the book, the check digit made valid again.
     */
    private void unknownCard(final int card)
    {
        final long number = book.panNumber(card);
        final int digits = digits(number);
        final long middleRange = pow10(digits - 1 - BIN_DIGITS);
        final long bin = number / pow10(digits - BIN_DIGITS);
        final long middle = number / 10 % middleRange;
        for (int k = 1; k <= UNKNOWN_CARD_TRIES; k++)
        {
            final long candidate = withCheckDigit(bin * middleRange + (middle + k * 7_919L) % middleRange);
            if (book.indexOf(candidate) < 0)
            {
                cardNumber(candidate);
                return;
            }
        }
        throw new IllegalStateException("no unknown card number near card " + card);
    }

    /** The card's number under a BIN no issuer is routed for (15), check digit valid. */
    private void unroutedPan(final int card)
    {
        final long number = book.panNumber(card);
        final int digits = digits(number);
        final long middleRange = pow10(digits - 1 - BIN_DIGITS);
        cardNumber(withCheckDigit(unroutedBin * middleRange + number / 10 % middleRange));
    }

    /** {@code body} with a Luhn check digit appended (ISO/IEC 7812-1 annex B). */
    static long withCheckDigit(final long body)
    {
        int sum = 0;
        long rest = body;
        for (int i = 0; rest > 0; i++, rest /= 10)
        {
            int d = (int)(rest % 10);
            if ((i & 1) == 0)
            {
                d <<= 1;
                d -= d > 9 ? 9 : 0;
            }
            sum += d;
        }
        return body * 10 + (10 - sum % 10) % 10;
    }

    static int digits(final long value)
    {
        int n = 1;
        for (long v = value / 10; v > 0; v /= 10)
        {
            n++;
        }
        return n;
    }

    private static long pow10(final int exponent)
    {
        long value = 1;
        for (int i = 0; i < exponent; i++)
        {
            value *= 10;
        }
        return value;
    }

    private static void putDigits(final MutableDirectBuffer buffer, final int offset, final long value, final int count)
    {
        long v = value;
        for (int i = count - 1; i >= 0; i--, v /= 10)
        {
            buffer.putByte(offset + i, (byte)('0' + v % 10));
        }
    }
}
