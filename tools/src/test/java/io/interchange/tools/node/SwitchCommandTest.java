package io.interchange.tools.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.tools.Cli;

/** `interchange switch` refuses a bad configuration before it starts anything: file, line, key, reason, exit 2. */
class SwitchCommandTest
{
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
}
