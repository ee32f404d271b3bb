package io.interchange.engine.config;

import java.util.List;
import java.util.Objects;

/**
 * What end-of-day clearing charges and where it pays (DESIGN.md §6). Rates are in basis points (1 bp = 0.01 %), applied
 * to integer minor units and rounded half even once per merchant total (see io.interchange.engine.clearing.Fees).
 *
 * @param valueDateDays        the value date is the business day plus this many calendar days (T+N).
 * @param defaultDiscountBps   the merchant discount rate of an MCC in no group.
 * @param discountGroups       merchant discount rates by MCC group; an MCC is in at most one group.
 * @param interchangeFeeBps    paid by the acquirer to the issuer on net sales.
 * @param acquirerSwitchFeeBps paid by the acquirer to the switch on net sales.
 * @param issuerSwitchFeeBps   paid by the issuer to the switch on net sales.
 * @param settlementAccounts   where each merchant's net is paid; a merchant not listed is shown as unassigned.
 */
public record ClearingConfig(
    int valueDateDays,
    int defaultDiscountBps,
    List<DiscountGroup> discountGroups,
    int interchangeFeeBps,
    int acquirerSwitchFeeBps,
    int issuerSwitchFeeBps,
    List<SettlementAccount> settlementAccounts)
{
    public ClearingConfig
    {
        discountGroups = List.copyOf(discountGroups);
        settlementAccounts = List.copyOf(settlementAccounts);
    }

    /** The merchant discount group of {@code mcc}: its own group, or "default" at {@link #defaultDiscountBps}. */
    public DiscountGroup discountGroup(final int mcc)
    {
        for (final DiscountGroup group : discountGroups)
        {
            if (group.mccs().contains(mcc))
            {
                return group;
            }
        }
        return new DiscountGroup("default", List.of(), defaultDiscountBps);
    }

    /** The settlement account of merchant {@code id}, or null when none is configured. */
    public String settlementAccount(final String merchant)
    {
        for (final SettlementAccount account : settlementAccounts)
        {
            if (account.merchant().equals(merchant))
            {
                return account.account();
            }
        }
        return null;
    }

    /** Merchant categories that share a discount rate. */
    public record DiscountGroup(String name, List<Integer> mccs, int bps)
    {
        public DiscountGroup
        {
            Objects.requireNonNull(name, "name");
            mccs = List.copyOf(mccs);
        }
    }

    /** A merchant's settlement account, as the bank knows it (an IBAN or a domestic account number). */
    public record SettlementAccount(String merchant, String account)
    {
        public SettlementAccount
        {
            Objects.requireNonNull(merchant, "merchant");
            Objects.requireNonNull(account, "account");
        }
    }
}
