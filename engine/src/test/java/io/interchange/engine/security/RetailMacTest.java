package io.interchange.engine.security;

import static io.interchange.engine.security.Fixtures.SEED;
import static io.interchange.engine.security.Fixtures.buffer;
import static io.interchange.engine.security.Fixtures.bytes;
import static io.interchange.engine.security.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ISO/IEC 9797-1 MAC algorithm 3, padding method 1 (the ANSI X9.19 retail MAC): published vectors, then jPOS as the oracle. */
class RetailMacTest
{
    private static final int KEY = 0;

    private final SoftwareHsm hsm = SoftwareHsm.withRandomLmk(4);

    @Test
    void shouldMatchTheIso9797AnnexExamples()
    {
        // ISO/IEC 9797-1:2011 Annex B.4, MAC algorithm 3 with padding method 1, K = 0123456789ABCDEF, K' = FEDCBA9876543210:
        // the annex's 32-bit MACs, as openemv/emv-utils tests/crypto_tdes2_retail_mac_test.c quotes them.
        assertEquals(HsmResult.OK, hsm.formKey(KEY, KeyType.MAC_ISO9797_ALG3, hex("0123456789ABCDEF FEDCBA9876543210")));
        assertEquals("A1C72E74", mac("Now is the time for all ").substring(0, 8));
        assertEquals("2E2B1428", mac("Now is the time for it").substring(0, 8));
    }

    @Test
    void shouldMatchJposOnRandomKeysAndMessages(@TempDir final Path lmk) throws Exception
    {
        final JposOracle jpos = new JposOracle(lmk);
        final SplittableRandom random = new SplittableRandom(SEED);
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        for (int i = 0; i < 3_000; i++)
        {
            final byte[] key = bytes(random, 16);
            // Lengths across the 256-byte chunk the HSM reads in, with zero and whole-block lengths often enough.
            final int length = i % 10 == 0 ? 8 * random.nextInt(0, 80) : random.nextInt(0, 700);
            final byte[] data = bytes(random, length);
            final int offset = random.nextInt(0, 9);
            final String where = "seed " + SEED + ", case " + i + ", key " + hex(key) + ", length " + length;

            assertEquals(HsmResult.OK, hsm.formKey(KEY, KeyType.MAC_ISO9797_ALG3, key), where);
            assertEquals(HsmResult.OK, hsm.generateMac(KEY, buffer(data, offset), offset, length, mac, 0), where);
            assertEquals(hex(jpos.retailMac(key, data)), hex(mac.byteArray()), where);
            assertEquals(HsmResult.OK, hsm.verifyMac(KEY, buffer(data, offset), offset, length, mac, 0), where);
        }
    }

    @Test
    void shouldReadOffHeapBuffersAsHeapOnes()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        assertEquals(HsmResult.OK, hsm.formKey(KEY, KeyType.MAC_ISO9797_ALG3, bytes(random, 16)));
        final byte[] data = bytes(random, 600);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(data.length + 5));
        direct.putBytes(5, data);
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        final UnsafeBuffer offHeap = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateMac(KEY, buffer(data), 0, data.length, heap, 0));
        assertEquals(HsmResult.OK, hsm.generateMac(KEY, direct, 5, data.length, offHeap, 0));
        assertEquals(hex(heap.byteArray()), hex(offHeap.byteArray()));
    }

    @Test
    void shouldRefuseAWrongMacAndEveryChangedByte()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        assertEquals(HsmResult.OK, hsm.formKey(KEY, KeyType.MAC_ISO9797_ALG3, bytes(random, 16)));
        final UnsafeBuffer message = buffer(bytes(random, 120));
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateMac(KEY, message, 0, 120, mac, 0));

        for (int bit = 0; bit < 64; bit++)
        {
            final UnsafeBuffer wrong = buffer(mac.byteArray());
            wrong.putByte(bit / 8, (byte)(wrong.getByte(bit / 8) ^ (1 << bit % 8)));
            assertEquals(HsmResult.MAC_MISMATCH, hsm.verifyMac(KEY, message, 0, 120, wrong, 0), "MAC bit " + bit);
        }
        for (int at = 0; at < 120; at++)
        {
            final UnsafeBuffer tampered = buffer(message.byteArray());
            tampered.putByte(at, (byte)(tampered.getByte(at) + 1));
            assertEquals(HsmResult.MAC_MISMATCH, hsm.verifyMac(KEY, tampered, 0, 120, mac, 0), "message byte " + at);
        }
        assertEquals(HsmResult.MAC_MISMATCH, hsm.verifyMac(KEY, message, 0, 119, mac, 0), "truncated");
        assertEquals(HsmResult.OK, hsm.verifyMac(KEY, message, 0, 120, mac, 0));
    }

    @Test
    void shouldAnswerWithoutThrowingForMissingKeysWrongKeysAndBadRanges()
    {
        final UnsafeBuffer message = buffer(new byte[64]);
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        assertEquals(HsmResult.KEY_NOT_FOUND, hsm.verifyMac(KEY, message, 0, 64, mac, 0));
        assertEquals(HsmResult.KEY_NOT_FOUND, hsm.verifyMac(-1, message, 0, 64, mac, 0));
        assertEquals(HsmResult.KEY_NOT_FOUND, hsm.generateMac(99, message, 0, 64, mac, 0));

        assertEquals(HsmResult.OK, hsm.formKey(1, KeyType.PIN_ENCRYPTION, hex("0123456789ABCDEF FEDCBA9876543210")));
        assertEquals(HsmResult.KEY_TYPE_MISMATCH, hsm.verifyMac(1, message, 0, 64, mac, 0), "a PIN key does not MAC");

        assertEquals(HsmResult.OK, hsm.formKey(KEY, KeyType.MAC_ISO9797_ALG3, hex("0123456789ABCDEF FEDCBA9876543210")));
        assertEquals(HsmResult.INVALID_INPUT, hsm.verifyMac(KEY, message, 1, 64, mac, 0));
        assertEquals(HsmResult.INVALID_INPUT, hsm.verifyMac(KEY, message, -1, 8, mac, 0));
        assertEquals(HsmResult.INVALID_INPUT, hsm.verifyMac(KEY, message, 0, -8, mac, 0));
        assertEquals(HsmResult.INVALID_INPUT, hsm.verifyMac(KEY, message, 0, 64, mac, 1));
        assertEquals(HsmResult.INVALID_INPUT, hsm.generateMac(KEY, message, 0, 64, mac, 4));
        assertEquals(HsmResult.INVALID_INPUT, hsm.formKey(KEY, KeyType.MAC_ISO9797_ALG3, new byte[8]), "algorithm 3 needs K and K'");
    }

    private String mac(final String text)
    {
        final byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateMac(KEY, buffer(data), 0, data.length, mac, 0));
        return hex(mac.byteArray());
    }
}
