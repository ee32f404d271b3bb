package io.interchange.journal;

import java.util.Arrays;

import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.gcm.GCMMultiplier;
import org.bouncycastle.crypto.modes.gcm.Tables4kGCMMultiplier;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-GCM (NIST SP 800-38D) for short values, one call per value, allocation free once keyed: 96-bit nonce, no
 * additional authenticated data, 128-bit tag. Bouncy Castle's {@code GCMBlockCipher} and JCE's {@code Cipher}
 * allocate their state on every {@code init}, which GCM needs once per nonce; so this composes the mode from the
 * two primitives Bouncy Castle keeps allocation free after keying, the AES block function ({@link AESEngine}) and
 * the GHASH multiplication by H ({@link Tables4kGCMMultiplier}), exactly as SP 800-38D §7.1 defines it:
 * <pre>
 *   J0 = nonce || 0^31 || 1
 *   C  = P xor (E(K, inc32(J0)) || E(K, inc32^2(J0)) || ...), truncated to |P|
 *   S  = GHASH_H(C || 0^pad || [0]_64 || [len(C)]_64)
 *   T  = E(K, J0) xor S
 * </pre>
 * AesGcmTest checks it against JCE's AES/GCM/NoPadding and the SP 800-38D test vectors. Not thread safe.
 */
final class AesGcm
{
    static final int KEY_LENGTH = 32;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    private static final int BLOCK = 16;

    // Bouncy Castle's AES-NI code where its native library loads on this machine, its table-driven Java otherwise.
    private final BlockCipher aes = AESEngine.newInstance();
    private final GCMMultiplier ghash = new Tables4kGCMMultiplier();
    private final byte[] counter = new byte[BLOCK];
    private final byte[] keyStream = new byte[BLOCK];
    private final byte[] hash = new byte[BLOCK];
    private final byte[] expectedTag = new byte[TAG_LENGTH];

    AesGcm(final byte[] key)
    {
        if (key.length != KEY_LENGTH)
        {
            throw new IllegalArgumentException("AES-256 needs a " + KEY_LENGTH + "-byte key, not " + key.length);
        }
        aes.init(true, new KeyParameter(key));
        final byte[] h = new byte[BLOCK];
        aes.processBlock(h, 0, h, 0);
        ghash.init(h);
    }

    /**
     * Encrypts {@code plain[plainOffset, +length)} into {@code out[outOffset, +length)} and writes the tag after it;
     * {@code out} may be {@code plain} at the same offset. Returns {@code length + TAG_LENGTH}.
     */
    int encrypt(
        final byte[] nonce, final int nonceOffset, final byte[] plain, final int plainOffset, final int length, final byte[] out, final int outOffset)
    {
        ctr(nonce, nonceOffset, plain, plainOffset, length, out, outOffset);
        tag(nonce, nonceOffset, out, outOffset, length, out, outOffset + length);
        return length + TAG_LENGTH;
    }

    /**
     * Checks the tag that follows {@code cipher[cipherOffset, +length)} and only then decrypts into {@code out}.
     * Returns false, writing nothing, when the tag does not match: wrong key, or the bytes were changed.
     */
    boolean decrypt(
        final byte[] nonce, final int nonceOffset, final byte[] cipher, final int cipherOffset, final int length, final byte[] out, final int outOffset)
    {
        tag(nonce, nonceOffset, cipher, cipherOffset, length, expectedTag, 0);
        // Every byte compared whatever the first difference: how long the check takes tells nothing of the tag.
        int difference = 0;
        for (int i = 0; i < TAG_LENGTH; i++)
        {
            difference |= expectedTag[i] ^ cipher[cipherOffset + length + i];
        }
        if (difference != 0)
        {
            return false;
        }
        ctr(nonce, nonceOffset, cipher, cipherOffset, length, out, outOffset);
        return true;
    }

    /** GCTR from inc32(J0): XORs the key stream over {@code length} bytes. */
    private void ctr(final byte[] nonce, final int nonceOffset, final byte[] in, final int inOffset, final int length, final byte[] out, final int outOffset)
    {
        System.arraycopy(nonce, nonceOffset, counter, 0, NONCE_LENGTH);
        int block = 2;
        for (int done = 0; done < length; done += BLOCK)
        {
            setCounter(block++);
            aes.processBlock(counter, 0, keyStream, 0);
            for (int i = 0, n = Math.min(BLOCK, length - done); i < n; i++)
            {
                out[outOffset + done + i] = (byte)(in[inOffset + done + i] ^ keyStream[i]);
            }
        }
    }

    /** T = E(K, J0) xor GHASH(C, lengths), into {@code out[outOffset, +16)}. */
    private void tag(
        final byte[] nonce, final int nonceOffset, final byte[] cipher, final int cipherOffset, final int length, final byte[] out, final int outOffset)
    {
        Arrays.fill(hash, (byte)0);
        for (int done = 0; done < length; done += BLOCK)
        {
            for (int i = 0, n = Math.min(BLOCK, length - done); i < n; i++)
            {
                hash[i] ^= cipher[cipherOffset + done + i];
            }
            ghash.multiplyH(hash);
        }
        // The lengths block: 64 bits of AAD length (none) then 64 bits of ciphertext length, in bits.
        final long bits = (long)length << 3;
        for (int i = 0; i < Long.BYTES; i++)
        {
            hash[BLOCK - 1 - i] ^= (byte)(bits >>> (8 * i));
        }
        ghash.multiplyH(hash);

        System.arraycopy(nonce, nonceOffset, counter, 0, NONCE_LENGTH);
        setCounter(1);
        aes.processBlock(counter, 0, keyStream, 0);
        for (int i = 0; i < TAG_LENGTH; i++)
        {
            out[outOffset + i] = (byte)(keyStream[i] ^ hash[i]);
        }
    }

    private void setCounter(final int value)
    {
        counter[12] = (byte)(value >>> 24);
        counter[13] = (byte)(value >>> 16);
        counter[14] = (byte)(value >>> 8);
        counter[15] = (byte)value;
    }
}
