package io.interchange.engine.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Cipher;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import com.sun.management.ThreadMXBean;

/**
 * The message path allocates nothing once warm (the ring's rule, DESIGN.md §2): rounds of MACs and PIN translations
 * run until one allocates nothing on this thread, then the next must allocate nothing too. HsmBenchmark measures the
 * same with {@code -prof gc}; this keeps it true in every build.
 */
class SteadyStateAllocationTest
{
    private static final int ROUNDS = 50;
    private static final int PER_ROUND = 5_000;

    private final SoftwareHsm hsm = SoftwareHsm.withRandomLmk(5);
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[600]);
    private final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
    private final UnsafeBuffer pan = new UnsafeBuffer("4761739001010119".getBytes(StandardCharsets.US_ASCII));
    private final UnsafeBuffer pinBlock = new UnsafeBuffer(new byte[Hsm.PIN_BLOCK_LENGTH]);

    @Test
    void shouldNotAllocateOnceWarm() throws GeneralSecurityException
    {
        assertEquals(HsmResult.OK, hsm.formKey(0, KeyType.MAC_ISO9797_ALG3, Fixtures.hex("0123456789ABCDEF FEDCBA9876543210")));
        assertEquals(HsmResult.OK, hsm.formKey(1, KeyType.MAC_UNIONPAY_ECB, Fixtures.hex("2222222222222222")));
        assertEquals(HsmResult.OK, hsm.formKey(2, KeyType.MAC_AES_CMAC, Fixtures.hex("2B7E151628AED2A6ABF7158809CF4F3C")));
        assertEquals(HsmResult.OK, hsm.formKey(3, KeyType.PIN_ENCRYPTION, Fixtures.hex("6DC12CB58E2F9A112379C69F9CDF34CD")));
        assertEquals(HsmResult.OK, hsm.formKey(4, KeyType.PIN_ENCRYPTION, Fixtures.hex("9D719CDFCC02F10AF013C0611AE8273C")));
        // A valid block for the PAN, so each translation takes the whole path: PIN 1234, format 0, under key 3.
        final byte[] clear = Fixtures.hex("041234FFFFFFFFFF");
        final byte[] account = Fixtures.hex("0000173900101011");
        for (int i = 0; i < clear.length; i++)
        {
            clear[i] ^= account[i];
        }
        pinBlock.putBytes(0, Fixtures.ecb(Fixtures.hex("6DC12CB58E2F9A112379C69F9CDF34CD"), clear, Cipher.ENCRYPT_MODE));

        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        long previous = -1;
        for (int round = 0; round < ROUNDS; round++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            runRound();
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (allocated == 0 && previous == 0)
            {
                return;
            }
            previous = allocated;
        }
        throw new AssertionError("still allocating after " + ROUNDS + " rounds of " + PER_ROUND + ": " + previous + " bytes in the last");
    }

    private void runRound()
    {
        for (int i = 0; i < PER_ROUND; i++)
        {
            final int length = 110 + i % 400;
            for (int key = 0; key <= 2; key++)
            {
                check(hsm.generateMac(key, message, 0, length, mac, 0));
                check(hsm.verifyMac(key, message, 0, length, mac, 0));
            }
            check(hsm.translatePin(3, 4, pinBlock, 0, pan, 0, 16, mac, 0));
        }
    }

    private static void check(final HsmResult result)
    {
        if (result != HsmResult.OK)
        {
            throw new AssertionError(result);
        }
    }
}
