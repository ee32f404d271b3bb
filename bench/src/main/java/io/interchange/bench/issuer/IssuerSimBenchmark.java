package io.interchange.bench.issuer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.interchange.codec.MessageWriter;
import io.interchange.codec.dialect.Iso87;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.CardStatus;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.issuer.ResponseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How many 0200 purchases a second the issuer simulator answers with no latency, so that it is known not to be
 * what limits a load test (the target is above 150,000 on one core). One op is one request answered.
 *
 * <ul>
 *   <li>{@link #embedded}: the connection handler alone on an EmbeddedChannel, on the benchmark thread: a read
 *       of {@value #BATCH} frames in, one buffer of {@value #BATCH} answers out. The simulator's own cost.</li>
 *   <li>{@link #loopback}: a real connection on 127.0.0.1, the simulator on its event-loop thread and a blocking
 *       client on the benchmark thread, {@value #BATCH} requests written at once and their answers read back
 *       before the next batch. Both ends share the machine's cores.</li>
 * </ul>
 *
 * The purchases are of one minor unit on {@value #CARDS} generated cards given balances and limits that never
 * run out, so every answer is an approval and the account state stays in steady use. Setup checks that.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class IssuerSimBenchmark
{
    static final int BATCH = 128;
    static final int CARDS = 4096;
    private static final long PLENTY = 1_000_000_000_000L;

    private IssuerSimulator embeddedIssuer;
    private EmbeddedChannel channel;
    private ByteBuf requests;

    private IssuerSimulator loopbackIssuer;
    private Socket socket;
    private OutputStream out;
    private DataInputStream in;
    private byte[] requestBytes;
    private byte[] answerBytes;

    /** Cards from the generator, all usable and with funds that do not run out. */
    static CardBook cards()
    {
        final List<CardAccount> usable = new ArrayList<>(CARDS);
        for (final CardAccount card : CardBook.generate(1, List.of("476173", "535522"), CARDS).cards())
        {
            usable.add(new CardAccount(card.pan(), CardStatus.ACTIVE, 9912, PLENTY, PLENTY, 0));
        }
        return CardBook.of(usable);
    }

    /** {@value #BATCH} framed 0200 purchases of one minor unit on different cards, each with its own STAN. */
    static byte[] purchases(final CardBook book)
    {
        final UnsafeBuffer frames = new UnsafeBuffer(new byte[BATCH * 256]);
        final MessageWriter writer = new MessageWriter(Iso87.BINARY);
        int position = 0;
        for (int i = 0; i < BATCH; i++)
        {
            final int length = writer.wrap(frames, position + 2).mti(200)
                .putString(2, book.card(i * (CARDS / BATCH)).pan())
                .putString(3, "000000")
                .putLong(4, 1)
                .putString(7, "0315100000")
                .putLong(11, i + 1)
                .putString(12, "100000")
                .putString(13, "0315")
                .putString(22, "051")
                .putString(37, "000000000001")
                .putString(41, "TERM0001")
                .putString(42, "MERCHANT0000001")
                .putString(49, "840")
                .finish();
            frames.putShort(position, (short)length, ByteOrder.BIG_ENDIAN);
            position += 2 + length;
        }
        final byte[] bytes = new byte[position];
        frames.getBytes(0, bytes);
        return bytes;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final CardBook embeddedBook = cards();
        requestBytes = purchases(embeddedBook);
        embeddedIssuer = new IssuerSimulator(embeddedBook, IssuerSimConfig.defaults());
        channel = new EmbeddedChannel(embeddedIssuer.newConnectionHandler());
        requests = PooledByteBufAllocator.DEFAULT.directBuffer(requestBytes.length);
        requests.writeBytes(requestBytes);
        embedded();
        check(embeddedIssuer);

        loopbackIssuer = new IssuerSimulator(cards(), IssuerSimConfig.defaults()).start();
        socket = new Socket(InetAddress.getLoopbackAddress(), loopbackIssuer.port());
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        answerBytes = new byte[BATCH * 256];
        loopback();
        check(loopbackIssuer);
    }

    private static void check(final IssuerSimulator issuer)
    {
        if (issuer.answers(ResponseCode.APPROVED) != BATCH)
        {
            throw new IllegalStateException("expected " + BATCH + " approvals, got " + issuer.answers(ResponseCode.APPROVED));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        channel.finishAndReleaseAll();
        requests.release();
        socket.close();
        loopbackIssuer.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int embedded()
    {
        channel.writeInbound(requests.retainedDuplicate());
        final ByteBuf answers = channel.readOutbound();
        final int bytes = answers.readableBytes();
        answers.release();
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int loopback() throws IOException
    {
        out.write(requestBytes);
        int bytes = 0;
        for (int i = 0; i < BATCH; i++)
        {
            final int length = in.readUnsignedShort();
            in.readFully(answerBytes, 0, length);
            bytes += length;
        }
        return bytes;
    }
}
