package io.interchange.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the one place the Chronicle JVM flags live (jvm.options, handed to Surefire as an argfile) reaches the
 * test JVM, and that Chronicle Queue appends and reads back on Java 17 with them.
 */
class ChronicleRuntimeTest
{
    @Test
    void shouldRunWithAnalyticsOffAndTheModuleFlags()
    {
        assertEquals("true", System.getProperty("chronicle.analytics.disable"));
        final String args = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
        assertTrue(args.contains("--add-opens=java.base/java.lang=ALL-UNNAMED"), args);
        assertTrue(args.contains("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"), args);
    }

    @Test
    void shouldAppendAndReadBack(@TempDir final Path dir)
    {
        try (ChronicleQueue queue = ChronicleQueue.singleBuilder(dir).build();
             ExcerptAppender appender = queue.createAppender();
             ExcerptTailer tailer = queue.createTailer())
        {
            appender.writeBytes(bytes -> bytes.writeLong(8583L).writeInt(200));
            final boolean read = tailer.readBytes(bytes ->
            {
                assertEquals(8583L, bytes.readLong());
                assertEquals(200, bytes.readInt());
            });
            assertTrue(read);
        }
    }
}
