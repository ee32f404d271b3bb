package io.interchange.engine.security;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import io.interchange.engine.config.IssuerConfig;
import io.interchange.engine.config.TerminalConfig;

/**
 * Puts the keys the configuration holds into an {@link Hsm} at start-up: today each terminal's master key
 * ({@link TerminalConfig#masterKey()}), which sign-on then sends working keys under. Clear keys from a file are a
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
     * Forms issuer {@code i}'s zone PIN key in {@link KeySlots#issuerPinKey(int) slots.issuerPinKey(i)} for every
     * issuer that has one.
     *
     * @return how many zone PIN keys were loaded.
     * @throws IllegalStateException naming the issuer (never the key) when the HSM refuses one.
     */
    public static int loadIssuerPinKeys(final Hsm hsm, final KeySlots slots, final List<IssuerConfig> issuers)
    {
        int loaded = 0;
        for (int i = 0; i < issuers.size(); i++)
        {
            final IssuerConfig issuer = issuers.get(i);
            if (issuer.pinKey() == null)
            {
                continue;
            }
            final byte[] key = HexFormat.of().parseHex(issuer.pinKey());
            try
            {
                final HsmResult result = hsm.formKey(slots.issuerPinKey(i), KeyType.PIN_ENCRYPTION, key);
                if (result != HsmResult.OK)
                {
                    throw new IllegalStateException("issuer " + issuer.id() + ": zone PIN key refused by the HSM: " + result);
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
}
