package io.interchange.journal;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA-256 (RFC 2104) over the JDK's SHA-256, allocation free: JCE's {@code Mac.doFinal} allocates its result
 * even when given an output array, and Bouncy Castle's {@code HMac} costs three times as much here (its Java
 * SHA-256, or its native one, which allocates on every state restore), while {@link MessageDigest#digest(byte[],
 * int, int)} writes in place and runs on the CPU's SHA instructions through the JIT's intrinsic. It pays for two
 * more compressions than a keyed implementation that keeps the padded key states, which MessageDigest cannot
 * restore without cloning. AesGcmTest checks it against JCE's HmacSHA256. Not thread safe.
 */
final class HmacSha256
{
    static final int LENGTH = 32;
    private static final int BLOCK = 64;

    private final MessageDigest sha256;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];

    HmacSha256(final byte[] key)
    {
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        final byte[] k = key.length > BLOCK ? sha256.digest(key) : key;
        for (int i = 0; i < BLOCK; i++)
        {
            final byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte)(b ^ 0x36);
            outerPad[i] = (byte)(b ^ 0x5C);
        }
    }

    /** HMAC of {@code in[offset, +length)} into {@code out[outOffset, +32)}. */
    void mac(final byte[] in, final int offset, final int length, final byte[] out, final int outOffset)
    {
        try
        {
            sha256.update(innerPad);
            sha256.update(in, offset, length);
            sha256.digest(out, outOffset, LENGTH);
            sha256.update(outerPad);
            sha256.update(out, outOffset, LENGTH);
            sha256.digest(out, outOffset, LENGTH);
        }
        catch (final DigestException e)
        {
            throw new IllegalStateException("a 32-byte output holds a SHA-256 digest", e);
        }
    }
}
