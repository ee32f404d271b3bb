package io.interchange.engine.clearing;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.interchange.engine.clearing.ClearingExceptionItem.Kind;
import io.interchange.engine.config.MerchantConfig;
import io.interchange.engine.config.SwitchConfig;

/**
 * Writes a day's clearing folder. Every byte comes from the journal and the configuration: no clock, no locale, no
 * hash-map order, "\n" line ends, UTF-8; so clearing the same journal twice gives the same files, and
 * manifest.json the same sums. CSV follows RFC 4180 (a value with a comma, quote or line end is quoted, quotes
 * doubled); amounts are integer minor units beside their ISO 4217 numeric currency.
 */
final class ClearingFiles
{
    private static final Logger LOG = LoggerFactory.getLogger(ClearingFiles.class);
    /** Earlier runs' folders set aside that are looked for, at most: each is one a run could not delete. */
    private static final int MAX_SET_ASIDE = 100;
    /** Held while a run writes, in the directory of the days' folders, and left there. */
    static final String LOCK = ".clearing.lock";
    static final String TRANSACTIONS = "transactions.csv";
    static final String MERCHANTS = "merchant-settlement.csv";
    static final String POSITIONS = "institution-positions.csv";
    static final String EXCEPTIONS = "exceptions.csv";
    static final String SUMMARY_HTML = "summary.html";
    static final String SUMMARY_TEXT = "summary.txt";
    static final String MANIFEST = "manifest.json";

    private ClearingFiles()
    {
    }

    /** One file's content, written to the sink it is given. */
    @FunctionalInterface
    interface Content
    {
        void writeTo(Appendable out) throws IOException;
    }

    /** Writes the files into {@code folder} (made if missing); returns their paths, the manifest last. */
    static List<Path> write(final Path folder, final SwitchConfig config, final DayReader.Day day, final Settlement.Result settlement)
    {
        // Everything but the transactions, row by row, is made before the first file is written: a total that does not
        // fit a long (the summary's sums across merchants and positions) stops clearing with nothing written, as its
        // message says, not with four files of the day in the folder and the rest missing.
        final String merchants = merchants(settlement);
        final String positions = positions(settlement);
        final String exceptions = exceptions(day);
        final String summaryText = SummaryText.text(day, valueDate(config, day.date()), settlement);
        final String summaryHtml = SummaryText.html(day, valueDate(config, day.date()), settlement);
        final Map<String, Content> files = new LinkedHashMap<>();
        files.put(TRANSACTIONS, out -> transactions(out, config, day));
        files.put(MERCHANTS, out -> out.append(merchants));
        files.put(POSITIONS, out -> out.append(positions));
        files.put(EXCEPTIONS, out -> out.append(exceptions));
        files.put(SUMMARY_TEXT, out -> out.append(summaryText));
        files.put(SUMMARY_HTML, out -> out.append(summaryHtml));
        return publish(folder, day.date(), files);
    }

    /**
     * Writes {@code files} and their manifest into a folder beside {@code folder} ({@code <day>.partial}), then puts it in
     * its place, the folder of an earlier run of the day moved aside first ({@code <day>.previous}) and deleted after: a
     * day's folder holds one run's files, all of them, with the manifest that sums them, or, when a file cannot be written
     * (a full disk, a total that does not fit), stays as the earlier run left it. Writing in place, a failure left the
     * files written so far beside the rest of an earlier run and that run's manifest, whose sums no longer held. The
     * folder is clearing's: a run replaces it whole.
     */
    static List<Path> publish(final Path folder, final LocalDate day, final Map<String, Content> files)
    {
        notALink(folder);
        final Path lockFile = folder.resolveSibling(LOCK);
        try
        {
            Files.createDirectories(lockFile.toAbsolutePath().getParent());
        }
        catch (final IOException ex)
        {
            throw new ClearingException("cannot write " + folder + ": " + ex.getMessage(), ex);
        }
        // One run at a time writes beside the days' folders: two runs of a day at once shared its .partial folder, and the
        // day's folder could hold files of both under one's manifest.
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(channel))
        {
            if (lock == null)
            {
                throw new ClearingException("cannot write " + folder + ": another clearing run is writing beside it (" + lockFile +
                    " is locked); run one at a time");
            }
            return publishLocked(folder, day, files);
        }
        catch (final IOException ex)
        {
            throw new ClearingException("cannot write " + folder + ": " + ex.getMessage(), ex);
        }
    }

    /** The lock, or null when another run holds it, in this process or another. */
    private static FileLock tryLock(final FileChannel channel) throws IOException
    {
        try
        {
            return channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            return null;
        }
    }

    private static List<Path> publishLocked(final Path folder, final LocalDate day, final Map<String, Content> files)
    {
        final Path staging = folder.resolveSibling(folder.getFileName() + ".partial");
        final StringBuilder manifest = new StringBuilder("{\n  \"business_day\": \"").append(day).append("\",\n  \"files\": [\n");
        try
        {
            recoverEarlier(folder);
            deleteTree(staging);
            Files.createDirectories(staging);
            int i = 0;
            for (final Map.Entry<String, Content> file : files.entrySet())
            {
                final Written written = writeFile(staging.resolve(file.getKey()), file.getValue());
                manifest.append("    { \"name\": \"").append(file.getKey()).append("\", \"bytes\": ").append(written.bytes())
                    .append(", \"sha256\": \"").append(written.sha256()).append("\" }").append(++i < files.size() ? ",\n" : "\n");
            }
            manifest.append("  ]\n}\n");
            writeFile(staging.resolve(MANIFEST), out -> out.append(manifest));
            replace(folder, staging);
        }
        catch (final IOException | RuntimeException ex)
        {
            try
            {
                deleteTree(staging);
            }
            catch (final IOException cleanup)
            {
                ex.addSuppressed(cleanup);
            }
            if (ex instanceof RuntimeException runtime)
            {
                throw runtime;
            }
            throw new ClearingException("cannot write " + folder + ": " + ex.getMessage(), ex);
        }
        final List<Path> paths = new ArrayList<>();
        for (final String name : files.keySet())
        {
            paths.add(folder.resolve(name));
        }
        paths.add(folder.resolve(MANIFEST));
        return List.copyOf(paths);
    }

    /**
     * A day's folder that is a symbolic link (to an export share) is refused: the run replaces the folder whole, by moves
     * beside it, which would replace the link, not what it points to, and cannot move a share's mount point at all. Give
     * clearing the directory to write into instead ({@code --out}).
     */
    private static void notALink(final Path folder)
    {
        if (Files.isSymbolicLink(folder))
        {
            throw new ClearingException("cannot write " + folder + ": it is a symbolic link; give clearing the directory it points into (--out) " +
                "instead, as a run replaces the day's folder whole");
        }
    }

    /**
     * Puts {@code staging} in the place of {@code folder}, an earlier one moved aside ({@code <day>.previous}) until the new
     * one is in, then deleted. One that cannot be deleted (a file a reader holds open on a network share) is left with a
     * warning, not taken for a failure of the run, which has its files in place; the next run sets its earlier folder
     * aside under a number past every one still there ({@code <day>.previous-2}, ...), so the newest set aside has the
     * highest number.
     */
    private static void replace(final Path folder, final Path staging) throws IOException
    {
        // Past every one still there, so that the newest set aside always has the highest number.
        int n = 1;
        for (int k = MAX_SET_ASIDE; k >= 1; k--)
        {
            if (Files.exists(setAside(folder, k), LinkOption.NOFOLLOW_LINKS))
            {
                n = k + 1;
                break;
            }
        }
        if (n > MAX_SET_ASIDE)
        {
            throw new IOException("earlier runs' folders set aside beside it up to " + setAside(folder, MAX_SET_ASIDE).getFileName() +
                " could not be deleted; delete them by hand");
        }
        final Path aside = setAside(folder, n);
        final boolean earlier = Files.exists(folder, LinkOption.NOFOLLOW_LINKS);
        if (earlier)
        {
            Files.move(folder, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        try
        {
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            if (earlier)
            {
                try
                {
                    Files.move(aside, folder, StandardCopyOption.ATOMIC_MOVE);
                }
                catch (final IOException rollback)
                {
                    ex.addSuppressed(rollback); // the next run puts it back (recoverEarlier)
                }
            }
            throw ex;
        }
        deleteSetAside(folder);
    }

    /** The {@code n}th name an earlier run's folder is set aside under: {@code <day>.previous}, then {@code <day>.previous-n}. */
    private static Path setAside(final Path folder, final int n)
    {
        return folder.resolveSibling(folder.getFileName() + (n == 1 ? ".previous" : ".previous-" + n));
    }

    /** The earlier runs' folders set aside beside {@code folder}, newest last. */
    private static List<Path> setAsideFolders(final Path folder)
    {
        final List<Path> found = new ArrayList<>();
        for (int n = 1; n <= MAX_SET_ASIDE; n++)
        {
            final Path aside = setAside(folder, n);
            if (Files.exists(aside, LinkOption.NOFOLLOW_LINKS))
            {
                found.add(aside);
            }
        }
        return found;
    }

    /**
     * A run stopped between {@link #replace}'s two moves left the day without a folder and its earlier run set aside: the
     * newest set aside is put back, before anything else.
     */
    private static void recoverEarlier(final Path folder) throws IOException
    {
        final List<Path> aside = setAsideFolders(folder);
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS) && !aside.isEmpty())
        {
            Files.move(aside.get(aside.size() - 1), folder, StandardCopyOption.ATOMIC_MOVE);
        }
        if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS))
        {
            deleteSetAside(folder);
        }
    }

    /** Deletes the earlier runs' folders set aside, with a warning for each that cannot be. */
    private static void deleteSetAside(final Path folder)
    {
        for (final Path aside : setAsideFolders(folder))
        {
            try
            {
                deleteTree(aside);
            }
            catch (final IOException ex)
            {
                LOG.warn("an earlier clearing run's folder {} could not be deleted ({}); delete it by hand", aside, ex.toString());
            }
        }
    }

    /** Deletes {@code path} and everything under it, if it is there. */
    private static void deleteTree(final Path path) throws IOException
    {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS))
        {
            return;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
        {
            try (Stream<Path> children = Files.list(path))
            {
                for (final Path child : (Iterable<Path>)children::iterator)
                {
                    deleteTree(child);
                }
            }
            catch (final UncheckedIOException ex)
            {
                throw ex.getCause(); // a listing that failed part way: an I/O failure as any other
            }
        }
        Files.delete(path);
    }

    /** What a file came to: its length and SHA-256, taken as it was written. */
    private record Written(long bytes, String sha256)
    {
    }

    /** Streams the content through SHA-256 into {@code path}: a day of millions of rows is never held whole in memory. */
    private static Written writeFile(final Path path, final Content content) throws IOException
    {
        final MessageDigest digest = sha256();
        try (CountingOutputStream counted = new CountingOutputStream(new DigestOutputStream(Files.newOutputStream(path), digest));
             Writer writer = new BufferedWriter(new OutputStreamWriter(counted, StandardCharsets.UTF_8), 1 << 16))
        {
            content.writeTo(writer);
            writer.flush();
            return new Written(counted.count, HexFormat.of().formatHex(digest.digest()));
        }
    }

    /** Counts what passes. */
    private static final class CountingOutputStream extends FilterOutputStream
    {
        private long count;

        CountingOutputStream(final OutputStream out)
        {
            super(out);
        }

        @Override
        public void write(final int b) throws IOException
        {
            out.write(b);
            count++;
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            out.write(b, off, len);
            count += len;
        }
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every Java platform has SHA-256", ex);
        }
    }

    private static void transactions(final Appendable out, final SwitchConfig config, final DayReader.Day day) throws IOException
    {
        final Map<String, String> mccs = new HashMap<>();
        for (final MerchantConfig merchant : config.merchants())
        {
            mccs.put(merchant.id(), digits(merchant.mcc(), 4));
        }
        final UtcMillis utc = new UtcMillis();
        final DayTransactions t = day.transactions();
        final StringBuilder sb = new StringBuilder(256);
        row(sb, "time", "mti", "processing_code", "masked_pan", "amount", "currency", "merchant", "terminal", "mcc", "issuer", "acquirer", "stan",
            "rrn", "auth_code", "response_code", "state");
        out.append(sb);
        for (int i = 0; i < t.size(); i++)
        {
            sb.setLength(0);
            row(sb, utc.format(t.timeNanos(i)), digits(t.mti(i), 4), t.processingCode(i), t.maskedPan(i), String.valueOf(t.amount(i)), t.currency(i),
                t.merchant(i), t.terminal(i), mccs.getOrDefault(t.merchant(i), ""), t.issuer(i), t.acquirer(i), t.stan(i), t.rrn(i), t.authCode(i),
                t.responseCode(i), t.state(i).label());
            out.append(sb);
        }
    }

    /** {@code value} in {@code width} digits, zeros in front; String.format's parsing costs too much per row. */
    private static String digits(final int value, final int width)
    {
        final String text = String.valueOf(value);
        return text.length() >= width ? text : "0".repeat(width - text.length()) + text;
    }

    private static String merchants(final Settlement.Result settlement)
    {
        final StringBuilder sb = new StringBuilder();
        row(sb, "merchant", "name", "mcc", "discount_group", "currency", "count", "gross_sales", "refunds", "reversed_count", "reversed", "net_sales",
            "discount_bps", "fee", "net_payable", "settlement_account", "value_date");
        for (final Settlement.MerchantLine m : settlement.merchants())
        {
            row(sb, m.merchant(), m.name(), m.mcc(), m.group(), m.currency(), String.valueOf(m.count()), String.valueOf(m.grossSales()),
                String.valueOf(m.refunds()), String.valueOf(m.reversedCount()), String.valueOf(m.reversed()), String.valueOf(m.netSales()),
                String.valueOf(m.bps()), String.valueOf(m.fee()), String.valueOf(m.netPayable()), m.account(), m.valueDate().toString());
        }
        return sb.toString();
    }

    private static String positions(final Settlement.Result settlement)
    {
        final StringBuilder sb = new StringBuilder();
        row(sb, "role", "institution", "institution_id", "currency", "debits", "credits", "interchange", "switch_fees", "net_position");
        for (final Settlement.Position p : settlement.positions())
        {
            row(sb, p.role(), p.institution(), p.institutionId(), p.currency(), String.valueOf(p.debits()), String.valueOf(p.credits()),
                String.valueOf(p.interchange()), String.valueOf(p.switchFees()), String.valueOf(p.net()));
        }
        return sb.toString();
    }

    private static String exceptions(final DayReader.Day day)
    {
        final StringBuilder sb = new StringBuilder();
        row(sb, "time", "kind", "terminal", "merchant", "stan", "masked_pan", "amount", "currency", "response_code", "detail");
        for (final ClearingExceptionItem e : day.exceptions())
        {
            row(sb, e.time(), e.kind().label(), e.terminal(), e.merchant(), e.stan(), e.maskedPan(), String.valueOf(e.amount()), e.currency(),
                e.responseCode(), e.detail());
        }
        return sb.toString();
    }

    /** Exceptions by kind, every kind listed (zeros too), in the kinds' order. */
    static Map<Kind, Integer> exceptionCounts(final DayReader.Day day)
    {
        final Map<Kind, Integer> counts = new LinkedHashMap<>();
        for (final Kind kind : Kind.values())
        {
            counts.put(kind, 0);
        }
        for (final ClearingExceptionItem e : day.exceptions())
        {
            counts.merge(e.kind(), 1, Integer::sum);
        }
        return counts;
    }

    static LocalDate valueDate(final SwitchConfig config, final LocalDate day)
    {
        return day.plusDays(config.clearing().valueDateDays());
    }

    private static void row(final StringBuilder sb, final String... values)
    {
        for (int i = 0; i < values.length; i++)
        {
            if (i > 0)
            {
                sb.append(',');
            }
            final String v = values[i];
            if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0)
            {
                sb.append('"').append(v.replace("\"", "\"\"")).append('"');
            }
            else
            {
                sb.append(v);
            }
        }
        sb.append('\n');
    }
}
