package io.interchange.tools.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.Cli;

/**
 * `interchange switch` refuses a bad configuration before it starts anything: file, line, key, reason, exit 2; and a
 * journal directory it cannot write or a listener's address in use, in one line naming it.
 */
class SwitchCommandTest
{
    /** The one listener of the tests that get as far as starting, on 127.0.0.1 at %d. */
    private static final String LISTENER = "interchange.listeners = [ { name = \"pos-iso87\", host = \"127.0.0.1\", port = %d, " +
        "dialect = \"iso87b\", framing = \"binary-2\", acquirer-id = \"10000001\", allow = [\"127.0.0.1/32\"], idle-timeout = 60s, " +
        "max-frame = 4096, mac = false } ]%n";

    @Test
    void shouldRefuseAConfigWithAnUnknownKeyNamingFileLineAndKey(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("switch.conf");
        Files.writeString(file, "interchange {\n  ring { size = 1024 }\n  listners = []\n}\n");
        final Cli.Result result = Cli.run("switch", "--config", file.toString()).expectInputError();
        assertTrue(result.errLine().endsWith("switch.conf:3: listners: unknown key; did you mean listeners?"), result::toString);
    }

    @Test
    void shouldRefuseAConfigValueOutOfRange(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("switch.conf");
        Files.writeString(file, "interchange.ring.size = 1000\n");
        final Cli.Result result = Cli.run("switch", "--config", file.toString()).expectInputError();
        assertTrue(result.errLine().contains("switch.conf:1: ring.size: must be a power of two, got 1000"), result::toString);
    }

    @Test
    void shouldRefuseAMissingConfigFile(@TempDir final Path dir)
    {
        final Cli.Result result = Cli.run("switch", "--config", dir.resolve("absent.conf").toString()).expectInputError();
        assertTrue(result.errLine().contains("absent.conf cannot be read"), result::toString);
    }

    @Test
    void shouldRefuseAJournalDirThatCannotBeMadeBeforeStarting(@TempDir final Path dir) throws Exception
    {
        // Chronicle Queue opened such a directory read only, and the switch ran on, every event failing to be journaled.
        final Path file = Files.writeString(dir.resolve("journal"), "not a directory");
        final Path config = Files.writeString(dir.resolve("switch.conf"), LISTENER.formatted(0) + "interchange.journal.dir = \"" + file + "\"\n");
        final Cli.Result result = Cli.run("switch", "--config", config.toString()).expectInputError();
        assertEquals("interchange switch: journal.dir " + file + " cannot be made: " + file + " exists and is not a directory", result.errLine());
        assertEquals("not a directory", Files.readString(file));
    }

    @Test
    void shouldNameTheListenerWhoseAddressIsInUse(@TempDir final Path dir) throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final int port = taken.getLocalPort();
            final Path config = Files.writeString(dir.resolve("switch.conf"), LISTENER.formatted(port) + "interchange.journal.dir = \"" +
                dir.resolve("journal") + "\"\n");
            final Cli.Result result = Cli.run("switch", "--config", config.toString()).expectInputError();
            assertTrue(result.errLine().startsWith("interchange switch: listener pos-iso87 cannot listen on 127.0.0.1:" + port + ": "), result::toString);
            assertTrue(result.errLine().contains("in use"), result::toString);
        }
    }

    @Test
    void shouldRefuseToStartWhereTheJournalsRunHadTheIssuersInAnotherOrder(@TempDir final Path dir) throws Exception
    {
        final String journal = "interchange.journal.dir = \"" + dir.resolve("journal") + "\"\n";
        SwitchNode.start(SwitchConfig.load(Files.writeString(dir.resolve("before.conf"), LISTENER.formatted(0) + journal))).close();
        final Path swapped = Files.writeString(dir.resolve("switch.conf"), LISTENER.formatted(0) + journal + """
            interchange.issuers = [
              { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = 9102 } ], connections = 1, timeout = 5s,
                echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s }, stand-in { enabled = false, floor-limit = 0 } }
              { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 1, timeout = 5s,
                echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s }, stand-in { enabled = false, floor-limit = 0 } }
            ]
            """);
        final Cli.Result result = Cli.run("switch", "--config", swapped.toString()).expectInputError();
        assertTrue(result.errLine().startsWith("interchange switch: " + swapped + ": issuers: the journal's run started "), result::toString);
        assertTrue(result.errLine().contains("this config's first 2 (issuer-b, issuer-a) are not those, in that order"), result::toString);
    }
}
