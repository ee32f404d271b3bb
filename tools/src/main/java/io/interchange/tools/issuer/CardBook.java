package io.interchange.tools.issuer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.agrona.collections.Long2LongHashMap;

/**
 * The cards an issuer knows and the live state of their accounts: balance, daily limit and what was spent today.
 * Cards are numbered 0 to {@link #size()} - 1 in the order they were generated or listed; {@link #indexOf(long)}
 * finds one by its PAN without allocating.
 *
 * <h2>Generated books are a contract</h2>
 * {@link #generate} gives the same cards for the same seed, BINs and count in every JVM: the terminal simulator
 * and the demo generate the book the issuer simulator holds and pick cards from it, without any file passing
 * between them. Card {@code i} takes BIN {@code bins[i % bins.size()]} and these draws from a {@link SplitMix64}
 * seeded with the seed, in this order:
 * <ol>
 *   <li>one digit per position between the BIN and the Luhn check digit, for a 16-digit PAN; drawn again while
 *       the PAN is already taken;</li>
 *   <li>a roll of 0-99: below {@value #LOST_BELOW} lost, below {@value #STOLEN_BELOW} stolen, below
 *       {@value #EXPIRED_BELOW} active but expired, else active;</li>
 *   <li>the expiry month, 1-12, then the year: 2015-2024 for an expired card, 2030-2039 for any other;</li>
 *   <li>the balance, 100.00 to 10,000.00 in minor units;</li>
 *   <li>the daily limit, 500.00 to 5,000.00 in steps of 100.00.</li>
 * </ol>
 * Changing any of this changes every seed's cards; {@code CardBookTest} pins some of them to catch it.
 *
 * <h2>Files</h2>
 * {@link #load} reads {@code pan,status,expiry,balance,dailyLimit} lines (see {@link CardAccount}); a header
 * line with those names, blank lines and {@code #} comments are skipped.
 *
 * <h2>Threads</h2>
 * Not thread safe. An {@link IssuerSimulator} confines its book to its event loop and reads it for other threads
 * through {@link IssuerSimulator#account}; a book generated elsewhere, to pick cards from, is a separate copy.
 */
public final class CardBook
{
    /** The digits of a generated PAN, check digit included. */
    public static final int GENERATED_PAN_DIGITS = 16;
    /**
     * The most cards {@link #generate} makes. Every card is held in memory (2.2 million, enough for a load test at 100,000
     * requests a second, take about 350 MB), and a bigger ask ran out of heap.
     */
    public static final int MAX_GENERATED = 20_000_000;
    /** Rolls (0-99) below this make a generated card lost. */
    public static final int LOST_BELOW = 2;
    /** Rolls below this (and not lost) make a generated card stolen. */
    public static final int STOLEN_BELOW = 4;
    /** Rolls below this (and not lost or stolen) make a generated card active but expired. */
    public static final int EXPIRED_BELOW = 7;
    /** The CSV columns, in order. */
    public static final String CSV_HEADER = "pan,status,expiry,balance,dailyLimit";

    private static final long NOT_FOUND = -1;
    private static final long MIN_BALANCE = 100_00;
    private static final long MAX_BALANCE = 10_000_00;
    private static final long LIMIT_STEP = 100_00;
    private static final int MIN_LIMIT_STEPS = 5;
    private static final int MAX_LIMIT_STEPS = 50;

    private final long[] pans;
    private final CardStatus[] statuses;
    private final int[] expiries;
    private final long[] balances;
    private final long[] dailyLimits;
    private final long[] spentToday;
    private final Long2LongHashMap index;

    private CardBook(final int size)
    {
        pans = new long[size];
        statuses = new CardStatus[size];
        expiries = new int[size];
        balances = new long[size];
        dailyLimits = new long[size];
        spentToday = new long[size];
        // Sized so that it never grows: a lookup probes a table at most two-thirds full.
        index = new Long2LongHashMap(Math.max(16, size * 2), 0.65f, NOT_FOUND);
    }

    /**
     * {@code count} cards with Luhn-valid 16-digit PANs under {@code bins} (in turn), mostly active, the same for
     * the same arguments in any JVM (see the class comment for how).
     *
     * @throws IllegalArgumentException for a BIN that is not 1-15 digits starting with 1-9, a count not 1 to
     *                                  {@link #MAX_GENERATED}, or more cards than a BIN has room for.
     */
    public static CardBook generate(final long seed, final List<String> bins, final int count)
    {
        if (bins.isEmpty())
        {
            throw new IllegalArgumentException("no BINs to generate cards under");
        }
        if (count < 1 || count > MAX_GENERATED)
        {
            throw new IllegalArgumentException("card count must be 1 to " + MAX_GENERATED + ": " + count);
        }
        for (int b = 0; b < bins.size(); b++)
        {
            checkBin(bins.get(b), count / bins.size() + (b < count % bins.size() ? 1 : 0));
        }
        final CardBook book = new CardBook(count);
        final SplitMix64 random = new SplitMix64(seed);
        final char[] digits = new char[GENERATED_PAN_DIGITS];
        for (int i = 0; i < count; i++)
        {
            final String bin = bins.get(i % bins.size());
            long pan;
            do
            {
                pan = drawPan(bin, digits, random);
            }
            while (book.index.containsKey(pan));

            final int roll = random.nextInt(100);
            final CardStatus status = roll < LOST_BELOW ? CardStatus.LOST : roll < STOLEN_BELOW ? CardStatus.STOLEN : CardStatus.ACTIVE;
            final boolean expired = roll >= STOLEN_BELOW && roll < EXPIRED_BELOW;
            final int month = 1 + random.nextInt(12);
            final int year = (expired ? 15 : 30) + random.nextInt(10);
            final long balance = MIN_BALANCE + random.nextInt((int)(MAX_BALANCE - MIN_BALANCE + 1));
            final long limit = (MIN_LIMIT_STEPS + random.nextInt(MAX_LIMIT_STEPS - MIN_LIMIT_STEPS + 1)) * LIMIT_STEP;
            book.set(i, pan, status, year * 100 + month, balance, limit, 0);
        }
        return book;
    }

    private static void checkBin(final String bin, final int cards)
    {
        final int n = bin.length();
        if (n < 1 || n >= GENERATED_PAN_DIGITS || bin.charAt(0) == '0' || !bin.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            throw new IllegalArgumentException("BIN '" + bin + "' is not 1 to " + (GENERATED_PAN_DIGITS - 1) + " digits starting with 1-9");
        }
        // Half the PANs a BIN has room for at most, so that drawing again past a taken one stays quick.
        long room = 1;
        for (int free = GENERATED_PAN_DIGITS - 1 - n; free > 0; free--)
        {
            room *= 10;
        }
        if (cards > room / 2)
        {
            throw new IllegalArgumentException("BIN " + bin + " has room for " + room + " PANs of " + GENERATED_PAN_DIGITS +
                " digits; " + cards + " cards need at least twice that");
        }
    }

    private static long drawPan(final String bin, final char[] digits, final SplitMix64 random)
    {
        final int n = bin.length();
        bin.getChars(0, n, digits, 0);
        for (int i = n; i < GENERATED_PAN_DIGITS - 1; i++)
        {
            digits[i] = (char)('0' + random.nextInt(10));
        }
        digits[GENERATED_PAN_DIGITS - 1] = '0';
        final int sum = luhnSum(digits);
        digits[GENERATED_PAN_DIGITS - 1] = (char)('0' + (10 - sum % 10) % 10);
        long pan = 0;
        for (final char c : digits)
        {
            pan = pan * 10 + (c - '0');
        }
        return pan;
    }

    /** The Luhn sum of all digits, the last one taken as the check digit's place. */
    private static int luhnSum(final char[] digits)
    {
        int sum = 0;
        for (int i = 0; i < digits.length; i++)
        {
            int d = digits[digits.length - 1 - i] - '0';
            if ((i & 1) == 1)
            {
                d <<= 1;
                d -= d > 9 ? 9 : 0;
            }
            sum += d;
        }
        return sum;
    }

    /** A book of the given cards, in that order. */
    public static CardBook of(final Collection<CardAccount> cards)
    {
        final CardBook book = new CardBook(cards.size());
        int i = 0;
        for (final CardAccount card : cards)
        {
            final long pan = card.panNumber();
            if (book.index.containsKey(pan))
            {
                throw new IllegalArgumentException("PAN " + card.maskedPan() + " is listed twice");
            }
            book.set(i++, pan, card.status(), card.expiry(), card.balance(), card.dailyLimit(), card.spentToday());
        }
        return book;
    }

    /**
     * The cards of a CSV file of {@code pan,status,expiry,balance,dailyLimit} lines, for example
     * {@code 4761739001010119,ACTIVE,3012,150000,50000}. Status is ACTIVE, LOST or STOLEN in any case; expiry is
     * YYMM; amounts are minor units. Nothing was spent today on any of them.
     *
     * @throws CardFileException naming the file, the line and what is wrong there.
     * @throws IOException       when the file cannot be read at all.
     */
    public static CardBook load(final Path file) throws IOException
    {
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        final List<CardAccount> cards = new ArrayList<>(lines.size());
        final Long2LongHashMap lineOfPan = new Long2LongHashMap(NOT_FOUND);
        boolean first = true;
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            if (first && line.replace(" ", "").equalsIgnoreCase(CSV_HEADER))
            {
                first = false;
                continue;
            }
            first = false;
            final CardAccount card = parseLine(file, i + 1, line);
            final long previous = lineOfPan.put(card.panNumber(), i + 1);
            if (previous != NOT_FOUND)
            {
                throw new CardFileException(file, i + 1, "PAN " + card.maskedPan() + " is already on line " + previous);
            }
            cards.add(card);
        }
        if (cards.isEmpty())
        {
            throw new CardFileException(file, 0, "no cards: expected lines of " + CSV_HEADER);
        }
        return of(cards);
    }

    private static CardAccount parseLine(final Path file, final int lineNumber, final String line) throws CardFileException
    {
        final String[] columns = line.split(",", -1);
        if (columns.length != 5)
        {
            throw new CardFileException(file, lineNumber, columns.length + " columns where 5 are expected: " + CSV_HEADER);
        }
        final String pan = columns[0].strip();
        final String panProblem = CardAccount.panProblem(pan);
        if (panProblem != null)
        {
            throw new CardFileException(file, lineNumber, panProblem);
        }
        final CardStatus status;
        try
        {
            status = CardStatus.valueOf(columns[1].strip().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CardFileException(file, lineNumber, "status '" + columns[1].strip() + "' is not ACTIVE, LOST or STOLEN");
        }
        final String expiryText = columns[2].strip();
        final int expiry = expiryText.length() == 4 ? (int)number(expiryText) : -1;
        if (!CardAccount.validExpiry(expiry))
        {
            throw new CardFileException(file, lineNumber, "expiry '" + expiryText + "' is not YYMM with a month 01-12");
        }
        final long balance = amount(file, lineNumber, "balance", columns[3].strip(), true);
        final long dailyLimit = amount(file, lineNumber, "daily limit", columns[4].strip(), false);
        return new CardAccount(pan, status, expiry, balance, dailyLimit, 0);
    }

    private static long amount(final Path file, final int line, final String name, final String text, final boolean signed)
        throws CardFileException
    {
        final boolean negative = signed && text.startsWith("-");
        final long value = number(negative ? text.substring(1) : text);
        if (value < 0)
        {
            throw new CardFileException(file, line, name + " '" + text + "' is not a whole number of minor units" +
                (signed ? "" : " at or above 0"));
        }
        return negative ? -value : value;
    }

    /** The value of 1 to 18 decimal digits, or -1. */
    private static long number(final String text)
    {
        if (text.isEmpty() || text.length() > 18)
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private void set(final int i, final long pan, final CardStatus status, final int expiry, final long balance, final long limit, final long spent)
    {
        pans[i] = pan;
        statuses[i] = status;
        expiries[i] = expiry;
        balances[i] = balance;
        dailyLimits[i] = limit;
        spentToday[i] = spent;
        index.put(pan, i);
    }

    public int size()
    {
        return pans.length;
    }

    /** Card {@code i} as it stands now. */
    public CardAccount card(final int i)
    {
        return new CardAccount(Long.toString(pans[i]), statuses[i], expiries[i], balances[i], dailyLimits[i], spentToday[i]);
    }

    /** Every card as it stands now, in book order. */
    public List<CardAccount> cards()
    {
        final List<CardAccount> all = new ArrayList<>(pans.length);
        for (int i = 0; i < pans.length; i++)
        {
            all.add(card(i));
        }
        return Collections.unmodifiableList(all);
    }

    /** The card whose PAN is {@code pan} as a number, or -1. No allocation. */
    public int indexOf(final long pan)
    {
        return (int)index.get(pan);
    }

    /** The card whose PAN is these digits, or -1 (also for anything that cannot be a PAN here). */
    public int indexOf(final CharSequence pan)
    {
        final int n = pan.length();
        if (n < CardAccount.MIN_PAN_DIGITS || n > CardAccount.MAX_PAN_DIGITS || pan.charAt(0) == '0')
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < n; i++)
        {
            final char c = pan.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return indexOf(value);
    }

    /** The card with this PAN as it stands now, if the book holds it. */
    public Optional<CardAccount> find(final CharSequence pan)
    {
        final int i = indexOf(pan);
        return i < 0 ? Optional.empty() : Optional.of(card(i));
    }

    /** Card {@code i}'s PAN as a number. */
    public long panNumber(final int i)
    {
        return pans[i];
    }

    public CardStatus status(final int i)
    {
        return statuses[i];
    }

    /** Card {@code i}'s expiry, YYMM. */
    public int expiry(final int i)
    {
        return expiries[i];
    }

    public long balance(final int i)
    {
        return balances[i];
    }

    public long dailyLimit(final int i)
    {
        return dailyLimits[i];
    }

    public long spentToday(final int i)
    {
        return spentToday[i];
    }

    /** Adds {@code amount} (negative for a debit) to card {@code i}'s balance. */
    void addBalance(final int i, final long amount)
    {
        balances[i] += amount;
    }

    /** Adds {@code amount} (negative to give back) to what card {@code i} spent today; never below zero. */
    void addSpent(final int i, final long amount)
    {
        spentToday[i] = Math.max(0, spentToday[i] + amount);
    }

    /** A new day: nothing spent on any card. */
    void resetSpent()
    {
        Arrays.fill(spentToday, 0);
    }
}
