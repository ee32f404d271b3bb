package io.interchange.journal;

import static io.interchange.journal.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.SplittableRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/** The journal's GCM, composed from Bouncy Castle's primitives, against JCE's and the published vectors. */
class AesGcmTest
{
    @Test
    void shouldMatchTheSp80038dTestVectors()
    {
        // McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 13, 14 and 15 (AES-256, 96-bit IV, no AAD).
        assertVector("0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "", "",
            "530F8AFBC74536B9A963B4F1C4CB738B");
        assertVector("0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
            "00000000000000000000000000000000", "CEA7403D4D606B6E074EC5D3BAF39D18", "D0D1C8A799996BF0265B98B5D48AB919");
        assertVector("FEFFE9928665731C6D6A8F9467308308FEFFE9928665731C6D6A8F9467308308", "CAFEBABEFACEDBADDECAF888",
            "D9313225F88406E5A55909C5AFF5269A86A7A9531534F7DA2E4C303D8A318A721C3C0C95956809532FCF0E2449A6B525B16AEDF5AA0DE657BA637B391AAFD255",
            "522DC1F099567D07F47F37A32A84427D643A8CDCBFE5C0C97598A2BD2555D1AA8CB08E48590DBB3DA7B08B1056828838C5F61E6393BA7A0ABCC9F662898015AD",
            "B094DAC5D93471BDEC1A502270E3CC6C");
    }

    @Test
    void shouldMatchJceOnRandomKeysNoncesAndLengths() throws GeneralSecurityException
    {
        final SplittableRandom random = new SplittableRandom(8583);
        final Cipher jce = Cipher.getInstance("AES/GCM/NoPadding");
        for (int i = 0; i < 500; i++)
        {
            final byte[] key = bytes(random, 32);
            final byte[] nonce = bytes(random, 12);
            final byte[] plain = bytes(random, random.nextInt(0, 300));
            jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            final byte[] expected = jce.doFinal(plain);

            final AesGcm gcm = new AesGcm(key);
            final byte[] sealed = new byte[plain.length + 16];
            assertEquals(sealed.length, gcm.encrypt(nonce, 0, plain, 0, plain.length, sealed, 0));
            assertArrayEquals(expected, sealed, "case " + i);

            final byte[] opened = new byte[plain.length];
            assertTrue(gcm.decrypt(nonce, 0, sealed, 0, plain.length, opened, 0));
            assertArrayEquals(plain, opened);
        }
    }

    @Test
    void shouldMatchJceCallAfterCallOnOneInstanceAtOffsetsAndInPlace() throws GeneralSecurityException
    {
        // As the journal uses it: one instance for every value, its key stream and counters reused from call to call.
        final SplittableRandom random = new SplittableRandom(4493);
        final byte[] key = bytes(random, 32);
        final AesGcm gcm = new AesGcm(key);
        final Cipher jce = Cipher.getInstance("AES/GCM/NoPadding");
        for (int i = 0; i < 2_000; i++)
        {
            final byte[] nonce = bytes(random, 12);
            final byte[] plain = bytes(random, random.nextInt(0, 400));
            jce.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            final byte[] expected = jce.doFinal(plain);

            final int at = random.nextInt(0, 9);
            final byte[] buffer = new byte[at + plain.length + 16 + 3];
            System.arraycopy(plain, 0, buffer, at, plain.length);
            gcm.encrypt(nonce, 0, buffer, at, plain.length, buffer, at);
            assertArrayEquals(expected, Arrays.copyOfRange(buffer, at, at + expected.length), "case " + i);
            assertTrue(gcm.decrypt(nonce, 0, buffer, at, plain.length, buffer, at), "case " + i);
            assertArrayEquals(plain, Arrays.copyOfRange(buffer, at, at + plain.length), "case " + i);
        }
    }

    @Test
    void shouldRefuseWhatDoesNotAuthenticate()
    {
        final byte[] key = Fixtures.key(5);
        final byte[] nonce = hex("00112233445566778899AABB");
        final byte[] plain = "4761739001010119".getBytes(StandardCharsets.US_ASCII);
        final byte[] sealed = new byte[plain.length + 16];
        new AesGcm(key).encrypt(nonce, 0, plain, 0, plain.length, sealed, 0);
        final byte[] out = new byte[plain.length];

        for (int i = 0; i < sealed.length; i++)
        {
            final byte[] flipped = sealed.clone();
            flipped[i] ^= 1;
            assertFalse(new AesGcm(key).decrypt(nonce, 0, flipped, 0, plain.length, out, 0), "bit flipped in byte " + i);
        }
        assertFalse(new AesGcm(Fixtures.key(6)).decrypt(nonce, 0, sealed, 0, plain.length, out, 0), "another key");
        assertArrayEquals(new byte[plain.length], out, "nothing is written when the tag does not match");
    }

    private static void assertVector(final String key, final String nonce, final String plain, final String cipher, final String tag)
    {
        final byte[] p = hex(plain);
        final byte[] sealed = new byte[p.length + 16];
        new AesGcm(hex(key)).encrypt(hex(nonce), 0, p, 0, p.length, sealed, 0);
        assertEquals(cipher + tag, hex(sealed));
    }

    private static byte[] bytes(final SplittableRandom random, final int n)
    {
        final byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}
