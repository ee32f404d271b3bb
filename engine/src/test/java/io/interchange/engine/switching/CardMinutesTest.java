package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The per-card table of the minute: counts start again each minute without any clearing, and slots left by earlier
 * minutes never hide a card of this one, however the probes run over them.
 */
class CardMinutesTest
{
    @Test
    void shouldCountEachCardsRequestsWithinAMinuteAndStartAgainTheNext()
    {
        final CardMinutes table = new CardMinutes(1_024);
        table.minute(29_000_000L);
        assertEquals(1, table.countRequest(table.slot(4761739001010119L)));
        assertEquals(2, table.countRequest(table.slot(4761739001010119L)));
        assertEquals(1, table.countRequest(table.slot(5412751234567897L)));
        table.merchant(table.slot(5412751234567897L), 42L);
        assertEquals(2, table.size());

        table.minute(29_000_000L);
        assertEquals(3, table.countRequest(table.slot(4761739001010119L)), "the same minute again changes nothing");

        table.minute(29_000_001L);
        assertEquals(0, table.size());
        assertEquals(1, table.countRequest(table.slot(4761739001010119L)));
        assertEquals(0L, table.merchant(table.slot(5412751234567897L)), "no merchant yet this minute");
    }

    @Test
    void shouldAgreeWithAMapClearedEachMinuteOverManyMinutesOfCollidingCards()
    {
        // A small table (32 slots) and few distinct cards, so that every minute's probes run over slots that earlier
        // minutes left behind; growth too, when a minute brings more than 19 cards.
        final SplittableRandom random = new SplittableRandom(8583);
        final CardMinutes table = new CardMinutes(16);
        final Map<Long, long[]> oracle = new HashMap<>();
        for (int minute = 0; minute < 2_000; minute++)
        {
            table.minute(minute);
            oracle.clear();
            final int cards = random.nextInt(1, minute % 50 == 49 ? 60 : 19);
            for (int n = 0, requests = random.nextInt(0, 60); n < requests; n++)
            {
                final long card = random.nextInt(cards) * 1_000_003L;
                final long[] expected = oracle.computeIfAbsent(card, c -> new long[2]);
                final int slot = table.slot(card);
                assertEquals(expected[1], table.merchant(slot), "minute " + minute + ", card " + card);
                assertEquals(++expected[0], table.countRequest(slot), "minute " + minute + ", card " + card);
                expected[1] = random.nextLong();
                table.merchant(slot, expected[1]);
            }
            assertEquals(oracle.size(), table.size(), "minute " + minute);
        }
    }

    @Test
    void shouldGrowPastItsCardsKeepingThisMinutesCounts()
    {
        final CardMinutes table = new CardMinutes(16);
        final int before = table.capacity();
        table.minute(7);
        for (long card = 1; card <= 100; card++)
        {
            table.countRequest(table.slot(card));
            table.countRequest(table.slot(card));
        }
        assertEquals(true, table.capacity() > before, "grown");
        for (long card = 1; card <= 100; card++)
        {
            assertEquals(3, table.countRequest(table.slot(card)), "card " + card);
        }
    }

    @Test
    void shouldLeaveCardsUncountedRatherThanFailWhenFullAtItsLargest()
    {
        final CardMinutes table = new CardMinutes(16, 32);
        table.minute(7);
        for (long card = 1; card <= 31; card++)
        {
            assertEquals(1, table.countRequest(table.slot(card)), "card " + card);
        }
        assertEquals(32, table.capacity(), "never past its largest");
        assertEquals(0, table.uncounted());
        for (long card = 32; card <= 40; card++)
        {
            assertEquals(1, table.countRequest(table.slot(card)), "card " + card + " goes uncounted: each look-up starts at 0");
            assertEquals(1, table.countRequest(table.slot(card)), "card " + card + " again");
            table.merchant(table.slot(card), 42L);
        }
        assertEquals(27, table.uncounted());
        for (long card = 1; card <= 31; card++)
        {
            assertEquals(2, table.countRequest(table.slot(card)), "card " + card + " kept its count");
            assertEquals(0L, table.merchant(table.slot(card)), "no merchant of an uncounted card leaked into it");
        }
        table.minute(8);
        assertEquals(1, table.countRequest(table.slot(40)), "a new minute has room again");
        assertEquals(1, table.countRequest(table.slot(1)));
    }
}
