package io.interchange.engine.security;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.agrona.concurrent.UnsafeBuffer;

/** Hex, buffers and seeded randomness for the security tests. */
final class Fixtures
{
    /** {@code -Dinterchange.seed=N} replays a failed random run; every random assertion message names the seed. */
    static final long SEED = Long.getLong("interchange.seed", 9797L);

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Fixtures()
    {
    }

    static byte[] hex(final String hex)
    {
        return HEX.parseHex(hex.replace(" ", ""));
    }

    static String hex(final byte[] bytes)
    {
        return HEX.formatHex(bytes);
    }

    static String hex(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return hex(bytes);
    }

    /** A heap buffer holding {@code bytes} at {@code offset}, with junk around them so a range that strays shows. */
    static UnsafeBuffer buffer(final byte[] bytes, final int offset)
    {
        final byte[] backing = new byte[offset + bytes.length + 16];
        Arrays.fill(backing, (byte)0xA5);
        System.arraycopy(bytes, 0, backing, offset, bytes.length);
        return new UnsafeBuffer(backing);
    }

    static UnsafeBuffer buffer(final byte[] bytes)
    {
        return new UnsafeBuffer(bytes.clone());
    }

    static byte[] bytes(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static String digits(final SplittableRandom random, final int length)
    {
        final StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            sb.append((char)('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    /** {@code data} through a fresh JCE cipher in ECB mode: DES for an 8-byte key, triple DES for 16 (K1 K2 K1) or 24 bytes. */
    static byte[] ecb(final byte[] key, final byte[] data, final int mode) throws GeneralSecurityException
    {
        final Cipher cipher;
        if (key.length == 8)
        {
            cipher = Cipher.getInstance("DES/ECB/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "DES"));
        }
        else
        {
            final byte[] triple = Arrays.copyOf(key, 24);
            if (key.length == 16)
            {
                System.arraycopy(key, 0, triple, 16, 8);
            }
            cipher = Cipher.getInstance("DESede/ECB/NoPadding");
            cipher.init(mode, new SecretKeySpec(triple, "DESede"));
        }
        return cipher.doFinal(data);
    }

    /** The first four bytes of {@code key} encrypting a block of zeros: the check value CUPS field 62 carries. */
    static String checkValue(final byte[] key) throws GeneralSecurityException
    {
        return hex(Arrays.copyOf(ecb(key, new byte[8], Cipher.ENCRYPT_MODE), 4));
    }
}
