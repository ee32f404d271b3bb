package io.interchange.engine.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Review of the config reader: values it took that the switch then could not honour. */
class ConfigReviewTest
{
    private static List<String> problems(final String hocon)
    {
        return assertThrows(ConfigError.class, () -> SwitchConfig.parse(hocon, "switch.conf"),
            "accepted: " + hocon).problems();
    }

    /**
     * connections is read as 1..64 a link address, and an issuer may list any number of addresses, but the switch
     * handler keeps at most 32 links an issuer (SwitchHandler.MAX_LINKS_PER_ISSUER): the links beyond are closed on their
     * UP without a word in the log, and their IssuerConnections reconnect at the capped back-off for ever, each closed
     * again. The file must be refused, naming the key.
     */
    @Test
    void shouldRefuseMoreIssuerConnectionsThanTheSwitchKeeps()
    {
        final List<String> problems = problems("interchange.issuers = [ { id = \"issuer-a\", institution-id = \"20000001\", "
            + "links = [ { host = \"127.0.0.1\", port = 9101 } ], connections = 33, timeout = 5s, echo-interval = 30s, missed-echoes = 3, "
            + "reconnect { initial = 100ms, max = 10s }, stand-in { enabled = false, floor-limit = 0 } } ]\n"
            + "interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\" } ]");
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("switch.conf:1: issuers[0].connections:")), problems.toString());
    }

    /** As above, with 17 addresses of 2 connections each: 34 links. */
    @Test
    void shouldRefuseMoreIssuerLinksThanTheSwitchKeepsAcrossAddresses()
    {
        final StringBuilder links = new StringBuilder();
        for (int i = 0; i < 17; i++)
        {
            links.append(i == 0 ? "" : ", ").append("{ host = \"127.0.0.1\", port = ").append(9101 + i).append(" }");
        }
        final List<String> problems = problems("interchange.issuers = [ { id = \"issuer-a\", institution-id = \"20000001\", "
            + "links = [ " + links + " ], connections = 2, timeout = 5s, echo-interval = 30s, missed-echoes = 3, "
            + "reconnect { initial = 100ms, max = 10s }, stand-in { enabled = false, floor-limit = 0 } } ]\n"
            + "interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\" } ]");
        assertTrue(problems.stream().anyMatch(p -> p.contains("issuers[0].")), problems.toString());
    }

    /**
     * A listener's idle time-out counts only what its terminals send, and a terminal waiting for its answer sends
     * nothing: one shorter than an issuer's time-out closes links under requests still with the issuer, whose answers
     * then find no link (the approval reversed as undeliverable; LinkReviewTest shows it). The reader takes it silently.
     */
    @Test
    void shouldRefuseAnIdleTimeOutThatAnIssuersTimeOutOutlasts()
    {
        final List<String> problems = problems("interchange.listeners = [ { name = \"pos-iso87\", host = \"127.0.0.1\", port = 8583, "
            + "dialect = \"iso87b\", framing = \"binary-2\", acquirer-id = \"10000001\", allow = [\"127.0.0.1/32\"], idle-timeout = 2s, "
            + "max-frame = 4096, mac = false } ]\n"
            + "interchange.issuers = [ { id = \"issuer-a\", institution-id = \"20000001\", links = [ { host = \"127.0.0.1\", port = 9101 } ], "
            + "connections = 1, timeout = 30s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s }, "
            + "stand-in { enabled = false, floor-limit = 0 } } ]\n"
            + "interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\" } ]");
        assertTrue(problems.stream().anyMatch(p -> p.contains("listeners[0].idle-timeout")), problems.toString());
    }

    /**
     * ConfigReader refuses a listener's zone master key whose neighbouring 8-byte parts are equal ("which makes it single
     * DES"), but takes the same weakness in the keys that protect more: an issuer's zone PIN key and MAC key (the retail
     * MAC with K1 = K2 is a single-DES MAC) and a terminal's master key, under which its PIN and MAC keys travel.
     */
    @Test
    void shouldRefuseDoubleLengthDesKeysWithEqualHalvesWhereverTheyAreRead()
    {
        final String issuer = "interchange.issuers = [ { id = \"issuer-a\", institution-id = \"20000001\", "
            + "links = [ { host = \"127.0.0.1\", port = 9101 } ], connections = 1, timeout = 5s, echo-interval = 30s, missed-echoes = 3, "
            + "reconnect { initial = 100ms, max = 10s }, stand-in { enabled = false, floor-limit = 0 }, KEY } ]\n"
            + "interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\" } ]";
        final String weak = "\"0123456789ABCDEF0123456789ABCDEF\"";
        assertTrue(problems(issuer.replace("KEY", "pin-key = " + weak)).stream().anyMatch(p -> p.contains("issuers[0].pin-key")));
        assertTrue(problems(issuer.replace("KEY", "mac-key = " + weak)).stream().anyMatch(p -> p.contains("issuers[0].mac-key")));
        final List<String> terminal = problems("interchange.terminals = [ { id = \"TERM0001\", merchant = \"MERCHANT0000001\", "
            + "status = active, master-key = " + weak + " } ]");
        assertTrue(terminal.stream().anyMatch(p -> p.contains("terminals[0].master-key")), terminal.toString());
    }
}
