package io.interchange.engine.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.lmax.disruptor.EventHandler;
import io.interchange.codec.dialect.Dialects;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ring's promise in each threading (a thread per stage, one thread, the links' event loop): every event passes
 * every stage once, in order, and nothing leaves (egress) before the journal has appended it and ended the batch it
 * came in; a stage that throws loses that stage's work for that event only.
 */
class RingTest
{
    private static final int EVENTS = 20_000;
    private static final int POISON = 4_321;

    /** What the stages did, in the order they did it: appended(link), end of batch, sent(link). */
    private final List<long[]> log = new ArrayList<>();
    private ExecutorService loop;

    @ParameterizedTest(name = "threads: {0}")
    @ValueSource(strings = {"per-stage", "one", "event-loop"})
    void shouldSendEachEventOnlyAfterItsBatchIsJournaled(final String threads)
    {
        final Ring ring = ring(threads, new OffsetEpochNanoClock());
        try
        {
            for (int link = 0; link < EVENTS; link++)
            {
                while (!ring.tryPublish(EventType.TICK, link, link, 0))
                {
                    Thread.onSpinWait();
                }
            }
        }
        finally
        {
            ring.close(); // returns once every published event has been through all four stages
        }

        final List<long[]> entries;
        synchronized (log)
        {
            entries = new ArrayList<>(log);
        }
        final int[] appendedAt = new int[EVENTS];
        final int[] sentAt = new int[EVENTS];
        Arrays.fill(appendedAt, -1);
        Arrays.fill(sentAt, -1);
        int lastBatchEnd = -1;
        int sends = 0;
        for (int i = 0; i < entries.size(); i++)
        {
            final long[] entry = entries.get(i);
            final int link = (int)entry[1];
            if (entry[0] == 'J')
            {
                assertEquals(-1, appendedAt[link], "event " + link + " journaled twice");
                appendedAt[link] = i;
            }
            else if (entry[0] == 'B')
            {
                lastBatchEnd = i;
            }
            else
            {
                sends++;
                assertEquals(-1, sentAt[link], "event " + link + " sent twice");
                sentAt[link] = i;
                assertTrue(appendedAt[link] >= 0 && appendedAt[link] < lastBatchEnd,
                    "event " + link + " sent at " + i + " before its batch was journaled (appended at " + appendedAt[link] +
                    ", last batch end " + lastBatchEnd + ")");
            }
        }
        for (int link = 0; link < EVENTS; link++)
        {
            assertTrue(appendedAt[link] >= 0, "event " + link + " journaled");
            assertEquals(link != POISON, sentAt[link] >= 0, "event " + link + " sent, unless its switch stage failed");
        }
        assertEquals(EVENTS - 1, sends);
        assertEquals(1, ring.handlerFailures());
    }

    @ParameterizedTest(name = "threads: {0}")
    @ValueSource(strings = {"per-stage", "one", "event-loop"})
    void shouldTimeEachMessageThatSentSomethingFromReceiptToHandOff(final String threads)
    {
        // Every message "arrives" at 1 ms and is handed off when the clock reads 1.25 ms: 250 us each.
        final EpochNanoClock clock = () -> 1_250_000L;
        final Ring ring = ring(threads, clock);
        final int messages = 1_000;
        try
        {
            for (int link = 0; link < messages; link++)
            {
                // Ticks send nothing of their own to time; the poisoned message fails in the switch and sends nothing.
                publish(ring, EventType.TICK, link);
                publish(ring, EventType.ACQUIRER_MESSAGE, link);
                publish(ring, EventType.ACQUIRER_MESSAGE, POISON);
            }
        }
        finally
        {
            ring.close();
        }

        final Histogram taken = ring.timeInSwitch().takeInterval();
        assertEquals(messages, taken.getTotalCount(), "each message that sent something, once; not ticks, not the failed ones");
        assertEquals(250_000, taken.getValueAtPercentile(50), 250_000 / 1_000.0);
        assertEquals(250_000, taken.getMaxValue(), 250_000 / 1_000.0);
        assertEquals(0, ring.timeInSwitch().takeInterval().getTotalCount(), "taken once");
        assertEquals(messages, ring.timeInSwitch().sinceStart().getTotalCount(), "since start still counts them");
        assertEquals(messages, TimeInSwitch.summary(ring.timeInSwitch().sinceStart())[0]);
    }

    /**
     * Each acquirer message its link read is stamped with how long it waited since, on the switch's thread just before
     * the switch takes it: 6 s read at 4 s on a clock at 10 s less what the link read; nothing else gets a wait. The
     * clock is read at most once a batch.
     */
    @ParameterizedTest(name = "threads: {0}")
    @ValueSource(strings = {"per-stage", "one", "event-loop"})
    void shouldStampEachAcquirerMessageWithItsWaitReadingTheClockOnceABatch(final String threads)
    {
        final AtomicLong clockReads = new AtomicLong();
        final EpochNanoClock clock = () ->
        {
            clockReads.incrementAndGet();
            return 10_000_000_000L;
        };
        final List<long[]> waits = new ArrayList<>();
        // The switch stage's batches, which the wait stamp's are: with a thread per stage the journal's may be fewer.
        final AtomicLong batches = new AtomicLong();
        final EventHandler<SwitchEvent> switching = (event, sequence, endOfBatch) ->
        {
            synchronized (waits)
            {
                waits.add(new long[] {event.type(), event.linkId(), event.waitMicros()});
            }
            if (endOfBatch)
            {
                batches.incrementAndGet();
            }
        };
        final EventJournal journal = new EventJournal()
        {
            @Override
            public void append(final SwitchEvent event)
            {
            }

            @Override
            public void endOfBatch()
            {
            }
        };
        loop = threads.equals("event-loop") ? Executors.newSingleThreadExecutor() : null;
        final Ring ring = new Ring(256, 64, 256, "yielding", threads.equals("per-stage"), Dialects.all(), switching, journal, new Sink(), clock, loop);
        final int messages = 2_000;
        try
        {
            for (int link = 0; link < messages; link++)
            {
                publishRead(ring, EventType.ACQUIRER_MESSAGE, link, 4_000_000_000L + link * 1_000L);
                publishRead(ring, EventType.ISSUER_MESSAGE, link, 4_000_000_000L);
                publishRead(ring, EventType.ACQUIRER_MESSAGE, link, 0); // published by no link: replay, a test
            }
        }
        finally
        {
            ring.close();
        }
        final List<long[]> seen;
        synchronized (waits)
        {
            seen = new ArrayList<>(waits);
        }
        assertEquals(3 * messages, seen.size());
        for (int i = 0; i < seen.size(); i++)
        {
            final long[] wait = seen.get(i);
            final long expected = i % 3 == 0 ? 6_000_000L - wait[1] : 0;
            assertEquals(expected, wait[2], "event " + i + ", " + EventType.name((int)wait[0]) + " from link " + wait[1]);
        }
        assertTrue(clockReads.get() >= 1 && clockReads.get() <= batches.get(), clockReads.get() + " clock reads in " + batches.get() + " batches");
    }

    /**
     * The journal's disk fills up at event {@code FULL_DISK}, in its append or in the sync that ends its batch: that
     * event and every one after it leave nothing (nor is the journal tried again, which would leave a gap in it), the
     * ring drains all the same, and its owner hears of the failure once.
     */
    @ParameterizedTest(name = "threads: {0}, fails in {1}")
    @CsvSource({"per-stage, append", "per-stage, sync", "one, append", "one, sync", "event-loop, append", "event-loop, sync"})
    void shouldSendNothingMoreOnceTheJournalFails(final String threads, final String failsIn)
    {
        final int fullDisk = 5_000;
        final AtomicBoolean full = new AtomicBoolean();
        final AtomicBoolean failed = new AtomicBoolean();
        final AtomicLong triedAfter = new AtomicLong();
        final EventJournal journal = new EventJournal()
        {
            @Override
            public void append(final SwitchEvent event)
            {
                if (failed.get())
                {
                    triedAfter.incrementAndGet();
                }
                if (event.linkId() >= fullDisk && failsIn.equals("append"))
                {
                    failed.set(true);
                    throw new IllegalStateException("No space left on device (expected by the test)");
                }
                full.compareAndSet(false, event.linkId() >= fullDisk);
                record('J', event.linkId());
            }

            @Override
            public void endOfBatch()
            {
                if (failed.get())
                {
                    triedAfter.incrementAndGet();
                }
                if (full.get())
                {
                    failed.set(true);
                    throw new IllegalStateException("msync: No space left on device (expected by the test)");
                }
                record('B', -1);
            }
        };
        loop = threads.equals("event-loop") ? Executors.newSingleThreadExecutor() : null;
        final Ring ring = new Ring(256, 64, 256, "yielding", threads.equals("per-stage"), Dialects.all(), new Switch(), journal, new Sink(),
            new OffsetEpochNanoClock(), loop);
        try
        {
            for (int link = 0; link < EVENTS; link++)
            {
                publish(ring, EventType.TICK, link);
            }
        }
        finally
        {
            ring.close();
        }
        final List<long[]> entries;
        synchronized (log)
        {
            entries = new ArrayList<>(log);
        }
        int sent = 0;
        for (final long[] entry : entries)
        {
            if (entry[0] == 'E')
            {
                sent++;
                assertTrue(entry[1] < fullDisk, "event " + entry[1] + " sent after the journal failed");
            }
        }
        assertTrue(sent > 0 && sent <= fullDisk, sent + " sent");
        assertEquals(0, triedAfter.get(), "the journal is not tried again once it failed");
        assertTrue(ring.journalFailure().isDone(), "the ring's owner is told");
        assertTrue(ring.journalFailure().join().getMessage().contains("No space left on device"));
        assertEquals(1, ring.handlerFailures(), "the switch stage's poisoned event only: a failed journal is the node's failure, not a stage's");
    }

    private static void publishRead(final Ring ring, final int type, final int link, final long readNanos)
    {
        long sequence;
        while ((sequence = ring.tryClaim()) == Ring.FULL)
        {
            Thread.onSpinWait();
        }
        final SwitchEvent event = ring.slot(sequence);
        event.reset(type, 9_000_000_000L, link, 0, -1);
        event.readAt(readNanos);
        ring.publish(sequence);
    }

    /**
     * The ticker has claimed the ring's poll (pollScheduled) and not yet queued it on the loop when a link on the loop
     * is refused: the link's retry waits on the timer, since run at once it would find the ring as full, ahead of a poll
     * that is not there yet, and again and again until the ticker's thread ran (a review found the loop spinning so).
     * Once a poll is queued, a retry goes right behind it.
     */
    @Test
    void shouldRetryALinkBehindAQueuedPollOnlyAndOnTheTimerWhileAnotherThreadsPollIsNotQueuedYet() throws Exception
    {
        final Thread[] loopThread = new Thread[1];
        final CountDownLatch tickerHeld = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Runnable retry = () ->
        {
        };
        final List<String> paths = Collections.synchronizedList(new ArrayList<>());
        final ScheduledThreadPoolExecutor links = new ScheduledThreadPoolExecutor(1, r ->
        {
            loopThread[0] = new Thread(r, "links");
            return loopThread[0];
        })
        {
            @Override
            public void execute(final Runnable command)
            {
                if (command == retry)
                {
                    paths.add("behind the poll");
                }
                else if (Thread.currentThread() != loopThread[0] && release.getCount() > 0)
                {
                    tickerHeld.countDown(); // the ticker, between claiming the poll and queueing it: held off its CPU
                    try
                    {
                        release.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                }
                super.execute(command);
            }

            @Override
            public ScheduledFuture<?> schedule(final Runnable command, final long delay, final TimeUnit unit)
            {
                if (command == retry && delay > 0) // execute schedules with no delay
                {
                    paths.add("timer");
                }
                return super.schedule(command, delay, unit);
            }
        };
        links.prestartCoreThread();
        loop = links;
        final Ring ring = new Ring(4, 64, 256, "yielding", false, Dialects.all(), new Switch(), new Journal(), new Sink(), new OffsetEpochNanoClock(),
            links);
        final Thread ticker = new Thread(() -> ring.tryPublish(EventType.TICK, 1L, -1, 0), "ticker");
        ticker.start();
        assertTrue(tickerHeld.await(10, TimeUnit.SECONDS));
        links.submit(() ->
        {
            for (int i = 0; i < 3; i++)
            {
                assertTrue(ring.tryPublish(EventType.TICK, 1L, -1, 0));
            }
            assertEquals(Ring.FULL, ring.tryClaim());
            ring.whenRoom(links, retry);
        }).get(10, TimeUnit.SECONDS);
        release.countDown();
        ticker.join(10_000);
        // The ticker's poll is queued now: the ring drains, and a link refused meanwhile goes right behind a queued poll.
        links.submit(() ->
        {
            for (int i = 0; i < 4; i++)
            {
                assertTrue(ring.tryPublish(EventType.TICK, 1L, -1, 0));
            }
            assertEquals(Ring.FULL, ring.tryClaim());
            ring.whenRoom(links, retry);
        }).get(10, TimeUnit.SECONDS);
        assertEquals(List.of("timer", "behind the poll"), paths);
    }

    @AfterEach
    void stopLoop()
    {
        if (loop != null)
        {
            loop.shutdownNow();
        }
    }

    /**
     * A ring thread still in the journal when the ring closes (an event a link published after the drain's last look,
     * or a drain that timed out) must have ended before close returns, since the node closes the journal next: a CI
     * run's JVM crashed (SIGSEGV in Chronicle's copy, on ring-0) writing into a journal file closed under it. Here the
     * journal holds the ring's thread, the drain times out at once, and close must be found waiting for the thread.
     */
    @ParameterizedTest(name = "threads: {0}")
    @ValueSource(strings = {"per-stage", "one"})
    void shouldNotReturnFromCloseWhileARingThreadIsStillInTheJournal(final String threads) throws InterruptedException
    {
        final CountDownLatch inJournal = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final EventJournal held = new EventJournal()
        {
            @Override
            public void append(final SwitchEvent event)
            {
                inJournal.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void endOfBatch()
            {
            }
        };
        final Ring ring = new Ring(256, 64, 256, "yielding", threads.equals("per-stage"), Dialects.all(), new Switch(), held, new Sink(),
            new OffsetEpochNanoClock(), null);
        publish(ring, EventType.TICK, 1);
        assertTrue(inJournal.await(10, TimeUnit.SECONDS), "the ring's thread is in the journal");
        final Thread closer = new Thread(() -> ring.close(1), "closer");
        final boolean returnedFirst;
        try
        {
            closer.start();
            // The drain spins until it times out, then close joins the ring's threads: a timed wait, the only one close makes.
            while (closer.isAlive() && closer.getState() != Thread.State.TIMED_WAITING)
            {
                Thread.onSpinWait();
            }
            // Waiting on another stage's thread than the journal's would not do either: close must still be waiting.
            closer.join(200);
            returnedFirst = !closer.isAlive();
            assertFalse(ring.stopped(), "the ring's thread is still in the journal");
        }
        finally
        {
            release.countDown();
        }
        closer.join();
        assertFalse(returnedFirst, "close returned while the ring's thread was still in the journal");
        assertTrue(ring.stopped(), "after close, no ring thread runs");
    }

    /**
     * A 256-slot ring in the threading asked for. On the event loop, a single-thread executor stands in for the links'
     * loop (the test thread publishes from outside it, as the ticker does).
     */
    private Ring ring(final String threads, final EpochNanoClock clock)
    {
        loop = threads.equals("event-loop") ? Executors.newSingleThreadExecutor() : null;
        return new Ring(256, 64, 256, "yielding", threads.equals("per-stage"), Dialects.all(), new Switch(), new Journal(), new Sink(), clock, loop);
    }

    private static void publish(final Ring ring, final int type, final int link)
    {
        while (!ring.tryPublish(type, 1_000_000L, link, 0))
        {
            Thread.onSpinWait();
        }
    }

    private void record(final char what, final long link)
    {
        synchronized (log)
        {
            log.add(new long[] {what, link});
        }
    }

    /** One output per event, to the event's own link; throws on the poisoned event before writing any. */
    private static final class Switch implements EventHandler<SwitchEvent>
    {
        @Override
        public void onEvent(final SwitchEvent event, final long sequence, final boolean endOfBatch)
        {
            if (event.linkId() == POISON)
            {
                throw new IllegalStateException("poisoned event " + POISON + " (expected by the test)");
            }
            final int at = event.beginOutput(event.linkId(), 0, 0);
            event.output().putByte(at, (byte)1);
            event.endOutput(1, false);
        }
    }

    private final class Journal implements EventJournal
    {
        @Override
        public void append(final SwitchEvent event)
        {
            record('J', event.linkId());
        }

        @Override
        public void endOfBatch()
        {
            record('B', -1);
        }
    }

    private final class Sink implements Egress
    {
        @Override
        public void send(final int linkId, final DirectBuffer buffer, final int offset, final int length, final boolean closeAfter)
        {
            record('E', linkId);
        }

        @Override
        public void close(final int linkId)
        {
        }

        @Override
        public void endOfBatch()
        {
        }
    }
}
