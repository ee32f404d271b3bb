package io.interchange.engine.clearing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.DirectBuffer;

/**
 * The financial requests of one business day (0100, 0200, 0220) and what became of each, and the day's reversals of
 * earlier days' approvals: the rows of transactions.csv, held column by column. A national switch clears tens of millions of these a day; as objects,
 * each with its Strings, they filled the old generation and the collector took most of clearing's time. As a few
 * dozen primitive arrays they cost about 100 bytes a row and the collector never looks inside them.
 *
 * <p>Values that repeat across the day (processing codes, currencies, merchants, terminals, institutions, response
 * codes) are kept once and named by a code; STAN, RRN and authorization code in fixed-width byte columns. The PAN is
 * never held: only its first six and last four digits and its length, which is all the masked form shows.
 *
 * <p>Rows are added and updated by {@link DayReader} as the journal tells each story (request, answer or time-out,
 * reversal, completion, advice acknowledged); after that, only read. One thread.
 */
public final class DayTransactions
{
    static final int ANSWERED = 1;
    static final int TIMED_OUT = 1 << 1;
    static final int REVERSED = 1 << 2;
    /** A hold a completion of the day has taken over while it stands: let go again when that completion is voided or reversed. */
    static final int COMPLETED = 1 << 3;
    static final int STAND_IN = 1 << 4;
    static final int ADVISED = 1 << 5;
    /** The row is a reversal of an earlier day's approval: {@link TransactionState#REVERSAL_OF_EARLIER_DAY}. */
    static final int OF_EARLIER_DAY = 1 << 6;
    /** A reversal of the row answered 25 (the switch had forgotten it) is reported already: its repeats are not. The byte's last bit. */
    static final int ORPHAN_REPORTED = 1 << 7;

    private static final int FIRST_CAPACITY = 1_024;
    /** Fewer digits and the masking rule shows none (io.interchange.codec.Pan). */
    private static final int MASKABLE = 13;
    private static final int PAN_KEPT = 10;
    /** Rows at most: the widest text column (the RRN's 12 bytes a row) must stay within one Java array. */
    static final int MAX_ROWS = 1 << 27;

    private final Dictionary strings = new Dictionary();
    private final int approved = strings.code("00");
    private final int empty = strings.code("");
    private int size;
    private int capacity = FIRST_CAPACITY;
    private long[] order = new long[FIRST_CAPACITY];
    private long[] nanos = new long[FIRST_CAPACITY];
    private short[] mti = new short[FIRST_CAPACITY];
    private long[] amount = new long[FIRST_CAPACITY];
    private int[] processing = new int[FIRST_CAPACITY];
    private int[] currency = new int[FIRST_CAPACITY];
    private int[] merchant = new int[FIRST_CAPACITY];
    private int[] terminal = new int[FIRST_CAPACITY];
    private int[] acquirer = new int[FIRST_CAPACITY];
    private int[] issuer = new int[FIRST_CAPACITY];
    private int[] responseCode = new int[FIRST_CAPACITY];
    private byte[] flags = new byte[FIRST_CAPACITY];
    private byte[] panLength = new byte[FIRST_CAPACITY];
    private final TextColumn pan = new TextColumn(PAN_KEPT, FIRST_CAPACITY);
    private final TextColumn stan = new TextColumn(6, FIRST_CAPACITY);
    private final TextColumn rrn = new TextColumn(12, FIRST_CAPACITY);
    private final TextColumn authCode = new TextColumn(6, FIRST_CAPACITY);

    /** Rows of the day. */
    public int size()
    {
        return size;
    }

    /** The journal position of the request: the files' order. */
    public long order(final int row)
    {
        return order[row];
    }

    /** When the request entered the switch, nanoseconds since the epoch (event time). */
    public long timeNanos(final int row)
    {
        return nanos[row];
    }

    public int mti(final int row)
    {
        return mti[row];
    }

    public String processingCode(final int row)
    {
        return strings.value(processing[row]);
    }

    /** First six and last four digits, the rest as '*'; empty when the journal kept no PAN. */
    public String maskedPan(final int row)
    {
        final int n = panLength[row];
        if (n == 0)
        {
            return "";
        }
        final char[] masked = new char[n];
        Arrays.fill(masked, '*');
        if (n >= MASKABLE)
        {
            final String kept = pan.get(row);
            kept.getChars(0, 6, masked, 0);
            kept.getChars(6, PAN_KEPT, masked, n - 4);
        }
        return new String(masked);
    }

    /** Minor units. */
    public long amount(final int row)
    {
        return amount[row];
    }

    /** ISO 4217 numeric. */
    public String currency(final int row)
    {
        return strings.value(currency[row]);
    }

    public String merchant(final int row)
    {
        return strings.value(merchant[row]);
    }

    public String terminal(final int row)
    {
        return strings.value(terminal[row]);
    }

    public String stan(final int row)
    {
        return stan.get(row);
    }

    /** The acquirer id of the listener the request came in on. */
    public String acquirer(final int row)
    {
        return strings.value(acquirer[row]);
    }

    /** The issuer's id, empty when it went to none. */
    public String issuer(final int row)
    {
        return strings.value(issuer[row]);
    }

    public String rrn(final int row)
    {
        return rrn.get(row);
    }

    public String authCode(final int row)
    {
        return authCode.get(row);
    }

    public String responseCode(final int row)
    {
        return strings.value(responseCode[row]);
    }

    /** Whether the acquirer was answered 00: by the issuer, by the switch standing in, or by the acquirer's own advice. */
    public boolean answeredApproved(final int row)
    {
        return responseCode[row] == approved;
    }

    public boolean standIn(final int row)
    {
        return flagged(row, STAND_IN);
    }

    /** The state at the end of the day: see {@link TransactionState}. */
    public TransactionState state(final int row)
    {
        if (flagged(row, OF_EARLIER_DAY))
        {
            return TransactionState.REVERSAL_OF_EARLIER_DAY;
        }
        if (flagged(row, TIMED_OUT))
        {
            return TransactionState.TIMED_OUT;
        }
        if (!flagged(row, ANSWERED))
        {
            // Reversed by its acquirer while with the issuer, and then timed out (91 to its terminal, or none for one that
            // had gone): reversed, not lost (the time-out's 0420 told the issuer).
            return flagged(row, REVERSED) ? TransactionState.REVERSED : TransactionState.UNANSWERED;
        }
        if (responseCode[row] != approved)
        {
            return TransactionState.DECLINED;
        }
        if (flagged(row, REVERSED))
        {
            return TransactionState.REVERSED;
        }
        if (authorization(row))
        {
            return flagged(row, COMPLETED) ? TransactionState.COMPLETED : TransactionState.AUTHORIZED;
        }
        return flagged(row, STAND_IN) && !flagged(row, ADVISED) ? TransactionState.STAND_IN_AWAITING_ADVICE : TransactionState.APPROVED;
    }

    /**
     * Approved by the switch in stand-in and its advice not acknowledged by the issuer by the end of the day: a
     * purchase ({@link TransactionState#STAND_IN_AWAITING_ADVICE}) or a pre-authorization, authorized or completed like
     * one its issuer approved, whose 0120 the issuer has not acknowledged. Not one since reversed or declined.
     */
    public boolean awaitingAdvice(final int row)
    {
        if (!flagged(row, STAND_IN) || flagged(row, ADVISED))
        {
            return false;
        }
        final TransactionState state = state(row);
        return state == TransactionState.STAND_IN_AWAITING_ADVICE || state == TransactionState.AUTHORIZED || state == TransactionState.COMPLETED;
    }

    /** Whether it moves money: settled, and a purchase, cash or completion (debits) or a refund (credit). */
    public boolean settles(final int row)
    {
        if (authorization(row) || !state(row).settles())
        {
            return false;
        }
        final String code = processingCode(row);
        return code.startsWith("20") || code.startsWith("00") || code.startsWith("01");
    }

    /**
     * A pre-authorization: an 0100 the issuer or the switch approved, or an 0120 (or its repeat, 0121, when the first
     * copy never arrived) the acquirer advised of one it made. A hold, never settled itself; its completion (0220) is.
     */
    public boolean authorization(final int row)
    {
        return mti[row] / 100 == 1;
    }

    /** Money back to the card: a refund (processing code 20), or the reversal of an earlier day's sale. */
    public boolean isCredit(final int row)
    {
        return processingCode(row).startsWith("20") != flagged(row, OF_EARLIER_DAY);
    }

    /** Appends a request as it came in; returns its row. */
    int add(
        final long journalOrder, final long timeNanos, final int requestMti, final String processingCode, final long minorUnits,
        final String currencyCode, final String merchantId, final String terminalId, final String requestStan, final String acquirerId,
        final String requestRrn)
    {
        if (size == capacity)
        {
            grow();
        }
        final int row = size++;
        order[row] = journalOrder;
        nanos[row] = timeNanos;
        mti[row] = (short)requestMti;
        processing[row] = strings.code(processingCode);
        amount[row] = minorUnits;
        currency[row] = strings.code(currencyCode);
        merchant[row] = strings.code(merchantId);
        terminal[row] = strings.code(terminalId);
        acquirer[row] = strings.code(acquirerId);
        issuer[row] = empty;
        responseCode[row] = empty;
        stan.set(row, requestStan);
        rrn.set(row, requestRrn);
        authCode.set(row, "");
        return row;
    }

    /**
     * Keeps what the masked PAN shows of the {@code length} ASCII digits in {@code digits}: the caller wipes the
     * buffer, nothing here copies more than the first six and last four.
     */
    void pan(final int row, final DirectBuffer digits, final int length)
    {
        panLength[row] = (byte)length;
        if (length >= MASKABLE)
        {
            pan.set(row, digits, 0, 6, length - 4, 4);
        }
    }

    void issuer(final int row, final String id)
    {
        issuer[row] = strings.code(id);
    }

    void rrn(final int row, final String value)
    {
        rrn.set(row, value);
    }

    void authCode(final int row, final String value)
    {
        authCode.set(row, value);
    }

    void responseCode(final int row, final String code)
    {
        responseCode[row] = strings.code(code);
    }

    void mark(final int row, final int flag)
    {
        flags[row] |= (byte)flag;
    }

    void unmark(final int row, final int flag)
    {
        flags[row] &= (byte)~flag;
    }

    boolean flagged(final int row, final int flag)
    {
        return (flags[row] & flag) != 0;
    }

    /** The code of a value the day has seen, or -1: a terminal that sent nothing has no transaction to find. */
    int codeOf(final String value)
    {
        return strings.codeOf(value);
    }

    int terminalCode(final int row)
    {
        return terminal[row];
    }

    int merchantCode(final int row)
    {
        return merchant[row];
    }

    int currencyCode(final int row)
    {
        return currency[row];
    }

    int acquirerCode(final int row)
    {
        return acquirer[row];
    }

    int issuerCode(final int row)
    {
        return issuer[row];
    }

    String value(final int code)
    {
        return strings.value(code);
    }

    private void grow()
    {
        if (capacity >= MAX_ROWS)
        {
            throw new ClearingException("the business day has more than " + MAX_ROWS + " financial requests, more than one clearing run holds");
        }
        capacity = capacity * 2;
        order = Arrays.copyOf(order, capacity);
        nanos = Arrays.copyOf(nanos, capacity);
        mti = Arrays.copyOf(mti, capacity);
        amount = Arrays.copyOf(amount, capacity);
        processing = Arrays.copyOf(processing, capacity);
        currency = Arrays.copyOf(currency, capacity);
        merchant = Arrays.copyOf(merchant, capacity);
        terminal = Arrays.copyOf(terminal, capacity);
        acquirer = Arrays.copyOf(acquirer, capacity);
        issuer = Arrays.copyOf(issuer, capacity);
        responseCode = Arrays.copyOf(responseCode, capacity);
        flags = Arrays.copyOf(flags, capacity);
        panLength = Arrays.copyOf(panLength, capacity);
        pan.grow(capacity);
        stan.grow(capacity);
        rrn.grow(capacity);
        authCode.grow(capacity);
    }

    /** Each distinct value once, named by a code in the order first seen. */
    private static final class Dictionary
    {
        private final Map<String, Integer> codes = new HashMap<>();
        private final List<String> values = new ArrayList<>();

        int code(final String value)
        {
            final Integer known = codes.get(value);
            if (known != null)
            {
                return known;
            }
            final int code = values.size();
            values.add(value);
            codes.put(value, code);
            return code;
        }

        int codeOf(final String value)
        {
            final Integer known = codes.get(value);
            return known == null ? -1 : known;
        }

        String value(final int code)
        {
            return values.get(code);
        }
    }

    /**
     * Short text of a known width (STAN n6, RRN an12, auth code an6) as Latin-1 bytes in one array; a value that
     * does not fit (longer, or a character beyond Latin-1) is kept whole on the side, so nothing is ever cut.
     */
    private static final class TextColumn
    {
        private static final byte OVERFLOW = -1;

        private final int width;
        private byte[] bytes;
        private byte[] lengths;
        private final Map<Integer, String> overflow = new HashMap<>();

        TextColumn(final int width, final int capacity)
        {
            this.width = width;
            this.bytes = new byte[capacity * width];
            this.lengths = new byte[capacity];
        }

        void grow(final int capacity)
        {
            bytes = Arrays.copyOf(bytes, Math.multiplyExact(capacity, width));
            lengths = Arrays.copyOf(lengths, capacity);
        }

        void set(final int row, final String value)
        {
            final int n = value.length();
            boolean fits = n <= width;
            for (int i = 0; fits && i < n; i++)
            {
                fits = value.charAt(i) <= 0xFF;
            }
            if (!fits)
            {
                lengths[row] = OVERFLOW;
                overflow.put(row, value);
                return;
            }
            if (lengths[row] == OVERFLOW)
            {
                overflow.remove(row);
            }
            final int at = row * width;
            for (int i = 0; i < n; i++)
            {
                bytes[at + i] = (byte)value.charAt(i);
            }
            lengths[row] = (byte)n;
        }

        /** Two pieces of a buffer, end to end: the PAN's first and last digits. */
        void set(final int row, final DirectBuffer buffer, final int first, final int firstLength, final int second, final int secondLength)
        {
            final int at = row * width;
            buffer.getBytes(first, bytes, at, firstLength);
            buffer.getBytes(second, bytes, at + firstLength, secondLength);
            lengths[row] = (byte)(firstLength + secondLength);
        }

        String get(final int row)
        {
            final byte n = lengths[row];
            return n == OVERFLOW ? overflow.get(row) : new String(bytes, row * width, n, StandardCharsets.ISO_8859_1);
        }
    }
}
