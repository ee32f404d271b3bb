package io.interchange.engine.security;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Properties;

import org.jpos.core.SimpleConfiguration;
import org.jpos.security.CipherMode;
import org.jpos.security.EncryptedPIN;
import org.jpos.security.SMAdapter;
import org.jpos.security.SMException;
import org.jpos.security.SecureDESKey;
import org.jpos.security.jceadapter.JCESecurityModule;

/**
 * jPOS's software security module, the oracle DESIGN.md §7 names. Configured with a fresh LMK file, Bouncy Castle as
 * provider and {@code cbc-mac = ISO9797ALG3MAC}: MAC algorithm 3 with padding method 1 (zeros), not jPOS's default
 * method 2 ({@code ISO9797ALG3MACWITHISO7816-4PADDING}), because ISO 8583 fields 64 and 128 are padded with zeros.
 * Keys enter it as one clear component each and live under its own LMK, as ours live under ours.
 */
final class JposOracle
{
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final JCESecurityModule module;

    JposOracle(final Path directory) throws Exception
    {
        final Properties properties = new Properties();
        properties.setProperty("lmk", directory.resolve("jpos.lmk").toString());
        properties.setProperty("rebuildlmk", "true");
        properties.setProperty("provider", "org.bouncycastle.jce.provider.BouncyCastleProvider");
        properties.setProperty("cbc-mac", "ISO9797ALG3MAC");
        module = new JCESecurityModule(new SimpleConfiguration(properties), null, null);
    }

    /** jPOS's {@code generateCBC_MAC} under a double-length TAK. */
    byte[] retailMac(final byte[] key, final byte[] data) throws SMException
    {
        return module.generateCBC_MAC(data, key(SMAdapter.TYPE_TAK, key));
    }

    /** The format 0 PIN block of {@code pin} for {@code pan}, under {@code tpk}. */
    byte[] encryptPin(final String pin, final String pan, final byte[] tpk) throws SMException
    {
        return module.encryptPIN(pin, pan, key(SMAdapter.TYPE_TPK, tpk)).getPINBlock();
    }

    /** jPOS's format 0 to format 0 translation, or null when jPOS refuses the block. */
    byte[] translatePin(final byte[] tpk, final byte[] zpk, final byte[] pinBlock, final String pan) throws SMException
    {
        final SecureDESKey from = key(SMAdapter.TYPE_TPK, tpk);
        final SecureDESKey to = key(SMAdapter.TYPE_ZPK, zpk);
        try
        {
            return module.translatePIN(new EncryptedPIN(pinBlock, SMAdapter.FORMAT00, pan), from, to, SMAdapter.FORMAT00).getPINBlock();
        }
        catch (final SMException e)
        {
            if (e.getMessage() != null && e.getMessage().contains("PIN Block Error"))
            {
                return null;
            }
            throw e;
        }
    }

    /** The 3-byte check value jPOS gives a key encrypted under {@code tmk}, after importing it as a key of {@code type}. */
    byte[] importedCheckValue(final String type, final byte[] underTmk, final byte[] tmk) throws SMException
    {
        final SecureDESKey kek = key(SMAdapter.TYPE_TMK, tmk);
        return module.generateKeyCheckValue(module.importKey((short)(underTmk.length * 8), type, underTmk, kek, false));
    }

    /** {@code data} enciphered in ECB, as jPOS's {@code encryptData} does it, under a data key sent encrypted under {@code tmk}. */
    byte[] encryptData(final byte[] underTmk, final byte[] tmk, final byte[] data) throws SMException
    {
        final SecureDESKey kek = key(SMAdapter.TYPE_TMK, tmk);
        final SecureDESKey dataKey = module.importKey((short)(underTmk.length * 8), SMAdapter.TYPE_DEK, underTmk, kek, false);
        return module.encryptData(CipherMode.ECB, dataKey, data, null);
    }

    /** The 3-byte check value jPOS gives a clear DES key. */
    byte[] checkValue(final byte[] clear) throws SMException
    {
        return module.generateKeyCheckValue(key(SMAdapter.TYPE_ZPK, clear));
    }

    private SecureDESKey key(final String type, final byte[] clear) throws SMException
    {
        return module.formKEYfromClearComponents((short)(clear.length * 8), type, HEX.formatHex(clear));
    }
}
