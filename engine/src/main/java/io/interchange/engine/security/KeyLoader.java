package io.interchange.engine.security;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import io.interchange.engine.config.IssuerConfig;
import io.interchange.engine.config.ListenerConfig;
import io.interchange.engine.config.MacAlgorithm;
import io.interchange.engine.config.TerminalConfig;

/**
 * Puts the keys the configuration holds into an {@link Hsm} at start-up: each terminal's master key
 * ({@link TerminalConfig#masterKey()}), which sign-on then sends working keys under, the issuers' zone keys, and the
 * zone master keys of acquirer hosts ({@link ListenerConfig#masterKey()}), which key change sends keys under. Clear keys from a file are a
 * demo's way; a production HSM is given its master keys by a key ceremony, and this loader is not used.
 */
public final class KeyLoader
{
    private KeyLoader()
    {
    }

    /**
     * Forms terminal {@code t}'s master key in {@link KeySlots#terminalMasterKey(int) slots.terminalMasterKey(t)} for
     * every terminal that has one, the hex parsed into an array that is wiped afterwards.
     *
     * @param terminals the terminals in configuration order, the order {@code slots} indexes.
     * @return how many master keys were loaded.
     * @throws IllegalStateException naming the terminal (never the key) when the HSM refuses one.
     */
    public static int loadMasterKeys(final Hsm hsm, final KeySlots slots, final List<TerminalConfig> terminals)
    {
        if (terminals.size() != slots.terminals())
        {
            throw new IllegalArgumentException(terminals.size() + " terminals for a layout of " + slots.terminals());
        }
        int loaded = 0;
        for (int t = 0; t < terminals.size(); t++)
        {
            final TerminalConfig terminal = terminals.get(t);
            if (terminal.masterKey() == null)
            {
                continue;
            }
            final byte[] key = HexFormat.of().parseHex(terminal.masterKey());
            try
            {
                final HsmResult result = hsm.formKey(slots.terminalMasterKey(t), KeyType.KEY_ENCRYPTION, key);
                if (result != HsmResult.OK)
                {
                    throw new IllegalStateException("terminal " + terminal.id() + ": master key refused by the HSM: " + result);
                }
                loaded++;
            }
            finally
            {
                Arrays.fill(key, (byte)0);
            }
        }
        return loaded;
    }

    /**
     * Forms each issuer's zone keys: its PIN key in {@link KeySlots#issuerPinKey(int)} and its MAC key in
     * {@link KeySlots#issuerMacKey(int)}, for the issuers that have them.
     *
     * @return how many keys were loaded.
     * @throws IllegalStateException naming the issuer (never the key) when the HSM refuses one.
     */
    public static int loadIssuerKeys(final Hsm hsm, final KeySlots slots, final List<IssuerConfig> issuers)
    {
        int loaded = 0;
        for (int i = 0; i < issuers.size(); i++)
        {
            final IssuerConfig issuer = issuers.get(i);
            loaded += form(hsm, slots.issuerPinKey(i), KeyType.PIN_ENCRYPTION, issuer.pinKey(), "issuer " + issuer.id(), "zone PIN key");
            loaded += form(hsm, slots.issuerMacKey(i), issuer.macAlgorithm() == MacAlgorithm.CMAC ? KeyType.MAC_AES_CMAC : KeyType.MAC_ISO9797_ALG3,
                issuer.macKey(), "issuer " + issuer.id(), "MAC key");
        }
        return loaded;
    }

    /**
     * Forms the zone master key of each listener that has one ({@link ListenerConfig#masterKey()}) in
     * {@link KeySlots#acquirerMasterKey(int)}: the key its acquirer host's key changes travel under.
     *
     * @param listeners the listeners in configuration order, the order {@code slots} indexes.
     * @return how many keys were loaded.
     * @throws IllegalStateException naming the listener (never the key) when the HSM refuses one.
     */
    public static int loadAcquirerKeys(final Hsm hsm, final KeySlots slots, final List<ListenerConfig> listeners)
    {
        int loaded = 0;
        for (int a = 0; a < listeners.size(); a++)
        {
            final ListenerConfig listener = listeners.get(a);
            final KeyType type = listener.macAlgorithm() == MacAlgorithm.CMAC ? KeyType.AES_KEY_ENCRYPTION : KeyType.KEY_ENCRYPTION;
            loaded += form(hsm, slots.acquirerMasterKey(a), type, listener.masterKey(), "listener " + listener.name(), "zone master key");
        }
        return loaded;
    }

    private static int form(final Hsm hsm, final int slot, final KeyType type, final String hex, final String owner, final String what)
    {
        if (hex == null)
        {
            return 0;
        }
        final byte[] key = HexFormat.of().parseHex(hex);
        try
        {
            final HsmResult result = hsm.formKey(slot, type, key);
            if (result != HsmResult.OK)
            {
                throw new IllegalStateException(owner + ": " + what + " refused by the HSM: " + result);
            }
            return 1;
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }
}
