package io.interchange.bench.ring;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

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

import io.interchange.engine.config.SwitchConfig;

/**
 * The store-and-forward path on one thread ({@link InlinePath#purchaseVoided}): a purchase approved, then voided by
 * its terminal, the 0420 the issuer is owed sent with the 0410, and the issuer's 0430. What it shows is B/op with
 * `-prof gc`: the reversal, the advice queue, the advice's send and its acknowledgement allocate nothing, as the
 * purchase path does not (RingPathBenchmark carries purchases only). Four events an operation.
 *
 * <p>Checks after every iteration: every request forwarded, every void answered and advised, no advice owed (each
 * acknowledged at once), none lost, every event journaled.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VoidAdviceBenchmark
{
    private static final int BATCH = 64;
    private static final int EVENTS = 4;

    /** {@code chronicle}: the node's journal; {@code none}: no journal. */
    @Param({"chronicle", "none"})
    public String journal;

    private InlinePath path;
    private Journals.Stage stage;
    private long purchases;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final SwitchConfig config = SwitchConfig.defaults();
        stage = new Journals.Stage(journal, config);
        path = new InlinePath(config, stage.journal());
        path.signOn();
        voids();
        check();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS * BATCH)
    public long voids()
    {
        for (int i = 0; i < BATCH; i++)
        {
            path.purchaseVoided(purchases++);
        }
        path.endOfBatch();
        return path.sequence();
    }

    @TearDown(Level.Iteration)
    public void check()
    {
        // The issuer link: its sign-on, then a forward and an advice for each purchase; the acquirer link: its
        // sign-on answer, then a 0210 and a 0410 for each.
        Traffic.expect("frames to the issuer link", 1 + 2 * purchases, path.egress().frames(InlinePath.ISSUER_LINK));
        Traffic.expect("frames to the acquirer link", 1 + 2 * purchases, path.egress().frames(InlinePath.ACQUIRER_LINK));
        Traffic.expect("requests in flight", 0, path.switchHandler().inFlight());
        Traffic.expect("advices owed", 0, path.switchHandler().advicesPending());
        Traffic.expect("advices lost", 0, path.switchHandler().advicesLost());
        stage.expectAppends(path.sequence());
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        stage.close();
    }
}
