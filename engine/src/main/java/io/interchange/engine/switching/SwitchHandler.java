package io.interchange.engine.switching;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.lmax.disruptor.EventHandler;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.FieldType;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.ResponseWriter;
import io.interchange.codec.Track2;
import io.interchange.codec.ValueEncoding;
import io.interchange.codec.cups.Field60;
import io.interchange.codec.cups.SettlementTotals;
import io.interchange.codec.cups.TrackBlock;
import io.interchange.codec.cups.WorkingKeys;
import io.interchange.codec.dialect.KeyExchange;
import io.interchange.codec.frame.Tpdu;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.security.Hsm;
import io.interchange.engine.security.HsmResult;
import io.interchange.engine.security.KeySlots;
import io.interchange.journal.JournalRecord;
import io.interchange.journal.KeptFields;

/**
 * The single writer of switch state (DESIGN.md §2, handler 2). For each event it decides, writes its
 * {@link Decision} into the slot and the frames to send as the slot's outputs; the journal then appends all of
 * it and egress sends the outputs. Time comes only from the events, so the journal's inputs replayed through a
 * new handler give the same outputs.
 *
 * <p>One 0200 from a terminal: sign-on checked → mandatory fields, processing code, card number, expiry,
 * amount, currency → merchant, terminal, the sale a UnionPay POS void names → MCC → BIN route → an issuer link
 * chosen → the request forwarded with the switch's STAN and RRN and kept in flight → the issuer's 0210 matched on (link, STAN) and relayed, or a
 * tick finds it expired and answers 91 (or stands in, where the issuer's stand-in covers time-outs) and reverses it. A
 * request that waited past limits.request-deadline before it was taken up is answered 91 after the duplicate check,
 * unforwarded: how long it waited is stamped into its slot before the switch takes it, and journaled with it.
 *
 * <p>In replay ({@link SwitchEvent#recorded()} set) the steps that cannot compute again what they computed then take
 * it from the journal: the working keys a sign-on gave a terminal, which the HSM made at random, are loaded from the
 * journaled answer; a terminal's MAC, which covers track data and PIN blocks the journal never holds, gets the verdict
 * journaled with its request ({@link Decision#MAC_REFUSED}), and so does the PIN block's translation
 * ({@link Decision#PIN_REFUSED}); a swipe's card number, which the request carried only in track 2, is the one the
 * journal sealed from it; whether a request waited past its deadline is the journal's verdict, under the deadline of
 * then ({@link Outcome#PAST_DEADLINE}), beside the wait the journal kept; a stand-in's authorization code is the one
 * its journaled answer carried, and the switch's sequence of them carries on from it. Duplicates compare what the
 * journal keeps ({@link RequestContent}), so a request recovered after a restart is the same request.
 */
public final class SwitchHandler implements EventHandler<SwitchEvent>
{
    private static final Logger LOG = LoggerFactory.getLogger(SwitchHandler.class);

    // IssuerConfig.MAX_LINKS: the config reader refuses an issuer with more connections than this.
    private static final int MAX_LINKS_PER_ISSUER = 32;
    /** Field 55, ICC (chip) data: BER-TLV. */
    private static final int ICC_DATA = 55;
    private static final int[] AUTHORIZATION_MANDATORY = {3, 4, 7, 11, 41, 42, 49};
    // UnionPay POS messages carry no field 7: the batch number in 60.2 takes its place in the request's key.
    private static final int[] POS_AUTHORIZATION_MANDATORY = {3, 4, 11, 41, 42, 49, 60};
    // A card seen at this many different merchants within one minute is being tested or cloned: 59.
    private static final int SUSPICIOUS_MERCHANTS_PER_MINUTE = 3;
    /** Merchant category codes are four digits (ISO 18245). */
    private static final int MAX_MCC = 9_999;
    private static final int STAND_IN_AUTH_CODES = 36 * 36 * 36 * 36 * 36;
    private static final int STAND_IN_AUTH_CODE_LENGTH = 6;
    private static final int[] REVERSAL_MANDATORY = {7, 11, 41, 90};
    private static final int[] POS_REVERSAL_MANDATORY = {11, 41, 60};
    private static final int REPLACEMENT_AMOUNTS = 95;
    private static final int MAX_ANSWER = 512;
    /** Text fields of an issuer's answer that go on to the terminal: the RRN, the authorization code, additional amounts. */
    private static final int[] RELAYED_TEXT = {37, 38, 54};
    private static final int ADDITIONAL_AMOUNTS = 54;
    // One amount of field 54: account type n2, amount type n2, currency n3, C or D, amount n12.
    private static final int ADDITIONAL_AMOUNT_LENGTH = 20;
    // How long the duplicate history should remember a request: a terminal's retransmissions and its reversal after a
    // time-out come within a minute or so. Forgetting younger ones is counted and logged (historyTooShort).
    private static final long HISTORY_EXPECTED_NANOS = TimeUnit.SECONDS.toNanos(60);
    // What a reversal or advice to the issuer is built from, kept per request of the history: the message forwarded,
    // without track data, PIN block or chip data (writeForward), so fields of bounded length only: with every one at
    // its longest about 100 bytes on ISO 8583:1987 binary and 170 on ASCII (SwitchHandlerTest proves the binary case
    // fits). One larger (another issuer dialect) is not kept, and its reversal advice is logged as having no basis.
    static final int MAX_BASIS = 192;
    private static final int MAX_ADVICE = 1_024;
    // Fields 1-32 of a primary bitmap word (field 1 in the sign bit).
    private static final long FIELDS_TO_32 = 0xFFFF_FFFF_0000_0000L;
    // Where a basis is built before it is kept: room for the longest the fields could make in any dialect.
    private static final int BASIS_SCRATCH = 32 * 1_024;
    private static final int[] NETWORK_ECHO = {7, 11, 12, 13, 32, 33, 37, 41, 42, 60, 70};
    private static final int NETWORK_SIGN_ON = 1;
    private static final int NETWORK_SIGN_OFF = 2;
    private static final int NETWORK_ECHO_TEST = 301;
    private static final int[] RECONCILIATION_MANDATORY = {11, 41, 74, 75, 76, 77, 86, 87, 88, 89};
    private static final int[] POS_SETTLEMENT_MANDATORY = {11, 41, 60};
    // UnionPay POS 0320, 60.3: 202 ends a batch upload; 201 and 203-207 each carry one transaction of it.
    private static final int UPLOAD_FIRST = 201;
    private static final int UPLOAD_END = 202;
    private static final int UPLOAD_LAST = 207;
    private static final int MAX_BATCH_NUMBER = 999_999;
    private static final String[] VOID_REFUSALS =
        {ResponseCode.ORIGINAL_NOT_FOUND, ResponseCode.INVALID_TRANSACTION, ResponseCode.INVALID_AMOUNT, ResponseCode.FORMAT_ERROR};

    private final SwitchSetup setup;
    private final Hsm hsm;
    private final KeySlots slots;
    // The keys shared with terminals and acquirer hosts: who holds which, and the MACs and PIN keys taken with them.
    private final AcceptorKeys acceptorKeys;
    // Replay: a journaled event's messages, read to take what it recorded (the advices it sent).
    private final MessageReader[] recordedAnswers;
    private final UnsafeBuffer pinBlock = new UnsafeBuffer(new byte[8]);
    private boolean pinTranslated;
    private boolean pinRefused;
    private boolean macRefused;
    // The event's UnionPay POS track 2 passed trackRefusal: deciphered where it was enciphered, and a track.
    private boolean trackRead;
    private final List<SwitchSetup.Issuer> issuers;
    private final SwitchSetup.Acceptors acceptors;
    private final SwitchSetup.Limits limits;
    private final int issuerDialect;
    private final MessageReader[] originals;
    private final MessageWriter[] writers;
    private final ResponseWriter financialEcho = new ResponseWriter(ResponseWriter.FINANCIAL_ECHO);
    private final ResponseWriter networkEcho = new ResponseWriter(NETWORK_ECHO);
    private final InFlight inFlight;
    private final Transactions transactions;
    private final RequestContent content;
    private final AdviceQueue advices;
    private int adviceTurn;
    private boolean replaying;
    private long advicesNotReplayed;
    // The issuers and listeners, in the config's order, as each run's NODE_START journals them (EndpointOrder).
    private final List<String> issuerIds;
    private final List<String> listenerNames;
    private String endpointOrderMismatch;
    private final BatchTotals totals;
    // Set by authorize for the request it handles: the MTI its issuer gets (a UnionPay POS refund's 0220 goes as an
    // 0200), and whether it is a UnionPay POS pre-authorization coded 03, which goes coded 00.
    private int issuerMti;
    private boolean preAuthCoded03;
    // Per terminal: the number of its open batch (UnionPay: the 60.2 after the last one closed; ISO 8583:1987, which
    // has no batch number, the switch's own count from 1), and a UnionPay batch out of balance awaiting its upload
    // with the differences its 0500 showed (BatchTotals.FIGURES per terminal) and which of its parts, domestic or
    // foreign cards, were out (Decision.DOMESTIC_OUT_OF_BALANCE, FOREIGN_OUT_OF_BALANCE).
    private final int[] openBatches;
    // Per terminal: the UnionPay POS batch (60.2) its totals count, -1 while they count none. A POS terminal numbers its
    // batches itself, and one that goes on to another without settling (its 0500 never sent, or its answer lost and
    // the terminal moved on) leaves that batch behind: the next counts from zero, or its 0500 would be out of balance
    // by all the earlier one held. The batch left behind is logged; its approvals clear all the same.
    private final long[] countedBatches;
    // Per terminal: how many times its totals have taken up a UnionPay POS batch. A batch number may come again (a
    // terminal set up again starts from its first): the approvals of the batch that closed under it are not the open one's.
    private final int[] batchRounds;
    // Per terminal: how many of its UnionPay POS batches have closed (settled, set aside for their upload, or left
    // behind). A pre-authorization counts in no batch, so no round says whether its batch is the open one; its batch
    // number comes again only once batches have closed (PreAuthorizations#round).
    private final int[] closedBatches;
    private final boolean[] uploadAwaited;
    // Per terminal, on a UnionPay POS listener without MACs: signed on (0800, 60.3 = 004) and not signed off since. A POS
    // sign-on is the terminal's, named in field 41, not its link's: behind a NAC many terminals share a link, and a
    // terminal on short connections signs on once and dials again for each transaction. On a listener that MACs the
    // working keys say the same (AcceptorKeys.terminalKeyed).
    private final boolean[] posSignedOn;
    // Per terminal: the UnionPay POS batch whose upload is awaited (its figures set aside in BatchTotals).
    private final int[] awaitedBatches;
    private final long[] uploadDifferences;
    private final int[] uploadParts;
    private final long[] switchFigures = new long[BatchTotals.FIGURES];
    private final long[] terminalFigures = new long[BatchTotals.FIGURES];
    private final long[] differences = new long[BatchTotals.FIGURES];
    private final long[] partDifferences = new long[BatchTotals.FIGURES];
    private final StringBuilder netSettlement = new StringBuilder(17);
    // Per terminal, its last settlement request (0500, 0320) and the answer it got, MAX_ANSWER bytes each: an exact
    // retransmission (its answer lost) gets that answer again rather than settling a second time.
    private final UnsafeBuffer lastSettlements;
    // A settlement message as the journal keeps it, built whole before its length is judged: a message longer than a kept
    // one is judged by what is kept of it, as replay, which feeds the journal's copy, judges it.
    private final UnsafeBuffer settlementScratch = new UnsafeBuffer(new byte[1 << 16]);
    private final KeptFields keptFields;
    private final int[] lastSettlementLengths;
    private final UnsafeBuffer lastSettlementAnswers;
    private final int[] lastSettlementAnswerLengths;
    // Flags of this event's decision beyond the MAC and PIN verdicts: a settlement's balance, an upload's match, an
    // approval reversed for want of a terminal (Decision).
    private int decisionFlags;
    private final MessageReader basis;
    private final MessageReader advice;
    private final MessageReader originalBasis;
    private final EventClock clock;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64]);
    private final UnsafeBuffer additionalAmounts = new UnsafeBuffer(new byte[999]);
    private final UnsafeBuffer basisScratch = new UnsafeBuffer(new byte[BASIS_SCRATCH]);
    // The last writeForward's length up to its field 32: the forward's fields before track 2 (35) end there.
    private int forwardSplit;
    private final StringBuilder authCode = new StringBuilder(6);

    private final Int2ObjectHashMap<AcquirerSession> acquirerSessions = new Int2ObjectHashMap<>();
    // The switch's STAN, one sequence over all issuer links and never restarted (recovery replays it): with the day
    // and the times it came round that day (stanRounds since stanDay, YDDD, began) it makes the RRN (field 37), which
    // must not repeat across links, or on a link that reconnects.
    private int stanSequence;
    private int stanRounds;
    // The RRN putRrn wrote last, as a number: the forward's, kept with its request in flight.
    private long lastRrn = Rrn.NONE;
    private int stanDay = -1;
    private final int[][] issuerLinks;
    private final boolean[][] issuerLinkSignedOn;
    private final long[][] issuerLinkPinged;
    private final int[][] issuerLinkUnanswered;
    private final int[] issuerLinkCounts;
    private final int[] issuerCursors;
    private final AtomicIntegerArray signedOnLinks;
    // What other threads (operators, tests) may read of the switch's state: published by this thread only.
    private final AtomicInteger advicesOwed = new AtomicInteger();
    private final AtomicInteger inFlightShown = new AtomicInteger();
    private final AtomicLong advicesQueued = new AtomicLong();
    private final AtomicLong unmatchedAnswers = new AtomicLong();
    private final AtomicLong advicesLost = new AtomicLong();
    // Events the handler failed on (a bug, caught so that the ring goes on): each is logged with its stack trace.
    private final AtomicLong failures = new AtomicLong();
    // Advices lost since the last log line about them, and when (event time) that line was written: under a flood
    // of time-outs the log gets a line a second with a count, not one per message.
    private long advicesLostUnlogged;
    private long advicesLostLoggedAt = Long.MIN_VALUE;
    // Requests forgotten by the duplicate history younger than HISTORY_EXPECTED_NANOS, and when that was last logged.
    private final AtomicLong historyForgotYoung = new AtomicLong();
    private long historyLoggedAt = Long.MIN_VALUE;
    private final AtomicLong requestsPastDeadline = new AtomicLong();
    private long pastDeadlineLoggedAt = Long.MIN_VALUE;
    private final long[] saturationLoggedAt;
    // Requests answered 91 for want of room in their issuer's share of the advice queue (adviceShareFull), and when
    // that was last logged, per issuer.
    private final AtomicLong adviceShareRefusals = new AtomicLong();
    private final long[] adviceShareLoggedAt;
    // Lines about what a peer sends, a second at most each (LogThrottle): an issuer's answers refused, per issuer; tracks
    // and PIN blocks refused.
    private final LogThrottle[] issuerAnswerLogs;
    private final LogThrottle trackLog = new LogThrottle();
    private final LogThrottle pinLog = new LogThrottle();
    private final StringBuilder reasonScratch = new StringBuilder(2);
    // Set once, before the ring's first event; volatile so that no ordering of the node's start is relied on.
    private volatile LongPredicate moreTicks = now -> false;
    // Per card in the current minute of event time: requests, and last merchant with changes. Allocated for
    // limits.cards-per-minute at start; a minute with more cards grows it, once, on this thread (logged).
    private final CardMinutes cardMinutes;
    private int cardMinutesCapacity;
    private long cardsUncounted;
    private int cardSlot;
    // What reading the card's slot early found: kept so that the read is not optimised away, and never used.
    private long cardLinesTouched;
    private int standInAuthCodes;
    private int current = Transactions.NONE;
    // The sale a UnionPay POS void names, found by voidRefusal, for the void to take back once it goes to its issuer.
    private int namedSale = Transactions.NONE;
    // The key of the message a request names, from originalKey.
    private int originalStan;
    private long originalTransmission;
    // The card number of the request being authorized, read once as ASCII digits: field 2, or track 2 up to its
    // separator when a terminal sends only the track (UnionPay POS swipes do).
    private final UnsafeBuffer pan = new UnsafeBuffer(new byte[128]);
    private int panField;
    private int panDigits;

    /**
     * A handler without an HSM: for benchmarks and tests; listeners that MAC get 96. Replaying a journal of MACed
     * traffic takes the node's keys: {@code SwitchNode.handler}.
     */
    public SwitchHandler(final SwitchSetup setup)
    {
        this(setup, null, null);
    }

    /**
     * @param hsm   where keys live and MACs are checked; {@code slots} says which slot holds which terminal's keys.
     */
    public SwitchHandler(final SwitchSetup setup, final Hsm hsm, final KeySlots slots)
    {
        this.hsm = hsm;
        this.slots = slots;
        this.setup = setup;
        this.acceptorKeys = new AcceptorKeys(setup, hsm, slots);
        this.issuers = setup.issuers();
        this.acceptors = setup.acceptors();
        this.limits = setup.limits();
        this.cardMinutes = new CardMinutes(limits.cardsPerMinute());
        this.cardMinutesCapacity = cardMinutes.capacity();
        this.issuerDialect = setup.issuerDialect();
        this.issuerIds = issuers.stream().map(SwitchSetup.Issuer::id).toList();
        this.listenerNames = setup.acquirers().stream().map(SwitchSetup.Acquirer::name).toList();
        final List<Dialect> dialects = setup.dialects();
        originals = new MessageReader[dialects.size()];
        writers = new MessageWriter[dialects.size()];
        recordedAnswers = new MessageReader[dialects.size()];
        for (int i = 0; i < dialects.size(); i++)
        {
            originals[i] = new MessageReader(dialects.get(i));
            writers[i] = new MessageWriter(dialects.get(i));
            recordedAnswers[i] = new MessageReader(dialects.get(i));
        }
        inFlight = new InFlight(setup.inFlightCapacity(), setup.inFlightMaxFrame(), issuers.size());
        saturationLoggedAt = new long[issuers.size()];
        Arrays.fill(saturationLoggedAt, Long.MIN_VALUE);
        adviceShareLoggedAt = new long[issuers.size()];
        Arrays.fill(adviceShareLoggedAt, Long.MIN_VALUE);
        issuerAnswerLogs = new LogThrottle[issuers.size()];
        Arrays.setAll(issuerAnswerLogs, i -> new LogThrottle());
        transactions = new Transactions(setup.historyCapacity(), MAX_ANSWER, MAX_BASIS, setup.forgottenKeys(), setup.preAuthorizations(), setup.posSales(),
            dialects.get(setup.issuerDialect()), dialects);
        content = new RequestContent(dialects);
        final int[] adviceWindows = new int[issuers.size()];
        final int[] adviceShares = new int[issuers.size()];
        for (int i = 0; i < adviceWindows.length; i++)
        {
            adviceWindows[i] = issuers.get(i).adviceWindow();
            adviceShares[i] = issuers.get(i).adviceShare();
        }
        advices = new AdviceQueue(setup.adviceCapacity(), MAX_ADVICE, adviceWindows, AdviceQueue.shares(setup.adviceCapacity(), adviceShares));

        totals = new BatchTotals(acceptors.terminalCount());
        openBatches = new int[acceptors.terminalCount()];
        Arrays.fill(openBatches, 1);
        countedBatches = new long[acceptors.terminalCount()];
        Arrays.fill(countedBatches, -1);
        batchRounds = new int[acceptors.terminalCount()];
        closedBatches = new int[acceptors.terminalCount()];
        uploadAwaited = new boolean[acceptors.terminalCount()];
        posSignedOn = new boolean[acceptors.terminalCount()];
        awaitedBatches = new int[acceptors.terminalCount()];
        uploadDifferences = new long[acceptors.terminalCount() * BatchTotals.FIGURES];
        uploadParts = new int[acceptors.terminalCount()];
        lastSettlements = new UnsafeBuffer(new byte[acceptors.terminalCount() * MAX_ANSWER]);
        keptFields = new KeptFields(dialects);
        lastSettlementLengths = new int[acceptors.terminalCount()];
        lastSettlementAnswers = new UnsafeBuffer(new byte[acceptors.terminalCount() * MAX_ANSWER]);
        lastSettlementAnswerLengths = new int[acceptors.terminalCount()];
        basis = new MessageReader(dialects.get(issuerDialect));
        advice = new MessageReader(dialects.get(issuerDialect));
        originalBasis = new MessageReader(dialects.get(issuerDialect));
        clock = new EventClock(setup.zone(), setup.cutoff());
        issuerLinks = new int[issuers.size()][MAX_LINKS_PER_ISSUER];
        issuerLinkSignedOn = new boolean[issuers.size()][MAX_LINKS_PER_ISSUER];
        issuerLinkPinged = new long[issuers.size()][MAX_LINKS_PER_ISSUER];
        issuerLinkUnanswered = new int[issuers.size()][MAX_LINKS_PER_ISSUER];
        issuerLinkCounts = new int[issuers.size()];
        issuerCursors = new int[issuers.size()];
        signedOnLinks = new AtomicIntegerArray(issuers.size());
    }

    /** Signed-on links of an issuer; written by this handler only, readable from any thread. */
    public int signedOnLinks(final int issuer)
    {
        return signedOnLinks.get(issuer);
    }

    /** Requests waiting for an issuer's answer, as of the last event; readable from any thread. */
    public int inFlight()
    {
        return inFlightShown.get();
    }

    /** Each terminal's batch as approved so far (see {@link SwitchSetup.Acceptors#terminalIndex}); this thread only. */
    public BatchTotals batchTotals()
    {
        return totals;
    }

    /**
     * The number of a terminal's open batch: for UnionPay POS the batch number (60.2) after the one last closed, for
     * ISO 8583:1987 the switch's own count of the terminal's batches, from 1. This thread only.
     */
    public int openBatch(final int terminal)
    {
        return openBatches[terminal];
    }

    /**
     * A run starts ({@link EventType#NODE_START}): every link of the run before is gone, stopped or killed. Requests
     * still in flight will time out and be reversed; advices are sent again on new links. Replayed where each run of
     * the journal began, so that a journal spanning restarts recovers as the switch ran.
     */
    private void linksLost()
    {
        acquirerSessions.clear();
        for (int issuer = 0; issuer < issuers.size(); issuer++)
        {
            issuerLinkCounts[issuer] = 0;
            publishSignedOn(issuer);
        }
        inFlight.acquirersLost();
        advices.linksLost();
        advicesOwed.set(advices.size());
        if (advicesNotReplayed > 0 && !replaying)
        {
            LOG.warn("recovery: {} advices the journal says were sent are not in the recovered queue: advices this build does not owe " +
                "(an earlier build's 0420 of a balance inquiry), or queued otherwise; their issuers' acknowledgements match nothing, and " +
                "any this build owes is sent again as new", advicesNotReplayed);
        }
        // The counters count what this run does, not what the replay went through again.
        advicesQueued.set(0);
        unmatchedAnswers.set(0);
        requestsPastDeadline.set(0);
    }

    /**
     * Sign-ons and key changes replayed into this handler whose keys could not be loaded from the journal (the answer
     * missing or unreadable, its keys refused by the HSM): those terminals must sign on again, those acquirer hosts
     * change keys again. This thread only.
     */
    public long keysNotRestored()
    {
        return acceptorKeys.keysNotRestored();
    }

    /** Advices (reversals, stand-in notices, completions) waiting for an issuer's acknowledgement. */
    public int advicesPending()
    {
        return advicesOwed.get();
    }

    /** Advices queued since start (reversals, stand-in notices, completions); readable from any thread. */
    public long advicesQueued()
    {
        return advicesQueued.get();
    }

    /**
     * Advices that could not be queued since start (their issuer's share of the queue was full): their issuers never hear
     * of the reversal, stand-in or completion; the journal has each one's event, for the exception report. Live every
     * advice has its room checked or kept before the decision that owes it, and recovery may go beyond an issuer's
     * share into free slots, so only recovery onto a queue smaller than what was owed (limits.advice-queue lowered) can
     * count any. Readable from any thread.
     */
    public long advicesLost()
    {
        return advicesLost.get();
    }

    /**
     * Requests answered 91 since start, not forwarded, because their issuer's share of the advice queue had no room for
     * the 0420 they might owe (each issuer's share is limits.advice-queue split evenly): non-zero means an issuer leaves
     * its advices unacknowledged or its requests unanswered, or the queue is too small for the traffic. Any thread.
     */
    public long adviceShareRefusals()
    {
        return adviceShareRefusals.get();
    }

    /** Events the handler failed on since start, each logged as an error: a bug, which a healthy switch never shows. Any thread. */
    public long failures()
    {
        return failures.get();
    }

    /**
     * Requests the duplicate history forgot before they were a minute old, since start: a reversal of one is answered
     * 25, and a retransmission 94 while limits.duplicate-keys still holds its key (a UnionPay POS one, keyed by batch
     * rather than field 7, gets its original answer or 94, and its reversal is passed on, when it is an approved sale or
     * refund of a batch still open that limits.pos-sales keeps, and is forwarded as new, or its reversal answered 25,
     * otherwise). Non-zero means limits.duplicate-history is too small for the traffic.
     * Readable from any thread.
     */
    public long historyForgotYoung()
    {
        return historyForgotYoung.get();
    }

    /**
     * Requests answered 91 since start because they waited past limits.request-deadline before the switch could take
     * them up, not forwarded ({@link Outcome#PAST_DEADLINE}): non-zero means the switch or its links fell behind.
     * Readable from any thread.
     */
    public long requestsPastDeadline()
    {
        return requestsPastDeadline.get();
    }

    /** Requests taken since start with their host's keys before its last key change, within the listener's grace. */
    public long previousKeysTaken()
    {
        return acceptorKeys.previousKeysTaken();
    }

    /** Issuer answers that matched nothing in flight (late, unreadable, or with a wrong MAC); readable from any thread. */
    public long unmatchedAnswers()
    {
        return unmatchedAnswers.get();
    }

    /**
     * How a tick that leaves time-outs due asks for another tick at the same time: publish one, or say false when the
     * ring is full. A node publishes into its own ring; replay (recovery, verify) asks for none, the journal holds
     * every tick that did anything.
     */
    public void moreTicks(final LongPredicate publisher)
    {
        moreTicks = Objects.requireNonNull(publisher, "publisher");
    }

    @Override
    public void onEvent(final SwitchEvent event, final long sequence, final boolean endOfBatch)
    {
        current = Transactions.NONE;
        replaying = event.recorded() != null;
        advices.beyondShares(replaying);
        pinTranslated = false;
        pinRefused = false;
        macRefused = false;
        trackRead = false;
        acceptorKeys.newEvent();
        decisionFlags = 0;
        try
        {
            switch (event.type())
            {
                case EventType.ACQUIRER_MESSAGE -> onAcquirerMessage(event);
                case EventType.ISSUER_MESSAGE -> onIssuerMessage(event);
                case EventType.TICK -> onTick(event);
                case EventType.ACQUIRER_UP ->
                {
                    acquirerSessions.put(event.linkId(), new AcquirerSession(event.endpoint()));
                    decide(event, null, Outcome.NOTHING, -1, 0);
                }
                case EventType.ACQUIRER_DOWN ->
                {
                    acquirerSessions.remove(event.linkId());
                    decide(event, null, Outcome.NOTHING, -1, 0);
                }
                case EventType.ACQUIRER_INPUT_CLOSED -> onAcquirerInputClosed(event);
                case EventType.ISSUER_UP -> onIssuerUp(event);
                case EventType.ISSUER_DOWN -> onIssuerDown(event);
                case EventType.NODE_START ->
                {
                    linksLost();
                    decide(event, null, Outcome.NOTHING, -1, 0);
                    runStarted(event);
                }
                default -> decide(event, null, Outcome.NOTHING, -1, 0);
            }
        }
        catch (final RuntimeException ex)
        {
            // A bug must not stop the ring: the event is journaled with what was decided so far and the link
            // gets no answer from this event; the acquirer's own time-out and reversal take over.
            failures.lazySet(failures.get() + 1);
            LOG.error("switch handler failed on {} event from link {}", EventType.name(event.type()), event.linkId(), ex);
            decide(event, ResponseCode.SYSTEM_MALFUNCTION, Outcome.NOTHING, -1, 0);
            answerMalfunction(event);
        }
        if (event.type() == EventType.ACQUIRER_MESSAGE && !trackRead && event.decodeError() == DecodeError.NONE && !replaying)
        {
            try
            {
                blankUnreadTrack(event);
            }
            catch (final RuntimeException ex)
            {
                LOG.error("blanking an unread track 2 failed on the event from link {}", event.linkId(), ex);
            }
        }
        // Advices go out on whatever event has outputs to spare, not only on ticks: a tick's few outputs every 10 ms
        // carried at most 800 a second, fewer than the completions and reversals of 20,000 TPS. Not on an event whose
        // input does not decode: the journal withholds it, so replay never sees it, and it must change nothing.
        final JournalRecord recorded = event.recorded();
        final boolean advicesDue = recorded == null ? advices.size() > 0 && advices.sendable(event.timestampNanos()) :
            recorded.decisionLength() >= Decision.LENGTH && Decision.advicesSent(recorded.buffer(), recorded.decisionOffset());
        if (advicesDue && event.type() != EventType.TICK && event.decodeError() == DecodeError.NONE && event.decisionLength() > 0)
        {
            try
            {
                sendAdvices(event, event.timestampNanos());
            }
            catch (final RuntimeException ex)
            {
                // The event's own decision and outputs stand; the advices go on a later event.
                LOG.error("sending advices failed on {} event from link {}", EventType.name(event.type()), event.linkId(), ex);
            }
        }
        advicesOwed.lazySet(advices.size()); // an ordered store: no fence on the ring's path
        inFlightShown.lazySet(inFlight.size());
    }

    /** After a fault, the acquirer still gets an answer if its request can carry one: 96. */
    private void answerMalfunction(final SwitchEvent event)
    {
        if (event.type() != EventType.ACQUIRER_MESSAGE || event.outputCount() > 0 || event.decodeError() != DecodeError.NONE ||
            !Mti.isRequest(event.reader().mti()))
        {
            return;
        }
        try
        {
            answer(event, event.reader(), ResponseCode.SYSTEM_MALFUNCTION);
        }
        catch (final RuntimeException again)
        {
            LOG.error("could not answer 96 either", again);
        }
    }

    // ---------------------------------------------------------------- acquirer side

    /**
     * The acquirer's peer has sent its last request and shut its side (a TCP half-close, as some POS stacks and scripts
     * do before they read): every request it sent before is in the ring ahead of this event, so those the switch answers
     * itself are answered already, and those with their issuer are counted. The link closes after the last of their
     * answers, or at once when none is owed.
     */
    private void onAcquirerInputClosed(final SwitchEvent event)
    {
        final AcquirerSession session = acquirerSessions.get(event.linkId());
        if (session != null)
        {
            session.inputClosed = true;
        }
        if (session == null || session.awaiting == 0)
        {
            event.closeLink();
            decide(event, null, Outcome.CLOSED, -1, 0);
            return;
        }
        decide(event, null, Outcome.NOTHING, -1, 0);
    }

    /**
     * One of the link's requests with their issuer has had its answer given it (or, sent again on another link, will
     * have it there); true when its peer has finished sending and this was the last answer owed it: the link closes
     * after it. False for a link gone (null).
     */
    private static boolean answeredLast(final AcquirerSession session)
    {
        if (session == null)
        {
            return false;
        }
        if (session.awaiting > 0)
        {
            session.awaiting--;
        }
        return session.inputClosed && session.awaiting == 0;
    }

    private void onAcquirerMessage(final SwitchEvent event)
    {
        final MessageReader request = event.reader();
        final AcquirerSession session = acquirerSessions.get(event.linkId());
        if (session == null)
        {
            event.closeLink();
            decide(event, null, Outcome.CLOSED, -1, 0);
            return;
        }
        final int mti = request.mti();
        if (event.decodeError() != DecodeError.NONE)
        {
            if (mti >= 0 && Mti.isRequest(mti))
            {
                answer(event, request, ResponseCode.FORMAT_ERROR);
            }
            else
            {
                event.closeLink();
                decide(event, null, Outcome.CLOSED, -1, 0);
            }
            return;
        }
        switch (mti)
        {
            case Mti.NETWORK_MANAGEMENT_REQUEST -> onNetworkManagement(event, request, session);
            case Mti.NETWORK_MANAGEMENT_ADVICE ->
            {
                // A UnionPay POS terminal signs off by advice (0820, 60.3 = 002), and is answered 0830; nothing else comes so.
                if (networkCode(request) == NETWORK_SIGN_OFF)
                {
                    onNetworkManagement(event, request, session);
                }
                else
                {
                    answerNetwork(event, request, ResponseCode.INVALID_TRANSACTION, false);
                }
            }
            case Mti.FINANCIAL_REQUEST, Mti.AUTHORIZATION_REQUEST, Mti.FINANCIAL_ADVICE, Mti.FINANCIAL_ADVICE + 1, Mti.AUTHORIZATION_ADVICE,
                Mti.AUTHORIZATION_ADVICE + 1 ->
            {
                final String refusal = refusal(event, request, session);
                if (refusal != null)
                {
                    answer(event, request, refusal);
                }
                else if (PosTransaction.preAuthVoid(request))
                {
                    reverse(event, request, session);
                }
                else
                {
                    authorize(event, request, session);
                }
            }
            case Mti.REVERSAL_REQUEST, Mti.REVERSAL_REQUEST + 1, Mti.REVERSAL_ADVICE, Mti.REVERSAL_ADVICE_REPEAT ->
            {
                final String refusal = refusal(event, request, session);
                if (refusal != null)
                {
                    answer(event, request, refusal);
                }
                else
                {
                    reverse(event, request, session);
                }
            }
            case Mti.RECONCILIATION_REQUEST, Mti.BATCH_UPLOAD ->
            {
                final String refusal = refusal(event, request, session);
                if (refusal != null)
                {
                    answer(event, request, refusal);
                }
                else if (settlementRetransmitted(event, request))
                {
                    return;
                }
                else if (mti == Mti.BATCH_UPLOAD)
                {
                    upload(event, request, session);
                }
                else if (request.dialect().defines(74))
                {
                    settle(event, request);
                }
                else
                {
                    settlePos(event, request);
                }
            }
            default ->
            {
                if (Mti.isRequest(mti))
                {
                    answer(event, request, ResponseCode.INVALID_TRANSACTION);
                }
                else
                {
                    decide(event, null, Outcome.NOTHING, -1, 0);
                }
            }
        }
    }

    private void onNetworkManagement(final SwitchEvent event, final MessageReader request, final AcquirerSession session)
    {
        final int code = networkCode(request);
        switch (code)
        {
            case NETWORK_SIGN_ON ->
            {
                if (terminalsKeyed(session))
                {
                    signOnWithKeys(event, request);
                    return;
                }
                if (!request.dialect().defines(7))
                {
                    // In replay the journal's verdict stands: a terminal the settings no longer have signed on (its link's
                    // session stands for it), one they have since did not.
                    final int terminal = terminalOf(request);
                    if (refuses(event, ResponseCode.NOT_PERMITTED_TO_TERMINAL, terminal < 0))
                    {
                        answerNetwork(event, request, ResponseCode.NOT_PERMITTED_TO_TERMINAL, false);
                        return;
                    }
                    if (terminal >= 0)
                    {
                        posSignedOn[terminal] = true;
                    }
                }
                session.signedOn = true;
                answerNetwork(event, request, ResponseCode.APPROVED, false);
            }
            case NETWORK_SIGN_OFF ->
            {
                session.signedOn = false;
                final int terminal = terminalOf(request);
                if (terminalsKeyed(session) && terminal >= 0)
                {
                    acceptorKeys.signOff(terminal);
                }
                if (!request.dialect().defines(7) && terminal >= 0)
                {
                    posSignedOn[terminal] = false;
                }
                // An ISO 8583:1987 link signs off as a whole and is closed; a UnionPay POS link may be a NAC's, shared
                // by terminals that have not signed off, and stays up.
                answerNetwork(event, request, ResponseCode.APPROVED, request.dialect().defines(7));
            }
            case NETWORK_ECHO_TEST -> answerNetwork(event, request, ResponseCode.APPROVED, false);
            case KeyExchange.NETWORK_CODE ->
            {
                if (setup.acquirers().get(session.endpoint).hostKeyed())
                {
                    changeKeys(event, request, session);
                }
                else
                {
                    answerNetwork(event, request, ResponseCode.INVALID_TRANSACTION, false);
                }
            }
            case -1 -> answerNetwork(event, request, ResponseCode.FORMAT_ERROR, false);
            default -> answerNetwork(event, request, ResponseCode.INVALID_TRANSACTION, false);
        }
    }

    /**
     * Sign-on on a listener whose terminals MAC (DESIGN.md §4, UnionPay POS): PIN and MAC working keys for the
     * terminal, and a track key when its 60.3 is 004, sent in field 62 under the terminal's master key with their
     * check values in the layout 60.3 asks for ({@link WorkingKeys}). Live, the HSM makes new
     * ones; in replay they are the ones the journaled answer carried. From then on the terminal is signed on
     * whatever link it comes on: its MACs show that it holds the keys.
     */
    private void signOnWithKeys(final SwitchEvent event, final MessageReader request)
    {
        final int terminal = terminalOf(request);
        final int layout = WorkingKeys.layoutFor(Field60.networkCode(request));
        final String refusal = terminal < 0 ? ResponseCode.NOT_PERMITTED_TO_TERMINAL : acceptorKeys.signOn(event, terminal, layout, request);
        if (refusal != null)
        {
            answerNetwork(event, request, refusal, false);
            return;
        }
        final int offset = beginAnswer(event);
        final MessageWriter writer = writers[event.dialectId()].wrap(event.output(), offset + event.headerLength());
        final int length = networkEcho.begin(request, writer).putString(39, ResponseCode.APPROVED)
            .putBytes(62, acceptorKeys.workingKeys(), 0, acceptorKeys.workingKeysLength()).finish();
        event.endOutput(length, false);
        decide(event, ResponseCode.APPROVED, Outcome.ANSWERED, -1, 0);
    }

    /** A listener whose terminals MAC with the working keys of their own sign-ons (UnionPay POS). */
    private boolean terminalsKeyed(final AcquirerSession session)
    {
        final SwitchSetup.Acquirer acquirer = setup.acquirers().get(session.endpoint);
        return acquirer.mac() && !acquirer.hostKeyed();
    }

    /**
     * Key change from an ISO 8583:1987 acquirer host (0800/101, {@link KeyExchange}): a new MAC key and a new zone PIN
     * key for the acquirer, sent in field 48 under the listener's zone master key with their check values, and the
     * answer MACed with the new MAC key, so the host knows both came from the switch and in their places. Live, the
     * HSM makes them; in replay they are the ones the journaled answer carried. Asked on a link that has not signed
     * on, 91. A host that holds keys must ask with a MAC under them (A0 otherwise): any connection from an allowed
     * address may sign on, and without that one could change the keys of all the host's links. From the answer on,
     * every link of the acquirer MACs with the new keys; when making them fails, 96, and the acquirer's requests get
     * 91 until a key change succeeds, since the two keys may no longer be a pair.
     */
    private void changeKeys(final SwitchEvent event, final MessageReader request, final AcquirerSession session)
    {
        final int acquirer = session.endpoint;
        if (!session.signedOn)
        {
            answerNetwork(event, request, ResponseCode.ISSUER_INOPERATIVE, false);
            return;
        }
        final String macRefusal = acceptorKeys.keyChangeMacRefusal(event, request, acquirer);
        if (macRefusal != null)
        {
            macRefused = true;
            answerNetwork(event, request, macRefusal, false);
            return;
        }
        final String refusal = acceptorKeys.changeKeys(event, acquirer);
        if (refusal != null)
        {
            answerNetwork(event, request, refusal, false);
            return;
        }
        final int offset = beginAnswer(event);
        final MessageWriter writer = writers[event.dialectId()].wrap(event.output(), offset + event.headerLength());
        final int length = networkEcho.begin(request, writer).putString(39, ResponseCode.APPROVED)
            .putText(KeyExchange.FIELD, acceptorKeys.keyText(), 0, KeyExchange.TEXT_LENGTH).finish();
        event.endOutput(acceptorKeys.hostMac(acquirer, request.dialect(), event.output(), offset + event.headerLength(), length), false);
        decide(event, ResponseCode.APPROVED, Outcome.ANSWERED, -1, 0);
    }

    /**
     * On a listener that MACs, the answer gets one too (field 64, or 128 after a secondary bitmap), so the acquirer
     * can trust it: with the acquirer host's MAC key, or the terminal's. An answer to one without a MAC key yet goes
     * without. Returns the answer's length, with the MAC when one was added.
     */
    private int mac(final int link, final MessageReader request, final MutableDirectBuffer out, final int offset, final int length)
    {
        final AcquirerSession session = acquirerSessions.get(link);
        if (session == null || hsm == null || !setup.acquirers().get(session.endpoint).mac())
        {
            return length;
        }
        if (setup.acquirers().get(session.endpoint).hostKeyed())
        {
            return acceptorKeys.hostMac(session.endpoint, request.dialect(), out, offset, length);
        }
        return acceptorKeys.terminalMac(terminalOf(request), request.dialect(), out, offset, length);
    }

    /**
     * An issuer that MACs: its answer's MAC (field 64, or 128 after a secondary bitmap) must hold with its key. In replay
     * the journal's verdict stands, as the issuer's key (or whether it MACs) may have been changed in the settings since:
     * checked again under a new key, every answer the journal relayed would be no answer, its approval gone from its
     * terminal's batch and an 0420 owed that reverses it.
     */
    private boolean issuerMacHolds(final SwitchEvent event, final int issuer, final MessageReader answer)
    {
        final JournalRecord recorded = event.recorded();
        if (recorded != null && recorded.decisionLength() >= Decision.LENGTH)
        {
            return Decision.outcome(recorded.buffer(), recorded.decisionOffset()) != Outcome.UNMATCHED ||
                !Decision.hasCode(recorded.buffer(), recorded.decisionOffset(), ResponseCode.MAC_FAILURE);
        }
        if (!issuers.get(issuer).mac())
        {
            return true;
        }
        final int field = MessageMac.field(answer);
        return hsm != null && answer.has(field) && hsm.verifyMac(slots.issuerMacKey(issuer), answer.buffer(), answer.offset(),
            answer.rawOffset(field) - answer.offset(), answer.buffer(), answer.valueOffset(field)) == HsmResult.OK;
    }

    /** A UnionPay POS void of a sale or of a completion (60.1 = 23 or 21); ISO 8583:1987 has none (it voids by 0400). */
    private static boolean posVoid(final MessageReader request)
    {
        if (request.dialect().defines(7))
        {
            return false;
        }
        final int type = Field60.transactionType(request);
        return type == Field60.TYPE_VOID || type == Field60.TYPE_COMPLETION_VOID;
    }

    /**
     * A UnionPay POS completion void (60.1 = 21), which takes back a completion (and gives its hold back), where a sale's
     * void (23) takes back a sale. One whose 61 finds the other kind names something other than the terminal means (a
     * terminal set up again starts its STANs over, or a number mistyped): passed on, its card would be paid back a
     * transaction that the terminal's batch still holds.
     */
    private static boolean completionVoid(final MessageReader request)
    {
        return Field60.transactionType(request) == Field60.TYPE_COMPLETION_VOID;
    }

    /** The request's terminal index, from field 41, or -1. */
    private int terminalOf(final MessageReader request)
    {
        return request.has(41) && request.units(41) <= FixedKey.MAX_LENGTH ?
            acceptors.terminal(FixedKey.high(request, 41), FixedKey.low(request, 41)) : -1;
    }

    /**
     * Whether a financial request or reversal may go on: null, or its answer. 91 before sign-on: the link's, or for a
     * UnionPay POS terminal (and on a listener whose terminals MAC), the terminal's (it holds the working keys of a sign-on on any link, before a
     * restart too). There the request's MAC must then hold ({@link AcceptorKeys#terminalMacRefusal},
     * {@link AcceptorKeys#hostMacRefusal}); in replay, the journaled verdict stands: the request comes back without its
     * track data and PIN block, which the MAC covers.
     */
    private String refusal(final SwitchEvent event, final MessageReader request, final AcquirerSession session)
    {
        final JournalRecord recorded = event.recorded();
        if (recorded != null && recorded.decisionLength() >= Decision.LENGTH &&
            !Decision.answered(recorded.buffer(), recorded.decisionOffset(), ResponseCode.ISSUER_INOPERATIVE))
        {
            // In replay a request the journal took past this gate (forwarded, stood in for, or answered with anything but
            // 91) passed it, whatever the listener's MAC setting is now: turned on since, its terminals would hold no keys
            // in the journal, and every sale it approved would be a 91, out of its batch, its reversal a 25.
            final String refused = Decision.macRefusal(recorded.buffer(), recorded.decisionOffset());
            macRefused = refused != null;
            return refused;
        }
        final SwitchSetup.Acquirer acquirer = setup.acquirers().get(session.endpoint);
        if (!acquirer.mac())
        {
            // A UnionPay POS terminal signs on for itself (posSignedOn); one unknown goes on to be refused 58.
            final int terminal = request.dialect().defines(7) ? -1 : terminalOf(request);
            if (!(terminal >= 0 ? posSignedOn[terminal] : session.signedOn))
            {
                return ResponseCode.ISSUER_INOPERATIVE;
            }
            // Such a terminal holds no track key: it cannot have enciphered its track with one.
            final String refusal = trackRefusal(event, request, -1);
            macRefused = refusal != null;
            return refusal;
        }
        final String refusal;
        if (acquirer.hostKeyed())
        {
            if (!session.signedOn || !acceptorKeys.acquirerKeyed(session.endpoint))
            {
                return ResponseCode.ISSUER_INOPERATIVE;
            }
            refusal = acceptorKeys.hostMacRefusal(event, request, session.endpoint);
        }
        else
        {
            final int terminal = terminalOf(request);
            if (terminal >= 0 && !acceptorKeys.terminalKeyed(terminal))
            {
                return ResponseCode.ISSUER_INOPERATIVE;
            }
            final String macRefusal = acceptorKeys.terminalMacRefusal(event, request, terminal);
            // The MAC covers the track as sent: it is checked before the track is deciphered.
            refusal = macRefusal != null ? macRefusal : trackRefusal(event, request, terminal);
        }
        macRefused = refusal != null;
        return refusal;
    }

    /**
     * A UnionPay POS request's track 2 (field 35, {@link io.interchange.codec.FieldType#ZE}, which the decoder takes
     * whatever its nibbles): deciphered in place when field 53 says the terminal enciphered it with the track key of
     * its sign-on ({@link TrackBlock}), and then, or when it came clear, held to the track code set. Null, or 30:
     * enciphered by a terminal that holds no track key (it signed on for none, 60.3 001 or 003, or on a listener that
     * gives no keys: {@code keyedTerminal} -1), a track too short to hold the block, or characters that are not a
     * track's (another key, bytes changed). Nothing unreadable goes on to an issuer or becomes the card number. Track 3
     * (36) goes nowhere, neither to the issuer nor into the journal, so it is neither deciphered nor read. The verdict
     * is journaled as a MAC's is ({@link Decision#MAC_REFUSED}): replay gets the request without its track.
     */
    private String trackRefusal(final SwitchEvent event, final MessageReader request, final int keyedTerminal)
    {
        if (!request.has(Track2.FIELD) || request.spec(Track2.FIELD).type() != FieldType.ZE)
        {
            return null;
        }
        if (TrackBlock.enciphered(request))
        {
            final int block = TrackBlock.offset(request, Track2.FIELD);
            if (keyedTerminal < 0 || !acceptorKeys.terminalTrackKeyed(keyedTerminal) || block < 0)
            {
                if (trackLog.due(event.timestampNanos()))
                {
                    LOG.warn("{} from terminal index {} on link {}: track 2 enciphered, {}: answered 30; {} more tracks refused since the last line",
                        Mti.toString(request.mti()), keyedTerminal, event.linkId(),
                        block < 0 ? "too short to hold a block" : "and the terminal holds no track key (it signs on with 60.3 = 004 for one)",
                        trackLog.takeUnlogged());
                }
                return ResponseCode.FORMAT_ERROR;
            }
            final HsmResult result = acceptorKeys.decipherTrackBlock(keyedTerminal, event.frame(), block);
            if (result != HsmResult.OK)
            {
                if (trackLog.due(event.timestampNanos()))
                {
                    LOG.warn("terminal index {}: track 2 not deciphered: {}; {} more tracks refused since the last line", keyedTerminal, result,
                        trackLog.takeUnlogged());
                }
                return result == HsmResult.HSM_ERROR ? ResponseCode.SYSTEM_MALFUNCTION : ResponseCode.FORMAT_ERROR;
            }
        }
        trackRead = TrackBlock.readable(request, Track2.FIELD);
        return trackRead ? null : ResponseCode.FORMAT_ERROR;
    }

    /**
     * The journal, after this handler on the same slot, seals a swipe's card number from its track 2 as the slot holds
     * it. A track this event did not read ({@link #trackRefusal} refused it, or the request was refused before it: not
     * signed on, a MAC that does not hold) that is still enciphered, or deciphered into no track, would give it the cipher
     * text up to its first nibble D for a card number: the track is blanked in place (nibbles F, no separator), so that
     * no card number is read from it. A clear track of digits and separators keeps its card number, as it always did.
     */
    private void blankUnreadTrack(final SwitchEvent event)
    {
        final MessageReader request = event.reader();
        if (request.has(Track2.FIELD) && request.spec(Track2.FIELD).type() == FieldType.ZE &&
            (TrackBlock.enciphered(request) || !TrackBlock.readable(request, Track2.FIELD)))
        {
            event.frame().setMemory(request.valueOffset(Track2.FIELD), request.valueLength(Track2.FIELD), (byte)0xFF);
        }
    }

    /**
     * The network-management code: field 70 (ISO 8583:1987), or for UnionPay POS 60.3, the three digits after
     * the transaction type and batch number (004 sign-on with double-length keys, 001/003 the older variants,
     * 002 sign-off). -1 when neither is there.
     */
    private static int networkCode(final MessageReader request)
    {
        if (request.has(70))
        {
            return (int)request.getLong(70);
        }
        if (request.has(60) && request.units(60) >= 11)
        {
            final int code = (request.charAt(60, 8) - '0') * 100 + (request.charAt(60, 9) - '0') * 10 + (request.charAt(60, 10) - '0');
            return switch (code)
            {
                case 1, 3, 4 -> NETWORK_SIGN_ON;
                case 2 -> NETWORK_SIGN_OFF;
                default -> code;
            };
        }
        return -1;
    }

    private void authorize(final SwitchEvent event, final MessageReader request, final AcquirerSession session)
    {
        for (final int field : request.dialect().defines(7) ? AUTHORIZATION_MANDATORY : POS_AUTHORIZATION_MANDATORY)
        {
            if (!request.has(field))
            {
                answer(event, request, ResponseCode.FORMAT_ERROR);
                return;
            }
        }
        if (!findPan(event, request))
        {
            answer(event, request, ResponseCode.FORMAT_ERROR);
            return;
        }
        final long now = event.timestampNanos();
        if (duplicate(event, request, session, now))
        {
            return;
        }
        final int mti = request.mti();
        // A UnionPay POS refund is an 0220 its terminal waits on: its issuer gets it as the refund (0200) it decides.
        final boolean refund = PosTransaction.refund(request);
        issuerMti = refund ? Mti.FINANCIAL_REQUEST : mti;
        if (pastDeadline(event, issuerMti))
        {
            answerPastDeadline(event, request, now);
            return;
        }
        // An advice from the acquirer: a completion (0220, or a UnionPay POS one asked for online as an 0200), or an
        // authorization it made without the issuer (0120), whose field 39 says what the acquirer decided.
        final boolean advice = mti / 10 % 10 == 2 && !refund || PosTransaction.completionRequest(request);
        final boolean authorization = Mti.messageClass(mti) == 1;
        if (advice && authorization && !request.has(39))
        {
            answer(event, request, ResponseCode.FORMAT_ERROR);
            return;
        }
        int processing = (int)(request.getLong(3) / 10_000);
        preAuthCoded03 = PosTransaction.preAuthCoded03(request, processing);
        if (preAuthCoded03)
        {
            processing = 0;
        }
        final boolean supported = refund ? processing == 20 : authorization || advice ? processing == 0 :
            processing == 0 || processing == 1 || processing == 20 || processing == 31;
        if (!supported)
        {
            answer(event, request, ResponseCode.INVALID_TRANSACTION);
            return;
        }
        if (!panValid())
        {
            answer(event, request, ResponseCode.INVALID_CARD_NUMBER);
            return;
        }
        if (request.has(14))
        {
            final int expiry = (int)request.getLong(14);
            final int month = expiry % 100;
            if (refuses(event, ResponseCode.EXPIRED_CARD, month < 1 || month > 12 || expiry < clock.yearMonth(now)))
            {
                answer(event, request, ResponseCode.EXPIRED_CARD);
                return;
            }
        }
        final long amount = request.getLong(4);
        final int currency = number(request, 49);
        final boolean voidOfDebit = processing == 20 && posVoid(request);
        final boolean amountRefused = currency < 0 || (amount <= 0 && processing != 31) || !limits.currencies()[currency];
        // A UnionPay POS void's 13 may be its own verdict on its sale's amount (voidRefusal, below, after the void is
        // counted): in replay the journal's 13 stands here for any other request, and a void's is judged again, from its
        // fields and the currencies as set, or replay would not count the void and a later reversal of it would find no amount.
        if (voidOfDebit ? amountRefused : currency < 0 || refuses(event, ResponseCode.INVALID_AMOUNT, amountRefused))
        {
            answer(event, request, ResponseCode.INVALID_AMOUNT);
            return;
        }
        if (refuses(event, ResponseCode.EXCEEDS_AMOUNT_LIMIT, amount > limits.maxAmount()))
        {
            answer(event, request, ResponseCode.EXCEEDS_AMOUNT_LIMIT);
            return;
        }
        final int merchant = request.units(42) <= FixedKey.MAX_LENGTH ?
            acceptors.merchant(FixedKey.high(request, 42), FixedKey.low(request, 42)) : -1;
        // In replay a merchant or terminal removed from the settings since is refused only where the journal refused it:
        // one the journal forwarded (or stood in for) stays in flight, with its time-out's 0420 still owed.
        if (refuses(event, ResponseCode.INVALID_MERCHANT, merchant < 0 || !acceptors.merchantActive(merchant)))
        {
            answer(event, request, ResponseCode.INVALID_MERCHANT);
            return;
        }
        final int terminal = request.units(41) <= FixedKey.MAX_LENGTH ?
            acceptors.terminal(FixedKey.high(request, 41), FixedKey.low(request, 41)) : -1;
        if (refuses(event, ResponseCode.NOT_PERMITTED_TO_TERMINAL,
            terminal < 0 || !acceptors.terminalActive(terminal) || acceptors.terminalMerchant(terminal) != merchant))
        {
            answer(event, request, ResponseCode.NOT_PERMITTED_TO_TERMINAL);
            return;
        }
        if (processing == 31)
        {
            transactions.markInquiry(current);
        }
        else if (!authorization)
        {
            transactions.counts(current, terminal, amount, currency, processing == 20, voidOfDebit, PreAuthorizations.card(pan, panDigits));
        }
        else if (terminal >= 0)
        {
            transactions.heldAt(current, terminal, holdRound(terminal, batchNumber(request)));
        }
        final String voidRefusal = voidOfDebit ? journaledVoidRefusal(event, voidRefusal(request, session, terminal, amount, currency)) : null;
        if (voidRefusal != null)
        {
            answer(event, request, voidRefusal);
            return;
        }
        final int voidedSale = voidOfDebit ? namedSale : Transactions.NONE;
        final int mcc = merchant >= 0 ? acceptors.mcc(merchant) : journaledMcc(event, request);
        if (refuses(event, ResponseCode.NOT_PERMITTED_TO_CARDHOLDER, limits.blockedMcc()[mcc]))
        {
            answer(event, request, ResponseCode.NOT_PERMITTED_TO_CARDHOLDER);
            return;
        }
        // Both rules count the request whatever the verdict, as they did live.
        if (refuses(event, ResponseCode.EXCEEDS_FREQUENCY_LIMIT, overFrequencyLimit(request, now)))
        {
            answer(event, request, ResponseCode.EXCEEDS_FREQUENCY_LIMIT);
            return;
        }
        if (refuses(event, ResponseCode.SUSPECTED_FRAUD, suspicious(merchant)))
        {
            answer(event, request, ResponseCode.SUSPECTED_FRAUD);
            return;
        }
        final int route = setup.bins().route(pan, panDigits);
        // In replay, the issuer the journal sent it to (or stood in for), as the BIN table may have changed since.
        final int routed = journaledIssuer(event);
        final int issuer = routed >= 0 ? routed : route == BinTable.NO_ROUTE ? -1 : BinTable.issuer(route);
        if (issuer < 0 || refuses(event, ResponseCode.NO_SUCH_ISSUER, route == BinTable.NO_ROUTE))
        {
            // In replay, a 91 (its issuer down or full, no stand-in) whose BIN has been removed since stays a 91: its
            // retransmission gets the answer its terminal got. The journal names no issuer for it to carry on with.
            answer(event, request, issuer < 0 && refuses(event, ResponseCode.ISSUER_INOPERATIVE, false) ?
                ResponseCode.ISSUER_INOPERATIVE : ResponseCode.NO_SUCH_ISSUER);
            return;
        }
        transactions.foreign(current, route != BinTable.NO_ROUTE && BinTable.foreign(route));
        if (advice)
        {
            complete(event, request, session, issuer, mcc, now);
            return;
        }
        if (!translatePin(event, request, session, terminal, issuer))
        {
            answer(event, request, ResponseCode.SYSTEM_MALFUNCTION);
            return;
        }
        final SwitchSetup.Issuer config = issuers.get(issuer);
        // An issuer with its quota of requests unanswered is treated as down: one that has stopped answering fills its
        // quota, not the table every other issuer's requests need. In replay the journal's verdict stands, as the
        // quota may have changed since (an issuer added shrinks the others' default shares): a request that went to its
        // issuer is in flight again, with its time-out's 0420 to come, and one that did not is answered as it was.
        final Outcome journaled = journaledOutcome(event);
        final boolean saturated = journaled != null ? journaled != Outcome.FORWARDED : inFlight.size(issuer) >= config.maxInFlight();
        // Every forward keeps room in its issuer's share of the advice queue for the 0420 it may owe (a time-out, an
        // approval for a terminal gone or for a request reversed meanwhile): without it the switch could not undo what
        // the issuer may approve, so the request is not sent (91; nor stood in, whose 0220 would need the same room).
        // The share is the issuer's own: another issuer's outage never takes it. Live only, as the quota above. A
        // balance inquiry owes no 0420, so needs no room: an issuer's full share does not stop its cardholders' balances.
        final boolean inquiry = transactions.inquiry(current);
        final boolean noAdviceRoom = journaled == null && !saturated && !inquiry && !advices.hasRoom(issuer);
        final int link = saturated || noAdviceRoom ? -1 : pickLink(issuer);
        if (link < 0)
        {
            if (journaled == Outcome.ANSWERED)
            {
                answer(event, request, ResponseCode.ISSUER_INOPERATIVE); // as standInOrDecline declines, or a full table
                return;
            }
            if (saturated && journaled == null)
            {
                issuerSaturated(issuer, now);
            }
            if (noAdviceRoom)
            {
                adviceShareFull(issuer, now);
            }
            standInOrDecline(event, request, session, issuer, processing, amount, mcc, now);
            return;
        }
        final int stanBefore = stanSequence;
        final int roundsBefore = stanRounds;
        final int stan = recordedStan(event, Outcome.FORWARDED);
        final long timeOut = journaledTimeOut(event, config.timeoutNanos());
        final int entry = inFlight.add(issuer, link, stan, issuerMti, now + timeOut, current, event.linkId(),
            event.dialectId(), event.frame(), event.headerLength(), event.messageLength());
        transactions.inFlight(current, entry);
        if (entry == InFlight.NONE)
        {
            // Table full (the issuer is far behind) or a request too large to keep: answering now beats
            // forwarding something whose answer could not be matched. Its STAN went nowhere, and replay, which answers
            // it 91 from the journal's verdict, takes none: the sequence goes on as before it, or the next sign-on's
            // or echo's STAN would differ in replay. One the journal forwarded (the table sized smaller since) keeps the
            // STAN the issuer has, and the sequence carries on from it, as recordedStan has it.
            if (event.recorded() == null)
            {
                stanSequence = stanBefore;
                stanRounds = roundsBefore;
            }
            answer(event, request, ResponseCode.ISSUER_INOPERATIVE);
            return;
        }
        if (!inquiry)
        {
            keepRoom(entry);
        }
        session.awaiting++;
        lastRrn = Rrn.NONE;
        forward(event, request, session, issuer, link, stan, mcc, now);
        inFlight.rrn(entry, lastRrn);
        if (voidedSale != Transactions.NONE)
        {
            transactions.voids(current, voidedSale);
        }
        decide(event, null, Outcome.FORWARDED, issuer, stan);
        final JournalRecord recorded = event.recorded();
        if (recorded == null || recorded.decisionLength() >= Decision.FORWARD_LENGTH)
        {
            event.decisionLength(Decision.writeTimeOut(event.decision(), timeOut));
        }
    }

    /**
     * What is wrong with a UnionPay POS void (0200, processing 20, 60.1 = 23, or 21 for a completion's), or null, with the
     * sale it takes back in {@link #namedSale}. Forwarded, the issuer gets a refund that names nothing (no field 90), and
     * the batch totals take a sale out of the batch: the switch is the one that can tell whether 61 (the sale's batch
     * and STAN, n6 n6) names a sale that stands. 30: no 61. 25: none of the terminal's (another terminal's sale is not
     * found under this one's key). 12: not an approved debit that stands in the terminal's open batch, its card the
     * void's (declined, still with its issuer, reversed, voided already, a refund, of another batch or one settled, a
     * completion for a sale's void or a sale for a completion void). 13: not the sale's amount or currency (a POS void
     * takes back the whole sale). A sale the duplicate history has forgotten is checked against what {@link KeptSales}
     * kept of it (limits.pos-sales); beyond that, 25.
     */
    private String voidRefusal(final MessageReader request, final AcquirerSession session, final int terminal, final long amount, final int currency)
    {
        namedSale = Transactions.NONE;
        if (!request.has(61) || digits(request, 61, 0, 12) < 0)
        {
            return ResponseCode.FORMAT_ERROR;
        }
        final int sale = originalOf(request, session);
        if (sale == Transactions.NONE)
        {
            return keptSaleVoidRefusal(request, session, terminal, amount, currency);
        }
        if (transactions.terminal(sale) != terminal || transactions.credit(sale) || transactions.state(sale) != Transactions.ANSWERED ||
            !transactions.approved(sale) || transactions.voided(sale) || transactions.posBatch(sale) != batchNumber(request) || !inCountedBatch(sale) ||
            transactions.card(sale) != transactions.card(current) || transactions.isCompletion(sale) != completionVoid(request))
        {
            return ResponseCode.INVALID_TRANSACTION;
        }
        if (transactions.amount(sale) != amount || transactions.currency(sale) != currency)
        {
            return ResponseCode.INVALID_AMOUNT;
        }
        namedSale = sale;
        return null;
    }

    /**
     * {@link #voidRefusal} of a void whose sale the history has forgotten, checked against what {@link KeptSales} kept
     * of it: 25 when that is nothing either.
     */
    private String keptSaleVoidRefusal(
        final MessageReader request, final AcquirerSession session, final int terminal, final long amount, final int currency)
    {
        final int kept = transactions.keptSale(session.endpoint, FixedKey.high(request, 41), FixedKey.low(request, 41), originalStan,
            originalTransmission);
        if (kept == KeptSales.NONE)
        {
            return ResponseCode.ORIGINAL_NOT_FOUND;
        }
        final KeptSales sales = transactions.keptSales();
        // The round as well as the batch number: a terminal set up again counts a batch 1 again, and the sale kept of the
        // batch 1 that settled before it is not the open one's to take back.
        if (sales.terminal(kept) != terminal || sales.isVoid(kept) || sales.voided(kept) || sales.isReversed(kept) || sales.credit(kept) ||
            sales.batch(kept) != batchNumber(request) || sales.batch(kept) != countedBatches[terminal] || sales.round(kept) != batchRounds[terminal] ||
            sales.card(kept) != transactions.card(current) || sales.completion(kept) != completionVoid(request))
        {
            return ResponseCode.INVALID_TRANSACTION;
        }
        if (sales.amount(kept) != amount || sales.currency(kept) != currency)
        {
            return ResponseCode.INVALID_AMOUNT;
        }
        namedSale = Transactions.keptRef(kept);
        return null;
    }

    /**
     * A void's refusal: live, {@code refusedNow}; in replay the journal's (25, 12, 13 or 30 answered, else none), since
     * the history it is checked against may have been sized otherwise since, or the journal made by a switch that did
     * not check voids: one forwarded then must go in flight again, for its answer to match.
     */
    private static String journaledVoidRefusal(final SwitchEvent event, final String refusedNow)
    {
        final JournalRecord recorded = event.recorded();
        if (recorded == null || recorded.decisionLength() < Decision.LENGTH)
        {
            return refusedNow;
        }
        final int at = recorded.decisionOffset();
        for (final String code : VOID_REFUSALS)
        {
            if (Decision.answered(recorded.buffer(), at, code))
            {
                return code;
            }
        }
        return null;
    }

    /**
     * Whether a request for an issuer (0100, 0200; not an acquirer's advice, whose answer is the switch's own) waited
     * longer than limits.request-deadline between its link reading it and the switch taking it up (DESIGN.md §2). Asked
     * after duplicate detection, so that an exact retransmission still gets its original answer. In replay the journal's
     * verdict stands, as the deadline may have been changed since: a request refused then must not go in flight now, to
     * time out and be reversed at an issuer that never had it, nor one forwarded then be forgotten while its answer is
     * still to come. Replay has the journal's wait all the same ({@link JournalRecord#waitMicros}), journaled again with it.
     */
    private boolean pastDeadline(final SwitchEvent event, final int mti)
    {
        if (mti != Mti.FINANCIAL_REQUEST && mti != Mti.AUTHORIZATION_REQUEST)
        {
            return false;
        }
        final Outcome journaled = journaledOutcome(event);
        return journaled != null ? journaled == Outcome.PAST_DEADLINE : event.waitMicros() * 1_000L > limits.requestDeadlineNanos();
    }

    /**
     * 91 for a request that waited past limits.request-deadline: its terminal has given up on it and will reverse it, so
     * it does not go to its issuer to be approved after all. Forgotten, as {@link #answerTryAgain} forgets, so that the
     * terminal's next try is taken as new; counted, and logged at most once a minute (event time), without the card.
     */
    private void answerPastDeadline(final SwitchEvent event, final MessageReader request, final long now)
    {
        answer(event, request, ResponseCode.ISSUER_INOPERATIVE, Outcome.PAST_DEADLINE);
        if (current != Transactions.NONE)
        {
            transactions.forget(current);
            current = Transactions.NONE;
        }
        requestsPastDeadline.lazySet(requestsPastDeadline.get() + 1);
        // Said when it happened; a replay (recovery, journal verify) says it again only in the count.
        if (!replaying && (pastDeadlineLoggedAt == Long.MIN_VALUE || now - pastDeadlineLoggedAt >= HISTORY_EXPECTED_NANOS))
        {
            pastDeadlineLoggedAt = now;
            LOG.warn("a request on listener {} waited {} ms before the switch could take it up, past limits.request-deadline ({} ms): answered 91, " +
                "not forwarded; {} since start. The switch is falling behind: a slow HSM, a disk or GC stall, or the ring full",
                setup.acquirers().get(event.endpoint()).name(), event.waitMicros() / 1_000, limits.requestDeadlineNanos() / 1_000_000L,
                requestsPastDeadline.get());
        }
    }

    /**
     * Duplicate detection (DESIGN.md §4, §5) on (acquirer, terminal, STAN, field 7) within the business day: an exact
     * retransmission gets the original answer again (or, while the original is still with the issuer, nothing: its
     * answer is on the way); the same key with other content, or a field 7 outside the accepted window, gets 94.
     * Content is what the journal keeps of a request ({@link RequestContent}), so that after a restart, the requests
     * recovered from the journal without their track data and PIN blocks, it compares the same. A request that is not
     * a duplicate is remembered ({@link #current}) and its answer kept when it is given.
     */
    private boolean duplicate(final SwitchEvent event, final MessageReader request, final AcquirerSession session, final long now)
    {
        final long transmission;
        if (request.has(7))
        {
            transmission = request.getLong(7);
            final long sent = EventClock.transmissionNanos(now, transmission);
            if (sent == Long.MIN_VALUE)
            {
                answer(event, request, ResponseCode.FORMAT_ERROR);
                return true;
            }
            // In replay the journal's verdict stands, as the window may have been changed since: a request forwarded then
            // and answered 94 now would leave its approval out of its terminal's batch and its reversal answered 25.
            if (refuses(event, ResponseCode.DUPLICATE, Math.abs(now - sent) > limits.duplicateWindowNanos()))
            {
                answer(event, request, ResponseCode.DUPLICATE);
                return true;
            }
        }
        else
        {
            transmission = batchNumber(request);
            if (transmission < 0)
            {
                answer(event, request, ResponseCode.FORMAT_ERROR);
                return true;
            }
        }
        if (request.units(41) > FixedKey.MAX_LENGTH)
        {
            answer(event, request, ResponseCode.FORMAT_ERROR);
            return true;
        }
        final long terminalHigh = FixedKey.high(request, 41);
        final long terminalLow = FixedKey.low(request, 41);
        final int stan = (int)request.getLong(11);
        final long hash = content.hash(event.dialectId(), request, pan, panDigits, panField != 2);
        // The card's slot in the per-minute table is read much later (the frequency limit), and missed in the caches then:
        // reading it here, beside the history's look-up, lets the two misses overlap.
        cardLinesTouched += cardMinutes.touch(cardKey());
        final int known = transactions.find(session.endpoint, terminalHigh, terminalLow, stan, transmission);
        if (known == Transactions.NONE && request.has(7) &&
            refuses(event, ResponseCode.DUPLICATE, transactions.forgotten(session.endpoint, terminalHigh, terminalLow, stan, transmission)))
        {
            // Made before, and forgotten but for its key: a retransmission whose answer is gone, or other content. Either
            // way not new, and never forwarded a second time. In replay the journal's verdict stands: limits.duplicate-keys
            // may have been changed since, or a build kept keys otherwise (a reversed key took two places until e30b6bd).
            answer(event, request, ResponseCode.DUPLICATE);
            return true;
        }
        if (known == Transactions.NONE && !request.has(7) && keptAgain(event, request, session, terminalHigh, terminalLow, stan, transmission, hash))
        {
            return true;
        }
        if (known == Transactions.NONE)
        {
            current = transactions.add(session.endpoint, terminalHigh, terminalLow, stan, transmission, request.has(7),
                Mti.messageClass(request.mti()) == 1, hash, now, advices);
            final long evicted = transactions.evictedAddedAt();
            if (evicted != Long.MIN_VALUE && now - evicted < HISTORY_EXPECTED_NANOS)
            {
                historyTooShort(now, evicted);
            }
            return false;
        }
        if (transactions.requestHash(known) != hash)
        {
            answer(event, request, ResponseCode.DUPLICATE);
            return true;
        }
        final int length = transactions.answerLength(known);
        final byte state = transactions.state(known);
        if (length == 0 && !transactions.withIssuer(known) &&
            (state == Transactions.REVERSED || state == Transactions.ANSWERED && !transactions.approved(known)))
        {
            // Over, with no answer kept (its terminal had gone, or it was reversed) and not approved: the terminal
            // asking again is told so rather than left to time out. One still with its issuer waits for the answer.
            final int offset = beginAnswer(event);
            final MessageWriter writer = writers[event.dialectId()].wrap(event.output(), offset + event.headerLength());
            event.endOutput(mac(event.linkId(), request, event.output(), offset + event.headerLength(),
                financialEcho.respond(request, writer, ResponseCode.ISSUER_INOPERATIVE)), false);
            decide(event, null, Outcome.RETRANSMITTED, transactions.issuer(known), 0);
            return true;
        }
        if (length == 0)
        {
            // Still with the issuer (its answer will come), or approved with an answer too large to keep: the
            // terminal's time-out and reversal take care of the last. A terminal that reconnected and asks again on its
            // new link gets the answer there: the link it first asked on is gone, or no longer the one it listens to.
            final int entry = transactions.inFlightEntry(known);
            if (entry != Transactions.NONE && inFlight.acquirerLink(entry) != event.linkId())
            {
                final int before = inFlight.acquirerLink(entry);
                inFlight.reroute(entry, event.linkId(), event.frame(), event.headerLength());
                session.awaiting++;
                final AcquirerSession left = acquirerSessions.get(before);
                if (answeredLast(left))
                {
                    // The link it came on first has finished sending and was waiting for this answer alone.
                    event.beginOutput(before, event.dialectId(), 0);
                    event.endOutput(0, true);
                }
            }
            decide(event, null, Outcome.RETRANSMITTED, -1, 0);
            return true;
        }
        final int offset = beginAnswer(event);
        event.output().putBytes(offset + event.headerLength(), transactions.answers(), transactions.answerOffset(known), length);
        event.endOutput(remac(event.linkId(), request, event.output(), offset + event.headerLength(), length), false);
        decide(event, null, Outcome.RETRANSMITTED, transactions.issuer(known), 0);
        return true;
    }

    /**
     * A UnionPay POS request under the key of an approved sale, completion or refund the history has forgotten
     * ({@link KeptSales}), in its terminal's batch still open, or of an approved pre-authorization the history has
     * forgotten, on its card, while its terminal is in its batch ({@link #holdOpen}): not new, and never forwarded a
     * second time, which would charge the card twice (credit a refund twice, or hold the cardholder's funds twice).
     * The same content gets the original answer again (DESIGN.md §4), made again from the request's echo and the RRN,
     * authorization code and response code kept, its MAC with the terminal's key of now; other content, or one whose
     * answer carried more than that (an issuer's chip data, 55), gets 94, as a key with a field 7 the history has forgotten
     * does. A key of a batch that has closed (settled, set aside for its upload, or left behind) is a new request's: a
     * terminal's (STAN, batch) comes again once it is set up again; so is another card's under a hold's key, which no
     * terminal sending its request again would send. A declined or reversed sale is not kept (nor one reversed once
     * kept), nor does a hold released answer, and is forwarded as new: at most one of the two is approved (or holds). In
     * replay the journal's verdict stands, as limits.pos-sales, pre-authorizations or duplicate-history may have been
     * changed since, or the journal made by a switch that forwarded such a request: decided again, the issuer's answer to
     * it would find nothing in flight, and its approval would be missing from the batch.
     */
    private boolean keptAgain(
        final SwitchEvent event, final MessageReader request, final AcquirerSession session, final long terminalHigh, final long terminalLow,
        final int stan, final long batch, final long hash)
    {
        final KeptSales sales = transactions.keptSales();
        final int sale = transactions.keptSale(session.endpoint, terminalHigh, terminalLow, stan, batch);
        // One its terminal has reversed since no longer stands: sent again, it is new, as a sale reversed before the history
        // forgot it is, and at most one of the two is approved.
        final boolean saleOpen = sale != KeptSales.NONE && sales.batch(sale) == countedBatches[sales.terminal(sale)] &&
            sales.round(sale) == batchRounds[sales.terminal(sale)] && !sales.isReversed(sale);
        final PreAuthorizations holds = transactions.preAuthorizations();
        final int hold = saleOpen ? PreAuthorizations.NONE :
            transactions.forgottenHold(session.endpoint, terminalHigh, terminalLow, stan, batch, PreAuthorizations.card(pan, panDigits));
        final boolean open = saleOpen || hold != PreAuthorizations.NONE && holdOpen(holds, hold);
        final Outcome journaled = journaledOutcome(event);
        final boolean again = journaled == Outcome.RETRANSMITTED;
        if (!(journaled != null ? again || refuses(event, ResponseCode.DUPLICATE, false) : open))
        {
            return false;
        }
        final KeptAnswers answers = saleOpen ? sales.answers() : holds.answers();
        final int kept = saleOpen ? sale : hold;
        // In replay a kept hold the journal answered from is answered from again, open now or not: the builds of fdee828
        // kept a hold of a batch before the counted one open, as this one does not. (A kept sale not open now is not
        // looked at here: its openness replays as it was.)
        if ((journaled != null ? kept == PreAuthorizations.NONE : !open) || !answers.kept(kept) ||
            (journaled != null ? !again : (saleOpen ? sales.requestHash(kept) : holds.requestHash(kept)) != hash))
        {
            answer(event, request, ResponseCode.DUPLICATE);
            return true;
        }
        final int offset = beginAnswer(event);
        final MessageWriter writer = writers[event.dialectId()].wrap(event.output(), offset + event.headerLength());
        financialEcho.begin(request, writer);
        if (answers.answered(kept, KeptAnswers.RRN) && !request.has(KeptAnswers.RRN))
        {
            keptField(answers, kept, KeptAnswers.RRN);
        }
        if (answers.answered(kept, KeptAnswers.AUTHORIZATION_CODE))
        {
            keptField(answers, kept, KeptAnswers.AUTHORIZATION_CODE);
        }
        keptField(answers, kept, KeptAnswers.RESPONSE_CODE);
        event.endOutput(mac(event.linkId(), request, event.output(), offset + event.headerLength(), financialEcho.finish()), false);
        decide(event, null, Outcome.RETRANSMITTED, -1, 0);
        return true;
    }

    /**
     * Whether a kept hold answers for its key ({@link PreAuthorizations#answersFor}) while its terminal is still in its
     * batch. A hold counts in no batch, so its batch is open while its terminal has closed none since the
     * pre-authorization ({@link PreAuthorizations#round}) and its totals count that batch or none: a terminal's
     * (STAN, batch) comes again only once it has gone on to another (its 0500, a sale in another batch), and a new
     * pre-authorization under it then must go to its issuer.
     */
    private boolean holdOpen(final PreAuthorizations holds, final int hold)
    {
        if (!holds.answersFor(hold))
        {
            return false;
        }
        final int terminal = holds.terminal(hold);
        final int closed = closedBatches[terminal];
        final long counted = countedBatches[terminal];
        final long batch = holds.batch(hold);
        // Its batch taken up by the totals, or none taken up since the batch before it closed; or, made before the totals
        // took its batch up (the first of it, the batch before neither settled nor left behind yet), nothing closed since.
        return closed == holds.round(hold) && (counted < 0 || counted == batch) || closed == holds.round(hold) - 1 && counted >= 0 && counted != batch;
    }

    /**
     * The count of the terminal's closed batches ({@link #closedBatches}) while a UnionPay POS hold made now in {@code batch}
     * is in its open batch, once its totals have taken that batch up: the count of now, or one more when they count
     * an earlier batch, which the first sale of the hold's batch leaves behind (or its 0500 settles). A pre-authorization is
     * often the first of a batch (a hotel's check-in before any sale); counted from now alone, the batch it opened closed
     * the moment it was taken up, and its hold answered for its key in none: sent again once the history forgot it, it
     * went to its issuer as new and held the cardholder's funds a second time.
     */
    private int holdRound(final int terminal, final long batch)
    {
        final long counted = countedBatches[terminal];
        // Only a batch after the one counted is taken up next: one before it (a terminal set up again, its numbers from 1
        // again while an old batch is still counted) may never be, and its 0500s close nothing, so the hold would answer
        // for its key across any number of set-ups; it answers for it only once its batch is counted, as before.
        return closedBatches[terminal] + (counted >= 0 && counted != batch && !olderThanCounted(terminal, batch) ? 1 : 0);
    }

    private void keptField(final KeptAnswers answers, final int kept, final int field)
    {
        financialEcho.putText(field, answers.fields(), answers.fieldOffset(kept, field), KeptAnswers.fieldLength(field));
    }

    /**
     * A kept answer sent again: its MAC, when it had one, made again with the key the acquirer holds now, which a key
     * change or a sign-on since may have replaced; an answer kept without one goes as it was. Returns the length.
     */
    private int remac(final int link, final MessageReader request, final MutableDirectBuffer out, final int offset, final int length)
    {
        final Dialect dialect = request.dialect();
        if (dialect.bitmapEncoding() != ValueEncoding.BINARY || length < dialect.mtiLength() + 8 + Hsm.MAC_LENGTH)
        {
            return length;
        }
        final int bitmap = offset + dialect.mtiLength();
        final int lastByte = bitmap + ((out.getByte(bitmap) & 0x80) != 0 ? 15 : 7);
        if ((out.getByte(lastByte) & 0x01) == 0)
        {
            return length;
        }
        out.putByte(lastByte, (byte)(out.getByte(lastByte) & 0xFE));
        final int unmaced = length - Hsm.MAC_LENGTH;
        final int maced = mac(link, request, out, offset, unmaced);
        if (maced == unmaced)
        {
            // No key to MAC with now: the answer goes as it was kept rather than stripped.
            out.putByte(lastByte, (byte)(out.getByte(lastByte) | 0x01));
            return length;
        }
        return maced;
    }

    /**
     * An acquirer's reversal (0400, or 0420 advice, and their repeats) of the request named in field 90, or a UnionPay
     * POS pre-authorization void (0100, 60.1 = 11) of the hold its 61 names, which the issuer releases as it would on
     * the hold's reversal ({@link PosTransaction}). Found and
     * approved by its issuer: a reversal advice goes to the issuer, store and forward. Still with the issuer: it is
     * marked, and reversed when the approval comes. Declined, or a balance inquiry: nothing to undo. Any of these is answered 00; an
     * original the switch does not know is answered 25, acknowledged all the same so the acquirer stops repeating. An
     * original reversed already is answered 00 again, and so it is once the history has forgotten all but its key.
     */
    private void reverse(final SwitchEvent event, final MessageReader request, final AcquirerSession session)
    {
        for (final int field : request.dialect().defines(7) ? REVERSAL_MANDATORY : POS_REVERSAL_MANDATORY)
        {
            if (!request.has(field))
            {
                answer(event, request, ResponseCode.FORMAT_ERROR);
                return;
            }
        }
        if ((request.has(90) && request.units(90) < 20) || request.units(41) > FixedKey.MAX_LENGTH)
        {
            answer(event, request, ResponseCode.FORMAT_ERROR);
            return;
        }
        final long actualAmount = replacementAmount(request);
        if (actualAmount != 0)
        {
            // A partial reversal: field 95's actual amount leaves part of the transaction standing. The batch totals, the
            // 0420 to the issuer and clearing reverse whole transactions only, so it is refused as unsupported (DESIGN.md
            // §5) rather than taken as a full reversal, which would give the cardholder back what they spent.
            answer(event, request, actualAmount < 0 ? ResponseCode.FORMAT_ERROR : ResponseCode.INVALID_TRANSACTION);
            return;
        }
        // A pre-authorization void names a hold: a sale under its key is not it (a terminal set up again starts its STANs
        // over, and the hold it means is kept beyond the history), and reversed, its card would get back what its batch holds.
        final int named = originalOf(request, session);
        final int original = named != Transactions.NONE && PosTransaction.preAuthVoid(request) && !transactions.authorization(named) ?
            Transactions.NONE : named;
        if (original == Transactions.NONE)
        {
            // Its 0420 is built from the reversal's card number and amount: without them (a swipe's reversal) it is 25. A
            // UnionPay POS pre-authorization void is made with the card, whose number a swipe gives in track 2.
            final int hold = (request.has(2) || PosTransaction.preAuthVoid(request)) && request.has(4) && reversesPreAuthorization(request) &&
                findPan(event, request) &&
                panValid() && originalKey(request) ? transactions.forgottenHold(session.endpoint,
                FixedKey.high(request, 41), FixedKey.low(request, 41), originalStan, originalTransmission,
                PreAuthorizations.card(pan, panDigits)) : PreAuthorizations.NONE;
            if (hold != PreAuthorizations.NONE)
            {
                reverseHold(event, request, session, hold);
            }
            else if (!reverseKeptSale(event, request, session))
            {
                // A repeat (0401, 0421) of a reversal the switch acknowledged, the original reversed and forgotten since: 00
                // again, nothing more to do, as while the history held it. In replay the journal's verdict stands, as
                // limits.duplicate-keys may have been changed since.
                final boolean reversedBefore = originalKey(request) && transactions.forgottenReversed(session.endpoint,
                    FixedKey.high(request, 41), FixedKey.low(request, 41), originalStan, originalTransmission);
                answer(event, request, refuses(event, ResponseCode.ORIGINAL_NOT_FOUND, !reversedBefore) ?
                    ResponseCode.ORIGINAL_NOT_FOUND : ResponseCode.APPROVED);
            }
            return;
        }
        if (refuses(event, ResponseCode.ORIGINAL_NOT_FOUND, namesAnAuthorizationItIsNot(request, original)))
        {
            // Field 90 names a hold (an 0100) where the history holds a sale under its key: not the original it means.
            // Reversed, the card would get back a sale the acquirer never asked about, which its books still settle. 25, as
            // for any original the switch does not know; in replay the journal's verdict stands, as a journal of a switch
            // that did not look at the class reversed it.
            answer(event, request, ResponseCode.ORIGINAL_NOT_FOUND);
            return;
        }
        if (transactions.voided(original))
        {
            // A UnionPay POS sale whose void stands, or is with its issuer: the void gives the money back, and a reversal
            // as well would give it twice (and take the sale out of the batch twice). 12, nothing reversed; a terminal
            // that means it reverses the void first.
            answer(event, request, ResponseCode.INVALID_TRANSACTION);
            return;
        }
        if (refuses(event, ResponseCode.INVALID_TRANSACTION, transactions.state(original) == Transactions.ANSWERED && transactions.approved(original) &&
            transactions.holdTakenSince(original)))
        {
            // A UnionPay POS completion void gave its hold back, and another completion has taken the hold since: reversed,
            // the void would make its completion stand again beside that one, the card charged for both. 12, nothing
            // reversed; a terminal that means it voids the other completion first. In replay the journal's verdict stands,
            // as the history that tells may have been sized otherwise since.
            answer(event, request, ResponseCode.INVALID_TRANSACTION);
            return;
        }
        if (transactions.counted(original) && (request.has(4) && request.getLong(4) != transactions.amount(original) ||
            request.has(49) && number(request, 49) != transactions.currency(original)))
        {
            // Not the original's amount or currency, and no field 95 to make it a partial reversal: the acquirer means
            // something other than the transaction it names. Nothing is reversed; 13, so that it is looked into rather
            // than the whole original undone on a guess.
            answer(event, request, ResponseCode.INVALID_AMOUNT);
            return;
        }
        final byte state = transactions.state(original);
        // A balance inquiry moved and held nothing: its issuer has nothing to undo, and an 0420 would ask it to undo an
        // amount of 0 (clearing books nothing for it either). Acknowledged and marked reversed, so a late approval of
        // one still with its issuer is not passed on as undone either.
        final boolean inquiry = transactions.inquiry(original);
        // A repeat of a reversal acknowledged while its original is with its issuer owes nothing the first did not: 00
        // again, not a 96 that tells the acquirer it was not reversed when it was.
        final int inFlightEntry = transactions.inFlightEntry(original);
        final boolean approvalToCome = inFlightEntry != Transactions.NONE && state != Transactions.REVERSED && !inquiry;
        final int originalIssuer = transactions.issuer(original);
        final boolean noRoom = state == Transactions.ANSWERED && transactions.approved(original) && !inquiry ? !advices.hasRoom(originalIssuer) :
            approvalToCome && !inFlight.roomKept(inFlightEntry) && !advices.hasRoom(originalIssuer);
        // In replay the journal's verdict stands, as the queue's capacity may have been changed since.
        if (refuses(event, ResponseCode.SYSTEM_MALFUNCTION, noRoom))
        {
            // Its 0420 could not be queued (or, with the original still at its issuer, that of an approval to come):
            // acknowledged, the reversal would never reach the issuer. 96, nothing reversed, so the acquirer sends it
            // again (DESIGN.md §5: the switch's own failure).
            answerTryAgain(event, request);
            return;
        }
        if (state == Transactions.ANSWERED && transactions.approved(original) && transactions.terminal(original) >= 0 && inCountedBatch(original))
        {
            if (transactions.voidOfDebit(original))
            {
                // A POS void reversed: the sale it had taken out of the batch is back in it.
                totals.unreversed(transactions.terminal(original), false, transactions.amount(original), transactions.foreign(original));
            }
            else
            {
                totals.reversed(transactions.terminal(original), transactions.credit(original), transactions.amount(original),
                    transactions.foreign(original));
            }
        }
        transactions.state(original, Transactions.REVERSED);
        final CharSequence reason = reversalReason(request);
        final boolean undoesApproval = state == Transactions.ANSWERED && transactions.approved(original) && !inquiry;
        if (undoesApproval)
        {
            queueAdvice(Mti.REVERSAL_ADVICE, transactions.forwardedMessages(), transactions.forwardedOffset(original),
                transactions.forwardedLength(original), original, PreAuthorizations.NONE, null, reason, request, transactions.issuer(original),
                event.timestampNanos());
        }
        else if (inFlightEntry != Transactions.NONE)
        {
            transactions.reversalReason(original, reason.charAt(0), reason.charAt(1));
            if (!inquiry)
            {
                // Acknowledged now, its 0420 is owed when the approval comes. Its forward kept the room for it; not so
                // in a replay whose issuer's share is smaller now than when the journal was written, where it is kept
                // from now on if there is room again, else advices queued meanwhile could fill the share, the 0420 be
                // lost and the issuer keep an approval the acquirer was told is reversed.
                keepRoom(inFlightEntry);
            }
        }
        answer(event, request, ResponseCode.APPROVED);
        if (undoesApproval && transactions.counted(original))
        {
            // It undid money (a sale, cash, a refund, a completion: what the batch totals count; not a hold): the
            // decision names the issuer told and what it was told, the original's amount, currency and direction as
            // the switch recorded them. Clearing books it back from there, on the reversal's own day when the
            // original settled on an earlier one (DayReader), whatever the reversal's own fields say.
            decide(event, ResponseCode.APPROVED, Outcome.ANSWERED, transactions.issuer(original), 0);
            event.decisionLength(Decision.writeReversal(event.decision(), transactions.amount(original), transactions.currency(original),
                transactions.credit(original)));
        }
    }

    /**
     * Whether a reversal says it undoes a pre-authorization: field 90's MTI of class 1, a UnionPay POS reversal of a
     * pre-authorization (60.1 = 10), or a POS pre-authorization void (an 0100, 60.1 = 11; an 0400 of one undoes the
     * void, not the hold). A POS key (terminal, STAN, batch) comes again when a terminal set up again starts
     * its STANs over: a reversal of a sale must not release a hold that happens to have its key.
     */
    private static boolean reversesPreAuthorization(final MessageReader request)
    {
        if (request.has(90))
        {
            return request.charAt(90, 0) == '0' && request.charAt(90, 1) == '1';
        }
        final long type = request.has(60) && request.units(60) >= 2 ? digits(request, 60, 0, 2) : -1;
        return type == Field60.TYPE_PRE_AUTH || type == Field60.TYPE_PRE_AUTH_VOID && request.mti() == Mti.AUTHORIZATION_REQUEST;
    }

    /**
     * The reversal of a pre-authorization the duplicate history has forgotten (a hotel's or car hire's hold let go
     * hours or days later): the issuer gets an 0420 that names the hold as it got it ({@link PreAuthorizations}), built
     * from what the reversal says of the card, the amount and the acceptor, so that it releases the hold; it was
     * answered 25, and the cardholder's funds stayed held until the issuer let the hold lapse. A hold moves no money:
     * the batch totals and clearing have nothing to undo. Once reversed, it is not passed on again.
     */
    private void reverseHold(final SwitchEvent event, final MessageReader request, final AcquirerSession session, final int hold)
    {
        final PreAuthorizations holds = transactions.preAuthorizations();
        if (holds.isReversed(hold))
        {
            answer(event, request, ResponseCode.APPROVED);
            return;
        }
        // In replay the journal's verdict stands, as the issuer's share of the queue may have shrunk since (an issuer
        // added, limits.advice-queue lowered): an 0420 the issuer got must be owed again, however little room is left.
        if (refuses(event, ResponseCode.SYSTEM_MALFUNCTION, !advices.hasRoom(holds.issuer(hold))))
        {
            answerTryAgain(event, request);
            return;
        }
        final int length = reversalBasis(request, session, true, -1, -1, holds.rrnPrefix(hold), holds.switchStan(hold));
        queueAdvice(Mti.REVERSAL_ADVICE, basisScratch, 0, length, Transactions.NONE, hold, null, reversalReason(request), request,
            holds.issuer(hold), event.timestampNanos());
        holds.reversed(hold);
        answer(event, request, ResponseCode.APPROVED);
    }

    /**
     * A UnionPay POS reversal (0400, 0401) of an approved sale, completion or refund the history has forgotten, which
     * {@link KeptSales} keeps (limits.pos-sales), of its terminal's batch still open: the terminal sends it for a sale
     * whose answer it never got, often only before its next transaction, minutes or hours later, and believes the sale
     * undone. It was answered 25 and its issuer never told, the card left charged (a refund's credited) and the batch
     * parted from the terminal's. Now it is reversed as one the history holds is: 00, taken out of the batch totals, and
     * an 0420 to the issuer that names it as the issuer got it (field 90: the switch's MTI, STAN and field 7; its RRN),
     * built, as a forgotten hold's is ({@link #reverseHold}), from the reversal's card, which must be the sale's: a
     * reversal without a card number (its 0420 could not name the card) or of another card's is not of this sale, 25.
     * Once reversed it stays so: a repeat is 00 again and tells the issuer nothing more, a void of it is 12, and the sale
     * sent again is forwarded as new, as one reversed before the history forgot it is. A kept void ({@link KeptSales#keptVoid})
     * reversed (0400 naming the void's own STAN and batch, sent for a void whose answer its terminal never got) is undone
     * as one the history holds: its sale back in the batch totals and, while kept, voided no longer (a void or reversal
     * of it allowed again), and the 0420 names the void as its issuer got it, which gives the refund back; it was 25,
     * the cardholder keeping the refund while the terminal's batch counted the sale. False, for the reversal to be
     * answered as one of an unknown original, when none is kept under its key, or its batch has closed (settled, left
     * behind: a terminal's STAN and batch come again), or in replay where the journal answered 25: a journal from before
     * this change replays as it was.
     */
    private boolean reverseKeptSale(final SwitchEvent event, final MessageReader request, final AcquirerSession session)
    {
        if (request.dialect().defines(7) || reversesPreAuthorization(request) || !originalKey(request))
        {
            return false;
        }
        final KeptSales sales = transactions.keptSales();
        final int kept = transactions.keptSale(session.endpoint, FixedKey.high(request, 41), FixedKey.low(request, 41), originalStan,
            originalTransmission);
        final boolean found = kept != KeptSales.NONE && sales.batch(kept) == countedBatches[sales.terminal(kept)] &&
            sales.round(kept) == batchRounds[sales.terminal(kept)] && sales.issuerKnown(kept) && findPan(event, request) && panValid() &&
            PreAuthorizations.card(pan, panDigits) == sales.card(kept);
        if (refuses(event, ResponseCode.ORIGINAL_NOT_FOUND, !found) || !found)
        {
            return false;
        }
        if (sales.isReversed(kept))
        {
            answer(event, request, ResponseCode.APPROVED);
            return true;
        }
        final boolean isVoid = sales.isVoid(kept);
        if (!isVoid && sales.voided(kept))
        {
            // Its void gives the money back: a reversal as well would give it twice, as for a sale the history holds.
            answer(event, request, ResponseCode.INVALID_TRANSACTION);
            return true;
        }
        if (request.has(4) && request.getLong(4) != sales.amount(kept) || request.has(49) && number(request, 49) != sales.currency(kept))
        {
            answer(event, request, ResponseCode.INVALID_AMOUNT);
            return true;
        }
        // A completion void whose hold another completion has taken since: as for one the history holds, 12. In replay the
        // journal's verdict stands, as the history that tells may have been sized otherwise since.
        if (isVoid && refuses(event, ResponseCode.INVALID_TRANSACTION, transactions.keptVoidHoldTakenSince(kept)))
        {
            answer(event, request, ResponseCode.INVALID_TRANSACTION);
            return true;
        }
        final int issuer = sales.issuer(kept);
        // In replay the journal's verdict stands, as the issuer's share of the queue may have shrunk since.
        if (refuses(event, ResponseCode.SYSTEM_MALFUNCTION, !advices.hasRoom(issuer)))
        {
            answerTryAgain(event, request);
            return true;
        }
        if (isVoid)
        {
            // As a void the history holds reversed: the sale it had taken out of the batch is back in it.
            totals.unreversed(sales.terminal(kept), false, sales.amount(kept), sales.foreign(kept));
        }
        else
        {
            totals.reversed(sales.terminal(kept), sales.credit(kept), sales.amount(kept), sales.foreign(kept));
        }
        final int length = reversalBasis(request, session, false, sales.amount(kept), sales.currency(kept), sales.rrnPrefix(kept),
            sales.switchStan(kept));
        queueAdvice(Mti.REVERSAL_ADVICE, basisScratch, 0, length, Transactions.keptRef(kept), PreAuthorizations.NONE, null, reversalReason(request),
            request, issuer, event.timestampNanos());
        if (isVoid)
        {
            transactions.keptVoidReversed(kept);
        }
        else
        {
            transactions.keptSaleReversed(kept);
        }
        answer(event, request, ResponseCode.APPROVED);
        // As for a reversal of an approval the history holds: clearing books it back from what the issuer was told.
        decide(event, ResponseCode.APPROVED, Outcome.ANSWERED, issuer, 0);
        event.decisionLength(Decision.writeReversal(event.decision(), sales.amount(kept), sales.currency(kept), sales.credit(kept)));
        return true;
    }

    /**
     * Into {@link #basisScratch}, what the 0420 of an original the history has forgotten is built from: the reversal's
     * card ({@link #pan}), processing code (a hold's coded 00, as every hold went to its issuer: not the 20 of a UnionPay
     * POS pre-authorization void, nor the 03 of the POS reversal of a pre-authorization), acceptor and times; the
     * original's amount and currency where given ({@code amount} and {@code currency} not -1), else the reversal's; and
     * the RRN the original went under, as an 0420 built from the history carries it: an issuer may key reversals by it.
     * Returns its length.
     */
    private int reversalBasis(
        final MessageReader request, final AcquirerSession session, final boolean hold, final long amount, final int currency, final int rrnPrefix,
        final int switchStan)
    {
        final int merchant = request.has(42) && request.units(42) <= FixedKey.MAX_LENGTH ?
            acceptors.merchant(FixedKey.high(request, 42), FixedKey.low(request, 42)) : -1;
        final MessageWriter writer = writers[issuerDialect].wrap(basisScratch, 0).mti(hold ? Mti.AUTHORIZATION_REQUEST : Mti.FINANCIAL_REQUEST);
        writer.putText(2, pan, 0, panDigits);
        if (hold && request.has(3))
        {
            putCodedAsHold(writer, request);
        }
        else
        {
            copy(request, writer, 3);
        }
        if (amount < 0)
        {
            copy(request, writer, 4);
        }
        else
        {
            writer.putLong(4, amount);
        }
        copy(request, writer, 12);
        copy(request, writer, 13);
        if (merchant >= 0)
        {
            writer.putLong(18, acceptors.mcc(merchant));
        }
        copy(request, writer, 22);
        copy(request, writer, 25);
        writer.putString(32, setup.acquirers().get(session.endpoint).acquirerId());
        if (rrnPrefix != Rrn.NO_PREFIX)
        {
            Rrn.put(scratch, 0, rrnPrefix, switchStan);
            writer.putText(37, scratch, 0, Rrn.LENGTH);
        }
        copy(request, writer, 41);
        copy(request, writer, 42);
        if (currency < 0)
        {
            copy(request, writer, 49);
        }
        else
        {
            putDigits(scratch, 0, currency, 3);
            writer.putText(49, scratch, 0, 3);
        }
        return writer.finish();
    }

    /**
     * Field 39 of the 0420 that passes an acquirer's reversal on: the reason its reversal gives (two letters or
     * digits), or {@link ResponseCode#CUSTOMER_CANCELLATION} when it gives none the issuer could read.
     */
    private CharSequence reversalReason(final MessageReader request)
    {
        if (request.has(39) && request.units(39) == 2 && alphanumeric(request.charAt(39, 0)) && alphanumeric(request.charAt(39, 1)))
        {
            reasonScratch.setLength(0);
            return reasonScratch.append((char)request.charAt(39, 0)).append((char)request.charAt(39, 1));
        }
        return ResponseCode.REVERSAL_UNSPECIFIED;
    }

    private static boolean alphanumeric(final byte c)
    {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    /**
     * A reversal's field 95 (replacement amounts), its first element: the transaction's actual amount, n12. 0 when the
     * field is absent or says 0 (the whole transaction reversed), -1 when it is not 12 digits.
     */
    private static long replacementAmount(final MessageReader request)
    {
        if (!request.has(REPLACEMENT_AMOUNTS))
        {
            return 0;
        }
        return request.units(REPLACEMENT_AMOUNTS) < 12 ? -1 : digits(request, REPLACEMENT_AMOUNTS, 0, 12);
    }

    // ---------------------------------------------------------------- terminal batch settlement

    /**
     * ISO 8583:1987 batch settlement (0500, DESIGN.md §4): the terminal's counts (74-77) and amounts (86-89), and its
     * net (97) when it sends one, against the switch's totals for its open batch. Equal: 0510 with 00. Not: 95 with
     * the switch's own figures in 74-77, 86-89 and 97, so the terminal can see where they part. Either way the batch
     * is closed and the next starts from zero; the decision says which, and by how much ({@link Decision}).
     */
    private void settle(final SwitchEvent event, final MessageReader request)
    {
        for (final int field : RECONCILIATION_MANDATORY)
        {
            if (!request.has(field))
            {
                answer(event, request, ResponseCode.FORMAT_ERROR);
                return;
            }
        }
        final int terminal = terminalOf(request);
        if (terminal < 0 && journaledSettlement(event))
        {
            return;
        }
        // In replay the journal's verdict on the terminal's status stands: one suspended or closed since settled then.
        if (terminal < 0 || refuses(event, ResponseCode.NOT_PERMITTED_TO_TERMINAL, !acceptors.terminalActive(terminal)))
        {
            answer(event, request, ResponseCode.NOT_PERMITTED_TO_TERMINAL);
            return;
        }
        for (int i = 0; i < BatchTotals.AMOUNTS; i++)
        {
            terminalFigures[i] = request.getLong(74 + i);
            terminalFigures[BatchTotals.AMOUNTS + i] = request.getLong(86 + i);
        }
        totals.figures(terminal, switchFigures);
        boolean balanced = subtract(terminalFigures, switchFigures, differences);
        balanced &= singleCurrency(event, request, terminal);
        final long net = totals.netAmount(terminal);
        if (request.has(97))
        {
            // x+n 16: C when the amount is owed to the acceptor, D when the acceptor owes it.
            final long amount = digits(request, 97, 1, 17);
            final int sign = request.charAt(97, 0);
            balanced &= amount >= 0 && (sign == 'C' || sign == 'D') && (sign == 'C' ? amount : -amount) == net;
        }
        final int offset = beginAnswer(event);
        final MessageWriter writer = writers[event.dialectId()].wrap(event.output(), offset + event.headerLength());
        final String code = balanced ? ResponseCode.APPROVED : ResponseCode.RECONCILE_ERROR;
        financialEcho.begin(request, writer).putString(39, code);
        if (!balanced)
        {
            for (int i = 0; i < BatchTotals.AMOUNTS; i++)
            {
                financialEcho.putLong(74 + i, switchFigures[i]);
            }
            for (int i = 0; i < BatchTotals.AMOUNTS; i++)
            {
                financialEcho.putLong(86 + i, switchFigures[BatchTotals.AMOUNTS + i]);
            }
            netSettlement.setLength(0);
            netSettlement.append(net < 0 ? 'D' : 'C');
            final long magnitude = Math.abs(net);
            for (long scale = 1_000_000_000_000_000L; scale > 0; scale /= 10)
            {
                netSettlement.append((char)('0' + magnitude / scale % 10));
            }
            financialEcho.putString(97, netSettlement);
        }
        final int length = mac(event.linkId(), request, event.output(), offset + event.headerLength(), financialEcho.finish());
        event.endOutput(length, false);
        rememberSettlement(event.dialectId(), terminal, request, event.output(), offset + event.headerLength(), length);
        final int batch = openBatches[terminal];
        openBatches[terminal] = batch % MAX_BATCH_NUMBER + 1;
        totals.reset(terminal);
        closeBatch(event, terminal, code, batch, balanced, 0, differences, 0);
    }

    /**
     * Whether the terminal's batch can be reconciled by its 0500 at all: sums of two currencies reconcile nothing, nor
     * does a batch settled in a currency other than its own (the 0500's field 49). Either is out of balance, ISO
     * 8583:1987's 95 or a UnionPay POS balance flag of 2 in both parts.
     */
    private boolean singleCurrency(final SwitchEvent event, final MessageReader request, final int terminal)
    {
        final int currency = totals.currency(terminal);
        if (totals.mixedCurrencies(terminal) || currency != 0 && request.has(49) && number(request, 49) != currency)
        {
            if (event.recorded() == null)
            {
                LOG.warn("0500 of terminal {}: its batch holds {}; out of balance", acceptors.terminalId(terminal),
                    totals.mixedCurrencies(terminal) ? "approvals in more than one currency" : "approvals in " + currency + ", not the 0500's field 49");
            }
            return false;
        }
        return true;
    }

    /**
     * UnionPay POS batch settlement (0500, 60.3 = 201): the terminal's debit and credit amounts and counts in field 48,
     * domestic and foreign cards ({@link SettlementTotals}), against the switch's open batch net of reversals (a POS
     * terminal's batch leaves voided and reversed sales out). Each part is compared with the switch's own for cards of
     * that origin (the BIN table's, {@link BatchTotals}) and gets its own balance flag, 1 in balance or 2 out, so a
     * foreign sale counted among the domestic ones is out of balance even though the sum agrees. Both in balance:
     * 0510 with flags 1, and the batch closes (the next is 60.2 + 1). Either out: the batch stays open while the
     * terminal uploads it ({@link #upload}). The differences journaled are over both parts; the decision's flags say
     * which part was out ({@link Decision#DOMESTIC_OUT_OF_BALANCE}, {@link Decision#FOREIGN_OUT_OF_BALANCE}).
     */
    private void settlePos(final SwitchEvent event, final MessageReader request)
    {
        for (final int field : POS_SETTLEMENT_MANDATORY)
        {
            if (!request.has(field))
            {
                answer(event, request, ResponseCode.FORMAT_ERROR);
                return;
            }
        }
        final int batch = Field60.batchNumber(request);
        // A 0500 is rare (once a batch): reading field 48 into records costs nothing the ring would notice.
        final SettlementTotals reported = SettlementTotals.read(request);
        if (reported == null || batch < 0 || Field60.networkCode(request) != Field60.NETWORK_BATCH_SETTLEMENT)
        {
            answer(event, request, ResponseCode.FORMAT_ERROR);
            return;
        }
        final int terminal = terminalOf(request);
        if (terminal < 0 && journaledSettlement(event))
        {
            return;
        }
        // In replay the journal's verdict on the terminal's status stands: one suspended or closed since settled then.
        if (terminal < 0 || refuses(event, ResponseCode.NOT_PERMITTED_TO_TERMINAL, !acceptors.terminalActive(terminal)))
        {
            answer(event, request, ResponseCode.NOT_PERMITTED_TO_TERMINAL);
            return;
        }
        // An 0500 of a batch older than the one the terminal's totals count (sent late, or again after the terminal went
        // on): the newer batch is the terminal's, and its totals are neither wiped nor moved by it.
        final boolean older = olderThanCounted(terminal, batch);
        final boolean itsFiguresAside = uploadAwaited[terminal] && batch == awaitedBatches[terminal];
        if (uploadAwaited[terminal])
        {
            // Its 0500 again (its answer lost, say) in place of the upload: the batch set aside counts again. Another
            // batch's: the terminal went on without the upload, and the earlier batch stays as its 0500 left it (out of
            // balance, in the day's exceptions); this one is its own, not summed with it.
            if (!itsFiguresAside)
            {
                totals.dropAside(terminal);
            }
            else if (!older)
            {
                countBatch(terminal, batch);
                totals.takeBack(terminal);
            }
            uploadAwaited[terminal] = false;
        }
        if (older)
        {
            // Reconciled against the older batch's figures, set aside at its first 0500, or none when the switch no longer
            // has them; the newer batch waits aside meanwhile, whole.
            totals.swapAside(terminal);
        }
        else
        {
            // Totals that count another batch leave it behind: the switch knows of no approval in this one.
            countBatch(terminal, batch);
        }
        reportedFigures(reported.domestic(), terminalFigures);
        totals.domesticFigures(terminal, switchFigures);
        netOfReversals(switchFigures, BatchTotals.DEBITS, BatchTotals.DEBIT_REVERSALS);
        netOfReversals(switchFigures, BatchTotals.CREDITS, BatchTotals.CREDIT_REVERSALS);
        boolean domesticBalanced = subtract(terminalFigures, switchFigures, differences);
        reportedFigures(reported.foreign(), terminalFigures);
        totals.foreignFigures(terminal, switchFigures);
        netOfReversals(switchFigures, BatchTotals.DEBITS, BatchTotals.DEBIT_REVERSALS);
        netOfReversals(switchFigures, BatchTotals.CREDITS, BatchTotals.CREDIT_REVERSALS);
        boolean foreignBalanced = subtract(terminalFigures, switchFigures, partDifferences);
        for (int i = 0; i < BatchTotals.FIGURES; i++)
        {
            differences[i] += partDifferences[i];
        }
        if (older && !itsFiguresAside)
        {
            // The switch let the older batch's figures go when the terminal went on (or when the batch closed): it cannot
            // vouch for the terminal's totals, and in balance would close a batch nobody checked. Out of balance, the
            // terminal uploads it (0320), each transaction matched against what the switch approved, as DESIGN.md §4 has
            // a POS terminal do when the switch's totals and its own disagree.
            if (event.recorded() == null)
            {
                LOG.warn("0500 of terminal {} for batch {}, older than its batch {}: the switch no longer has its figures; out of balance",
                    acceptors.terminalId(terminal), batch, countedBatches[terminal]);
            }
            domesticBalanced = false;
            foreignBalanced = false;
        }
        else if (!singleCurrency(event, request, terminal))
        {
            domesticBalanced = false;
            foreignBalanced = false;
        }
        final JournalRecord recorded = event.recorded();
        boolean partsJournaled = true;
        if (recorded != null && recorded.decisionLength() >= Decision.LENGTH)
        {
            // In replay the verdict the terminal was given stands: which cards are foreign is the BIN table's, and it
            // may have changed since. A record from before the parts were journaled says only in or out of balance,
            // and both parts were answered alike; its decision is written again as it was, without the parts.
            final int at = recorded.decisionOffset();
            final boolean wasBalanced = Decision.outcome(recorded.buffer(), at) == Outcome.SETTLED;
            partsJournaled = wasBalanced || Decision.domesticOutOfBalance(recorded.buffer(), at) || Decision.foreignOutOfBalance(recorded.buffer(), at);
            domesticBalanced = wasBalanced || partsJournaled && !Decision.domesticOutOfBalance(recorded.buffer(), at);
            foreignBalanced = wasBalanced || partsJournaled && !Decision.foreignOutOfBalance(recorded.buffer(), at);
        }
        final boolean balanced = domesticBalanced && foreignBalanced;
        final int parts = !partsJournaled ? 0 :
            (domesticBalanced ? 0 : Decision.DOMESTIC_OUT_OF_BALANCE) | (foreignBalanced ? 0 : Decision.FOREIGN_OUT_OF_BALANCE);
        final String answered = new SettlementTotals(reported.domestic().withFlag(balanceFlag(domesticBalanced)),
            reported.foreign().withFlag(balanceFlag(foreignBalanced))).toDigits();
        final int offset = beginAnswer(event);
        final MessageWriter writer = writers[event.dialectId()].wrap(event.output(), offset + event.headerLength());
        financialEcho.begin(request, writer).putString(39, ResponseCode.APPROVED).putString(SettlementTotals.FIELD, answered);
        final int length = mac(event.linkId(), request, event.output(), offset + event.headerLength(), financialEcho.finish());
        event.endOutput(length, false);
        rememberSettlement(event.dialectId(), terminal, request, event.output(), offset + event.headerLength(), length);
        if (balanced)
        {
            openBatches[terminal] = batch % MAX_BATCH_NUMBER + 1;
            totals.reset(terminal);
            if (older)
            {
                totals.takeBack(terminal); // the newer batch, counted on
            }
            else
            {
                countedBatches[terminal] = -1;
                closedBatches[terminal]++;
            }
            closeBatch(event, terminal, ResponseCode.APPROVED, batch, true, 0, differences, 0);
            return;
        }
        uploadAwaited[terminal] = true;
        awaitedBatches[terminal] = batch;
        if (older)
        {
            totals.swapAside(terminal); // the older batch aside for its upload, the newer one counted on
        }
        else
        {
            totals.setAside(terminal);
            countedBatches[terminal] = -1;
            closedBatches[terminal]++;
        }
        System.arraycopy(differences, 0, uploadDifferences, terminal * BatchTotals.FIGURES, BatchTotals.FIGURES);
        uploadParts[terminal] = parts;
        decisionFlags = Decision.OUT_OF_BALANCE | parts;
        decide(event, ResponseCode.APPROVED, Outcome.UPLOAD_AWAITED, -1, batch);
        event.decisionLength(Decision.writeSettlement(event.decision(), differences));
    }

    /** One part of a UnionPay POS batch's totals laid out as {@link BatchTotals#figures}: debits and credits, no reversals. */
    private static void reportedFigures(final SettlementTotals.Part part, final long[] out)
    {
        Arrays.fill(out, 0);
        out[BatchTotals.DEBITS] = part.debitCount();
        out[BatchTotals.AMOUNTS + BatchTotals.DEBITS] = part.debitAmount();
        out[BatchTotals.CREDITS] = part.creditCount();
        out[BatchTotals.AMOUNTS + BatchTotals.CREDITS] = part.creditAmount();
    }

    private static int balanceFlag(final boolean balanced)
    {
        return balanced ? SettlementTotals.IN_BALANCE : SettlementTotals.OUT_OF_BALANCE;
    }

    /**
     * UnionPay POS batch upload (0320), after an 0500 out of balance. 60.3 = 201 and 203-207 carry one transaction
     * each, named by 61 (original batch and STAN) or its own STAN and 60.2, with its amount in 4: answered 0330 with
     * 00, and journaled {@link Decision#UPLOAD_UNMATCHED} when the switch has no such approved transaction of the
     * terminal. 60.3 = 202 ends the upload: 0330 with 00, and the batch closes with the differences its 0500 showed.
     * Either without an 0500 out of balance before it: 12.
     */
    private void upload(final SwitchEvent event, final MessageReader request, final AcquirerSession session)
    {
        for (final int field : POS_SETTLEMENT_MANDATORY)
        {
            if (!request.has(field))
            {
                answer(event, request, ResponseCode.FORMAT_ERROR);
                return;
            }
        }
        final int code = Field60.networkCode(request);
        final int batch = Field60.batchNumber(request);
        final int terminal = terminalOf(request);
        if (code < UPLOAD_FIRST || code > UPLOAD_LAST || batch < 0 || request.units(41) > FixedKey.MAX_LENGTH)
        {
            answer(event, request, code < 0 || batch < 0 ? ResponseCode.FORMAT_ERROR : ResponseCode.INVALID_TRANSACTION);
            return;
        }
        if (terminal < 0 && journaledSettlement(event))
        {
            return;
        }
        // In replay the journal's verdicts stand: a 58 of a terminal the settings have since, a 12 of one suspended since.
        if (terminal < 0 || refuses(event, ResponseCode.NOT_PERMITTED_TO_TERMINAL, false))
        {
            answer(event, request, ResponseCode.NOT_PERMITTED_TO_TERMINAL);
            return;
        }
        if (refuses(event, ResponseCode.INVALID_TRANSACTION, !acceptors.terminalActive(terminal) || !uploadAwaited[terminal]))
        {
            answer(event, request, ResponseCode.INVALID_TRANSACTION);
            return;
        }
        final int offset = beginAnswer(event);
        final MessageWriter writer = writers[event.dialectId()].wrap(event.output(), offset + event.headerLength());
        final int length = mac(event.linkId(), request, event.output(), offset + event.headerLength(),
            financialEcho.respond(request, writer, ResponseCode.APPROVED));
        event.endOutput(length, false);
        rememberSettlement(event.dialectId(), terminal, request, event.output(), offset + event.headerLength(), length);
        if (code == UPLOAD_END)
        {
            uploadAwaited[terminal] = false;
            openBatches[terminal] = batch % MAX_BATCH_NUMBER + 1;
            totals.dropAside(terminal); // what came since its 0500 is the next batch's
            closeBatch(event, terminal, ResponseCode.APPROVED, batch, false, uploadParts[terminal], uploadDifferences,
                terminal * BatchTotals.FIGURES);
            return;
        }
        final int original = originalOf(request, session);
        final boolean matched = original != Transactions.NONE && transactions.terminal(original) == terminal &&
            transactions.state(original) == Transactions.ANSWERED && transactions.approved(original) && request.has(4) &&
            transactions.amount(original) == request.getLong(4);
        decisionFlags = matched ? 0 : Decision.UPLOAD_UNMATCHED;
        decide(event, ResponseCode.APPROVED, Outcome.UPLOADED, -1, batch);
    }

    /**
     * In replay, a settlement (0500, 0320) of a terminal the settings no longer have that the journal took (not 58):
     * there is no batch of it to judge again, so the journal's answer and decision stand, as the journal's verdicts on
     * its requests do. Whether it was one.
     */
    private boolean journaledSettlement(final SwitchEvent event)
    {
        final JournalRecord recorded = event.recorded();
        if (recorded == null || recorded.decisionLength() < Decision.LENGTH || recorded.outputCount() < 1 ||
            Decision.answered(recorded.buffer(), recorded.decisionOffset(), ResponseCode.NOT_PERMITTED_TO_TERMINAL))
        {
            return false;
        }
        final int part = JournalRecord.output(0);
        if (recorded.isWithheld(part) || recorded.linkId(part) != event.linkId())
        {
            return false;
        }
        final int offset = beginAnswer(event);
        // As it went: the journal keeps field 2 (a 0330 echoes the 0320's) sealed apart from the message.
        event.endOutput(recorded.restoreMessage(part, event.output(), offset + event.headerLength()), false);
        event.decision().putBytes(0, recorded.buffer(), recorded.decisionOffset(), recorded.decisionLength());
        event.decisionLength(recorded.decisionLength());
        return true;
    }

    /**
     * A settlement request (0500, 0320) byte for byte the one its terminal sent last: its answer was lost, so it gets
     * it again ({@link Outcome#RETRANSMITTED}) and nothing is settled, closed or uploaded twice (DESIGN.md §4).
     */
    private boolean settlementRetransmitted(final SwitchEvent event, final MessageReader request)
    {
        final int terminal = terminalOf(request);
        final int compared = terminal < 0 ? -1 : settlementContent(event.dialectId(), request, settlementScratch, 0);
        if (compared < 0 || lastSettlementLengths[terminal] != compared ||
            !equal(lastSettlements, terminal * MAX_ANSWER, settlementScratch, 0, compared))
        {
            return false;
        }
        final int length = lastSettlementAnswerLengths[terminal];
        final int offset = beginAnswer(event);
        event.output().putBytes(offset + event.headerLength(), lastSettlementAnswers, terminal * MAX_ANSWER, length);
        event.endOutput(remac(event.linkId(), request, event.output(), offset + event.headerLength(), length), false);
        decide(event, null, Outcome.RETRANSMITTED, -1, 0);
        return true;
    }

    private void rememberSettlement(
        final int dialectId, final int terminal, final MessageReader request, final DirectBuffer answer, final int answerOffset,
        final int answerLength)
    {
        final int length = answerLength > MAX_ANSWER ? -1 : settlementContent(dialectId, request, settlementScratch, 0);
        if (length < 0)
        {
            lastSettlementLengths[terminal] = 0;
            return;
        }
        lastSettlements.putBytes(terminal * MAX_ANSWER, settlementScratch, 0, length);
        lastSettlementLengths[terminal] = length;
        lastSettlementAnswers.putBytes(terminal * MAX_ANSWER, answer, answerOffset, answerLength);
        lastSettlementAnswerLengths[terminal] = answerLength;
    }

    /**
     * A settlement message (0500, 0320) as the journal keeps it, less its MAC, into {@code to} at {@code at}: what a
     * retransmission is known by, alike before a restart and after (recovery feeds what the journal kept, which holds
     * no field 48 of a UnionPay POS upload). The MAC is checked already, with the keys held now, which a key change or
     * sign-on since the first may have replaced. Returns the length, or -1 for a message too long to keep (more than
     * {@link #MAX_ANSWER} bytes kept).
     */
    private int settlementContent(final int dialectId, final MessageReader request, final MutableDirectBuffer to, final int at)
    {
        if (request.length() > to.capacity() - at)
        {
            return -1;
        }
        final int mac = MessageMac.field(request);
        final MessageWriter writer = writers[dialectId].wrap(to, at).mti(request.mti());
        for (int field = 2; field <= FieldSpec.MAX_FIELD; field++)
        {
            if (field != mac && request.has(field) && keptFields.isCopied(dialectId, request.mti(), field))
            {
                writer.copy(request, field);
            }
        }
        final int length = writer.finish();
        return length > MAX_ANSWER ? -1 : length;
    }

    private static boolean equal(final DirectBuffer a, final int aOffset, final DirectBuffer b, final int bOffset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (a.getByte(aOffset + i) != b.getByte(bOffset + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The decision that closes a terminal's batch (its totals already started again from zero, or set aside at its
     * 0500): how it settled; {@code parts} which parts of a UnionPay POS batch were out of balance (0 for ISO
     * 8583:1987, which has no parts).
     */
    private void closeBatch(
        final SwitchEvent event, final int terminal, final String code, final int batch, final boolean balanced, final int parts,
        final long[] from, final int fromOffset)
    {
        decisionFlags = balanced ? 0 : Decision.OUT_OF_BALANCE | parts;
        decide(event, code, Outcome.SETTLED, -1, batch);
        if (from != differences)
        {
            System.arraycopy(from, fromOffset, differences, 0, BatchTotals.FIGURES);
        }
        event.decisionLength(Decision.writeSettlement(event.decision(), differences));
    }

    /** {@code terminal - theirs} into {@code out}, figure by figure; true when they are all equal. */
    private static boolean subtract(final long[] terminal, final long[] theirs, final long[] out)
    {
        boolean equal = true;
        for (int i = 0; i < BatchTotals.FIGURES; i++)
        {
            out[i] = terminal[i] - theirs[i];
            equal &= out[i] == 0;
        }
        return equal;
    }

    /** A count and amount less their reversals, which then count nothing: how a POS terminal reports its batch. */
    private static void netOfReversals(final long[] figures, final int kind, final int reversals)
    {
        figures[kind] -= figures[reversals];
        figures[BatchTotals.AMOUNTS + kind] -= figures[BatchTotals.AMOUNTS + reversals];
        figures[reversals] = 0;
        figures[BatchTotals.AMOUNTS + reversals] = 0;
    }

    /** 60.2, the UnionPay POS batch number (six digits after the two of 60.1), or -1. */
    private static long batchNumber(final MessageReader request)
    {
        return request.has(60) ? digits(request, 60, 2, 8) : -1;
    }

    /** Characters {@code from} to {@code to} of a field as a number; -1 when the field is shorter or they are not digits. */
    private static long digits(final MessageReader request, final int field, final int from, final int to)
    {
        if (request.units(field) < to)
        {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++)
        {
            final int d = request.charAt(field, i) - '0';
            if (d < 0 || d > 9)
            {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /**
     * The {@link Transactions} entry of the original a reversal or completion names, or NONE: by field 90 (ISO 8583:
     * original MTI, STAN, field 7), or for UnionPay POS, a completion by 61 (original batch and STAN) and a reversal by
     * its own STAN and batch: a POS terminal reverses a message with that message's STAN and batch, and copies its 61,
     * so the 61 of a void's or a completion's reversal names the sale or pre-authorization, not what is reversed.
     */
    private int originalOf(final MessageReader request, final AcquirerSession session)
    {
        return originalKey(request) ?
            transactions.find(session.endpoint, FixedKey.high(request, 41), FixedKey.low(request, 41), originalStan, originalTransmission) :
            Transactions.NONE;
    }

    /**
     * The key of the message the request names, into {@link #originalStan} and {@link #originalTransmission}: by field
     * 90 (its STAN and field 7); a UnionPay POS reversal by its own STAN and batch (the reversed message's), another
     * POS message by field 61 (batch and STAN) or, without it, its own. False when the request names none.
     */
    private boolean originalKey(final MessageReader request)
    {
        final long stan;
        final long transmission;
        if (request.has(90))
        {
            stan = digits(request, 90, 4, 10);
            transmission = digits(request, 90, 10, 20);
        }
        else if (Mti.messageClass(request.mti()) == 4 || !request.has(61))
        {
            transmission = batchNumber(request);
            stan = request.has(11) ? request.getLong(11) : -1;
        }
        else
        {
            transmission = digits(request, 61, 0, 6);
            stan = digits(request, 61, 6, 12);
        }
        originalStan = (int)stan;
        originalTransmission = transmission;
        return stan >= 0 && transmission >= 0;
    }


    /**
     * An advice from the acquirer: a completion (0220, after an 0100 pre-authorization) or other financial advice, or
     * an authorization it made without the issuer (0120, a hold the issuer books as it would its own approval). The
     * switch acknowledges it (0230, 0130) and owes it to the issuer, store and forward, whether the issuer is up or
     * not. A completion's field 90 names the pre-authorization as the issuer got it: the 0100, or for one stood in
     * for (by the switch or the acquirer), its 0120, whose 0130 the completion then waits for ({@link #queueAdvice}).
     * An 0120 is an approval when its field 39 (which it must have) says 00; one that advises a decline holds nothing.
     */
    private void complete(
        final SwitchEvent event, final MessageReader request, final AcquirerSession session, final int issuer, final int mcc, final long now)
    {
        final int adviceMti = Mti.messageClass(request.mti()) == 1 ? Mti.AUTHORIZATION_ADVICE : Mti.FINANCIAL_ADVICE;
        // A UnionPay POS completion names its pre-authorization in 61; without it (or 90), its own key finds itself. One
        // whose field 90 names an 0100 where the history holds an 0200 under that key names something the switch does not
        // have: the issuer must not be told it completes the sale, which it would take over as a hold.
        final int named = originalOf(request, session);
        final int original = named == current || named != Transactions.NONE && namesAnAuthorizationItIsNot(request, named) ? Transactions.NONE : named;
        // A pre-authorization the history has forgotten (completed minutes or days later) is named as the issuer got it all the same.
        final int hold = named == Transactions.NONE && originalKey(request) ?
            transactions.forgottenHold(session.endpoint, FixedKey.high(request, 41), FixedKey.low(request, 41), originalStan, originalTransmission,
            PreAuthorizations.card(pan, panDigits)) : PreAuthorizations.NONE;
        final boolean completion = adviceMti == Mti.FINANCIAL_ADVICE;
        // A completion completes a pre-authorization: one that names a sale (0200) asks for an adjustment the switch does
        // not make. Advised naming the sale, its issuer would take it over as a hold and charge the difference, while
        // clearing settled both in full; 12, nothing advised or counted, as for a hold completed already.
        final boolean namesASale = completion && original != Transactions.NONE && !transactions.authorization(original);
        final boolean completedAlready = namesASale || completion && (original != Transactions.NONE ? transactions.completed(original) :
            hold != PreAuthorizations.NONE && transactions.preAuthorizations().completed(hold));
        // A hold is completed once: a second completion of it (an acquirer host that sends its completion again under a new
        // STAN, not as its 0221 repeat) would be advised and settled beside the first, the card charged twice. 12, nothing
        // advised or counted, until the first is reversed (or voided). In replay the journal's verdict stands: the history
        // that tells may have been sized otherwise since, or the journal made by a switch that took every completion.
        if (refuses(event, ResponseCode.INVALID_TRANSACTION, completedAlready))
        {
            answer(event, request, ResponseCode.INVALID_TRANSACTION);
            return;
        }
        // Acknowledged, it would be settled while its issuer never heard of it: 96, and the acquirer sends it again. In
        // replay the journal's verdict stands, as the issuer's share of the queue may have shrunk since: a completion the
        // acquirer was told is done stays done, its 0220 owed (lost, counted and logged, where the share has no room).
        if (refuses(event, ResponseCode.SYSTEM_MALFUNCTION, !advices.hasRoom(issuer)))
        {
            answerTryAgain(event, request);
            return;
        }
        // The advice gets its STAN (and so its RRN) now, so that a reversal of the completion names it as sent.
        final MessageWriter writer = writers[issuerDialect].wrap(basisScratch, 0);
        final int stan = recordedStan(event, Outcome.ANSWERED);
        final int length = writeForward(writer, request, session, adviceMti, stan, mcc, now);
        transactions.forwarded(current, issuer, basisScratch, 0, length);
        owe(current, queueAdvice(adviceMti, basisScratch, 0, length, original, hold, null, null, request, issuer, now));
        answer(event, request, ResponseCode.APPROVED);
        if (completion)
        {
            transactions.completion(current);
        }
        if (adviceMti == Mti.FINANCIAL_ADVICE || request.charAt(39, 0) == '0' && request.charAt(39, 1) == '0')
        {
            transactions.approvedBySwitch(current);
            countApproved(current);
        }
        if (completion && original != Transactions.NONE)
        {
            transactions.completes(current, original);
        }
        else if (completion && hold != PreAuthorizations.NONE)
        {
            transactions.completesForgotten(current, hold);
        }
        decide(event, ResponseCode.APPROVED, Outcome.ANSWERED, issuer, stan);
    }

    /**
     * Whether field 90 names an authorization (an 0100 or 0120, or a repeat of one) where the key it gives (STAN, field 7)
     * finds a financial request or advice: another message than the one the acquirer means, whose reversal or completion
     * would move money it never named. The other way round (an 0200 named where the key finds a hold) an acquirer that
     * names every original 0200 still lets its hold go, which moves no money.
     */
    private boolean namesAnAuthorizationItIsNot(final MessageReader request, final int original)
    {
        return request.has(90) && request.units(90) > 1 && request.charAt(90, 1) == '1' && !transactions.authorization(original);
    }

    private void standInOrDecline(
        final SwitchEvent event, final MessageReader request, final AcquirerSession session, final int issuer, final int processing,
        final long amount, final int mcc, final long now)
    {
        final SwitchSetup.Issuer config = issuers.get(issuer);
        // In replay the journal's verdict stands, as the settings may have changed since (stand-in turned off, a lower
        // floor limit): decided again, a stand-in the terminal holds would become a 91, its advice no longer owed to the
        // issuer, its approval gone from the batch totals, and the code sequence would fall behind the codes given.
        final Outcome journaled = journaledOutcome(event);
        // A stand-in the issuer would never hear of (no room for its advice) is not made: 91, as without stand-in.
        if (journaled != null ? journaled == Outcome.STOOD_IN :
            config.standIn() && processing == 0 && amount <= config.floorLimit() && advices.hasRoom(issuer))
        {
            // Stand-in: the switch approves within the issuer's floor limit with its own authorization code.
            standInAuthCode(event, event.outputCount(), event.linkId(), request);
            final int offset = beginAnswer(event);
            final MessageWriter writer = writers[event.dialectId()].wrap(event.output(), offset + event.headerLength());
            final int length = mac(event.linkId(), request, event.output(), offset + event.headerLength(),
                financialEcho.begin(request, writer).putString(38, authCode).putString(39, ResponseCode.APPROVED).finish());
            event.endOutput(length, false);
            transactions.answered(current, event.dialectId(), event.output(), offset + event.headerLength(), length, true);
            countApproved(current);
            // The issuer hears of it by advice (store and forward) once it is back: a purchase by a 0220, which it books
            // as a sale; a pre-authorization by an 0120, which it books as a hold, for the completion to take over (a
            // 0220 would be booked as a sale, and the completion would charge the card a second time).
            // Kept as the advice the issuer will get, STAN and RRN included: a reversal of the stand-in names it so, and
            // so does a completion of a stood-in pre-authorization (field 90: 0120, the message the issuer booked the hold
            // from, for it never saw the 0100).
            final int adviceMti = request.mti() == Mti.AUTHORIZATION_REQUEST ? Mti.AUTHORIZATION_ADVICE : Mti.FINANCIAL_ADVICE;
            final int stan = recordedStan(event, Outcome.STOOD_IN);
            final int basisLength = writeForward(writers[issuerDialect].wrap(basisScratch, 0), request, session, adviceMti, stan,
                mcc, now);
            transactions.forwarded(current, issuer, basisScratch, 0, basisLength);
            owe(current, queueAdvice(adviceMti, basisScratch, 0, basisLength, Transactions.NONE, PreAuthorizations.NONE, authCode,
                ResponseCode.APPROVED, null, issuer, now));
            decide(event, ResponseCode.APPROVED, Outcome.STOOD_IN, issuer, stan);
            return;
        }
        answer(event, request, ResponseCode.ISSUER_INOPERATIVE);
    }

    /**
     * The authorization code of a stand-in whose answer is the event's output {@code output}, to {@code link}, into
     * {@link #authCode}: live the switch's next ({@link #nextStandInAuthCode}); in replay the one the journaled answer
     * carried, and the sequence carries on from it. Regenerated, a code is only as right as the count of stand-ins
     * replayed before it: from a journal of a build that numbered them otherwise (S and five decimal digits, before
     * base 36) replay gave answers other codes than the terminals got, recovery queued the issuers' advices with
     * those, and the live sequence went on to codes terminals already held. An answer that carries no code of the
     * switch's leaves the code to the sequence, as live.
     */
    private void standInAuthCode(final SwitchEvent event, final int output, final int link, final MessageReader request)
    {
        final MessageReader answer = journaledAnswer(event, output, link, request);
        if (answer != null && answer.has(38) && answer.units(38) == STAND_IN_AUTH_CODE_LENGTH && answer.charAt(38, 0) == 'S')
        {
            int code = 0;
            for (int i = 1; i < STAND_IN_AUTH_CODE_LENGTH && code >= 0; i++)
            {
                final int digit = Character.digit(answer.charAt(38, i), 36);
                code = digit < 0 ? -1 : code * 36 + digit;
            }
            if (code >= 0)
            {
                standInAuthCodes = code;
                authCode.setLength(0);
                for (int i = 0; i < STAND_IN_AUTH_CODE_LENGTH; i++)
                {
                    authCode.append((char)answer.charAt(38, i));
                }
                return;
            }
        }
        nextStandInAuthCode();
    }

    /**
     * In replay, the journaled answer that was the event's output {@code output}, to {@code link}, when it is the answer
     * to {@code request} (its MTI plus 10) and parsed; null live, or when the journal has no such answer there. The
     * reader is shared, valid until the next call.
     */
    private MessageReader journaledAnswer(final SwitchEvent event, final int output, final int link, final MessageReader request)
    {
        final JournalRecord recorded = event.recorded();
        if (recorded == null || output >= recorded.outputCount())
        {
            return null;
        }
        final int part = JournalRecord.output(output);
        if (recorded.isWithheld(part) || recorded.linkId(part) != link)
        {
            return null;
        }
        final MessageReader answer = recordedAnswers[recorded.dialectId(part)];
        return answer.wrap(recorded.buffer(), recorded.messageOffset(part), recorded.messageLength(part)) == DecodeError.NONE &&
            answer.mti() == request.mti() + 10 ? answer : null;
    }

    /**
     * The next stand-in authorization code into {@link #authCode}: S and five base-36 characters (S00001 .. S00009,
     * S0000A .., SZZZZZ), recognisably the switch's, never an issuer's (theirs are digits). Clearing finds a stand-in's
     * row by its code when the stand-in's advice goes out, hours later if its issuer was down; five digits came round
     * after 99,999 stand-ins (under a minute of an outage at 2,000 TPS), and pointed the advice at a newer row. Base 36
     * comes round after 60 million.
     */
    private void nextStandInAuthCode()
    {
        final int code = standInAuthCodes = standInAuthCodes % (STAND_IN_AUTH_CODES - 1) + 1;
        authCode.setLength(0);
        authCode.append('S');
        for (int divisor = 36 * 36 * 36 * 36; divisor > 0; divisor /= 36)
        {
            authCode.append(Character.toUpperCase(Character.forDigit(code / divisor % 36, 36)));
        }
    }

    private void forward(
        final SwitchEvent event, final MessageReader request, final AcquirerSession session, final int issuer, final int link, final int stan,
        final int mcc, final long now)
    {
        // What a reversal advice will be built from, written first: the message without track data, PIN block or chip
        // data, which the switch must not keep once the request has gone (PCI DSS 3.2). The forward is the same fields
        // with those put back in, copied from it rather than encoded a second time.
        final MessageWriter basis = writers[issuerDialect].wrap(basisScratch, 0);
        final int basisLength = writeForward(basis, request, session, issuerMti, stan, mcc, now);
        final long fields = basis.primaryFields();
        final int start = basis.fieldsOffset();
        final int offset = event.beginOutput(link, issuerDialect, 0);
        final MessageWriter writer = writers[issuerDialect].wrap(event.output(), offset).mti(issuerMti)
            .putWritten(fields & FIELDS_TO_32, basisScratch, start, forwardSplit - start);
        copy(request, writer, 35);
        writer.putWritten(fields & ~FIELDS_TO_32, basisScratch, forwardSplit, basisLength - forwardSplit);
        if (pinTranslated)
        {
            writer.putBytes(52, pinBlock, 0, Hsm.PIN_BLOCK_LENGTH);
        }
        else
        {
            copy(request, writer, 52);
        }
        copy(request, writer, 55);
        int length = writer.finish();
        if (issuers.get(issuer).mac() && hsm != null)
        {
            final int output = event.outputCount(); // the one begun, counted when it ends
            final int macked = MessageMac.append(hsm, slots.issuerMacKey(issuer), setup.dialects().get(issuerDialect), event.output(), offset, length);
            if (macked > length)
            {
                journaledMac(event, output, link, offset, macked);
            }
            length = macked;
        }
        event.endOutput(length, false);
        transactions.forwarded(current, issuer, basisScratch, 0, basisLength);
    }

    /**
     * In replay, the MAC the journal's forward went with, in place of the one just computed: the journal keeps a request
     * without its track data, PIN block and chip data's card tags, so the replayed forward lacks them too, and its MAC,
     * computed over what is left, is not the one that went, which covered them (the journal keeps the same fields of
     * both, so the rest of the two is the same). Live, or when the journal has no MACed message there, nothing changes.
     */
    private void journaledMac(final SwitchEvent event, final int output, final int link, final int offset, final int length)
    {
        final JournalRecord recorded = event.recorded();
        if (recorded == null || output >= recorded.outputCount())
        {
            return;
        }
        final int part = JournalRecord.output(output);
        if (recorded.isWithheld(part) || recorded.linkId(part) != link || recorded.dialectId(part) != issuerDialect ||
            !MessageMac.ends(setup.dialects().get(issuerDialect), recorded.buffer(), recorded.messageOffset(part), recorded.messageLength(part)))
        {
            return;
        }
        event.output().putBytes(offset + length - Hsm.MAC_LENGTH, recorded.buffer(),
            recorded.messageOffset(part) + recorded.messageLength(part) - Hsm.MAC_LENGTH, Hsm.MAC_LENGTH);
    }

    /**
     * The request as the issuer gets it, less track data, PIN block and chip data ({@link #forward} puts those in):
     * the switch's STAN, RRN, acquirer id and the merchant's MCC. Notes in {@link #forwardSplit} where field 35 goes.
     */
    private int writeForward(
        final MessageWriter writer, final MessageReader request, final AcquirerSession session, final int mti, final int stan, final int mcc,
        final long now)
    {
        writer.mti(mti);
        if (panField == 2)
        {
            copy(request, writer, 2);
        }
        else
        {
            writer.putText(2, pan, 0, panDigits);
        }
        if (preAuthCoded03)
        {
            putCodedAsHold(writer, request);
        }
        else
        {
            copy(request, writer, 3);
        }
        copy(request, writer, 4);
        if (request.has(7))
        {
            writer.copy(request, 7);
        }
        else
        {
            // The issuer link speaks ISO 8583:1987, where field 7 is mandatory: the switch's own transmission time.
            EventClock.transmissionDateTime(now, scratch, 0);
            writer.putText(7, scratch, 0, 10);
        }
        writer.putLong(11, stan);
        copy(request, writer, 12);
        copy(request, writer, 13);
        copy(request, writer, 14);
        writer.putLong(18, mcc);
        copy(request, writer, 22);
        copy(request, writer, 23);
        copy(request, writer, 25);
        writer.putString(32, setup.acquirers().get(session.endpoint).acquirerId());
        forwardSplit = writer.length();
        putRrn(writer, stan, now);
        if (ownAdvice(mti))
        {
            copy(request, writer, 38);
            copy(request, writer, 39);
        }
        copy(request, writer, 41);
        copy(request, writer, 42);
        copy(request, writer, 49);
        return writer.finish();
    }

    /**
     * Queues an advice to an issuer (DESIGN.md §4: store and forward), built from the message forwarded for the
     * original: 0420 with field 90 naming it, or 0220 (a completion, a purchase's stand-in) or 0120 (a
     * pre-authorization's stand-in). A 0420's field 11 is filled in each time it is sent; a 0220 or 0120 keeps the
     * STAN its basis was given, which a later reversal's (or completion's) field 90 names. An advice whose original's
     * own advice is still owed waits for its acknowledgement.
     *
     * @param original      the {@link Transactions} entry of the request field 90 names (as the issuer knew it:
     *                      the switch's STAN and field 7), or NONE for no field 90.
     * @param authorization field 38 to put (a stand-in approval), or null to keep the original's.
     * @param responseCode  field 39 to put, or null to take the acquirer's ({@code acquirer}) when it has one.
     */
    private int queueAdvice(
        final int mti, final DirectBuffer source, final int sourceOffset, final int sourceLength, final int original, final int hold,
        final CharSequence authorization, final CharSequence responseCode, final MessageReader acquirer, final int issuer, final long now)
    {
        return queueAdvice(mti, source, sourceOffset, sourceLength, original, hold, authorization, responseCode, acquirer, issuer, now, false);
    }

    /**
     * As the other, {@code roomKept}: into the room its request kept ({@link #releaseRoom} has just given it back), which
     * it takes whatever its issuer's share holds now (a recovery beyond it): that room was a free slot kept for it.
     */
    private int queueAdvice(
        final int mti, final DirectBuffer source, final int sourceOffset, final int sourceLength, final int original, final int hold,
        final CharSequence authorization, final CharSequence responseCode, final MessageReader acquirer, final int issuer, final long now,
        final boolean roomKept)
    {
        final int entry = roomKept ? advices.reserveKept() : advices.reserve(issuer);
        if (entry == AdviceQueue.NONE || sourceLength == 0)
        {
            if (entry != AdviceQueue.NONE)
            {
                LOG.error("advice to issuer {} could not be queued: no basis", issuers.get(issuer).id());
                return AdviceQueue.NONE;
            }
            // Live, every advice is queued into room checked or kept for it in its issuer's share, and in replay beyond
            // the share into any free slot (AdviceQueue.beyondShares): only a recovery onto a queue smaller than what
            // the journal says was owed (limits.advice-queue lowered since) gets here.
            advicesLost.lazySet(advicesLost.get() + 1);
            advicesLostUnlogged++;
            if (advicesLostLoggedAt == Long.MIN_VALUE || now - advicesLostLoggedAt >= TimeUnit.SECONDS.toNanos(1))
            {
                LOG.error("issuer {}'s share of the advice queue full ({} advices owed, of {}): {} advices lost in the last second, {} since start",
                    issuers.get(issuer).id(), advices.size(issuer), advices.share(issuer), advicesLostUnlogged, advicesLost.get());
                advicesLostLoggedAt = now;
                advicesLostUnlogged = 0;
            }
            return AdviceQueue.NONE;
        }
        basis.wrap(source, sourceOffset, sourceLength);
        final MessageWriter writer = writers[issuerDialect].wrap(advices.buffer(), advices.offset(entry)).mti(mti);
        copy(basis, writer, 2);
        copy(basis, writer, 3);
        copy(basis, writer, 4);
        if (ownAdvice(mti))
        {
            // A stand-in's or completion's advice (0220, 0120) goes as its basis was kept, with the STAN given it then:
            // what a later reversal's or completion's field 90 names.
            copy(basis, writer, 7);
            copy(basis, writer, 11);
        }
        else
        {
            // A reversal advice gets a STAN of the link it goes on, each time it is sent.
            EventClock.transmissionDateTime(now, scratch, 0);
            writer.putText(7, scratch, 0, 10);
            writer.putLong(11, 0);
        }
        copy(basis, writer, 12);
        copy(basis, writer, 13);
        copy(basis, writer, 18);
        copy(basis, writer, 22);
        copy(basis, writer, 25);
        copy(basis, writer, 32);
        copy(basis, writer, 37);
        if (authorization != null)
        {
            writer.putString(38, authorization);
        }
        else
        {
            copy(basis, writer, 38);
        }
        if (responseCode != null)
        {
            writer.putString(39, responseCode);
        }
        else if (acquirer != null && acquirer.has(39))
        {
            writer.copy(acquirer, 39);
        }
        else
        {
            copy(basis, writer, 39);
        }
        copy(basis, writer, 41);
        copy(basis, writer, 42);
        copy(basis, writer, 49);
        if (original > Transactions.NONE && transactions.forwardedLength(original) > 0)
        {
            // Original data elements (n42): MTI, STAN and field 7 of the original as the issuer got it, then the
            // acquiring and forwarding institution ids.
            final MessageReader o = originalBasis;
            o.wrap(transactions.forwardedMessages(), transactions.forwardedOffset(original), transactions.forwardedLength(original));
            putDigits(scratch, 0, o.mti(), 4);
            putDigits(scratch, 4, o.has(11) ? (int)o.getLong(11) : 0, 6);
            for (int i = 0; i < 10; i++)
            {
                scratch.putByte(10 + i, o.has(7) ? o.charAt(7, i) : (byte)'0');
            }
            final int acquirerDigits = o.has(32) ? o.units(32) : 0;
            for (int i = 0; i < 11; i++)
            {
                final int from = i - (11 - acquirerDigits);
                scratch.putByte(20 + i, from >= 0 ? o.charAt(32, from) : (byte)'0');
                scratch.putByte(31 + i, (byte)'0');
            }
            writer.putText(90, scratch, 0, 42);
        }
        else if (hold != PreAuthorizations.NONE)
        {
            // The same, of a pre-authorization the history has forgotten; its field 32 was its listener's acquirer id.
            final PreAuthorizations holds = transactions.preAuthorizations();
            putOriginalData(writer, holds.mti(hold), holds.switchStan(hold), holds.transmission(hold), holds.endpoint(hold));
        }
        else if (original < Transactions.NONE)
        {
            // Of a UnionPay POS sale the history has forgotten ({@link Transactions#keptRef}), as its issuer got it.
            final KeptSales sales = transactions.keptSales();
            final int kept = Transactions.NONE - 1 - original;
            putOriginalData(writer, sales.issuerMti(kept), sales.switchStan(kept), sales.issuerTransmission(kept), sales.endpoint(kept));
        }
        final int length = writer.finish();
        long identity = 0;
        if (replaying)
        {
            // Only replay looks advices up by what they are; live, the switch chooses them itself.
            advice.wrap(advices.buffer(), advices.offset(entry), length);
            identity = adviceIdentity(advice);
        }
        advices.add(entry, length, issuer, now, ownAdvice(mti) && basis.has(11) ? (int)basis.getLong(11) : 0, identity);
        advicesQueued.incrementAndGet();
        if (original > Transactions.NONE && transactions.ownAdvice(original) != AdviceQueue.NONE)
        {
            // Naming a stand-in or completion whose own advice the issuer has not acknowledged: a reversal of it, or the
            // completion of a stood-in pre-authorization. The issuer must have the advice named before the one that
            // names it (else the 0420 finds nothing to undo, or the completion no hold to take over and is booked as a
            // sale beside the hold the 0120 then books), and links are taken in turn, so it waits for the 0230 or 0130.
            advices.waitFor(entry, transactions.ownAdvice(original), transactions.ownAdviceSerial(original));
        }
        return entry;
    }

    /**
     * Field 90 (n42) naming an original the history has forgotten as its issuer got it: MTI, the switch's STAN and field
     * 7, then the acquiring institution (its listener's acquirer id, as field 32 was) and a forwarding one of zeros.
     */
    private void putOriginalData(final MessageWriter writer, final int mti, final int switchStan, final long transmission, final int endpoint)
    {
        putDigits(scratch, 0, mti, 4);
        putDigits(scratch, 4, switchStan, 6);
        putDigits(scratch, 10, (int)transmission, 10);
        final String acquirerId = setup.acquirers().get(endpoint).acquirerId();
        for (int i = 0; i < 11; i++)
        {
            final int from = i - (11 - acquirerId.length());
            scratch.putByte(20 + i, from >= 0 ? (byte)acquirerId.charAt(from) : (byte)'0');
            scratch.putByte(31 + i, (byte)'0');
        }
        writer.putText(90, scratch, 0, 42);
    }

    /**
     * An advice the switch owes for a request of its own approval: a stand-in's (0220 for a purchase, 0120 for a
     * pre-authorization) or a completion's (0220). It keeps the STAN it was given when queued, on every send.
     */
    private static boolean ownAdvice(final int mti)
    {
        return mti == Mti.FINANCIAL_ADVICE || mti == Mti.AUTHORIZATION_ADVICE;
    }

    /**
     * Keeps room in its issuer's share of the advice queue for the 0420 the in-flight request may owe when its answer
     * or time-out comes ({@link AdviceQueue#keepRoom}), unless it has it already; where there is none (in replay, a
     * journal's forward or 00 the share as sized now has no room for), its 0420 takes its chance then, as it did before
     * room was kept.
     */
    private void keepRoom(final int inFlightEntry)
    {
        if (!inFlight.roomKept(inFlightEntry) && advices.keepRoom(inFlight.issuer(inFlightEntry)))
        {
            inFlight.roomKept(inFlightEntry, true);
        }
    }

    /**
     * Gives back the room {@link #keepRoom} kept for the in-flight request, as its answer or time-out comes; true when it
     * had kept some, which the 0420 queued next takes.
     */
    private boolean releaseRoom(final int inFlightEntry)
    {
        if (inFlight.roomKept(inFlightEntry))
        {
            inFlight.roomKept(inFlightEntry, false);
            advices.releaseRoom(inFlight.issuer(inFlightEntry));
            return true;
        }
        return false;
    }

    /** Records the advice (0220, 0120) queued for a request of the switch's own approval (a stand-in, a completion). */
    private void owe(final int history, final int advice)
    {
        if (history != Transactions.NONE && advice != AdviceQueue.NONE)
        {
            transactions.ownAdvice(history, advice, advices.serial(advice));
        }
    }

    /**
     * Whether a check on the switch's settings (limits, acceptors, risk rules, the BIN table) refuses a request with
     * {@code code}: live, as the check found ({@code refusedNow}); in replay, as the journal says, since the settings may
     * have changed over a restart. Decided again, a request forwarded then and refused now would leave recovery nothing in
     * flight for the issuer's answer to match, no 0420 when it times out, and an approval missing from its terminal's
     * batch; one refused then and passed now would go in flight, to be reversed at an issuer that never had it.
     */
    private static boolean refuses(final SwitchEvent event, final String code, final boolean refusedNow)
    {
        final JournalRecord recorded = event.recorded();
        if (recorded == null || recorded.decisionLength() < Decision.LENGTH)
        {
            return refusedNow;
        }
        return Decision.answered(recorded.buffer(), recorded.decisionOffset(), code);
    }

    /**
     * Journals with the run's NODE_START its issuers and listeners ({@link EndpointOrder}). In replay the journal's are
     * kept, as the run had them, and checked against this switch's: the first run they do not begin is
     * {@link #endpointOrderMismatch}.
     */
    private void runStarted(final SwitchEvent event)
    {
        final JournalRecord recorded = event.recorded();
        if (recorded == null)
        {
            event.decisionLength(Decision.writeRun(event.decision(), issuerIds.size(), EndpointOrder.hash(issuerIds, issuerIds.size()),
                listenerNames.size(), EndpointOrder.hash(listenerNames, listenerNames.size())));
            return;
        }
        final int length = recorded.decisionLength();
        if (length >= Decision.RUN_LENGTH)
        {
            event.decision().putBytes(Decision.LENGTH, recorded.buffer(), recorded.decisionOffset() + Decision.LENGTH, Decision.RUN_LENGTH - Decision.LENGTH);
            event.decisionLength(Decision.RUN_LENGTH);
            if (endpointOrderMismatch == null)
            {
                endpointOrderMismatch = EndpointOrder.mismatch(recorded.buffer(), recorded.decisionOffset(), length, recorded.timestampNanos(),
                    issuerIds, listenerNames);
            }
        }
    }

    /**
     * After a replay, null when every run of the journal had issuers and listeners that this switch's begin with, in
     * their order; else what is wrong with this switch's config, one line starting with its key. A switch started on a
     * journal it does not match would take one issuer's records for another's: it must not start.
     */
    public String endpointOrderMismatch()
    {
        return endpointOrderMismatch;
    }

    /** In replay, the issuer the journal's decision names, when this switch has one of that index; else -1. */
    private int journaledIssuer(final SwitchEvent event)
    {
        final JournalRecord recorded = event.recorded();
        if (recorded == null || recorded.decisionLength() < Decision.LENGTH)
        {
            return -1;
        }
        final int issuer = Decision.issuer(recorded.buffer(), recorded.decisionOffset());
        return issuer < issuers.size() ? issuer : -1;
    }

    /**
     * In replay, the MCC of a request whose merchant has been removed from the settings since the journal passed it:
     * field 18 of the request as the journal forwarded it (its MTI, the journal's switch STAN), else the request's own
     * field 18, else 0, for a stand-in of a terminal that sends none (its advice goes to the issuer without the MCC the
     * removed merchant had).
     */
    private int journaledMcc(final SwitchEvent event, final MessageReader request)
    {
        final JournalRecord recorded = event.recorded();
        if (recorded != null && recorded.decisionLength() >= Decision.LENGTH)
        {
            final int stan = Decision.switchStan(recorded.buffer(), recorded.decisionOffset());
            for (int i = 0; i < recorded.outputCount(); i++)
            {
                final int part = JournalRecord.output(i);
                if (recorded.isWithheld(part) || recorded.linkId(part) == event.linkId())
                {
                    continue;
                }
                final MessageReader out = recordedAnswers[recorded.dialectId(part)];
                if (out.wrap(recorded.buffer(), recorded.messageOffset(part), recorded.messageLength(part)) == DecodeError.NONE &&
                    out.mti() == request.mti() && out.has(11) && out.getLong(11) == stan && out.has(18))
                {
                    return (int)out.getLong(18);
                }
            }
        }
        final int mcc = request.has(18) ? number(request, 18) : -1;
        return mcc >= 0 && mcc <= MAX_MCC ? mcc : 0;
    }

    /**
     * The time-out a forwarded request goes in flight with: live the issuer's ({@code configured}); in replay the one the
     * journal says it went with, as the setting may have changed since. Under a shorter one, a request the issuer answered
     * within the old would time out on a journaled tick: its approval out of the batch, an 0420 owed that reverses a
     * sale the terminal holds. Under a longer one, a time-out the journal answered (a 91, a stand-in) would not be.
     */
    private static long journaledTimeOut(final SwitchEvent event, final long configured)
    {
        final JournalRecord recorded = event.recorded();
        return recorded != null && recorded.decisionLength() >= Decision.FORWARD_LENGTH &&
            Decision.outcome(recorded.buffer(), recorded.decisionOffset()) == Outcome.FORWARDED ?
            Decision.timeOutNanos(recorded.buffer(), recorded.decisionOffset()) : configured;
    }

    /** In replay, the outcome the journal gives the event; null live, or for a record without a decision. */
    private static Outcome journaledOutcome(final SwitchEvent event)
    {
        final JournalRecord recorded = event.recorded();
        return recorded != null && recorded.decisionLength() >= Decision.LENGTH ? Decision.outcome(recorded.buffer(), recorded.decisionOffset()) : null;
    }

    /**
     * An issuer has {@link SwitchSetup.Issuer#maxInFlight} requests unanswered: logged at most once a minute (event
     * time) per issuer, so that an operator sees an issuer that has stopped answering, or a quota set too low.
     */
    private void issuerSaturated(final int issuer, final long now)
    {
        if (!replaying && (saturationLoggedAt[issuer] == Long.MIN_VALUE || now - saturationLoggedAt[issuer] >= HISTORY_EXPECTED_NANOS))
        {
            saturationLoggedAt[issuer] = now;
            final SwitchSetup.Issuer config = issuers.get(issuer);
            LOG.warn("issuer {} has {} requests unanswered, its max-in-flight: further requests are stood in or answered 91 until it answers " +
                "or they time out", config.id(), config.maxInFlight());
        }
    }

    /**
     * A request not forwarded (91) because its issuer's share of the advice queue has no room for the 0420 it may owe:
     * counted, and logged at most once a minute (event time) per issuer, so that an operator sees an issuer whose
     * advices go unacknowledged (or whose requests time out) by the thousand, or a queue too small for its traffic.
     */
    private void adviceShareFull(final int issuer, final long now)
    {
        adviceShareRefusals.lazySet(adviceShareRefusals.get() + 1);
        if (!replaying && (adviceShareLoggedAt[issuer] == Long.MIN_VALUE || now - adviceShareLoggedAt[issuer] >= HISTORY_EXPECTED_NANOS))
        {
            adviceShareLoggedAt[issuer] = now;
            LOG.warn("issuer {} has its share of the advice queue taken ({} advices owed, room kept for {} requests' 0420s, of {}): requests to it " +
                "are answered 91, not forwarded, until it acknowledges advices or its requests are answered; {} such since start; raise " +
                "limits.advice-queue, or give it an advice-share of its own, if its traffic needs more",
                issuers.get(issuer).id(), advices.size(issuer), advices.kept(issuer),
                advices.share(issuer), adviceShareRefusals.get());
        }
    }

    /**
     * The duplicate history forgot a request younger than it should keep: counted, and logged at most once a minute
     * (event time) with how young, so that an operator sizes limits.duplicate-history before a reversal goes astray.
     */
    private void historyTooShort(final long now, final long evictedAddedAt)
    {
        historyForgotYoung.lazySet(historyForgotYoung.get() + 1);
        // Said when it happened; a replay (recovery, journal verify) says it again only in the count.
        if (!replaying && (historyLoggedAt == Long.MIN_VALUE || now - historyLoggedAt >= HISTORY_EXPECTED_NANOS))
        {
            historyLoggedAt = now;
            LOG.warn("duplicate history ({} requests) forgets requests {} ms old: a reversal of an older one is answered 25, and so is a " +
                "UnionPay POS void of an older sale; a retransmission 94 while limits.duplicate-keys holds its key; " +
                "{} forgotten younger than {} s since start; raise limits.duplicate-history", transactions.capacity(),
                (now - evictedAddedAt) / 1_000_000L, historyForgotYoung.get(), TimeUnit.NANOSECONDS.toSeconds(HISTORY_EXPECTED_NANOS));
        }
    }

    /**
     * Sends the advices that are due to issuers that can take them, as many as the event has outputs for; returns
     * how many were sent. Issuers take turns at going first, so one issuer's backlog does not starve another's. In
     * replay, the advices the journal says this event sent ({@link #sendAsRecorded}).
     */
    private int sendAdvices(final SwitchEvent event, final long now)
    {
        final int count = issuers.size();
        int sent = 0;
        if (event.recorded() != null)
        {
            sent = sendAsRecorded(event, event.recorded(), now);
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                final int issuer = adviceTurn + i < count ? adviceTurn + i : adviceTurn + i - count;
                int entry;
                while (event.outputsLeft() > 0 && event.outputRoom() >= advices.maxMessage() && (entry = advices.next(issuer, now)) != AdviceQueue.NONE)
                {
                    final int link = pickLink(issuer);
                    if (link < 0)
                    {
                        break;
                    }
                    final int held = advices.heldStan(entry);
                    final int stanBefore = stanSequence;
                    final int roundsBefore = stanRounds;
                    try
                    {
                        emitAdvice(event, entry, link, held > 0 ? held : nextStan(), now);
                    }
                    catch (final RuntimeException ex)
                    {
                        stanSequence = stanBefore; // not sent, so not journaled: replay must not find the STAN spent
                        stanRounds = roundsBefore;
                        throw ex;
                    }
                    sent++;
                }
            }
        }
        if (sent > 0)
        {
            // The turn moves only with a send, so it depends on journaled events alone (a quiet tick is not journaled).
            adviceTurn = adviceTurn + 1 < count ? adviceTurn + 1 : 0;
        }
        return sent;
    }

    /**
     * Replay: the advices the journal says this event sent, on the links and with the STANs it sent them with, found
     * in the queue by what they are ({@link #adviceIdentity}). So recovery owes exactly what the issuers had not
     * acknowledged, even from a journal whose build or settings sent advices at other moments (every build before
     * this one sent them on ticks only): their acknowledgements match on the (link, STAN) each really went with.
     */
    private int sendAsRecorded(final SwitchEvent event, final JournalRecord recorded, final long now)
    {
        int sent = 0;
        for (int i = 0; i < recorded.outputCount() && event.outputsLeft() > 0; i++)
        {
            final int part = JournalRecord.output(i);
            if (recorded.isWithheld(part))
            {
                continue;
            }
            final MessageReader out = recordedAnswers[recorded.dialectId(part)];
            if (out.wrap(recorded.buffer(), recorded.messageOffset(part), recorded.messageLength(part)) != DecodeError.NONE)
            {
                continue;
            }
            final long identity = adviceIdentity(out);
            if (identity == 0 || !out.has(11))
            {
                continue; // not an advice
            }
            final int stan = (int)out.getLong(11);
            final boolean reversal = out.mti() - out.mti() % 10 == Mti.REVERSAL_ADVICE;
            if (reversal && stan > 0 && stan <= InFlight.MAX_STAN)
            {
                tookStan(stan); // a reversal advice took the sequence's next STAN: it carries on from there
            }
            final int entry = advices.find(identity, Mti.isRepeat(out.mti()));
            if (entry == AdviceQueue.NONE)
            {
                advicesNotReplayed++; // one this queue does not hold: the issuer's acknowledgement will match nothing
                continue;
            }
            final int link = recorded.linkId(part);
            tookLink(advices.issuer(entry), link);
            emitAdvice(event, entry, link, stan, now);
            sent++;
        }
        return sent;
    }

    /** Writes the advice at {@code entry} as an output on {@code link} with {@code stan}, and records the send. */
    private void emitAdvice(final SwitchEvent event, final int entry, final int link, final int stan, final long now)
    {
        final int issuer = advices.issuer(entry);
        final int length = advices.length(entry);
        final int offset = event.beginOutput(link, issuerDialect, 0);
        final MutableDirectBuffer out = event.output();
        out.putBytes(offset, advices.messages(), advices.offset(entry), length);
        advice.wrap(out, offset, length);
        // Issuer links speak ISO 8583:1987 binary: field 11 is three BCD bytes, the MTI two.
        final int stanAt = advice.valueOffset(11);
        for (int j = 0, v = stan; j < 3; j++, v /= 100)
        {
            final int two = v % 100;
            out.putByte(stanAt + 2 - j, (byte)(((two / 10) << 4) | (two % 10)));
        }
        if (advices.attempts(entry) > 0)
        {
            out.putByte(offset + 1, (byte)((out.getByte(offset + 1) & 0xF0) | 1)); // 0420 → 0421, 0220 → 0221, 0120 → 0121
        }
        final int sentLength = issuers.get(issuer).mac() && hsm != null ?
            MessageMac.append(hsm, slots.issuerMacKey(issuer), setup.dialects().get(issuerDialect), out, offset, length) : length;
        event.endOutput(sentLength, false);
        advices.sent(entry, link, stan, now, issuers.get(issuer).timeoutNanos() * 2);
        // Flagged with each advice, not after the last: should a later one fail, replay still sends those that went.
        decisionFlags |= Decision.ADVICES_SENT;
        if (event.decisionLength() > 0)
        {
            Decision.addFlags(event.decision(), Decision.ADVICES_SENT);
        }
    }

    /**
     * What an advice is, whatever STAN, link or repeat it goes with, from fields the journal keeps in clear: a 0220
     * or 0120 by its kind, the STAN it keeps and its field 7; a 0420 by its field 7 (when it was queued), 39 and 90 (the
     * original). 0 for any other message. Two advices alike in these are the same message.
     */
    static long adviceIdentity(final MessageReader message)
    {
        final int kind = message.mti() - message.mti() % 10;
        final long stan = message.has(11) ? message.getLong(11) : 0;
        long h;
        if (kind == Mti.FINANCIAL_ADVICE && stan > 0)
        {
            h = mix(Mti.FINANCIAL_ADVICE, stan);
        }
        else if (kind == Mti.AUTHORIZATION_ADVICE && stan > 0)
        {
            // From a seed of 64 bits, not the MTI: mix(120, stan) is mix(220, stan ^ 164), the 0220 whose STAN differs in
            // three bits, and with the same field 7 (a terminal's second) replay took the one for the other.
            h = mix(mix(Mti.AUTHORIZATION_ADVICE, 0), stan);
        }
        else if (kind == Mti.REVERSAL_ADVICE && message.has(90))
        {
            h = mixRaw(mix(Mti.REVERSAL_ADVICE, 0), message, 90);
            h = mixRaw(h, message, 39);
        }
        else
        {
            return 0;
        }
        h = mixRaw(h, message, 7);
        return h == 0 ? 1 : h;
    }

    private static long mix(final long h, final long value)
    {
        final long x = (h ^ value) * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 29);
    }

    private static long mixRaw(final long seed, final MessageReader message, final int field)
    {
        long h = seed;
        if (message.has(field))
        {
            final DirectBuffer buffer = message.buffer();
            for (int i = message.rawOffset(field), end = i + message.rawLength(field); i < end; i++)
            {
                h = mix(h, buffer.getByte(i));
            }
        }
        return mix(h, field);
    }

    // ---------------------------------------------------------------- issuer side

    private void onIssuerMessage(final SwitchEvent event)
    {
        final MessageReader message = event.reader();
        final int issuer = event.endpoint();
        if (event.decodeError() != DecodeError.NONE)
        {
            // An answer we cannot read is no answer (DESIGN.md §5): the request times out and is reversed. Nor does it
            // show the link works: a link that answers its echo tests with garbage is closed as one that does not answer.
            if (issuerAnswerLogs[issuer].due(event.timestampNanos()))
            {
                LOG.warn("unreadable message from issuer {} on link {}: {} at field {}; {} more of its messages refused since the last line",
                    issuers.get(issuer).id(), event.linkId(), event.decodeError(), message.errorField(), issuerAnswerLogs[issuer].takeUnlogged());
            }
            decide(event, null, Outcome.UNMATCHED, issuer, 0);
            return;
        }
        final int mti = message.mti();
        if (!Mti.isRequest(mti))
        {
            // What the issuer sends of its own (its echo tests, say) shows nothing of whether it answers the switch's.
            heardFrom(issuer, event.linkId());
        }
        if (Mti.messageClass(mti) != 8 && !issuerMacHolds(event, issuer, message))
        {
            // A wrong or missing MAC on an issuer's answer is no answer (DESIGN.md §5): the request times out, the
            // acquirer gets 91 and the issuer a reversal.
            if (issuerAnswerLogs[issuer].due(event.timestampNanos()))
            {
                LOG.warn("issuer {} link {}: answer {} with a wrong or missing MAC, ignored; {} more of its messages refused since the last line",
                    issuers.get(issuer).id(), event.linkId(), Mti.toString(mti), issuerAnswerLogs[issuer].takeUnlogged());
            }
            decide(event, ResponseCode.MAC_FAILURE, Outcome.UNMATCHED, issuer, 0);
            return;
        }
        switch (mti)
        {
            case Mti.FINANCIAL_RESPONSE, Mti.AUTHORIZATION_RESPONSE -> relay(event, message, issuer);
            case Mti.REVERSAL_ADVICE_RESPONSE, Mti.FINANCIAL_ADVICE_RESPONSE, Mti.AUTHORIZATION_ADVICE_RESPONSE, Mti.REVERSAL_RESPONSE ->
            {
                final int stan = message.has(11) ? (int)message.getLong(11) : -1;
                final int sentOn = stan < 0 ? AdviceQueue.NONE : advices.acknowledged(event.linkId(), stan);
                // An acknowledgement with another RRN than the advice's: a late one of an earlier advice that went with this
                // STAN before the sequence came round. Taken for this one's, this one would never be sent again.
                // In replay the journal's verdict stands, as for answers (relay).
                final int entry = sentOn != AdviceQueue.NONE && (!issuers.get(issuer).matchRrn() || journaledOutcome(event) == Outcome.ACKNOWLEDGED ||
                    sameRrnAsAdvice(message, sentOn)) ? sentOn : AdviceQueue.NONE;
                if (entry != AdviceQueue.NONE)
                {
                    // Any answer acknowledges: the same advice again would get the same answer. One that is not 00
                    // (the issuer cannot act on it) is for an operator to settle with the issuer; clearing reports it.
                    if (message.has(39) && !(message.charAt(39, 0) == '0' && message.charAt(39, 1) == '0') && !replaying)
                    {
                        LOG.warn("issuer {} link {} answered advice STAN {} with {} {}: acknowledged, not sent again; in the day's exceptions",
                            issuers.get(issuer).id(), event.linkId(), stan, Mti.toString(mti), loggable(message, 39));
                    }
                    advices.remove(entry);
                    decide(event, null, Outcome.ACKNOWLEDGED, issuer, stan);
                }
                else
                {
                    decide(event, null, Outcome.UNMATCHED, issuer, stan);
                }
            }
            case Mti.NETWORK_MANAGEMENT_RESPONSE ->
            {
                if (message.has(39) && message.charAt(39, 0) == '0' && message.charAt(39, 1) == '0')
                {
                    setSignedOn(issuer, event.linkId(), true);
                }
                decide(event, null, Outcome.NOTHING, issuer, 0);
            }
            case Mti.NETWORK_MANAGEMENT_REQUEST ->
            {
                // The issuer's own sign-off takes its link out of use until a sign-on (its own, or the switch's that the
                // link tests send while it is signed off) is answered 00; its sign-on puts the link back.
                final int code = networkCode(message);
                if (code == NETWORK_SIGN_OFF || code == NETWORK_SIGN_ON)
                {
                    setSignedOn(issuer, event.linkId(), code == NETWORK_SIGN_ON);
                }
                final int offset = event.beginOutput(event.linkId(), issuerDialect, 0);
                final MessageWriter writer = writers[issuerDialect].wrap(event.output(), offset);
                event.endOutput(networkEcho.respond(message, writer, ResponseCode.APPROVED), false);
                decide(event, ResponseCode.APPROVED, Outcome.ANSWERED, issuer, 0);
            }
            default -> decide(event, null, Outcome.UNMATCHED, issuer, 0);
        }
    }

    /**
     * The first field of an issuer's answer that the switch would pass on to the terminal but cannot, or 0: field 39
     * must be there and be two letters or digits, as ISO 8583 has it, and the RRN, the authorization code and the
     * additional amounts (37, 38, 54) printable, for a terminal prints them on the cardholder's receipt.
     */
    private static int unrelayableField(final MessageReader answer)
    {
        if (!answer.has(39) || answer.valueLength(39) != 2 || !letterOrDigit(answer.charAt(39, 0)) || !letterOrDigit(answer.charAt(39, 1)))
        {
            return 39;
        }
        for (final int field : RELAYED_TEXT)
        {
            if (answer.has(field) && !printable(answer, field))
            {
                return field;
            }
        }
        return 0;
    }

    /**
     * Whether the answer names another amount (4) or currency (49) than the request: the currency read as digits, since
     * the request's dialect may hold it as text (UnionPay POS) where the issuer's holds BCD.
     */
    private static boolean otherAmount(final MessageReader answer, final MessageReader request)
    {
        return answer.has(4) && request.has(4) && answer.getLong(4) != request.getLong(4) ||
            answer.has(49) && request.has(49) && number(answer, 49) != number(request, 49);
    }

    /**
     * A field from a peer as a log may show it: as it is when letters and digits, else as hex, so that what a peer sends
     * (a line end, a terminal's escape codes) cannot forge or garble a line of the switch's log. Off the hot path only.
     */
    private static String loggable(final MessageReader message, final int field)
    {
        final DirectBuffer buffer = message.buffer();
        final int offset = message.valueOffset(field);
        final int length = message.valueLength(field);
        for (int i = offset; i < offset + length; i++)
        {
            if (!letterOrDigit(buffer.getByte(i)))
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                return "0x" + HexFormat.of().formatHex(bytes);
            }
        }
        return message.getString(field);
    }

    /** Whether the answer's field 37, when it and the advice have one, is the advice's RRN (each advice has its own). */
    private boolean sameRrnAsAdvice(final MessageReader answer, final int entry)
    {
        if (!answer.has(37) || advice.wrap(advices.messages(), advices.offset(entry), advices.length(entry)) != DecodeError.NONE || !advice.has(37))
        {
            return true;
        }
        final int length = answer.valueLength(37);
        if (length != advice.valueLength(37))
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (answer.charAt(37, i) != advice.charAt(37, i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the answer's field 37, when it has one, is the RRN its request went with ({@code rrn}, as {@link Rrn#pack}
     * reads it). An answer without one (its issuer echoes none) is matched by link and STAN alone.
     */
    private static boolean sameRrn(final MessageReader answer, final long rrn)
    {
        if (!answer.has(37) || rrn == Rrn.NONE)
        {
            return true;
        }
        final long echoed = Rrn.pack(answer);
        return echoed != Rrn.NONE && echoed == rrn;
    }

    /**
     * Whether field 39 is one of ISO 8583:1987's approvals other than 00: 08 (honour with identification), 10 (approved
     * for a partial amount), 11 (approved, VIP), 16 (approved, update track 3).
     */
    private static boolean otherApprovalCode(final MessageReader answer)
    {
        final byte first = answer.charAt(39, 0);
        final byte second = answer.charAt(39, 1);
        return first == '0' && second == '8' || first == '1' && (second == '0' || second == '1' || second == '6');
    }

    private static boolean letterOrDigit(final byte c)
    {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    private static boolean printable(final MessageReader message, final int field)
    {
        final DirectBuffer buffer = message.buffer();
        for (int i = message.valueOffset(field), end = i + message.valueLength(field); i < end; i++)
        {
            final byte c = buffer.getByte(i);
            if (c < 0x20 || c > 0x7E)
            {
                return false;
            }
        }
        return true;
    }

    private void relay(final SwitchEvent event, final MessageReader answer, final int issuer)
    {
        final int stan = answer.has(11) ? (int)answer.getLong(11) : -1;
        final int entry = stan < 0 ? InFlight.NONE : inFlight.find(event.linkId(), stan);
        if (entry == InFlight.NONE)
        {
            decide(event, null, Outcome.UNMATCHED, issuer, stan);
            return;
        }
        // In replay the journal's verdict stands: a build before this check relayed such an answer, which judged again
        // would leave its terminal's batch, stay in flight and time out into an 0420 of a sale the terminal holds.
        if (issuers.get(issuer).matchRrn() && journaledOutcome(event) != Outcome.RELAYED && !sameRrn(answer, inFlight.rrn(entry)))
        {
            // Its STAN is this request's, its RRN another's: the answer to an earlier request that timed out, whose STAN the
            // sequence, come round, gave this one. Relayed, this terminal would get that one's answer, and this request's own
            // answer, matching nothing then, would leave an approval no one reverses. Not this request's answer: it waits on.
            if (issuerAnswerLogs[issuer].due(event.timestampNanos()))
            {
                LOG.warn("issuer {} link {}: answer {} STAN {} with another RRN than its request's, taken for another request's; {} more of its " +
                    "messages refused since the last line", issuers.get(issuer).id(), event.linkId(), Mti.toString(answer.mti()), stan,
                    issuerAnswerLogs[issuer].takeUnlogged());
            }
            decide(event, null, Outcome.UNMATCHED, issuer, stan);
            return;
        }
        if (answer.mti() != Mti.responseTo(inFlight.mti(entry)))
        {
            // Matched by link and STAN, but the answer to another kind of request (an 0210, funds moved, for an 0100, a
            // hold): relayed, the terminal would take it for its own. No answer: 91 at the time-out, and a reversal.
            if (issuerAnswerLogs[issuer].due(event.timestampNanos()))
            {
                LOG.warn("issuer {} link {}: answer {} STAN {} to a request {}, taken for no answer; {} more of its messages refused since the last line",
                    issuers.get(issuer).id(), event.linkId(), Mti.toString(answer.mti()), stan, Mti.toString(inFlight.mti(entry)),
                    issuerAnswerLogs[issuer].takeUnlogged());
            }
            inFlight.answerRefused(entry);
            decide(event, null, Outcome.UNMATCHED, issuer, stan);
            return;
        }
        final int unrelayable = unrelayableField(answer);
        if (unrelayable != 0)
        {
            // An answer the terminal cannot be given leaves what the issuer decided unknown to it: it is no answer
            // (DESIGN.md §5), so the request times out, the acquirer gets 91 and the issuer a reversal that undoes
            // whatever it did.
            if (issuerAnswerLogs[issuer].due(event.timestampNanos()))
            {
                LOG.warn("issuer {} link {}: answer {} STAN {} with field {} missing or not printable, taken for no answer; {} more of its messages " +
                    "refused since the last line", issuers.get(issuer).id(), event.linkId(), Mti.toString(answer.mti()), stan, unrelayable,
                    issuerAnswerLogs[issuer].takeUnlogged());
            }
            inFlight.answerRefused(entry);
            decide(event, ResponseCode.FORMAT_ERROR, Outcome.UNMATCHED, issuer, stan);
            return;
        }
        final int acquirerLink = inFlight.acquirerLink(entry);
        final int history = inFlight.history(entry);
        final boolean approved = answer.charAt(39, 0) == '0' && answer.charAt(39, 1) == '0';
        // The request as its acquirer sent it: fields 4 and 49 went to the issuer as they are (writeForward).
        final MessageReader original = original(entry);
        // In replay the journal's verdict stands: a build before this check relayed such an approval, which judged again
        // would stay in flight, leave its terminal's batch and time out into an 0420 of a sale the terminal holds.
        final Outcome journaled = journaledOutcome(event);
        final boolean otherApproval = !approved && otherApprovalCode(answer);
        if ((approved || otherApproval) && !transactions.inquiry(history) &&
            (journaled != null ? journaled != Outcome.RELAYED : otherApproval || otherAmount(answer, original)))
        {
            // An approval of another amount or currency than the issuer was asked for: relayed, the terminal would be told
            // its own amount (the answer echoes the request), the issuer would book its own, and clearing the
            // terminal's. An approval under another code than 00 (08 with identification, 10 for part of the amount,
            // 11 VIP, 16 with track 3): the switch's batch totals and clearing count 00 alone, while a terminal may take
            // it for one, or the issuer hold funds for a sale the terminal was told is declined. The books must not
            // part: no answer, 91 at the time-out and a reversal of whatever the issuer approved.
            if (issuerAnswerLogs[issuer].due(event.timestampNanos()))
            {
                LOG.warn("issuer {} link {}: answer {} STAN {} approves {}, taken for no answer; {} more of its messages refused since the last line",
                    issuers.get(issuer).id(), event.linkId(), Mti.toString(answer.mti()), stan,
                    otherApproval ? "with code " + answer.getString(39) + ", not 00" : "another amount or currency than it was asked for",
                    issuerAnswerLogs[issuer].takeUnlogged());
            }
            inFlight.answerRefused(entry);
            decide(event, ResponseCode.FORMAT_ERROR, Outcome.UNMATCHED, issuer, stan);
            return;
        }
        // The room kept for its 0420 is given back, just before the 0420 takes it, or as none is owed (declined).
        final boolean roomKept = releaseRoom(entry);
        if (transactions.state(history) == Transactions.REVERSED && approved && !transactions.inquiry(history))
        {
            // The acquirer reversed it while it was with the issuer: the approval is undone at once, for the reason
            // the acquirer gave.
            transactions.reversalReason(history, reasonScratch);
            queueAdvice(Mti.REVERSAL_ADVICE, transactions.forwardedMessages(), transactions.forwardedOffset(history),
                transactions.forwardedLength(history), history, PreAuthorizations.NONE, null,
                reasonScratch.length() == 2 ? reasonScratch : ResponseCode.REVERSAL_UNSPECIFIED,
                null, issuer, event.timestampNanos(), roomKept);
        }
        final AcquirerSession session = acquirerSessions.get(acquirerLink);
        if (session != null)
        {
            final int dialect = inFlight.acquirerDialect(entry);
            final int headerLength = inFlight.headerLength(entry);
            final int offset = event.beginOutput(acquirerLink, dialect, headerLength);
            responseHeader(inFlight.frames(), inFlight.frameOffset(entry), headerLength, event.output(), offset);
            final MessageWriter writer = writers[dialect].wrap(event.output(), offset + headerLength);
            financialEcho.begin(original, writer);
            if (!original.has(37) && answer.has(37))
            {
                financialEcho.copy(answer, 37); // the RRN the switch gave it, for a terminal that sent none
            }
            if (answer.has(38))
            {
                financialEcho.copy(answer, 38);
            }
            financialEcho.copy(answer, 39);
            if (answer.has(54))
            {
                relayAdditionalAmounts(answer, setup.dialects().get(dialect));
            }
            if (answer.has(ICC_DATA))
            {
                relayChipData(answer, issuer, setup.dialects().get(dialect));
            }
            final int length = mac(acquirerLink, original, event.output(), offset + headerLength, financialEcho.finish());
            event.endOutput(length, answeredLast(session));
            final boolean reversedMeanwhile = transactions.state(history) == Transactions.REVERSED;
            transactions.answered(history, dialect, event.output(), offset + headerLength, length, approved);
            if (approved && !reversedMeanwhile)
            {
                countApproved(history);
            }
        }
        else
        {
            transactions.closed(history, approved);
            if (approved && transactions.state(history) != Transactions.REVERSED && !transactions.inquiry(history))
            {
                // Approved, and no terminal to tell: the cardholder must not be charged for a sale the terminal never
                // saw approved. Undone at once, as a late approval is. A balance inquiry charged nothing.
                queueAdvice(Mti.REVERSAL_ADVICE, transactions.forwardedMessages(), transactions.forwardedOffset(history),
                    transactions.forwardedLength(history), history, PreAuthorizations.NONE, null, ResponseCode.RESPONSE_TOO_LATE, null, issuer,
                    event.timestampNanos(), roomKept);
                transactions.state(history, Transactions.REVERSED);
                decisionFlags = Decision.UNDELIVERED_REVERSED;
            }
        }
        transactions.inFlight(history, Transactions.NONE);
        inFlight.remove(entry);
        decide(event, null, Outcome.RELAYED, issuer, stan);
    }

    /**
     * Field 55 of the issuer's answer, its chip data (the issuer authentication data, tag 91, and issuer scripts, 71
     * and 72): a chip card checks the issuer's cryptogram before it takes the approval, and declines one without it,
     * which the terminal then reverses. Copied byte for byte into the acquirer's dialect, binary or text; chip data
     * longer than that dialect's field 55 cannot be cut (its TLVs would break) and goes without, logged.
     */
    private void relayChipData(final MessageReader answer, final int issuer, final Dialect acquirerDialect)
    {
        if (!acquirerDialect.defines(ICC_DATA))
        {
            return;
        }
        if (answer.valueLength(ICC_DATA) > acquirerDialect.field(ICC_DATA).maxLength())
        {
            LOG.warn("issuer {}: chip data of {} bytes in an answer, above the {} the acquirer's dialect carries: relayed without it",
                issuers.get(issuer).id(), answer.valueLength(ICC_DATA), acquirerDialect.field(ICC_DATA).maxLength());
            return;
        }
        financialEcho.copy(answer, ICC_DATA);
    }

    /**
     * Field 54, the additional amounts (balances: 20 characters an amount), as far as the acquirer's dialect takes it:
     * the first amounts, whole. ISO 8583:1987 gives an issuer 120 characters, UnionPay POS a terminal 20; cut short at
     * the writer, an approval would be lost (the request timed out and reversed) for want of a second balance.
     */
    private void relayAdditionalAmounts(final MessageReader answer, final Dialect acquirerDialect)
    {
        if (!acquirerDialect.defines(ADDITIONAL_AMOUNTS))
        {
            return;
        }
        final int fits = acquirerDialect.field(ADDITIONAL_AMOUNTS).maxLength();
        if (answer.units(ADDITIONAL_AMOUNTS) <= fits)
        {
            financialEcho.copy(answer, ADDITIONAL_AMOUNTS);
            return;
        }
        final int kept = fits / ADDITIONAL_AMOUNT_LENGTH * ADDITIONAL_AMOUNT_LENGTH;
        if (kept > 0)
        {
            answer.getText(ADDITIONAL_AMOUNTS, additionalAmounts, 0);
            financialEcho.putText(ADDITIONAL_AMOUNTS, additionalAmounts, 0, kept);
        }
    }

    /**
     * Time-outs, advices and echoes. A tick carries a few time-outs (an answer each); when more are due, as when an
     * issuer stops answering at thousands of requests a second, it asks the ring for another tick at the same time
     * ({@link #moreTicks}) rather than leave them to the next one, so that each 91 goes when it is due, not seconds
     * later.
     */
    private void onTick(final SwitchEvent event)
    {
        final long now = event.timestampNanos();
        int timedOut = 0;
        final int count = issuers.size();
        // One time-out of each issuer in turn, not one issuer's all before the next's: a hung issuer's backlog does
        // not hold up the time-outs of another. Stateless, so a replay takes the same ones.
        boolean due = true;
        while (due && event.outputsLeft() > 1 && event.outputRoom() >= inFlight.maxFrame() + advices.maxMessage())
        {
            due = false;
            for (int issuer = 0; issuer < count && event.outputsLeft() > 1 && event.outputRoom() >= inFlight.maxFrame() + advices.maxMessage();
                issuer++)
            {
                final int entry = inFlight.oldest(issuer);
                if (entry != InFlight.NONE && inFlight.deadline(entry) <= now)
                {
                    timeOut(event, entry);
                    transactions.inFlight(inFlight.history(entry), Transactions.NONE);
                    inFlight.remove(entry);
                    timedOut++;
                    due = true;
                }
            }
        }
        boolean behind = false;
        for (int issuer = 0; issuer < count && !behind; issuer++)
        {
            final int entry = inFlight.oldest(issuer);
            behind = entry != InFlight.NONE && inFlight.deadline(entry) <= now;
        }
        if (behind && !replaying && !moreTicks.test(now))
        {
            LOG.debug("time-outs left to the next tick: the ring is full");
        }
        acceptorKeys.dropExpiredPreviousKeys(now);
        final int sent = sendAdvices(event, now) + testLinks(event, now);
        if (timedOut > 0)
        {
            decide(event, ResponseCode.ISSUER_INOPERATIVE, Outcome.TIMED_OUT, -1, 0);
        }
        else if (sent > 0)
        {
            decide(event, null, Outcome.ADVISED, -1, 0);
        }
        else
        {
            decide(event, null, Outcome.NOTHING, -1, 0);
            event.markQuiet(); // nothing sent: not journaled (replay takes advices from the journal, not from the queue's lists)
        }
    }

    /**
     * The issuer did not answer in time: a reversal advice (39 = 68, response too late) to the issuer, which may have
     * approved it and answered too late or not at all; and to the acquirer 91, or, where the issuer's stand-in covers
     * time-outs, the switch's own approval within the floor limit, advised to the issuer after the reversal. Not for a
     * request its acquirer has reversed meanwhile, nor one whose terminal has gone: nobody would see the approval.
     */
    private void timeOut(final SwitchEvent event, final int entry)
    {
        final int history = inFlight.history(entry);
        final int issuer = inFlight.issuer(entry);
        final long now = event.timestampNanos();
        final boolean roomKept = releaseRoom(entry); // for the 0420 queued now
        if (!transactions.inquiry(history))
        {
            // A balance inquiry moved and held nothing, whatever its issuer made of it: no 0420 (see reverse).
            queueAdvice(Mti.REVERSAL_ADVICE, transactions.forwardedMessages(), transactions.forwardedOffset(history),
                transactions.forwardedLength(history), history, PreAuthorizations.NONE, null, ResponseCode.RESPONSE_TOO_LATE, null, issuer, now,
                roomKept);
        }
        final int acquirerLink = inFlight.acquirerLink(entry);
        final AcquirerSession session = acquirerSessions.get(acquirerLink);
        if (session == null)
        {
            transactions.closed(history, false);
            return;
        }
        final MessageReader original = original(entry);
        // In replay the journal's answer stands, approval or 91, as the settings may have changed since (see standInOrDecline).
        final MessageReader journaled = journaledAnswer(event, event.outputCount(), acquirerLink, original);
        // An issuer that answered in time, with an answer taken for no answer, did answer: its decision (part of the amount,
        // another amount, identification asked for, or one the switch cannot read) is not the switch's to override, and a
        // stand-in's 0220 would book the whole amount at an issuer that approved less or other, or declined.
        final boolean standIn = journaled != null ? journaled.has(39) && journaled.charAt(39, 0) == '0' && journaled.charAt(39, 1) == '0' :
            !inFlight.isAnswerRefused(entry) && standsInOnTimeOut(original, history, issuer);
        final int dialect = inFlight.acquirerDialect(entry);
        final int headerLength = inFlight.headerLength(entry);
        final int offset = event.beginOutput(acquirerLink, dialect, headerLength);
        responseHeader(inFlight.frames(), inFlight.frameOffset(entry), headerLength, event.output(), offset);
        final MessageWriter writer = writers[dialect].wrap(event.output(), offset + headerLength);
        final int answerLength;
        if (standIn)
        {
            standInAuthCode(event, event.outputCount(), acquirerLink, original);
            answerLength = financialEcho.begin(original, writer).putString(38, authCode).putString(39, ResponseCode.APPROVED).finish();
        }
        else
        {
            answerLength = financialEcho.respond(original, writer, ResponseCode.ISSUER_INOPERATIVE);
        }
        final int length = mac(acquirerLink, original, event.output(), offset + headerLength, answerLength);
        event.endOutput(length, answeredLast(session));
        transactions.answered(history, dialect, event.output(), offset + headerLength, length, standIn);
        if (standIn)
        {
            countApproved(history);
            adviseStandIn(history, issuer, original.mti() == Mti.AUTHORIZATION_REQUEST ? Mti.AUTHORIZATION_ADVICE : Mti.FINANCIAL_ADVICE, now);
        }
    }

    /** Whether the switch approves a timed-out request itself: as it would were the issuer down (a purchase or pre-authorization within the floor limit). */
    private boolean standsInOnTimeOut(final MessageReader original, final int history, final int issuer)
    {
        final SwitchSetup.Issuer config = issuers.get(issuer);
        // After the time-out's own 0420: a stand-in whose 0220 finds no room would be paid and never advised.
        return config.standIn() && config.standInOnTimeOut() && transactions.state(history) != Transactions.REVERSED && advices.hasRoom(issuer) &&
            original.has(3) && (original.getLong(3) / 10_000 == 0 || PosTransaction.preAuthCoded03(original, (int)(original.getLong(3) / 10_000))) &&
            original.has(4) && original.getLong(4) <= config.floorLimit();
    }

    /**
     * Queues the advice of a stand-in for a timed-out request, after the reversal of the request itself: the
     * request as the issuer got it, under a STAN and RRN of its own, which it keeps as the forwarded message, so that
     * a reversal of the stand-in, or the completion of a stood-in pre-authorization, names the advice, as for a
     * stand-in while the issuer is down.
     */
    private void adviseStandIn(final int history, final int issuer, final int adviceMti, final long now)
    {
        final MessageReader request = advice.wrap(transactions.forwardedMessages(), transactions.forwardedOffset(history),
            transactions.forwardedLength(history)) == DecodeError.NONE ? advice : null;
        if (request == null)
        {
            LOG.error("stand-in advice to issuer {} not queued: the request it was forwarded as is not kept", issuers.get(issuer).id());
            return;
        }
        final int stan = nextStan();
        final MessageWriter writer = writers[issuerDialect].wrap(basisScratch, 0).mti(adviceMti);
        for (int field = 2; field <= FieldSpec.MAX_FIELD; field++)
        {
            if (field == 11)
            {
                writer.putLong(11, stan);
            }
            else if (field == 37)
            {
                putRrn(writer, stan, now);
            }
            else if (request.has(field))
            {
                writer.copy(request, field);
            }
        }
        final int length = writer.finish();
        transactions.forwarded(history, issuer, basisScratch, 0, length);
        owe(history, queueAdvice(adviceMti, basisScratch, 0, length, Transactions.NONE, PreAuthorizations.NONE, authCode, ResponseCode.APPROVED,
            null, issuer, now));
    }

    private void onIssuerUp(final SwitchEvent event)
    {
        final int issuer = event.endpoint();
        final int link = event.linkId();
        if (issuerLinkCounts[issuer] == MAX_LINKS_PER_ISSUER)
        {
            event.closeLink();
            decide(event, null, Outcome.CLOSED, issuer, 0);
            return;
        }
        final int i = issuerLinkCounts[issuer]++;
        issuerLinks[issuer][i] = link;
        issuerLinkSignedOn[issuer][i] = false;
        issuerLinkUnanswered[issuer][i] = 0;
        final int stan = networkRequest(event, issuer, i, NETWORK_SIGN_ON);
        decide(event, null, Outcome.NOTHING, issuer, stan);
    }

    /** Sends 0800 with field 70 = {@code code} on the issuer's i-th link, counted as unanswered until it is. */
    private int networkRequest(final SwitchEvent event, final int issuer, final int i, final int code)
    {
        final int link = issuerLinks[issuer][i];
        final int stan = nextStan();
        final int offset = event.beginOutput(link, issuerDialect, 0);
        final MessageWriter writer = writers[issuerDialect].wrap(event.output(), offset).mti(Mti.NETWORK_MANAGEMENT_REQUEST);
        EventClock.transmissionDateTime(event.timestampNanos(), scratch, 0);
        writer.putText(7, scratch, 0, 10);
        writer.putLong(11, stan);
        writer.putLong(70, code);
        event.endOutput(writer.finish(), false);
        issuerLinkPinged[issuer][i] = event.timestampNanos();
        issuerLinkUnanswered[issuer][i]++;
        return stan;
    }

    /**
     * Link tests (DESIGN.md §3, issuer links): every echo interval each link gets an echo (0800/301), or a new
     * sign-on while it is not signed on; a link that leaves more than the allowed number unanswered is taken out
     * of use and closed, and the link layer reconnects it. Returns the frames sent.
     */
    private int testLinks(final SwitchEvent event, final long now)
    {
        int sent = 0;
        for (int issuer = 0; issuer < issuers.size(); issuer++)
        {
            final SwitchSetup.Issuer config = issuers.get(issuer);
            final long interval = config.echoInterval().toNanos();
            for (int i = 0; i < issuerLinkCounts[issuer] && event.outputsLeft() > 0 && event.outputRoom() >= 256; i++)
            {
                if (now - issuerLinkPinged[issuer][i] < interval)
                {
                    continue;
                }
                // Each test sent an interval ago or more has had its interval to be answered: missed-echoes of them close the link.
                if (issuerLinkUnanswered[issuer][i] >= config.missedEchoes())
                {
                    LOG.warn("issuer {} link {}: {} link tests unanswered, closing it", config.id(), issuerLinks[issuer][i],
                        issuerLinkUnanswered[issuer][i]);
                    issuerLinkSignedOn[issuer][i] = false;
                    publishSignedOn(issuer);
                    event.beginOutput(issuerLinks[issuer][i], issuerDialect, 0);
                    event.endOutput(0, true);
                    issuerLinkPinged[issuer][i] = Long.MAX_VALUE; // closing: no more tests until it is down
                }
                else
                {
                    networkRequest(event, issuer, i, issuerLinkSignedOn[issuer][i] ? NETWORK_ECHO_TEST : NETWORK_SIGN_ON);
                }
                sent++;
            }
        }
        return sent;
    }

    private void heardFrom(final int issuer, final int link)
    {
        for (int i = 0; i < issuerLinkCounts[issuer]; i++)
        {
            if (issuerLinks[issuer][i] == link)
            {
                issuerLinkUnanswered[issuer][i] = 0;
            }
        }
    }

    private void onIssuerDown(final SwitchEvent event)
    {
        final int issuer = event.endpoint();
        final int link = event.linkId();
        final int[] links = issuerLinks[issuer];
        final int count = issuerLinkCounts[issuer];
        for (int i = 0; i < count; i++)
        {
            if (links[i] == link)
            {
                links[i] = links[count - 1];
                issuerLinkSignedOn[issuer][i] = issuerLinkSignedOn[issuer][count - 1];
                issuerLinkPinged[issuer][i] = issuerLinkPinged[issuer][count - 1];
                issuerLinkUnanswered[issuer][i] = issuerLinkUnanswered[issuer][count - 1];
                issuerLinkCounts[issuer]--;
                break;
            }
        }
        advices.linkDown(issuer, link);
        publishSignedOn(issuer);
        decide(event, null, Outcome.NOTHING, issuer, 0);
    }

    private void setSignedOn(final int issuer, final int link, final boolean signedOn)
    {
        for (int i = 0; i < issuerLinkCounts[issuer]; i++)
        {
            if (issuerLinks[issuer][i] == link)
            {
                issuerLinkSignedOn[issuer][i] = signedOn;
            }
        }
        publishSignedOn(issuer);
    }

    private void publishSignedOn(final int issuer)
    {
        if (replaying)
        {
            // A replayed sign-on is a link of a run gone (recovery): read as up before this run's NODE_START let it go,
            // it sent a request to an issuer no link of this run had yet signed on to.
            return;
        }
        int count = 0;
        for (int i = 0; i < issuerLinkCounts[issuer]; i++)
        {
            count += issuerLinkSignedOn[issuer][i] ? 1 : 0;
        }
        signedOnLinks.lazySet(issuer, count);
    }

    /**
     * Counts the card's requests in the current minute of event time (a fixed window: the card's figures start
     * again each minute, {@link CardMinutes}, at no cost and with no allocation).
     */
    /** The card's key in the per-minute table: its digits as a number, and their count. */
    private long cardKey()
    {
        long key = 0;
        for (int i = 0; i < panDigits; i++)
        {
            key = key * 10 + (pan.getByte(i) - '0');
        }
        return key * 31 + panDigits;
    }

    private boolean overFrequencyLimit(final MessageReader request, final long now)
    {
        cardMinutes.minute(now / 60_000_000_000L);
        cardSlot = cardMinutes.slot(cardKey());
        final int count = cardMinutes.countRequest(cardSlot);
        if (cardMinutes.uncounted() != cardsUncounted)
        {
            if (cardsUncounted == 0)
            {
                LOG.error("the per-card table is full at its largest ({} slots): cards beyond it go uncounted by the per-card rules " +
                    "until the minute ends", cardMinutes.capacity());
            }
            cardsUncounted = cardMinutes.uncounted();
        }
        if (cardMinutes.capacity() != cardMinutesCapacity)
        {
            cardMinutesCapacity = cardMinutes.capacity();
            LOG.warn("{} cards in this minute outgrew the per-card table: it grew to {} slots, rehashing on the ring thread; " +
                "set limits.cards-per-minute to the busiest minute's cards", cardMinutes.size(), cardMinutesCapacity);
        }
        return count > limits.perCardPerMinute();
    }

    /**
     * A fraud rule (DESIGN.md §1, risk control): the card of the request (counted by {@link #overFrequencyLimit})
     * going from merchant to merchant within the minute. Kept per card as the last merchant and the number of
     * changes, so the table stays one long per card.
     */
    private boolean suspicious(final int merchant)
    {
        final long seen = cardMinutes.merchant(cardSlot);
        final int last = (int)(seen >>> 32) - 1;
        int changes = (int)seen;
        if (last >= 0 && last != merchant)
        {
            changes++;
        }
        cardMinutes.merchant(cardSlot, ((long)(merchant + 1) << 32) | changes);
        return changes + 1 >= SUSPICIOUS_MERCHANTS_PER_MINUTE;
    }

    /** Replay: the issuer's links are taken in turn from {@code link} on, as after the journaled event took it. */
    private void tookLink(final int issuer, final int link)
    {
        for (int i = 0; i < issuerLinkCounts[issuer]; i++)
        {
            if (issuerLinks[issuer][i] == link)
            {
                issuerCursors[issuer] = i;
                return;
            }
        }
    }

    /** The next signed-on link of the issuer, round robin; -1 when none is up (and then nothing changes). */
    private int pickLink(final int issuer)
    {
        final int count = issuerLinkCounts[issuer];
        for (int tried = 1; tried <= count; tried++)
        {
            final int i = (issuerCursors[issuer] + tried) % count;
            if (issuerLinkSignedOn[issuer][i])
            {
                issuerCursors[issuer] = i;
                return issuerLinks[issuer][i];
            }
        }
        return -1;
    }

    /**
     * The STAN a request goes to its issuer with, or a completion's or stand-in's advice keeps ({@code outcome} is the
     * decision such an event journals, with the STAN beside it). In replay, the one the journal says it was given, and
     * the sequence carries on from there: recovering a day journaled by a build that spent STANs differently (on
     * advices, say) still finds each issuer answer's request and each acknowledgement's advice.
     */
    private int recordedStan(final SwitchEvent event, final Outcome outcome)
    {
        final JournalRecord recorded = event.recorded();
        if (recorded != null && recorded.decisionLength() >= Decision.LENGTH &&
            Decision.outcome(recorded.buffer(), recorded.decisionOffset()) == outcome)
        {
            final int stan = Decision.switchStan(recorded.buffer(), recorded.decisionOffset());
            if (stan > 0 && stan <= InFlight.MAX_STAN)
            {
                tookStan(stan);
                return stan;
            }
        }
        return nextStan();
    }

    private int nextStan()
    {
        // Skips the STANs of advices queued and of requests in flight: the sequence comes round after a million
        // requests (ten seconds at 100k TPS), and an issuer's answer is matched on its link and STAN.
        int stan = stanSequence;
        for (int tries = 0; tries < InFlight.MAX_STAN; tries++)
        {
            stan = stan % InFlight.MAX_STAN + 1;
            if (!advices.holds(stan) && !inFlight.holdsStan(stan))
            {
                break;
            }
        }
        tookStan(stan);
        return stan;
    }

    /** The sequence is at {@code stan} now: a STAN not above the last one means it came round (here or in the journal). */
    private void tookStan(final int stan)
    {
        if (stan <= stanSequence)
        {
            stanRounds++;
        }
        stanSequence = stan;
    }

    /**
     * Field 37, the switch's RRN ({@link Rrn}): YDDD, the times the STAN sequence came round since that day's first RRN,
     * and the STAN. Unique for a billion STANs a day; the hour and the STAN it was before repeated after a million
     * requests in an hour (300 TPS), and two digits of rounds after 100 million (18 minutes at 93k TPS).
     */
    private void putRrn(final MessageWriter writer, final int stan, final long now)
    {
        final int day = EventClock.yearDay(now);
        if (day != stanDay)
        {
            stanDay = day;
            stanRounds = 0;
        }
        Rrn.put(scratch, 0, day, stanRounds, stan);
        writer.putText(37, scratch, 0, Rrn.LENGTH);
        lastRrn = Rrn.pack(scratch, 0);
    }

    // ---------------------------------------------------------------- helpers

    private MessageReader original(final int entry)
    {
        final MessageReader original = originals[inFlight.acquirerDialect(entry)];
        original.wrap(inFlight.frames(), inFlight.frameOffset(entry) + inFlight.headerLength(entry), inFlight.messageLength(entry));
        return original;
    }

    /** Answers the input's link with {@code responseCode}, echoing what the request carried. */
    private void answer(final SwitchEvent event, final MessageReader request, final String responseCode)
    {
        answer(event, request, responseCode, Outcome.ANSWERED);
    }

    private void answer(final SwitchEvent event, final MessageReader request, final String responseCode, final Outcome outcome)
    {
        final int offset = beginAnswer(event);
        final MessageWriter writer = writers[event.dialectId()].wrap(event.output(), offset + event.headerLength());
        final int length = mac(event.linkId(), request, event.output(), offset + event.headerLength(),
            financialEcho.respond(request, writer, responseCode));
        event.endOutput(length, false);
        if (current != Transactions.NONE)
        {
            transactions.answered(current, event.dialectId(), event.output(), offset + event.headerLength(), length, false);
        }
        decide(event, responseCode, outcome, -1, 0);
    }

    /**
     * 96, for want of room in the store-and-forward queue, which passes: the request is forgotten, so that the
     * acquirer's repeat (0401, 0221) is taken as new rather than answered 96 again from the duplicate history.
     */
    private void answerTryAgain(final SwitchEvent event, final MessageReader request)
    {
        answer(event, request, ResponseCode.SYSTEM_MALFUNCTION);
        if (current != Transactions.NONE)
        {
            transactions.forget(current);
            current = Transactions.NONE;
        }
    }

    private void answerNetwork(final SwitchEvent event, final MessageReader request, final String responseCode, final boolean close)
    {
        final int offset = beginAnswer(event);
        final MessageWriter writer = writers[event.dialectId()].wrap(event.output(), offset + event.headerLength());
        event.endOutput(networkEcho.respond(request, writer, responseCode), close);
        decide(event, responseCode, Outcome.ANSWERED, -1, 0);
    }

    private int beginAnswer(final SwitchEvent event)
    {
        final int offset = event.beginOutput(event.linkId(), event.dialectId(), event.headerLength());
        responseHeader(event.frame(), 0, event.headerLength(), event.output(), offset);
        return offset;
    }

    /** The request's fixed header with the TPDU's destination and source swapped, as the answer goes back. */
    private static void responseHeader(
        final DirectBuffer from, final int fromOffset, final int headerLength, final MutableDirectBuffer to, final int toOffset)
    {
        if (headerLength == 0)
        {
            return;
        }
        to.putBytes(toOffset, from, fromOffset, headerLength);
        if (headerLength >= Tpdu.LENGTH)
        {
            to.putBytes(toOffset + 1, from, fromOffset + 3, 2);
            to.putBytes(toOffset + 3, from, fromOffset + 1, 2);
        }
    }

    /**
     * Field 3 as an issuer gets a pre-authorization: coded 00, with the request's account types. The issuer speaks ISO
     * 8583:1987, where 03 is a cheque guarantee and 20 a refund.
     */
    private void putCodedAsHold(final MessageWriter writer, final MessageReader request)
    {
        scratch.putByte(0, (byte)'0');
        scratch.putByte(1, (byte)'0');
        for (int i = 2; i < 6; i++)
        {
            scratch.putByte(i, request.charAt(3, i));
        }
        writer.putText(3, scratch, 0, 6);
    }

    private static void copy(final MessageReader from, final MessageWriter to, final int field)
    {
        if (from.has(field))
        {
            to.copy(from, field);
        }
    }

    /**
     * A short numeric value carried in a text field (ISO 8583:1987 makes the currency code, field 49, an a3);
     * -1 when it is not all digits.
     */
    private static int number(final MessageReader request, final int field)
    {
        final int length = request.units(field);
        return length <= 9 ? (int)digits(request, field, 0, length) : -1;
    }

    /**
     * The PIN block (field 52) from the terminal's PIN key, or the acquirer host's zone PIN key, to the issuer's zone
     * PIN key, inside the HSM (ISO 9564 format 0, DESIGN.md §7). Only terminals that got working keys at sign-on and
     * acquirer hosts that changed keys have a PIN key; a block from any other goes on as it came. False when the HSM
     * fails or refuses the block (no issuer key, not a valid block for the card): the request is answered 96, and
     * the refusal journaled with it ({@link Decision#PIN_REFUSED}). In replay the request comes back without its PIN
     * block, which the journal never holds: that journaled verdict stands.
     */
    private boolean translatePin(final SwitchEvent event, final MessageReader request, final AcquirerSession session, final int terminal, final int issuer)
    {
        pinTranslated = false;
        final JournalRecord recorded = event.recorded();
        if (recorded != null)
        {
            pinRefused = recorded.decisionLength() >= Decision.LENGTH && Decision.pinRefused(recorded.buffer(), recorded.decisionOffset());
            return !pinRefused;
        }
        if (!request.has(52) || hsm == null)
        {
            return true;
        }
        final boolean hostKeyed = setup.acquirers().get(session.endpoint).hostKeyed();
        final int fromKey = acceptorKeys.pinKey(hostKeyed, session.endpoint, terminal);
        if (hsm.checkValue(fromKey, pinBlock, 0) == HsmResult.KEY_NOT_FOUND)
        {
            return true;
        }
        final HsmResult result = hsm.translatePin(fromKey, slots.issuerPinKey(issuer), request.buffer(),
            request.valueOffset(52), pan, 0, panDigits, pinBlock, 0);
        if (result != HsmResult.OK)
        {
            if (pinLog.due(event.timestampNanos()))
            {
                LOG.warn("PIN translation for {} index {} to issuer {} failed: {}; {} more PIN blocks refused since the last line",
                    hostKeyed ? "listener" : "terminal", hostKeyed ? session.endpoint : terminal, issuers.get(issuer).id(), result, pinLog.takeUnlogged());
            }
            pinRefused = true;
            return false;
        }
        pinTranslated = true;
        return true;
    }

    private void countApproved(final int entry)
    {
        final long batch = transactions.posBatch(entry);
        // An approval for a UnionPay POS batch the terminal has already left (an answer that came after the terminal went
        // on to its next batch) clears all the same, in no batch's totals: counted, it would leave the newer batch behind.
        final int terminal = transactions.terminal(entry) >= 0 && (batch < 0 || countBatch(transactions.terminal(entry), batch)) ?
            transactions.terminal(entry) : -1;
        if (terminal >= 0 && batch >= 0)
        {
            transactions.countedIn(entry, batchRounds[terminal]);
        }
        // A void approved takes back what it names: a UnionPay POS completion's void gives its hold back to be completed again.
        transactions.voidApproved(entry);
        if (terminal >= 0 && transactions.voidOfDebit(entry))
        {
            // A UnionPay POS terminal leaves a voided sale, and its void, out of its batch: the void takes the sale out
            // as a reversal does, rather than adding a credit beside it (the issuer still books it as the credit it is).
            totals.reversed(terminal, false, transactions.amount(entry), transactions.foreign(entry));
        }
        else if (terminal >= 0)
        {
            totals.approved(terminal, transactions.credit(entry), transactions.amount(entry), transactions.currency(entry),
                transactions.foreign(entry));
        }
    }

    /**
     * Makes {@code batch} the UnionPay POS batch the terminal's totals count: another batch that holds anything is left
     * behind unsettled, as its terminal left it, and the totals start again from zero. A batch before the one counted
     * ({@link #olderThanCounted}) is not taken up: false, and the totals stay as they are.
     */
    private boolean countBatch(final int terminal, final long batch)
    {
        final long counted = countedBatches[terminal];
        if (counted == batch)
        {
            return true;
        }
        if (counted >= 0 && !totals.empty(terminal))
        {
            if (olderThanCounted(terminal, batch))
            {
                return false;
            }
            LOG.warn("Terminal {} went on to batch {} with batch {} not settled: its approvals clear, out of any batch's totals",
                acceptors.terminalId(terminal), batch, counted);
            totals.reset(terminal);
        }
        if (counted >= 0)
        {
            closedBatches[terminal]++;
        }
        countedBatches[terminal] = batch;
        batchRounds[terminal]++;
        return true;
    }

    /**
     * Whether {@code batch} comes before the UnionPay POS batch the terminal's totals count: batch numbers come round
     * after 999999, so before means less than half the round behind it.
     */
    private boolean olderThanCounted(final int terminal, final long batch)
    {
        final long counted = countedBatches[terminal];
        final long behind = (counted - batch + MAX_BATCH_NUMBER) % MAX_BATCH_NUMBER;
        return counted >= 0 && behind > 0 && behind < MAX_BATCH_NUMBER / 2;
    }

    /**
     * Whether a reversal of {@code entry} changes its terminal's totals: a UnionPay POS transaction's only while they
     * count its batch (one settled or left behind is closed); an ISO 8583:1987 one's always (its terminal reports
     * reversals in its next batch, fields 75 and 77).
     */
    private boolean inCountedBatch(final int entry)
    {
        final long batch = transactions.posBatch(entry);
        // A UnionPay POS sale of a terminal the settings no longer have (in replay) is of no batch the switch counts.
        final int terminal = transactions.terminal(entry);
        return batch < 0 || terminal >= 0 && batch == countedBatches[terminal];
    }

    /**
     * Reads the card number into {@link #pan}: field 2, or when a terminal sends only track 2 (a UnionPay POS swipe),
     * the characters before the track's separator ({@link Track2}: none, or more than 19, and there is no card number).
     * In replay such a request comes back without its track 2, which the journal never holds: the PAN the journal
     * sealed from it stands in, and the message is left as it was (no field 2 made up: answers echo field 2). False
     * when the request carries no card number.
     */
    private boolean findPan(final SwitchEvent event, final MessageReader request)
    {
        if (request.has(2))
        {
            panField = 2;
            panDigits = request.getText(2, pan, 0);
            return true;
        }
        panField = Track2.FIELD;
        if (request.has(Track2.FIELD))
        {
            panDigits = Track2.panLength(request, Track2.FIELD);
            for (int i = 0; i < panDigits; i++)
            {
                pan.putByte(i, request.charAt(Track2.FIELD, i));
            }
            return panDigits > 0;
        }
        final JournalRecord recorded = event.recorded();
        if (recorded != null && recorded.hasInput() && recorded.isPanFromTrack(JournalRecord.INPUT))
        {
            panDigits = recorded.decryptPan(JournalRecord.INPUT, pan, 0);
            return true;
        }
        return false;
    }

    private boolean panValid()
    {
        final int digits = panDigits;
        if (digits < 12 || digits > 19)
        {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < digits; i++)
        {
            final int c = pan.getByte(digits - 1 - i) - '0';
            if (c < 0 || c > 9)
            {
                return false;
            }
            final int d = (i & 1) == 1 ? c * 2 : c;
            sum += d > 9 ? d - 9 : d;
        }
        return sum % 10 == 0;
    }

    private static void putDigits(final MutableDirectBuffer dst, final int offset, final int value, final int digits)
    {
        int v = value;
        for (int i = digits - 1; i >= 0; i--, v /= 10)
        {
            dst.putByte(offset + i, (byte)('0' + v % 10));
        }
    }

    private void decide(final SwitchEvent event, final String responseCode, final Outcome outcome, final int issuer, final int stan)
    {
        if (outcome == Outcome.UNMATCHED)
        {
            unmatchedAnswers.incrementAndGet();
        }
        final int flags = (macRefused ? Decision.MAC_REFUSED : 0) | (pinRefused ? Decision.PIN_REFUSED : 0) | decisionFlags;
        event.decisionLength(Decision.write(event.decision(), responseCode, outcome, flags, issuer, stan, event.endpoint()));
    }

    /** An acquirer connection: which listener it came in on and whether it has signed on (where terminals do not MAC). */
    private static final class AcquirerSession
    {
        final int endpoint;
        boolean signedOn;
        /** Requests of this link with their issuer: each is answered on it, by the issuer or at its time-out. */
        int awaiting;
        /** The peer has finished sending ({@link EventType#ACQUIRER_INPUT_CLOSED}): closed after its last answer. */
        boolean inputClosed;

        AcquirerSession(final int endpoint)
        {
            this.endpoint = endpoint;
        }
    }
}
