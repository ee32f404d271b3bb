package io.interchange.journal;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.modes.gcm.GCMMultiplier;
import org.bouncycastle.crypto.modes.gcm.Tables4kGCMMultiplier;

/**
 * AES-GCM (NIST SP 800-38D) for short values, one call per value, allocation free once keyed: 96-bit nonce, no
 * additional authenticated data, 128-bit tag. JCE's {@code Cipher} in GCM mode and Bouncy Castle's
 * {@code GCMBlockCipher} allocate their state on every {@code init}, which GCM needs once per nonce; so this composes
 * the mode from two primitives that stay allocation free once keyed, exactly as SP 800-38D §7.1 defines it:
 * <pre>
 *   J0 = nonce || 0^31 || 1
 *   C  = P xor (E(K, inc32(J0)) || E(K, inc32^2(J0)) || ...), truncated to |P|
 *   S  = GHASH_H(C || 0^pad || [0]_64 || [len(C)]_64)
 *   T  = E(K, J0) xor S
 * </pre>
 * The block function is the JDK's AES in ECB mode, a batch of counter blocks per call (J0 and a PAN's one or two
 * counter blocks in one call), which the JIT runs on the CPU's AES instructions: 29 ns for two blocks where Bouncy
 * Castle's native engine took 240 (a JNI call a block) on the 2-vCPU machine of bench/RESULTS.md. GHASH is Bouncy
 * Castle's {@link Tables4kGCMMultiplier}. AesGcmTest checks it against JCE's AES/GCM/NoPadding and the SP 800-38D
 * test vectors. Not thread safe.
 */
final class AesGcm
{
    static final int KEY_LENGTH = 32;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    private static final int BLOCK = 16;
    /** Blocks of key stream per call to AES: J0 and up to 112 bytes of value in the first. */
    private static final int BATCH = 8;

    private final Cipher aes;
    private final GCMMultiplier ghash = new Tables4kGCMMultiplier();
    private final byte[] counters = new byte[BATCH * BLOCK];
    private final byte[] keyStream = new byte[BATCH * BLOCK];
    private final byte[] tagMask = new byte[BLOCK];
    private final byte[] hash = new byte[BLOCK];
    private final byte[] expectedTag = new byte[TAG_LENGTH];

    AesGcm(final byte[] key)
    {
        if (key.length != KEY_LENGTH)
        {
            throw new IllegalArgumentException("AES-256 needs a " + KEY_LENGTH + "-byte key, not " + key.length);
        }
        try
        {
            aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException("every Java platform has AES-256 in ECB mode", e);
        }
        final byte[] h = new byte[BLOCK];
        encrypt(h, BLOCK, keyStream);
        ghash.init(Arrays.copyOf(keyStream, BLOCK));
    }

    /**
     * Encrypts {@code plain[plainOffset, +length)} into {@code out[outOffset, +length)} and writes the tag after it;
     * {@code out} may be {@code plain} at the same offset. Returns {@code length + TAG_LENGTH}.
     */
    int encrypt(
        final byte[] nonce, final int nonceOffset, final byte[] plain, final int plainOffset, final int length, final byte[] out, final int outOffset)
    {
        firstBatch(nonce, nonceOffset, length);
        ctr(nonce, nonceOffset, plain, plainOffset, length, out, outOffset);
        tag(out, outOffset, length, out, outOffset + length);
        return length + TAG_LENGTH;
    }

    /**
     * Checks the tag that follows {@code cipher[cipherOffset, +length)} and only then decrypts into {@code out}.
     * Returns false, writing nothing, when the tag does not match: wrong key, or the bytes were changed.
     */
    boolean decrypt(
        final byte[] nonce, final int nonceOffset, final byte[] cipher, final int cipherOffset, final int length, final byte[] out, final int outOffset)
    {
        firstBatch(nonce, nonceOffset, length);
        tag(cipher, cipherOffset, length, expectedTag, 0);
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

    /** E(K, J0) into the tag's mask, and the first counter blocks' key stream after it in {@link #keyStream}. */
    private void firstBatch(final byte[] nonce, final int nonceOffset, final int length)
    {
        final int blocks = Math.min(BATCH, 1 + (length + BLOCK - 1) / BLOCK);
        counterBlocks(nonce, nonceOffset, 1, blocks);
        System.arraycopy(keyStream, 0, tagMask, 0, BLOCK);
    }

    /** GCTR from inc32(J0): XORs the key stream over {@code length} bytes; the first batch is {@link #firstBatch}'s. */
    private void ctr(final byte[] nonce, final int nonceOffset, final byte[] in, final int inOffset, final int length, final byte[] out, final int outOffset)
    {
        int counter = 2;
        int block = 1;
        for (int done = 0; done < length; done += BLOCK, counter++, block++)
        {
            if (block == BATCH)
            {
                counterBlocks(nonce, nonceOffset, counter, Math.min(BATCH, (length - done + BLOCK - 1) / BLOCK));
                block = 0;
            }
            for (int i = 0, n = Math.min(BLOCK, length - done), k = block * BLOCK; i < n; i++)
            {
                out[outOffset + done + i] = (byte)(in[inOffset + done + i] ^ keyStream[k + i]);
            }
        }
    }

    /** T = E(K, J0) xor GHASH(C, lengths), into {@code out[outOffset, +16)}. */
    private void tag(final byte[] cipher, final int cipherOffset, final int length, final byte[] out, final int outOffset)
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
        for (int i = 0; i < TAG_LENGTH; i++)
        {
            out[outOffset + i] = (byte)(tagMask[i] ^ hash[i]);
        }
    }

    /** E(K, nonce || first), E(K, nonce || first + 1), ... for {@code blocks} blocks, into {@link #keyStream}. */
    private void counterBlocks(final byte[] nonce, final int nonceOffset, final int first, final int blocks)
    {
        for (int b = 0; b < blocks; b++)
        {
            final int at = b * BLOCK;
            final int value = first + b;
            System.arraycopy(nonce, nonceOffset, counters, at, NONCE_LENGTH);
            counters[at + 12] = (byte)(value >>> 24);
            counters[at + 13] = (byte)(value >>> 16);
            counters[at + 14] = (byte)(value >>> 8);
            counters[at + 15] = (byte)value;
        }
        encrypt(counters, blocks * BLOCK, keyStream);
    }

    private void encrypt(final byte[] in, final int length, final byte[] out)
    {
        try
        {
            // In and out are distinct arrays: an overlapping update would make JCE copy, allocating.
            aes.update(in, 0, length, out, 0);
        }
        catch (final ShortBufferException e)
        {
            throw new IllegalStateException("the key stream holds " + out.length + " bytes, asked for " + length, e);
        }
    }
}
