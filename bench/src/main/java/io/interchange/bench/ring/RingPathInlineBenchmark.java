package io.interchange.bench.ring;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.ListenerConfig;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventJournal;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.SwitchHandler;
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

/**
 * RingPathBenchmark's events and stages on one thread, without the ring: for each event, fill a slot, decode it
 * (the decode handler's {@code wrap}), {@link SwitchHandler#onEvent}, the journal's append, and the egress
 * handler's sends, one after the other on the benchmark thread. Same slots (2,048, sized as the node sizes them),
 * same switch, journal and sink, same traffic.
 *
 * <p>Not a way to run the switch: it is the yardstick for the ring. Its events/s is what the path's work costs
 * on one core with nothing to wait for and no data moving between cores; the ring's score against it shows what
 * the pipeline's hand-offs cost, or gain, on the machine at hand.
 *
 * <p>Checks as RingPathBenchmark: every request forwarded and every answer relayed, the in-flight table holding
 * the unanswered ones, every event journaled.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RingPathInlineBenchmark
{
    private static final int BATCH = RingPathBenchmark.BATCH;
    private static final int LAG = RingPathBenchmark.LAG;
    private static final int ACQUIRER_LINK = 1;
    private static final int ISSUER_LINK = 2;

    /** {@code chronicle}: the node's journal; {@code none}: no journal. */
    @Param({"chronicle", "none"})
    public String journal;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[512]);
    private Traffic traffic;
    private SwitchHandler switchHandler;
    private EventJournal stage;
    private Journals.Chronicle chronicle;
    private JournalWriter writer;
    private File directory;
    private NullEgress egress;
    private SwitchEvent[] slots;
    private int acquirerEndpoint;
    private int acquirerDialect;
    private int issuerEndpoint;
    private int issuerDialect;

    private long now = Traffic.START_NANOS;
    private long sequence;
    private long requests;
    private long answers;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final SwitchConfig config = SwitchConfig.defaults();
        final List<Dialect> dialects = Dialects.all();
        traffic = new Traffic();
        switchHandler = new SwitchHandler(SwitchNode.setup(config, dialects));
        if ("chronicle".equals(journal))
        {
            directory = Files.createTempDirectory("ring-inline-bench").toFile();
            writer = new JournalWriter(SwitchNode.journalConfig(config.withJournalDir(directory.toPath())));
            chronicle = new Journals.Chronicle(writer);
            stage = chronicle;
        }
        else
        {
            stage = new Journals.None();
        }
        egress = new NullEgress();
        int frameCapacity = 2_048;
        for (final ListenerConfig listener : config.listeners())
        {
            frameCapacity = Math.max(frameCapacity, listener.framing().maxFrameLength());
        }
        slots = new SwitchEvent[config.ring().size()];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = new SwitchEvent(frameCapacity, 4 * frameCapacity, dialects);
        }
        final ListenerConfig listener = config.listener("pos-iso87");
        acquirerEndpoint = config.listeners().indexOf(listener);
        acquirerDialect = dialects.indexOf(listener.dialect());
        issuerEndpoint = config.issuers().indexOf(config.issuer("issuer-a"));
        issuerDialect = dialects.indexOf(Iso87.BINARY);

        final MessageWriter messages = new MessageWriter(Iso87.BINARY);
        process(slot(EventType.ACQUIRER_UP, ACQUIRER_LINK, acquirerEndpoint, -1));
        messages.wrap(scratch, 0).mti(800).putString(7, "1126000000").putLong(11, 1).putString(41, Traffic.TERMINAL).putLong(70, 1);
        process(fill(slot(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, acquirerEndpoint, acquirerDialect), messages.finish()));
        process(slot(EventType.ISSUER_UP, ISSUER_LINK, issuerEndpoint, -1));
        messages.wrap(scratch, 0).mti(810).putString(7, "1126000000").putLong(11, 1).putString(39, "00").putLong(70, 1);
        process(fill(slot(EventType.ISSUER_MESSAGE, ISSUER_LINK, issuerEndpoint, issuerDialect), messages.finish()));
        if (switchHandler.signedOnLinks(issuerEndpoint) != 1)
        {
            throw new IllegalStateException("the issuer link did not sign on");
        }
        for (int i = 0; i < LAG; i++)
        {
            request();
        }
        purchases();
        check();
    }

    @Benchmark
    @OperationsPerInvocation(2 * BATCH)
    public long purchases()
    {
        for (int i = 0; i < BATCH; i++)
        {
            request();
            answer();
        }
        egress.endOfBatch();
        stage.endOfBatch();
        return sequence;
    }

    @TearDown(Level.Iteration)
    public void check()
    {
        Traffic.expect("frames to the issuer link", 1 + requests, egress.frames(ISSUER_LINK));
        Traffic.expect("frames to the acquirer link", 1 + answers, egress.frames(ACQUIRER_LINK));
        Traffic.expect("requests in flight", requests - answers, switchHandler.inFlight());
        if (chronicle != null)
        {
            Traffic.expect("events journaled", sequence, chronicle.appends());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (writer != null)
        {
            writer.close();
            Traffic.delete(directory);
        }
    }

    private void request()
    {
        final SwitchEvent event = slot(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, acquirerEndpoint, acquirerDialect);
        event.frameLengths(0, traffic.request(requests++, now, event.frame()));
        process(event);
    }

    private void answer()
    {
        final SwitchEvent event = slot(EventType.ISSUER_MESSAGE, ISSUER_LINK, issuerEndpoint, issuerDialect);
        event.frameLengths(0, traffic.answer(answers++, now, event.frame()));
        process(event);
    }

    private SwitchEvent slot(final int type, final int link, final int endpoint, final int dialect)
    {
        final SwitchEvent event = slots[(int)(sequence & (slots.length - 1))];
        now += Traffic.STEP_NANOS;
        event.reset(type, now, link, endpoint, dialect);
        return event;
    }

    private SwitchEvent fill(final SwitchEvent event, final int length)
    {
        event.frame().putBytes(0, scratch, 0, length);
        event.frameLengths(0, length);
        return event;
    }

    /** The four handlers' work, in their order. */
    private void process(final SwitchEvent event)
    {
        // DecodeHandler: the slot's reader indexes the frame (a valid frame here, so its decode error stays NONE).
        if (event.messageLength() > 0 && event.reader().wrap(event.frame(), event.headerLength(), event.messageLength()) != DecodeError.NONE)
        {
            throw new IllegalStateException("our own message does not decode: " + event.reader());
        }
        switchHandler.onEvent(event, sequence, false);
        stage.append(event);
        for (int i = 0, n = event.outputCount(); i < n; i++)
        {
            egress.send(event.outputLinkId(i), event.output(), event.outputHeaderOffset(i), event.outputHeaderLength(i) + event.outputLength(i),
                event.outputCloses(i));
        }
        sequence++;
    }
}
