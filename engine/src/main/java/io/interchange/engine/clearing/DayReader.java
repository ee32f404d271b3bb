package io.interchange.engine.clearing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.ClearingExceptionItem.Kind;
import io.interchange.engine.config.IssuerConfig;
import io.interchange.engine.config.ListenerConfig;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.config.TerminalConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.switching.BatchTotals;
import io.interchange.engine.switching.Decision;
import io.interchange.engine.switching.EndpointOrder;
import io.interchange.engine.switching.Outcome;
import io.interchange.engine.switching.PosTransaction;
import io.interchange.engine.switching.ResponseCode;
import io.interchange.journal.BusinessDay;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads one business day of the journal and tells, from what the switch journaled with each event (its input, its
 * {@link Decision} and its outputs), what became of every financial request. It follows the switch handler's own
 * bookkeeping, event by event:
 * <ul>
 * <li>an acquirer's 0100/0120/0200/0220 is a transaction, keyed as the switch keys it (listener, terminal, STAN, field 7
 *     or, for UnionPay POS, the batch number of 60.2). Its decision says what happened: ANSWERED by the switch (a
 *     decline, or 00 for a completion, which the switch acknowledges itself), FORWARDED to an issuer link under a
 *     switch STAN, STOOD_IN (approved by the switch, auth code S and five base-36 characters), PAST_DEADLINE (91
 *     without asking the issuer: it waited past limits.request-deadline to be taken up; a decline like those ANSWERED).
 *     A reversal answered 25 of a request of the day that was not approved is no exception: nothing was charged; nor
 *     is one of a request reversed already: the reversal answered 00 before it told the issuer. A reversal of one of the
 *     day's balance inquiries (no rows: they move no money) is nothing, answered 00 or 25, whatever its own field 3 says.
 *     RETRANSMITTED and CLOSED are not new transactions;
 *     ANSWERED 94 is a duplicate rejected;</li>
 * <li>an issuer's 0110/0210 RELAYED is matched on (issuer link, switch STAN), as the switch matches it, and gives
 *     the response code, auth code and RRN (an approval whose terminal had gone the switch reversed at once:
 *     {@link Decision#UNDELIVERED_REVERSED}); UNMATCHED on the key of a request that timed out is a late answer;</li>
 * <li>a TICK that TIMED_OUT carries the 91 answers it sent: each names (acquirer link, terminal, STAN) of a request
 *     that timed out (or, when the acquirer's link had gone and no 91 went, the 0420 with 39 = 68 to the issuer
 *     names it by the switch STAN in field 90). The same TICKs carry 0220 and 0120 advices; a stand-in's own (a
 *     0220 for a purchase, an 0120 for a pre-authorization: its auth code, no field 90), acknowledged (an issuer's
 *     0230 or 0130 ACKNOWLEDGED on the advice's link and STAN), takes its stand-in off the exceptions;</li>
 * <li>an acquirer's 0400/0420 (and repeats), or a UnionPay POS pre-authorization void (0100, 60.1 = 11, naming its
 *     hold by 61), answered 00 names its original by field 90 (or, for UnionPay POS, by
 *     its own STAN and batch: the 61 it copies from a void names the sale), which is then reversed; answered 25 it is an orphan reversal
 *     (one per original, however many repeats got 25 too); answered 00 for an
 *     original the day does not hold, it reverses an earlier day's request, which settled on its day: booked back on
 *     this day when the switch says it undid an approval ({@link #onReversalOfEarlierDay}), and an exception;</li>
 * <li>a completion (0220, or a UnionPay POS one asked for online: 0200, 60.1 = 20) acknowledged for a
 *     pre-authorization that held nothing for it, or less, is an exception ({@link #irregularCompletion}), and settles
 *     all the same. A completion that took a hold over gives it back when it is reversed (0400) or, UnionPay POS, its
 *     completion void (0200, 60.1 = 21, naming it by 61) is approved, as the switch gives it back; then the hold may be
 *     completed again ({@link #giveHoldBack});</li>
 * <li>a terminal batch (0500, or the 0320 that ends an upload) closed out of balance is an exception with its
 *     differences, and so is a UnionPay POS batch out of balance whose upload does not end within the day
 *     ({@link #onSettlement}).</li>
 * </ul>
 * Requests still with their issuers at the cutoff are followed into the next day's first records, for their answers
 * and time-outs only ({@link #readPastTheEnd}). The journal is opened read only ({@link JournalReader}); nothing is
 * written to it. One thread.
 */
public final class DayReader
{
    /** Fewer digits and the masking rule shows none (io.interchange.codec.Pan). */
    private static final int MASKABLE = 13;
    private static final long NO_ISSUER_KEY = Long.MIN_VALUE;
    private static final long NO_ORIGINAL_DATA = -1;
    /** How long past the cutoff and the longest issuer time-out the next day is read for the day's open requests. */
    private static final long PAST_THE_END_MARGIN_NANOS = 60_000_000_000L;

    private final SwitchConfig config;
    private final MessageReader[] readers;
    private final UnsafeBuffer pan = new UnsafeBuffer(new byte[32]);
    private final UtcMillis utc = new UtcMillis();
    private final DayTransactions transactions = new DayTransactions();
    private final List<ClearingExceptionItem> exceptions = new ArrayList<>();
    /** By the switch's duplicate and reversal key: listener, terminal, STAN, field 7 or batch. */
    private final AcquirerKeys byAcquirerKey = new AcquirerKeys();
    /** Forwarded and not yet answered, by (issuer link, switch STAN). */
    private final Map<Long, Forwarded> inFlight = new HashMap<>();
    /**
     * Forwarded and not yet answered, by (run, acquirer link, terminal, STAN): what a time-out's 91 answer names. Link
     * ids start again with each run of the switch, hence the run.
     */
    private final Map<String, Forwarded> byAcquirerLink = new HashMap<>();
    /** The same, by row: where a request sent again on another link finds its entry to move it there. */
    private final Map<Integer, Forwarded> byRow = new HashMap<>();
    /**
     * Forwarded and not yet answered, by the switch's STAN and the field 7 it sent (STAN × 10^10 + field 7): what
     * field 90 of a reversal advice to the issuer names. The STAN alone repeats once the sequence wraps.
     */
    private final Map<Long, Forwarded> byOriginalData = new HashMap<>();
    /** Timed out, by (issuer link, switch STAN): where a late answer lands. */
    private final Map<Long, Integer> timedOut = new HashMap<>();
    private final Map<String, Integer> standInByAuthCode = new HashMap<>();
    /** Stand-in advices sent, by (issuer link, STAN of the advice). */
    private final Map<Long, Integer> advicesSent = new HashMap<>();
    /**
     * UnionPay POS batches out of balance at their 0500 ({@link Outcome#UPLOAD_AWAITED}) whose upload has not ended,
     * by (listener, terminal, batch): exceptions at the end of the day unless the upload's end closes them.
     */
    private final Map<String, ClearingExceptionItem> uploadsAwaited = new LinkedHashMap<>();
    /** Reversals of an earlier day's request already reported, by (listener, terminal, field 90): a repeat is not. */
    private final Set<String> earlierReversals = new HashSet<>();
    // The originals of reversals answered 25 that the day's journal does not hold either ({@link #originalKey}): reported once each.
    private final Set<String> unknownOriginals = new HashSet<>();
    /**
     * Rows that hold their key though a request refused under it came since ({@link #onFinancial}), with that request's
     * row: what a reversal of the key may have found in the switch's history instead ({@link #tookAnotherOriginal}).
     */
    private final Map<Integer, Integer> refusedSince = new HashMap<>();
    /**
     * A completion's row to the row of the hold it took over, held and not completed then: what its reversal or void gives
     * back ({@link #giveHoldBack}). Only completions that took a hold of the day are here; primitive, no boxing.
     */
    private final Int2IntHashMap holdOf = new Int2IntHashMap(AcquirerKeys.MISSING);
    /** A hold's row to the row of the completion that has it now: one voided or reversed since gives nothing back again. */
    private final Int2IntHashMap completedBy = new Int2IntHashMap(AcquirerKeys.MISSING);
    /** A UnionPay POS completion void's row to the completion it names, for one that took a hold: approved, it gives that hold back. */
    private final Int2IntHashMap voidedCompletion = new Int2IntHashMap(AcquirerKeys.MISSING);
    /**
     * Whether the run being read is known to name, in a reversal's decision, the approval it undid ({@link Decision#undidApproval}):
     * its NODE_START or its latest forward is of a switch that does ({@link Decision#RUN_LENGTH}, {@link Decision#FORWARD_LENGTH}, both
     * later). Where it is not, a decision that names none says nothing of what the switch took the reversal for ({@link #tookAnotherOriginal}).
     */
    private boolean reversalsNamed;
    /** The day's balance inquiries, which are no rows, by their key ({@link #inquiryKey}): what a reversal of one names. */
    private final Set<String> inquiries = new HashSet<>();
    /**
     * Reading past the day's end only to learn what became of the day's requests still with their issuers: their
     * answers, time-outs and the reversal advices of those; nothing of the next day is taken for the day's.
     */
    private boolean pastTheEnd;
    private long records;
    /** Runs of the switch so far in the day's journal ({@link EventType#NODE_START} records). */
    private int run;

    /**
     * A request with its issuer: the row, and its keys while it waits, so that the answer or the time-out that ends it
     * takes it out of every map. Only the day's open requests are ever held. The acquirer link's key changes when the
     * terminal asks again on another link, where the switch then sends its answer.
     */
    private static final class Forwarded
    {
        final int row;
        final long issuerKey;
        final long originalData;
        String acquirerLinkKey;

        Forwarded(final int row, final long issuerKey, final String acquirerLinkKey, final long originalData)
        {
            this.row = row;
            this.issuerKey = issuerKey;
            this.acquirerLinkKey = acquirerLinkKey;
            this.originalData = originalData;
        }
    }

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
    public record Day(LocalDate date, long records, DayTransactions transactions, List<ClearingExceptionItem> exceptions)
    {
    }

    /**
     * Reads business day {@code day} of the journal in {@code config.journal().dir()}.
     *
     * @throws ClearingException when there is no journal there, or it holds no record of that day.
     * @throws io.interchange.journal.JournalDamagedException when the journal is damaged where the day is read: cleared
     *         without the records past the damage, the day's settlement would be wrong, and would not say so.
     */
    public static Day read(final SwitchConfig config, final LocalDate day)
    {
        final JournalConfig journal = SwitchNode.journalConfig(config);
        if (!Files.isDirectory(journal.directory()))
        {
            throw new ClearingException("no journal at " + journal.directory());
        }
        if (!holdsQueueFiles(journal.directory()))
        {
            // Said before Chronicle Queue opens it: read only, it would warn of a missing table store, then find no day.
            throw new ClearingException(journal.directory() + " is not a journal: it holds no Chronicle Queue files (*.cq4)");
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
            if (reader.records > 0 && !reader.byRow.isEmpty() && journalReader.toBusinessDay(day.plusDays(1)))
            {
                reader.readPastTheEnd(journalReader, endNanos(config, day) + longestTimeOutNanos(config) + PAST_THE_END_MARGIN_NANOS);
            }
        }
        if (reader.records == 0)
        {
            throw new ClearingException("the journal at " + journal.directory() + " has no records of business day " + day);
        }
        return reader.finish(day);
    }

    /**
     * The first records of the next business day, only for the answers, time-outs and time-out reversal advices of the
     * day's requests still with their issuers at the cutoff: an approval relayed at 23:00:00.100 for a request of
     * 22:59:59.900 belongs to the day of its request, on which the terminal got it, and settles there. Stops once no
     * request of the day is open, or at {@code untilNanos} (the cutoff, plus the longest issuer time-out, plus a margin:
     * by then the switch has answered or timed out every request of the day). The next day's own reading finds no
     * request of its own for these records and takes them for no answer of its own either: a RELAYED answer, a 91 or an
     * 0420 for a request it does not hold is an earlier day's.
     */
    private void readPastTheEnd(final JournalReader journalReader, final long untilNanos)
    {
        pastTheEnd = true;
        while (!byRow.isEmpty() && journalReader.next())
        {
            final JournalRecord record = journalReader.record();
            if (record.timestampNanos() > untilNanos)
            {
                break;
            }
            if (record.checksumValid())
            {
                onRecord(record);
            }
        }
    }

    /** The first instant of the next business day, epoch nanoseconds. */
    private static long endNanos(final SwitchConfig config, final LocalDate day)
    {
        final Instant end = BusinessDay.end(day, config.businessDay().cutoff(), config.businessDay().zone());
        return end.getEpochSecond() * 1_000_000_000L + end.getNano();
    }

    private static long longestTimeOutNanos(final SwitchConfig config)
    {
        long longest = 0;
        for (final IssuerConfig issuer : config.issuers())
        {
            longest = Math.max(longest, issuer.timeout().toNanos());
        }
        return longest;
    }

    private static boolean holdsQueueFiles(final Path directory)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(".cq4"));
        }
        catch (final IOException ex)
        {
            throw new ClearingException("the journal at " + directory + " cannot be read: " + ex.getMessage(), ex);
        }
    }

    private static JournalReader open(final JournalConfig journal)
    {
        try
        {
            return new JournalReader(journal);
        }
        catch (final Exception ex)
        {
            // Chronicle Queue throws some checked exceptions unchecked (StreamCorruptedException for a queue file that
            // is not its), and its messages may run to a hex dump: the first line says it.
            final String why = ex.getMessage() == null ? ex.toString() : ex.getMessage().lines().findFirst().orElse("");
            throw new ClearingException("cannot read the journal at " + journal.directory() + ": " + why, ex);
        }
    }

    private Day finish(final LocalDate day)
    {
        final DayTransactions t = transactions;
        for (int row = 0; row < t.size(); row++)
        {
            final TransactionState state = t.state(row);
            if (t.awaitingAdvice(row))
            {
                exception(Kind.STAND_IN_AWAITING_ADVICE, row, t.responseCode(row), "approved by the switch (stand-in, auth " + t.authCode(row) +
                    "); the issuer has not acknowledged its " + (t.mti(row) == Mti.AUTHORIZATION_REQUEST ? "0120" : "0220") + " advice");
            }
            else if (state == TransactionState.UNANSWERED)
            {
                exception(Kind.UNANSWERED, row, "", "forwarded to " + t.issuer(row) + "; no answer or time-out in the day's journal");
            }
        }
        exceptions.addAll(uploadsAwaited.values());
        exceptions.sort((a, b) -> a.order() != b.order() ? Long.compare(a.order(), b.order()) : a.kind().compareTo(b.kind()));
        return new Day(day, records, transactions, List.copyOf(exceptions));
    }

    private void onRecord(final JournalRecord record)
    {
        if (!pastTheEnd)
        {
            records++;
        }
        if (!record.checksumValid())
        {
            exceptions.add(new ClearingExceptionItem(record.index(), time(record), Kind.CORRUPT_RECORD, "", "", "", "", 0, "", "",
                "record " + Long.toHexString(record.index()) + " fails its checksum: left out"));
            return;
        }
        if (record.eventType() == EventType.NODE_START)
        {
            run++;
            reversalsNamed = record.decisionLength() >= Decision.RUN_LENGTH;
            // The run's records name issuers and listeners by their place in its config: cleared under a config that
            // does not begin with them, the day would settle one issuer's transactions with another.
            final String mismatch = EndpointOrder.mismatch(record.buffer(), record.decisionOffset(), record.decisionLength(), record.timestampNanos(),
                config.issuers().stream().map(IssuerConfig::id).toList(), config.listeners().stream().map(ListenerConfig::name).toList());
            if (mismatch != null)
            {
                throw new ClearingException(mismatch);
            }
        }
        if (record.decisionLength() < Decision.LENGTH)
        {
            return;
        }
        final int at = record.decisionOffset();
        final Outcome outcome = Decision.outcome(record.buffer(), at);
        final String code = Decision.responseCode(record.buffer(), at);
        if (outcome == Outcome.FORWARDED)
        {
            reversalsNamed = record.decisionLength() >= Decision.FORWARD_LENGTH;
        }
        final boolean advices = record.eventType() != EventType.TICK && Decision.advicesSent(record.buffer(), at);
        // An answer that matched nothing may be late for a request whose time-out's 0420 (its terminal gone, so no
        // 91) rides on this very record: that 0420 is read first, so the answer is known late, not stray.
        final boolean advicesFirst = advices && record.eventType() == EventType.ISSUER_MESSAGE && outcome == Outcome.UNMATCHED;
        if (advicesFirst)
        {
            onOutputs(record, false, true);
        }
        switch (record.eventType())
        {
            case EventType.ACQUIRER_MESSAGE -> onAcquirer(record, outcome, code == null ? "" : code);
            case EventType.ISSUER_MESSAGE -> onIssuer(record, outcome, code);
            case EventType.TICK -> onOutputs(record, outcome == Outcome.TIMED_OUT, true);
            default ->
            {
                // Links coming and going move no money.
            }
        }
        if (advices && !advicesFirst)
        {
            onOutputs(record, false, true);
        }
    }

    private void onAcquirer(final JournalRecord record, final Outcome outcome, final String code)
    {
        final MessageReader request = input(record);
        if (request == null || outcome == Outcome.CLOSED)
        {
            return;
        }
        final int at = record.decisionOffset();
        final int endpoint = Decision.endpoint(record.buffer(), at);
        if (outcome == Outcome.RETRANSMITTED)
        {
            if (!answeredOnItsLink(record))
            {
                onAskedAgain(record, request, endpoint);
            }
            return;
        }
        if (pastTheEnd)
        {
            // The next day's requests, reversals and batches are the next day's; but a reversal of one of this day's
            // requests while it is still with its issuer undoes it here: its approval, read past the end too, is reversed
            // to the issuer when it comes, and the next day books nothing for it (the switch undid no approval then).
            // One already answered is the next day's to book back, as a reversal of an earlier day's.
            if ((Mti.messageClass(request.mti()) == 4 || PosTransaction.preAuthVoid(request)) && ResponseCode.APPROVED.equals(code))
            {
                final int original = unlessAnotherClass(request, original(endpoint, request));
                if (original != AcquirerKeys.MISSING && byRow.containsKey(original))
                {
                    transactions.mark(original, DayTransactions.REVERSED);
                }
            }
            return;
        }
        final int mti = request.mti();
        if (PosTransaction.preAuthVoid(request))
        {
            // A UnionPay POS pre-authorization void releases its hold as a reversal does, and is no transaction itself.
            onReversal(record, request, code, endpoint);
            return;
        }
        switch (mti)
        {
            case Mti.AUTHORIZATION_REQUEST, Mti.FINANCIAL_REQUEST, Mti.FINANCIAL_REQUEST + 1, Mti.FINANCIAL_ADVICE, Mti.FINANCIAL_ADVICE + 1,
                Mti.AUTHORIZATION_ADVICE, Mti.AUTHORIZATION_ADVICE + 1 -> onFinancial(record, request, outcome, code, endpoint);
            case Mti.REVERSAL_REQUEST, Mti.REVERSAL_REQUEST + 1, Mti.REVERSAL_ADVICE, Mti.REVERSAL_ADVICE_REPEAT ->
                onReversal(record, request, code, endpoint);
            case Mti.RECONCILIATION_REQUEST, Mti.RECONCILIATION_REQUEST + 1, Mti.BATCH_UPLOAD, Mti.BATCH_UPLOAD + 1 ->
                onSettlement(record, request, outcome, code, endpoint);
            default ->
            {
                // Network management and unsupported messages: no money.
            }
        }
    }

    private void onFinancial(final JournalRecord record, final MessageReader request, final Outcome outcome, final String code, final int endpoint)
    {
        final String processing = text(request, 3);
        if (processing.startsWith("31"))
        {
            // A balance inquiry moves no money, and is no row; its key is kept so that its reversal is known for one, unless
            // it was refused for a duplicate: that key is another request's.
            if (outcome != Outcome.ANSWERED || !ResponseCode.DUPLICATE.equals(code))
            {
                inquiries.add(inquiryKey(endpoint, text(request, 41), text(request, 11), transmission(request)));
            }
            return;
        }
        if (outcome == Outcome.ANSWERED && ResponseCode.DUPLICATE.equals(code))
        {
            exceptions.add(new ClearingExceptionItem(record.index(), time(record), Kind.DUPLICATE_REJECTED, text(request, 41), text(request, 42),
                text(request, 11), maskedPan(record, JournalRecord.INPUT), amount(request), text(request, 49), code,
                find(endpoint, text(request, 41), text(request, 11), transmission(request)) != AcquirerKeys.MISSING ?
                    "same terminal, STAN and transmission time as an earlier request: other content, or sent again once the switch no longer " +
                        "kept its answer: 94" :
                    "transmission time (field 7) outside the duplicate window, or the key of a request of an earlier day: 94"));
            return;
        }
        final String acquirer = endpoint >= 0 && endpoint < config.listeners().size() ? config.listeners().get(endpoint).acquirerId() : "";
        final DayTransactions t = transactions;
        final String stan = text(request, 11);
        final int row = t.add(record.index(), record.timestampNanos(), request.mti(), processing, amount(request), text(request, 49),
            text(request, 42), text(request, 41), stan, acquirer, text(request, 37));
        keepPan(row, record);
        // A request the switch refused itself does not take over a key an earlier row of the day holds: refused before its
        // duplicate check (a link not signed on, a MAC, a message without a card number), it never reached the switch's
        // history, where the earlier request stays what a reversal or completion with that key finds (after the check, a
        // request under a key the switch holds is a retransmission or a 94). Taken over, the approval's reversal would net
        // the refusal, and the approval settle.
        final int holder = find(endpoint, text(request, 41), text(request, 11), transmission(request));
        if (outcome != Outcome.ANSWERED || ResponseCode.APPROVED.equals(code) || holder == AcquirerKeys.MISSING)
        {
            putKey(endpoint, request, row);
        }
        else
        {
            refusedSince.put(holder, row);
        }
        final int at = record.decisionOffset();
        final int issuer = Decision.issuer(record.buffer(), at);
        if (issuer >= 0 && issuer < config.issuers().size())
        {
            t.issuer(row, config.issuers().get(issuer).id());
        }
        switch (outcome)
        {
            case ANSWERED ->
            {
                t.mark(row, DayTransactions.ANSWERED);
                t.responseCode(row, code);
                if (ResponseCode.APPROVED.equals(code) && Mti.messageClass(request.mti()) == 1 && request.mti() / 10 % 10 == 2)
                {
                    // An authorization the acquirer made without the issuer (0120), acknowledged by the switch: a hold when
                    // it advises an approval, nothing when a decline.
                    t.responseCode(row, text(request, 39));
                    t.authCode(row, text(request, 38));
                }
                if (ResponseCode.APPROVED.equals(code) && (Mti.messageClass(request.mti()) == 2 && request.mti() / 10 % 10 == 2 &&
                    !PosTransaction.refund(request) || PosTransaction.completionRequest(request)))
                {
                    // A completion: the switch acknowledged it; the pre-authorization it names is completed.
                    final int original = original(endpoint, request);
                    t.authCode(row, text(request, 38));
                    final String irregular = irregularCompletion(row, original, text(request, 90));
                    if (irregular != null)
                    {
                        exceptions.add(item(record.index(), time(record), Kind.IRREGULAR_COMPLETION, row, code, irregular));
                    }
                    if (original != AcquirerKeys.MISSING)
                    {
                        if (t.state(original) == TransactionState.AUTHORIZED)
                        {
                            holdOf.put(row, original);
                            completedBy.put(original, row);
                        }
                        t.mark(original, DayTransactions.COMPLETED);
                    }
                }
            }
            case FORWARDED ->
            {
                final int switchStan = Decision.switchStan(record.buffer(), at);
                final long issuerKey = record.outputCount() > 0 ? linkStan(record.linkId(JournalRecord.output(0)), switchStan) : NO_ISSUER_KEY;
                final String acquirerLinkKey = acquirerLinkKey(record.linkId(), request);
                final long originalData = issuerKey == NO_ISSUER_KEY ? NO_ORIGINAL_DATA : originalData(switchStan, sentTransmission(record, request));
                final Forwarded forwarded = new Forwarded(row, issuerKey, acquirerLinkKey, originalData);
                if (issuerKey != NO_ISSUER_KEY)
                {
                    inFlight.put(issuerKey, forwarded);
                }
                if (originalData != NO_ORIGINAL_DATA)
                {
                    byOriginalData.put(originalData, forwarded);
                }
                byAcquirerLink.put(forwarded.acquirerLinkKey, forwarded);
                byRow.put(row, forwarded);
            }
            case STOOD_IN ->
            {
                t.mark(row, DayTransactions.ANSWERED | DayTransactions.STAND_IN);
                t.responseCode(row, code);
                final MessageReader answer = record.outputCount() > 0 ? part(record, JournalRecord.output(0)) : null;
                final String authCode = answer == null ? "" : text(answer, 38);
                t.authCode(row, authCode);
                standInByAuthCode.put(authCode, row);
            }
            default ->
            {
                t.mark(row, DayTransactions.ANSWERED);
                t.responseCode(row, code);
            }
        }
        if (PosTransaction.completionVoid(request) && outcome != Outcome.ANSWERED)
        {
            final int completion = original(endpoint, request);
            if (completion != AcquirerKeys.MISSING && holdOf.get(completion) != AcquirerKeys.MISSING)
            {
                voidedCompletion.put(row, completion);
                voidAnswered(row);
            }
        }
    }

    /**
     * A UnionPay POS completion void answered (by its issuer, or stood in for): approved and not reversed, the completion it
     * names gives its hold back; else it takes back nothing, and is forgotten.
     */
    private void voidAnswered(final int row)
    {
        final DayTransactions t = transactions;
        final int completion = voidedCompletion.get(row);
        if (completion == AcquirerKeys.MISSING || !t.flagged(row, DayTransactions.ANSWERED))
        {
            return;
        }
        if (t.answeredApproved(row) && !t.flagged(row, DayTransactions.REVERSED))
        {
            giveHoldBack(completion);
        }
        else
        {
            voidedCompletion.remove(row);
        }
    }

    /**
     * A completion voided or reversed gives back the hold it took over, as the switch does: it may be completed again, and
     * that completion is no irregular one. Not when another completion has the hold now, nor when the hold was not of the day.
     */
    private void giveHoldBack(final int completion)
    {
        final int hold = holdOf.get(completion);
        if (hold != AcquirerKeys.MISSING && completedBy.get(hold) == completion)
        {
            completedBy.remove(hold);
            transactions.unmark(hold, DayTransactions.COMPLETED);
        }
    }

    /**
     * A completion void reversed: the completion stands again, and takes its hold back, unless it is reversed itself or
     * another completion has the hold now (the switch refuses that reversal: 12).
     */
    private void takeHoldAgain(final int completion)
    {
        final int hold = holdOf.get(completion);
        if (hold != AcquirerKeys.MISSING && completedBy.get(hold) == AcquirerKeys.MISSING && !transactions.flagged(completion, DayTransactions.REVERSED) &&
            !transactions.flagged(hold, DayTransactions.COMPLETED))
        {
            completedBy.put(hold, completion);
            transactions.mark(hold, DayTransactions.COMPLETED);
        }
    }

    private void onReversal(final JournalRecord record, final MessageReader request, final String code, final int endpoint)
    {
        final int original = unlessAnotherClass(request, original(endpoint, request));
        if (original == AcquirerKeys.MISSING && namesAnInquiry(endpoint, request))
        {
            // Of one of the day's balance inquiries: the switch told its issuer nothing, and there is nothing to settle,
            // answered 00 or, forgotten by the switch, 25. Without its field 3 it once read as a reversal of an earlier day's.
            return;
        }
        if (ResponseCode.ORIGINAL_NOT_FOUND.equals(code))
        {
            // The day's journal may hold the original all the same: the switch's duplicate history had forgotten it.
            // Then the issuer was never told, and what it approved stands until an operator settles it. One that was not
            // approved (declined, timed out and reversed by the switch itself, answered 91 past its deadline or 96 for
            // want of room, and forgotten) charged nothing: there is nothing to settle. Nor is there for one reversed
            // already (a repeat, 0401 or 0421, of a reversal answered 00, the two forgotten since): its issuer was told then.
            // Reported once per original, as a reversal of an earlier day is: each repeat (0401, 0421) answered 25 again
            // would be one more line telling an operator to settle the same approval by hand. One whose field 90 names an
            // 0100 where the day holds an 0200 under its key names an original the switch does not know: the sale under
            // that key was never its to reverse.
            if (original != AcquirerKeys.MISSING && (!transactions.answeredApproved(original) || transactions.flagged(original, DayTransactions.REVERSED) ||
                transactions.flagged(original, DayTransactions.ORPHAN_REPORTED)))
            {
                return;
            }
            if (original != AcquirerKeys.MISSING)
            {
                transactions.mark(original, DayTransactions.ORPHAN_REPORTED);
            }
            else if (!unknownOriginals.add(originalKey(endpoint, request)))
            {
                return;
            }
            exceptions.add(new ClearingExceptionItem(record.index(), time(record), Kind.ORPHAN_REVERSAL, text(request, 41), text(request, 42),
                text(request, 11), maskedPan(record, JournalRecord.INPUT), amount(request), text(request, 49), code,
                original == AcquirerKeys.MISSING ? "reversal " + Mti.toString(request.mti()) + " of an original the switch does not know: answered 25" :
                    "reversal " + Mti.toString(request.mti()) + " of a request of the day, STAN " + transactions.stan(original) + " (" +
                        transactions.state(original).label() + "), that the switch's duplicate history had forgotten: answered 25, and its issuer " +
                        "was not told; settle it by hand or raise limits.duplicate-history"));
            return;
        }
        if (!ResponseCode.APPROVED.equals(code))
        {
            return;
        }
        if (original != AcquirerKeys.MISSING && !transactions.answeredApproved(original) &&
            Decision.undidApproval(record.buffer(), record.decisionOffset(), record.decisionLength()))
        {
            // The switch undid an approval, and the day's row under the key is none: a request refused before the switch's
            // duplicate check (a host not signed on again, a MAC) holds the key here, the approval it undid is an earlier
            // day's, which the day's rows do not hold and a refusal of this day cannot take from it.
            onReversalOfEarlierDay(record, request, code, endpoint);
        }
        else if (original != AcquirerKeys.MISSING)
        {
            if (!tookAnotherOriginal(record, original))
            {
                final DayTransactions t = transactions;
                final int voided = voidedCompletion.get(original);
                final boolean voidStood = voided != AcquirerKeys.MISSING && t.flagged(original, DayTransactions.ANSWERED) && t.answeredApproved(original) &&
                    !t.flagged(original, DayTransactions.REVERSED);
                t.mark(original, DayTransactions.REVERSED);
                giveHoldBack(original);
                if (voidStood)
                {
                    takeHoldAgain(voided);
                }
            }
        }
        else
        {
            onReversalOfEarlierDay(record, request, code, endpoint);
        }
    }

    /**
     * Whether the switch took a reversal answered 00 for one of a request refused under {@code original}'s key since,
     * not for {@code original}, an approval that moves money: a refusal after the switch's duplicate check (a UnionPay
     * POS request sent again once the history let it go, its key keeping no field 7 to be known by, then answered 91)
     * is in the switch's history under the key, while one before it (a link not signed on, a MAC) is not, and clearing
     * cannot tell the two apart by the code. The switch's decision tells: undoing an approval, it names the issuer it
     * told (0420) and the amount; undoing a refusal, it names none. Reversed here, the approval its issuer charged and
     * was never asked to give back would not settle. A journal of a switch that named none either way ({@link #reversalsNamed})
     * cannot tell: the approval is reversed there, as the switch took a reversal for it far more often than for a refusal.
     */
    private boolean tookAnotherOriginal(final JournalRecord record, final int original)
    {
        final DayTransactions t = transactions;
        return reversalsNamed && refusedSince.containsKey(original) && t.flagged(original, DayTransactions.ANSWERED) && t.answeredApproved(original) &&
            !t.authorization(original) && !t.flagged(original, DayTransactions.REVERSED) &&
            !Decision.undidApproval(record.buffer(), record.decisionOffset(), record.decisionLength());
    }

    /**
     * A reversal the switch answered 00, so it knew the original, which the day's journal does not hold: the original
     * is an earlier business day's, and settled on that day. Where the switch's decision says it undid an approval
     * that moved money ({@link Decision#undidApproval}: it sent the issuer an 0420), the money goes back on this day: a
     * row of its own ({@link TransactionState#REVERSAL_OF_EARLIER_DAY}) with the original's amount, currency and
     * direction as the decision gives them (what the issuer was told, whatever the reversal's own fields say), the
     * terminal's merchant, which settles the other way round from its original: a sale's amount back to the card as a
     * refund's would go. A reversal of a pre-authorization lets a hold go and moves no money, nor does one of an
     * original the switch had declined or was still waiting on; a balance inquiry's is not reported at all. Each other
     * is an exception for the operations team, once per original: a repeat (0401, 0421) is neither booked nor reported
     * again (the switch finds the original reversed already, and says it undid nothing).
     */
    private void onReversalOfEarlierDay(final JournalRecord record, final MessageReader request, final String code, final int endpoint)
    {
        if (text(request, 3).startsWith("31"))
        {
            return; // a balance inquiry's reversal: no money either day (the day's own inquiries are not rows)
        }
        if (!earlierReversals.add(originalKey(endpoint, request)))
        {
            return;
        }
        final String named = request.has(90) ? text(request, 90) : text(request, 61);
        final String original = named.length() >= 20 ? named.substring(0, 4) + " STAN " + named.substring(4, 10) + ", field 7 " + named.substring(10, 20) :
            named.isEmpty() ? "its STAN and batch" : named;
        final int at = record.decisionOffset();
        final int issuer = Decision.issuer(record.buffer(), at);
        final boolean booked = Decision.undidApproval(record.buffer(), at, record.decisionLength()) && issuer < config.issuers().size();
        if (booked)
        {
            bookReversalOfEarlierDay(record, request, endpoint, config.issuers().get(issuer).id());
        }
        exceptions.add(new ClearingExceptionItem(record.index(), time(record), Kind.REVERSAL_OF_EARLIER_DAY, text(request, 41), text(request, 42),
            text(request, 11), maskedPan(record, JournalRecord.INPUT), amount(request), text(request, 49), code,
            "reversal " + Mti.toString(request.mti()) + " answered 00 of an original of an earlier business day (" + original + "), " +
                (booked ? "approved and settled on that day: the issuer was told (0420) and gives it back; booked back on this day" :
                    "which moved no money the switch undid (a pre-authorization's hold let go, an original declined or still with its " +
                        "issuer, or a journal from before the switch said): nothing booked")));
    }

    /**
     * What names a reversal's original, the same on its repeats (0401, 0421): the listener, the terminal and field 90;
     * a UnionPay POS reversal, which has none, by its own STAN and batch (60.2), as the switch finds its original (its
     * 61, copied from a void, names the sale, which a void's reversal does not reverse).
     */
    private static String originalKey(final int endpoint, final MessageReader request)
    {
        final String named = request.has(90) ? text(request, 90) :
            (request.has(60) && request.units(60) >= 8 ? text(request, 60).substring(2, 8) : "") + "/" + text(request, 11);
        return endpoint + "/" + text(request, 41) + "/" + named;
    }

    /** The row of a reversal of an earlier day's approval, from its decision: settled on this day, the other way. */
    private void bookReversalOfEarlierDay(final JournalRecord record, final MessageReader request, final int endpoint, final String issuer)
    {
        final int at = record.decisionOffset();
        final boolean refund = Decision.reversedCredit(record.buffer(), at);
        final String terminal = text(request, 41);
        final String merchant = merchantOf(terminal, text(request, 42));
        final String acquirer = endpoint >= 0 && endpoint < config.listeners().size() ? config.listeners().get(endpoint).acquirerId() : "";
        final int row = transactions.add(record.index(), record.timestampNanos(), request.mti(), refund ? "200000" : "000000",
            Decision.reversedAmount(record.buffer(), at), String.format("%03d", Decision.reversedCurrency(record.buffer(), at)), merchant, terminal,
            text(request, 11), acquirer, text(request, 37));
        keepPan(row, record);
        transactions.issuer(row, issuer);
        transactions.mark(row, DayTransactions.ANSWERED | DayTransactions.OF_EARLIER_DAY);
        transactions.responseCode(row, ResponseCode.APPROVED);
    }

    /** The merchant a terminal id belongs to in the config (the original's, as the switch checked it), or {@code given} for one it does not list. */
    private String merchantOf(final String terminal, final String given)
    {
        for (final TerminalConfig t : config.terminals())
        {
            if (t.id().equals(terminal) && t.merchant() != null)
            {
                return t.merchant();
            }
        }
        return given;
    }

    /**
     * What is wrong with a completion (0220) the switch acknowledged, or null: the pre-authorization it names must be
     * of the day, approved and held (neither reversed nor completed by a completion that still stands: one voided or
     * reversed gave the hold back), in the same currency and for no less.
     * The completion settles all the same, as the switch acknowledged it; this is for the operations team.
     */
    private String irregularCompletion(final int row, final int original, final String named)
    {
        final DayTransactions t = transactions;
        if (original == AcquirerKeys.MISSING)
        {
            return "completion of a pre-authorization" + (named.length() >= 20 ? " (" + named.substring(0, 4) + " STAN " + named.substring(4, 10) +
                ", field 7 " + named.substring(10, 20) + ")" : "") + " not in the day's journal: of an earlier day, or unknown";
        }
        final String of = "completion of pre-authorization STAN " + t.stan(original);
        if (!t.authorization(original))
        {
            return of + ", which is a " + Mti.toString(t.mti(original)) + ", not a pre-authorization";
        }
        final TransactionState state = t.state(original);
        if (state != TransactionState.AUTHORIZED)
        {
            return of + ", which is " + (state == TransactionState.COMPLETED ? "already completed" : state.label()) + ": nothing was held for it";
        }
        if (!t.currency(original).equals(t.currency(row)))
        {
            return of + " in another currency: " + t.currency(row) + ", the pre-authorization " + t.currency(original);
        }
        if (t.amount(row) > t.amount(original))
        {
            return of + " for more than it held: " + t.amount(row) + " against " + t.amount(original);
        }
        return null;
    }

    /**
     * Terminal batch settlement: a batch that closed out of balance is an exception, with its differences. The switch
     * journals the close as {@link Outcome#SETTLED} with {@link Decision#OUT_OF_BALANCE} and the differences, terminal
     * less switch, in the decision: on the ISO 8583:1987 0500 answered 95, or on the UnionPay POS 0320 that ends the
     * batch's upload (the out-of-balance 0500 before it, {@link Outcome#UPLOAD_AWAITED}, carries the same figures and
     * is not counted twice; but when the upload does not end within the day, it is the 0500 that says the batch was
     * out of balance, once per listener, terminal and batch). A transaction uploaded (0320) that the switch has no approval for is an exception of its
     * own: the terminal counted money the switch never authorized.
     */
    private void onSettlement(final JournalRecord record, final MessageReader request, final Outcome outcome, final String code, final int endpoint)
    {
        final int at = record.decisionOffset();
        if (outcome == Outcome.UPLOADED && Decision.uploadUnmatched(record.buffer(), at))
        {
            final long amount = request.has(4) ? request.getLong(4) : 0;
            exceptions.add(new ClearingExceptionItem(record.index(), time(record), Kind.UNMATCHED_UPLOAD, text(request, 41), text(request, 42),
                text(request, 11), "", amount, text(request, 49), code,
                "batch upload names a transaction the switch has no approval for" + (request.has(61) ? "; original " + text(request, 61) : "")));
            return;
        }
        if (record.decisionLength() < Decision.SETTLEMENT_LENGTH || outcome != Outcome.SETTLED && outcome != Outcome.UPLOAD_AWAITED)
        {
            return;
        }
        final int batch = Decision.batchNumber(record.buffer(), at);
        final String batchKey = endpoint + "/" + text(request, 41) + "/" + batch;
        if (outcome == Outcome.UPLOAD_AWAITED)
        {
            // Out of balance at its 0500: an exception unless the upload's end, the batch's close, says it instead.
            if (Decision.outOfBalance(record.buffer(), at))
            {
                uploadsAwaited.put(batchKey, outOfBalance(record, request, code, "batch " + batch +
                    " out of balance at its 0500, and its upload (0320s ending with 60.3 = 202) did not end in the day's journal; terminal less switch, " +
                    "count / amount:"));
            }
            return;
        }
        uploadsAwaited.remove(batchKey);
        if (!Decision.outOfBalance(record.buffer(), at))
        {
            return;
        }
        exceptions.add(outOfBalance(record, request, code, "batch " + batch + " closed out of balance; terminal less switch, count / amount:"));
    }

    /** An out-of-balance batch's exception: what is said first, then its differences, terminal less switch. */
    private ClearingExceptionItem outOfBalance(final JournalRecord record, final MessageReader request, final String code, final String what)
    {
        final int at = record.decisionOffset();
        final StringBuilder detail = new StringBuilder(what);
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
        return new ClearingExceptionItem(record.index(), time(record), Kind.OUT_OF_BALANCE_BATCH, text(request, 41), text(request, 42),
            text(request, 11), "", 0, text(request, 49), code, detail.toString());
    }

    private void onIssuer(final JournalRecord record, final Outcome outcome, final String refusal)
    {
        final int stan = Decision.switchStan(record.buffer(), record.decisionOffset());
        final long key = linkStan(record.linkId(), stan);
        final DayTransactions t = transactions;
        if (pastTheEnd && outcome != Outcome.RELAYED)
        {
            return; // late answers and acknowledgements after the cutoff are the next day's to report
        }
        switch (outcome)
        {
            case RELAYED ->
            {
                final Forwarded forwarded = inFlight.remove(key);
                final MessageReader answer = input(record);
                if (forwarded == null || answer == null)
                {
                    return;
                }
                byAcquirerLink.remove(forwarded.acquirerLinkKey, forwarded);
                byRow.remove(forwarded.row, forwarded);
                byOriginalData.remove(forwarded.originalData, forwarded);
                final int row = forwarded.row;
                t.mark(row, Decision.undeliveredReversed(record.buffer(), record.decisionOffset()) ?
                    DayTransactions.ANSWERED | DayTransactions.REVERSED : DayTransactions.ANSWERED);
                t.responseCode(row, answer.has(39) ? text(answer, 39) : ResponseCode.SYSTEM_MALFUNCTION);
                t.authCode(row, text(answer, 38));
                if (t.rrn(row).isEmpty())
                {
                    t.rrn(row, text(answer, 37));
                }
                voidAnswered(row);
            }
            case UNMATCHED ->
            {
                final MessageReader answer = input(record);
                if (answer == null || Mti.messageClass(answer.mti()) == 4 || answer.mti() == Mti.FINANCIAL_ADVICE_RESPONSE ||
                    answer.mti() == Mti.AUTHORIZATION_ADVICE_RESPONSE)
                {
                    return; // an advice acknowledged twice: nothing owed
                }
                final Integer row = timedOut.get(key);
                final String code = text(answer, 39);
                if (row != null)
                {
                    exceptions.add(item(record.index(), time(record), Kind.LATE_ANSWER, row, code, "issuer " + t.issuer(row) + " answered " + code +
                        (text(answer, 38).isEmpty() ? "" : " (auth " + text(answer, 38) + ")") +
                        " after the time-out; the time-out's reversal advice undoes it"));
                }
                else
                {
                    exceptions.add(new ClearingExceptionItem(record.index(), time(record), Kind.UNMATCHED_ANSWER, text(answer, 41), text(answer, 42),
                        "", maskedPan(record, JournalRecord.INPUT), amount(answer), text(answer, 49), code,
                        "an issuer's " + Mti.toString(answer.mti()) + refused(refusal)));
                }
            }
            case ACKNOWLEDGED ->
            {
                final Integer row = advicesSent.remove(key);
                if (row != null)
                {
                    t.mark(row, DayTransactions.ADVISED);
                }
                final MessageReader answer = input(record);
                if (answer != null && answer.has(39) && !ResponseCode.APPROVED.equals(text(answer, 39)))
                {
                    adviceRefused(record, answer, row);
                }
            }
            default ->
            {
                // Sign-on answers and echoes.
            }
        }
    }

    /**
     * An issuer answered an advice (0430, 0230, 0130) with another code than 00: acknowledged, so the switch does not
     * send it again, but the issuer did not act on it (25: it never had the original), and an operator has to settle
     * the difference with it. A stand-in's advice names its row; otherwise the answer's own fields say what it was.
     */
    private void adviceRefused(final JournalRecord record, final MessageReader answer, final Integer row)
    {
        final int issuer = Decision.issuer(record.buffer(), record.decisionOffset());
        final String code = text(answer, 39);
        final String detail = "issuer " + (issuer >= 0 && issuer < config.issuers().size() ? config.issuers().get(issuer).id() : "?") +
            " answered its advice with " + Mti.toString(answer.mti()) + " " + code + ": acknowledged and not sent again, but not acted on; " +
            "to settle with the issuer";
        exceptions.add(row != null ? item(record.index(), time(record), Kind.ADVICE_REFUSED, row, code, detail) :
            new ClearingExceptionItem(record.index(), time(record), Kind.ADVICE_REFUSED, text(answer, 41), text(answer, 42), "",
                maskedPan(record, JournalRecord.INPUT), amount(answer), text(answer, 49), code, detail));
    }

    /**
     * What went out: on a tick that timed requests out, their 91s; on a tick, or any event that carried advices (store
     * and forward sends them on whatever event has outputs to spare), the advices to issuers. After what the record's
     * own event did.
     */
    private void onOutputs(final JournalRecord record, final boolean timeOuts, final boolean advices)
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
            // A UnionPay POS refund is an 0220 its terminal waits on: its 91 is an 0230.
            final boolean timeOutAnswer = timeOuts && (mti == Mti.FINANCIAL_RESPONSE || mti == Mti.AUTHORIZATION_RESPONSE ||
                mti == Mti.FINANCIAL_ADVICE_RESPONSE);
            if (timeOutAnswer && ResponseCode.ISSUER_INOPERATIVE.equals(text(message, 39)))
            {
                onTimeOut(record, part, message);
            }
            else if (timeOutAnswer && ResponseCode.APPROVED.equals(text(message, 39)) && text(message, 38).startsWith("S"))
            {
                onTimeOutStoodIn(record, part, message);
            }
            else if (advices && (mti == Mti.REVERSAL_ADVICE || mti == Mti.REVERSAL_ADVICE_REPEAT) && ResponseCode.RESPONSE_TOO_LATE.equals(text(message, 39)))
            {
                onTimeOutAdvice(record, message);
            }
            else if (advices && !pastTheEnd && standInAdvice(mti) && !message.has(90) && text(message, 38).startsWith("S"))
            {
                // A stand-in's own advice: 0220 for a purchase, 0120 for a pre-authorization. Not a completion's 0220,
                // which carries the S code of the stood-in pre-authorization it completes, and names it in field 90.
                final Integer row = standInByAuthCode.get(text(message, 38));
                if (row != null && message.has(11) && (mti - mti % 10 == Mti.AUTHORIZATION_ADVICE) == (transactions.mti(row) == Mti.AUTHORIZATION_REQUEST))
                {
                    advicesSent.put(linkStan(record.linkId(part), (int)message.getLong(11)), row);
                }
            }
        }
    }

    /** 0220, 0120 and their repeats: what the switch advises a stand-in with. */
    private static boolean standInAdvice(final int mti)
    {
        final int kind = mti - mti % 10;
        return kind == Mti.FINANCIAL_ADVICE || kind == Mti.AUTHORIZATION_ADVICE;
    }

    /** A 91 a tick sent a terminal for a request its issuer did not answer in time. */
    private void onTimeOut(final JournalRecord record, final int part, final MessageReader message)
    {
        final Forwarded forwarded = byAcquirerLink.remove(acquirerLinkKey(record.linkId(part), message));
        if (forwarded != null)
        {
            byRow.remove(forwarded.row, forwarded);
            final int row = forwarded.row;
            // One its acquirer reversed while it was with the issuer stays reversed, as when its terminal has gone
            // (onTimeOutAdvice): the acquirer's reversal was its last word, and no money moves either way.
            final boolean reversed = transactions.flagged(row, DayTransactions.REVERSED);
            if (!reversed)
            {
                transactions.mark(row, DayTransactions.TIMED_OUT);
            }
            transactions.responseCode(row, ResponseCode.ISSUER_INOPERATIVE);
            if (forwarded.issuerKey != NO_ISSUER_KEY && inFlight.remove(forwarded.issuerKey, forwarded))
            {
                byOriginalData.remove(forwarded.originalData, forwarded);
                timedOut.put(forwarded.issuerKey, row);
            }
            exceptions.add(item(record.index(), time(record), Kind.TIME_OUT, row, ResponseCode.ISSUER_INOPERATIVE,
                "issuer " + transactions.issuer(row) + " did not answer in time: 91 to the terminal" + (reversed ? ", which had reversed it" : "") +
                ", reversal advice (0420, 39=68) to the issuer"));
        }
    }

    /**
     * A stand-in approval a tick sent a terminal for a request its issuer did not answer in time (stand-in on
     * time-out): approved by the switch, like a stand-in while the issuer is down, and its advice awaited; the request
     * itself was reversed at the issuer (0420, 39 = 68), so an answer after this is a late one.
     */
    private void onTimeOutStoodIn(final JournalRecord record, final int part, final MessageReader message)
    {
        final Forwarded forwarded = byAcquirerLink.remove(acquirerLinkKey(record.linkId(part), message));
        if (forwarded == null)
        {
            return;
        }
        byRow.remove(forwarded.row, forwarded);
        final int row = forwarded.row;
        final String authCode = text(message, 38);
        transactions.mark(row, DayTransactions.ANSWERED | DayTransactions.STAND_IN);
        transactions.responseCode(row, ResponseCode.APPROVED);
        transactions.authCode(row, authCode);
        standInByAuthCode.put(authCode, row);
        if (forwarded.issuerKey != NO_ISSUER_KEY && inFlight.remove(forwarded.issuerKey, forwarded))
        {
            byOriginalData.remove(forwarded.originalData, forwarded);
            timedOut.put(forwarded.issuerKey, row);
        }
        exceptions.add(item(record.index(), time(record), Kind.TIME_OUT, row, ResponseCode.APPROVED,
            "issuer " + transactions.issuer(row) + " did not answer in time: stood in, approved " + authCode +
            " within the floor limit; reversal advice (0420, 39=68) of the request and the stand-in's advice to the issuer"));
    }

    /**
     * A reversal advice for a time-out (39 = 68) going to an issuer, for a request still in flight: it timed out while
     * its acquirer's link was gone, so no 91 names it, and this advice is the journal's word that it did. Field 90
     * names the original by the switch's STAN and the field 7 it sent, together unique in a day though the STAN
     * alone wraps. One whose 91 went was taken off in flight by that 91, in the same event or before. A request the
     * acquirer reversed while it was in flight stays reversed, not timed out (the terminal got its 0410 and the
     * issuer this advice), but an answer after it is still a late one. The switch passes an acquirer's reversal on
     * only for an answered approval, which is no longer in flight here.
     */
    private void onTimeOutAdvice(final JournalRecord record, final MessageReader advice)
    {
        final String original = text(advice, 90);
        final long stan = original.length() >= 20 ? number(original.substring(4, 10)) : -1;
        final long transmission = stan < 0 ? -1 : number(original.substring(10, 20));
        final Forwarded forwarded = transmission < 0 ? null : byOriginalData.get(originalData((int)stan, transmission));
        if (forwarded == null || inFlight.get(forwarded.issuerKey) != forwarded)
        {
            return;
        }
        inFlight.remove(forwarded.issuerKey);
        byOriginalData.remove(forwarded.originalData);
        byAcquirerLink.remove(forwarded.acquirerLinkKey, forwarded);
        byRow.remove(forwarded.row, forwarded);
        final int row = forwarded.row;
        timedOut.put(forwarded.issuerKey, row);
        if (transactions.flagged(row, DayTransactions.REVERSED))
        {
            return;
        }
        transactions.mark(row, DayTransactions.TIMED_OUT);
        exceptions.add(item(record.index(), time(record), Kind.TIME_OUT, row, "", "issuer " + transactions.issuer(row) +
            " did not answer in time and the acquirer's link had gone, so the terminal got no answer; reversal advice (0420, 39=68) to the issuer"));
    }

    /**
     * Whether the record sent anything back on the link its input came on. Advices to issuers ride on any event with
     * outputs to spare, so a retransmission the switch left unanswered may still have outputs.
     */
    private static boolean answeredOnItsLink(final JournalRecord record)
    {
        for (int i = 0; i < record.outputCount(); i++)
        {
            if (record.linkId(JournalRecord.output(i)) == record.linkId())
            {
                return true;
            }
        }
        return false;
    }

    /** What a request forwarded in this run is known by on the acquirer's side: its link, terminal and STAN. */
    private String acquirerLinkKey(final int link, final MessageReader message)
    {
        return run + "/" + link + "/" + text(message, 41) + "/" + text(message, 11);
    }

    /**
     * A request sent again, by its terminal, while its issuer still has it: when it came on another link (the terminal
     * reconnected), the switch sends its answer or time-out there, so that is where it is now looked for.
     */
    private void onAskedAgain(final JournalRecord record, final MessageReader request, final int endpoint)
    {
        final int row = find(endpoint, text(request, 41), text(request, 11), transmission(request));
        final Forwarded forwarded = row == AcquirerKeys.MISSING ? null : byRow.get(row);
        if (forwarded == null)
        {
            return;
        }
        final String key = acquirerLinkKey(record.linkId(), request);
        if (!key.equals(forwarded.acquirerLinkKey) && byAcquirerLink.remove(forwarded.acquirerLinkKey, forwarded))
        {
            forwarded.acquirerLinkKey = key;
            byAcquirerLink.put(key, forwarded);
        }
    }

    /** The row of the transaction a reversal or completion names, found as the switch finds it; or AcquirerKeys.MISSING. */
    private int original(final int endpoint, final MessageReader request)
    {
        final String[] named = namedKey(request);
        return named == null ? AcquirerKeys.MISSING : find(endpoint, text(request, 41), named[0], named[1]);
    }

    /** STAN and field 7 (or batch) of the request a reversal or completion names, as the switch takes them; null for none. */
    private static String[] namedKey(final MessageReader request)
    {
        if (request.has(90))
        {
            final String original = text(request, 90);
            return original.length() < 20 ? null : new String[] {original.substring(4, 10), original.substring(10, 20)};
        }
        // As the switch finds it: a UnionPay POS reversal by its own STAN and batch (its 61, copied from what it reverses,
        // names that message's own original), anything else by 61 when it has one.
        if (Mti.messageClass(request.mti()) != 4 && request.has(61) && request.units(61) >= 12)
        {
            return new String[] {text(request, 61).substring(6, 12), text(request, 61).substring(0, 6)};
        }
        return new String[] {text(request, 11), request.has(60) && request.units(60) >= 8 ? text(request, 60).substring(2, 8) : ""};
    }

    /** A balance inquiry's key (listener, terminal, STAN, field 7 or batch), as {@link #inquiries} keeps it. */
    private static String inquiryKey(final int endpoint, final String terminal, final String stan, final String transmission)
    {
        return endpoint + "/" + terminal + "/" + number(stan) + "/" + number(transmission);
    }

    /** Whether the reversal names one of the day's balance inquiries, whatever its own field 3 says. */
    private boolean namesAnInquiry(final int endpoint, final MessageReader request)
    {
        final String[] named = namedKey(request);
        return named != null && inquiries.contains(inquiryKey(endpoint, text(request, 41), named[0], named[1]));
    }

    /**
     * {@code row}, the row a reversal finds by its key, unless its field 90 names an authorization (0100,
     * 0120), or it is a UnionPay POS pre-authorization void, where that row is a financial request: then not the
     * original it names, as the switch takes it (AcquirerKeys.MISSING). A key comes round (a POS terminal set up again
     * starts its STANs over): the hold the switch released under it, kept beyond its history, is not the day's sale
     * under that key, which settles.
     */
    private int unlessAnotherClass(final MessageReader request, final int row)
    {
        if (row == AcquirerKeys.MISSING || transactions.authorization(row))
        {
            return row;
        }
        if (PosTransaction.preAuthVoid(request))
        {
            return AcquirerKeys.MISSING;
        }
        if (!request.has(90))
        {
            return row;
        }
        final String named = text(request, 90);
        return named.length() > 1 && named.charAt(1) == '1' ? AcquirerKeys.MISSING : row;
    }

    private int find(final int endpoint, final String terminal, final String stan, final String transmission)
    {
        final long s = number(stan);
        final long t = number(transmission);
        final int terminalCode = transactions.codeOf(terminal);
        if (terminalCode < 0 || !AcquirerKeys.fits(s, t))
        {
            return AcquirerKeys.MISSING;
        }
        return byAcquirerKey.get(AcquirerKeys.high(endpoint, terminalCode), AcquirerKeys.low(s, t));
    }

    /** Files the request under the switch's key (listener, terminal, STAN, field 7 or 60.2 batch), when it has one. */
    private void putKey(final int endpoint, final MessageReader request, final int row)
    {
        final long stan = number(text(request, 11));
        final long transmission = number(transmission(request));
        if (AcquirerKeys.fits(stan, transmission))
        {
            byAcquirerKey.put(AcquirerKeys.high(endpoint, transactions.terminalCode(row)), AcquirerKeys.low(stan, transmission), row);
        }
    }

    /** The second half of a request's own key: its field 7, or the batch number of a UnionPay POS request (60.2). */
    private static String transmission(final MessageReader request)
    {
        return request.has(7) ? text(request, 7) : request.has(60) && request.units(60) >= 8 ? text(request, 60).substring(2, 8) : "";
    }

    /** The value of 1 to 18 decimal digits, or -1 for anything else. */
    private static long number(final String text)
    {
        final int n = text.length();
        if (n == 0 || n > 18)
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < n; i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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

    /** First six and last four of an exception's PAN; the clear digits live only in a scratch buffer, wiped at once. */
    private String maskedPan(final JournalRecord record, final int part)
    {
        final int n = clearPan(record, part);
        if (n < 0)
        {
            return "";
        }
        final StringBuilder masked = new StringBuilder(n);
        for (int i = 0; i < n; i++)
        {
            masked.append(n >= MASKABLE && (i < 6 || i >= n - 4) ? (char)pan.getByte(i) : '*');
        }
        pan.setMemory(0, pan.capacity(), (byte)0);
        return masked.toString();
    }

    /** A transaction's row keeps what its masked PAN shows; the clear digits are wiped at once. */
    private void keepPan(final int row, final JournalRecord record)
    {
        final int n = clearPan(record, JournalRecord.INPUT);
        if (n > 0)
        {
            transactions.pan(row, pan, n);
            pan.setMemory(0, pan.capacity(), (byte)0);
        }
    }

    /** The PAN's digits into the scratch buffer; their number, or -1 when the part has none. */
    private int clearPan(final JournalRecord record, final int part)
    {
        if (record.isWithheld(part) || !record.hasPan(part))
        {
            return -1;
        }
        try
        {
            return record.decryptPan(part, pan, 0);
        }
        catch (final IllegalStateException ex)
        {
            // Only records whose checksum holds get here, so the bytes are the writer's: the key is not.
            throw new ClearingException("the PAN of record 0x" + Long.toHexString(record.index()) + " does not decrypt under the config's " +
                "keys.pan-encryption: the journal was written under another key", ex);
        }
    }

    private static long amount(final MessageReader message)
    {
        return message.has(4) ? message.getLong(4) : 0;
    }

    /** Why the switch took an issuer's message for no answer, by the code its decision holds. */
    private static String refused(final String refusal)
    {
        if (ResponseCode.MAC_FAILURE.equals(refusal))
        {
            return " with a wrong or missing MAC, taken for no answer";
        }
        if (ResponseCode.FORMAT_ERROR.equals(refusal))
        {
            return " the switch could not pass on (a response code missing or not two letters or digits, or text not printable), taken for no answer";
        }
        return " that matches no request of the day";
    }

    private static String text(final MessageReader message, final int field)
    {
        return message.has(field) ? message.getString(field) : "";
    }

    /**
     * Field 7 of the request as the switch forwarded it, without decoding what it sent: the acquirer's own, or for a
     * request without one (UnionPay POS) the switch's receive time, MMDDhhmmss in GMT (SwitchHandler.writeForward).
     */
    private static long sentTransmission(final JournalRecord record, final MessageReader request)
    {
        if (request.has(7))
        {
            return request.getLong(7);
        }
        final LocalDateTime received = LocalDateTime.ofEpochSecond(Math.floorDiv(record.timestampNanos(), 1_000_000_000L), 0, ZoneOffset.UTC);
        return received.getMonthValue() * 100_000_000L + received.getDayOfMonth() * 1_000_000L + received.getHour() * 10_000L +
            received.getMinute() * 100L + received.getSecond();
    }

    /** A switch STAN (6 digits) and a field 7 (10 digits) as one number, as field 90 names an original. */
    private static long originalData(final int stan, final long transmission)
    {
        return stan * 10_000_000_000L + transmission;
    }

    private static long linkStan(final int link, final int stan)
    {
        return ((long)link << 32) | (stan & 0xFFFF_FFFFL);
    }

    private String time(final JournalRecord record)
    {
        return utc.format(record.timestampNanos());
    }

    /** An exception about a transaction of the day: its terminal, merchant, STAN, PAN and amount. */
    private ClearingExceptionItem item(final long order, final String time, final Kind kind, final int row, final String code, final String detail)
    {
        final DayTransactions t = transactions;
        return new ClearingExceptionItem(order, time, kind, t.terminal(row), t.merchant(row), t.stan(row), t.maskedPan(row), t.amount(row),
            t.currency(row), code, detail);
    }

    private void exception(final Kind kind, final int row, final String code, final String detail)
    {
        exceptions.add(item(transactions.order(row), utc.format(transactions.timeNanos(row)), kind, row, code, detail));
    }
}
