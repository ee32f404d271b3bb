package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command short of heap (a big day to clear, a big card book) says so in one line and how to give it more, exit code
 * 1: an OutOfMemoryError is past picocli's handlers, and came out as a stack trace.
 */
class OutOfMemorySystemTest
{
    @Test
    void shouldSayInOneLineThatTheHeapIsTooSmallAndHowToGiveMore(@TempDir final Path dir) throws Exception
    {
        try (SwitchProcess simulator = SwitchProcess.start("issuer-sim-32m", dir, List.of("-Xmx32m"), "io.interchange.tools.Interchange",
            List.of("issuer-sim", "--port", "0", "--cards", "20000000")))
        {
            assertEquals(1, simulator.exitCode(Duration.ofSeconds(60)), simulator.tails());
            final List<String> lines = simulator.stderr().lines().filter(line -> !line.isBlank()).toList();
            assertEquals(1, lines.size(), simulator.tails());
            assertTrue(lines.get(0).startsWith("interchange: out of memory (") && lines.get(0).contains("INTERCHANGE_JAVA_OPTS=-Xmx"), lines.get(0));
        }
    }
}
