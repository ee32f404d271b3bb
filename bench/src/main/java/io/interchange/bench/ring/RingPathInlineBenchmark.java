package io.interchange.bench.ring;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.interchange.engine.config.SwitchConfig;
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
 * RingPathBenchmark's events and stages on one thread, without the ring ({@link InlinePath}): for each event,
 * fill a slot, decode it, {@link io.interchange.engine.switching.SwitchHandler#onEvent}, the journal's append, and
 * the egress handler's sends, one after the other on the benchmark thread. Same slots (2,048, sized as the node
 * sizes them), same switch, journal and sink, same traffic.
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

    /** {@code chronicle}: the node's journal; {@code none}: no journal. */
    @Param({"chronicle", "none"})
    public String journal;

    private InlinePath path;
    private Journals.Stage stage;
    private long requests;
    private long answers;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final SwitchConfig config = SwitchConfig.defaults();
        stage = new Journals.Stage(journal, config);
        path = new InlinePath(config, stage.journal());
        path.signOn();
        for (int i = 0; i < LAG; i++)
        {
            path.request(requests++);
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
            path.request(requests++);
            path.answer(answers++);
        }
        path.endOfBatch();
        return path.sequence();
    }

    @TearDown(Level.Iteration)
    public void check()
    {
        Traffic.expect("frames to the issuer link", 1 + requests, path.egress().frames(InlinePath.ISSUER_LINK));
        Traffic.expect("frames to the acquirer link", 1 + answers, path.egress().frames(InlinePath.ACQUIRER_LINK));
        Traffic.expect("requests in flight", requests - answers, path.switchHandler().inFlight());
        stage.expectAppends(path.sequence());
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        stage.close();
    }
}
