package io.interchange.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The clearing section: its defaults, and its mistakes reported as {@code file:line: key: reason}. */
class ClearingConfigTest
{
    private static String problem(final String hocon)
    {
        final List<String> problems = assertThrows(ConfigError.class, () -> SwitchConfig.parse(hocon, "switch.conf")).problems();
        assertEquals(1, problems.size(), () -> String.join("\n", problems));
        return problems.get(0);
    }

    @Test
    void shouldChargeTheDemoMerchantsByTheirGroupsAndPayTheirAccounts()
    {
        final ClearingConfig clearing = SwitchConfig.defaults().clearing();
        assertEquals(1, clearing.valueDateDays());
        assertEquals("grocery", clearing.discountGroup(5411).name());
        assertEquals(125, clearing.discountGroup(5411).bps());
        assertEquals(250, clearing.discountGroup(7011).bps());
        assertEquals("default", clearing.discountGroup(7995).name());
        assertEquals(200, clearing.discountGroup(7995).bps());
        assertEquals(60, clearing.interchangeFeeBps());
        assertEquals(5, clearing.acquirerSwitchFeeBps());
        assertEquals(3, clearing.issuerSwitchFeeBps());
        for (final MerchantConfig merchant : SwitchConfig.defaults().merchants())
        {
            assertEquals("DEMO-ACCT-000000000" + merchant.id().charAt(14), merchant.settlementAccount());
        }
    }

    @Test
    void shouldTakeOverridesOfSingleKeys()
    {
        final ClearingConfig clearing = SwitchConfig.parse("interchange.clearing.value-date-days = 2\ninterchange.clearing.switch-fee.issuer-bps = 0",
            "switch.conf").clearing();
        assertEquals(2, clearing.valueDateDays());
        assertEquals(0, clearing.issuerSwitchFeeBps());
        assertEquals(5, clearing.acquirerSwitchFeeBps());
    }

    @Test
    void shouldRefuseAnMccInTwoGroups()
    {
        final String hocon = """
            interchange.clearing.merchant-discount.groups = [
              { name = "grocery", mcc = [5411], bps = 125 }
              { name = "more", mcc = [5499, 5411], bps = 100 }
            ]
            """;
        assertEquals("switch.conf:3: clearing.merchant-discount.groups[1].mcc: MCC 5411 is already in group 'grocery'", problem(hocon));
    }

    @Test
    void shouldRefuseARateAboveAHundredPercent()
    {
        assertEquals("switch.conf:1: clearing.interchange-fee-bps: must be 0..10000, got 10001",
            problem("interchange.clearing.interchange-fee-bps = 10001"));
    }

    @Test
    void shouldLetAMerchantHaveNoAccountButNotAnOverlongOne()
    {
        final SwitchConfig config = SwitchConfig.parse("""
            interchange.merchants += { id = "MERCHANT0000099", name = "Corner Shop", mcc = 5499, status = active }
            interchange.merchants += { id = "MERCHANT0000098", name = "Kiosk", mcc = 5499, status = active, settlement-account = "GB82WEST12345698765432" }
            """, "switch.conf");
        assertNull(config.merchants().get(7).settlementAccount());
        assertEquals("GB82WEST12345698765432", config.merchants().get(8).settlementAccount());
        final String account = "X".repeat(35);
        assertEquals("switch.conf:1: merchants[7].settlement-account: must be 1 to 34 characters, a settlement account (an IBAN has at most 34), got 35 ('" +
            account + "')", problem("interchange.merchants += { id = \"MERCHANT0000099\", name = \"Corner Shop\", mcc = 5499, status = active, " +
            "settlement-account = \"" + account + "\" }"));
    }

    @Test
    void shouldNameATypoInTheSection()
    {
        final String problem = problem("interchange.clearing.value-date = 2");
        assertEquals("switch.conf:1: clearing.value-date: ", problem.substring(0, problem.indexOf(": ", problem.indexOf("value-date")) + 2));
    }
}
