package io.interchange.journal;

import static io.interchange.journal.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class AesCmacPairTest
{
    private static final byte[] NIST_KEY = Fixtures.hex("603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4");
    private static final String NIST_MESSAGE = "6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E51" +
        "30C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710";

    @Test
    void shouldComputeTheAes256ExamplesOfSp800_38B()
    {
        // NIST SP 800-38B, appendix D.3: messages of 128, 320 and 512 bits (one block, a part block, four), the
        // first byte of each as the label.
        assertEquals("28A7023F452E8F82BD4BF28D8C37C35C", tag(16));
        assertEquals("AAF3D8F1DE5640C232F5B169B9C911E6", tag(40));
        assertEquals("E1992190549F6ED5696A2C056C315410", tag(64));
    }

    @Test
    void shouldComputeBothLabelsAsBouncyCastlesCmacDoesEachAlone()
    {
        final SplittableRandom random = new SplittableRandom(8583);
        final byte[] key = new byte[AesCmacPair.KEY_LENGTH];
        final byte[] out = new byte[2 * AesCmacPair.LENGTH + 8];
        for (int i = 0; i < 300; i++)
        {
            random.nextBytes(key);
            final AesCmacPair pair = new AesCmacPair(key);
            final int length = random.nextInt(0, 100);
            final byte[] value = new byte[length + 20];
            random.nextBytes(value);
            final int offset = random.nextInt(0, 20);
            final byte first = (byte)random.nextInt(256);
            final byte second = (byte)random.nextInt(256);
            pair.mac(first, second, value, offset, length, out, 4);
            assertArrayEquals(oracle(key, first, value, offset, length), Arrays.copyOfRange(out, 4, 20), "first, case " + i + ", length " + length);
            assertArrayEquals(oracle(key, second, value, offset, length), Arrays.copyOfRange(out, 20, 36), "second, case " + i + ", length " + length);
            // Keyed once: the next value owes nothing to this one.
            pair.mac(second, first, value, 0, length / 2, out, 0);
            assertArrayEquals(oracle(key, second, value, 0, length / 2), Arrays.copyOfRange(out, 0, 16), "again, case " + i);
        }
    }

    @Test
    void shouldRefuseAKeyThatIsNotAes256()
    {
        assertThrows(IllegalArgumentException.class, () -> new AesCmacPair(new byte[16]));
    }

    private static String tag(final int length)
    {
        final byte[] message = Arrays.copyOf(hex(NIST_MESSAGE), length);
        final byte[] out = new byte[2 * AesCmacPair.LENGTH];
        new AesCmacPair(NIST_KEY).mac(message[0], message[0], message, 1, length - 1, out, 0);
        assertArrayEquals(Arrays.copyOf(out, 16), Arrays.copyOfRange(out, 16, 32), "the same label twice");
        return Fixtures.hex(Arrays.copyOf(out, 16));
    }

    private static byte[] oracle(final byte[] key, final byte label, final byte[] value, final int offset, final int length)
    {
        final CMac cmac = new CMac(AESEngine.newInstance());
        cmac.init(new KeyParameter(key));
        cmac.update(label);
        cmac.update(value, offset, length);
        final byte[] tag = new byte[16];
        cmac.doFinal(tag, 0);
        return tag;
    }
}
