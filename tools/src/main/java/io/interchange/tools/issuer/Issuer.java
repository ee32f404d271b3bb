package io.interchange.tools.issuer;

import java.time.Clock;
import java.time.LocalDate;
import java.util.function.Consumer;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.ResponseWriter;
import io.interchange.codec.dialect.Iso87;
import io.interchange.codec.frame.Framing;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The issuer's decisions: reads one request and writes its answer, moving the account as the answer says. One per
 * simulator, used only on its event loop, so the book and the transaction memory have a single writer and need no
 * locks; reader, writer and the frame buffers are reused for every message.
 *
 * <table>
 * <caption>What each message gets</caption>
 * <tr><th>request</th><th>answer</th></tr>
 * <tr><td>0100, 0200: 00 purchase, 01 cash</td><td>0110/0210: 00 with auth code (38), or 14 unknown card, 41 lost,
 *     43 stolen, 54 expired (past the month, or field 14 not the card's), 51 funds, 61 daily limit. An approved
 *     0100 holds its amount as a purchase takes it, from the balance and the day's limit</td></tr>
 * <tr><td>0100, 0200: 20 refund, 31 balance inquiry</td><td>00, the refund credited; an inquiry gets the balance
 *     in 54; the same card checks apply</td></tr>
 * <tr><td>0100, 0200: other processing codes</td><td>05</td></tr>
 * <tr><td>0120, 0220 advice (0121, 0221 repeat)</td><td>0130/0230 00, applied once per STAN and field 7. A 0220
 *     purchase or cash advice naming (in 90) an approved authorization (0100, or 0120) completes it, for its own
 *     amount: the hold stays spending of the day it was authorized, so a completion on a later day counts against
 *     that day's limit only what it takes beyond the hold; any other debits it (stand-in); a refund advice credits.
 *     An 0120 approved (39 = 00, or none: a switch's stand-in for a pre-authorization) is booked as an approved
 *     0100 is, a hold that a completion takes over and a reversal releases; one declined changes nothing. No card
 *     checks: the transaction has happened. 14 for a card the book does not hold</td></tr>
 * <tr><td>0400, 0420 reversal (0401, 0421 repeat)</td><td>0410/0430: the original is found by the STAN and
 *     field 7 in field 90, or without 90 by the reversal's own 11 and 7. 00 and the account restored for an
 *     approved original; 00 and nothing changed when it was declined or is already reversed; 25 when it is
 *     unknown. Always the whole amount</td></tr>
 * <tr><td>0800</td><td>0810: 00 for 70 = 001 sign-on, 002 sign-off, 301 echo; 05 for other codes</td></tr>
 * <tr><td>other requests</td><td>05</td></tr>
 * <tr><td>responses (0110, 0810...)</td><td>none</td></tr>
 * <tr><td>a field that does not decode, or 2, 3, 11 (and 4 where it moves money, 70 for 0800) missing</td>
 *     <td>30, when the MTI reads</td></tr>
 * <tr><td>an MTI that does not read</td><td>the connection is closed</td></tr>
 * </table>
 * Answers echo fields 2, 3, 4, 7, 11, 12, 13, 37, 41, 42, 49, 70 and 90 where the request has them.
 */
final class Issuer
{
    /** The fields an answer carries back from its request (ResponseWriter.FINANCIAL_ECHO, less what the switch does not need, plus 70). */
    static final int[] ECHO = {2, 3, 4, 7, 11, 12, 13, 37, 41, 42, 49, 70, 90};
    static final Framing FRAMING = Framing.BINARY_2;
    /** Where the message starts in the frame buffers: after the length header. */
    static final int MESSAGE_OFFSET = FRAMING.messageOffset(0);

    /** {@link #answer}: the connection cannot go on. */
    static final int CLOSE = -1;
    /** {@link #answer}: nothing to send. */
    static final int NO_ANSWER = 0;

    private static final int AUTHORIZATION_ADVICE_REPEAT = 121;
    private static final int FINANCIAL_ADVICE_REPEAT = 221;
    private static final int REVERSAL_REQUEST_REPEAT = 401;

    private static final int PURCHASE = 0;
    private static final int CASH = 1;
    private static final int REFUND = 20;
    private static final int BALANCE_INQUIRY = 31;

    private static final long SIGN_ON = 1;
    private static final long SIGN_OFF = 2;
    private static final long ECHO_TEST = 301;

    /** Field 54 of ISO 8583:1987: account type n2, amount type n2 (02 available balance), currency n3, C/D, n12. */
    private static final String AVAILABLE_BALANCE = "02";
    private static final String DEFAULT_CURRENCY = "840";
    private static final long MAX_AMOUNT = 999_999_999_999L;
    private static final int AUTH_CODES = 1_000_000;
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final CardBook book;
    private final TransactionMemory memory;
    private final IssuerCounters counters;
    private final Clock clock;
    private final Consumer<String> events;

    private final MessageReader request = new MessageReader(Iso87.BINARY);
    private final MessageWriter writer = new MessageWriter(Iso87.BINARY);
    private final ResponseWriter responses = new ResponseWriter(ECHO);
    private final UnsafeBuffer inbound = new UnsafeBuffer(new byte[FRAMING.lengthHeader().size() + FRAMING.maxFrameLength()]);
    private final UnsafeBuffer outbound = new UnsafeBuffer(new byte[FRAMING.lengthHeader().size() + FRAMING.maxFrameLength()]);
    private final StringBuilder text = new StringBuilder(32);

    private long day = Long.MIN_VALUE;
    private int yymm;
    private int authCode;
    private ResponseCode code = ResponseCode.APPROVED;

    Issuer(final CardBook book, final int rememberedTransactions, final IssuerCounters counters, final Clock clock, final Consumer<String> events)
    {
        this.book = book;
        this.memory = new TransactionMemory(rememberedTransactions);
        this.counters = counters;
        this.clock = clock;
        this.events = events;
    }

    /** Where a connection puts a whole frame, length header first, for {@link #answer}. */
    UnsafeBuffer inbound()
    {
        return inbound;
    }

    /** Where {@link #answer} writes the answer, from {@link #MESSAGE_OFFSET}; the length header is the caller's. */
    UnsafeBuffer outbound()
    {
        return outbound;
    }

    /** The response code of the last answer. */
    ResponseCode code()
    {
        return code;
    }

    /**
     * Answers the message of {@code length} bytes at {@link #MESSAGE_OFFSET} in {@link #inbound()}: returns the
     * answer's length in {@link #outbound()}, {@link #NO_ANSWER} or {@link #CLOSE}. Never throws.
     */
    int answer(final int length)
    {
        final DecodeError error = request.wrap(inbound, MESSAGE_OFFSET, length);
        final int mti = request.mti();
        if (mti < 0)
        {
            return CLOSE;
        }
        if (!Mti.isRequest(mti))
        {
            counters.increment(IssuerCounter.UNEXPECTED_RESPONSES);
            return NO_ANSWER;
        }
        try
        {
            writer.wrap(outbound, MESSAGE_OFFSET);
            if (error != DecodeError.NONE)
            {
                events.accept("answering 30 to " + request);
                return respond(ResponseCode.FORMAT_ERROR);
            }
            today();
            return decide(mti);
        }
        catch (final RuntimeException ex)
        {
            return malfunction(ex);
        }
    }

    private int decide(final int mti)
    {
        return switch (mti)
        {
            case Mti.AUTHORIZATION_REQUEST, Mti.FINANCIAL_REQUEST -> request();
            case Mti.AUTHORIZATION_ADVICE, AUTHORIZATION_ADVICE_REPEAT, Mti.FINANCIAL_ADVICE, FINANCIAL_ADVICE_REPEAT -> advice();
            case Mti.REVERSAL_REQUEST, REVERSAL_REQUEST_REPEAT, Mti.REVERSAL_ADVICE, Mti.REVERSAL_ADVICE_REPEAT -> reversal();
            case Mti.NETWORK_MANAGEMENT_REQUEST -> network();
            default -> respond(ResponseCode.DO_NOT_HONOUR);
        };
    }

    /** A bug of ours, not the peer's: 96, and the connection goes on; if even that cannot be written, it closes. */
    private int malfunction(final RuntimeException ex)
    {
        events.accept("answering 96 after " + ex + " on " + request);
        try
        {
            writer.wrap(outbound, MESSAGE_OFFSET);
            return respond(ResponseCode.SYSTEM_MALFUNCTION);
        }
        catch (final RuntimeException again)
        {
            return CLOSE;
        }
    }

    private int request()
    {
        if (!request.has(2) || !request.has(3) || !request.has(11))
        {
            return respond(ResponseCode.FORMAT_ERROR);
        }
        final int type = processingType();
        final long key = ownKey();
        if (type != PURCHASE && type != CASH && type != REFUND && type != BALANCE_INQUIRY)
        {
            return decline(ResponseCode.DO_NOT_HONOUR, key, -1);
        }
        if (type != BALANCE_INQUIRY && !request.has(4))
        {
            return respond(ResponseCode.FORMAT_ERROR);
        }
        final int card = card();
        if (card < 0)
        {
            return decline(ResponseCode.INVALID_CARD, key, card);
        }
        final CardStatus status = book.status(card);
        if (status != CardStatus.ACTIVE)
        {
            return decline(status == CardStatus.LOST ? ResponseCode.LOST_CARD : ResponseCode.STOLEN_CARD, key, card);
        }
        if (book.expiry(card) < yymm || (request.has(14) && request.getLong(14) != book.expiry(card)))
        {
            return decline(ResponseCode.EXPIRED_CARD, key, card);
        }
        long balanceDelta = 0;
        long spentDelta = 0;
        if (type == PURCHASE || type == CASH)
        {
            final long amount = request.getLong(4);
            if (amount > book.balance(card))
            {
                return decline(ResponseCode.INSUFFICIENT_FUNDS, key, card);
            }
            if (amount > book.dailyLimit(card) - book.spentToday(card))
            {
                return decline(ResponseCode.EXCEEDS_LIMIT, key, card);
            }
            balanceDelta = -amount;
            spentDelta = amount;
        }
        else if (type == REFUND)
        {
            balanceDelta = request.getLong(4);
        }
        book.addBalance(card, balanceDelta);
        book.addSpent(card, spentDelta);
        memory.remember(key, TransactionMemory.REQUEST, TransactionMemory.APPROVED, card, balanceDelta, spentDelta, day);

        code = ResponseCode.APPROVED;
        responses.begin(request, writer).putString(38, nextAuthCode()).putString(39, code.code());
        if (type == BALANCE_INQUIRY)
        {
            responses.putString(54, balance(card));
        }
        return responses.finish();
    }

    /** Remembered so that a reversal of a declined request is known, acknowledged and changes nothing. */
    private int decline(final ResponseCode decline, final long key, final int card)
    {
        memory.remember(key, TransactionMemory.REQUEST, TransactionMemory.DECLINED, card, 0, 0, day);
        return respond(decline);
    }

    private int advice()
    {
        if (!request.has(2) || !request.has(3) || !request.has(4) || !request.has(11))
        {
            return respond(ResponseCode.FORMAT_ERROR);
        }
        final int type = processingType();
        if (type != PURCHASE && type != CASH && type != REFUND)
        {
            return respond(ResponseCode.DO_NOT_HONOUR);
        }
        final long key = ownKey();
        final int seen = memory.find(key);
        if (seen >= 0 && memory.advice(seen))
        {
            counters.increment(IssuerCounter.REPEATS_ACKNOWLEDGED);
            return respond(ResponseCode.APPROVED);
        }
        final int card = card();
        if (card < 0)
        {
            return respond(ResponseCode.INVALID_CARD);
        }
        final long amount = request.getLong(4);
        final long balanceDelta = type == REFUND ? amount : -amount;
        final long spentDelta = type == REFUND ? 0 : amount;
        if (request.mti() / 10 == Mti.AUTHORIZATION_ADVICE / 10)
        {
            return authorizationAdvice(key, card, balanceDelta, spentDelta);
        }
        long balanceChange = balanceDelta;
        long spentChange = spentDelta;
        long spentKept = spentDelta;
        final int original = type != REFUND && request.has(90) ? memory.find(originalKey()) : -1;
        if (original >= 0 && memory.authorization(original) && memory.state(original) == TransactionMemory.APPROVED &&
            memory.card(original) == card && memory.balanceDelta(original) < 0)
        {
            // A completion takes over its authorization: the account moves by the difference, and the advice's
            // entry holds the whole amount, so reversing the completion gives all of it back and reversing the
            // authorization afterwards has nothing left to undo.
            balanceChange -= memory.balanceDelta(original);
            if (memory.day(original) == day)
            {
                spentChange -= memory.spentDelta(original);
            }
            else
            {
                // The hold was spending of the day it was authorized, which is over: only what the completion takes
                // beyond it is today's, and that alone is what a reversal of the completion gives back to today.
                spentChange = Math.max(0, spentDelta - memory.spentDelta(original));
                spentKept = spentChange;
            }
            memory.superseded(original);
        }
        book.addBalance(card, balanceChange);
        book.addSpent(card, spentChange);
        memory.remember(key, TransactionMemory.ADVICE, TransactionMemory.APPROVED, card, balanceDelta, spentKept, day);
        return respond(ResponseCode.APPROVED);
    }

    /**
     * An authorization advice (0120): an authorization made without this issuer, a switch's stand-in for a
     * pre-authorization. Approved, it is booked as an approved 0100 would have been, the amount held (taken from the
     * balance and the day's limit) until a completion takes it over or a reversal gives it back; a 0220 would have been
     * a sale, which the completion would then have charged again. Declined, nothing moves, and it is remembered so that
     * its repeats and a reversal of it change nothing either.
     */
    private int authorizationAdvice(final long key, final int card, final long balanceDelta, final long spentDelta)
    {
        if (request.has(39) && !(request.charAt(39, 0) == '0' && request.charAt(39, 1) == '0'))
        {
            memory.remember(key, TransactionMemory.AUTHORIZATION_ADVICE, TransactionMemory.DECLINED, card, 0, 0, day);
            return respond(ResponseCode.APPROVED);
        }
        book.addBalance(card, balanceDelta);
        book.addSpent(card, spentDelta);
        memory.remember(key, TransactionMemory.AUTHORIZATION_ADVICE, TransactionMemory.APPROVED, card, balanceDelta, spentDelta, day);
        return respond(ResponseCode.APPROVED);
    }

    private int reversal()
    {
        final long key;
        if (request.has(90))
        {
            key = originalKey();
        }
        else if (request.has(11))
        {
            key = ownKey();
        }
        else
        {
            return respond(ResponseCode.FORMAT_ERROR);
        }
        final int original = memory.find(key);
        if (original < 0)
        {
            return respond(ResponseCode.ORIGINAL_NOT_FOUND);
        }
        final byte state = memory.state(original);
        if (state == TransactionMemory.APPROVED)
        {
            final int card = memory.card(original);
            book.addBalance(card, -memory.balanceDelta(original));
            if (memory.day(original) == day)
            {
                book.addSpent(card, -memory.spentDelta(original));
            }
            memory.reversed(original);
        }
        else if (state == TransactionMemory.REVERSED)
        {
            counters.increment(IssuerCounter.REPEATS_ACKNOWLEDGED);
        }
        return respond(ResponseCode.APPROVED);
    }

    private int network()
    {
        if (!request.has(70))
        {
            return respond(ResponseCode.FORMAT_ERROR);
        }
        final long function = request.getLong(70);
        return respond(function == SIGN_ON || function == SIGN_OFF || function == ECHO_TEST ? ResponseCode.APPROVED : ResponseCode.DO_NOT_HONOUR);
    }

    private int respond(final ResponseCode answer)
    {
        code = answer;
        return responses.respond(request, writer, answer.code());
    }

    /** The transaction type, the first two digits of the processing code (field 3). */
    private int processingType()
    {
        return (int)(request.getLong(3) / 10_000);
    }

    /** The book's index of the request's PAN, or -1: a PAN that cannot be one of the book's is not looked up. */
    private int card()
    {
        final int digits = request.units(2);
        if (digits < CardAccount.MIN_PAN_DIGITS || digits > CardAccount.MAX_PAN_DIGITS || request.charAt(2, 0) == '0')
        {
            return -1;
        }
        return book.indexOf(request.getLong(2));
    }

    private long ownKey()
    {
        return TransactionMemory.key(request.getLong(11), request.has(7) ? request.getLong(7) : 0);
    }

    /** The original's key from field 90: MTI n4, STAN n6, transmission date and time n10, then the institutions. */
    private long originalKey()
    {
        return TransactionMemory.key(digits(90, 4, 6), digits(90, 10, 10));
    }

    private long digits(final int field, final int from, final int count)
    {
        long value = 0;
        for (int i = from; i < from + count; i++)
        {
            value = value * 10 + (request.charAt(field, i) - '0');
        }
        return value;
    }

    private CharSequence nextAuthCode()
    {
        authCode = authCode % (AUTH_CODES - 1) + 1;
        text.setLength(0);
        return appendDigits(authCode, 6);
    }

    /** Field 54 for card {@code card}: the from-account type of field 3, available balance, the request's currency. */
    private CharSequence balance(final int card)
    {
        final long balance = book.balance(card);
        text.setLength(0);
        text.append((char)request.charAt(3, 2)).append((char)request.charAt(3, 3)).append(AVAILABLE_BALANCE);
        if (request.has(49))
        {
            text.append((char)request.charAt(49, 0)).append((char)request.charAt(49, 1)).append((char)request.charAt(49, 2));
        }
        else
        {
            text.append(DEFAULT_CURRENCY);
        }
        text.append(balance < 0 ? 'D' : 'C');
        return appendDigits(Math.min(Math.abs(balance), MAX_AMOUNT), 12);
    }

    private StringBuilder appendDigits(final long value, final int width)
    {
        final int start = text.length();
        long v = value;
        for (int i = 0; i < width; i++)
        {
            text.append('0');
        }
        for (int i = start + width - 1; i >= start && v != 0; i--)
        {
            text.setCharAt(i, (char)('0' + v % 10));
            v /= 10;
        }
        return text;
    }

    /** Today's date from the clock, worked out again only when the day changes; a new day clears the day's spending. */
    private void today()
    {
        final long today = Math.floorDiv(clock.millis(), MILLIS_PER_DAY);
        if (today == day)
        {
            return;
        }
        if (day != Long.MIN_VALUE)
        {
            book.resetSpent();
        }
        day = today;
        final LocalDate date = LocalDate.ofEpochDay(today);
        yymm = date.getYear() % 100 * 100 + date.getMonthValue();
    }
}
