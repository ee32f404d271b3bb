package io.interchange.engine.config;

import java.util.List;
import java.util.Objects;

/**
 * What end-of-day clearing charges and where it pays (DESIGN.md §6). Rates are in basis points (1 bp = 0.01 %), applied
 * to integer minor units and rounded half even once per merchant total (see io.interchange.engine.clearing.Fees). Where
 * each merchant is paid is its {@link MerchantConfig#settlementAccount}.
 *
 * @param valueDateDays        the value date is the business day plus this many calendar days (T+N).
 * @param defaultDiscountBps   the merchant discount rate of an MCC in no group.
 * @param discountGroups       merchant discount rates by MCC group; an MCC is in at most one group.
 * @param interchangeFeeBps    paid by the acquirer to the issuer on net sales.
 * @param acquirerSwitchFeeBps paid by the acquirer to the switch on net sales.
 * @param issuerSwitchFeeBps   paid by the issuer to the switch on net sales.
 */
public record ClearingConfig(
    int valueDateDays,
    int defaultDiscountBps,
    List<DiscountGroup> discountGroups,
    int interchangeFeeBps,
    int acquirerSwitchFeeBps,
    int issuerSwitchFeeBps)
{
    public ClearingConfig
    {
        discountGroups = List.copyOf(discountGroups);
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

    /** Merchant categories that share a discount rate. */
    public record DiscountGroup(String name, List<Integer> mccs, int bps)
    {
        public DiscountGroup
        {
            Objects.requireNonNull(name, "name");
            mccs = List.copyOf(mccs);
        }
    }
}
