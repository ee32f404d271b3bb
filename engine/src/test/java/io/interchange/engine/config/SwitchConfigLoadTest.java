package io.interchange.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.Durability;

/** A deployment's file says only what it changes; the embedded defaults supply the rest. */
class SwitchConfigLoadTest
{
    private static final SwitchConfig DEFAULTS = SwitchConfig.defaults();

    @TempDir
    Path dir;

    private SwitchConfig load(final String hocon) throws IOException
    {
        final Path file = dir.resolve("switch.conf");
        Files.writeString(file, hocon);
        return SwitchConfig.load(file);
    }

    @Test
    void shouldSizeTheSwitchsTablesFromTheLimits()
    {
        final SwitchConfig config = SwitchConfig.parse(
            "interchange.limits { duplicate-history = 65536, in-flight = 4096, advice-queue = 4096 }", "switch.conf");
        final SwitchSetup setup = SwitchNode.setup(config, Dialects.all());
        assertEquals(65_536, setup.historyCapacity());
        assertEquals(4_096, setup.inFlightCapacity());
        assertEquals(4096, setup.adviceCapacity());
    }

    @Test
    void shouldChangeOneKeyAndKeepEverythingElse() throws IOException
    {
        final SwitchConfig config = load("interchange.ring.size = 1024\n");
        assertEquals(new RingConfig(1024, Duration.ofMillis(10), "sleeping", "auto"), config.ring());
        assertEquals(DEFAULTS.nodeId(), config.nodeId());
        assertEquals(DEFAULTS.businessDay(), config.businessDay());
        assertEquals(DEFAULTS.listeners(), config.listeners());
        assertEquals(DEFAULTS.issuers(), config.issuers());
        assertEquals(DEFAULTS.binTable(), config.binTable());
        assertEquals(DEFAULTS.merchants(), config.merchants());
        assertEquals(DEFAULTS.terminals(), config.terminals());
        assertEquals(DEFAULTS.limits(), config.limits());
        assertEquals(DEFAULTS.keys(), config.keys());
        assertEquals(DEFAULTS.journal(), config.journal());
        assertEquals(DEFAULTS, load("interchange.ring.size = 512\n"), "the same values make an equal config");
    }

    @Test
    void shouldMergeObjectsKeyByKey() throws IOException
    {
        final SwitchConfig config = load("interchange {\n  business-day { zone = \"Asia/Shanghai\" }\n  journal.durability = msync-per-batch\n}\n");
        assertEquals("Asia/Shanghai", config.businessDay().zone().getId());
        assertEquals(DEFAULTS.businessDay().cutoff(), config.businessDay().cutoff());
        assertEquals(Durability.MSYNC_PER_BATCH, config.journal().durability());
        assertEquals(Path.of("data", "journal"), config.journal().dir());
    }

    @Test
    void shouldReplaceAListWhole() throws IOException
    {
        final SwitchConfig config = load("""
            interchange.bin-table = [
              { low = "400000", high = "499999", issuer = "issuer-a" }
            ]
            """);
        assertEquals(List.of(new BinRange("400000", "499999", "issuer-a")), config.binTable());
    }

    @Test
    void shouldReadEachBinRangesOriginAndTakeDomesticWhenItSaysNone() throws IOException
    {
        final SwitchConfig config = load("""
            interchange.bin-table = [
              { low = "476173", high = "476173", issuer = "issuer-a" }
              { low = "455951", high = "455951", issuer = "issuer-a", origin = foreign }
              { low = "622848", high = "622848", issuer = "issuer-b", origin = domestic }
            ]
            """);
        assertEquals(List.of(new BinRange("476173", "476173", "issuer-a", CardOrigin.DOMESTIC),
            new BinRange("455951", "455951", "issuer-a", CardOrigin.FOREIGN),
            new BinRange("622848", "622848", "issuer-b", CardOrigin.DOMESTIC)), config.binTable());
        assertTrue(DEFAULTS.binTable().stream().allMatch(range -> range.origin() == CardOrigin.DOMESTIC), "the demo's cards are all domestic");
    }

    @Test
    void shouldAppendToADefaultListWithPlusEquals() throws IOException
    {
        final SwitchConfig config = load("""
            interchange.merchants += { id = "MERCHANT0000099", name = "Corner Shop, Springfield", mcc = 5499, status = active }
            interchange.terminals += { id = "TERM0099", merchant = "MERCHANT0000099", status = active }
            """);
        assertEquals(DEFAULTS.merchants().size() + 1, config.merchants().size());
        assertEquals(DEFAULTS.merchants(), config.merchants().subList(0, DEFAULTS.merchants().size()));
        assertEquals(new MerchantConfig("MERCHANT0000099", "Corner Shop, Springfield", 5499, Status.ACTIVE, null, null),
            config.merchants().get(config.merchants().size() - 1));
        assertEquals("TERM0099", config.terminals().get(config.terminals().size() - 1).id());
    }

    @Test
    void shouldCheckTheDefaultsThatRemainAgainstWhatTheFileReplaced()
    {
        // Replacing the merchants leaves the demo terminals naming merchants that are gone: every one is reported,
        // where the defaults say it.
        final ConfigError error = assertThrows(ConfigError.class, () -> load("""
            interchange.merchants = [ { id = "MERCHANT0000099", name = "Corner Shop", mcc = 5499, status = active } ]
            """));
        assertEquals(DEFAULTS.terminals().size(), error.problems().size());
        assertTrue(error.problems().get(0).matches(
            "classpath:io/interchange/engine/config/defaults\\.conf:\\d+: terminals\\[0]\\.merchant: unknown merchant 'MERCHANT0000001'"),
            error.getMessage());
    }

    @Test
    void shouldResolveSubstitutionsAgainstTheDefaults() throws IOException
    {
        final SwitchConfig config = load("interchange.journal.dir = \"/var/lib/interchange/\"${interchange.node-id}\n");
        assertEquals(Path.of("/var/lib/interchange/IC01"), config.journal().dir());
    }

    @Test
    void shouldIncludeAFileBesideIt() throws IOException
    {
        Files.writeString(dir.resolve("keys.conf"), "interchange.keys.pan-hash = \"" + "ab".repeat(32) + "\"\n");
        final SwitchConfig config = load("include \"keys.conf\"\ninterchange.node-id = SW02\n");
        assertEquals("SW02", config.nodeId());
        assertEquals((byte) 0xAB, config.keys().panHash()[31]);
    }
}
