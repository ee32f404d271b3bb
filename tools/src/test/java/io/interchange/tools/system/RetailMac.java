package io.interchange.tools.system;

import java.security.GeneralSecurityException;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ISO/IEC 9797-1 MAC algorithm 3 (ANSI X9.19 retail MAC) with padding method 1, written with plain JCE as the
 * test's own oracle: single-DES CBC under the left key half, then the last block decrypted under the right half
 * and encrypted under the left.
 */
final class RetailMac
{
    private RetailMac()
    {
    }

    static byte[] of(final byte[] doubleLengthKey, final byte[] data, final int length)
    {
        try
        {
            final SecretKeySpec left = new SecretKeySpec(doubleLengthKey, 0, 8, "DES");
            final SecretKeySpec right = new SecretKeySpec(doubleLengthKey, 8, 8, "DES");
            final byte[] padded = new byte[Math.max(8, (length + 7) / 8 * 8)];
            System.arraycopy(data, 0, padded, 0, length);
            final Cipher cbc = Cipher.getInstance("DES/CBC/NoPadding");
            cbc.init(Cipher.ENCRYPT_MODE, left, new IvParameterSpec(new byte[8]));
            final byte[] chained = cbc.doFinal(padded);
            final byte[] last = new byte[8];
            System.arraycopy(chained, chained.length - 8, last, 0, 8);
            final Cipher ecb = Cipher.getInstance("DES/ECB/NoPadding");
            ecb.init(Cipher.DECRYPT_MODE, right);
            final byte[] middle = ecb.doFinal(last);
            ecb.init(Cipher.ENCRYPT_MODE, left);
            return ecb.doFinal(middle);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
