package io.interchange.engine.security;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.interchange.codec.cups.WorkingKeys;

/**
 * An {@link Hsm} in software, on the JDK's JCE (DES, triple DES, AES, GCM) and Bouncy Castle's CMAC, for tests and
 * demos; a network HSM (a payShield speaking its host protocol) replaces it in production.
 *
 * <p><b>Keys under the LMK.</b> The local master key is an AES-256 key given at construction. A key leaves this class
 * only encrypted, under the LMK ({@link #keyUnderLmk}) or under a key-encryption key ({@link #generateKey},
 * {@link #generateWorkingKeys}). Under the LMK it is sealed with AES-GCM (NIST SP 800-38D), its type and length
 * authenticated with it, so a changed byte, another LMK or a PIN key relabelled as a MAC key fails to load:
 * <pre>
 *   0      1      2        3                15                    15 + L
 *   +------+------+--------+----------------+---------------------+-----------+
 *   | 0x01 | type | length |  nonce (12)    |  key, encrypted (L) | tag (16)  |   bytes 0-2 are the GCM's additional data
 *   +------+------+--------+----------------+---------------------+-----------+
 * </pre>
 *
 * <p><b>Keys in slots.</b> A slot keeps its key as JCE ciphers initialised once (for a MAC key, its algorithm's
 * ciphers; for a PIN or key-encryption key, an ECB encrypter and decrypter), its sealed form and its check value;
 * the clear bytes are wiped once the ciphers hold them. So the message path only calls {@code update} and
 * {@code doFinal} into this object's scratch arrays: no allocation once warm. The price is memory: a slot holds
 * about 0.4 KB (a UnionPay MAC key, an AES-CMAC key) to 1.5 KB (a double-length PIN key: two triple-DES ciphers).
 *
 * <p>Not thread safe: one instance per thread, the switch's ring thread, which runs sign-on as well as messages.
 */
public final class SoftwareHsm implements Hsm
{
    /** Bytes of the LMK: AES-256. */
    public static final int LMK_LENGTH = 32;

    private static final byte SEALED_VERSION = 1;
    private static final int SEALED_HEADER = 3;
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_LENGTH = 16;
    private static final int MIN_CHECK_VALUE = 3;

    private final SecretKeySpec lmk;
    private final SecureRandom random;
    private final Slot[] slots;
    private final byte[] in = new byte[MacEngine.CHUNK];
    private final byte[] out = new byte[MacEngine.CHUNK];
    private final byte[] mac = new byte[MAC_LENGTH];
    private final byte[] clearBlock = new byte[PIN_BLOCK_LENGTH];

    /**
     * @param lmk      the {@link #LMK_LENGTH}-byte local master key; copied, so the caller can wipe its array.
     * @param capacity slots, ids {@code 0} to {@code capacity - 1}.
     */
    public SoftwareHsm(final byte[] lmk, final int capacity)
    {
        if (lmk.length != LMK_LENGTH)
        {
            throw new IllegalArgumentException("the LMK is an AES-256 key, " + LMK_LENGTH + " bytes, not " + lmk.length);
        }
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.lmk = new SecretKeySpec(lmk, "AES");
        this.random = new SecureRandom();
        this.slots = new Slot[capacity];
    }

    /** An HSM with a new random LMK: keys under it can be loaded only into this instance. For tests and demos. */
    public static SoftwareHsm withRandomLmk(final int capacity)
    {
        final byte[] lmk = new byte[LMK_LENGTH];
        new SecureRandom().nextBytes(lmk);
        try
        {
            return new SoftwareHsm(lmk, capacity);
        }
        finally
        {
            Arrays.fill(lmk, (byte)0);
        }
    }

    /** Slots this HSM has. */
    public int capacity()
    {
        return slots.length;
    }

    @Override
    public HsmResult formKey(final int id, final KeyType type, final byte[] clearKey)
    {
        if (!isSlot(id) || type == null || clearKey == null || !type.accepts(clearKey.length))
        {
            return HsmResult.INVALID_INPUT;
        }
        try
        {
            slots[id] = Slot.of(type, clearKey, seal(type, clearKey));
            return HsmResult.OK;
        }
        catch (final GeneralSecurityException e)
        {
            return HsmResult.HSM_ERROR;
        }
    }

    @Override
    public HsmResult loadKey(final int id, final byte[] keyUnderLmk)
    {
        if (!isSlot(id) || keyUnderLmk == null || keyUnderLmk.length < SEALED_HEADER || keyUnderLmk[0] != SEALED_VERSION)
        {
            return HsmResult.INVALID_INPUT;
        }
        final KeyType type = KeyType.ofCode(keyUnderLmk[1]);
        final int length = keyUnderLmk[2];
        if (type == null || !type.accepts(length) || keyUnderLmk.length != SEALED_HEADER + NONCE_LENGTH + length + TAG_LENGTH)
        {
            return HsmResult.INVALID_INPUT;
        }
        byte[] clear = null;
        try
        {
            final Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, lmk, new GCMParameterSpec(TAG_LENGTH * 8, keyUnderLmk, SEALED_HEADER, NONCE_LENGTH));
            gcm.updateAAD(keyUnderLmk, 0, SEALED_HEADER);
            clear = gcm.doFinal(keyUnderLmk, SEALED_HEADER + NONCE_LENGTH, length + TAG_LENGTH);
            slots[id] = Slot.of(type, clear, keyUnderLmk.clone());
            return HsmResult.OK;
        }
        catch (final AEADBadTagException e)
        {
            return HsmResult.INVALID_INPUT;
        }
        catch (final GeneralSecurityException e)
        {
            return HsmResult.HSM_ERROR;
        }
        finally
        {
            wipe(clear);
        }
    }

    @Override
    public byte[] keyUnderLmk(final int id)
    {
        final Slot slot = slot(id);
        return slot == null ? null : slot.underLmk.clone();
    }

    @Override
    public HsmResult deleteKey(final int id)
    {
        if (slot(id) == null)
        {
            return HsmResult.KEY_NOT_FOUND;
        }
        slots[id] = null;
        return HsmResult.OK;
    }

    @Override
    public HsmResult checkValue(final int id, final MutableDirectBuffer out, final int offset)
    {
        final Slot slot = slot(id);
        if (slot == null)
        {
            return HsmResult.KEY_NOT_FOUND;
        }
        if (!inside(out, offset, CHECK_VALUE_LENGTH))
        {
            return HsmResult.INVALID_INPUT;
        }
        out.putBytes(offset, slot.checkValue, 0, CHECK_VALUE_LENGTH);
        return HsmResult.OK;
    }

    @Override
    public HsmResult importKey(
        final int id, final KeyType type, final int kekId, final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer checkValue, final int checkValueOffset, final int checkValueLength)
    {
        if (!isSlot(id) || type == null || !type.accepts(keyLength) || !inside(key, keyOffset, keyLength) ||
            checkValueLength < MIN_CHECK_VALUE || checkValueLength > Ciphers.DES_BLOCK || !inside(checkValue, checkValueOffset, checkValueLength))
        {
            return HsmResult.INVALID_INPUT;
        }
        final HsmResult kekResult = checkKek(kekId, type, keyLength);
        if (kekResult != HsmResult.OK)
        {
            return kekResult;
        }
        try
        {
            final Slot imported = unwrap(type, slots[kekId], key, keyOffset, keyLength, checkValue, checkValueOffset, checkValueLength);
            if (imported == null)
            {
                return HsmResult.CHECK_VALUE_MISMATCH;
            }
            slots[id] = imported;
            return HsmResult.OK;
        }
        catch (final GeneralSecurityException e)
        {
            return HsmResult.HSM_ERROR;
        }
    }

    @Override
    public HsmResult generateKey(final int id, final KeyType type, final int length, final int kekId, final MutableDirectBuffer out, final int offset)
    {
        if (!isSlot(id) || type == null || !type.accepts(length) || !inside(out, offset, length + CHECK_VALUE_LENGTH))
        {
            return HsmResult.INVALID_INPUT;
        }
        final HsmResult kekResult = checkKek(kekId, type, length);
        if (kekResult != HsmResult.OK)
        {
            return kekResult;
        }
        try
        {
            final Generated key = generate(type, length, slots[kekId]);
            out.putBytes(offset, key.underKek);
            out.putBytes(offset + length, key.slot.checkValue, 0, CHECK_VALUE_LENGTH);
            slots[id] = key.slot;
            return HsmResult.OK;
        }
        catch (final GeneralSecurityException e)
        {
            return HsmResult.HSM_ERROR;
        }
    }

    @Override
    public HsmResult generateWorkingKeys(
        final int masterKeyId, final int pinKeyId, final int macKeyId, final int trackKeyId, final int layout, final MutableDirectBuffer field62,
        final int offset)
    {
        final boolean track = layout == WorkingKeys.WITH_TRACK_KEY;
        if (!WorkingKeys.isLayout(layout) || !workingKeySlots(masterKeyId, pinKeyId, macKeyId, trackKeyId, track) || !inside(field62, offset, layout))
        {
            return HsmResult.INVALID_INPUT;
        }
        final int pinLength = WorkingKeys.pinKeyLength(layout);
        final HsmResult kekResult = checkKek(masterKeyId, KeyType.PIN_ENCRYPTION, pinLength);
        if (kekResult != HsmResult.OK)
        {
            return kekResult;
        }
        try
        {
            final Slot master = slots[masterKeyId];
            final Generated pinKey = generate(KeyType.PIN_ENCRYPTION, pinLength, master);
            final Generated macKey = generate(KeyType.MAC_UNIONPAY_ECB, Ciphers.DES_BLOCK, master);
            final Generated trackKey = track ? generate(KeyType.DATA_ENCRYPTION, WorkingKeys.TRACK_KEY_LENGTH, master) : null;
            // CUPS field 62: PIK | PIK check | MAK (padded to 16 bytes with zeros but in the single-length layout) | MAK check
            // | TDK | TDK check.
            field62.setMemory(offset, layout, (byte)0);
            field62.putBytes(offset, pinKey.underKek);
            field62.putBytes(offset + pinLength, pinKey.slot.checkValue, 0, CHECK_VALUE_LENGTH);
            field62.putBytes(offset + WorkingKeys.macKeyOffset(layout), macKey.underKek);
            field62.putBytes(offset + WorkingKeys.macKeyCheckOffset(layout), macKey.slot.checkValue, 0, CHECK_VALUE_LENGTH);
            if (track)
            {
                field62.putBytes(offset + WorkingKeys.DOUBLE_LENGTH, trackKey.underKek);
                field62.putBytes(offset + WorkingKeys.DOUBLE_LENGTH + WorkingKeys.TRACK_KEY_LENGTH, trackKey.slot.checkValue, 0, CHECK_VALUE_LENGTH);
            }
            slots[pinKeyId] = pinKey.slot;
            slots[macKeyId] = macKey.slot;
            setTrackKey(trackKeyId, track ? trackKey.slot : null);
            return HsmResult.OK;
        }
        catch (final GeneralSecurityException e)
        {
            return HsmResult.HSM_ERROR;
        }
    }

    @Override
    public HsmResult importWorkingKeys(
        final int masterKeyId, final int pinKeyId, final int macKeyId, final int trackKeyId, final DirectBuffer field62, final int offset,
        final int length)
    {
        final boolean track = length == WorkingKeys.WITH_TRACK_KEY;
        if (!WorkingKeys.isLayout(length) || !workingKeySlots(masterKeyId, pinKeyId, macKeyId, trackKeyId, track) || !inside(field62, offset, length))
        {
            return HsmResult.INVALID_INPUT;
        }
        final int pinLength = WorkingKeys.pinKeyLength(length);
        final HsmResult kekResult = checkKek(masterKeyId, KeyType.PIN_ENCRYPTION, pinLength);
        if (kekResult != HsmResult.OK)
        {
            return kekResult;
        }
        try
        {
            final Slot master = slots[masterKeyId];
            final Slot pinKey = unwrap(KeyType.PIN_ENCRYPTION, master, field62, offset, pinLength, field62, offset + pinLength, CHECK_VALUE_LENGTH);
            final Slot macKey = unwrap(KeyType.MAC_UNIONPAY_ECB, master, field62, offset + WorkingKeys.macKeyOffset(length), WorkingKeys.MAC_KEY_LENGTH,
                field62, offset + WorkingKeys.macKeyCheckOffset(length), CHECK_VALUE_LENGTH);
            final Slot trackKey = track ? unwrap(KeyType.DATA_ENCRYPTION, master, field62, offset + WorkingKeys.DOUBLE_LENGTH,
                WorkingKeys.TRACK_KEY_LENGTH, field62, offset + WorkingKeys.DOUBLE_LENGTH + WorkingKeys.TRACK_KEY_LENGTH, CHECK_VALUE_LENGTH) : null;
            if (pinKey == null || macKey == null || track && trackKey == null)
            {
                return HsmResult.CHECK_VALUE_MISMATCH;
            }
            slots[pinKeyId] = pinKey;
            slots[macKeyId] = macKey;
            setTrackKey(trackKeyId, trackKey);
            return HsmResult.OK;
        }
        catch (final GeneralSecurityException e)
        {
            return HsmResult.HSM_ERROR;
        }
    }

    /** Distinct slots for a sign-on's keys, the track key's only where the layout has one (else it may be -1). */
    private boolean workingKeySlots(final int masterKeyId, final int pinKeyId, final int macKeyId, final int trackKeyId, final boolean track)
    {
        if (!isSlot(pinKeyId) || !isSlot(macKeyId) || pinKeyId == macKeyId || masterKeyId == pinKeyId || masterKeyId == macKeyId)
        {
            return false;
        }
        if (trackKeyId == -1)
        {
            return !track;
        }
        return isSlot(trackKeyId) && trackKeyId != masterKeyId && trackKeyId != pinKeyId && trackKeyId != macKeyId;
    }

    private void setTrackKey(final int trackKeyId, final Slot trackKey)
    {
        if (trackKeyId != -1)
        {
            slots[trackKeyId] = trackKey;
        }
    }

    @Override
    public HsmResult decryptData(final int keyId, final MutableDirectBuffer data, final int offset, final int length)
    {
        final Slot key = slot(keyId);
        if (key == null)
        {
            return HsmResult.KEY_NOT_FOUND;
        }
        if (key.type != KeyType.DATA_ENCRYPTION)
        {
            return HsmResult.KEY_TYPE_MISMATCH;
        }
        if (length <= 0 || length % Ciphers.DES_BLOCK != 0 || length > in.length || !inside(data, offset, length))
        {
            return HsmResult.INVALID_INPUT;
        }
        try
        {
            data.getBytes(offset, in, 0, length);
            key.decrypt.doFinal(in, 0, length, out, 0);
            data.putBytes(offset, out, 0, length);
            return HsmResult.OK;
        }
        catch (final GeneralSecurityException e)
        {
            return HsmResult.HSM_ERROR;
        }
        finally
        {
            // The track in clear stays only where the caller asked for it.
            Arrays.fill(out, 0, Math.min(Math.max(length, 0), out.length), (byte)0);
        }
    }

    @Override
    public HsmResult generateMac(
        final int keyId, final DirectBuffer data, final int offset, final int length, final MutableDirectBuffer mac, final int macOffset)
    {
        if (!inside(mac, macOffset, MAC_LENGTH))
        {
            return HsmResult.INVALID_INPUT;
        }
        final HsmResult result = computeMac(keyId, data, offset, length);
        if (result == HsmResult.OK)
        {
            mac.putBytes(macOffset, this.mac);
        }
        return result;
    }

    @Override
    public HsmResult verifyMac(final int keyId, final DirectBuffer data, final int offset, final int length, final DirectBuffer mac, final int macOffset)
    {
        if (!inside(mac, macOffset, MAC_LENGTH))
        {
            return HsmResult.INVALID_INPUT;
        }
        final HsmResult result = computeMac(keyId, data, offset, length);
        if (result != HsmResult.OK)
        {
            return result;
        }
        // Every byte compared whatever the first difference: how long the check takes tells nothing of the MAC.
        int difference = 0;
        for (int i = 0; i < MAC_LENGTH; i++)
        {
            difference |= this.mac[i] ^ mac.getByte(macOffset + i);
        }
        return difference == 0 ? HsmResult.OK : HsmResult.MAC_MISMATCH;
    }

    @Override
    public HsmResult translatePin(
        final int fromKeyId, final int toKeyId, final DirectBuffer pinBlock, final int pinBlockOffset, final DirectBuffer pan, final int panOffset,
        final int panLength, final MutableDirectBuffer out, final int outOffset)
    {
        final Slot from = slot(fromKeyId);
        final Slot to = slot(toKeyId);
        if (from == null || to == null)
        {
            return HsmResult.KEY_NOT_FOUND;
        }
        if (from.type != KeyType.PIN_ENCRYPTION || to.type != KeyType.PIN_ENCRYPTION)
        {
            return HsmResult.KEY_TYPE_MISMATCH;
        }
        if (!inside(pinBlock, pinBlockOffset, PIN_BLOCK_LENGTH) || !inside(pan, panOffset, panLength) || !inside(out, outOffset, PIN_BLOCK_LENGTH))
        {
            return HsmResult.INVALID_INPUT;
        }
        final long account = PinBlockFormat0.accountField(pan, panOffset, panLength);
        if (account == PinBlockFormat0.NO_ACCOUNT)
        {
            return HsmResult.INVALID_INPUT;
        }
        try
        {
            pinBlock.getBytes(pinBlockOffset, in, 0, PIN_BLOCK_LENGTH);
            from.decrypt.doFinal(in, 0, PIN_BLOCK_LENGTH, clearBlock, 0);
            long clear = 0;
            for (int i = 0; i < PIN_BLOCK_LENGTH; i++)
            {
                clear = clear << 8 | (clearBlock[i] & 0xFFL);
            }
            if (!PinBlockFormat0.isValidPinField(clear ^ account))
            {
                return HsmResult.BAD_PIN_BLOCK;
            }
            // Format 0 in, format 0 out, same PAN: the clear block itself is what the issuer's key encrypts.
            to.encrypt.doFinal(clearBlock, 0, PIN_BLOCK_LENGTH, in, 0);
            out.putBytes(outOffset, in, 0, PIN_BLOCK_LENGTH);
            return HsmResult.OK;
        }
        catch (final GeneralSecurityException e)
        {
            return HsmResult.HSM_ERROR;
        }
        finally
        {
            Arrays.fill(clearBlock, (byte)0);
        }
    }

    private HsmResult computeMac(final int keyId, final DirectBuffer data, final int offset, final int length)
    {
        final Slot slot = slot(keyId);
        if (slot == null)
        {
            return HsmResult.KEY_NOT_FOUND;
        }
        if (slot.mac == null)
        {
            return HsmResult.KEY_TYPE_MISMATCH;
        }
        if (!inside(data, offset, length))
        {
            return HsmResult.INVALID_INPUT;
        }
        try
        {
            slot.mac.compute(data, offset, length, in, out, mac);
            return HsmResult.OK;
        }
        catch (final GeneralSecurityException e)
        {
            return HsmResult.HSM_ERROR;
        }
    }

    /**
     * OK when {@code kekId} holds a key-encryption key that may carry a {@code keyLength}-byte key of {@code type}:
     * ANSI X9.24-1 protects a key only under one of equal or greater strength, so a DES key-encryption key carries
     * DES keys no longer than itself, and an AES one carries AES keys no longer than itself and DES keys (AES-128
     * outranks triple DES). {@link HsmResult#INVALID_INPUT} when the key is not a whole number of the KEK's blocks.
     */
    private HsmResult checkKek(final int kekId, final KeyType type, final int keyLength)
    {
        final Slot kek = slot(kekId);
        if (kek == null)
        {
            return HsmResult.KEY_NOT_FOUND;
        }
        if (kek.type == KeyType.KEY_ENCRYPTION)
        {
            return type.isDes() && kek.length >= keyLength ? HsmResult.OK : HsmResult.KEY_TYPE_MISMATCH;
        }
        if (kek.type == KeyType.AES_KEY_ENCRYPTION)
        {
            if (keyLength % Ciphers.AES_BLOCK != 0)
            {
                return HsmResult.INVALID_INPUT;
            }
            return type.isDes() || kek.length >= keyLength ? HsmResult.OK : HsmResult.KEY_TYPE_MISMATCH;
        }
        return HsmResult.KEY_TYPE_MISMATCH;
    }

    /**
     * The {@code keyLength}-byte DES key at {@code key[keyOffset]}, decrypted under {@code kek} (ECB, block by block), as
     * a slot; null when its check value does not begin with the {@code checkValueLength} bytes at
     * {@code checkValue[checkValueOffset]}. Every byte is compared whatever the first difference, so how long the
     * check takes tells nothing of the key.
     */
    private Slot unwrap(
        final KeyType type, final Slot kek, final DirectBuffer key, final int keyOffset, final int keyLength, final DirectBuffer checkValue,
        final int checkValueOffset, final int checkValueLength) throws GeneralSecurityException
    {
        final byte[] clear = new byte[keyLength];
        try
        {
            key.getBytes(keyOffset, in, 0, keyLength);
            kek.decrypt.doFinal(in, 0, keyLength, clear, 0);
            final Slot unwrapped = Slot.of(type, clear, seal(type, clear));
            int difference = 0;
            for (int i = 0; i < checkValueLength; i++)
            {
                difference |= unwrapped.checkValue[i] ^ checkValue.getByte(checkValueOffset + i);
            }
            return difference == 0 ? unwrapped : null;
        }
        finally
        {
            wipe(clear);
        }
    }

    /** A random key (a DES one with odd parity), as a slot and encrypted under {@code kek}, block by block in ECB mode. */
    private Generated generate(final KeyType type, final int length, final Slot kek) throws GeneralSecurityException
    {
        final byte[] clear = new byte[length];
        try
        {
            random.nextBytes(clear);
            if (type.isDes())
            {
                Ciphers.oddParity(clear, 0, length);
            }
            final byte[] underKek = kek.encrypt.doFinal(clear);
            return new Generated(Slot.of(type, clear, seal(type, clear)), underKek);
        }
        finally
        {
            wipe(clear);
        }
    }

    /** {@code clear} sealed under the LMK in the layout drawn above. */
    private byte[] seal(final KeyType type, final byte[] clear) throws GeneralSecurityException
    {
        final byte[] sealed = new byte[SEALED_HEADER + NONCE_LENGTH + clear.length + TAG_LENGTH];
        sealed[0] = SEALED_VERSION;
        sealed[1] = type.code();
        sealed[2] = (byte)clear.length;
        final byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, sealed, SEALED_HEADER, NONCE_LENGTH);
        final Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, lmk, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        gcm.updateAAD(sealed, 0, SEALED_HEADER);
        gcm.doFinal(clear, 0, clear.length, sealed, SEALED_HEADER + NONCE_LENGTH);
        return sealed;
    }

    private boolean isSlot(final int id)
    {
        return id >= 0 && id < slots.length;
    }

    private Slot slot(final int id)
    {
        return isSlot(id) ? slots[id] : null;
    }

    private static boolean inside(final DirectBuffer buffer, final int offset, final int length)
    {
        return buffer != null && offset >= 0 && length >= 0 && (long)offset + length <= buffer.capacity();
    }

    private static void wipe(final byte[] bytes)
    {
        if (bytes != null)
        {
            Arrays.fill(bytes, (byte)0);
        }
    }

    /** A key just made: its slot, and its bytes under the key-encryption key for the peer. */
    private record Generated(Slot slot, byte[] underKek)
    {
    }

    /** One key, held as initialised ciphers; see the class comment. */
    private static final class Slot
    {
        final KeyType type;
        final int length;
        final byte[] underLmk;
        final byte[] checkValue;
        /** ECB under the key, for PIN, data and key-encryption keys; null for MAC keys. */
        final Cipher encrypt;
        final Cipher decrypt;
        /** The MAC algorithm keyed with this key, for MAC keys; null for the others. */
        final MacEngine mac;

        private Slot(
            final KeyType type, final int length, final byte[] underLmk, final byte[] checkValue, final Cipher encrypt, final Cipher decrypt,
            final MacEngine mac)
        {
            this.type = type;
            this.length = length;
            this.underLmk = underLmk;
            this.checkValue = checkValue;
            this.encrypt = encrypt;
            this.decrypt = decrypt;
            this.mac = mac;
        }

        static Slot of(final KeyType type, final byte[] clear, final byte[] underLmk) throws GeneralSecurityException
        {
            final byte[] checkValue = checkValue(type, clear);
            return switch (type)
            {
                case KEY_ENCRYPTION, PIN_ENCRYPTION, DATA_ENCRYPTION -> new Slot(type, clear.length, underLmk, checkValue,
                    Ciphers.desEcb(Cipher.ENCRYPT_MODE, clear, 0, clear.length), Ciphers.desEcb(Cipher.DECRYPT_MODE, clear, 0, clear.length), null);
                case AES_KEY_ENCRYPTION -> new Slot(type, clear.length, underLmk, checkValue,
                    Ciphers.aesEcb(Cipher.ENCRYPT_MODE, clear), Ciphers.aesEcb(Cipher.DECRYPT_MODE, clear), null);
                case MAC_ISO9797_ALG3 -> new Slot(type, clear.length, underLmk, checkValue, null, null, new RetailMac(clear));
                case MAC_UNIONPAY_ECB -> new Slot(type, clear.length, underLmk, checkValue, null, null, new UnionPayMac(clear));
                case MAC_AES_CMAC -> new Slot(type, clear.length, underLmk, checkValue, null, null, new AesCmac(clear));
            };
        }

        /** The key encrypting a block of zeros, in ECB under the whole key (triple DES for a double-length DES key). */
        private static byte[] checkValue(final KeyType type, final byte[] clear) throws GeneralSecurityException
        {
            final byte[] zeros = new byte[type.isDes() ? Ciphers.DES_BLOCK : Ciphers.AES_BLOCK];
            final Cipher cipher = type.isDes() ? Ciphers.desEcb(Cipher.ENCRYPT_MODE, clear, 0, clear.length) : Ciphers.aesEcb(Cipher.ENCRYPT_MODE, clear);
            return Arrays.copyOf(cipher.doFinal(zeros), Ciphers.DES_BLOCK);
        }
    }
}
