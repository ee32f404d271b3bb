package io.interchange.tools.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.stream.Stream;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.tools.InputException;
import io.interchange.tools.node.SwitchCommand;
import picocli.CommandLine.Option;

/**
 * The options every journal command shares: which journal, read with which keys, and which business day. The
 * config gives the PAN keys, the dialect table and the names of listeners and issuers; the journal's directory
 * is the config's unless {@code --journal} says otherwise.
 */
public final class JournalSource
{
    @Option(names = "--journal", paramLabel = "DIR", description = "The journal's directory (default: the config's journal dir).")
    private Path journal;

    @Option(names = "--config", paramLabel = "FILE", description = "The switch's HOCON config (default: the embedded defaults).")
    private Path configFile;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Only this business day (cutoff to cutoff).")
    private String date;

    private SwitchConfig config;

    /** The switch config the journal was written under, loaded once; a bad file is an input error. */
    public SwitchConfig config()
    {
        if (config == null)
        {
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging)
            {
                // Chronicle Queue says at INFO how it maps each file: noise under a command's output; its warnings still show.
                logging.getLogger("net.openhft").setLevel(Level.WARN);
            }
            final SwitchConfig loaded = SwitchCommand.load(configFile);
            config = journal == null ? loaded : loaded.withJournalDir(journal);
        }
        return config;
    }

    /** How to read the journal: checked to exist and to be a journal. */
    public JournalConfig journalConfig()
    {
        final JournalConfig journalConfig = SwitchNode.journalConfig(config());
        requireJournal(journalConfig.directory());
        return journalConfig;
    }

    /** The business day asked for, or null for the whole journal. */
    public LocalDate day()
    {
        if (date == null)
        {
            return null;
        }
        try
        {
            return LocalDate.parse(date);
        }
        catch (final DateTimeParseException ex)
        {
            throw new InputException("--date " + date + " is not a date: YYYY-MM-DD, e.g. 2026-03-10");
        }
    }

    /** A reader at the start of the journal or of the day asked for; the caller closes it. */
    public JournalReader open()
    {
        final JournalConfig journalConfig = journalConfig();
        final LocalDate day = day();
        final JournalReader reader;
        try
        {
            reader = new JournalReader(journalConfig);
        }
        catch (final Exception ex)
        {
            // Chronicle Queue's own, and checked ones it throws unchecked (StreamCorruptedException): queue files that
            // are not its, or whose header is damaged. Its messages may run to a hex dump: the first line says it.
            final String why = ex.getMessage() == null ? ex.toString() : ex.getMessage().lines().findFirst().orElse("");
            throw new InputException(journalConfig.directory() + " cannot be read as a journal: " + why);
        }
        if (day != null && !reader.toBusinessDay(day))
        {
            reader.close();
            throw new InputException("the journal " + journalConfig.directory() + " holds no records of business day " + day);
        }
        // Every run of the switch journals its NODE_START first: queue files without a record are not its journal (empty
        // or foreign files, or a start that never wrote), and reading "nothing" from them is no success. Files whose first
        // record's header is damaged do hold one: the reader says so (JournalDamagedException), for the command to fail.
        final boolean holdsARecord;
        try
        {
            holdsARecord = day != null || reader.next();
        }
        catch (final RuntimeException ex)
        {
            reader.close();
            throw ex;
        }
        if (!holdsARecord)
        {
            reader.close();
            throw new InputException(journalConfig.directory() + " is not a journal: its Chronicle Queue files hold no record");
        }
        return day == null ? reader.toStart() : reader;
    }

    /**
     * A missing directory or one without queue files is an input error, said in one line, before Chronicle Queue
     * sees it: opened read only it would fail with a stack of its own, or worse, find an empty journal and say nothing.
     */
    static void requireJournal(final Path dir)
    {
        if (!Files.exists(dir))
        {
            throw new InputException("no journal at " + dir + ": the directory does not exist");
        }
        if (!Files.isDirectory(dir))
        {
            throw new InputException(dir + " is not a journal: it is a file, not a directory");
        }
        try (Stream<Path> files = Files.list(dir))
        {
            if (files.noneMatch(file -> file.getFileName().toString().endsWith(".cq4")))
            {
                throw new InputException(dir + " is not a journal: it holds no Chronicle Queue files (*.cq4)");
            }
        }
        catch (final IOException ex)
        {
            throw new InputException("the journal " + dir + " cannot be read: " + ex.getMessage());
        }
    }
}
