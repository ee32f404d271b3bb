package io.interchange.engine.security;

/**
 * What a key may be used for, bound to it when it enters the HSM and kept with it, as ANSI X9.143 (TR-31) key
 * blocks bind a key usage: a key serves one purpose, so a MAC key cannot decrypt a PIN block and a PIN key cannot be
 * exported as a MAC. The MAC algorithm is part of the usage, as in TR-31 (M3 is ISO 9797-1 MAC algorithm 3, M6 is
 * CMAC), so a MAC command needs only the key.
 *
 * <p>{@link #code()} is what a key under the LMK records; it never changes, whatever the order of the constants.
 */
public enum KeyType
{
    /**
     * A key-encryption key: a terminal master key (TMK) that sign-on's working keys travel under, or a zone master
     * key (ZMK) shared with an issuer. TR-31 K0. Single, double or triple length DES.
     */
    KEY_ENCRYPTION('K', 8, 16, 24),
    /** A PIN key: a terminal PIN key (TPK, the CUPS PIK) or an issuer's zone PIN key (ZPK). TR-31 P0. Single, double or triple length DES. */
    PIN_ENCRYPTION('P', 8, 16, 24),
    /**
     * A data key that deciphers what a terminal enciphered: the CUPS track key (TDK), under which a UnionPay POS
     * terminal enciphers a block of each track it sends. TR-31 D0. Single, double or triple length DES.
     */
    DATA_ENCRYPTION('D', 8, 16, 24),
    /**
     * A MAC key for ISO/IEC 9797-1 MAC algorithm 3 with padding method 1, the ANSI X9.19 retail MAC of ISO 8583
     * fields 64 and 128. TR-31 M3. Double length: the algorithm's K and K'.
     */
    MAC_ISO9797_ALG3('3', 16, 16, 16),
    /** A MAC key for the UnionPay POS "ECB" MAC (the CUPS MAK): single length, as sign-on sends it, or double length. */
    MAC_UNIONPAY_ECB('U', 8, 16, 16),
    /** An AES key for CMAC (NIST SP 800-38B, ISO/IEC 9797-1:2011 MAC algorithm 5). TR-31 M6. 128, 192 or 256 bits. */
    MAC_AES_CMAC('C', 16, 24, 32),
    /**
     * An AES key-encryption key: a zone master key shared with a peer that MACs with AES-CMAC, under which keys
     * travel encrypted in ECB, block by block (each key a whole number of 16-byte blocks). TR-31 K0, algorithm A.
     * 128, 192 or 256 bits.
     */
    AES_KEY_ENCRYPTION('E', 16, 24, 32);

    private final byte code;
    private final int shortest;
    private final int middle;
    private final int longest;

    KeyType(final char code, final int shortest, final int middle, final int longest)
    {
        this.code = (byte)code;
        this.shortest = shortest;
        this.middle = middle;
        this.longest = longest;
    }

    /** The byte that names this type in a key under the LMK. */
    public byte code()
    {
        return code;
    }

    /** Says whether a key of this type may be {@code length} bytes long. */
    public boolean accepts(final int length)
    {
        return length == shortest || length == middle || length == longest;
    }

    /** Says whether keys of this type are DES keys rather than AES keys. */
    public boolean isDes()
    {
        return this != MAC_AES_CMAC && this != AES_KEY_ENCRYPTION;
    }

    /** Says whether keys of this type encrypt other keys. */
    public boolean isKeyEncryption()
    {
        return this == KEY_ENCRYPTION || this == AES_KEY_ENCRYPTION;
    }

    /** The type {@link #code()} names, or null. */
    public static KeyType ofCode(final byte code)
    {
        for (final KeyType type : values())
        {
            if (type.code == code)
            {
                return type;
            }
        }
        return null;
    }
}
