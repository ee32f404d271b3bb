package io.interchange.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.Mti;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.clearing.ClearingException;
import io.interchange.engine.clearing.DayReader;
import io.interchange.engine.config.ConfigError;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.BusinessDay;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalWriter;

/**
 * The journal names issuers and listeners by their place in the config's lists. A switch does not start, and clearing
 * does not clear, under a config whose issuers or listeners do not begin with those of the journal's runs, in their
 * order: one issuer's reversals, advices and settlement would go to another. A config that adds after them is fine.
 */
class EndpointOrderStartTest
{
    private static final String ISSUER_A = """
        { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 2,
          timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s }, stand-in { enabled = false, floor-limit = 0 } }
        """;
    private static final String ISSUER_B = ISSUER_A.replace("issuer-a", "issuer-b").replace("20000001", "20000002").replace("9101", "9102");
    private static final String ISSUER_C = ISSUER_A.replace("issuer-a", "issuer-c").replace("20000001", "20000003").replace("9101", "9103");

    @TempDir
    Path dir;

    @Test
    void shouldRefuseToStartWithTheIssuersInAnotherOrderAndWriteNothing() throws Exception
    {
        SwitchNode.start(config("")).close();

        final ConfigError error = assertThrows(ConfigError.class, () -> SwitchNode.start(issuers(ISSUER_B, ISSUER_A)).close());
        final String message = error.getMessage();
        assertTrue(message.startsWith("issuers: the journal's run started "), message);
        assertTrue(message.contains(" had 2 issuers, and this config's first 2 (issuer-b, issuer-a) are not those, in that order: the journal names " +
            "each issuer by its place in this list, so one it has cannot move or go; keep the journal's issuers first, in their order, and add new " +
            "ones after them"), message);
        assertEquals(1, nodeStarts(), "no NODE_START, nor anything else, written to the journal");
    }

    @Test
    void shouldRefuseToStartWithAnIssuerOfTheJournalsRemoved() throws Exception
    {
        SwitchNode.start(config("")).close();

        final SwitchConfig removed = config("interchange.issuers = [\n" + ISSUER_A + "]\n" +
            "interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\" } ]\n");
        final ConfigError error = assertThrows(ConfigError.class, () -> SwitchNode.start(removed).close());
        assertTrue(error.getMessage().contains(" had 2 issuers, and this config has 1 (issuer-a): "), error.getMessage());
    }

    @Test
    void shouldRefuseToStartWithTheListenersInAnotherOrder() throws Exception
    {
        SwitchNode.start(config("")).close();

        final SwitchConfig swapped = config("""
            interchange.listeners = [
              { name = "pos-cups", host = "127.0.0.1", port = 0, dialect = "cups", framing = "unionpay-pos", acquirer-id = "10000002",
                allow = ["127.0.0.1/32"], idle-timeout = 120s, max-frame = 4096, mac = false }
              { name = "pos-iso87", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2", acquirer-id = "10000001",
                allow = ["127.0.0.1/32"], idle-timeout = 120s, max-frame = 4096, mac = false }
            ]
            """);
        final ConfigError error = assertThrows(ConfigError.class, () -> SwitchNode.start(swapped).close());
        assertTrue(error.getMessage().startsWith("listeners: the journal's run started "), error.getMessage());
        assertTrue(error.getMessage().contains("this config's first 2 (pos-cups, pos-iso87) are not those, in that order"), error.getMessage());
    }

    @Test
    void shouldRefuseToStartWithAListenerRemovedThatTheJournalHasTrafficOn() throws Exception
    {
        // A run whose pos-cups (the second listener) took a request: recovery under a config without it read that record's
        // listener from the config, and the start failed on an IndexOutOfBoundsException instead of saying why.
        final SwitchConfig config = config("");
        final SwitchSetup setup = SwitchNode.setup(config, Dialects.all());
        final SwitchHandler handler = SwitchNode.handler(config, setup);
        final SwitchEvent event = new SwitchEvent(8_192, 32_768, setup.dialects());
        final long now = Instant.parse("2026-11-26T10:00:00Z").getEpochSecond() * 1_000_000_000L;
        try (JournalWriter writer = new JournalWriter(SwitchNode.journalConfig(config)))
        {
            event.reset(EventType.NODE_START, now, -1, -1, -1);
            handle(handler, writer, event, 0);
            event.reset(EventType.ACQUIRER_UP, now + 1_000_000L, 7, 1, -1);
            handle(handler, writer, event, 1);
            SwitchMessages.fill(setup, event, EventType.ACQUIRER_MESSAGE, now + 2_000_000L, 7, 1, setup.dialects().indexOf(UnionPayPos.DIALECT),
                Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(11, "000001", 41, "TERM0001", 42, "MERCHANT0000001", 60, "00000001003"));
            handle(handler, writer, event, 2);
        }

        final SwitchConfig removed = SwitchConfig.parse("""
            interchange.listeners = [
              { name = "pos-iso87", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2", acquirer-id = "10000001",
                allow = ["127.0.0.1/32"], idle-timeout = 120s, max-frame = 4096, mac = false }
            ]
            """, "settings.conf").withJournalDir(dir.resolve("journal"));
        final ConfigError error = assertThrows(ConfigError.class, () -> SwitchNode.start(removed).close());
        assertTrue(error.getMessage().startsWith("listeners: the journal's run started "), error.getMessage());
        assertTrue(error.getMessage().contains(" had 2 listeners, and this config has 1 (pos-iso87): "), error.getMessage());
        assertEquals(1, nodeStarts(), "no NODE_START, nor anything else, written to the journal");
    }

    @Test
    void shouldStartWithAnIssuerAddedAfterTheJournalsAndRefuseToGoBackOnIt() throws Exception
    {
        SwitchNode.start(config("")).close();
        final SwitchConfig added = issuers(ISSUER_A, ISSUER_B, ISSUER_C);
        SwitchNode.start(added).close();
        assertEquals(2, nodeStarts(), "both runs started and journaled their NODE_START");

        final ConfigError error = assertThrows(ConfigError.class, () -> SwitchNode.start(config("")).close());
        assertTrue(error.getMessage().contains(" had 3 issuers, and this config has 2 (issuer-a, issuer-b): "), error.getMessage());
    }

    @Test
    void shouldJournalNoRunForAStartThatFailsOnAListenersPort() throws Exception
    {
        SwitchNode.start(config("")).close();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final SwitchConfig added = issuers(ISSUER_A, ISSUER_B, ISSUER_C).withListenerPort("pos-cups", taken.getLocalPort());
            final UncheckedIOException error = assertThrows(UncheckedIOException.class, () -> SwitchNode.start(added).close());
            assertTrue(error.getMessage().startsWith("listener pos-cups cannot listen on 127.0.0.1:" + taken.getLocalPort()), error.getMessage());
        }
        assertEquals(1, nodeStarts(), "the start that failed journaled no run");

        // The issuer only the failed start had is not one the journal's runs had: the config may go back on it.
        SwitchNode.start(config("")).close();
        assertEquals(2, nodeStarts());
    }

    @Test
    void shouldRefuseToClearADayUnderIssuersInAnotherOrderThanItsRunsHad() throws Exception
    {
        final SwitchConfig config = config("");
        SwitchNode.start(config).close();
        final LocalDate day;
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            assertTrue(reader.next());
            day = BusinessDay.businessDay(reader.record().timestampNanos(), config.businessDay().cutoff(), config.businessDay().zone());
        }
        assertEquals(day, DayReader.read(config, day).date(), "cleared under the switch's own config");

        final ClearingException error = assertThrows(ClearingException.class, () -> DayReader.read(issuers(ISSUER_B, ISSUER_A), day));
        assertTrue(error.getMessage().startsWith("issuers: the journal's run started "), error.getMessage());
    }

    /** The event handled as the ring's switch stage does, and journaled as its journal stage does. */
    private static void handle(final SwitchHandler handler, final JournalWriter writer, final SwitchEvent event, final long sequence)
    {
        event.sequence(sequence);
        handler.onEvent(event, sequence, true);
        writer.append(event);
    }

    /** The defaults with {@code settings} over them, on ports of the system's choosing, journaling into the test's folder. */
    private SwitchConfig config(final String settings)
    {
        return SwitchConfig.parse(settings, "settings.conf").withListenerPort("pos-iso87", 0).withListenerPort("pos-cups", 0)
            .withJournalDir(dir.resolve("journal"));
    }

    /** The defaults with these issuers, in this order (the BIN table as the defaults route it). */
    private SwitchConfig issuers(final String... issuers)
    {
        return config("interchange.issuers = [\n" + String.join("\n", issuers) + "]\n");
    }

    private int nodeStarts()
    {
        final List<Integer> types = new ArrayList<>();
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config(""))))
        {
            while (reader.next())
            {
                types.add(reader.record().eventType());
            }
        }
        return (int)types.stream().filter(type -> type == EventType.NODE_START).count();
    }
}
