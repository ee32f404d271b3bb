package io.interchange.engine.security;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Cipher;

import org.agrona.DirectBuffer;

/**
 * ISO/IEC 9797-1 MAC algorithm 3 with padding method 1, the ANSI X9.19 retail MAC, under a double-length key K || K':
 * <pre>
 *   D = data || 0...0                  padding method 1: zero bits to a positive multiple of 64 (an empty message is one zero block)
 *   H_i = E_K(D_i xor H_{i-1}), H_0 = 0  initial transformation 1, then CBC with single DES under K
 *   MAC = E_K(D_K'(H_q))                 output transformation 3
 * </pre>
 * The CBC cipher is initialised once: every {@code doFinal} puts it back on its zero IV for the next message.
 */
final class RetailMac implements MacEngine
{
    private final Cipher chain;
    private final Cipher decryptRight;
    private final Cipher encryptLeft;

    RetailMac(final byte[] key) throws GeneralSecurityException
    {
        chain = Ciphers.desCbc(key, 0);
        decryptRight = Ciphers.desEcb(Cipher.DECRYPT_MODE, key, Ciphers.DES_BLOCK, Ciphers.DES_BLOCK);
        encryptLeft = Ciphers.desEcb(Cipher.ENCRYPT_MODE, key, 0, Ciphers.DES_BLOCK);
    }

    @Override
    public void compute(final DirectBuffer data, final int offset, final int length, final byte[] in, final byte[] out, final byte[] mac)
        throws GeneralSecurityException
    {
        int at = offset;
        int remaining = length;
        // Every chunk but the last goes through update; the last, padded, through doFinal, which also resets the chain.
        while (remaining > CHUNK)
        {
            data.getBytes(at, in, 0, CHUNK);
            chain.update(in, 0, CHUNK, out, 0);
            at += CHUNK;
            remaining -= CHUNK;
        }
        final int padded = remaining == 0 ? Ciphers.DES_BLOCK : (remaining + Ciphers.DES_BLOCK - 1) & -Ciphers.DES_BLOCK;
        data.getBytes(at, in, 0, remaining);
        Arrays.fill(in, remaining, padded, (byte)0);
        chain.doFinal(in, 0, padded, out, 0);
        decryptRight.doFinal(out, padded - Ciphers.DES_BLOCK, Ciphers.DES_BLOCK, in, 0);
        encryptLeft.doFinal(in, 0, Ciphers.DES_BLOCK, mac, 0);
    }
}
