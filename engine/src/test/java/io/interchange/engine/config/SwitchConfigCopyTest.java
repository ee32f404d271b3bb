package io.interchange.engine.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.interchange.codec.dialect.Iso87;
import io.interchange.codec.frame.Framing;
import org.junit.jupiter.api.Test;
import io.interchange.journal.Durability;

/** The records cannot be changed from outside, and the copy helpers change only what they say. */
class SwitchConfigCopyTest
{
    private final SwitchConfig defaults = SwitchConfig.defaults();

    @Test
    void shouldMoveOneListenerToAnotherPort()
    {
        final SwitchConfig moved = defaults.withListenerPort("pos-cups", 0);
        assertEquals(0, moved.listener("pos-cups").port());
        assertEquals(defaults.listener("pos-iso87"), moved.listener("pos-iso87"));
        assertEquals(8584, defaults.listener("pos-cups").port(), "the original is unchanged");
        assertEquals(defaults.listener("pos-cups").framing(), moved.listener("pos-cups").framing());
        assertEquals(List.of("pos-iso87", "pos-cups"), moved.listeners().stream().map(ListenerConfig::name).toList());
        assertEquals(defaults.withListenerPort("pos-cups", 8584), defaults);

        assertThrows(IllegalArgumentException.class, () -> defaults.withListenerPort("pos-visa", 0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withListenerPort("pos-cups", 70_000));
        assertThrows(IllegalArgumentException.class, () -> defaults.withListenerPort("pos-cups", -1));
    }

    @Test
    void shouldPointAnIssuerAtASimulatorsPort()
    {
        final SwitchConfig moved = defaults.withIssuerPort("issuer-b", 41_234);
        assertEquals(List.of(new LinkAddress("127.0.0.1", 41_234)), moved.issuer("issuer-b").links());
        assertEquals(defaults.issuer("issuer-a"), moved.issuer("issuer-a"));
        assertEquals(defaults.issuer("issuer-b").timeout(), moved.issuer("issuer-b").timeout());

        final List<LinkAddress> two = List.of(new LinkAddress("127.0.0.1", 40_001), new LinkAddress("127.0.0.2", 40_002));
        assertEquals(two, defaults.withIssuerLinks("issuer-a", two).issuer("issuer-a").links());

        assertThrows(IllegalArgumentException.class, () -> defaults.withIssuerPort("issuer-c", 1));
        assertThrows(IllegalArgumentException.class, () -> defaults.withIssuerPort("issuer-a", 0));
        assertThrows(IllegalArgumentException.class, () -> defaults.withIssuerLinks("issuer-a", List.of()));
    }

    @Test
    void shouldMoveTheJournal()
    {
        final SwitchConfig moved = defaults.withJournalDir(Path.of("/tmp/journal-test"));
        assertEquals(new JournalSettings(Path.of("/tmp/journal-test"), Durability.PROCESS_CRASH_SAFE), moved.journal());
        assertEquals(Path.of("data", "journal"), defaults.journal().dir());
    }

    @Test
    void shouldHandOutListsThatCannotBeChanged()
    {
        assertThrows(UnsupportedOperationException.class, () -> defaults.listeners().clear());
        assertThrows(UnsupportedOperationException.class, () -> defaults.issuers().remove(0));
        assertThrows(UnsupportedOperationException.class, () -> defaults.binTable().add(new BinRange("400000", "400000", "issuer-a")));
        assertThrows(UnsupportedOperationException.class, () -> defaults.merchants().clear());
        assertThrows(UnsupportedOperationException.class, () -> defaults.terminals().clear());
        assertThrows(UnsupportedOperationException.class, () -> defaults.listeners().get(0).allow().clear());
        assertThrows(UnsupportedOperationException.class, () -> defaults.issuers().get(0).links().clear());
        assertThrows(UnsupportedOperationException.class, () -> defaults.limits().currencies().add(1));
        assertThrows(UnsupportedOperationException.class, () -> defaults.limits().blockedMcc().clear());
    }

    @Test
    void shouldCopyListsItIsBuiltFrom()
    {
        final List<Integer> currencies = new ArrayList<>(List.of(840));
        final LimitsConfig limits = new LimitsConfig(1, currencies, new ArrayList<>(), 1, Duration.ofSeconds(1), 1_024, 0, 256, 256, 1_024, 0, 0,
            Duration.ofSeconds(5));
        currencies.add(978);
        assertEquals(List.of(840), limits.currencies());

        final List<Cidr> allow = new ArrayList<>(List.of(Cidr.parse("127.0.0.1")));
        final ListenerConfig listener =
            new ListenerConfig("l", "127.0.0.1", 0, Iso87.BINARY, Framing.BINARY_2, "1", allow, Duration.ofSeconds(1), 512, false, null, null, null,
                Duration.ZERO, false, ListenerConfig.DEFAULT_MAX_CONNECTIONS);
        allow.add(Cidr.parse("0.0.0.0/0"));
        assertEquals(1, listener.allow().size());
        assertEquals(512, listener.framing().maxFrameLength(), "the framing carries max-frame");
    }

    @Test
    void shouldCopyKeysInAndOut()
    {
        final byte[] encryption = new byte[32];
        final byte[] hash = new byte[32];
        final KeysConfig keys = new KeysConfig(encryption, hash);
        encryption[0] = 1;
        assertEquals(0, keys.panEncryption()[0], "changing the array passed in changes nothing");

        keys.panHash()[0] = 1;
        assertEquals(0, keys.panHash()[0], "changing an array handed out changes nothing");

        assertEquals(new KeysConfig(new byte[32], new byte[32]), keys);
        assertEquals(new KeysConfig(new byte[32], new byte[32]).hashCode(), keys.hashCode());
        assertNotEquals(new KeysConfig(encryption, hash), keys);
        assertArrayEquals(new byte[32], keys.panEncryption());
    }

    @Test
    void shouldNeverShowKeysInToString()
    {
        final String keys = defaults.keys().toString();
        assertFalse(keys.contains(HexFormat.of().formatHex(defaults.keys().panEncryption())), keys);
        assertEquals("KeysConfig[panEncryption=<32 bytes>, panHash=<32 bytes>]", keys);

        final TerminalConfig terminal = defaults.terminals().get(0);
        assertEquals("TerminalConfig[id=TERM0001, merchant=MERCHANT0000001, status=ACTIVE, masterKey=<16 bytes>]", terminal.toString());
        assertFalse(defaults.toString().contains(terminal.masterKey()));
    }
}
