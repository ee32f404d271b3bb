package io.interchange.engine.config;

import java.util.Arrays;

/**
 * The journal's PAN keys (DESIGN.md §7), hex in the file. Arrays are copied in and out, so no holder of this record
 * can change another's keys; {@link #toString()} never shows them.
 *
 * @param panEncryption the AES-256 key PANs are encrypted under in the journal, 32 bytes.
 * @param panHash       the HMAC-SHA-256 key of the journal's PAN look-up hash, 32 bytes.
 */
public record KeysConfig(byte[] panEncryption, byte[] panHash)
{
    public KeysConfig
    {
        panEncryption = panEncryption.clone();
        panHash = panHash.clone();
    }

    /** A copy of the PAN encryption key. */
    @Override
    public byte[] panEncryption()
    {
        return panEncryption.clone();
    }

    /** A copy of the PAN hash key. */
    @Override
    public byte[] panHash()
    {
        return panHash.clone();
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof KeysConfig that && Arrays.equals(panEncryption, that.panEncryption) && Arrays.equals(panHash, that.panHash);
    }

    @Override
    public int hashCode()
    {
        return 31 * Arrays.hashCode(panEncryption) + Arrays.hashCode(panHash);
    }

    @Override
    public String toString()
    {
        return "KeysConfig[panEncryption=<" + panEncryption.length + " bytes>, panHash=<" + panHash.length + " bytes>]";
    }
}
