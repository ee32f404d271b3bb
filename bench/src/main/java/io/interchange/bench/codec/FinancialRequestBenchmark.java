package io.interchange.bench.codec;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.ResponseWriter;
import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOUtil;
import org.jpos.iso.packager.ISO87BPackager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The switch's hot path on one typical purchase, ours against jPOS: decode an 0200 (ISO87B, 118 bytes), build
 * its 0210, and both together. The two sides do the same work and produce the same bytes: {@link #setUp}
 * checks that our 0210 and jPOS's are identical, so the comparison is of codecs, not of messages.
 *
 * <p>Ours work in caller-owned buffers and must allocate nothing ({@code -prof gc}: gc.alloc.rate.norm ≈ 0).
 * jPOS is used the way its users use it: one shared packager, a new {@link ISOMsg} per message,
 * {@code clone}/{@code setResponseMTI}/{@code unset} for the answer, {@code pack()} into a new array.
 *
 * <p>Run with {@code bench/run-codec}; results in bench/RESULTS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// Two forks: C2 does not always inline the same way, and a single fork can land 20% off the other.
@Fork(2)
public class FinancialRequestBenchmark
{
    /** MTI 2 + bitmap 8 + the 17 fields below, as ISO87BPackager packs them. */
    static final int REQUEST_LENGTH = 118;

    private static final String AUTH_CODE = "A1B2C3";
    private static final String APPROVED = "00";

    /**
     * What an 0210 must not carry back from the 0200: jPOS has no echo list, so its users answer with a clone
     * of the request less these (the same set ResponseWriter.FINANCIAL_ECHO leaves out of this request).
     */
    private static final int[] NOT_IN_RESPONSE = {14, 22, 25, 35, 52, 64};

    private final MessageReader reader = new MessageReader(Iso87.BINARY);
    private final MessageWriter writer = new MessageWriter(Iso87.BINARY);
    private final ResponseWriter responses = new ResponseWriter(ResponseWriter.FINANCIAL_ECHO);
    private final UnsafeBuffer response = new UnsafeBuffer(new byte[1024]);
    private final ISO87BPackager packager = new ISO87BPackager();

    private byte[] requestBytes;
    private UnsafeBuffer request;
    private ISOMsg jposRequest;

    /** The 0200, packed by jPOS so that both sides read jPOS's own bytes. */
    static ISOMsg purchase(final ISO87BPackager packager) throws ISOException
    {
        final ISOMsg m = new ISOMsg("0200");
        m.setPackager(packager);
        m.set(2, "4761739001010119");
        m.set(3, "000000");
        m.set(4, "000000001000");
        m.set(7, "1126050912");
        m.set(11, "000123");
        m.set(12, "050912");
        m.set(13, "1126");
        m.set(14, "2512");
        m.set(22, "051");
        m.set(25, "00");
        m.set(35, "4761739001010119=25122011143804400");
        m.set(37, "123456789012");
        m.set(41, "TERM0001");
        m.set(42, "MERCHANT0000001");
        m.set(49, "840");
        m.set(52, ISOUtil.hex2byte("0123456789ABCDEF"));
        m.set(64, ISOUtil.hex2byte("1122334455667788"));
        return m;
    }

    @Setup
    public void setUp() throws ISOException
    {
        requestBytes = purchase(packager).pack();
        if (requestBytes.length != REQUEST_LENGTH)
        {
            throw new IllegalStateException("the 0200 is " + requestBytes.length + " bytes, not " + REQUEST_LENGTH + ": " +
                ISOUtil.hexString(requestBytes));
        }
        request = new UnsafeBuffer(requestBytes);

        final DecodeError error = reader.wrap(request, 0, requestBytes.length);
        if (error != DecodeError.NONE)
        {
            throw new IllegalStateException("our reader rejects jPOS's 0200: " + reader);
        }
        jposRequest = unpack();

        final int length = respond();
        final byte[] ours = new byte[length];
        response.getBytes(0, ours);
        final byte[] theirs = jposRespond();
        if (!Arrays.equals(ours, theirs))
        {
            throw new IllegalStateException("the two 0210s differ, so the benchmarks would not compare like with like:\n ours " +
                ISOUtil.hexString(ours) + "\njPOS " + ISOUtil.hexString(theirs));
        }
    }

    // ---------------------------------------------------------------- ours

    /** Index the 0200 and read what a switch reads first: MTI, amount, STAN. */
    @Benchmark
    public void decode(final Blackhole bh)
    {
        bh.consume(reader.wrap(request, 0, REQUEST_LENGTH));
        bh.consume(reader.mti());
        bh.consume(reader.getLong(4));
        bh.consume(reader.getLong(11));
    }

    /** The 0210 to the already decoded 0200: echo fields, 38, 39, into a pre-allocated buffer. */
    @Benchmark
    public int respond()
    {
        return responses.begin(reader, writer.wrap(response, 0)).putString(38, AUTH_CODE).putString(39, APPROVED).finish();
    }

    /** Headline: bytes of an 0200 in, bytes of its 0210 out. */
    @Benchmark
    public int decodeAndRespond(final Blackhole bh)
    {
        if (reader.wrap(request, 0, REQUEST_LENGTH) != DecodeError.NONE)
        {
            throw new IllegalStateException(reader.toString());
        }
        bh.consume(reader.mti());
        bh.consume(reader.getLong(4));
        bh.consume(reader.getLong(11));
        return responses.begin(reader, writer.wrap(response, 0)).putString(38, AUTH_CODE).putString(39, APPROVED).finish();
    }

    // ---------------------------------------------------------------- jPOS

    @Benchmark
    public void jposDecode(final Blackhole bh) throws ISOException
    {
        final ISOMsg m = unpack();
        bh.consume(m.getMTI());
        bh.consume(Long.parseLong(m.getString(4)));
        bh.consume(Long.parseLong(m.getString(11)));
    }

    @Benchmark
    public byte[] jposRespond() throws ISOException
    {
        return answer(jposRequest);
    }

    @Benchmark
    public byte[] jposDecodeAndRespond(final Blackhole bh) throws ISOException
    {
        final ISOMsg m = unpack();
        bh.consume(m.getMTI());
        bh.consume(Long.parseLong(m.getString(4)));
        bh.consume(Long.parseLong(m.getString(11)));
        return answer(m);
    }

    private ISOMsg unpack() throws ISOException
    {
        final ISOMsg m = new ISOMsg();
        m.setPackager(packager);
        m.unpack(requestBytes);
        return m;
    }

    private static byte[] answer(final ISOMsg request) throws ISOException
    {
        final ISOMsg m = (ISOMsg)request.clone();
        m.setResponseMTI();
        m.set(38, AUTH_CODE);
        m.set(39, APPROVED);
        m.unset(NOT_IN_RESPONSE);
        return m.pack();
    }
}
