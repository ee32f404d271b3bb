package io.interchange.engine.security;

import static io.interchange.engine.security.Fixtures.ecb;
import static io.interchange.engine.security.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.GeneralSecurityException;
import java.util.List;

import javax.crypto.Cipher;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.cups.Field60;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.cups.WorkingKeys;
import io.interchange.engine.config.Status;
import io.interchange.engine.config.TerminalConfig;

/**
 * The security path of one UnionPay POS terminal, both ends played: the switch loads the terminal's master key and
 * signs it on; the terminal, holding only its master key, unwraps field 62, sends an 0200 with a PIN block under its
 * PIK and a MAC under its MAK; the switch verifies the MAC over the MAB (MTI to field 63) and translates the PIN
 * block to the issuer's ZPK, under which the issuer finds the PIN.
 */
class TerminalSecurityTest
{
    private static final String MASTER_KEY = "6DC12CB58E2F9A112379C69F9CDF34CD";
    private static final byte[] ZONE_PIN_KEY = hex("0123456789ABCDEF FEDCBA9876543210");
    private static final String PAN = "6228480000000000017";
    private static final String PIN = "314159";

    private final KeySlots slots = new KeySlots(1, 1, 0);
    private final SoftwareHsm hsm = SoftwareHsm.withRandomLmk(slots.capacity());
    private final MessageReader request = new MessageReader(UnionPayPos.DIALECT);

    @Test
    void shouldVerifyAndTranslateAPurchaseFromATerminalThatSignedOn() throws GeneralSecurityException
    {
        KeyLoader.loadMasterKeys(hsm, slots, List.of(new TerminalConfig("TERM0001", "MERCHANT0000001", Status.ACTIVE, MASTER_KEY)));
        assertEquals(HsmResult.OK, hsm.formKey(slots.issuerPinKey(0), KeyType.PIN_ENCRYPTION, ZONE_PIN_KEY));
        final UnsafeBuffer field62 = new UnsafeBuffer(new byte[WorkingKeys.DOUBLE_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateWorkingKeys(slots.terminalMasterKey(0), slots.terminalPinKey(0), slots.terminalMacKey(0), -1,
            WorkingKeys.DOUBLE_LENGTH, field62, 0));

        // The terminal: its keys from field 62, then its purchase.
        final byte[] pinKey = ecb(hex(MASTER_KEY), copy(field62, 0, 16), Cipher.DECRYPT_MODE);
        final byte[] macKey = ecb(hex(MASTER_KEY), copy(field62, 20, 8), Cipher.DECRYPT_MODE);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final int length = purchase(frame, pinKey, macKey);

        // The switch.
        assertEquals(DecodeError.NONE, request.wrap(frame, 0, length));
        assertEquals(HsmResult.OK, verifyMac());
        final UnsafeBuffer pan = new UnsafeBuffer(new byte[19]);
        final int panLength = request.getText(2, pan, 0);
        final UnsafeBuffer toIssuer = new UnsafeBuffer(new byte[Hsm.PIN_BLOCK_LENGTH]);
        assertEquals(HsmResult.OK, hsm.translatePin(slots.terminalPinKey(0), slots.issuerPinKey(0), frame, request.valueOffset(52), pan, 0, panLength,
            toIssuer, 0));

        // The issuer.
        assertEquals(hex(clearPinBlock(PIN, PAN)), hex(ecb(ZONE_PIN_KEY, toIssuer.byteArray(), Cipher.DECRYPT_MODE)));

        // An amount changed on the way is caught.
        final int amountAt = request.valueOffset(4) + 5;
        frame.putByte(amountAt, (byte)(frame.getByte(amountAt) + 1));
        assertEquals(DecodeError.NONE, request.wrap(frame, 0, length));
        assertEquals(HsmResult.MAC_MISMATCH, verifyMac());
    }

    private HsmResult verifyMac()
    {
        final int mabLength = request.rawOffset(64) - request.offset();
        return hsm.verifyMac(slots.terminalMacKey(0), request.buffer(), request.offset(), mabLength, request.buffer(), request.valueOffset(64));
    }

    /** An 0200 sale as the terminal builds it: PIN block under its PIK, field 64 the UnionPay MAC of everything before it. */
    private int purchase(final UnsafeBuffer frame, final byte[] pinKey, final byte[] macKey) throws GeneralSecurityException
    {
        final byte[] pinBlock = ecb(pinKey, clearPinBlock(PIN, PAN), Cipher.ENCRYPT_MODE);
        final int length = new MessageWriter(UnionPayPos.DIALECT).wrap(frame, 0).mti(200)
            .putString(2, PAN).putString(3, "000000").putLong(4, 12_345).putLong(11, 7).putString(22, "021").putString(25, "00")
            .putString(41, "TERM0001").putString(42, "MERCHANT0000001").putString(49, "156").putBytes(52, pinBlock)
            .putString(53, "2600000000000000").putString(60, Field60.format(Field60.TYPE_SALE, 1, 0)).putBytes(64, new byte[8])
            .finish();
        final MessageReader written = new MessageReader(UnionPayPos.DIALECT);
        assertEquals(DecodeError.NONE, written.wrap(frame, 0, length));
        final byte[] mac = UnionPayMacTest.reference(macKey, copy(frame, 0, written.rawOffset(64)));
        frame.putBytes(written.valueOffset(64), mac);
        return length;
    }

    /** ISO 9564 format 0, built the long way: PIN field XOR account field, as hex digits. */
    private static byte[] clearPinBlock(final String pin, final String pan)
    {
        final String pinField = String.format("0%X%s", pin.length(), pin) + "F".repeat(14 - pin.length());
        final String accountField = "0000" + pan.substring(pan.length() - 13, pan.length() - 1);
        final byte[] block = hex(pinField);
        final byte[] account = hex(accountField);
        for (int i = 0; i < block.length; i++)
        {
            block[i] ^= account[i];
        }
        return block;
    }

    private static byte[] copy(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
