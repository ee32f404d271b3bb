package io.interchange.tools.system;

import java.security.GeneralSecurityException;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-CMAC (NIST SP 800-38B) truncated to its leftmost 64 bits, written from the standard with plain JCE AES as the
 * test's own oracle (the switch's HSM uses Bouncy Castle's): subkeys K1 and K2 from AES of zeros, CBC over the
 * blocks, the last one XORed with K1 when whole, else padded with 10...0 and XORed with K2.
 */
final class Cmac
{
    private static final int BLOCK = 16;

    private Cmac()
    {
    }

    static byte[] of(final byte[] key, final byte[] data, final int length)
    {
        try
        {
            final Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            final byte[] k1 = doubled(aes.doFinal(new byte[BLOCK]));
            final byte[] k2 = doubled(k1);
            final int blocks = Math.max(1, (length + BLOCK - 1) / BLOCK);
            final boolean whole = length > 0 && length % BLOCK == 0;
            byte[] state = new byte[BLOCK];
            for (int b = 0; b < blocks; b++)
            {
                final byte[] block = new byte[BLOCK];
                final int from = b * BLOCK;
                final int n = Math.min(BLOCK, length - from);
                System.arraycopy(data, from, block, 0, Math.max(0, n));
                if (b == blocks - 1)
                {
                    if (!whole)
                    {
                        block[Math.max(0, n)] = (byte)0x80;
                    }
                    final byte[] subkey = whole ? k1 : k2;
                    for (int i = 0; i < BLOCK; i++)
                    {
                        block[i] ^= subkey[i];
                    }
                }
                for (int i = 0; i < BLOCK; i++)
                {
                    block[i] ^= state[i];
                }
                state = aes.doFinal(block);
            }
            final byte[] mac = new byte[8];
            System.arraycopy(state, 0, mac, 0, 8);
            return mac;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** The block shifted left by one bit, XORed with 0x87 when its top bit was set (doubling in GF(2^128)). */
    private static byte[] doubled(final byte[] block)
    {
        final byte[] out = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++)
        {
            out[i] = (byte)((block[i] << 1) | (i + 1 < BLOCK ? (block[i + 1] & 0xFF) >>> 7 : 0));
        }
        if ((block[0] & 0x80) != 0)
        {
            out[BLOCK - 1] ^= (byte)0x87;
        }
        return out;
    }
}
