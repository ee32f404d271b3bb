package io.interchange.tools.system;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A stand-in, run as a JVM of its own, for a switch killed halfway through a journal append: the one moment of a
 * SIGKILL that a test cannot hit on purpose by killing the switch itself. It opens a Chronicle document on the journal's
 * last day, as the journal writer does (same roll cycle and epoch), writes {@link #MARKER} into it, says so on stdout and
 * waits, document open and Chronicle's write lock held, for the test to kill it. What is left is what a kill during
 * an append leaves: a header marked incomplete, with part of a record behind it, and a write lock held by a dead process.
 *
 * <p>Arguments: the journal's directory.
 */
public final class TornAppend
{
    /** Bytes no record holds: the test finds them in the queue's file to know the torn document is there. */
    static final byte[] MARKER = "TORN-DOCUMENT-LEFT-BY-A-KILL-0123456789".getBytes(StandardCharsets.US_ASCII);
    /** What it prints, then the document's index in hex, once the document is open and the marker written. */
    static final String OPEN = "document open at index ";

    private static final long MILLIS_PER_DAY = TimeUnit.DAYS.toMillis(1);
    /** Far longer than any test waits before killing it; it must not outlive a test that forgot to. */
    private static final long WAIT_TO_BE_KILLED_SECONDS = 120;

    private TornAppend()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final Path dir = Path.of(args[0]);
        final int lastDay;
        try (SingleChronicleQueue journal = ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_DAILY).epoch(0).readOnly(true).build())
        {
            lastDay = journal.lastCycle();
        }
        // The journal's cycles are business days, chosen by the events' time, not the wall clock: append to its last one.
        try (SingleChronicleQueue journal = ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.FAST_DAILY).epoch(0)
            .timeProvider(() -> lastDay * MILLIS_PER_DAY).build())
        {
            final ExcerptAppender appender = journal.createAppender();
            final DocumentContext document = appender.writingDocument();
            document.wire().bytes().write(MARKER);
            System.out.println(OPEN + Long.toHexString(document.index()));
            System.out.flush();
            TimeUnit.SECONDS.sleep(WAIT_TO_BE_KILLED_SECONDS);
            System.exit(1);
        }
    }
}
