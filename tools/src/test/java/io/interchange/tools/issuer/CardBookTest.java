package io.interchange.tools.issuer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.interchange.codec.Pan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CardBookTest
{
    private static final List<String> BINS = List.of("476173", "535522");

    @TempDir
    Path dir;

    @Test
    void shouldGenerateTheSameCardsFromTheSameSeed()
    {
        assertEquals(CardBook.generate(42, BINS, 2_000).cards(), CardBook.generate(42, BINS, 2_000).cards());
    }

    @Test
    void shouldGenerateOtherCardsFromAnotherSeed()
    {
        final List<CardAccount> a = CardBook.generate(42, BINS, 100).cards();
        final List<CardAccount> b = CardBook.generate(43, BINS, 100).cards();
        for (int i = 0; i < a.size(); i++)
        {
            assertNotEquals(a.get(i).pan(), b.get(i).pan(), "card " + i);
        }
    }

    /** The generation is a contract with the terminal simulator: these values must not change, in any JVM. */
    @Test
    void shouldKeepGeneratingTheCardsSeed42HasAlwaysGiven()
    {
        final CardBook book = CardBook.generate(42, BINS, 10_000);
        assertEquals(new CardAccount("4761737123082834", CardStatus.ACTIVE, 3403, 518_262, 280_000, 0), book.card(0));
        assertEquals(new CardAccount("5355226214069057", CardStatus.ACTIVE, 3201, 744_560, 410_000, 0), book.card(1));
        assertEquals(new CardAccount("4761739678676309", CardStatus.ACTIVE, 3010, 534_952, 120_000, 0), book.card(2));
        assertEquals(207, count(book, CardStatus.LOST));
        assertEquals(224, count(book, CardStatus.STOLEN));
        assertEquals(290, book.cards().stream().filter(c -> c.status() == CardStatus.ACTIVE && c.expiredAt(2603)).count());
    }

    private static long count(final CardBook book, final CardStatus status)
    {
        return book.cards().stream().filter(c -> c.status() == status).count();
    }

    @Test
    void shouldGenerateUniqueLuhnValidPansUnderTheBinsInTurn()
    {
        final CardBook book = CardBook.generate(1, BINS, 5_000);
        final Set<String> pans = new HashSet<>();
        for (int i = 0; i < book.size(); i++)
        {
            final String pan = book.card(i).pan();
            assertEquals(CardBook.GENERATED_PAN_DIGITS, pan.length(), pan);
            assertTrue(Pan.luhnValid(pan), pan);
            assertTrue(pan.startsWith(BINS.get(i % 2)), pan);
            assertTrue(pans.add(pan), "twice: " + pan);
        }
    }

    @Test
    void shouldGenerateMostlyActiveCardsWithBalancesAndLimitsInRange()
    {
        final CardBook book = CardBook.generate(5, BINS, 10_000);
        long usable = 0;
        for (final CardAccount card : book.cards())
        {
            assertTrue(card.balance() >= 100_00 && card.balance() <= 10_000_00, card::toString);
            assertTrue(card.dailyLimit() >= 500_00 && card.dailyLimit() <= 5_000_00 && card.dailyLimit() % 100_00 == 0, card::toString);
            assertEquals(0, card.spentToday());
            final int year = card.expiry() / 100;
            assertTrue(year >= 15 && year <= 24 || year >= 30 && year <= 39, card::toString);
            usable += card.status() == CardStatus.ACTIVE && year >= 30 ? 1 : 0;
        }
        assertTrue(usable > 9_000 && usable < 9_600, "usable: " + usable);
    }

    @Test
    void shouldKeepPansUniqueWhenTheBinLeavesLittleRoom()
    {
        final CardBook book = CardBook.generate(3, List.of("476173123456"), 500);
        assertEquals(500, book.cards().stream().map(CardAccount::pan).distinct().count());
    }

    @Test
    void shouldRefuseWhatCannotBeGenerated()
    {
        assertThrows(IllegalArgumentException.class, () -> CardBook.generate(1, List.of("476173123456"), 501));
        assertThrows(IllegalArgumentException.class, () -> CardBook.generate(1, List.of("0476"), 10));
        assertThrows(IllegalArgumentException.class, () -> CardBook.generate(1, List.of("47x6"), 10));
        assertThrows(IllegalArgumentException.class, () -> CardBook.generate(1, List.of("4761731234567890"), 10));
        assertThrows(IllegalArgumentException.class, () -> CardBook.generate(1, List.of(), 10));
        assertThrows(IllegalArgumentException.class, () -> CardBook.generate(1, BINS, 0));
    }

    @Test
    void shouldFindCardsByPanAsNumberOrDigits()
    {
        final CardBook book = CardBook.generate(9, BINS, 100);
        final CardAccount card = book.card(57);
        assertEquals(57, book.indexOf(card.panNumber()));
        assertEquals(57, book.indexOf(card.pan()));
        assertEquals(card.panNumber(), book.panNumber(57));
        assertEquals(card, book.find(card.pan()).orElseThrow());
        assertEquals(-1, book.indexOf(TestCards.UNKNOWN));
        assertEquals(-1, book.indexOf("0" + card.pan().substring(1)));
        assertEquals(-1, book.indexOf("47617x0000000000"));
        assertTrue(book.find("4").isEmpty());
    }

    @Test
    void shouldMaskThePanWhenACardIsPrinted()
    {
        final CardAccount card = TestCards.book().card(0);
        assertFalse(card.toString().contains(card.pan()), card::toString);
        assertTrue(card.toString().contains(Pan.mask(card.pan())), card::toString);
    }

    private Path write(final String... lines) throws IOException
    {
        final Path file = dir.resolve("cards.csv");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void shouldLoadCardsFromCsvSkippingHeaderCommentsAndBlankLines() throws IOException
    {
        final CardBook book = CardBook.load(write(
            "pan,status,expiry,balance,dailyLimit",
            "# test cards",
            TestCards.ACTIVE + ",ACTIVE,3012,150000,50000",
            "",
            " " + TestCards.LOST + " , lost , 2701 , 0 , 0 ",
            TestCards.POOR + ",Stolen,2612,-500,100"));
        assertEquals(3, book.size());
        assertEquals(new CardAccount(TestCards.ACTIVE, CardStatus.ACTIVE, 3012, 150_000, 50_000, 0), book.card(0));
        assertEquals(new CardAccount(TestCards.LOST, CardStatus.LOST, 2701, 0, 0, 0), book.card(1));
        assertEquals(new CardAccount(TestCards.POOR, CardStatus.STOLEN, 2612, -500, 100, 0), book.card(2));
    }

    private void assertLineError(final int line, final String problem, final String... lines) throws IOException
    {
        final Path file = write(lines);
        final CardFileException ex = assertThrows(CardFileException.class, () -> CardBook.load(file));
        assertEquals(file, ex.file());
        assertEquals(line, ex.line());
        assertEquals(file + ":" + line + ": " + problem, ex.getMessage());
    }

    @Test
    void shouldNameFileLineAndProblemOfABadLine() throws IOException
    {
        final String good = TestCards.ACTIVE + ",ACTIVE,3012,150000,50000";
        assertLineError(2, "4 columns where 5 are expected: pan,status,expiry,balance,dailyLimit",
            good, TestCards.LOST + ",ACTIVE,3012,150000");
        assertLineError(3, "status 'BLOCKED' is not ACTIVE, LOST or STOLEN",
            CardBook.CSV_HEADER, good, TestCards.LOST + ",BLOCKED,3012,150000,50000");
        assertLineError(1, "expiry '3013' is not YYMM with a month 01-12", TestCards.LOST + ",ACTIVE,3013,1,1");
        assertLineError(1, "expiry '301' is not YYMM with a month 01-12", TestCards.LOST + ",ACTIVE,301,1,1");
        assertLineError(1, "balance '12.50' is not a whole number of minor units", TestCards.LOST + ",ACTIVE,3012,12.50,1");
        assertLineError(1, "daily limit '-1' is not a whole number of minor units at or above 0", TestCards.LOST + ",ACTIVE,3012,1,-1");
        assertLineError(1, "PAN " + Pan.mask("4761730000000000") + " fails the Luhn check", "4761730000000000,ACTIVE,3012,1,1");
        assertLineError(1, "PAN holds 'x' at position 3: digits only", "47x1730000000000,ACTIVE,3012,1,1");
        assertLineError(1, "PAN has 19 digits: 12 to 18 are accepted", TestCards.withCheckDigit("476173000000000000") + ",ACTIVE,3012,1,1");
        assertLineError(3, "PAN " + Pan.mask(TestCards.ACTIVE) + " is already on line 1", good, "# again", good);
    }

    @Test
    void shouldRefuseAFileWithoutCards() throws IOException
    {
        final Path file = write(CardBook.CSV_HEADER, "# nothing else");
        final CardFileException ex = assertThrows(CardFileException.class, () -> CardBook.load(file));
        assertEquals(file + ": no cards: expected lines of " + CardBook.CSV_HEADER, ex.getMessage());
    }

    @Test
    void shouldReportAMissingFileAsSuch()
    {
        assertThrows(NoSuchFileException.class, () -> CardBook.load(dir.resolve("missing.csv")));
    }

    @Test
    void shouldRefuseTheSamePanTwiceInABook()
    {
        final CardAccount card = TestCards.book().card(0);
        assertThrows(IllegalArgumentException.class, () -> CardBook.of(List.of(card, card)));
    }
}
