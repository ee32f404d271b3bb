package io.interchange.engine.config;

import java.util.Objects;

/**
 * A card acceptor terminal.
 *
 * @param id        the terminal id, 8 characters as sent in field 41.
 * @param merchant  the {@link MerchantConfig#id()} it belongs to.
 * @param status    whether it may transact.
 * @param masterKey its terminal master key in upper-case hex (16, 32 or 48 digits: single, double or triple DES),
 *                  under which sign-on sends its working keys; null when it has none.
 */
public record TerminalConfig(String id, String merchant, Status status, String masterKey)
{
    public TerminalConfig
    {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(merchant, "merchant");
        Objects.requireNonNull(status, "status");
    }

    /** Says whether there is a master key, never what it is: records end up in logs. */
    @Override
    public String toString()
    {
        return "TerminalConfig[id=" + id + ", merchant=" + merchant + ", status=" + status + ", masterKey=" +
            (masterKey == null ? "none" : "<" + masterKey.length() / 2 + " bytes>") + "]";
    }
}
