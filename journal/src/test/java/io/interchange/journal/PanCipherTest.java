package io.interchange.journal;

import static io.interchange.journal.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.SplittableRandom;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class PanCipherTest
{
    @Test
    void shouldComputeHmacSha256AsRfc4231AndJceDo() throws GeneralSecurityException
    {
        // RFC 4231 test cases 2 (a short key) and 6 (a key longer than the block, hashed first).
        assertEquals("5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843",
            hex(hmac("Jefe".getBytes(StandardCharsets.US_ASCII), "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))));
        final byte[] longKey = new byte[131];
        Arrays.fill(longKey, (byte)0xAA);
        assertEquals("60E431591EE0B67F0D8A26AACBF5B77F8E0BC6213728C5140546040F0EE37F54",
            hex(hmac(longKey, "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII))));

        final SplittableRandom random = new SplittableRandom(8583);
        final Mac jce = Mac.getInstance("HmacSHA256");
        for (int i = 0; i < 300; i++)
        {
            final byte[] key = new byte[random.nextInt(1, 150)];
            final byte[] data = new byte[random.nextInt(0, 200)];
            random.nextBytes(key);
            random.nextBytes(data);
            jce.init(new SecretKeySpec(key, "HmacSHA256"));
            assertArrayEquals(jce.doFinal(data), hmac(key, data), "case " + i);
        }
    }

    @Test
    void shouldSealAPanBehindItsKeyedHashAndOpenIt() throws GeneralSecurityException
    {
        final byte[] hashKey = Fixtures.key(2);
        final PanCipher pans = new PanCipher(Fixtures.key(1), hashKey);
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(hashKey, "HmacSHA256"));
        for (final String pan : new String[] {"4761739001010119", "6225880100000000015", "5413330089010434"})
        {
            final byte[] digits = pan.getBytes(StandardCharsets.US_ASCII);
            final byte[] expected = mac.doFinal(digits);
            final UnsafeBuffer hash = new UnsafeBuffer(new byte[16]);
            pans.hash(new UnsafeBuffer(digits), 0, pan.length(), hash, 0);
            assertArrayEquals(Arrays.copyOf(expected, 16), hash.byteArray(), pan);

            // Sealed: the look-up hash, the nonce (the rest of the HMAC), then ciphertext and tag.
            final UnsafeBuffer sealed = new UnsafeBuffer(new byte[PanCipher.sealedLength(pan.length())]);
            assertEquals(16 + 12 + pan.length() + 16, pans.seal(new UnsafeBuffer(digits), 0, pan.length(), sealed, 0));
            assertArrayEquals(Arrays.copyOf(expected, 28), Arrays.copyOf(sealed.byteArray(), 28));
            assertEquals(-1, indexOf(sealed.byteArray(), digits), "the PAN is not in clear");

            final UnsafeBuffer opened = new UnsafeBuffer(new byte[32]);
            assertEquals(pan.length(), pans.open(sealed, 0, pan.length(), opened, 0));
            assertEquals(pan, opened.getStringWithoutLengthAscii(0, pan.length()));
            assertEquals(-1, new PanCipher(Fixtures.key(3), hashKey).open(sealed, 0, pan.length(), opened, 0), "another key");
        }
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        for (int i = 0; i <= haystack.length - needle.length; i++)
        {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length))
            {
                return i;
            }
        }
        return -1;
    }

    private static byte[] hmac(final byte[] key, final byte[] data)
    {
        final byte[] out = new byte[32];
        new HmacSha256(key).mac(data, 0, data.length, out, 0);
        return out;
    }
}
