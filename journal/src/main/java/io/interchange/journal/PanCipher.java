package io.interchange.journal;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * How a PAN is kept in the journal (DESIGN.md §7, PCI DSS 3.5): encrypted with AES-256-GCM, beside a keyed hash
 * for look-ups. Allocation free once keyed; not thread safe.
 *
 * <pre>
 *   mac   = HMAC-SHA-256(hash key, PAN digits)          32 bytes
 *   hash  = mac[0, 16)     the look-up hash, stored
 *   nonce = mac[16, 28)    the GCM nonce, stored
 *   sealed = hash || nonce || AES-256-GCM(encryption key, nonce, PAN digits) || tag
 * </pre>
 *
 * <p><b>The hash.</b> A PAN has at most 19 digits, so an unkeyed hash of it is reversed by enumerating the card
 * ranges; only the key makes it safe to store, and clearing can be handed the hash key without the encryption
 * key. Truncated to 128 bits: ample against collisions (about 10^-21 for a billion distinct PANs) and 16 bytes
 * saved on every message; truncating an HMAC does not weaken it beyond its length (NIST SP 800-107 §5.3.3). The
 * hash must stay one-way for whoever holds its key, which HMAC is and a block-cipher MAC is not: AES-CMAC, at half
 * the CPU of this HMAC in a journal append, ends in one AES encryption, which the key holder reverses to read the
 * PAN back (bench/RESULTS.md, Ring path, "Tried and not kept").
 *
 * <p><b>The nonce</b> is a function of the PAN under a secret key, as in SIV mode (RFC 5297): the same PAN always
 * gets the same nonce, hence the same ciphertext, and two different PANs get the same nonce only if 96-bit PRF
 * outputs collide (about 10^-11 for a billion distinct PANs). GCM's failure mode, one nonce under one key for two
 * different plaintexts, which gives away their XOR and the authentication key, therefore needs such a collision;
 * the same nonce for the same PAN repeats one ciphertext bit for bit and tells nothing new. What deterministic
 * encryption does reveal, that two records hold the same PAN, the look-up hash reveals on purpose. In exchange
 * no random source is read on the hot path, no counter has to survive restarts, and a journal written from
 * scratch again under the same keys cannot reuse a nonce on another PAN. No associated data: with a nonce that
 * repeats for a PAN, associated data that differed between records would give away GHASH's key.
 */
final class PanCipher
{
    static final int HASH_LENGTH = 16;
    static final int NONCE_LENGTH = AesGcm.NONCE_LENGTH;
    static final int TAG_LENGTH = AesGcm.TAG_LENGTH;
    /** Above any PAN (ISO/IEC 7812: 19 digits), room for a dialect that gives field 2 more. */
    static final int MAX_PAN_LENGTH = 64;

    private final AesGcm gcm;
    private final HmacSha256 hmac;
    private final byte[] mac = new byte[HmacSha256.LENGTH];
    private final byte[] work = new byte[MAX_PAN_LENGTH + TAG_LENGTH];

    PanCipher(final byte[] encryptionKey, final byte[] hashKey)
    {
        gcm = new AesGcm(encryptionKey);
        hmac = new HmacSha256(hashKey);
    }

    /** Bytes taken by a sealed PAN of {@code panLength} digits: hash, nonce, ciphertext, tag. */
    static int sealedLength(final int panLength)
    {
        return HASH_LENGTH + NONCE_LENGTH + panLength + TAG_LENGTH;
    }

    /** Writes the sealed form of the PAN digits in {@code pan[offset, +length)} at {@code dst[dstOffset]}; returns its length. */
    int seal(final DirectBuffer pan, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        checkLength(length);
        pan.getBytes(offset, work, 0, length);
        hmac.mac(work, 0, length, mac, 0);
        gcm.encrypt(mac, HASH_LENGTH, work, 0, length, work, 0);
        dst.putBytes(dstOffset, mac, 0, HASH_LENGTH + NONCE_LENGTH);
        dst.putBytes(dstOffset + HASH_LENGTH + NONCE_LENGTH, work, 0, length + TAG_LENGTH);
        Arrays.fill(work, 0, length + TAG_LENGTH, (byte)0);
        return sealedLength(length);
    }

    /**
     * Decrypts a sealed PAN of {@code panLength} digits into {@code dst}; returns the digits written, or -1 when its
     * tag does not authenticate (another encryption key, or bytes changed).
     */
    int open(final DirectBuffer sealed, final int offset, final int panLength, final MutableDirectBuffer dst, final int dstOffset)
    {
        checkLength(panLength);
        sealed.getBytes(offset + HASH_LENGTH, mac, 0, NONCE_LENGTH);
        sealed.getBytes(offset + HASH_LENGTH + NONCE_LENGTH, work, 0, panLength + TAG_LENGTH);
        if (!gcm.decrypt(mac, 0, work, 0, panLength, work, 0))
        {
            return -1;
        }
        dst.putBytes(dstOffset, work, 0, panLength);
        Arrays.fill(work, 0, panLength + TAG_LENGTH, (byte)0);
        return panLength;
    }

    /** The look-up hash of the PAN digits in {@code pan[offset, +length)}, written at {@code dst[dstOffset]}. */
    void hash(final DirectBuffer pan, final int offset, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        checkLength(length);
        pan.getBytes(offset, work, 0, length);
        hmac.mac(work, 0, length, mac, 0);
        Arrays.fill(work, 0, length, (byte)0);
        dst.putBytes(dstOffset, mac, 0, HASH_LENGTH);
    }

    private static void checkLength(final int length)
    {
        if (length < 1 || length > MAX_PAN_LENGTH)
        {
            throw new IllegalArgumentException("a PAN has 1 to " + MAX_PAN_LENGTH + " digits, not " + length);
        }
    }
}
