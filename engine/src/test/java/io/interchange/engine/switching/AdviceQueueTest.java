package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The advice queue gives each issuer its advices in the order they were queued, however its slots have wrapped;
 * repeats once due; a blocked advice once what it waits for is acknowledged; and never more than the issuer's window
 * awaiting acknowledgement.
 */
class AdviceQueueTest
{
    private static final long RETRY = 1_000;

    @Test
    void shouldGiveAdvicesInTheOrderTheyWereQueuedAfterTheSlotsWrap()
    {
        final AdviceQueue queue = queue(4, 1);
        final int[] first = new int[4];
        for (int i = 0; i < 4; i++)
        {
            first[i] = add(queue, 0);
        }
        // The two oldest are acknowledged; two more come, into the slots they left at the start of the queue.
        queue.remove(first[0]);
        queue.remove(first[1]);
        final int later = add(queue, 0);
        final int last = add(queue, 0);
        assertEquals(first[0], later, "the slots wrapped");

        assertEquals(List.of(first[2], first[3], later, last), sendAll(queue, 0, 0), "oldest first");
    }

    @Test
    void shouldGiveAdvicesInTheOrderTheyWereQueuedWhenAGapInTheMiddleIsTakenAgain()
    {
        final AdviceQueue queue = queue(4, 1);
        final int standIn = add(queue, 0);
        final int other = add(queue, 0);
        final int reversal = add(queue, 0);
        queue.remove(other);
        final int n = add(queue, 0);
        final int p = add(queue, 0);
        assertEquals(other, p, "the gap in the middle was taken again");

        assertEquals(List.of(standIn, reversal, n, p), sendAll(queue, 0, 0), "the 0220 before the 0420 that reverses it");
    }

    @Test
    void shouldGiveARepeatOnlyOnceItIsDue()
    {
        final AdviceQueue queue = queue(8, 1);
        final int b = add(queue, 0);
        queue.sent(b, 1, 7, 50, RETRY);
        final int a = add(queue, 0);
        assertEquals(a, queue.next(0, 100), "never sent goes first");
        queue.sent(a, 1, 8, 100, RETRY);
        assertEquals(AdviceQueue.NONE, queue.next(0, 100), "b is due again only at 1,050");
        assertEquals(b, queue.next(0, 1_050));
        assertEquals(1, queue.attempts(b));
        queue.sent(b, 1, 9, 1_050, RETRY);
        assertEquals(a, queue.next(0, 1_100), "then a, sent at 100");
    }

    @Test
    void shouldKeepEachIssuersAdvicesApart()
    {
        final AdviceQueue queue = queue(8, 2);
        final int a1 = add(queue, 0);
        final int b1 = add(queue, 1);
        final int a2 = add(queue, 0);
        assertEquals(List.of(b1), sendAll(queue, 1, 0), "issuer 1 has only its own");
        assertEquals(List.of(a1, a2), sendAll(queue, 0, 0));
        assertEquals(0, queue.ready(), "all sent");
    }

    @Test
    void shouldHoldBackAnAdviceUntilTheOneItWaitsForIsAcknowledged()
    {
        final AdviceQueue queue = queue(8, 1);
        final int standIn = add(queue, 0);
        queue.sent(standIn, 1, 5, 0, RETRY);
        final int reversal = add(queue, 0);
        queue.waitFor(reversal, standIn, queue.serial(standIn));
        final int other = add(queue, 0);

        assertEquals(List.of(other), sendAll(queue, 0, 10), "the 0420 waits; the advice behind it does not");
        assertEquals(0, queue.ready(), "the 0420 is blocked, not ready");
        assertEquals(standIn, queue.acknowledged(1, 5));
        queue.remove(standIn);
        assertEquals(1, queue.ready(), "its wait is over");
        assertEquals(reversal, queue.next(0, 20), "the 0230 came: the 0420 goes");
    }

    @Test
    void shouldFreeBlockedAdvicesOldestFirstAheadOfThoseQueuedAfterThem()
    {
        final AdviceQueue queue = queue(8, 1);
        final int standIn = add(queue, 0);
        final int completion = add(queue, 0);
        sendAll(queue, 0, 0);
        final int firstReversal = add(queue, 0);
        queue.waitFor(firstReversal, standIn, queue.serial(standIn));
        final int secondReversal = add(queue, 0);
        queue.waitFor(secondReversal, completion, queue.serial(completion));
        final int thirdReversal = add(queue, 0);
        queue.waitFor(thirdReversal, standIn, queue.serial(standIn));
        assertEquals(List.of(), sendAll(queue, 0, 10), "all three wait");
        final int later = add(queue, 0);

        queue.remove(standIn);
        assertEquals(List.of(firstReversal, thirdReversal, later), sendAll(queue, 0, 20), "the two on the 0220 acknowledged, oldest first, then the rest");
        queue.remove(completion);
        assertEquals(List.of(secondReversal), sendAll(queue, 0, 30));
    }

    @Test
    void shouldNotFreeAnAdviceWhenTheSlotItWaitedForIsTakenAgainByAnother()
    {
        final AdviceQueue queue = queue(3, 1);
        final int standIn = add(queue, 0);
        sendAll(queue, 0, 0);
        final int reversal = add(queue, 0);
        final long serial = queue.serial(standIn);
        queue.remove(standIn);
        queue.waitFor(reversal, standIn, serial);
        assertEquals(false, queue.waiting(reversal), "the 0220 was acknowledged before the 0420 was queued: nothing to wait for");
        final int other = add(queue, 0);
        final int reused = add(queue, 0);
        assertEquals(standIn, reused, "the acknowledged 0220's slot is taken again");
        assertEquals(List.of(reversal, other, reused), sendAll(queue, 0, 10));
    }

    @Test
    void shouldKeepBlockedAdvicesBlockedAcrossLostLinksAndFreeThemOnTheAcknowledgement()
    {
        final AdviceQueue queue = queue(8, 1);
        final int standIn = add(queue, 0);
        sendAll(queue, 0, 0);
        final int reversal = add(queue, 0);
        queue.waitFor(reversal, standIn, queue.serial(standIn));
        assertEquals(List.of(), sendAll(queue, 0, 10));
        queue.linksLost();
        assertEquals(List.of(standIn), sendAll(queue, 0, 20), "the 0220 again, as a repeat; the 0420 still waits");
        queue.remove(standIn);
        assertEquals(List.of(reversal), sendAll(queue, 0, 30));
        assertEquals(1, queue.size());
        queue.remove(reversal);
        assertEquals(0, queue.size());
        assertEquals(0, queue.ready());
    }

    @Test
    void shouldFindAdvicesAlikeByWhetherTheirSendIsARepeatAndKeepFindingTheOtherOnceOneIsGone()
    {
        final AdviceQueue queue = queue(8, 1);
        final int older = queue.reserve(0);
        queue.add(older, 10, 0, 0, 0, 42);
        final int newer = queue.reserve(0);
        queue.add(newer, 10, 0, 0, 0, 42);
        assertEquals(older, queue.find(42, false), "a first send: the oldest never sent");
        queue.sent(older, 1, 7, 0, RETRY);
        assertEquals(newer, queue.find(42, false));
        assertEquals(older, queue.find(42, true), "a repeat: the one sent");
        queue.remove(newer);
        assertEquals(older, queue.find(42, true), "the newer gone, the older is still found");
        queue.remove(older);
        assertEquals(AdviceQueue.NONE, queue.find(42, false));
        assertEquals(AdviceQueue.NONE, queue.find(0, false), "0 names nothing");
    }

    @Test
    void shouldBlockEveryWaitingAdviceWhenTheLinksAreLost()
    {
        final AdviceQueue queue = queue(8, 1);
        final int standIn = add(queue, 0);
        final int reversal = add(queue, 0);
        queue.waitFor(reversal, standIn, queue.serial(standIn));
        assertEquals(2, queue.ready(), "replay never asked for the next: the 0420 is still on the ready list");
        queue.linksLost();
        assertEquals(1, queue.ready(), "only the 0220 can go");
        assertEquals(List.of(standIn), sendAll(queue, 0, 0));
        queue.remove(standIn);
        assertEquals(List.of(reversal), sendAll(queue, 0, 10));
    }

    @Test
    void shouldSayWhenARepeatIsDue()
    {
        final AdviceQueue queue = queue(8, 2);
        assertEquals(false, queue.sendable(0));
        final int a = add(queue, 1);
        assertEquals(true, queue.sendable(0), "never sent: a first send");
        queue.sent(a, 1, 7, 0, RETRY);
        assertEquals(false, queue.sendable(RETRY - 1));
        assertEquals(true, queue.sendable(RETRY), "the second issuer's, at its time");
        queue.linksLost();
        assertEquals(true, queue.sendable(0), "after a restart at once");
    }

    @Test
    void shouldSendNoMoreThanTheWindowUntilTheIssuerAcknowledges()
    {
        final AdviceQueue queue = windowed(32, new int[] {3, 16});
        final List<Integer> owed = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            owed.add(add(queue, 0));
        }
        final int other = add(queue, 1);

        assertEquals(owed.subList(0, 3), sendAll(queue, 0, 0), "the window's worth, oldest first");
        assertEquals(3, queue.awaiting(0));
        assertEquals(List.of(other), sendAll(queue, 1, 0), "a full window holds back its own issuer only");
        assertEquals(false, queue.sendable(RETRY - 1), "nothing more for anyone until an acknowledgement");
        queue.remove(owed.get(1));
        assertEquals(true, queue.sendable(1));
        assertEquals(List.of(owed.get(3)), sendAll(queue, 0, 1), "one acknowledged, one more");
    }

    @Test
    void shouldRepeatWhatIsOverdueBeforeSendingNewAdvicesAndKeepTheWindowWhileRepeating()
    {
        final AdviceQueue queue = windowed(16, new int[] {2});
        final int a = add(queue, 0);
        final int b = add(queue, 0);
        final int c = add(queue, 0);
        assertEquals(List.of(a, b), sendAll(queue, 0, 0));
        assertEquals(List.of(a, b), sendAll(queue, 0, RETRY), "both unacknowledged and due: repeated, while c waits");
        assertEquals(2, queue.attempts(a));
        queue.remove(b);
        assertEquals(List.of(c), sendAll(queue, 0, RETRY + 1));
        assertEquals(List.of(a, c), sendAll(queue, 0, 3 * RETRY), "the oldest repeat first");
    }

    @Test
    void shouldMakeWhatWentOnALinkThatIsGoneDueAtOnceAndFreeItsPlacesInTheWindow()
    {
        final AdviceQueue queue = windowed(16, new int[] {3});
        final int a = add(queue, 0);
        final int b = add(queue, 0);
        final int c = add(queue, 0);
        final int d = add(queue, 0);
        queue.sent(a, 1, 10, 0, RETRY);
        queue.sent(b, 2, 11, 0, RETRY);
        queue.sent(c, 1, 12, 0, RETRY);
        assertEquals(AdviceQueue.NONE, queue.next(0, 1), "the window is full");

        queue.linkDown(0, 1);
        assertEquals(1, queue.awaiting(0), "only b, on link 2, can still be acknowledged");
        assertEquals(AdviceQueue.NONE, queue.acknowledged(1, 10), "an acknowledgement on link 1 can no longer come");
        assertEquals(b, queue.acknowledged(2, 11));
        assertEquals(List.of(a, c), sendAll(queue, 0, 1), "a and c again at once, not a time-out later; the window then full again");
        queue.remove(b);
        assertEquals(List.of(d), sendAll(queue, 0, 2));
    }

    @Test
    void shouldRepeatNoMoreThanTheWindowAfterARestartWhateverTheJournalSent()
    {
        final AdviceQueue queue = windowed(16, new int[] {4});
        final List<Integer> owed = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            final int entry = add(queue, 0);
            queue.sent(entry, 1, i + 1, 0, RETRY); // replay sends as the journal says, window or not
            owed.add(entry);
        }
        queue.linksLost();
        assertEquals(0, queue.awaiting(0));
        assertEquals(owed.subList(0, 4), sendAll(queue, 0, 0), "repeated four at a time, oldest first");
    }

    @Test
    void shouldSendEveryAdviceAgainAfterTheLinksAreLost()
    {
        final AdviceQueue queue = queue(8, 1);
        final int a = add(queue, 0);
        final int b = add(queue, 0);
        sendAll(queue, 0, 0);
        queue.linksLost();
        assertEquals(AdviceQueue.NONE, queue.acknowledged(1, 1), "where they went is forgotten");
        assertEquals(List.of(a, b), sendAll(queue, 0, 0), "both due at once, as repeats");
        assertEquals(2, queue.attempts(a));
    }

    @Test
    void shouldHoldTheStanOfAnAdviceThatKeepsItsOwnUntilItIsAcknowledged()
    {
        final AdviceQueue queue = queue(8, 1);
        final int standIn = queue.reserve(0);
        queue.add(standIn, 10, 0, 0, 4_711, 0);
        final int reversal = add(queue, 0);
        assertEquals(true, queue.holds(4_711));
        assertEquals(false, queue.holds(0), "a reversal advice holds none: it takes a STAN each time it is sent");
        queue.sent(standIn, 3, 4_711, 0, RETRY);
        queue.sent(reversal, 3, 4_711, 0, RETRY); // were another message to take it, the later send wins the key
        queue.remove(standIn);
        assertEquals(reversal, queue.acknowledged(3, 4_711), "removing one advice leaves another's key alone");
        assertEquals(false, queue.holds(4_711), "acknowledged: the STAN is free again");
    }

    /**
     * Room kept for an advice owed later counts as taken: no other advice gets it, and it is the kept advice's once
     * given back, however full the queue is otherwise.
     */
    @Test
    void shouldKeepRoomForAnAdviceOwedLaterFromOthers()
    {
        final AdviceQueue queue = queue(2, 1);
        assertTrue(queue.keepRoom(0));
        add(queue, 0);
        assertFalse(queue.hasRoom(0));
        assertEquals(AdviceQueue.NONE, queue.reserve(0), "the last room is kept");
        assertFalse(queue.keepRoom(0), "nothing left to keep");
        queue.releaseRoom(0);
        assertEquals(0, queue.kept(0));
        assertTrue(queue.hasRoom(0), "given back, just before the advice owed is queued");
        add(queue, 0);
        assertEquals(2, queue.size());
    }

    /**
     * Each issuer has its own share of the capacity (4 split evenly: 2 each): issuer 0's advices and room kept fill its
     * share alone, and issuer 1 can still keep room and queue its advices, up to its own share; an acknowledgement
     * gives issuer 0 its room back. One pool, the whole of it counted for whoever came first, let an issuer whose
     * advices go unacknowledged take the room the others' 0420s need.
     */
    @Test
    void shouldCountEachIssuersAdvicesAndKeptRoomAgainstItsOwnShare()
    {
        final AdviceQueue queue = queue(4, 2);
        assertEquals(List.of(2, 2), List.of(queue.share(0), queue.share(1)));
        assertTrue(queue.keepRoom(0));
        final int first = add(queue, 0);
        assertFalse(queue.hasRoom(0), "issuer 0's share: one advice queued, room kept for one");
        assertFalse(queue.keepRoom(0));
        assertEquals(AdviceQueue.NONE, queue.reserve(0));
        assertTrue(queue.hasRoom(1), "issuer 1's share is untouched");
        assertTrue(queue.keepRoom(1));
        add(queue, 1);
        assertFalse(queue.hasRoom(1));
        assertEquals(List.of(1, 1, 1, 1), List.of(queue.size(0), queue.kept(0), queue.size(1), queue.kept(1)));
        queue.releaseRoom(1);
        assertEquals(List.of(1, 0), List.of(queue.kept(0), queue.kept(1)), "issuer 1 gave back its own room only");
        queue.remove(first);
        assertTrue(queue.hasRoom(0), "acknowledged: issuer 0 has room again");
        assertEquals(List.of(0, 1), List.of(queue.size(0), queue.size(1)));
        assertEquals("[4, 3]", Arrays.toString(AdviceQueue.shares(7, new int[2])), "the remainder to the first");
    }

    @Test
    void shouldGiveAnIssuerWithAShareOfItsOwnItAndSplitTheRestEvenlyAmongTheOthers()
    {
        assertEquals("[3, 10, 2]", Arrays.toString(AdviceQueue.shares(15, new int[] {0, 10, 0})), "five left, the remainder to the first");
        assertEquals("[6, 10]", Arrays.toString(AdviceQueue.shares(20, new int[] {6, 10})), "every share its own: four slots in no share");
        final AdviceQueue queue = new AdviceQueue(15, 64, new int[] {15, 15, 15}, AdviceQueue.shares(15, new int[] {0, 10, 0}));
        for (int i = 0; i < 10; i++)
        {
            assertTrue(queue.keepRoom(1), "issuer 1's own share, room " + i);
        }
        assertFalse(queue.keepRoom(1), "issuer 1's share of 10 full");
        assertTrue(queue.keepRoom(2) && queue.keepRoom(2), "issuer 2's two");
        assertFalse(queue.keepRoom(2), "issuer 2's share of 2 full");
        assertEquals(List.of(3, 10, 2), List.of(queue.share(0), queue.share(1), queue.share(2)));
        assertThrows(IllegalArgumentException.class, () -> new AdviceQueue(8, 64, new int[] {8, 8}, AdviceQueue.shares(8, new int[] {0, 10})),
            "shares beyond the capacity are refused, not made negative");
    }

    /** A queue with these windows, its capacity split evenly. */
    private static AdviceQueue windowed(final int capacity, final int[] windows)
    {
        return new AdviceQueue(capacity, 64, windows, AdviceQueue.shares(capacity, new int[windows.length]));
    }

    /** A queue whose windows never get in the way. */
    private static AdviceQueue queue(final int capacity, final int issuers)
    {
        final int[] windows = new int[issuers];
        Arrays.fill(windows, capacity);
        return new AdviceQueue(capacity, 64, windows, AdviceQueue.shares(capacity, new int[issuers]));
    }

    private static int add(final AdviceQueue queue, final int issuer)
    {
        final int entry = queue.reserve(issuer);
        queue.add(entry, 10, issuer, 0, 0, 0);
        return entry;
    }

    /** Sends what {@code issuer} has due at {@code now}, in the order given, each on link 1 with the next STAN. */
    private static List<Integer> sendAll(final AdviceQueue queue, final int issuer, final long now)
    {
        final List<Integer> order = new ArrayList<>();
        int stan = 1;
        for (int entry = queue.next(issuer, now); entry != AdviceQueue.NONE; entry = queue.next(issuer, now))
        {
            order.add(entry);
            queue.sent(entry, 1, stan++, now, RETRY);
        }
        return order;
    }
}
