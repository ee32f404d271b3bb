package io.interchange.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.CardStatus;

/** What the plan decides before a run: whose cards are whose, which declines the configuration allows, and what is refused. */
class LoadPlanTest
{
    private static final LocalDate TODAY = LocalDate.of(2026, 3, 15);
    private static final LoadOptions OPTIONS = LoadOptions.defaults().withCards(5, List.of("476173", "622848"), 20_000).withTerminals(12);

    @Test
    void shouldGiveEachCardToOneTerminalAndEachTerminalCardsOfEveryBin()
    {
        final LoadPlan plan = LoadPlan.of(OPTIONS, TODAY);
        final CardBook book = plan.book();
        final Set<Integer> seen = new HashSet<>();
        for (int t = 0; t < OPTIONS.terminals(); t++)
        {
            final Set<String> bins = new HashSet<>();
            for (final int[] pool : List.of(plan.active(t), plan.lost(t), plan.stolen(t), plan.expired(t)))
            {
                for (final int card : pool)
                {
                    assertTrue(seen.add(card), "card " + card + " given twice");
                    bins.add(Long.toString(book.panNumber(card)).substring(0, 6));
                }
            }
            assertEquals(Set.of("476173", "622848"), bins, "terminal " + t);
        }
        assertEquals(book.size(), seen.size(), "every card given out");
    }

    @Test
    void shouldSortCardsByWhatTheIssuerAndTheSwitchWillSayOfThem()
    {
        final LoadPlan plan = LoadPlan.of(OPTIONS, TODAY);
        final CardBook book = plan.book();
        assertEquals(2603, plan.yearMonth());
        for (int t = 0; t < OPTIONS.terminals(); t++)
        {
            for (final int card : plan.active(t))
            {
                assertEquals(CardStatus.ACTIVE, book.status(card));
                assertTrue(book.expiry(card) >= 2603, "active means unexpired");
            }
            for (final int card : plan.expired(t))
            {
                assertEquals(CardStatus.ACTIVE, book.status(card));
                assertTrue(book.expiry(card) < 2603);
            }
            for (final int card : plan.lost(t))
            {
                assertEquals(CardStatus.LOST, book.status(card));
            }
            for (final int card : plan.stolen(t))
            {
                assertEquals(CardStatus.STOLEN, book.status(card));
            }
            assertFalse(plan.lost(t).length == 0 || plan.stolen(t).length == 0 || plan.expired(t).length == 0, "terminal " + t);
        }
    }

    @Test
    void shouldTakeTheTerminalsAndDeclinesFromTheSwitchsConfiguration()
    {
        final LoadPlan plan = LoadPlan.of(OPTIONS, TODAY);
        assertEquals(10, plan.acceptors().size(), "TERM0001-TERM0010: active, at active merchants outside the blocked categories");
        assertEquals(new LoadPlan.Acceptor("TERM0001", "MERCHANT0000001"), plan.acceptor(0));
        assertEquals(new LoadPlan.Acceptor("TERM0010", "MERCHANT0000005"), plan.acceptor(9));
        assertEquals(new LoadPlan.Acceptor("TERM0001", "MERCHANT0000001"), plan.acceptor(10), "ids taken in turn");
        assertEquals(new LoadPlan.Acceptor("TERM0011", "MERCHANT0000006"), plan.blockedMcc());
        assertEquals(new LoadPlan.Acceptor("TERM0013", "MERCHANT0000007"), plan.suspended());
        assertEquals(840, plan.currency());
        assertEquals(100_000_000L, plan.maxAmount());
        assertEquals(List.of(TransactionCase.LOST_CARD, TransactionCase.STOLEN_CARD, TransactionCase.EXPIRED_CARD, TransactionCase.UNKNOWN_CARD,
            TransactionCase.UNKNOWN_BIN, TransactionCase.OVER_LIMIT, TransactionCase.BLOCKED_MCC, TransactionCase.SUSPENDED_MERCHANT,
            TransactionCase.UNSUPPORTED), plan.declines());
        assertFalse(LoadPlan.routes(OPTIONS.config().binTable(), plan.unroutedBin()));
        assertTrue(LoadPlan.routes(OPTIONS.config().binTable(), "4761731234567890"));
    }

    @Test
    void shouldLeaveOutDeclinesTheConfigurationCannotMake()
    {
        final SwitchConfig config = SwitchConfig.parse("interchange.limits.blocked-mcc = []\n" +
            "interchange.merchants = [ { id = \"MERCHANT0000001\", name = \"Shop\", mcc = 5411, status = active } ]\n" +
            "interchange.terminals = [ { id = \"TERM0001\", merchant = \"MERCHANT0000001\", status = active } ]\n", "test.conf");
        final LoadPlan plan = LoadPlan.of(OPTIONS.withConfig(config), TODAY);
        assertNull(plan.blockedMcc());
        assertNull(plan.suspended());
        assertFalse(plan.declines().contains(TransactionCase.BLOCKED_MCC));
        assertFalse(plan.declines().contains(TransactionCase.SUSPENDED_MERCHANT));
        assertEquals(new LoadPlan.Acceptor("TERM0001", "MERCHANT0000001"), plan.acceptor(11));
    }

    @Test
    void shouldRestEachCardLongEnoughForTheSwitchsFrequencyLimit()
    {
        // 10 a minute, 2 kept back, 2 requests a pick (0100 and 0220): 4 picks a minute, one every 15 s.
        final LoadPlan mixed = LoadPlan.of(OPTIONS, TODAY);
        assertEquals(2, mixed.usesPerPick());
        assertEquals(15_000_000_000L, mixed.spacingNanos());
        final LoadPlan purchases = LoadPlan.of(OPTIONS.withMix(Mix.PURCHASES), TODAY);
        assertEquals(1, purchases.usesPerPick());
        assertEquals(7_500_000_000L, purchases.spacingNanos());
    }

    @Test
    void shouldChargeACardAtMostHalfOfWhatItCanSpendInARun()
    {
        final LoadPlan plan = LoadPlan.of(OPTIONS, TODAY);
        final CardBook book = plan.book();
        for (int card = 0; card < 100; card++)
        {
            assertEquals(Math.min(book.balance(card), book.dailyLimit(card)) / 2, plan.cap(card));
            assertTrue(plan.cap(card) >= 50_00, "funds for dozens of purchases of at most 9.99");
        }
    }

    @Test
    void shouldRefuseABinTheSwitchDoesNotRoute()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> LoadPlan.of(OPTIONS.withCards(1, List.of("476173", "535522"), 1_000), TODAY));
        assertEquals("BIN 535522 has no route in the switch's BIN table: its cards would all be declined 15", ex.getMessage());
    }

    @Test
    void shouldRefuseARateTheCardsCannotCarryInOpenLoop()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> LoadPlan.of(OPTIONS.open(5_000), TODAY));
        assertTrue(ex.getMessage().startsWith("20000 cards are too few for 5000 requests a second"), ex.getMessage());
        assertTrue(ex.getMessage().contains("(--cards)"), ex.getMessage());
        // What it asks for is enough.
        final long enough = LoadPlan.of(OPTIONS, TODAY).cardsFor(5_000);
        LoadPlan.of(OPTIONS.open(5_000).withCards(5, List.of("476173", "622848"), (int)enough), TODAY);
        // A closed loop has no rate to check: it waits for cards instead, and says so.
        LoadPlan.of(OPTIONS.closed(64), TODAY);
    }

    @Test
    void shouldRefuseTooFewCardsForTheTerminals()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> LoadPlan.of(OPTIONS.withCards(5, List.of("476173"), 5).closed(1), TODAY));
        assertTrue(ex.getMessage().startsWith("5 cards leave simulated terminal"), ex.getMessage());
    }
}
