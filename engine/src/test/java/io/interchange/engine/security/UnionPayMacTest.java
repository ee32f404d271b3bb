package io.interchange.engine.security;

import static io.interchange.engine.security.Fixtures.SEED;
import static io.interchange.engine.security.Fixtures.buffer;
import static io.interchange.engine.security.Fixtures.bytes;
import static io.interchange.engine.security.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.SplittableRandom;

import javax.crypto.Cipher;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The UnionPay POS "ECB" MAC: a published worked example, then a plain reference implementation written from the spec's steps. */
class UnionPayMacTest
{
    private static final int MAK = 0;
    private static final int TMK = 1;

    private final SoftwareHsm hsm = SoftwareHsm.withRandomLmk(4);

    @Test
    void shouldMatchThePublishedWorkedExample() throws GeneralSecurityException
    {
        // solo123/pgate test/integration/pos_mac_test.rb: MAB 1234567890ABCDEF ABCDEF1234567890, MAK 2222222222222222.
        // Its intermediates: XOR B9F9B96AA4FDB57F, hex-expanded 42394639423936414134464442353746, E(first half) 9FDE90A34CF73B2E,
        // XOR second half DEEAD6E70EC20C68, E again E267B6E21913D339; MAC "E267B6E2".
        final byte[] mak = hex("2222222222222222");
        assertEquals("9FDE90A34CF73B2E", hex(des(mak, hex("4239463942393641"))));
        assertEquals("E267B6E21913D339", hex(des(mak, hex("DEEAD6E70EC20C68"))));

        assertEquals(HsmResult.OK, hsm.formKey(MAK, KeyType.MAC_UNIONPAY_ECB, mak));
        final byte[] mab = hex("1234567890ABCDEF ABCDEF1234567890");
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateMac(MAK, buffer(mab), 0, mab.length, mac, 0));
        assertEquals("E267B6E2", new String(mac.byteArray(), StandardCharsets.US_ASCII));
        assertEquals(HsmResult.OK, hsm.verifyMac(MAK, buffer(mab), 0, mab.length, buffer("E267B6E2".getBytes(StandardCharsets.US_ASCII)), 0));
    }

    @Test
    void shouldImportAMacKeySentUnderADoubleLengthMasterKey() throws GeneralSecurityException
    {
        // A CUPS demonstration (blog.csdn.net/zhu244912654/article/details/80005341): TMK 70F2A84CCBC2AE8625CBB0F2C22AB923,
        // TAK 96D605EA176B7E9E encrypted under it, C24A8FB57AA20123 in clear. The import succeeds only if the key the HSM
        // decrypts has the clear key's check value.
        final byte[] clearTak = hex("C24A8FB57AA20123");
        assertEquals(HsmResult.OK, hsm.formKey(TMK, KeyType.KEY_ENCRYPTION, hex("70F2A84CCBC2AE8625CBB0F2C22AB923")));
        final UnsafeBuffer checkValue = buffer(hex(Fixtures.checkValue(clearTak)));
        assertEquals(HsmResult.OK, hsm.importKey(MAK, KeyType.MAC_UNIONPAY_ECB, TMK, buffer(hex("96D605EA176B7E9E")), 0, 8, checkValue, 0, 4));

        // The demonstration's MAB (an 0200 from its MTI to field 63), MACed by the HSM and by the reference with the clear key.
        final byte[] mab = hex("0200302004C020C0981100000000000000005100183402100006324392260009942820D13121011200843931363638383031"
            + "34303030303030303030303030303031313536ACF46E73838A82F92600000000000000000822000001");
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateMac(MAK, buffer(mab), 0, mab.length, mac, 0));
        assertEquals(hex(reference(clearTak, mab)), hex(mac.byteArray()));
    }

    @Test
    void shouldMatchTheReferenceOnRandomKeysAndMessages() throws GeneralSecurityException
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        for (int i = 0; i < 3_000; i++)
        {
            // Single length, as sign-on sends the MAK, and double length (triple DES), which the spec allows.
            final byte[] key = bytes(random, i % 4 == 0 ? 16 : 8);
            final int length = random.nextInt(0, 600);
            final byte[] data = bytes(random, length);
            final int offset = random.nextInt(0, 9);
            final String where = "seed " + SEED + ", case " + i + ", key " + hex(key) + ", length " + length;

            assertEquals(HsmResult.OK, hsm.formKey(MAK, KeyType.MAC_UNIONPAY_ECB, key), where);
            assertEquals(HsmResult.OK, hsm.generateMac(MAK, buffer(data, offset), offset, length, mac, 0), where);
            assertEquals(hex(reference(key, data)), hex(mac.byteArray()), where);
            assertEquals(HsmResult.OK, hsm.verifyMac(MAK, buffer(data, offset), offset, length, mac, 0), where);
        }
    }

    @Test
    void shouldRefuseAChangedMessage()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        assertEquals(HsmResult.OK, hsm.formKey(MAK, KeyType.MAC_UNIONPAY_ECB, bytes(random, 8)));
        final UnsafeBuffer message = buffer(bytes(random, 120));
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        assertEquals(HsmResult.OK, hsm.generateMac(MAK, message, 0, 120, mac, 0));
        for (int at = 0; at < 120; at++)
        {
            final UnsafeBuffer tampered = buffer(message.byteArray());
            tampered.putByte(at, (byte)(tampered.getByte(at) ^ 0x10));
            assertEquals(HsmResult.MAC_MISMATCH, hsm.verifyMac(MAK, tampered, 0, 120, mac, 0), "message byte " + at);
        }
    }

    /**
     * The CUPS steps written out plainly on byte arrays and strings, a fresh JCE cipher per call: XOR the zero-filled
     * 8-byte blocks, expand to 16 upper-case hex characters, encrypt the first 8, XOR with the last 8, encrypt again,
     * and keep the first 8 hex characters.
     */
    static byte[] reference(final byte[] key, final byte[] data) throws GeneralSecurityException
    {
        final byte[] padded = Arrays.copyOf(data, Math.max(8, (data.length + 7) / 8 * 8));
        final byte[] result = new byte[8];
        for (int i = 0; i < padded.length; i++)
        {
            result[i % 8] ^= padded[i];
        }
        final byte[] expanded = hex(result).getBytes(StandardCharsets.US_ASCII);
        final byte[] first = des(key, Arrays.copyOfRange(expanded, 0, 8));
        final byte[] temp = new byte[8];
        for (int i = 0; i < 8; i++)
        {
            temp[i] = (byte)(first[i] ^ expanded[8 + i]);
        }
        return hex(des(key, temp)).substring(0, 8).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] des(final byte[] key, final byte[] block) throws GeneralSecurityException
    {
        return Fixtures.ecb(key, block, Cipher.ENCRYPT_MODE);
    }
}
