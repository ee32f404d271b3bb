package io.interchange.tools.system;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.CardStatus;

/** Cards of a simulated issuer's book, picked by what a test needs, each used by one test only. */
final class Cardholders
{
    static final String PIN_BLOCK = "0123456789ABCDEF";
    private static final DateTimeFormatter FIELD_7 = DateTimeFormatter.ofPattern("MMddHHmmss");

    private final CardBook book;
    private final List<Integer> used = new ArrayList<>();
    private int stan;

    Cardholders(final CardBook book)
    {
        this.book = book;
    }

    static int currentYearMonth()
    {
        final LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return (today.getYear() % 100) * 100 + today.getMonthValue();
    }

    /** An unused card that can pay {@code amount}: active, not expired, funds and daily limit to spare. */
    synchronized CardAccount payer(final long amount)
    {
        return payer(amount, "");
    }

    /** As {@link #payer(long)}, of a card whose number starts with {@code bin}. */
    synchronized CardAccount payer(final long amount, final String bin)
    {
        return pick(c -> c.pan().startsWith(bin) && c.status() == CardStatus.ACTIVE && !c.expiredAt(currentYearMonth()) &&
            c.balance() >= amount * 4 && c.dailyLimit() - c.spentToday() >= amount * 4);
    }

    synchronized CardAccount pick(final Predicate<CardAccount> wanted)
    {
        for (int i = 0; i < book.size(); i++)
        {
            if (!used.contains(i) && wanted.test(book.card(i)))
            {
                used.add(i);
                return book.card(i);
            }
        }
        throw new IllegalStateException("no card left in the book for this test");
    }

    synchronized String nextStan()
    {
        stan = stan % 999_999 + 1;
        return String.format("%06d", stan);
    }

    /** A card-present 0200 purchase at TERM0001 of MERCHANT0000001, in US dollars, with track 2 and a PIN block. */
    Map<Integer, String> purchase(final String pan, final int expiry, final long amount)
    {
        return cardPresent(pan, expiry, amount, nextStan(), "TERM0001", "MERCHANT0000001");
    }

    /** A card-present 0200 purchase in US dollars, with track 2 and a PIN block, from a terminal that keeps its own STANs. */
    static Map<Integer, String> cardPresent(final String pan, final int expiry, final long amount, final String stan, final String terminal,
        final String merchant)
    {
        final ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        final Map<Integer, String> m = new HashMap<>();
        final String yymm = String.format("%04d", expiry);
        m.put(2, pan);
        m.put(3, "000000");
        m.put(4, String.format("%012d", amount));
        m.put(7, now.format(FIELD_7));
        m.put(11, stan);
        m.put(12, now.format(DateTimeFormatter.ofPattern("HHmmss")));
        m.put(13, now.format(DateTimeFormatter.ofPattern("MMdd")));
        m.put(14, yymm);
        m.put(22, "051");
        m.put(25, "00");
        m.put(35, pan + "=" + yymm + "2011143804400000");
        m.put(41, terminal);
        m.put(42, merchant);
        m.put(49, "840");
        m.put(52, PIN_BLOCK);
        return m;
    }

    Map<Integer, String> purchase(final CardAccount card, final long amount)
    {
        return purchase(card.pan(), card.expiry(), amount);
    }

    /**
     * {@code purchase} as a UnionPay POS terminal sends a card read from the stripe: the card number only in track 2,
     * no field 2 (nor 7: the batch number keys it), in yuan, a sale (60.1 = 22) in batch 1. Changes and returns it.
     */
    static Map<Integer, String> swiped(final Map<Integer, String> purchase)
    {
        purchase.remove(2);
        purchase.remove(7);
        purchase.put(22, "021");
        purchase.put(49, "156");
        purchase.put(60, "22" + "000001");
        return purchase;
    }

    /**
     * The terminal's reversal (0400) of {@code original}, a 0200: the same fields without track 2 and the PIN block,
     * a STAN of its own, and field 90 naming the original (its MTI, STAN and field 7).
     */
    Map<Integer, String> reversalOf(final Map<Integer, String> original)
    {
        final Map<Integer, String> reversal = new HashMap<>(original);
        reversal.remove(35);
        reversal.remove(52);
        reversal.put(11, nextStan());
        reversal.put(90, "0200" + original.get(11) + original.get(7) + "0".repeat(22));
        return reversal;
    }

    /** 0800 network management with field 70 (001 sign-on, 002 sign-off, 301 echo). */
    Map<Integer, String> network(final String code)
    {
        final Map<Integer, String> m = new HashMap<>();
        m.put(7, ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7));
        m.put(11, nextStan());
        m.put(70, code);
        return m;
    }

    /** A Luhn-valid PAN of 16 digits starting with {@code prefix}. */
    static String luhnPan(final String prefix, final long seed)
    {
        final StringBuilder pan = new StringBuilder(prefix);
        long s = seed;
        while (pan.length() < 15)
        {
            pan.append((char)('0' + Math.floorMod(s, 10)));
            s = s / 10 + 7;
        }
        for (int check = 0; check < 10; check++)
        {
            final String candidate = pan.toString() + check;
            if (luhn(candidate))
            {
                return candidate;
            }
        }
        throw new AssertionError("unreachable");
    }

    static boolean luhn(final String pan)
    {
        int sum = 0;
        for (int i = 0; i < pan.length(); i++)
        {
            int d = pan.charAt(pan.length() - 1 - i) - '0';
            if ((i & 1) == 1)
            {
                d *= 2;
            }
            sum += d > 9 ? d - 9 : d;
        }
        return sum % 10 == 0;
    }
}
