package io.interchange.engine.security;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The switch's hardware security module, as a payShield-like HSM offers it: MACs, PIN translation and working-key
 * management, with no clear key or clear PIN ever crossing this interface outwards (DESIGN.md §7).
 *
 * <p><b>Key handles.</b> Keys are held in numbered slots, {@code 0} to a capacity the implementation sets, and every
 * command names its keys by slot id. The caller chooses the ids, so the switch can lay them out by terminal and
 * issuer index (see {@link KeySlots}) and look them up with arithmetic, not a map. A key enters a slot in one of four
 * ways: {@link #formKey} (clear, the one door for clear keys: a key ceremony's combined components or a demo
 * configuration's master key), {@link #loadKey} (encrypted under the HSM's local master key, LMK, as a host keeps
 * its key database), {@link #importKey} (encrypted under a key-encryption key the HSM already holds, as keys arrive
 * from a peer; {@link #importWorkingKeys} for a sign-on's pair) or {@link #generateKey} / {@link #generateWorkingKeys}
 * (made inside the HSM, sent out encrypted under a key-encryption key). Whatever the way in, {@link #keyUnderLmk}
 * gives the key back out only under the LMK.
 *
 * <p><b>Results.</b> Every command returns an {@link HsmResult}; none throws for bad input, a missing key or a
 * provider failure. Outputs are written only on {@link HsmResult#OK}.
 *
 * <p><b>Hot path.</b> {@link #generateMac}, {@link #verifyMac} and {@link #translatePin} run once per message on the
 * switch's ring thread: implementations must not allocate, lock or block in them once warm. Key management runs at
 * start-up and sign-on and may allocate.
 */
public interface Hsm
{
    /** Bytes of every MAC this HSM makes or checks: the 64 bits of ISO 8583 fields 64 and 128. */
    int MAC_LENGTH = 8;
    /** Bytes of an ISO 9564 format 0 PIN block. */
    int PIN_BLOCK_LENGTH = 8;
    /** Bytes of the key check values this HSM writes: the four CUPS field 62 carries. */
    int CHECK_VALUE_LENGTH = 4;

    /**
     * Puts a clear key into slot {@code id}, replacing what was there. For key ceremonies and demo configurations
     * only: working keys never come this way.
     *
     * @return {@link HsmResult#INVALID_INPUT} when the id is out of range or the length does not suit the type.
     */
    HsmResult formKey(int id, KeyType type, byte[] clearKey);

    /**
     * Puts a key encrypted under this HSM's LMK, as {@link #keyUnderLmk} gave it, into slot {@code id}.
     *
     * @return {@link HsmResult#INVALID_INPUT} when the bytes are not a key under this LMK (another LMK, or changed).
     */
    HsmResult loadKey(int id, byte[] keyUnderLmk);

    /** The key in slot {@code id} encrypted under the LMK, to be stored and later {@link #loadKey loaded}; null when the slot is empty. */
    byte[] keyUnderLmk(int id);

    /** Empties slot {@code id}: a terminal signed off or was removed. {@link HsmResult#KEY_NOT_FOUND} when it was empty. */
    HsmResult deleteKey(int id);

    /**
     * Writes the first {@link #CHECK_VALUE_LENGTH} bytes of the key's check value (the key encrypting a block of zeros,
     * ANSI X9.24-1) to {@code out}: how operators and peers confirm they hold the same key without showing it.
     */
    HsmResult checkValue(int id, MutableDirectBuffer out, int offset);

    /**
     * Decrypts a key sent under the key-encryption key in slot {@code kekId} (block by block in ECB mode, as CUPS
     * field 62 and ANSI X9.17-style key exchange send them: 8-byte blocks under a DES key-encryption key, 16-byte
     * ones under an AES one), checks it against the check value sent with it and puts it into slot {@code id}. A DES
     * key-encryption key carries only DES keys no longer than itself; an AES one, AES keys no longer than itself
     * and DES keys ({@link HsmResult#KEY_TYPE_MISMATCH} otherwise).
     *
     * @param key              {@code keyLength} bytes of encrypted key at {@code keyOffset}.
     * @param checkValue       the check value sent with it, 3 to 8 bytes at {@code checkValueOffset}: its leading bytes are compared.
     * @return {@link HsmResult#CHECK_VALUE_MISMATCH}, leaving slot {@code id} as it was, when the decrypted key's check value differs.
     */
    HsmResult importKey(
        int id, KeyType type, int kekId, DirectBuffer key, int keyOffset, int keyLength, DirectBuffer checkValue, int checkValueOffset,
        int checkValueLength);

    /**
     * Makes a random key of {@code type} and {@code length} bytes (a DES key with odd parity, FIPS 46-3), puts it
     * into slot {@code id} and writes it encrypted under the key-encryption key in slot {@code kekId} (ECB, block by
     * block; which key may carry which as for {@link #importKey}), followed by its {@link #CHECK_VALUE_LENGTH}-byte
     * check value: {@code length + 4} bytes at {@code offset}.
     */
    HsmResult generateKey(int id, KeyType type, int length, int kekId, MutableDirectBuffer out, int offset);

    /**
     * UnionPay POS sign-on: makes a new PIN key (single or double length), a new single-length UnionPay MAC key and,
     * in the layout with one, a new double-length track key for a terminal, puts them into slots {@code pinKeyId},
     * {@code macKeyId} and {@code trackKeyId}, and writes them encrypted under the terminal master key in slot
     * {@code masterKeyId}, with check values, in the layout of CUPS field 62 ({@link io.interchange.codec.cups.WorkingKeys})
     * that {@code layout} names: {@link io.interchange.codec.cups.WorkingKeys#SINGLE_LENGTH} (60.3 = 001),
     * {@link io.interchange.codec.cups.WorkingKeys#DOUBLE_LENGTH} (003) or
     * {@link io.interchange.codec.cups.WorkingKeys#WITH_TRACK_KEY} (004). All the slots change, or none; a layout without
     * a track key empties slot {@code trackKeyId} (-1: there is none), so that a key of an earlier sign-on no longer
     * deciphers anything.
     */
    HsmResult generateWorkingKeys(int masterKeyId, int pinKeyId, int macKeyId, int trackKeyId, int layout, MutableDirectBuffer field62, int offset);

    /**
     * The way back from {@link #generateWorkingKeys}: loads the working keys a sign-on answer carried, a CUPS field 62
     * in one of its layouts (its length, {@code length}, tells which), into slots {@code pinKeyId}, {@code macKeyId}
     * and, in the layout with one, {@code trackKeyId}: each key decrypted under the terminal master key in slot
     * {@code masterKeyId} and checked against the {@link #CHECK_VALUE_LENGTH}-byte check value beside it. All the slots
     * change, or none, as for {@link #generateWorkingKeys}. For a journal's replay, where a terminal must keep the keys
     * it was given, not get new ones.
     *
     * @return {@link HsmResult#CHECK_VALUE_MISMATCH} when any key's check value differs (changed bytes, another
     *         master key); {@link HsmResult#INVALID_INPUT} for any other length.
     */
    HsmResult importWorkingKeys(int masterKeyId, int pinKeyId, int macKeyId, int trackKeyId, DirectBuffer field62, int offset, int length);

    /**
     * Deciphers {@code length} bytes (whole DES blocks) at {@code data[offset]} in place, in ECB, with the data key in
     * slot {@code keyId} ({@link KeyType#DATA_ENCRYPTION}): the block a UnionPay POS terminal enciphered in a track
     * with the track key of its sign-on ({@link io.interchange.codec.cups.TrackBlock}), which the issuer gets clear,
     * as a payShield's decrypt-data command gives it. Runs on the ring thread for such requests: no allocation.
     *
     * @return {@link HsmResult#KEY_TYPE_MISMATCH} for a key that is not a data key (a PIN key never deciphers data,
     *         or it would show PIN blocks in clear); nothing is written unless {@link HsmResult#OK}.
     */
    HsmResult decryptData(int keyId, MutableDirectBuffer data, int offset, int length);

    /**
     * Computes the {@link #MAC_LENGTH}-byte MAC of {@code data[offset, offset + length)} with the MAC key in slot
     * {@code keyId}, by the algorithm its {@link KeyType} names, and writes it to {@code mac} at {@code macOffset}.
     * For an ISO 8583 message the range runs from the MTI to the byte before the MAC field.
     */
    HsmResult generateMac(int keyId, DirectBuffer data, int offset, int length, MutableDirectBuffer mac, int macOffset);

    /**
     * Computes the MAC as {@link #generateMac} does and compares it, in time that does not depend on where they
     * differ, with the {@link #MAC_LENGTH} bytes at {@code mac[macOffset]}.
     *
     * @return {@link HsmResult#OK} or {@link HsmResult#MAC_MISMATCH}, or why it could not tell.
     */
    HsmResult verifyMac(int keyId, DirectBuffer data, int offset, int length, DirectBuffer mac, int macOffset);

    /**
     * Translates an ISO 9564 format 0 PIN block from the PIN key in slot {@code fromKeyId} (the terminal's TPK) to
     * the PIN key in slot {@code toKeyId} (the issuer's ZPK), checking on the way that it is a valid format 0 block
     * for the PAN: control 0, PIN length 4 to 12, PIN digits 0-9, fill F. The clear block never leaves the HSM.
     *
     * @param pan the card number as ASCII digits, check digit included ({@code panLength} 2 to 19), as field 2 carries it.
     * @return {@link HsmResult#BAD_PIN_BLOCK} when the block is not valid for this PAN and key; nothing is written then.
     */
    HsmResult translatePin(
        int fromKeyId, int toKeyId, DirectBuffer pinBlock, int pinBlockOffset, DirectBuffer pan, int panOffset, int panLength,
        MutableDirectBuffer out, int outOffset);
}
