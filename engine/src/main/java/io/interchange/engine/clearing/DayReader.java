package io.interchange.engine.clearing;

import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.Pan;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.ClearingExceptionItem.Kind;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.switching.BatchTotals;
import io.interchange.engine.switching.Decision;
import io.interchange.engine.switching.Outcome;
import io.interchange.engine.switching.ResponseCode;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads one business day of the journal and tells, from what the switch journaled with each event (its input, its
 * {@link Decision} and its outputs), what became of every financial request. It follows the switch handler's own
 * bookkeeping, event by event:
 * <ul>
 * <li>an acquirer's 0100/0200/0220 is a transaction, keyed as the switch keys it (listener, terminal, STAN, field 7
 *     or, for UnionPay POS, the batch number of 60.2). Its decision says what happened: ANSWERED by the switch (a
 *     decline, or 00 for a completion, which the switch acknowledges itself), FORWARDED to an issuer link under a
 *     switch STAN, STOOD_IN (approved by the switch, auth code S nnnnn). RETRANSMITTED and CLOSED are not new
 *     transactions; ANSWERED 94 is a duplicate rejected;</li>
 * <li>an issuer's 0110/0210 RELAYED is matched on (issuer link, switch STAN), as the switch matches it, and gives
 *     the response code, auth code and RRN; UNMATCHED on the key of a request that timed out is a late answer;</li>
 * <li>a TICK that TIMED_OUT carries the 91 answers it sent: each names (acquirer link, terminal, STAN) of a request
 *     that timed out. The same TICKs carry 0220 advices; one with a stand-in auth code, acknowledged (an issuer's
 *     0230 ACKNOWLEDGED on the advice's link and STAN), takes its stand-in off the exceptions;</li>
 * <li>an acquirer's 0400/0420 (and repeats) answered 00 names its original by field 90 (or, for UnionPay POS, 61 or
 *     its own STAN and batch), which is then reversed; answered 25 it is an orphan reversal;</li>
 * <li>a terminal batch (0500, or the 0320 that ends an upload) closed out of balance is an exception with its
 *     differences ({@link #onSettlement}).</li>
 * </ul>
 * The journal is opened read only ({@link JournalReader}); nothing is written to it. One thread.
 */
public final class DayReader
{
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);

    /** Fewer digits and the masking rule shows none (io.interchange.codec.Pan). */
    private static final int MASKABLE = 13;

    private final SwitchConfig config;
    private final MessageReader[] readers;
    private final UnsafeBuffer pan = new UnsafeBuffer(new byte[32]);
    private final List<ClearedTransaction> transactions = new ArrayList<>();
    private final List<ClearingExceptionItem> exceptions = new ArrayList<>();
    /** By the switch's duplicate and reversal key: listener, terminal, STAN, field 7 or batch. */
    private final Map<String, ClearedTransaction> byAcquirerKey = new HashMap<>();
    /** Forwarded and not yet answered, by (issuer link, switch STAN). */
    private final Map<Long, ClearedTransaction> inFlight = new HashMap<>();
    /** Forwarded, by (acquirer link, terminal, STAN): what a time-out's 91 answer names. */
    private final Map<String, ClearedTransaction> byAcquirerLink = new HashMap<>();
    /** Timed out, by (issuer link, switch STAN): where a late answer lands. */
    private final Map<Long, ClearedTransaction> timedOut = new HashMap<>();
    private final Map<String, ClearedTransaction> standInByAuthCode = new HashMap<>();
    /** Stand-in advices sent, by (issuer link, STAN of the advice). */
    private final Map<Long, ClearedTransaction> advicesSent = new HashMap<>();
    /** One copy of each value that repeats across a day's rows (processing codes, currencies, merchants, terminals, codes). */
    private final Map<String, String> shared = new HashMap<>();
    private long records;
    private long timeSecond = Long.MIN_VALUE;
    private String timePrefix;

    private DayReader(final SwitchConfig config, final List<Dialect> dialects)
    {
        this.config = config;
        this.readers = new MessageReader[dialects.size()];
        for (int i = 0; i < readers.length; i++)
        {
            readers[i] = new MessageReader(dialects.get(i));
        }
    }

    /** What the journal says of business day {@code day}. */
    public record Day(LocalDate date, long records, List<ClearedTransaction> transactions, List<ClearingExceptionItem> exceptions)
    {
    }

    /**
     * Reads business day {@code day} of the journal in {@code config.journal().dir()}.
     *
     * @throws ClearingException when there is no journal there, or it holds no record of that day.
     */
    public static Day read(final SwitchConfig config, final LocalDate day)
    {
        final JournalConfig journal = SwitchNode.journalConfig(config);
        if (!Files.isDirectory(journal.directory()))
        {
            throw new ClearingException("no journal at " + journal.directory());
        }
        final DayReader reader = new DayReader(config, journal.dialects());
        try (JournalReader journalReader = open(journal))
        {
            if (!journalReader.toBusinessDay(day))
            {
                throw new ClearingException("the journal at " + journal.directory() + " has no records of business day " + day);
            }
            while (journalReader.next())
            {
                reader.onRecord(journalReader.record());
            }
        }
        if (reader.records == 0)
        {
            throw new ClearingException("the journal at " + journal.directory() + " has no records of business day " + day);
        }
        return reader.finish(day);
    }

    private static JournalReader open(final JournalConfig journal)
    {
        try
        {
            return new JournalReader(journal);
        }
        catch (final RuntimeException ex)
        {
            throw new ClearingException("cannot read the journal at " + journal.directory() + ": " + ex.getMessage(), ex);
        }
    }

    private Day finish(final LocalDate day)
    {
        for (final ClearedTransaction t : transactions)
        {
            t.seal();
            final TransactionState state = t.state();
            if (state == TransactionState.STAND_IN_AWAITING_ADVICE)
            {
                exception(t.order, t.time, Kind.STAND_IN_AWAITING_ADVICE, t, t.responseCode,
                    "approved by the switch (stand-in, auth " + t.authCode + "); the issuer has not acknowledged its 0220 advice");
            }
            else if (state == TransactionState.UNANSWERED)
            {
                exception(t.order, t.time, Kind.UNANSWERED, t, "", "forwarded to " + t.issuer + "; no answer or time-out in the day's journal");
            }
        }
        exceptions.sort((a, b) -> a.order() != b.order() ? Long.compare(a.order(), b.order()) : a.kind().compareTo(b.kind()));
        return new Day(day, records, List.copyOf(transactions), List.copyOf(exceptions));
    }

    private void onRecord(final JournalRecord record)
    {
        records++;
        final String time = time(record.timestampNanos());
        if (!record.checksumValid())
        {
            exceptions.add(new ClearingExceptionItem(record.index(), time, Kind.CORRUPT_RECORD, "", "", "", "", 0, "", "",
                "record " + Long.toHexString(record.index()) + " fails its checksum: left out"));
            return;
        }
        if (record.decisionLength() < Decision.LENGTH)
        {
            return;
        }
        final int at = record.decisionOffset();
        final Outcome outcome = Decision.outcome(record.buffer(), at);
        final String code = Decision.responseCode(record.buffer(), at);
        switch (record.eventType())
        {
            case EventType.ACQUIRER_MESSAGE -> onAcquirer(record, time, outcome, code == null ? "" : code);
            case EventType.ISSUER_MESSAGE -> onIssuer(record, time, outcome);
            case EventType.TICK -> onTick(record, time, outcome);
            default ->
            {
                // Links coming and going move no money.
            }
        }
    }

    private void onAcquirer(final JournalRecord record, final String time, final Outcome outcome, final String code)
    {
        final MessageReader request = input(record);
        if (request == null || outcome == Outcome.RETRANSMITTED || outcome == Outcome.CLOSED)
        {
            return;
        }
        final int at = record.decisionOffset();
        final int endpoint = Decision.endpoint(record.buffer(), at);
        final int mti = request.mti();
        switch (mti)
        {
            case Mti.AUTHORIZATION_REQUEST, Mti.FINANCIAL_REQUEST, Mti.FINANCIAL_REQUEST + 1, Mti.FINANCIAL_ADVICE, Mti.FINANCIAL_ADVICE + 1 ->
                onFinancial(record, request, time, outcome, code, endpoint);
            case Mti.REVERSAL_REQUEST, Mti.REVERSAL_REQUEST + 1, Mti.REVERSAL_ADVICE, Mti.REVERSAL_ADVICE_REPEAT ->
                onReversal(record, request, time, code, endpoint);
            case Mti.RECONCILIATION_REQUEST, Mti.RECONCILIATION_REQUEST + 1, Mti.BATCH_UPLOAD, Mti.BATCH_UPLOAD + 1 ->
                onSettlement(record, request, time, outcome, code);
            default ->
            {
                // Network management and unsupported messages: no money.
            }
        }
    }

    private void onFinancial(
        final JournalRecord record, final MessageReader request, final String time, final Outcome outcome, final String code, final int endpoint)
    {
        final String processing = text(request, 3);
        if (processing.startsWith("31"))
        {
            return; // a balance inquiry moves no money
        }
        if (outcome == Outcome.ANSWERED && ResponseCode.DUPLICATE.equals(code))
        {
            exceptions.add(new ClearingExceptionItem(record.index(), time, Kind.DUPLICATE_REJECTED, text(request, 41), text(request, 42),
                text(request, 11), maskedPan(record, JournalRecord.INPUT), amount(request), text(request, 49), code,
                "same terminal, STAN and transmission time as an earlier request, other content: 94"));
            return;
        }
        final String acquirer = endpoint >= 0 && endpoint < config.listeners().size() ? config.listeners().get(endpoint).acquirerId() : "";
        final ClearedTransaction t = new ClearedTransaction(record.index(), time, request.mti(), shared(processing), maskedPan(record, JournalRecord.INPUT),
            amount(request), shared(text(request, 49)), shared(text(request, 42)), shared(text(request, 41)), text(request, 11), acquirer,
            text(request, 37));
        transactions.add(t);
        final String key = key(endpoint, request);
        if (key != null)
        {
            byAcquirerKey.put(key, t);
        }
        final int at = record.decisionOffset();
        final int issuer = Decision.issuer(record.buffer(), at);
        if (issuer >= 0 && issuer < config.issuers().size())
        {
            t.issuer = config.issuers().get(issuer).id();
        }
        switch (outcome)
        {
            case ANSWERED ->
            {
                t.answered = true;
                t.responseCode = code;
                if (ResponseCode.APPROVED.equals(code) && Mti.messageClass(request.mti()) == 2 && request.mti() / 10 % 10 == 2)
                {
                    // A completion: the switch acknowledged it; the pre-authorization it names is completed.
                    final ClearedTransaction original = original(endpoint, request);
                    if (original != null)
                    {
                        original.completed = true;
                    }
                    t.authCode = text(request, 38);
                }
            }
            case FORWARDED ->
            {
                if (record.outputCount() > 0)
                {
                    inFlight.put(linkStan(record.linkId(JournalRecord.output(0)), Decision.switchStan(record.buffer(), at)), t);
                }
                t.acquirerLinkKey = record.linkId() + "/" + t.terminal + "/" + t.stan;
                byAcquirerLink.put(t.acquirerLinkKey, t);
            }
            case STOOD_IN ->
            {
                t.answered = true;
                t.responseCode = code;
                t.standIn = true;
                final MessageReader answer = record.outputCount() > 0 ? part(record, JournalRecord.output(0)) : null;
                t.authCode = answer == null ? "" : text(answer, 38);
                standInByAuthCode.put(t.authCode, t);
            }
            default ->
            {
                t.answered = true;
                t.responseCode = code;
            }
        }
    }

    private void onReversal(final JournalRecord record, final MessageReader request, final String time, final String code, final int endpoint)
    {
        if (ResponseCode.ORIGINAL_NOT_FOUND.equals(code))
        {
            exceptions.add(new ClearingExceptionItem(record.index(), time, Kind.ORPHAN_REVERSAL, text(request, 41), text(request, 42),
                text(request, 11), maskedPan(record, JournalRecord.INPUT), amount(request), text(request, 49), code,
                "reversal " + Mti.toString(request.mti()) + " of an original the switch does not know: answered 25"));
            return;
        }
        if (!ResponseCode.APPROVED.equals(code))
        {
            return;
        }
        final ClearedTransaction original = original(endpoint, request);
        if (original != null)
        {
            original.reversed = true;
        }
    }

    /**
     * Terminal batch settlement: a batch that closed out of balance is an exception, with its differences. The switch
     * journals the close as {@link Outcome#SETTLED} with {@link Decision#OUT_OF_BALANCE} and the differences, terminal
     * less switch, in the decision: on the ISO 8583:1987 0500 answered 95, or on the UnionPay POS 0320 that ends the
     * batch's upload (the out-of-balance 0500 before it, {@link Outcome#UPLOAD_AWAITED}, carries the same figures and
     * is not counted twice). A transaction uploaded (0320) that the switch has no approval for is an exception of its
     * own: the terminal counted money the switch never authorized.
     */
    private void onSettlement(final JournalRecord record, final MessageReader request, final String time, final Outcome outcome, final String code)
    {
        final int at = record.decisionOffset();
        if (outcome == Outcome.UPLOADED && Decision.uploadUnmatched(record.buffer(), at))
        {
            final long amount = request.has(4) ? request.getLong(4) : 0;
            exceptions.add(new ClearingExceptionItem(record.index(), time, Kind.UNMATCHED_UPLOAD, text(request, 41), text(request, 42),
                text(request, 11), "", amount, text(request, 49), code,
                "batch upload names a transaction the switch has no approval for" + (request.has(61) ? "; original " + text(request, 61) : "")));
            return;
        }
        if (outcome != Outcome.SETTLED || record.decisionLength() < Decision.SETTLEMENT_LENGTH || !Decision.outOfBalance(record.buffer(), at))
        {
            return;
        }
        final StringBuilder detail = new StringBuilder("batch ").append(Decision.batchNumber(record.buffer(), at))
            .append(" closed out of balance; terminal less switch, count / amount:");
        final String[] names = {"credits", "credit reversals", "debits", "debit reversals"};
        final int[] which = {BatchTotals.CREDITS, BatchTotals.CREDIT_REVERSALS, BatchTotals.DEBITS, BatchTotals.DEBIT_REVERSALS};
        for (int i = 0; i < which.length; i++)
        {
            final int count = Decision.countDifference(record.buffer(), at, which[i]);
            final long amount = Decision.amountDifference(record.buffer(), at, which[i]);
            if (count != 0 || amount != 0)
            {
                detail.append(' ').append(names[i]).append(' ').append(count).append(" / ").append(amount);
            }
        }
        // UnionPay POS: which part of field 48 was out. Said apart, because a sale counted under the wrong origin
        // puts both parts out while the differences over both add up to nothing.
        final boolean domestic = Decision.domesticOutOfBalance(record.buffer(), at);
        final boolean foreign = Decision.foreignOutOfBalance(record.buffer(), at);
        if (domestic || foreign)
        {
            detail.append("; out of balance: ").append(domestic && foreign ? "domestic and foreign cards" : domestic ? "domestic cards" : "foreign cards");
        }
        exceptions.add(new ClearingExceptionItem(record.index(), time, Kind.OUT_OF_BALANCE_BATCH, text(request, 41), text(request, 42),
            text(request, 11), "", 0, text(request, 49), code, detail.toString()));
    }

    private void onIssuer(final JournalRecord record, final String time, final Outcome outcome)
    {
        final int stan = Decision.switchStan(record.buffer(), record.decisionOffset());
        final long key = linkStan(record.linkId(), stan);
        switch (outcome)
        {
            case RELAYED ->
            {
                final ClearedTransaction t = inFlight.remove(key);
                final MessageReader answer = input(record);
                if (t == null || answer == null)
                {
                    return;
                }
                byAcquirerLink.remove(t.acquirerLinkKey, t);
                t.answered = true;
                t.responseCode = answer.has(39) ? shared(text(answer, 39)) : ResponseCode.SYSTEM_MALFUNCTION;
                t.authCode = text(answer, 38);
                if (t.rrn.isEmpty())
                {
                    t.rrn = text(answer, 37);
                }
            }
            case UNMATCHED ->
            {
                final MessageReader answer = input(record);
                if (answer == null || Mti.messageClass(answer.mti()) == 4 || answer.mti() == Mti.FINANCIAL_ADVICE_RESPONSE)
                {
                    return; // an advice acknowledged twice: nothing owed
                }
                final ClearedTransaction t = timedOut.get(key);
                final String code = text(answer, 39);
                if (t != null)
                {
                    exceptions.add(new ClearingExceptionItem(record.index(), time, Kind.LATE_ANSWER, t.terminal, t.merchant, t.stan, t.maskedPan,
                        t.amount, t.currency, code, "issuer " + t.issuer + " answered " + code +
                        (text(answer, 38).isEmpty() ? "" : " (auth " + text(answer, 38) + ")") +
                        " after the time-out; the time-out's reversal advice undoes it"));
                }
                else
                {
                    exceptions.add(new ClearingExceptionItem(record.index(), time, Kind.UNMATCHED_ANSWER, text(answer, 41), text(answer, 42),
                        "", maskedPan(record, JournalRecord.INPUT), amount(answer), text(answer, 49), code,
                        "an issuer's " + Mti.toString(answer.mti()) + " that matches no request of the day"));
                }
            }
            case ACKNOWLEDGED ->
            {
                final ClearedTransaction t = advicesSent.remove(key);
                if (t != null)
                {
                    t.advised = true;
                }
            }
            default ->
            {
                // Sign-on answers and echoes.
            }
        }
    }

    private void onTick(final JournalRecord record, final String time, final Outcome outcome)
    {
        for (int i = 0; i < record.outputCount(); i++)
        {
            final int part = JournalRecord.output(i);
            final MessageReader message = part(record, part);
            if (message == null)
            {
                continue;
            }
            final int mti = message.mti();
            if (outcome == Outcome.TIMED_OUT && (mti == Mti.FINANCIAL_RESPONSE || mti == Mti.AUTHORIZATION_RESPONSE) &&
                ResponseCode.ISSUER_INOPERATIVE.equals(text(message, 39)))
            {
                final ClearedTransaction t = byAcquirerLink.remove(record.linkId(part) + "/" + text(message, 41) + "/" + text(message, 11));
                if (t != null)
                {
                    t.timedOut = true;
                    t.responseCode = ResponseCode.ISSUER_INOPERATIVE;
                    for (final Map.Entry<Long, ClearedTransaction> e : inFlight.entrySet())
                    {
                        if (e.getValue() == t)
                        {
                            timedOut.put(e.getKey(), t);
                            inFlight.remove(e.getKey());
                            break;
                        }
                    }
                    exceptions.add(new ClearingExceptionItem(record.index(), time, Kind.TIME_OUT, t.terminal, t.merchant, t.stan, t.maskedPan,
                        t.amount, t.currency, ResponseCode.ISSUER_INOPERATIVE,
                        "issuer " + t.issuer + " did not answer in time: 91 to the terminal, reversal advice (0420, 39=68) to the issuer"));
                }
            }
            else if ((mti == Mti.FINANCIAL_ADVICE || mti == Mti.FINANCIAL_ADVICE + 1) && text(message, 38).startsWith("S"))
            {
                final ClearedTransaction t = standInByAuthCode.get(text(message, 38));
                if (t != null && message.has(11))
                {
                    advicesSent.put(linkStan(record.linkId(part), (int)message.getLong(11)), t);
                }
            }
        }
    }

    /** The transaction a reversal or completion names, found as the switch finds it. */
    private ClearedTransaction original(final int endpoint, final MessageReader request)
    {
        final String terminal = text(request, 41);
        if (request.has(90))
        {
            final String original = text(request, 90);
            if (original.length() < 20)
            {
                return null;
            }
            final String stan = original.substring(4, 10);
            final String transmission = original.substring(10, 20);
            if (!digits(stan) || !digits(transmission))
            {
                return null;
            }
            return byAcquirerKey.get(endpoint + "/" + terminal + "/" + Long.parseLong(stan) + "/" + Long.parseLong(transmission));
        }
        final String batch;
        final String stan;
        if (request.has(61) && request.units(61) >= 12)
        {
            batch = text(request, 61).substring(0, 6);
            stan = text(request, 61).substring(6, 12);
        }
        else
        {
            batch = request.has(60) && request.units(60) >= 8 ? text(request, 60).substring(2, 8) : null;
            stan = text(request, 11);
        }
        if (batch == null || !digits(batch) || !digits(stan) || stan.isEmpty())
        {
            return null;
        }
        return byAcquirerKey.get(endpoint + "/" + terminal + "/" + Long.parseLong(stan) + "/" + Long.parseLong(batch));
    }

    /** The switch's key of a request (listener, terminal, STAN, field 7 or 60.2 batch), or null when it has none. */
    private static String key(final int endpoint, final MessageReader request)
    {
        final String stan = text(request, 11);
        final String transmission = request.has(7) ? text(request, 7) :
            request.has(60) && request.units(60) >= 8 ? text(request, 60).substring(2, 8) : "";
        if (!digits(stan) || stan.isEmpty() || !digits(transmission) || transmission.isEmpty())
        {
            return null;
        }
        return endpoint + "/" + text(request, 41) + "/" + Long.parseLong(stan) + "/" + Long.parseLong(transmission);
    }

    private static boolean digits(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (text.charAt(i) < '0' || text.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }

    private MessageReader input(final JournalRecord record)
    {
        return record.hasInput() ? part(record, JournalRecord.INPUT) : null;
    }

    /** The part's message as the journal keeps it (no PAN, no track data, no PIN block); null when withheld. */
    private MessageReader part(final JournalRecord record, final int part)
    {
        if (record.isWithheld(part))
        {
            return null;
        }
        final MessageReader reader = readers[record.dialectId(part)];
        return reader.wrap(record.buffer(), record.messageOffset(part), record.messageLength(part)) == DecodeError.NONE ? reader : null;
    }

    /** First six and last four; the clear digits live only in a scratch buffer, wiped at once. */
    private String maskedPan(final JournalRecord record, final int part)
    {
        if (record.isWithheld(part) || !record.hasPan(part))
        {
            return "";
        }
        final int n = record.decryptPan(part, pan, 0);
        if (n < MASKABLE)
        {
            pan.setMemory(0, pan.capacity(), (byte)0);
            return Pan.mask("0".repeat(n));
        }
        final StringBuilder masked = new StringBuilder(n);
        for (int i = 0; i < n; i++)
        {
            masked.append(i < 6 || i >= n - 4 ? (char)pan.getByte(i) : '*');
        }
        pan.setMemory(0, pan.capacity(), (byte)0);
        return masked.toString();
    }

    private String shared(final String value)
    {
        final String known = shared.putIfAbsent(value, value);
        return known == null ? value : known;
    }

    private static long amount(final MessageReader message)
    {
        return message.has(4) ? message.getLong(4) : 0;
    }

    private static String text(final MessageReader message, final int field)
    {
        return message.has(field) ? message.getString(field) : "";
    }

    private static long linkStan(final int link, final int stan)
    {
        return ((long)link << 32) | (stan & 0xFFFF_FFFFL);
    }

    /**
     * ISO-8601 UTC to the millisecond. Events come many to a second: the formatter runs once per second and the
     * milliseconds are appended by hand.
     */
    private String time(final long nanos)
    {
        final long second = Math.floorDiv(nanos, 1_000_000_000L);
        if (second != timeSecond)
        {
            timeSecond = second;
            timePrefix = SECOND.format(Instant.ofEpochSecond(second));
        }
        final int millis = (int)(Math.floorMod(nanos, 1_000_000_000L) / 1_000_000L);
        return timePrefix + (char)('0' + millis / 100) + (char)('0' + millis / 10 % 10) + (char)('0' + millis % 10) + 'Z';
    }

    private void exception(final long order, final String time, final Kind kind, final ClearedTransaction t, final String code, final String detail)
    {
        exceptions.add(new ClearingExceptionItem(order, time, kind, t.terminal, t.merchant, t.stan, t.maskedPan, t.amount, t.currency, code, detail));
    }
}
