package io.interchange.engine.security;

import org.agrona.DirectBuffer;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-CMAC (NIST SP 800-38B; ISO/IEC 9797-1:2011 MAC algorithm 5), truncated to its leftmost 64 bits to fit ISO 8583
 * field 64 as SP 800-38B allows. The JCE has no CMAC, so this is Bouncy Castle's {@link CMac} over its AES engine,
 * keyed once (the subkeys K1 and K2 are derived then); {@code doFinal} resets it for the next message.
 */
final class AesCmac implements MacEngine
{
    private final CMac cmac = new CMac(AESEngine.newInstance(), Hsm.MAC_LENGTH * 8);

    AesCmac(final byte[] key)
    {
        cmac.init(new KeyParameter(key));
    }

    @Override
    public void compute(final DirectBuffer data, final int offset, final int length, final byte[] in, final byte[] out, final byte[] mac)
    {
        for (int at = offset, remaining = length; remaining > 0; at += CHUNK, remaining -= CHUNK)
        {
            final int n = Math.min(CHUNK, remaining);
            data.getBytes(at, in, 0, n);
            cmac.update(in, 0, n);
        }
        cmac.doFinal(mac, 0);
    }
}
