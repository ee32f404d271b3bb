package io.interchange.engine.clearing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.engine.config.SwitchConfig;

class ClearingFilesTest
{
    private static final LocalDate DAY = LocalDate.of(2026, 11, 29);

    /**
     * Two merchants whose net payables each fit a long and together do not: the summary's total overflows, and clearing
     * stops with nothing written, as its message says. It once wrote the transactions, merchant, position and exception
     * files first, and left the summary half written beside them as summary.txt.partial.
     */
    @Test
    void shouldWriteNoFileOfADayWhoseSummaryTotalDoesNotFitALong(@TempDir final Path dir) throws Exception
    {
        final long large = Long.MAX_VALUE / 2 + 1;
        final Settlement.Result settlement = new Settlement.Result(List.of(line("MERCHANT0000001", large), line("MERCHANT0000002", large)), List.of());
        final DayReader.Day day = new DayReader.Day(DAY, 0, new DayTransactions(), List.of());
        final Path folder = dir.resolve(DAY.toString());

        assertThrows(ArithmeticException.class, () -> ClearingFiles.write(folder, SwitchConfig.defaults(), day, settlement));
        try (var files = Files.list(dir))
        {
            assertFalse(Files.exists(folder) && Files.list(folder).findAny().isPresent(), "a file of the day written: " + files.toList());
        }
    }

    /**
     * A file that cannot be written (a full disk, here a content that fails after some of it) while a day is cleared
     * again leaves the day's folder as the earlier run left it: its files and the manifest that sums them, byte for
     * byte, and nothing beside it. Written in place, the new run's first file replaced the earlier one's, under the
     * earlier manifest, whose sums then no longer held.
     */
    @Test
    void shouldLeaveAnEarlierRunsFolderAsItWasWhenAFileCannotBeWritten(@TempDir final Path dir) throws Exception
    {
        final Path folder = dir.resolve(DAY.toString());
        ClearingFiles.publish(folder, DAY, files("one", out -> out.append("two")));
        final Map<String, byte[]> earlier = contents(folder);
        assertEquals(List.of("a.csv", "b.csv", ClearingFiles.MANIFEST), List.copyOf(earlier.keySet()));

        final ClearingException failed = assertThrows(ClearingException.class, () -> ClearingFiles.publish(folder, DAY, files("ONE", out ->
        {
            out.append("TW");
            throw new IOException("No space left on device");
        })));
        assertTrue(failed.getMessage().contains(folder + ": No space left on device"), failed.getMessage());
        assertAsTheEarlierRunLeftIt(dir, folder, earlier);
    }

    /** A day cleared again has the new run's files alone: one an earlier run left that this one does not write is gone. */
    @Test
    void shouldReplaceAnEarlierRunsFolderWhole(@TempDir final Path dir) throws Exception
    {
        final Path folder = dir.resolve(DAY.toString());
        ClearingFiles.publish(folder, DAY, files("one", out -> out.append("two")));
        Files.writeString(folder.resolve("stale.csv"), "an earlier build's file");
        final List<Path> written = ClearingFiles.publish(folder, DAY, files("uno", out -> out.append("dos")));

        assertEquals(List.of(folder.resolve("a.csv"), folder.resolve("b.csv"), folder.resolve(ClearingFiles.MANIFEST)), written);
        assertEquals(List.of("a.csv", "b.csv", ClearingFiles.MANIFEST), List.copyOf(contents(folder).keySet()));
        assertEquals("uno", Files.readString(folder.resolve("a.csv")));
        assertTrue(Files.readString(folder.resolve(ClearingFiles.MANIFEST)).contains("\"bytes\": 3"), "the manifest sums this run's files");
    }

    /**
     * A run stopped between its two moves (the earlier folder set aside as {@code <day>.previous}, the new one not yet in
     * its place) left the day without a folder: the next run puts the earlier one back before anything else, so that
     * when it fails too the day's folder is the earlier run's, as it was, with nothing left beside it; it deleted the
     * only copy of the earlier run.
     */
    @Test
    void shouldPutBackAnEarlierRunSetAsideByARunStoppedBetweenItsMoves(@TempDir final Path dir) throws Exception
    {
        final Path folder = dir.resolve(DAY.toString());
        ClearingFiles.publish(folder, DAY, files("one", out -> out.append("two")));
        final Map<String, byte[]> earlier = contents(folder);
        Files.move(folder, dir.resolve(DAY + ".previous"));
        Files.createDirectories(dir.resolve(DAY + ".partial"));
        Files.writeString(dir.resolve(DAY + ".partial").resolve("a.csv"), "half");

        assertThrows(ClearingException.class, () -> ClearingFiles.publish(folder, DAY, files("ONE", out ->
        {
            throw new IOException("No space left on device");
        })));
        assertAsTheEarlierRunLeftIt(dir, folder, earlier);
    }

    /**
     * The newest earlier run set aside is the one put back: a run whose earlier folder could not be deleted (a file held
     * open on a share) leaves it as {@code <day>.previous}, and the next run sets its own earlier folder aside as
     * {@code <day>.previous-2}; stopped between its moves, the day's folder is that one again, and the remains of the
     * older one are deleted. Only {@code .previous} was looked at: the remains of the older run came back, or, deleted by
     * hand, no folder at all.
     */
    @Test
    void shouldPutBackTheNewestEarlierRunSetAside(@TempDir final Path dir) throws Exception
    {
        final Path folder = dir.resolve(DAY.toString());
        ClearingFiles.publish(folder, DAY, files("one", out -> out.append("two")));
        final Map<String, byte[]> newest = contents(folder);
        Files.move(folder, dir.resolve(DAY + ".previous-2"));
        Files.createDirectories(dir.resolve(DAY + ".previous"));
        Files.writeString(dir.resolve(DAY + ".previous").resolve(ClearingFiles.MANIFEST), "what was left of the run before");

        assertThrows(ClearingException.class, () -> ClearingFiles.publish(folder, DAY, files("ONE", out ->
        {
            throw new IOException("No space left on device");
        })));
        assertAsTheEarlierRunLeftIt(dir, folder, newest);
    }

    /**
     * A day's folder that is a symbolic link (to an export share) is refused with the reason, the folder it points to
     * left as it was: a run replaces the day's folder by moves beside it, which would replace the link, not its target.
     */
    @Test
    void shouldRefuseADayFolderThatIsASymbolicLink(@TempDir final Path dir) throws Exception
    {
        final Path share = Files.createDirectories(dir.resolve("share").resolve(DAY.toString()));
        Files.writeString(share.resolve("a.csv"), "one");
        final Path folder = Files.createSymbolicLink(dir.resolve(DAY.toString()), share);

        final ClearingException refused = assertThrows(ClearingException.class, () -> ClearingFiles.publish(folder, DAY, files("uno", out -> { })));
        assertTrue(refused.getMessage().contains("it is a symbolic link"), refused.getMessage());
        assertTrue(Files.isSymbolicLink(folder), "still a link");
        assertEquals(List.of("a.csv"), List.copyOf(contents(share).keySet()));
        assertEquals("one", Files.readString(share.resolve("a.csv")));
    }

    /**
     * A run while another holds the lock beside the days' folders (another process clearing, here this one) is refused
     * with the reason, the day's folder as the earlier run left it: two runs of a day at once shared its .partial folder,
     * and the day's folder could hold files of both under one's manifest.
     */
    @Test
    void shouldRefuseARunWhileAnotherIsWriting(@TempDir final Path dir) throws Exception
    {
        final Path folder = dir.resolve(DAY.toString());
        ClearingFiles.publish(folder, DAY, files("one", out -> out.append("two")));
        final Map<String, byte[]> earlier = contents(folder);
        try (FileChannel channel = FileChannel.open(dir.resolve(ClearingFiles.LOCK), StandardOpenOption.WRITE); FileLock held = channel.lock())
        {
            final ClearingException refused = assertThrows(ClearingException.class,
                () -> ClearingFiles.publish(folder, DAY, files("uno", out -> out.append("dos"))));
            assertTrue(refused.getMessage().contains("another clearing run is writing beside it"), refused.getMessage());
        }
        assertAsTheEarlierRunLeftIt(dir, folder, earlier);
        ClearingFiles.publish(folder, DAY, files("uno", out -> out.append("dos")));
        assertEquals("uno", Files.readString(folder.resolve("a.csv")), "the lock let go, a run writes");
    }

    /** The day's folder holds {@code earlier}, byte for byte, and nothing is left beside it in {@code dir}. */
    private static void assertAsTheEarlierRunLeftIt(final Path dir, final Path folder, final Map<String, byte[]> earlier) throws IOException
    {
        final Map<String, byte[]> after = contents(folder);
        assertEquals(earlier.keySet(), after.keySet());
        for (final String name : earlier.keySet())
        {
            assertArrayEquals(earlier.get(name), after.get(name), name + " as the earlier run wrote it");
        }
        try (Stream<Path> beside = Files.list(dir))
        {
            assertEquals(List.of(folder), beside.filter(p -> !p.getFileName().toString().equals(ClearingFiles.LOCK)).toList(),
                "nothing left beside the day's folder but the runs' lock");
        }
    }

    private static Map<String, ClearingFiles.Content> files(final String a, final ClearingFiles.Content b)
    {
        final Map<String, ClearingFiles.Content> files = new LinkedHashMap<>();
        files.put("a.csv", out -> out.append(a));
        files.put("b.csv", b);
        return files;
    }

    /** The folder's files by name, in name order. */
    private static Map<String, byte[]> contents(final Path folder) throws IOException
    {
        final Map<String, byte[]> contents = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                contents.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return contents;
    }

    private static Settlement.MerchantLine line(final String merchant, final long net)
    {
        return new Settlement.MerchantLine(merchant, "A merchant", "5411", "retail", 0, "156", 1, net, 0, 0, 0, net, 0, net, "6222000000000001", DAY);
    }
}
