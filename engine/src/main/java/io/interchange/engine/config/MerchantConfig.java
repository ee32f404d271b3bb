package io.interchange.engine.config;

import java.util.Objects;

/**
 * A card acceptor.
 *
 * @param id       the merchant id, 15 characters as sent in field 42.
 * @param name     name and location, up to 40 characters, as in field 43.
 * @param mcc      the merchant category code (field 18), 0..9999.
 * @param status   whether it may transact.
 * @param acquirer the one listener (by name or acquirer id) its requests must arrive on, or null for any.
 * @param settlementAccount where clearing pays its net (an IBAN or a domestic account, up to 34 characters), or null:
 *                 shown as unassigned.
 */
public record MerchantConfig(String id, String name, int mcc, Status status, String acquirer, String settlementAccount)
{
    public MerchantConfig
    {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
    }
}
