package io.interchange.engine.security;

import static io.interchange.engine.security.Fixtures.SEED;
import static io.interchange.engine.security.Fixtures.buffer;
import static io.interchange.engine.security.Fixtures.bytes;
import static io.interchange.engine.security.Fixtures.checkValue;
import static io.interchange.engine.security.Fixtures.ecb;
import static io.interchange.engine.security.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.jpos.security.SMAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.cups.WorkingKeys;
import io.interchange.codec.cups.UnionPayPos;

/**
 * Keys in and out of the HSM: sign-on's working keys and their import back from field 62, import under a key-encryption
 * key, keys under the LMK, and the rules on which key may carry which.
 */
class KeyManagementTest
{
    private static final int TMK = 0;
    private static final int PIK = 1;
    private static final int MAK = 2;
    private static final int OTHER = 3;
    private static final int TDK = 4;
    private static final int[] LAYOUTS = {WorkingKeys.WITH_TRACK_KEY, WorkingKeys.SINGLE_LENGTH, WorkingKeys.DOUBLE_LENGTH};
    private static final byte[] TMK_KEY = hex("6DC12CB58E2F9A112379C69F9CDF34CD");

    private final SoftwareHsm hsm = SoftwareHsm.withRandomLmk(8);

    @Test
    void shouldSendSignOnKeysInTheLayoutOfField62(@TempDir final Path lmk) throws Exception
    {
        final JposOracle jpos = new JposOracle(lmk);
        assertEquals(HsmResult.OK, hsm.formKey(TMK, KeyType.KEY_ENCRYPTION, TMK_KEY));
        for (final int layout : LAYOUTS)
        {
            final boolean doubleLength = layout != WorkingKeys.SINGLE_LENGTH;
            final UnsafeBuffer field62 = new UnsafeBuffer(new byte[WorkingKeys.WITH_TRACK_KEY]);
            assertEquals(HsmResult.OK, hsm.generateWorkingKeys(TMK, PIK, MAK, TDK, layout, field62, 0));
            final WorkingKeys keys = throughTheCodec(field62, layout);
            final byte[] pinKey = ecb(TMK_KEY, keys.pinKey(), Cipher.DECRYPT_MODE);
            final byte[] macKey = ecb(TMK_KEY, keys.macKey(), Cipher.DECRYPT_MODE);

            assertEquals(doubleLength ? 16 : 8, pinKey.length);
            assertEquals(checkValue(pinKey), hex(keys.pinKeyCheck()));
            assertEquals(checkValue(macKey), hex(keys.macKeyCheck()));
            assertEquals(hex(jpos.importedCheckValue(SMAdapter.TYPE_TPK, keys.pinKey(), TMK_KEY)), hex(keys.pinKeyCheck()).substring(0, 6));
            assertEquals(hex(jpos.importedCheckValue(SMAdapter.TYPE_TAK, keys.macKey(), TMK_KEY)), hex(keys.macKeyCheck()).substring(0, 6));
            assertOddParity(pinKey);
            assertOddParity(macKey);
            if (doubleLength)
            {
                assertEquals("0000000000000000", hex(field62, 28, 8), "the MAK padded to 16 bytes with zeros");
            }
            if (layout == WorkingKeys.WITH_TRACK_KEY)
            {
                // The track key: 16 bytes under the master key after the 40 of the double-length layout, its check value last.
                final byte[] trackKey = ecb(TMK_KEY, keys.trackKey(), Cipher.DECRYPT_MODE);
                assertEquals(16, trackKey.length);
                assertOddParity(trackKey);
                assertEquals(checkValue(trackKey), hex(keys.trackKeyCheck()));
                assertEquals(hex(jpos.importedCheckValue(SMAdapter.TYPE_DEK, keys.trackKey(), TMK_KEY)), hex(keys.trackKeyCheck()).substring(0, 6));
                // What a terminal enciphers under it, jPOS's data encryption as the oracle, the slot deciphers.
                final byte[] block = hex("2512101123456789");
                final UnsafeBuffer enciphered = buffer(jpos.encryptData(keys.trackKey(), TMK_KEY, block), 3);
                assertEquals(HsmResult.OK, hsm.decryptData(TDK, enciphered, 3, 8));
                assertEquals(hex(block), hex(enciphered, 3, 8));
            }
            else
            {
                assertNull(keys.trackKey());
                assertNull(hsm.keyUnderLmk(TDK), "a sign-on without a track key leaves none of an earlier one");
            }

            // The slots hold the keys that were sent: the HSM's check values agree, and its MAC is the terminal's.
            final UnsafeBuffer check = new UnsafeBuffer(new byte[Hsm.CHECK_VALUE_LENGTH]);
            assertEquals(HsmResult.OK, hsm.checkValue(PIK, check, 0));
            assertEquals(checkValue(pinKey), hex(check.byteArray()));
            final byte[] message = bytes(new SplittableRandom(SEED), 100);
            final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
            assertEquals(HsmResult.OK, hsm.generateMac(MAK, buffer(message), 0, message.length, mac, 0));
            assertEquals(hex(UnionPayMacTest.reference(macKey, message)), hex(mac.byteArray()));
        }
    }

    @Test
    void shouldMakeNewKeysAtEverySignOnAndChangeBothSlotsOrNeither()
    {
        assertEquals(HsmResult.OK, hsm.formKey(TMK, KeyType.KEY_ENCRYPTION, TMK_KEY));
        final UnsafeBuffer first = new UnsafeBuffer(new byte[WorkingKeys.SINGLE_LENGTH]);
        final UnsafeBuffer second = new UnsafeBuffer(new byte[WorkingKeys.SINGLE_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateWorkingKeys(TMK, PIK, MAK, -1, WorkingKeys.SINGLE_LENGTH, first, 0));
        final String firstPinKey = checkValueOf(PIK);
        final String firstMacKey = checkValueOf(MAK);
        assertEquals(HsmResult.OK, hsm.generateWorkingKeys(TMK, PIK, MAK, -1, WorkingKeys.SINGLE_LENGTH, second, 0));
        assertFalse(firstPinKey.equals(checkValueOf(PIK)), "a new PIN key");
        assertFalse(firstMacKey.equals(checkValueOf(MAK)), "a new MAC key");
        assertFalse(hex(first.byteArray()).equals(hex(second.byteArray())));

        final UnsafeBuffer tooShort = new UnsafeBuffer(new byte[WorkingKeys.DOUBLE_LENGTH - 1]);
        final byte[] pinKey = hsm.keyUnderLmk(PIK);
        final byte[] macKey = hsm.keyUnderLmk(MAK);
        assertEquals(HsmResult.INVALID_INPUT, hsm.generateWorkingKeys(TMK, PIK, MAK, -1, WorkingKeys.DOUBLE_LENGTH, tooShort, 0));
        assertArrayEquals(pinKey, hsm.keyUnderLmk(PIK), "a refused sign-on leaves the keys");
        assertArrayEquals(macKey, hsm.keyUnderLmk(MAK), "a refused sign-on leaves the keys");
        assertEquals(HsmResult.INVALID_INPUT, hsm.generateWorkingKeys(TMK, PIK, PIK, -1, WorkingKeys.SINGLE_LENGTH, first, 0), "one slot for both keys");
        assertEquals(HsmResult.INVALID_INPUT, hsm.generateWorkingKeys(TMK, TMK, MAK, -1, WorkingKeys.SINGLE_LENGTH, first, 0), "over the master key");
        assertEquals(HsmResult.KEY_NOT_FOUND, hsm.generateWorkingKeys(OTHER, PIK, MAK, -1, WorkingKeys.SINGLE_LENGTH, first, 0));
    }

    @Test
    void shouldImportWhatItSendsAndRefuseAWrongCheckValue()
    {
        assertEquals(HsmResult.OK, hsm.formKey(TMK, KeyType.KEY_ENCRYPTION, TMK_KEY));
        final UnsafeBuffer sent = new UnsafeBuffer(new byte[16 + Hsm.CHECK_VALUE_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateKey(PIK, KeyType.PIN_ENCRYPTION, 16, TMK, sent, 0));
        assertEquals(HsmResult.OK, hsm.importKey(OTHER, KeyType.PIN_ENCRYPTION, TMK, sent, 0, 16, sent, 16, Hsm.CHECK_VALUE_LENGTH));
        assertEquals(checkValueOf(PIK), checkValueOf(OTHER));

        final UnsafeBuffer wrong = buffer(sent.byteArray());
        wrong.putByte(19, (byte)(wrong.getByte(19) ^ 1));
        assertEquals(HsmResult.OK, hsm.deleteKey(OTHER));
        assertEquals(HsmResult.CHECK_VALUE_MISMATCH, hsm.importKey(OTHER, KeyType.PIN_ENCRYPTION, TMK, wrong, 0, 16, wrong, 16, 4));
        assertNull(hsm.keyUnderLmk(OTHER), "nothing imported");
        assertEquals(HsmResult.INVALID_INPUT, hsm.importKey(OTHER, KeyType.PIN_ENCRYPTION, TMK, sent, 0, 16, sent, 16, 2), "check value too short");
        assertEquals(HsmResult.KEY_TYPE_MISMATCH, hsm.importKey(OTHER, KeyType.MAC_AES_CMAC, TMK, sent, 0, 16, sent, 16, 4), "AES under a DES key");
        assertEquals(HsmResult.INVALID_INPUT, hsm.importKey(OTHER, KeyType.PIN_ENCRYPTION, TMK, sent, 8, 16, sent, 16, 4), "past the buffer");
    }

    @Test
    void shouldImportTheWorkingKeysASignOnSentIntoAnotherHsmWithTheSameMasterKey()
    {
        assertEquals(HsmResult.OK, hsm.formKey(TMK, KeyType.KEY_ENCRYPTION, TMK_KEY));
        for (final int length : LAYOUTS)
        {
            final UnsafeBuffer sent = new UnsafeBuffer(new byte[length]);
            assertEquals(HsmResult.OK, hsm.generateWorkingKeys(TMK, PIK, MAK, TDK, length, sent, 0));

            // The switch restarted: another LMK, the terminal's master key formed again, field 62 read back from its journal.
            final SoftwareHsm restarted = SoftwareHsm.withRandomLmk(8);
            assertEquals(HsmResult.OK, restarted.formKey(TMK, KeyType.KEY_ENCRYPTION, TMK_KEY));
            final UnsafeBuffer journaled = buffer(sent.byteArray(), 5);
            assertEquals(HsmResult.OK, restarted.importWorkingKeys(TMK, PIK, MAK, TDK, journaled, 5, length));
            assertEquals(checkValueOf(hsm, PIK), checkValueOf(restarted, PIK), "the same PIN key");
            assertEquals(checkValueOf(hsm, MAK), checkValueOf(restarted, MAK), "the same MAC key");
            if (length == WorkingKeys.WITH_TRACK_KEY)
            {
                assertEquals(checkValueOf(hsm, TDK), checkValueOf(restarted, TDK), "the same track key");
            }
            final byte[] message = bytes(new SplittableRandom(SEED), 77);
            final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
            assertEquals(HsmResult.OK, hsm.generateMac(MAK, buffer(message), 0, message.length, mac, 0));
            assertEquals(HsmResult.OK, restarted.verifyMac(MAK, buffer(message), 0, message.length, mac, 0), "its MACs are the terminal's");
        }
    }

    @Test
    void shouldImportWorkingKeysATerminalWouldUnwrapWithItsMasterKey() throws Exception
    {
        // Field 62 built the long way, with JCE: chosen keys under the master key, their check values beside them.
        final byte[] pinKey = hex("0123456789ABCDEF FEDCBA9876543210");
        final byte[] macKey = hex("2323232323232323");
        final byte[] field62 = hex(hex(ecb(TMK_KEY, pinKey, Cipher.ENCRYPT_MODE)) + checkValue(pinKey) + hex(ecb(TMK_KEY, macKey, Cipher.ENCRYPT_MODE)) +
            "0000000000000000" + checkValue(macKey));
        assertEquals(WorkingKeys.DOUBLE_LENGTH, field62.length);
        assertEquals(HsmResult.OK, hsm.formKey(TMK, KeyType.KEY_ENCRYPTION, TMK_KEY));

        assertEquals(HsmResult.OK, hsm.importWorkingKeys(TMK, PIK, MAK, -1, buffer(field62), 0, field62.length));
        assertEquals(checkValue(pinKey), checkValueOf(hsm, PIK));
        assertEquals(checkValue(macKey), checkValueOf(hsm, MAK));
        final byte[] message = bytes(new SplittableRandom(SEED), 100);
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateMac(MAK, buffer(message), 0, message.length, mac, 0));
        assertEquals(hex(UnionPayMacTest.reference(macKey, message)), hex(mac.byteArray()), "a UnionPay MAC key");
    }

    @Test
    void shouldRefuseWorkingKeysWhoseCheckValuesDoNotHoldAndChangeNeitherSlot()
    {
        assertEquals(HsmResult.OK, hsm.formKey(TMK, KeyType.KEY_ENCRYPTION, TMK_KEY));
        final UnsafeBuffer sent = new UnsafeBuffer(new byte[WorkingKeys.DOUBLE_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateWorkingKeys(TMK, PIK, MAK, -1, WorkingKeys.DOUBLE_LENGTH, sent, 0));
        final byte[] pinKey = hsm.keyUnderLmk(PIK);
        final byte[] macKey = hsm.keyUnderLmk(MAK);
        final int pinCheck = 16;
        final int macCheck = WorkingKeys.DOUBLE_LENGTH - 1;
        final int macKeyByte = WorkingKeys.macKeyOffset(WorkingKeys.DOUBLE_LENGTH);
        for (final int at : new int[] {0, pinCheck, macKeyByte, macCheck})
        {
            final UnsafeBuffer changed = buffer(sent.byteArray());
            changed.putByte(at, (byte)(changed.getByte(at) ^ 0x10));
            assertEquals(HsmResult.CHECK_VALUE_MISMATCH, hsm.importWorkingKeys(TMK, PIK, MAK, -1, changed, 0, WorkingKeys.DOUBLE_LENGTH), "byte " + at);
            assertArrayEquals(pinKey, hsm.keyUnderLmk(PIK), "byte " + at + " changed: the PIN key left as it was");
            assertArrayEquals(macKey, hsm.keyUnderLmk(MAK), "byte " + at + " changed: the MAC key left as it was");
        }

        final SoftwareHsm other = SoftwareHsm.withRandomLmk(8);
        assertEquals(HsmResult.OK, other.formKey(TMK, KeyType.KEY_ENCRYPTION, hex("9D719CDFCC02F10AF013C0611AE8273C")));
        assertEquals(HsmResult.CHECK_VALUE_MISMATCH, other.importWorkingKeys(TMK, PIK, MAK, -1, sent, 0, WorkingKeys.DOUBLE_LENGTH), "another master key");
        assertNull(other.keyUnderLmk(PIK));
        assertNull(other.keyUnderLmk(MAK));

        assertEquals(HsmResult.INVALID_INPUT, hsm.importWorkingKeys(TMK, PIK, MAK, -1, sent, 0, WorkingKeys.DOUBLE_LENGTH - 1), "neither layout");
        assertEquals(HsmResult.INVALID_INPUT, hsm.importWorkingKeys(TMK, PIK, MAK, -1, sent, 1, WorkingKeys.DOUBLE_LENGTH), "past the buffer");
        assertEquals(HsmResult.INVALID_INPUT, hsm.importWorkingKeys(TMK, PIK, PIK, -1, sent, 0, WorkingKeys.DOUBLE_LENGTH), "one slot for both keys");
        assertEquals(HsmResult.INVALID_INPUT, hsm.importWorkingKeys(TMK, TMK, MAK, -1, sent, 0, WorkingKeys.DOUBLE_LENGTH), "over the master key");
        assertEquals(HsmResult.KEY_NOT_FOUND, hsm.importWorkingKeys(OTHER, PIK, MAK, -1, sent, 0, WorkingKeys.DOUBLE_LENGTH), "no master key");
        assertEquals(HsmResult.OK, hsm.formKey(OTHER, KeyType.KEY_ENCRYPTION, hex("0123456789ABCDEF")));
        assertEquals(HsmResult.KEY_TYPE_MISMATCH, hsm.importWorkingKeys(OTHER, PIK, MAK, -1, sent, 0, WorkingKeys.DOUBLE_LENGTH),
            "a double-length PIN key under a single-length master key");
        assertArrayEquals(pinKey, hsm.keyUnderLmk(PIK));
        assertArrayEquals(macKey, hsm.keyUnderLmk(MAK));
    }

    @Test
    void shouldGiveCheckValuesAsJposDoes(@TempDir final Path lmk) throws Exception
    {
        final JposOracle jpos = new JposOracle(lmk);
        final SplittableRandom random = new SplittableRandom(SEED);
        final int[] lengths = {8, 16, 24};
        for (int i = 0; i < 300; i++)
        {
            final byte[] key = bytes(random, lengths[i % 3]);
            assertEquals(HsmResult.OK, hsm.formKey(OTHER, KeyType.PIN_ENCRYPTION, key));
            assertEquals(hex(jpos.checkValue(key)), checkValueOf(OTHER).substring(0, 6), "seed " + SEED + ", key " + hex(key));
        }
    }

    @Test
    void shouldLetOnlyAStrongEnoughKeyEncryptionKeyCarryAKey()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        assertEquals(HsmResult.KEY_NOT_FOUND, hsm.generateKey(PIK, KeyType.PIN_ENCRYPTION, 16, TMK, out, 0));
        assertEquals(HsmResult.OK, hsm.formKey(TMK, KeyType.PIN_ENCRYPTION, TMK_KEY));
        assertEquals(HsmResult.KEY_TYPE_MISMATCH, hsm.generateKey(PIK, KeyType.PIN_ENCRYPTION, 16, TMK, out, 0), "a PIN key is no key-encryption key");
        assertEquals(HsmResult.OK, hsm.formKey(TMK, KeyType.KEY_ENCRYPTION, hex("0123456789ABCDEF")));
        assertEquals(HsmResult.KEY_TYPE_MISMATCH, hsm.generateKey(PIK, KeyType.PIN_ENCRYPTION, 16, TMK, out, 0), "single under double");
        assertEquals(HsmResult.KEY_TYPE_MISMATCH, hsm.generateWorkingKeys(TMK, PIK, MAK, -1, WorkingKeys.DOUBLE_LENGTH, out, 0),
            "double-length PIK under a single TMK");
        assertEquals(HsmResult.OK, hsm.generateWorkingKeys(TMK, PIK, MAK, -1, WorkingKeys.SINGLE_LENGTH, out, 0));
        assertEquals(HsmResult.KEY_TYPE_MISMATCH, hsm.generateKey(PIK, KeyType.MAC_AES_CMAC, 16, TMK, out, 0), "AES keys do not travel under DES");
        assertEquals(HsmResult.INVALID_INPUT, hsm.generateKey(PIK, KeyType.MAC_ISO9797_ALG3, 8, TMK, out, 0), "algorithm 3 keys are double length");
        assertEquals(HsmResult.INVALID_INPUT, hsm.formKey(8, KeyType.KEY_ENCRYPTION, TMK_KEY), "no slot 8");
        assertEquals(HsmResult.INVALID_INPUT, hsm.formKey(PIK, KeyType.KEY_ENCRYPTION, new byte[12]));
    }

    @Test
    void shouldCarryAnAesCmacKeyAndADesPinKeyUnderAnAesKeyEncryptionKey() throws Exception
    {
        final byte[] zoneMasterKey = hex("2B7E151628AED2A6ABF7158809CF4F3C");
        assertEquals(HsmResult.OK, hsm.formKey(TMK, KeyType.AES_KEY_ENCRYPTION, zoneMasterKey));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[40]);
        assertEquals(HsmResult.OK, hsm.generateKey(MAK, KeyType.MAC_AES_CMAC, 16, TMK, out, 0));
        assertEquals(HsmResult.OK, hsm.generateKey(PIK, KeyType.PIN_ENCRYPTION, 16, TMK, out, 20));

        // The peer: each key decrypted with plain JCE AES, checked by its check value (AES-ECB of zeros for the AES
        // key, triple DES of zeros for the DES one), and the CMAC key used with Bouncy Castle's CMAC directly.
        final Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(zoneMasterKey, "AES"));
        final byte[] macKey = aes.doFinal(out.byteArray(), 0, 16);
        final byte[] pinKey = aes.doFinal(out.byteArray(), 20, 16);
        final Cipher aesZeros = Cipher.getInstance("AES/ECB/NoPadding");
        aesZeros.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(macKey, "AES"));
        assertEquals(hex(Arrays.copyOf(aesZeros.doFinal(new byte[16]), 4)), hex(out, 16, 4), "the CMAC key's check value");
        assertEquals(checkValue(pinKey).substring(0, 8), hex(out, 36, 4), "the PIN key's check value");
        assertOddParity(pinKey);
        final byte[] message = "0200 with fields to be MACed, some 40 bytes".getBytes(StandardCharsets.US_ASCII);
        final CMac cmac = new CMac(AESEngine.newInstance(), 64);
        cmac.init(new KeyParameter(macKey));
        cmac.update(message, 0, message.length);
        final byte[] expected = new byte[8];
        cmac.doFinal(expected, 0);
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[8]);
        assertEquals(HsmResult.OK, hsm.generateMac(MAK, new UnsafeBuffer(message), 0, message.length, mac, 0));
        assertEquals(hex(expected), hex(mac.byteArray()));

        // And back in, as a replay loads them: into other slots, the check values holding.
        assertEquals(HsmResult.OK, hsm.importKey(OTHER, KeyType.MAC_AES_CMAC, TMK, out, 0, 16, out, 16, 4));
        assertEquals(HsmResult.OK, hsm.verifyMac(OTHER, new UnsafeBuffer(message), 0, message.length, mac, 0));
        assertEquals(HsmResult.CHECK_VALUE_MISMATCH, hsm.importKey(OTHER, KeyType.PIN_ENCRYPTION, TMK, out, 20, 16, out, 16, 4), "another key's check");
        assertEquals(HsmResult.INVALID_INPUT, hsm.generateKey(OTHER, KeyType.PIN_ENCRYPTION, 8, TMK, out, 0), "half an AES block");
        assertEquals(HsmResult.OK, hsm.formKey(TMK, KeyType.AES_KEY_ENCRYPTION, hex("2B7E151628AED2A6ABF7158809CF4F3C")));
        assertEquals(HsmResult.KEY_TYPE_MISMATCH, hsm.generateKey(OTHER, KeyType.MAC_AES_CMAC, 32, TMK, out, 0), "AES-256 under AES-128");
    }

    @Test
    void shouldKeepKeysUnderTheLmkOnly()
    {
        assertEquals(HsmResult.OK, hsm.formKey(MAK, KeyType.MAC_ISO9797_ALG3, hex("0123456789ABCDEF FEDCBA9876543210")));
        final byte[] underLmk = hsm.keyUnderLmk(MAK);
        assertFalse(hex(underLmk).contains("0123456789ABCDEF"), "not the clear key");
        assertFalse(hex(underLmk).contains("FEDCBA9876543210"), "not the clear key");
        assertEquals(HsmResult.OK, hsm.loadKey(OTHER, underLmk));
        final UnsafeBuffer message = buffer(new byte[40]);
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateMac(MAK, message, 0, 40, mac, 0));
        assertEquals(HsmResult.OK, hsm.verifyMac(OTHER, message, 0, 40, mac, 0), "the loaded key is the same key");

        assertEquals(HsmResult.INVALID_INPUT, SoftwareHsm.withRandomLmk(1).loadKey(0, underLmk), "another LMK");
        for (int at = 0; at < underLmk.length; at++)
        {
            final byte[] changed = underLmk.clone();
            changed[at] ^= 0x40;
            assertEquals(HsmResult.INVALID_INPUT, hsm.loadKey(OTHER, changed), "byte " + at + " changed");
        }
        final byte[] relabelled = underLmk.clone();
        relabelled[1] = KeyType.PIN_ENCRYPTION.code();
        assertEquals(HsmResult.INVALID_INPUT, hsm.loadKey(OTHER, relabelled), "a MAC key relabelled as a PIN key");
        assertEquals(HsmResult.INVALID_INPUT, hsm.loadKey(OTHER, new byte[2]));

        assertEquals(HsmResult.OK, hsm.deleteKey(MAK));
        assertNull(hsm.keyUnderLmk(MAK));
        assertEquals(HsmResult.KEY_NOT_FOUND, hsm.verifyMac(MAK, message, 0, 40, mac, 0));
        assertEquals(HsmResult.KEY_NOT_FOUND, hsm.deleteKey(MAK));
        assertEquals(HsmResult.KEY_NOT_FOUND, hsm.checkValue(MAK, mac, 0));
    }

    private String checkValueOf(final int id)
    {
        return checkValueOf(hsm, id);
    }

    private static String checkValueOf(final Hsm hsm, final int id)
    {
        final UnsafeBuffer check = new UnsafeBuffer(new byte[Hsm.CHECK_VALUE_LENGTH]);
        assertEquals(HsmResult.OK, hsm.checkValue(id, check, 0));
        return hex(check.byteArray());
    }

    /** Field 62 written into an 0810 and read back with the codec's own WorkingKeys. */
    private static WorkingKeys throughTheCodec(final UnsafeBuffer field62, final int length)
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[128]);
        final int messageLength = new MessageWriter(UnionPayPos.DIALECT).wrap(message, 0).mti(810)
            .putLong(11, 1).putString(39, "00").putString(41, "TERM0001").putBytes(62, field62, 0, length).finish();
        final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
        reader.wrap(message, 0, messageLength);
        return WorkingKeys.read(reader);
    }

    private static void assertOddParity(final byte[] key)
    {
        for (final byte b : key)
        {
            assertEquals(1, Integer.bitCount(b & 0xFF) & 1, "odd parity: " + hex(key));
        }
    }
}
