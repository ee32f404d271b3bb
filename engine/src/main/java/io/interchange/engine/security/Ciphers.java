package io.interchange.engine.security;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * JCE ciphers made once per key and kept initialised, so the message path only calls {@code update} and
 * {@code doFinal} into arrays it already has. Every primitive is the JDK provider's: nothing here is a cipher.
 */
final class Ciphers
{
    static final int DES_BLOCK = 8;
    static final int AES_BLOCK = 16;

    private Ciphers()
    {
    }

    /**
     * An ECB cipher over {@code key[offset, offset + length)}: DES for 8 bytes, two-key triple DES for 16 (K1 K2 K1,
     * ANSI X9.52 keying option 2, which the JCE wants spelled out as 24 bytes), three-key triple DES for 24.
     */
    static Cipher desEcb(final int mode, final byte[] key, final int offset, final int length) throws GeneralSecurityException
    {
        final Cipher cipher;
        if (length == DES_BLOCK)
        {
            cipher = Cipher.getInstance("DES/ECB/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, offset, length, "DES"));
            return cipher;
        }
        final byte[] triple = new byte[24];
        try
        {
            System.arraycopy(key, offset, triple, 0, length);
            if (length == 16)
            {
                System.arraycopy(key, offset, triple, 16, DES_BLOCK);
            }
            cipher = Cipher.getInstance("DESede/ECB/NoPadding");
            cipher.init(mode, new SecretKeySpec(triple, "DESede"));
            return cipher;
        }
        finally
        {
            Arrays.fill(triple, (byte)0);
        }
    }

    /** Single DES in CBC mode with a zero IV over the 8 bytes at {@code key[offset]}: CBC restarts from the IV after every {@code doFinal}. */
    static Cipher desCbc(final byte[] key, final int offset) throws GeneralSecurityException
    {
        final Cipher cipher = Cipher.getInstance("DES/CBC/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, offset, DES_BLOCK, "DES"), new IvParameterSpec(new byte[DES_BLOCK]));
        return cipher;
    }

    /** AES in ECB mode: a key's check value, and keys encrypted under an AES key-encryption key. */
    static Cipher aesEcb(final int mode, final byte[] key) throws GeneralSecurityException
    {
        final Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"));
        return cipher;
    }

    /** Sets each byte's low bit so that it has an odd number of ones, as FIPS 46-3 asks of a DES key. */
    static void oddParity(final byte[] key, final int offset, final int length)
    {
        for (int i = offset; i < offset + length; i++)
        {
            final int high = key[i] & 0xFE;
            key[i] = (byte)((Integer.bitCount(high) & 1) == 0 ? high | 1 : high);
        }
    }
}
