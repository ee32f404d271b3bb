package io.interchange.journal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;

/**
 * AES-CMAC (NIST SP 800-38B; RFC 4493 with a 256-bit key) of one value behind two labels, allocation free once
 * keyed: a PAN's look-up hash and its GCM nonce are the CMACs of {@code label || PAN} for two labels ({@link
 * PanCipher}). The two chains run side by side, so each call to AES encrypts a block of each: a PAN of up to 31
 * digits takes two calls. The block function is the JDK's AES in ECB mode, which the JIT runs on the CPU's AES
 * instructions: about 70 ns for the pair where HMAC-SHA-256, four SHA-256 compressions, took 440 on the machine of
 * bench/RESULTS.md. The JCE has no CMAC; AesCmacPairTest checks this against Bouncy Castle's {@code CMac} and the
 * AES-256 examples of SP 800-38B. Not thread safe.
 *
 * <pre>
 *   L = E(K, 0^128),  K1 = dbl(L),  K2 = dbl(K1)
 *   M = M_1 || ... || M_n, the last block complete (xor K1) or padded with 10* (xor K2)
 *   C_0 = 0,  C_i = E(K, C_{i-1} xor M_i),  T = C_n
 * </pre>
 */
final class AesCmacPair
{
    static final int KEY_LENGTH = AesGcm.KEY_LENGTH;
    static final int LENGTH = 16;
    private static final int BLOCK = 16;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Cipher aes;
    /** K1 then K2. */
    private final byte[] subkeys = new byte[2 * BLOCK];
    /** The next block of each chain, then its encryption: distinct arrays, as JCE copies (allocating) when they overlap. */
    private final byte[] blocks = new byte[2 * BLOCK];
    private final byte[] chains = new byte[2 * BLOCK];

    AesCmacPair(final byte[] key)
    {
        aes = AesGcm.ecb(key);
        encrypt();
        doubled(chains, 0, subkeys, 0);
        doubled(subkeys, 0, subkeys, BLOCK);
        Arrays.fill(chains, (byte)0);
    }

    /**
     * The CMAC of {@code first || value[offset, +length)} into {@code out[outOffset, +16)} and the CMAC of {@code second
     * || value[offset, +length)} into {@code out[outOffset + 16, +16)}.
     */
    void mac(final byte first, final byte second, final byte[] value, final int offset, final int length, final byte[] out, final int outOffset)
    {
        final int total = 1 + length;
        final int last = (total - 1) / BLOCK;
        for (int block = 0; block <= last; block++)
        {
            final int from = block * BLOCK;
            final int n = Math.min(BLOCK, total - from);
            // Message bytes [from, from + n): the label is byte 0, the value's byte i is byte i + 1.
            if (block == 0)
            {
                blocks[0] = first;
                blocks[BLOCK] = second;
                System.arraycopy(value, offset, blocks, 1, n - 1);
                System.arraycopy(value, offset, blocks, BLOCK + 1, n - 1);
            }
            else
            {
                System.arraycopy(value, offset + from - 1, blocks, 0, n);
                System.arraycopy(value, offset + from - 1, blocks, BLOCK, n);
            }
            final int subkey;
            if (block < last)
            {
                subkey = -1;
            }
            else if (n == BLOCK)
            {
                subkey = 0;
            }
            else
            {
                Arrays.fill(blocks, n, BLOCK, (byte)0);
                Arrays.fill(blocks, BLOCK + n, 2 * BLOCK, (byte)0);
                blocks[n] = (byte)0x80;
                blocks[BLOCK + n] = (byte)0x80;
                subkey = BLOCK;
            }
            for (int i = 0; i < 2 * BLOCK; i += Long.BYTES)
            {
                final long mask = subkey < 0 ? 0 : (long)LONGS.get(subkeys, subkey + (i & (BLOCK - 1)));
                LONGS.set(blocks, i, (long)LONGS.get(blocks, i) ^ (block == 0 ? 0 : (long)LONGS.get(chains, i)) ^ mask);
            }
            encrypt();
        }
        System.arraycopy(chains, 0, out, outOffset, 2 * BLOCK);
        // The first block fed in was the value itself (xor nothing): no digit of a card stays behind.
        Arrays.fill(blocks, (byte)0);
    }

    private void encrypt()
    {
        try
        {
            aes.update(blocks, 0, blocks.length, chains, 0);
        }
        catch (final ShortBufferException e)
        {
            throw new IllegalStateException("the chains hold both blocks", e);
        }
    }

    /** dbl(S) of SP 800-38B: S shifted left one bit, the last byte xor 0x87 when the bit shifted out was 1. */
    private static void doubled(final byte[] s, final int from, final byte[] out, final int to)
    {
        final int carry = (s[from] & 0x80) != 0 ? 0x87 : 0;
        for (int i = 0; i < BLOCK - 1; i++)
        {
            out[to + i] = (byte)((s[from + i] << 1) | ((s[from + i + 1] & 0xFF) >>> 7));
        }
        out[to + BLOCK - 1] = (byte)((s[from + BLOCK - 1] << 1) ^ carry);
    }
}
