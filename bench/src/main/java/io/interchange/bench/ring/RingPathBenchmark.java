package io.interchange.bench.ring;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.sun.management.ThreadMXBean;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.ListenerConfig;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventJournal;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.Ring;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.Decision;
import io.interchange.engine.switching.Outcome;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.journal.Durability;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.journal.JournalWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The ring path in process (DESIGN.md §2): decode → switch → journal → egress, with the real {@link Ring}, the real
 * {@link SwitchHandler} built from the default configuration, the real Chronicle Queue {@link JournalWriter}
 * (process-crash safe, in a temporary directory), and a {@link NullEgress} in place of the links. One op is one
 * ring event; the score in ops/s is events/s.
 *
 * <p>The benchmark thread plays both links. Setup brings up an acquirer link and signs it on (0800/001), brings
 * up an issuer link and signs it on (the switch sends 0800, the issuer answers 0810 with 39=00). Each op then
 * publishes a terminal's 0200 purchase (ISO87B, {@value #BATCH} of them an invocation, 16,384 cards, see
 * {@link Traffic}) and the issuer's 0210 approval of the request {@value #LAG} requests earlier, carrying the
 * STAN the switch gave it: {@value #LAG} requests are always waiting at the issuer, as on a busy link, so the
 * in-flight table is in use and a request and its answer are not journaled back to back.
 *
 * <p>Publishing is what a link does: {@link Ring#tryClaim}, back off while the ring is full, fill the slot, publish.
 * The publisher can run at most a ring (2,048 slots) ahead of egress, and each iteration ends by waiting until
 * every event it published has passed egress ({@link #drainAndCheck}), so the score is the pipeline's, not the
 * publisher's. At that point it checks that every request was forwarded to the issuer link and every answer relayed
 * to the acquirer link (frame counts at the sink), that the in-flight table holds exactly the {@value #LAG} unanswered
 * requests, that no handler failed and that every event was journaled. Setup and the trial's end also decode every
 * frame sent: each forward is an 0200 with the STAN expected, each relayed answer an 0210 with 39=00 and the
 * terminal's STAN; and setup reads the journal back record by record.
 *
 * <p>{@code -prof gc} counts the allocation of every thread of the JVM, the harness's included, and JMH runs the
 * trial's teardown inside the last measured iteration, so the teardown is kept light (no journal read there) and
 * the trial ends by printing, besides its counts, the CPU time and the bytes allocated by each of the path's five
 * threads over the measurement iterations: the ring path's own B/op, exactly.
 *
 * <p>{@code journal=none} runs the same ring with a journal stage that does nothing: the difference is the journal's
 * share. {@code waitStrategy} is how idle ring threads wait; {@code threads} whether each of the four handlers has a
 * thread ({@code per-stage}) or one thread runs them in turn ({@code one}).
 *
 * <p>Run with {@code bench/run-ring}; results in bench/RESULTS.md. Each trial writes a few GB of journal to
 * java.io.tmpdir, removed at its end.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RingPathBenchmark
{
    /** Requests an invocation, each with one answer: an invocation is 2 × BATCH events. */
    static final int BATCH = 256;
    /** Requests waiting at the issuer: the answer to request k is published after request k + LAG. */
    static final int LAG = 1024;

    private static final String LISTENER = "pos-iso87";
    private static final String ISSUER = "issuer-a";
    private static final int ACQUIRER_LINK = 1;
    private static final int ISSUER_LINK = 2;
    private static final int APPROVED = NullEgress.Recorder.responseCode('0', '0');
    private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** FrameHandler's RETRY_MICROS: how long a link waits before it tries a full ring again. */
    private static final long FULL_BACKOFF_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    /** The ring's threads in handler order (Ring names them ring-0..3 as the Disruptor starts them). */
    private static final String[] STAGE_THREADS = {"decode", "switch", "journal", "egress"};
    private static final String[] ONE_THREAD = {"ring"};

    /** {@code chronicle}: the node's journal; {@code none}: a journal stage that does nothing. */
    @Param({"chronicle", "none"})
    public String journal;

    /** How idle ring threads wait: blocking, sleeping, yielding or busy-spin (RingConfig). */
    @Param({"yielding", "sleeping", "blocking"})
    public String waitStrategy;

    /** {@code per-stage}: a thread for each of the four handlers; {@code one}: one thread runs them in turn (RingConfig). */
    @Param({"per-stage", "one"})
    public String threads;

    /** Slots in the ring: {@code default} as the node's config says (ring.size), or a power of two to try another. */
    @Param({"default"})
    public String ringSize;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[512]);
    /** Summarises every frame sent while it is set: during setup's checked round and the trial's last answers. */
    private final NullEgress.Recorder recorder = new NullEgress.Recorder(LAG + 4 * BATCH);
    private Traffic traffic;
    private SwitchHandler switchHandler;
    private NullEgress egress;
    private Ring ring;
    private final EpochNanoClock clock = new OffsetEpochNanoClock();
    private Path directory;
    private JournalConfig journalConfig;
    private JournalWriter writer;
    private Journals.Chronicle chronicle;
    private int acquirerEndpoint;
    private int acquirerDialect;
    private int issuerEndpoint;
    private int issuerDialect;

    private long now = Traffic.START_NANOS;
    /** Requests published: the next is request number {@code requests}. */
    private long requests;
    /** Answers published: the next answers request number {@code answers}. */
    private long answers;
    private long events;
    private long refusedClaims;

    // Where the CPU goes and what the path allocates, over the measurement iterations: CPU time and bytes allocated
    // by each of its threads (exact, HotSpot's per-thread counters), wall time and events.
    private final ThreadMXBean threadBean = (ThreadMXBean)ManagementFactory.getThreadMXBean();
    /** The path's threads: the ring's, the journal's pretoucher (with the journal), then the publisher. */
    private String[] threadNames;
    private long[] threadIds;
    private long[] cpuAtStart;
    private long[] cpuMeasured;
    private long[] allocatedAtStart;
    private long[] allocatedMeasured;
    private long eventsAtStart;
    private long wallAtStart;
    private long measuredEvents;
    private long measuredWall;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final SwitchConfig config = SwitchConfig.defaults();
        final List<Dialect> dialects = Dialects.all();
        traffic = new Traffic();
        switchHandler = new SwitchHandler(SwitchNode.setup(config, dialects));
        final EventJournal stage;
        switch (journal)
        {
            case "chronicle" ->
            {
                directory = Files.createTempDirectory("ring-bench");
                // As the node configures its journal (the defaults' cutoff, zone and keys, process-crash safe), in a temporary directory.
                journalConfig = SwitchNode.journalConfig(config.withJournalDir(directory));
                if (journalConfig.durability() != Durability.PROCESS_CRASH_SAFE || !journalConfig.dialects().equals(dialects))
                {
                    throw new IllegalStateException("the default journal is no longer process-crash safe on the ring's dialects: " + journalConfig);
                }
                writer = new JournalWriter(journalConfig);
                chronicle = new Journals.Chronicle(writer);
                stage = chronicle;
            }
            case "none" -> stage = new Journals.None();
            default -> throw new IllegalArgumentException("journal is chronicle or none, not " + journal);
        }
        egress = new NullEgress();
        // Slots sized as SwitchNode sizes them: the largest frame a listener accepts, four times that for outputs.
        int frameCapacity = 2_048;
        for (final ListenerConfig listener : config.listeners())
        {
            frameCapacity = Math.max(frameCapacity, listener.framing().maxFrameLength());
        }
        final boolean threadPerStage = switch (threads)
        {
            case "per-stage" -> true;
            case "one" -> false;
            default -> throw new IllegalArgumentException("threads is per-stage or one, not " + threads);
        };
        final int slots = "default".equals(ringSize) ? config.ring().size() : Integer.parseInt(ringSize);
        ring = new Ring(slots, frameCapacity, 4 * frameCapacity, waitStrategy, threadPerStage, dialects, switchHandler, stage, egress,
            clock, null);
        findPathThreads(threadPerStage ? STAGE_THREADS : ONE_THREAD);

        final ListenerConfig listener = config.listener(LISTENER);
        acquirerEndpoint = config.listeners().indexOf(listener);
        acquirerDialect = dialects.indexOf(listener.dialect());
        issuerEndpoint = config.issuers().indexOf(config.issuer(ISSUER));
        issuerDialect = dialects.indexOf(Iso87.BINARY);
        if (listener.framing().headerLength() != 0 || acquirerDialect < 0 || issuerDialect < 0)
        {
            throw new IllegalStateException("the default listener " + LISTENER + " is no longer plain ISO87B: " + listener);
        }

        signOn();

        // The first requests, then two invocations' worth, every frame checked.
        recorder.reset();
        egress.recorder(recorder);
        for (int i = 0; i < LAG; i++)
        {
            publishRequest();
        }
        purchases();
        purchases();
        drain();
        egress.recorder(null);
        expectFrames(recorder, 0, LAG + 2 * BATCH, 0, 2 * BATCH);
        checkCounts();
        if (chronicle != null)
        {
            checkJournal();
        }
    }

    /** An invocation: {@value #BATCH} purchases and as many answers, {@code 2 × BATCH} events. */
    @Benchmark
    @OperationsPerInvocation(2 * BATCH)
    public long purchases()
    {
        for (int i = 0; i < BATCH; i++)
        {
            publishRequest();
            publishAnswer();
        }
        return events;
    }

    @Setup(Level.Iteration)
    public void startIteration()
    {
        threadIds[threadNames.length - 1] = Thread.currentThread().getId();
        for (int i = 0; i < threadNames.length; i++)
        {
            cpuAtStart[i] = threadBean.getThreadCpuTime(threadIds[i]);
            allocatedAtStart[i] = threadBean.getThreadAllocatedBytes(threadIds[i]);
        }
        eventsAtStart = events;
        wallAtStart = System.nanoTime();
    }

    /** Every event of the iteration through egress before the next starts, then the counts checked. */
    @TearDown(Level.Iteration)
    public void drainAndCheck(final IterationParams iteration)
    {
        drain();
        if (iteration.getType() == IterationType.MEASUREMENT)
        {
            measuredWall += System.nanoTime() - wallAtStart;
            measuredEvents += events - eventsAtStart;
            for (int i = 0; i < threadNames.length; i++)
            {
                cpuMeasured[i] += threadBean.getThreadCpuTime(threadIds[i]) - cpuAtStart[i];
                allocatedMeasured[i] += threadBean.getThreadAllocatedBytes(threadIds[i]) - allocatedAtStart[i];
            }
        }
        checkCounts();
    }

    /**
     * The last answers, checked frame by frame, then the figures printed and everything closed. JMH counts this in
     * the last measured iteration, so it allocates little: the recorder is setup's, and no formatter is used.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            recorder.reset();
            egress.recorder(recorder);
            final long firstAnswer = answers;
            while (answers < requests)
            {
                publishAnswer();
            }
            drain();
            egress.recorder(null);
            expectFrames(recorder, requests, 0, firstAnswer, answers - firstAnswer);
            checkCounts();
            System.out.println(summary());
        }
        finally
        {
            ring.close();
            if (writer != null)
            {
                writer.close();
                Traffic.delete(directory.toFile());
            }
        }
    }

    /**
     * What the score does not show: egress batches, bytes, refused claims; and per event, over the measurement
     * iterations and their drains, each path thread's CPU time and allocation.
     */
    private String summary()
    {
        final StringBuilder sb = new StringBuilder(1024).append("\n# ring path, journal=").append(journal).append(", wait=").append(waitStrategy)
            .append(", threads=").append(threads)
            .append(": ").append(events).append(" events, ").append(answers).append(" purchases answered; egress ").append(egress.batches())
            .append(" batches, ").append(events / egress.batches()).append(" events a batch; ").append(egress.bytes(ISSUER_LINK))
            .append(" bytes to the issuer link, ").append(egress.bytes(ACQUIRER_LINK)).append(" to the acquirer link; ").append(refusedClaims)
            .append(" claims refused (ring full)");
        if (measuredEvents == 0)
        {
            return sb.toString();
        }
        long cpu = 0;
        long allocated = 0;
        sb.append("\n# measured: ").append(measuredEvents * 1_000_000_000L / measuredWall).append(" events/s with the drains; CPU ns an event:");
        for (int i = 0; i < threadNames.length; i++)
        {
            sb.append(' ').append(threadNames[i]).append(' ').append(cpuMeasured[i] / measuredEvents);
            cpu += cpuMeasured[i];
        }
        sb.append(", all ").append(cpu / measuredEvents).append(" (").append(cpu * 100 / measuredWall).append("% of one core busy)")
            .append("\n# measured: bytes allocated by the path's threads over ").append(measuredEvents).append(" events:");
        for (int i = 0; i < threadNames.length; i++)
        {
            sb.append(' ').append(threadNames[i]).append(' ').append(allocatedMeasured[i]);
            allocated += allocatedMeasured[i];
        }
        final long tenThousandths = allocated * 10_000 / measuredEvents;
        sb.append(", all ").append(allocated).append(" = ").append(tenThousandths / 10_000).append('.');
        for (long digit = 1_000; digit > 0; digit /= 10)
        {
            sb.append(tenThousandths / digit % 10);
        }
        return sb.append(" B an event").toString();
    }

    // ---------------------------------------------------------------- publishing, as a link does

    private void publishRequest()
    {
        final long sequence = claim();
        final SwitchEvent event = ring.slot(sequence);
        now += Traffic.STEP_NANOS;
        event.reset(EventType.ACQUIRER_MESSAGE, now, ACQUIRER_LINK, acquirerEndpoint, acquirerDialect);
        // As a link stamps the read that brought it (a clock read a read; here one a request): the ring then stamps its
        // wait before the switch takes it up, a clock read a batch. Real time, while the event's own is the traffic's.
        event.readAt(clock.nanoTime());
        event.frameLengths(0, traffic.request(requests, now, event.frame()));
        ring.publish(sequence);
        requests++;
        events++;
    }

    private void publishAnswer()
    {
        final long sequence = claim();
        final SwitchEvent event = ring.slot(sequence);
        now += Traffic.STEP_NANOS;
        event.reset(EventType.ISSUER_MESSAGE, now, ISSUER_LINK, issuerEndpoint, issuerDialect);
        event.frameLengths(0, traffic.answer(answers, now, event.frame()));
        ring.publish(sequence);
        answers++;
        events++;
    }

    /**
     * A slot; while the ring is full, back off as a link does (it stops reading and retries 200 µs later). The ring
     * stays full of work meanwhile, and on a machine with fewer cores than busy threads a spinning or yielding
     * publisher takes CPU from the handlers: 2 to 6 times the publisher's CPU an event, for no more events/s.
     */
    private long claim()
    {
        long sequence;
        while ((sequence = ring.tryClaim()) == Ring.FULL)
        {
            refusedClaims++;
            LockSupport.parkNanos(FULL_BACKOFF_NANOS);
        }
        return sequence;
    }

    private void publish(final int type, final int link, final int endpoint, final int dialect, final int length)
    {
        final long sequence = claim();
        final SwitchEvent event = ring.slot(sequence);
        now += Traffic.STEP_NANOS;
        event.reset(type, now, link, endpoint, dialect);
        if (length > 0)
        {
            event.frame().putBytes(0, scratch, 0, length);
            event.frameLengths(0, length);
        }
        ring.publish(sequence);
        events++;
    }

    /** Both links up and signed on, as the links and the switch do it. */
    private void signOn()
    {
        recorder.reset();
        egress.recorder(recorder);
        final MessageWriter messages = new MessageWriter(Iso87.BINARY);
        publish(EventType.ACQUIRER_UP, ACQUIRER_LINK, acquirerEndpoint, -1, 0);
        publish(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, acquirerEndpoint, acquirerDialect,
            messages.wrap(scratch, 0).mti(800).putString(7, "1126000000").putLong(11, 1).putString(41, Traffic.TERMINAL).putLong(70, 1).finish());
        // The switch signs on to the issuer with its first STAN on the link, 1; the issuer approves.
        publish(EventType.ISSUER_UP, ISSUER_LINK, issuerEndpoint, -1, 0);
        publish(EventType.ISSUER_MESSAGE, ISSUER_LINK, issuerEndpoint, issuerDialect,
            messages.wrap(scratch, 0).mti(810).putString(7, "1126000000").putLong(11, 1).putString(39, "00").putLong(70, 1).finish());
        drain();
        egress.recorder(null);
        if (recorder.count() != 2 ||
            recorder.link(0) != ACQUIRER_LINK || recorder.mti(0) != 810 || recorder.responseCode(0) != APPROVED ||
            recorder.link(1) != ISSUER_LINK || recorder.mti(1) != 800 || recorder.stan(1) != 1 ||
            switchHandler.signedOnLinks(issuerEndpoint) != 1)
        {
            throw new IllegalStateException("sign-on did not go as expected: " + recorder.count() + " frames, " +
                switchHandler.signedOnLinks(issuerEndpoint) + " issuer links signed on; first frames: " +
                (recorder.count() > 0 ? recorder.describe(0) : "none") + "; " + (recorder.count() > 1 ? recorder.describe(1) : "none"));
        }
    }

    /** The path's threads: the ring's (ring-0, ring-1... in handler order), the journal's pretoucher, the publisher. */
    private void findPathThreads(final String[] ringThreads)
    {
        final List<String> names = new ArrayList<>(List.of(ringThreads));
        final List<Long> ids = new ArrayList<>(Collections.nCopies(ringThreads.length, -1L));
        int found = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            final String name = thread.getName();
            if (name.matches("ring-[0-9]+"))
            {
                final int stage = Integer.parseInt(name.substring(5));
                Traffic.expect("a ring thread of the " + ringThreads.length + " expected: " + name, 1, stage < ringThreads.length ? 1 : 0);
                ids.set(stage, thread.getId());
                found++;
            }
            else if (name.equals("journal-pretouch"))
            {
                names.add("pretouch");
                ids.add(thread.getId());
            }
        }
        Traffic.expect("ring threads", ringThreads.length, found);
        Traffic.expect("journal pretouch threads", "chronicle".equals(journal) ? 1 : 0, names.size() - ringThreads.length);
        names.add("publisher");
        ids.add(-1L); // the benchmark thread, set as each iteration starts
        threadNames = names.toArray(new String[0]);
        threadIds = ids.stream().mapToLong(Long::longValue).toArray();
        cpuAtStart = new long[threadIds.length];
        cpuMeasured = new long[threadIds.length];
        allocatedAtStart = new long[threadIds.length];
        allocatedMeasured = new long[threadIds.length];
    }

    // ---------------------------------------------------------------- checks, outside measurement

    /** Waits until every published event has passed the last handler: the ring's free capacity is all of it. */
    private void drain()
    {
        final long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
        while (ring.remainingCapacity() < ring.size())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("the ring did not drain in 60 s: " + ring.remainingCapacity() + " of " + ring.size() + " free");
            }
            Thread.yield();
        }
    }

    private void checkCounts()
    {
        Traffic.expect("frames to the issuer link (its sign-on, then every request forwarded)", 1 + requests, egress.frames(ISSUER_LINK));
        Traffic.expect("frames to the acquirer link (its sign-on answer, then every answer relayed)", 1 + answers, egress.frames(ACQUIRER_LINK));
        Traffic.expect("requests in flight", requests - answers, switchHandler.inFlight());
        Traffic.expect("ring handler failures", 0, ring.handlerFailures());
        Traffic.expect("links closed", 0, egress.closes());
        if (chronicle != null)
        {
            Traffic.expect("events journaled", events, chronicle.appends());
        }
    }

    /**
     * The recorded frames are, in order, the forwards of requests {@code firstRequest..} (0200 to the issuer link
     * with the switch's STANs) interleaved with the relayed answers to requests {@code firstAnswer..} (0210 to the
     * acquirer link, 39=00, the terminal's STAN), and nothing else.
     */
    private static void expectFrames(
        final NullEgress.Recorder recorder, final long firstRequest, final long requestCount, final long firstAnswer, final long answerCount)
    {
        long forwards = 0;
        long relayed = 0;
        for (int i = 0; i < recorder.count(); i++)
        {
            final boolean ok;
            if (recorder.link(i) == ISSUER_LINK)
            {
                ok = recorder.mti(i) == 200 && recorder.stan(i) == Traffic.switchStan(firstRequest + forwards);
                forwards++;
            }
            else
            {
                ok = recorder.link(i) == ACQUIRER_LINK && recorder.mti(i) == 210 && recorder.responseCode(i) == APPROVED &&
                    recorder.stan(i) == Traffic.acquirerStan(firstAnswer + relayed);
                relayed++;
            }
            if (!ok)
            {
                throw new IllegalStateException("unexpected " + recorder.describe(i) + " (forwards so far " + forwards + ", answers " + relayed + ")");
            }
        }
        Traffic.expect("requests forwarded", requestCount, forwards);
        Traffic.expect("approvals relayed", answerCount, relayed);
    }

    /**
     * Every record the journal holds so far, read back: the link events and sign-ons, then each request forwarded
     * and each answer relayed as an approval, checksums good, PANs sealed. Done in setup: the trial's teardown runs
     * inside the last measured iteration, so whatever it allocates would be counted against the ring path.
     */
    private void checkJournal()
    {
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[1024]);
        try (JournalReader journalReader = new JournalReader(journalConfig))
        {
            journalReader.toStart();
            long read = 0;
            while (journalReader.next())
            {
                final JournalRecord record = journalReader.record();
                final Outcome outcome = Decision.outcome(record.buffer(), record.decisionOffset());
                boolean ok = record.checksumValid() && record.sequence() == read;
                if (record.eventType() == EventType.ACQUIRER_MESSAGE && read > 1)
                {
                    ok &= outcome == Outcome.FORWARDED && record.hasPan(JournalRecord.INPUT) && record.outputCount() == 1 &&
                        record.linkId(JournalRecord.output(0)) == ISSUER_LINK;
                }
                else if (record.eventType() == EventType.ISSUER_MESSAGE && read > 3)
                {
                    ok &= outcome == Outcome.RELAYED && record.hasPan(JournalRecord.INPUT) && record.outputCount() == 1 &&
                        record.linkId(JournalRecord.output(0)) == ACQUIRER_LINK;
                    final int length = record.restoreMessage(JournalRecord.output(0), message, 0);
                    ok &= reader.wrap(message, 0, length) == DecodeError.NONE && reader.mti() == 210 && "00".equals(reader.getString(39));
                }
                if (!ok)
                {
                    throw new IllegalStateException("unexpected journal record: " + record);
                }
                read++;
            }
            Traffic.expect("journal records read back", events, read);
            Traffic.expect("corrupt journal records", 0, journalReader.corruptRecords());
        }
    }
}
