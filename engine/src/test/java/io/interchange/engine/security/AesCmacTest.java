package io.interchange.engine.security;

import static io.interchange.engine.security.Fixtures.buffer;
import static io.interchange.engine.security.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * AES-CMAC against the published examples, truncated as the HSM sends it: the leftmost 64 bits. The implementation is
 * Bouncy Castle's CMAC, so the vectors, not another library, are the check.
 */
class AesCmacTest
{
    private static final int KEY = 0;
    private static final String MESSAGE = "6BC1BEE22E409F96E93D7E117393172A AE2D8A571E03AC9C9EB76FAC45AF8E51"
        + "30C81C46A35CE411E5FBC1191A0A52EF F69F2445DF4F9B17AD2B417BE66C3710";

    private final SoftwareHsm hsm = SoftwareHsm.withRandomLmk(2);

    @Test
    void shouldMatchRfc4493ForAes128()
    {
        // RFC 4493 §4, examples 1-4 (the AES-128 examples of NIST SP 800-38B).
        assertVectors("2B7E151628AED2A6ABF7158809CF4F3C",
            "BB1D6929E95937287FA37D129B756746", "070A16B46B4D4144F79BDD9DD04A287C", "DFA66747DE9AE63030CA32611497C827", "51F0BEBF7E3B9D92FC49741779363CFE");
    }

    @Test
    void shouldMatchSp80038bForAes192AndAes256()
    {
        // NIST SP 800-38B Appendix D.2 and D.3, examples 5-8 and 9-12.
        assertVectors("8E73B0F7DA0E6452C810F32B809079E562F8EAD2522C6B7B",
            "D17DDF46ADAACDE531CAC483DE7A9367", "9E99A7BF31E710900662F65E617C5184", "8A1DE5BE2EB31AAD089A82E6EE908B0E", "A1D5DF0EED790F794D77589659F39A11");
        assertVectors("603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4",
            "028962F61B7BF89EFC6B551F4667D983", "28A7023F452E8F82BD4BF28D8C37C35C", "AAF3D8F1DE5640C232F5B169B9C911E6", "E1992190549F6ED5696A2C056C315410");
    }

    @Test
    void shouldRefuseAChangedMessageAndADesKey()
    {
        assertEquals(HsmResult.OK, hsm.formKey(KEY, KeyType.MAC_AES_CMAC, hex("2B7E151628AED2A6ABF7158809CF4F3C")));
        final byte[] message = hex(MESSAGE);
        final UnsafeBuffer published = buffer(hex("51F0BEBF7E3B9D92"));
        assertEquals(HsmResult.OK, hsm.verifyMac(KEY, buffer(message), 0, 64, published, 0));
        message[63] ^= 1;
        assertEquals(HsmResult.MAC_MISMATCH, hsm.verifyMac(KEY, buffer(message), 0, 64, published, 0));
        assertEquals(HsmResult.INVALID_INPUT, hsm.formKey(KEY, KeyType.MAC_AES_CMAC, new byte[8]));
    }

    /** The examples over the first 0, 16, 40 and 64 bytes of the SP 800-38B message. */
    private void assertVectors(final String key, final String... tags)
    {
        assertEquals(HsmResult.OK, hsm.formKey(KEY, KeyType.MAC_AES_CMAC, hex(key)));
        final int[] lengths = {0, 16, 40, 64};
        final UnsafeBuffer message = buffer(hex(MESSAGE));
        final UnsafeBuffer mac = new UnsafeBuffer(new byte[Hsm.MAC_LENGTH]);
        for (int i = 0; i < lengths.length; i++)
        {
            assertEquals(HsmResult.OK, hsm.generateMac(KEY, message, 0, lengths[i], mac, 0));
            assertEquals(tags[i].substring(0, 16), hex(mac.byteArray()), "key " + key + ", " + lengths[i] + " bytes");
        }
    }
}
