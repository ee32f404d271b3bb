package io.interchange.tools.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.frame.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * One TCP connection to the switch and the simulated terminals on it: signs on, sends the run's requests, reads
 * and checks every answer. All of it runs on the connection's event loop; {@link LoadRun} talks to it only by
 * tasks on that loop ({@link #start}, {@link #stopAt}, {@link #finish}) and by reading its {@link ConnectionStats}.
 *
 * <h2>When requests go</h2>
 * Closed loop: {@code window} requests at the start, then one for each answer (or time-out), sent with the
 * answers of the same read and flushed once. Open loop: request {@code k} of connection {@code c} of {@code m} is
 * due at {@code start + (k·m + c) / rate} seconds, so the connections' requests interleave evenly; a timer sends
 * whatever is due (up to {@value #MAX_BURST} at a time), flushes, and sleeps until the next is due. A request that
 * goes late (the loop was busy, the socket full, or its card resting) keeps its due time, and its latency is
 * measured from it: the delay is the system's, not hidden (coordinated omission). The timer is set a little early
 * ({@link #EARLY_NANOS}), since every wake-up is late by the thread's timer slack; a request that goes before it is
 * due is timed from when it went.
 *
 * <h2>What is checked</h2>
 * Every answer is found by its STAN; its MTI must be the request's plus 10, its field 39 the case's
 * ({@link TransactionCase#expectedCode()}) and its field 41 the terminal id sent. Anything else is a mismatch,
 * counted and kept word for word (up to a few); an answer to nothing waiting is unexpected; a request without an
 * answer after the time-out is lost. What came back as expected moves the terminal on: a purchase may be voided,
 * a pre-authorization is completed, and the batch totals count it.
 *
 * <p>Nothing is allocated per message: requests are written by the codec's writer into one buffer and copied
 * into the batch being written, answers copied out of Netty's buffer into another and read by a reused reader.
 */
final class LoadConnection extends ByteToMessageDecoder
{
    /** The most requests sent in one go by the open loop's timer, so that answers are still read in between. */
    static final int MAX_BURST = 1_024;
    /** Bytes of requests gathered before they are written out even in the middle of a burst. */
    private static final int BATCH_FLUSH = 32 * 1024;
    private static final int BATCH_CAPACITY = 8 * 1024;
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * How much earlier than due the open loop's timer asks to be woken, and a request may go: about the timer slack
     * of a Linux thread (50 us), by which every wake-up is late. A request that goes early is timed from when it
     * went, one that goes late from when it was due, so neither way hides time from the latency.
     */
    private static final long EARLY_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int SIGN_ON = 1;
    private static final int AUTH_CODE = 6;

    private final LoadPlan plan;
    private final LoadOptions options;
    private final OpenLoopSchedule schedule;
    private final int number;
    private final SimTerminal[] terminals;
    private final Mix mix;
    private final Framing framing;
    private final int headerSize;
    private final long timeoutNanos;
    private final RequestEncoder encoder;
    private final MessageReader reader;
    private final Outstanding outstanding;
    private final ConnectionStats stats = new ConnectionStats();
    private final UnsafeBuffer inbound;
    private final UnsafeBuffer outbound;
    private final CompletableFuture<Void> signedOn = new CompletableFuture<>();
    private final int[] spent;

    // Completions owed for approved pre-authorizations, first in first out, sent before any new request.
    private int[] completionTerminals = new int[64];
    private int[] completionCards = new int[64];
    private long[] completionAmounts = new long[64];
    private int[] completionStans = new int[64];
    private long[] completionTransmissions = new long[64];
    private UnsafeBuffer completionAuthCodes = new UnsafeBuffer(new byte[64 * AUTH_CODE]);
    private int completionHead;
    private int completionCount;

    private ChannelHandlerContext ctx;
    private ByteBuf batch;
    private int signOnStan = -1;
    private boolean started;
    private boolean sending;
    private boolean closing;
    private long startNanos;
    private long measureFrom;
    private long stopAt = Long.MAX_VALUE;
    private long sendIndex;
    private int owed;
    private boolean timerSet;
    private long waitUntil;
    private int nextTerminal;
    private ScheduledFuture<?> sweeper;

    LoadConnection(final LoadPlan plan, final int number, final SimTerminal[] terminals)
    {
        this.plan = plan;
        this.options = plan.options();
        this.schedule = new OpenLoopSchedule(options.rate(), options.warmup());
        this.number = number;
        this.terminals = terminals.clone();
        this.mix = options.mix();
        this.framing = options.framing();
        this.headerSize = framing.lengthHeader().size();
        this.timeoutNanos = options.timeout().toNanos();
        this.encoder = new RequestEncoder(plan);
        this.reader = new MessageReader(options.dialect());
        final int expected = options.mode() == LoadMode.CLOSED ? options.window() * 2 :
            (int)Math.min(1 << 20, (long)options.rate() / options.connections() + 64);
        this.outstanding = new Outstanding(expected);
        this.inbound = new UnsafeBuffer(new byte[headerSize + framing.maxFrameLength()]);
        this.outbound = new UnsafeBuffer(new byte[headerSize + framing.maxFrameLength()]);
        this.spent = plan.spent();
    }

    ConnectionStats stats()
    {
        return stats;
    }

    /** Completes once the switch has answered the sign-on 00; fails if it refuses or the link closes first. */
    CompletableFuture<Void> signedOn()
    {
        return signedOn;
    }

    @Override
    public void channelActive(final ChannelHandlerContext context) throws Exception
    {
        ctx = context;
        encoder.clock(System.currentTimeMillis());
        signOnStan = terminals[0].nextStan();
        send(encoder.network(outbound, headerSize, signOnStan, SIGN_ON));
        flush();
        super.channelActive(context);
    }

    /**
     * Starts sending (on the loop): the run starts at {@code start}, measures from {@code measure} and stops
     * sending at {@code stop}, all System.nanoTime.
     */
    void start(final long start, final long measure, final long stop)
    {
        startNanos = start;
        measureFrom = measure;
        stopAt = stop;
        started = true;
        sending = true;
        owed = options.mode() == LoadMode.CLOSED ? options.window() : 0;
        sweeper = ctx.executor().scheduleAtFixedRate(this::sweep, SWEEP_NANOS, SWEEP_NANOS, TimeUnit.NANOSECONDS);
        wakeAt(options.mode() == LoadMode.OPEN ? due(0) : start);
    }

    /** Brings the end of sending forward to {@code stop} (on the loop). */
    void stopAt(final long stop)
    {
        stopAt = Math.min(stopAt, stop);
    }

    /**
     * Ends the connection's part (on the loop): every request still waiting is lost, the connection closes, and
     * what it counted is returned.
     */
    Result finish()
    {
        stopSending();
        if (sweeper != null)
        {
            sweeper.cancel(false);
        }
        for (int slot = 0; slot < outstanding.highWater(); slot++)
        {
            if (outstanding.inUse(slot))
            {
                lose(slot);
            }
        }
        if (options.mode() == LoadMode.OPEN && started)
        {
            neverSent(System.nanoTime());
        }
        closing = true;
        releaseBatch();
        if (ctx != null)
        {
            ctx.close();
        }
        final List<TerminalBatch> batches = new ArrayList<>(terminals.length);
        for (final SimTerminal terminal : terminals)
        {
            batches.add(terminal.batch());
        }
        return new Result(stats.counters(), stats.measured().copy(), stats.sendLagHistogram().copy(), stats.roundTripHistogram().copy(),
            List.copyOf(stats.samples()), batches);
    }

    /** What a finished connection counted, measured and kept. */
    record Result(long[] counters, Histogram measured, Histogram sendLag, Histogram roundTrip, List<String> samples, List<TerminalBatch> batches)
    {
    }

    // ---------------------------------------------------------------- sending

    /** When request {@code k} of this connection is due in open loop: the connections take turns (OpenLoopSchedule). */
    private long due(final long k)
    {
        return startNanos + schedule.dueNanos(k * options.connections() + number);
    }

    private void wakeAt(final long nanos)
    {
        if (timerSet || closing)
        {
            return;
        }
        timerSet = true;
        ctx.executor().schedule(this::wake, Math.max(0, nanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void wake()
    {
        timerSet = false;
        if (options.mode() == LoadMode.OPEN)
        {
            sendDue();
        }
        else
        {
            fill();
        }
        flush();
    }

    /** Open loop: sends what is due, then sets the timer for the next. */
    private void sendDue()
    {
        if (!sending || closing)
        {
            return;
        }
        encoder.clock(System.currentTimeMillis());
        for (int burst = 0; burst < MAX_BURST; burst++)
        {
            final long due = due(sendIndex);
            if (due >= stopAt)
            {
                stopSending();
                return;
            }
            final long now = System.nanoTime();
            if (due > now + EARLY_NANOS)
            {
                wakeAt(due - EARLY_NANOS);
                return;
            }
            if (!ctx.channel().isWritable())
            {
                // channelWritabilityChanged wakes it once the socket drains.
                return;
            }
            if (!sendOne(due, now))
            {
                wakeAt(waitUntil);
                return;
            }
            sendIndex++;
        }
        flush();
        wakeAt(System.nanoTime());
    }

    /** Closed loop: sends what the window is owed, from the run's start on. */
    private void fill()
    {
        if (!sending || closing)
        {
            return;
        }
        if (System.nanoTime() < startNanos)
        {
            // The sweeper, a read or a writability change may call before the start, which LoadRun put in the next whole
            // second so that no request shares a field 7 with the run before (same terminal and STAN there: 94).
            wakeAt(startNanos);
            return;
        }
        encoder.clock(System.currentTimeMillis());
        while (owed > 0)
        {
            final long now = System.nanoTime();
            if (now >= stopAt)
            {
                stopSending();
                return;
            }
            if (!ctx.channel().isWritable())
            {
                return;
            }
            if (!sendOne(now, now))
            {
                wakeAt(waitUntil);
                return;
            }
            owed--;
        }
    }

    private void stopSending()
    {
        sending = false;
        completionCount = 0;
        stats.set(ConnectionStats.SENDING_DONE, 1);
    }

    /**
     * Sends one request due at {@code due}: a completion owed, else a new one from the mix. False when every
     * terminal's next card is still resting; {@link #waitUntil} then says when one will be free.
     */
    private boolean sendOne(final long due, final long now)
    {
        if (completionCount > 0)
        {
            sendCompletion(due, now);
            return true;
        }
        waitUntil = Long.MAX_VALUE;
        for (int tried = 0; tried < terminals.length; tried++)
        {
            final int local = nextTerminal;
            final SimTerminal terminal = terminals[local];
            nextTerminal = local + 1 == terminals.length ? 0 : local + 1;
            TransactionCase c = draw(terminal);
            if (c == TransactionCase.VOID)
            {
                final int stan = freeStan(terminal);
                final int length = encoder.reversal(outbound, headerSize, terminal, stan);
                terminal.voided();
                sent(length, stan, local, c, due, now, terminal.voidAmount(), terminal.voidCard());
                return true;
            }
            final int card = terminal.pick(c, now);
            if (card < 0)
            {
                waitUntil = Math.min(waitUntil, terminal.availableAt(c));
                continue;
            }
            long amount = terminal.amount(c);
            if (c == TransactionCase.PURCHASE || c == TransactionCase.PREAUTH)
            {
                if (spent[card] + amount > plan.cap(card))
                {
                    stats.increment(ConnectionStats.SUBSTITUTED);
                    c = TransactionCase.BALANCE;
                    amount = 0;
                }
                else
                {
                    spent[card] += (int)amount;
                }
            }
            final int stan = freeStan(terminal);
            final int length = encoder.request(outbound, headerSize, c, terminal, card, amount, stan);
            sent(length, stan, local, c, due, now, amount, card);
            return true;
        }
        stats.increment(ConnectionStats.CARD_WAITS);
        return false;
    }

    private void sendCompletion(final long due, final long now)
    {
        final int i = completionHead;
        completionHead = completionHead + 1 == completionTerminals.length ? 0 : completionHead + 1;
        completionCount--;
        final int local = completionTerminals[i];
        final SimTerminal terminal = terminals[local];
        final int stan = freeStan(terminal);
        final int length = encoder.completion(outbound, headerSize, terminal, completionCards[i], completionAmounts[i], stan,
            completionStans[i], completionTransmissions[i], completionAuthCodes, i * AUTH_CODE);
        sent(length, stan, local, TransactionCase.COMPLETION, due, now, completionAmounts[i], completionCards[i]);
    }

    /**
     * The terminal's next STAN that no request of this connection still waits on: after 999,999 requests STANs come
     * round again, and one may meet a request still waiting out its time-out (only its own terminal, and so only
     * this connection, uses it).
     */
    private int freeStan(final SimTerminal terminal)
    {
        int stan = terminal.nextStan();
        while (outstanding.find(stan) != Outstanding.NONE)
        {
            stan = terminal.nextStan();
        }
        return stan;
    }

    private TransactionCase draw(final SimTerminal terminal)
    {
        return switch (mix.share(terminal.random().nextInt(mix.total())))
        {
            case PURCHASE -> TransactionCase.PURCHASE;
            case PREAUTH -> TransactionCase.PREAUTH;
            case REFUND -> TransactionCase.REFUND;
            case BALANCE -> TransactionCase.BALANCE;
            // Nothing to void yet (or the last purchase is voided already): a purchase instead, to void later.
            case VOID -> terminal.voidable() ? TransactionCase.VOID : TransactionCase.PURCHASE;
            case DECLINE -> terminal.nextDecline();
            case MALFORMED -> terminal.nextMalformed();
        };
    }

    /** Puts the request just written into the batch and remembers it. */
    private void sent(
        final int length, final int stan, final int local, final TransactionCase c, final long due, final long now, final long amount, final int card)
    {
        send(length);
        final boolean measured = due >= measureFrom && due < stopAt;
        outstanding.add(stan, local, c, measured, Math.min(due, now), now, amount, encoder.transmission(), card);
        stats.increment(ConnectionStats.SENT);
        stats.caseCount(c, ConnectionStats.CASE_SENT);
        if (measured)
        {
            stats.increment(ConnectionStats.MEASURED_SENT);
            if (options.mode() == LoadMode.OPEN)
            {
                stats.sendLag(Math.max(0, now - due));
            }
        }
        stats.set(ConnectionStats.OUTSTANDING, outstanding.size());
    }

    /** Frames the message of {@code length} bytes in {@link #outbound} and adds it to the batch. */
    private void send(final int length)
    {
        framing.writeLength(outbound, 0, length);
        if (batch == null)
        {
            batch = ctx.alloc().ioBuffer(BATCH_CAPACITY);
        }
        batch.writeBytes(outbound.byteArray(), 0, headerSize + length);
        if (batch.readableBytes() >= BATCH_FLUSH)
        {
            flush();
        }
    }

    private void flush()
    {
        if (batch != null)
        {
            final ByteBuf requests = batch;
            batch = null;
            ctx.writeAndFlush(requests, ctx.voidPromise());
        }
    }

    private void releaseBatch()
    {
        if (batch != null)
        {
            batch.release();
            batch = null;
        }
    }

    // ---------------------------------------------------------------- receiving

    @Override
    protected void decode(final ChannelHandlerContext context, final ByteBuf in, final List<Object> out)
    {
        while (!closing)
        {
            final int available = in.readableBytes();
            if (available < headerSize)
            {
                return;
            }
            final int start = in.readerIndex();
            in.getBytes(start, inbound.byteArray(), 0, headerSize);
            final int frameLength = framing.frameLength(inbound, 0, available);
            if (frameLength == Framing.NEED_MORE)
            {
                return;
            }
            if (framing.keepAlive(frameLength))
            {
                in.skipBytes(frameLength);
                continue;
            }
            if (frameLength < 0)
            {
                stats.increment(ConnectionStats.UNDECODABLE);
                linkError("a frame from the switch has an impossible length header: the link closes");
                context.close();
                break;
            }
            in.getBytes(start, inbound.byteArray(), 0, frameLength);
            in.skipBytes(frameLength);
            answer(framing.messageLength(frameLength));
        }
        in.skipBytes(in.readableBytes());
    }

    private void answer(final int length)
    {
        final long now = System.nanoTime();
        final DecodeError error = reader.wrap(inbound, headerSize, length);
        if (reader.mti() < 0 || !reader.has(11))
        {
            stats.increment(ConnectionStats.UNDECODABLE);
            stats.sample("an answer without a STAN that reads: " + error + " at field " + reader.errorField());
            return;
        }
        final int stan = (int)reader.getLong(11);
        if (stan == signOnStan && reader.mti() == Mti.NETWORK_MANAGEMENT_RESPONSE)
        {
            signOnAnswered();
            return;
        }
        final int slot = outstanding.find(stan);
        if (slot == Outstanding.NONE)
        {
            stats.increment(ConnectionStats.UNEXPECTED);
            stats.sample("an answer to no request waiting (late, after its time-out?): " + Mti.toString(reader.mti()) + " STAN " + stan);
            return;
        }
        final TransactionCase c = outstanding.transactionCase(slot);
        final boolean measured = outstanding.measured(slot);
        stats.latency(now - outstanding.from(slot), now - outstanding.sent(slot), measured);
        stats.increment(ConnectionStats.ANSWERED);
        if (measured)
        {
            stats.increment(ConnectionStats.MEASURED_ANSWERED);
        }
        final boolean hasCode = reader.has(39) && reader.units(39) == 2;
        final byte first = hasCode ? reader.charAt(39, 0) : (byte)'?';
        final byte second = hasCode ? reader.charAt(39, 1) : (byte)'?';
        stats.code(first, second);
        final String expected = c.expectedCode();
        final SimTerminal terminal = terminals[outstanding.terminal(slot)];
        final boolean ok = error == DecodeError.NONE && reader.mti() == c.responseMti() && first == expected.charAt(0) &&
            second == expected.charAt(1) && (!c.echoesTerminal() || sameText(41, terminalOf(c, terminal).terminalId()));
        if (ok)
        {
            stats.caseCount(c, ConnectionStats.CASE_OK);
            followUp(slot, c, terminal);
        }
        else
        {
            stats.increment(ConnectionStats.MISMATCHES);
            stats.caseCount(c, ConnectionStats.CASE_WRONG);
            stats.sample(mismatch(c, terminal, stan, error));
        }
        outstanding.remove(slot);
        stats.set(ConnectionStats.OUTSTANDING, outstanding.size());
        owed++;
    }

    private LoadPlan.Acceptor terminalOf(final TransactionCase c, final SimTerminal terminal)
    {
        return switch (c)
        {
            case BLOCKED_MCC -> plan.blockedMcc();
            case SUSPENDED_MERCHANT -> plan.suspended();
            default -> terminal.acceptor();
        };
    }

    /** Whether the answer's field is {@code expected}, padded with spaces as a fixed field is. */
    private boolean sameText(final int field, final String expected)
    {
        if (!reader.has(field))
        {
            return false;
        }
        final int units = reader.units(field);
        if (units < expected.length())
        {
            return false;
        }
        for (int i = 0; i < units; i++)
        {
            final char wanted = i < expected.length() ? expected.charAt(i) : ' ';
            if (reader.charAt(field, i) != wanted)
            {
                return false;
            }
        }
        return true;
    }

    private String mismatch(final TransactionCase c, final SimTerminal terminal, final int stan, final DecodeError error)
    {
        final StringBuilder text = new StringBuilder(120);
        text.append(c.label()).append(" STAN ").append(stan).append(" from ").append(terminalOf(c, terminal).terminalId())
            .append(": expected ").append(Mti.toString(c.responseMti())).append(" 39=").append(c.expectedCode())
            .append(", got ").append(Mti.toString(reader.mti()));
        if (error != DecodeError.NONE)
        {
            // One wrong bitmap bit shifts every field after it: what reads as 41 can be the card number the switch
            // echoed in field 2, and the report goes to files people share (MessageReader.toString shows none either).
            return text.append(" that does not decode: ").append(error).append(" at field ").append(reader.errorField())
                .append(" (values not shown)").toString();
        }
        text.append(" 39=").append(reader.has(39) ? reader.getString(39) : "(none)");
        text.append(" 41=").append(reader.has(41) ? reader.getString(41).strip() : "(none)");
        return text.toString();
    }

    /** An answer as expected: the terminal's state and batch move on as the switch's do. */
    private void followUp(final int slot, final TransactionCase c, final SimTerminal terminal)
    {
        final long amount = outstanding.amount(slot);
        switch (c)
        {
            case PURCHASE ->
            {
                terminal.approvedPurchase(outstanding.stan(slot), outstanding.transmission(slot), amount, outstanding.card(slot));
                terminal.count(TerminalBatch.DEBITS, amount);
            }
            case PREAUTH -> owe(slot, terminal);
            case COMPLETION -> terminal.count(TerminalBatch.DEBITS, amount);
            case REFUND -> terminal.count(TerminalBatch.CREDITS, amount);
            case VOID -> terminal.count(TerminalBatch.DEBIT_REVERSALS, amount);
            default ->
            {
                // Balance inquiries and declines change no batch.
            }
        }
    }

    /** Queues the completion of an approved pre-authorization: the same card, three quarters of its amount or more. */
    private void owe(final int slot, final SimTerminal terminal)
    {
        if (!sending)
        {
            return;
        }
        if (completionCount == completionTerminals.length)
        {
            growCompletions();
        }
        final int i = (completionHead + completionCount) % completionTerminals.length;
        final long amount = outstanding.amount(slot);
        completionTerminals[i] = outstanding.terminal(slot);
        completionCards[i] = outstanding.card(slot);
        completionAmounts[i] = amount - terminal.random().nextLong(amount / 4 + 1);
        completionStans[i] = outstanding.stan(slot);
        completionTransmissions[i] = outstanding.transmission(slot);
        final boolean hasCode = reader.has(38) && reader.units(38) == AUTH_CODE;
        for (int b = 0; b < AUTH_CODE; b++)
        {
            completionAuthCodes.putByte(i * AUTH_CODE + b, hasCode ? reader.charAt(38, b) : (byte)'0');
        }
        completionCount++;
    }

    private void growCompletions()
    {
        final int n = completionTerminals.length;
        final int[] terminalsCopy = new int[n * 2];
        final int[] cards = new int[n * 2];
        final long[] amounts = new long[n * 2];
        final int[] stans = new int[n * 2];
        final long[] transmissions = new long[n * 2];
        final UnsafeBuffer codes = new UnsafeBuffer(new byte[n * 2 * AUTH_CODE]);
        for (int k = 0; k < completionCount; k++)
        {
            final int from = (completionHead + k) % n;
            terminalsCopy[k] = completionTerminals[from];
            cards[k] = completionCards[from];
            amounts[k] = completionAmounts[from];
            stans[k] = completionStans[from];
            transmissions[k] = completionTransmissions[from];
            codes.putBytes(k * AUTH_CODE, completionAuthCodes, from * AUTH_CODE, AUTH_CODE);
        }
        completionTerminals = terminalsCopy;
        completionCards = cards;
        completionAmounts = amounts;
        completionStans = stans;
        completionTransmissions = transmissions;
        completionAuthCodes = codes;
        completionHead = 0;
    }

    private void signOnAnswered()
    {
        final boolean approved = reader.has(39) && reader.charAt(39, 0) == '0' && reader.charAt(39, 1) == '0';
        signOnStan = -1;
        if (approved)
        {
            signedOn.complete(null);
        }
        else
        {
            signedOn.completeExceptionally(new LoadException("the switch refused the sign-on of connection " + (number + 1) + ": 0810 with 39=" +
                (reader.has(39) ? reader.getString(39) : "(none)")));
        }
    }

    /** Every so often: requests past their time-out are lost; a closed loop refills what they held. */
    private void sweep()
    {
        final long now = System.nanoTime();
        for (int slot = 0; slot < outstanding.highWater(); slot++)
        {
            if (outstanding.inUse(slot) && now - outstanding.sent(slot) > timeoutNanos)
            {
                lose(slot);
                owed++;
            }
        }
        stats.set(ConnectionStats.OUTSTANDING, outstanding.size());
        if (started && sending && now >= stopAt && options.mode() == LoadMode.CLOSED)
        {
            stopSending();
        }
        if (options.mode() == LoadMode.CLOSED)
        {
            fill();
        }
        flush();
    }

    /**
     * Open loop: the requests due in the measured part that the generator, behind its schedule, had not sent by the
     * run's end. Each is lost, and in the latency figures at how late it is now: left out, a generator that fell behind
     * would show only the requests it managed to send, and the run could pass.
     */
    private void neverSent(final long now)
    {
        long unsent = 0;
        for (long k = sendIndex; ; k++)
        {
            final long due = due(k);
            if (due >= stopAt)
            {
                break;
            }
            if (due >= measureFrom)
            {
                unsent++;
                stats.increment(ConnectionStats.TIMEOUTS);
                stats.lost(now - due, now - due, true);
            }
        }
        if (unsent > 0)
        {
            stats.sample(unsent + " requests due in the measured part never sent: the generator was behind its schedule at the run's end");
        }
    }

    private void lose(final int slot)
    {
        final TransactionCase c = outstanding.transactionCase(slot);
        // In the latency figures too, at no less than the time-out: left out, the tail would look better than it was.
        final long now = System.nanoTime();
        stats.lost(Math.max(now - outstanding.from(slot), timeoutNanos), Math.max(now - outstanding.sent(slot), timeoutNanos),
            outstanding.measured(slot));
        stats.increment(ConnectionStats.TIMEOUTS);
        stats.caseCount(c, ConnectionStats.CASE_LOST);
        stats.sample(c.label() + " STAN " + outstanding.stan(slot) + " from " + terminals[outstanding.terminal(slot)].acceptor().terminalId() +
            ": no answer within " + options.timeout().toMillis() + " ms");
        outstanding.remove(slot);
        stats.set(ConnectionStats.OUTSTANDING, outstanding.size());
    }

    /**
     * Not ByteToMessageDecoder's: this decoder handles its messages in place and passes none on, which would make
     * that one ask for another read after every read (see IssuerConnection). Requests owed by the answers just
     * read (closed loop), or due by now (open loop: the loop is awake anyway, so they need not wait for the
     * timer), go out here, in one write.
     */
    @Override
    public void channelReadComplete(final ChannelHandlerContext context)
    {
        if (started)
        {
            if (options.mode() == LoadMode.CLOSED)
            {
                fill();
            }
            else
            {
                sendDue();
            }
        }
        flush();
        discardSomeReadBytes();
        context.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext context) throws Exception
    {
        if (context.channel().isWritable() && started)
        {
            // Sends held back while the socket was full go now; no timer is involved, so none is doubled.
            if (options.mode() == LoadMode.OPEN)
            {
                sendDue();
            }
            else
            {
                fill();
            }
            flush();
        }
        super.channelWritabilityChanged(context);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext context) throws Exception
    {
        if (!closing)
        {
            linkError("the switch closed connection " + (number + 1));
            closing = true;
            stopSending();
        }
        releaseBatch();
        signedOn.completeExceptionally(new LoadException("the switch closed connection " + (number + 1) + " before it signed on"));
        super.channelInactive(context);
    }

    @Override
    protected void handlerRemoved0(final ChannelHandlerContext context)
    {
        releaseBatch();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext context, final Throwable cause)
    {
        linkError("connection " + (number + 1) + " failed: " + cause);
        closing = true;
        context.close();
    }

    private void linkError(final String what)
    {
        stats.increment(ConnectionStats.LINK_ERRORS);
        stats.sample(what);
    }
}
