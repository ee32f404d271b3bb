package io.interchange.engine.security;

import static io.interchange.engine.security.Fixtures.SEED;
import static io.interchange.engine.security.Fixtures.buffer;
import static io.interchange.engine.security.Fixtures.bytes;
import static io.interchange.engine.security.Fixtures.digits;
import static io.interchange.engine.security.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;

import javax.crypto.Cipher;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ISO 9564 format 0 PIN translation from a TPK to a ZPK: published blocks, jPOS as the oracle, and blocks that must be refused. */
class PinTranslationTest
{
    private static final int TPK = 0;
    private static final int ZPK = 1;
    private static final byte[] TPK_KEY = hex("0123456789ABCDEF FEDCBA9876543210");
    private static final byte[] ZPK_KEY = hex("89ABCDEF01234567 7654321001234567");

    private final SoftwareHsm hsm = SoftwareHsm.withRandomLmk(2);

    @Test
    void shouldTranslateThePublishedBlocks() throws GeneralSecurityException
    {
        // EFTlab BP-Tools' example (PAN 43219876543210987, PIN 1234) and the payShield manual's (PAN 4000001234562, PIN 92389).
        assertTranslatesClearBlock("0412AC89ABCDEF67", "43219876543210987");
        assertTranslatesClearBlock("0592789FFFEDCBA9", "4000001234562");
        // A PAN shorter than 12 digits before its check digit is right justified and padded with zeros (ISO 9564-1):
        // 041234FFFFFFFFFF xor 0000000001234567 for PAN 12345678.
        assertTranslatesClearBlock("041234FFFEDCBA98", "12345678");
    }

    @Test
    void shouldMatchJposOnRandomKeysPinsAndCards(@TempDir final Path lmk) throws Exception
    {
        final JposOracle jpos = new JposOracle(lmk);
        final SplittableRandom random = new SplittableRandom(SEED);
        final int[] keyLengths = {8, 16, 24};
        final UnsafeBuffer out = new UnsafeBuffer(new byte[Hsm.PIN_BLOCK_LENGTH]);
        for (int i = 0; i < 3_000; i++)
        {
            final byte[] tpk = bytes(random, keyLengths[random.nextInt(3)]);
            final byte[] zpk = bytes(random, keyLengths[random.nextInt(3)]);
            final String pin = digits(random, random.nextInt(4, 13));
            final String pan = digits(random, random.nextInt(13, 20));
            final String where = "seed " + SEED + ", case " + i + ", PAN " + pan + ", PIN length " + pin.length();
            final byte[] block = jpos.encryptPin(pin, pan, tpk);

            assertEquals(HsmResult.OK, hsm.formKey(TPK, KeyType.PIN_ENCRYPTION, tpk), where);
            assertEquals(HsmResult.OK, hsm.formKey(ZPK, KeyType.PIN_ENCRYPTION, zpk), where);
            assertEquals(HsmResult.OK, translate(block, pan, out), where);
            assertEquals(hex(jpos.translatePin(tpk, zpk, block, pan)), hex(out.byteArray()), where);
        }
    }

    @Test
    void shouldJudgeBlocksValidExactlyAsJposDoes(@TempDir final Path lmk) throws Exception
    {
        final JposOracle jpos = new JposOracle(lmk);
        final SplittableRandom random = new SplittableRandom(SEED);
        assertEquals(HsmResult.OK, hsm.formKey(TPK, KeyType.PIN_ENCRYPTION, TPK_KEY));
        assertEquals(HsmResult.OK, hsm.formKey(ZPK, KeyType.PIN_ENCRYPTION, ZPK_KEY));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[Hsm.PIN_BLOCK_LENGTH]);
        int refused = 0;
        for (int i = 0; i < 3_000; i++)
        {
            final String pan = digits(random, 16);
            final long account = Long.parseLong(pan.substring(3, 15), 16);
            final long pinField = randomPinField(random);
            final byte[] clear = new byte[8];
            for (int b = 0; b < 8; b++)
            {
                clear[b] = (byte)((pinField ^ account) >>> 56 - 8 * b);
            }
            final byte[] block = des(TPK_KEY, clear, Cipher.ENCRYPT_MODE);
            final byte[] expected = jpos.translatePin(TPK_KEY, ZPK_KEY, block, pan);
            final String where = "seed " + SEED + ", case " + i + ", PIN field " + Long.toHexString(pinField);

            final HsmResult result = translate(block, pan, out);
            assertEquals(expected == null ? HsmResult.BAD_PIN_BLOCK : HsmResult.OK, result, where);
            if (expected != null)
            {
                assertEquals(hex(expected), hex(out.byteArray()), where);
            }
            else
            {
                refused++;
            }
        }
        assertTrue(refused > 1_000 && refused < 2_500, "both valid and invalid blocks must be tried: " + refused + " refused");
    }

    @Test
    void shouldRefuseEachWayABlockCanBeWrong() throws GeneralSecurityException
    {
        assertEquals(HsmResult.OK, hsm.formKey(TPK, KeyType.PIN_ENCRYPTION, TPK_KEY));
        assertEquals(HsmResult.OK, hsm.formKey(ZPK, KeyType.PIN_ENCRYPTION, ZPK_KEY));
        final String pan = "4000001234562";
        final long account = 0x0000_4000_0012_3456L;
        assertBadPinField(0x1592389FFFFFFFFFL ^ account, pan, "control 1: a format 1 block");
        assertBadPinField(0x03123FFFFFFFFFFFL ^ account, pan, "PIN length 3");
        assertBadPinField(0x0D1234567890123FL ^ account, pan, "PIN length 13");
        assertBadPinField(0x05923A9FFFFFFFFFL ^ account, pan, "a PIN digit A");
        assertBadPinField(0x0592389FFFFFFFFEL ^ account, pan, "fill E");
        assertBadPinField(0x0592389FFFFFFFFFL ^ account, "4000001234572", "the block of another card");

        final UnsafeBuffer out = new UnsafeBuffer(new byte[Hsm.PIN_BLOCK_LENGTH]);
        assertEquals(HsmResult.OK, translate(des(TPK_KEY, hex("0592789FFFEDCBA9"), Cipher.ENCRYPT_MODE), pan, out), "the valid block itself");
    }

    @Test
    void shouldAnswerWithoutThrowingForMissingKeysWrongKeysAndBadInput() throws GeneralSecurityException
    {
        final byte[] block = des(TPK_KEY, hex("0592789FFFEDCBA9"), Cipher.ENCRYPT_MODE);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[Hsm.PIN_BLOCK_LENGTH]);
        assertEquals(HsmResult.KEY_NOT_FOUND, translate(block, "4000001234562", out));
        assertEquals(HsmResult.OK, hsm.formKey(TPK, KeyType.PIN_ENCRYPTION, TPK_KEY));
        assertEquals(HsmResult.KEY_NOT_FOUND, translate(block, "4000001234562", out), "no ZPK yet");
        assertEquals(HsmResult.OK, hsm.formKey(ZPK, KeyType.MAC_ISO9797_ALG3, ZPK_KEY));
        assertEquals(HsmResult.KEY_TYPE_MISMATCH, translate(block, "4000001234562", out), "a MAC key does not encrypt PINs");
        assertEquals(HsmResult.OK, hsm.formKey(ZPK, KeyType.PIN_ENCRYPTION, ZPK_KEY));

        assertEquals(HsmResult.INVALID_INPUT, translate(block, "40000012345X2", out));
        assertEquals(HsmResult.INVALID_INPUT, translate(block, "4", out));
        assertEquals(HsmResult.INVALID_INPUT, translate(block, "40000012345678901234", out), "20 digits");
        assertEquals(HsmResult.INVALID_INPUT,
            hsm.translatePin(TPK, ZPK, buffer(block), 1, buffer("4000001234562".getBytes(StandardCharsets.US_ASCII)), 0, 13, out, 0));
        assertEquals(HsmResult.INVALID_INPUT,
            hsm.translatePin(TPK, ZPK, buffer(block), 0, buffer("4000001234562".getBytes(StandardCharsets.US_ASCII)), 0, 14, out, 0));
        assertEquals(HsmResult.INVALID_INPUT,
            hsm.translatePin(TPK, ZPK, buffer(block), 0, buffer("4000001234562".getBytes(StandardCharsets.US_ASCII)), 0, 13, out, 1));
        assertEquals("0000000000000000", hex(out.byteArray()), "nothing written on failure");
    }

    /**
     * A PIN field near the valid ones: control 0 nine times in ten, any length nibble 0-F, PIN digits and F fill
     * each right 95 times in a hundred and any nibble otherwise. About a quarter come out valid.
     */
    private static long randomPinField(final SplittableRandom random)
    {
        final int length = random.nextInt(16);
        long field = random.nextInt(10) == 0 ? random.nextInt(1, 16) : 0;
        field = field << 4 | length;
        for (int nibble = 2; nibble < 16; nibble++)
        {
            final boolean right = random.nextInt(100) < 95;
            final int value = nibble < 2 + length ? (right ? random.nextInt(10) : random.nextInt(16)) : (right ? 0xF : random.nextInt(16));
            field = field << 4 | value;
        }
        return field;
    }

    /** A clear block encrypted under the TPK translates to the same clear block under the ZPK. */
    private void assertTranslatesClearBlock(final String clearBlock, final String pan) throws GeneralSecurityException
    {
        assertEquals(HsmResult.OK, hsm.formKey(TPK, KeyType.PIN_ENCRYPTION, TPK_KEY));
        assertEquals(HsmResult.OK, hsm.formKey(ZPK, KeyType.PIN_ENCRYPTION, ZPK_KEY));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[Hsm.PIN_BLOCK_LENGTH]);
        assertEquals(HsmResult.OK, translate(des(TPK_KEY, hex(clearBlock), Cipher.ENCRYPT_MODE), pan, out), pan);
        assertEquals(clearBlock, hex(des(ZPK_KEY, out.byteArray(), Cipher.DECRYPT_MODE)), pan);
    }

    private void assertBadPinField(final long clearBlock, final String pan, final String why) throws GeneralSecurityException
    {
        final byte[] clear = hex(String.format("%016X", clearBlock));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[Hsm.PIN_BLOCK_LENGTH]);
        assertEquals(HsmResult.BAD_PIN_BLOCK, translate(des(TPK_KEY, clear, Cipher.ENCRYPT_MODE), pan, out), why);
        assertEquals("0000000000000000", hex(out.byteArray()), why + ": nothing written");
    }

    private HsmResult translate(final byte[] block, final String pan, final UnsafeBuffer out)
    {
        final byte[] digits = pan.getBytes(StandardCharsets.US_ASCII);
        return hsm.translatePin(TPK, ZPK, buffer(block, 3), 3, buffer(digits, 5), 5, digits.length, out, 0);
    }

    private static byte[] des(final byte[] key, final byte[] block, final int mode) throws GeneralSecurityException
    {
        return Fixtures.ecb(key, block, mode);
    }
}
