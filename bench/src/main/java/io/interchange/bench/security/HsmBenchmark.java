package io.interchange.bench.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.security.Hsm;
import io.interchange.engine.security.HsmResult;
import io.interchange.engine.security.KeyType;
import io.interchange.engine.security.SoftwareHsm;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.core.ConfigurationException;
import org.jpos.core.SimpleConfiguration;
import org.jpos.security.EncryptedPIN;
import org.jpos.security.SMAdapter;
import org.jpos.security.SMException;
import org.jpos.security.SecureDESKey;
import org.jpos.security.jceadapter.JCESecurityModule;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The HSM's per-message work on the ring thread: verify the retail MAC of a 118-byte ISO87B 0200 (the 110 bytes
 * before field 64; the purchase of FinancialRequestBenchmark), with the UnionPay ECB MAC and AES-CMAC over the same
 * bytes beside it, and translate its PIN block from the terminal's TPK to the issuer's ZPK, ours against jPOS's
 * JCESecurityModule. {@link #setUp} checks every operation answers OK and that jPOS's MAC and PIN block are ours.
 *
 * <p>Ours must allocate nothing ({@code -prof gc}: gc.alloc.rate.norm ≈ 0). jPOS is used as its users use it: keys
 * as {@link SecureDESKey}s under its LMK, unwrapped on every call. Its MAC is checked once but not measured: jPOS
 * 2.1.10's {@code JCEHandler} caches a {@code Mac} per call in a static map whose keys hash by algorithm alone and
 * compare the unwrapped {@code Key} by identity, a new one each call, so the map grows by one entry per MAC and each
 * look-up walks it; the time per call rises for as long as the benchmark runs.
 *
 * <p>Run: {@code java @jvm.options -Xms1g -Xmx1g -jar bench/target/benchmarks.jar 'io\.interchange\.bench\.security\.' -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HsmBenchmark
{
    private static final int RETAIL = 0;
    private static final int UNIONPAY = 1;
    private static final int CMAC = 2;
    private static final int TPK = 3;
    private static final int ZPK = 4;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final String RETAIL_KEY = "0123456789ABCDEFFEDCBA9876543210";
    private static final String TPK_KEY = "6DC12CB58E2F9A112379C69F9CDF34CD";
    private static final String ZPK_KEY = "9D719CDFCC02F10AF013C0611AE8273C";
    private static final String PAN = "4761739001010119";

    private final SoftwareHsm hsm = SoftwareHsm.withRandomLmk(5);
    private final UnsafeBuffer request = new UnsafeBuffer(new byte[256]);
    private final UnsafeBuffer pan = new UnsafeBuffer(PAN.getBytes(StandardCharsets.US_ASCII));
    private final UnsafeBuffer translated = new UnsafeBuffer(new byte[Hsm.PIN_BLOCK_LENGTH]);
    private final UnsafeBuffer[] macs = {new UnsafeBuffer(new byte[8]), new UnsafeBuffer(new byte[8]), new UnsafeBuffer(new byte[8])};

    private int macOffset;
    private int pinBlockOffset;
    private Path directory;
    private JCESecurityModule jpos;
    private SecureDESKey jposTpk;
    private SecureDESKey jposZpk;
    private EncryptedPIN jposPinBlock;

    @Setup(Level.Trial)
    public void setUp() throws IOException, SMException
    {
        check(hsm.formKey(RETAIL, KeyType.MAC_ISO9797_ALG3, HEX.parseHex(RETAIL_KEY)));
        check(hsm.formKey(UNIONPAY, KeyType.MAC_UNIONPAY_ECB, HEX.parseHex("2222222222222222")));
        check(hsm.formKey(CMAC, KeyType.MAC_AES_CMAC, HEX.parseHex("2B7E151628AED2A6ABF7158809CF4F3C")));
        check(hsm.formKey(TPK, KeyType.PIN_ENCRYPTION, HEX.parseHex(TPK_KEY)));
        check(hsm.formKey(ZPK, KeyType.PIN_ENCRYPTION, HEX.parseHex(ZPK_KEY)));

        directory = Files.createTempDirectory("hsm-bench");
        final Properties properties = new Properties();
        properties.setProperty("lmk", directory.resolve("jpos.lmk").toString());
        properties.setProperty("rebuildlmk", "true");
        properties.setProperty("provider", "org.bouncycastle.jce.provider.BouncyCastleProvider");
        properties.setProperty("cbc-mac", "ISO9797ALG3MAC");
        try
        {
            jpos = new JCESecurityModule(new SimpleConfiguration(properties), null, null);
        }
        catch (final ConfigurationException e)
        {
            throw new IllegalStateException(e);
        }
        final SecureDESKey jposTak = jpos.formKEYfromClearComponents(SMAdapter.LENGTH_DES3_2KEY, SMAdapter.TYPE_TAK, RETAIL_KEY);
        jposTpk = jpos.formKEYfromClearComponents(SMAdapter.LENGTH_DES3_2KEY, SMAdapter.TYPE_TPK, TPK_KEY);
        jposZpk = jpos.formKEYfromClearComponents(SMAdapter.LENGTH_DES3_2KEY, SMAdapter.TYPE_ZPK, ZPK_KEY);

        // The 0200 with the PIN block of 1234 under the TPK, then each MAC over the bytes before field 64.
        final byte[] pinBlock = jpos.encryptPIN("1234", PAN, jposTpk).getPINBlock();
        final int length = new MessageWriter(Iso87.BINARY).wrap(request, 0).mti(200)
            .putString(2, PAN).putString(3, "000000").putLong(4, 1000).putString(7, "1126050912").putLong(11, 123)
            .putString(12, "050912").putString(13, "1126").putString(14, "2512").putString(22, "051").putString(25, "00")
            .putString(35, "4761739001010119=25122011143804400").putString(37, "123456789012").putString(41, "TERM0001")
            .putString(42, "MERCHANT0000001").putString(49, "840").putBytes(52, pinBlock).putBytes(64, new byte[8]).finish();
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        if (length != 118 || reader.wrap(request, 0, length) != DecodeError.NONE)
        {
            throw new IllegalStateException("the 0200 is not the 118-byte purchase: " + reader);
        }
        macOffset = reader.valueOffset(64);
        pinBlockOffset = reader.valueOffset(52);
        for (int key = RETAIL; key <= CMAC; key++)
        {
            check(hsm.generateMac(key, request, 0, macOffset, macs[key], 0));
            check(hsm.verifyMac(key, request, 0, macOffset, macs[key], 0));
        }
        if (!Arrays.equals(jpos.generateCBC_MAC(Arrays.copyOf(request.byteArray(), macOffset), jposTak), macs[RETAIL].byteArray()))
        {
            throw new IllegalStateException("jPOS's retail MAC is not ours");
        }
        jposPinBlock = new EncryptedPIN(pinBlock, SMAdapter.FORMAT00, PAN);
        check(translatePin());
        if (!Arrays.equals(jposTranslatePin().getPINBlock(), translated.byteArray()))
        {
            throw new IllegalStateException("jPOS's translated PIN block is not ours");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        Files.deleteIfExists(directory.resolve("jpos.lmk"));
        Files.deleteIfExists(directory);
    }

    @Benchmark
    public HsmResult verifyRetailMac()
    {
        return hsm.verifyMac(RETAIL, request, 0, macOffset, macs[RETAIL], 0);
    }

    @Benchmark
    public HsmResult verifyUnionPayMac()
    {
        return hsm.verifyMac(UNIONPAY, request, 0, macOffset, macs[UNIONPAY], 0);
    }

    @Benchmark
    public HsmResult verifyAesCmac()
    {
        return hsm.verifyMac(CMAC, request, 0, macOffset, macs[CMAC], 0);
    }

    @Benchmark
    public HsmResult translatePin()
    {
        return hsm.translatePin(TPK, ZPK, request, pinBlockOffset, pan, 0, PAN.length(), translated, 0);
    }

    @Benchmark
    public EncryptedPIN jposTranslatePin() throws SMException
    {
        return jpos.translatePIN(jposPinBlock, jposTpk, jposZpk, SMAdapter.FORMAT00);
    }

    private static void check(final HsmResult result)
    {
        if (result != HsmResult.OK)
        {
            throw new IllegalStateException("the HSM answered " + result);
        }
    }
}
