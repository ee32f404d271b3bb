package io.interchange.engine.security;

import java.nio.ByteOrder;
import java.security.GeneralSecurityException;

import javax.crypto.Cipher;

import org.agrona.DirectBuffer;

/**
 * The UnionPay POS "ECB" MAC of the CUPS POS terminal specification, over the MAC element block (MAB: the message
 * from the MTI to the end of field 63) with the MAK:
 * <pre>
 *   R    = M_1 xor M_2 xor ... xor M_n          8-byte blocks, the last filled with 0x00
 *   H    = the 16 upper-case hex digits of R, as ASCII
 *   E1   = E_MAK(H[0, 8))
 *   E2   = E_MAK(E1 xor H[8, 16))
 *   MAC  = the first 8 upper-case hex digits of E2, as ASCII (8 bytes, field 64)
 * </pre>
 * E is single DES for the single-length MAK that sign-on sends, triple DES for a double-length one. Worked examples:
 * solo123/pgate {@code test/integration/pos_mac_test.rb} (MAB 1234567890ABCDEFABCDEF1234567890, MAK 2222222222222222,
 * every intermediate value printed), reproduced in UnionPayMacTest.
 */
final class UnionPayMac implements MacEngine
{
    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};

    private final Cipher encrypt;

    UnionPayMac(final byte[] key) throws GeneralSecurityException
    {
        encrypt = Ciphers.desEcb(Cipher.ENCRYPT_MODE, key, 0, key.length);
    }

    @Override
    public void compute(final DirectBuffer data, final int offset, final int length, final byte[] in, final byte[] out, final byte[] mac)
        throws GeneralSecurityException
    {
        // XOR is bytewise, so reading each block as a big-endian long keeps every byte in its place.
        long result = 0;
        int i = 0;
        for (; i + Ciphers.DES_BLOCK <= length; i += Ciphers.DES_BLOCK)
        {
            result ^= data.getLong(offset + i, ByteOrder.BIG_ENDIAN);
        }
        for (int shift = 56; i < length; i++, shift -= 8)
        {
            result ^= (data.getByte(offset + i) & 0xFFL) << shift;
        }
        hex(result, 16, in);
        encrypt.doFinal(in, 0, Ciphers.DES_BLOCK, out, 0);
        for (int j = 0; j < Ciphers.DES_BLOCK; j++)
        {
            out[j] ^= in[Ciphers.DES_BLOCK + j];
        }
        encrypt.doFinal(out, 0, Ciphers.DES_BLOCK, in, 0);
        long second = 0;
        for (int j = 0; j < 4; j++)
        {
            second = second << 8 | (in[j] & 0xFFL);
        }
        hex(second, 8, mac);
    }

    /** The low {@code digits} hex digits of {@code value}, most significant first, as ASCII into {@code to[0, digits)}. */
    private static void hex(final long value, final int digits, final byte[] to)
    {
        for (int d = 0; d < digits; d++)
        {
            to[d] = HEX[(int)(value >>> (4 * (digits - 1 - d))) & 0xF];
        }
    }
}
