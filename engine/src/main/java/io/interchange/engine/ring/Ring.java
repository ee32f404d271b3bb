package io.interchange.engine.ring;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.EpochNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;

import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;

/**
 * The one ring (DESIGN.md §2). Links and the ticker publish; four handlers consume in order:
 * <ol>
 *   <li>{@link DecodeHandler}: index the frame with the codec flyweight;</li>
 *   <li>the switch handler: the single writer of switch state, decides and writes the outputs into the slot; just before
 *       it, on its thread, each acquirer message is stamped with how long it waited since its link read it
 *       ({@link WaitStamp});</li>
 *   <li>{@link JournalHandler}: one journal record per event;</li>
 *   <li>{@link EgressHandler}: the outputs to their links, only after the record is appended; none at all once the journal
 *       has failed ({@link #journalFailure}).</li>
 * </ol>
 * Each handler has a thread of its own, or all four share one ({@link OneThreadHandler}) where the machine has
 * too few cores for a thread per stage. Publishing never blocks an I/O thread: {@link #tryClaim} refuses when the
 * ring is full and the link stops reading until it drains (back-pressure, not an unbounded queue).
 */
public final class Ring implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Ring.class);

    /** Returned by {@link #tryClaim} when the ring is full. */
    public static final long FULL = -1;

    private final Disruptor<SwitchEvent> disruptor;
    /** The ring's own threads, joined at close: none may be inside the journal when it closes (its mapped files go). */
    private final List<Thread> ringThreads = new CopyOnWriteArrayList<>();
    private final RingBuffer<SwitchEvent> ringBuffer;
    private final ExecutorService eventLoop;
    private final EventPoller<SwitchEvent> poller;
    private final EventPoller.Handler<SwitchEvent> pollHandler;
    /** How long a link the ring was full for waits before it tries again, unless the ring is on its loop ({@link #whenRoom}). */
    private static final long RETRY_MICROS = 200;

    private final AtomicBoolean pollScheduled = new AtomicBoolean();
    // Polls queued (counted once the loop has them) and polls begun (on the loop): a link's retry goes straight behind a
    // poll only when one is surely in the loop's queue, not when another thread (the ticker) has set pollScheduled and
    // not yet queued its poll, where the retry would run again and again ahead of it (whenRoom).
    private final AtomicLong pollsQueued = new AtomicLong();
    private volatile long pollsBegun;
    private final Runnable pollTask = this::poll;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong handlerFailures = new AtomicLong();
    private final TimeInSwitch timeInSwitch;
    private final int frameCapacity;
    private final JournalHandler journaling;
    private final CompletableFuture<Throwable> journalFailure = new CompletableFuture<>();

    /**
     * @param size            slots, a power of two.
     * @param frameCapacity   bytes of input frame per slot (the largest frame a listener accepts).
     * @param outputCapacity  bytes of output frames per slot.
     * @param waitStrategy    blocking, sleeping, yielding or busy-spin: how idle handlers wait.
     * @param threadPerStage  a thread for each of the four handlers, or one thread for all four.
     * @param clock           the clock the links stamp events with, for {@link #timeInSwitch()} and each request's wait.
     * @param eventLoop       null for the ring's own threads; else the links' one event loop, which then runs the four
     *                        stages itself, as {@link OneThreadHandler} does, after the reads that published them: no
     *                        hand-off between threads inside the switch at all ({@code waitStrategy} and
     *                        {@code threadPerStage} then do not apply). Every link must be on this loop.
     */
    public Ring(
        final int size, final int frameCapacity, final int outputCapacity, final String waitStrategy, final boolean threadPerStage,
        final List<Dialect> dialects, final EventHandler<SwitchEvent> switchHandler, final EventJournal journal, final Egress egress,
        final EpochNanoClock clock, final ExecutorService eventLoop)
    {
        timeInSwitch = new TimeInSwitch(clock, size);
        this.frameCapacity = frameCapacity;
        this.eventLoop = eventLoop;
        final LoggingExceptionHandler failures = new LoggingExceptionHandler();
        journaling = new JournalHandler(journal, this::journalFailed);
        if (eventLoop != null)
        {
            // Nobody waits on this ring: the loop polls it. Busy-spin's signal is a no-op, so publishing costs no lock.
            disruptor = null;
            final MessageReader[] readers = SwitchEvent.readersOf(dialects);
            ringBuffer = RingBuffer.createMultiProducer(() -> new SwitchEvent(frameCapacity, outputCapacity, readers), size, new BusySpinWaitStrategy());
            poller = ringBuffer.newPoller();
            ringBuffer.addGatingSequences(poller.getSequence());
            final OneThreadHandler stages = new OneThreadHandler(ringBuffer, failures, new DecodeHandler(), new WaitStamp(clock, switchHandler),
                journaling, new EgressHandler(egress, timeInSwitch, journaling));
            pollHandler = (event, sequence, endOfBatch) ->
            {
                stages.onEvent(event, sequence, endOfBatch);
                return true;
            };
            return;
        }
        poller = null;
        pollHandler = null;
        final ThreadFactory threads = new ThreadFactory()
        {
            private int count;

            @Override
            public Thread newThread(final Runnable r)
            {
                final Thread thread = new Thread(r, "ring-" + count++);
                thread.setDaemon(true);
                ringThreads.add(thread);
                return thread;
            }
        };
        // One thread decodes, switches and journals each event before the next: then the slots share their readers.
        final MessageReader[] shared = threadPerStage ? null : SwitchEvent.readersOf(dialects);
        disruptor = new Disruptor<>(() -> shared == null ? new SwitchEvent(frameCapacity, outputCapacity, dialects) :
            new SwitchEvent(frameCapacity, outputCapacity, shared), size, threads, ProducerType.MULTI, waitStrategy(waitStrategy));
        disruptor.setDefaultExceptionHandler(failures);
        if (threadPerStage)
        {
            disruptor.handleEventsWith(new DecodeHandler())
                .then(new WaitStamp(clock, switchHandler))
                .then(journaling)
                .then(new EgressHandler(egress, timeInSwitch, journaling));
        }
        else
        {
            disruptor.handleEventsWith(new OneThreadHandler(disruptor.getRingBuffer(), failures,
                new DecodeHandler(), new WaitStamp(clock, switchHandler), journaling, new EgressHandler(egress, timeInSwitch, journaling)));
        }
        ringBuffer = disruptor.start();
    }

    private void journalFailed(final Throwable cause)
    {
        LOG.error("the journal failed: nothing more leaves this switch, for nothing may leave unjournaled", cause);
        journalFailure.complete(cause);
    }

    /**
     * Completes, with its cause, when the journal fails ({@link JournalHandler}): from then on the ring's events are
     * neither journaled nor answered. Its owner stops the node; completed on the ring's thread, so what it runs there
     * must not block ({@code whenCompleteAsync}).
     */
    public CompletableFuture<Throwable> journalFailure()
    {
        return journalFailure;
    }

    public static WaitStrategy waitStrategy(final String name)
    {
        return switch (name.toLowerCase(Locale.ROOT))
        {
            case "blocking" -> new BlockingWaitStrategy();
            case "sleeping" -> new SleepingWaitStrategy();
            case "yielding" -> new YieldingWaitStrategy();
            case "busy-spin" -> new BusySpinWaitStrategy();
            default -> throw new IllegalArgumentException("unknown wait strategy '" + name + "': blocking, sleeping, yielding or busy-spin");
        };
    }

    /** Claims a slot to fill, or {@link #FULL}. Fill it with {@link #slot}, then {@link #publish}. */
    public long tryClaim()
    {
        try
        {
            return ringBuffer.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return FULL; // a shared instance: refusing costs no allocation
        }
    }

    public SwitchEvent slot(final long sequence)
    {
        return ringBuffer.get(sequence);
    }

    public void publish(final long sequence)
    {
        ringBuffer.publish(sequence);
        if (eventLoop != null && pollScheduled.compareAndSet(false, true))
        {
            // From the loop itself this queues a task behind the reads in hand (no wake-up): their events go as one batch.
            eventLoop.execute(pollTask);
            pollsQueued.incrementAndGet();
        }
    }

    /** Event-loop ring: everything published so far through the four stages. */
    private void poll()
    {
        pollScheduled.set(false);
        pollsBegun = pollsBegun + 1; // on the loop only
        try
        {
            poller.poll(pollHandler);
        }
        catch (final Exception ex)
        {
            // OneThreadHandler catches each stage's failure; nothing else in a poll throws.
            handlerFailures.incrementAndGet();
            LOG.error("ring poll failed", ex);
        }
    }

    /** Publishes an event without a frame (tick, link up or down), or returns false when the ring is full. */
    public boolean tryPublish(final int type, final long timestampNanos, final int linkId, final int endpoint)
    {
        final long sequence = tryClaim();
        if (sequence == FULL)
        {
            return false;
        }
        ringBuffer.get(sequence).reset(type, timestampNanos, linkId, endpoint, -1);
        publish(sequence);
        return true;
    }

    /** Bytes of input frame a slot holds: no link may accept a frame longer. */
    public int frameCapacity()
    {
        return frameCapacity;
    }

    /**
     * Runs {@code retry} on {@code loop}, the event loop of a link the ring was full for, once the ring may have room
     * again. On a ring that loop polls itself, right after the poll already queued there, which drains it: the link
     * loses no time, and the loop's task queue takes the task as it is, where a timer's task is allocated at every
     * retry. Otherwise (a ring of its own threads, or no poll surely queued yet) after {@link #RETRY_MICROS}.
     */
    public void whenRoom(final ScheduledExecutorService loop, final Runnable retry)
    {
        if (loop == eventLoop && pollsQueued.get() > pollsBegun)
        {
            loop.execute(retry);
        }
        else
        {
            loop.schedule(retry, RETRY_MICROS, TimeUnit.MICROSECONDS);
        }
    }

    /** Counts a claim refused because the ring was full; links call it when they stop reading. */
    public void refused()
    {
        refused.incrementAndGet();
    }

    public long refusedCount()
    {
        return refused.get();
    }

    /** Each message's time from receipt to hand-off to its links, as recorded by the egress stage. */
    public TimeInSwitch timeInSwitch()
    {
        return timeInSwitch;
    }

    public long handlerFailures()
    {
        return handlerFailures.get();
    }

    public long remainingCapacity()
    {
        return ringBuffer.remainingCapacity();
    }

    public int size()
    {
        return ringBuffer.getBufferSize();
    }

    /**
     * Stops after every published event has been through all four handlers, and the ring's threads have ended (at most
     * 10 s for them all: see {@link #stopped}).
     */
    @Override
    public void close()
    {
        close(TimeUnit.SECONDS.toMillis(10));
    }

    void close(final long drainMillis)
    {
        if (eventLoop != null)
        {
            drainOnEventLoop();
            return;
        }
        try
        {
            disruptor.shutdown(drainMillis, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            LOG.warn("ring did not drain in {} ms; halting", drainMillis);
            disruptor.halt();
        }
        // Halted, a ring thread still finishes the batch it has (events published after the drain's last look, by links
        // still up): the journal must not close under it, or its append writes into a file no longer mapped (SIGSEGV).
        // One deadline for them all; an interrupt (a shutdown hook's) does not cut the wait short, but is kept.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean interrupted = false;
        for (final Thread thread : ringThreads)
        {
            long left = deadline - System.nanoTime();
            while (thread.isAlive() && left > 0)
            {
                try
                {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
                left = deadline - System.nanoTime();
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * After {@link #close}: whether no thread of the ring is still running, so that what its handlers use (the journal)
     * can be closed. False when one is stuck (a journal that does not return from a write).
     */
    public boolean stopped()
    {
        for (final Thread thread : ringThreads)
        {
            if (thread.isAlive())
            {
                return false;
            }
        }
        return true;
    }

    private void drainOnEventLoop()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try
        {
            while (poller.getSequence().get() < ringBuffer.getCursor() && System.nanoTime() < deadline)
            {
                final Future<?> poll = eventLoop.submit(pollTask);
                pollsQueued.incrementAndGet();
                poll.get(10, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | java.util.concurrent.TimeoutException | RuntimeException ex)
        {
            // RuntimeException: the loop already shut down (rejected), or close() called on the loop itself (Netty refuses the wait).
            LOG.warn("ring did not drain: {}", ex.toString());
        }
        if (poller.getSequence().get() < ringBuffer.getCursor())
        {
            LOG.warn("ring did not drain in 10 s: {} events left", ringBuffer.getCursor() - poller.getSequence().get());
        }
    }

    /** A handler that throws loses that event's work for that stage, never the ring: it is logged and counted. */
    private final class LoggingExceptionHandler implements ExceptionHandler<SwitchEvent>
    {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final SwitchEvent event)
        {
            handlerFailures.incrementAndGet();
            LOG.error("ring handler failed at sequence {} ({} from link {})", sequence, EventType.name(event.type()), event.linkId(), ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            LOG.error("ring handler failed to start", ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            LOG.error("ring handler failed to stop", ex);
        }
    }
}
