package io.interchange.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Iso87;
import io.interchange.codec.frame.Framing;
import io.interchange.codec.frame.LengthHeader;
import org.junit.jupiter.api.Test;
import io.interchange.journal.Durability;

class SwitchConfigDefaultsTest
{
    private final SwitchConfig config = SwitchConfig.defaults();

    @Test
    void shouldDescribeTheNodeItsDayAndItsRing()
    {
        assertEquals("IC01", config.nodeId());
        assertEquals(new BusinessDayConfig(LocalTime.of(23, 0), ZoneId.of("UTC")), config.businessDay());
        assertEquals(new RingConfig(512, Duration.ofMillis(10), "sleeping", "auto"), config.ring());
        assertTrue(config.loopbackOnly());
    }

    @Test
    void shouldListenForIso87AndUnionPayTerminalsOnLoopback() throws Exception
    {
        assertEquals(List.of("pos-iso87", "pos-cups"), config.listeners().stream().map(ListenerConfig::name).collect(Collectors.toList()));

        final ListenerConfig iso = config.listener("pos-iso87");
        assertEquals("127.0.0.1", iso.host());
        assertEquals(8583, iso.port());
        assertEquals(Iso87.BINARY, iso.dialect());
        assertEquals(new Framing(LengthHeader.BINARY_2, 0, 4096), iso.framing());
        assertEquals("10000001", iso.acquirerId());
        assertEquals(List.of(Cidr.parse("127.0.0.1/32")), iso.allow());
        assertTrue(iso.allows(InetAddress.getByName("127.0.0.1")));
        assertFalse(iso.allows(InetAddress.getByName("10.0.0.1")));
        assertEquals(Duration.ofSeconds(120), iso.idleTimeout());
        assertEquals(4096, iso.maxFrame());
        assertFalse(iso.mac());

        final ListenerConfig cups = config.listener("pos-cups");
        assertEquals(8584, cups.port());
        assertEquals(UnionPayPos.DIALECT, cups.dialect());
        assertEquals(Framing.UNIONPAY_POS.headerLength(), cups.framing().headerLength());
        assertEquals(4096, cups.framing().maxFrameLength());
        assertEquals("10000002", cups.acquirerId());
    }

    @Test
    void shouldRouteToTwoIssuerSimulators()
    {
        final IssuerConfig a = config.issuer("issuer-a");
        assertEquals("20000001", a.institutionId());
        assertEquals(List.of(new LinkAddress("127.0.0.1", 9101)), a.links());
        assertEquals(2, a.connections());
        assertEquals(Duration.ofSeconds(5), a.timeout());
        assertEquals(Duration.ofSeconds(30), a.echoInterval());
        assertEquals(3, a.missedEchoes());
        assertEquals(64, a.adviceWindow(), "not in the defaults' file: the window an issuer gets unless it says otherwise");
        assertEquals(new ReconnectConfig(Duration.ofMillis(100), Duration.ofSeconds(10)), a.reconnect());
        assertEquals(new StandInConfig(true, 50_000, false), a.standIn());

        final IssuerConfig b = config.issuer("issuer-b");
        assertEquals(List.of(new LinkAddress("127.0.0.1", 9102)), b.links());
        assertEquals(new StandInConfig(false, 0, false), b.standIn());

        assertEquals(List.of(new BinRange("476173", "476173", "issuer-a"), new BinRange("622848", "622848", "issuer-b")), config.binTable());
    }

    @Test
    void shouldHaveDemoMerchantsOfDifferentKindsWithTwoTerminalsEach()
    {
        final Map<Integer, MerchantConfig> byMcc = config.merchants().stream().collect(Collectors.toMap(MerchantConfig::mcc, m -> m));
        assertTrue(byMcc.keySet().containsAll(Set.of(5411, 5812, 5541, 5732, 7011)), byMcc.keySet().toString());
        assertEquals("Demo Grocery, Springfield", byMcc.get(5411).name());
        assertEquals("MERCHANT0000001", byMcc.get(5411).id());
        for (final int mcc : new int[] {5411, 5812, 5541, 5732, 7011})
        {
            final MerchantConfig merchant = byMcc.get(mcc);
            assertEquals(Status.ACTIVE, merchant.status());
            assertNull(merchant.acquirer(), "any listener may send for a demo merchant");
            final long terminals = config.terminals().stream().filter(t -> t.merchant().equals(merchant.id())).count();
            assertEquals(2, terminals, merchant.id());
        }
        assertTrue(config.merchants().stream().anyMatch(m -> m.status() == Status.SUSPENDED), "a suspended merchant to demonstrate 03");
        assertTrue(config.merchants().stream().anyMatch(m -> config.limits().blockedMcc().contains(m.mcc())), "a blocked MCC to demonstrate 57");
        for (final TerminalConfig terminal : config.terminals())
        {
            assertEquals(8, terminal.id().length());
            assertNotNull(terminal.masterKey(), terminal.id());
            assertEquals(32, terminal.masterKey().length());
        }
    }

    @Test
    void shouldHaveLimitsKeysAndAJournal()
    {
        final LimitsConfig limits = config.limits();
        assertEquals(100_000_000L, limits.maxAmount());
        assertEquals(List.of(156, 840, 978), limits.currencies());
        assertEquals(List.of(7995), limits.blockedMcc());
        assertEquals(10, limits.maxTransactionsPerCardPerMinute());
        assertEquals(Duration.ofHours(24), limits.duplicateWindow());

        assertEquals(32, config.keys().panEncryption().length);
        assertEquals(32, config.keys().panHash().length);

        assertEquals(new JournalSettings(Path.of("data", "journal"), Durability.PROCESS_CRASH_SAFE), config.journal());
    }

    @Test
    void shouldBeTheSameAsAnEmptyFile()
    {
        assertEquals(config, SwitchConfig.parse("", "empty.conf"));
    }
}
