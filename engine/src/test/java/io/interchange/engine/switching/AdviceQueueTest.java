package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The advice queue gives advices in the order they were queued, however its slots have wrapped. */
class AdviceQueueTest
{
    @Test
    void shouldGiveDueAdvicesInTheOrderTheyWereQueuedAfterTheSlotsWrap()
    {
        final AdviceQueue queue = new AdviceQueue(4, 64);
        final int[] first = new int[4];
        for (int i = 0; i < 4; i++)
        {
            first[i] = queue.reserve();
            queue.add(first[i], 10, 0, 0, 0);
        }
        // The two oldest are acknowledged; two more come, into the slots they left at the start of the queue.
        queue.remove(first[0]);
        queue.remove(first[1]);
        final int later = queue.reserve();
        queue.add(later, 10, 0, 0, 0);
        final int last = queue.reserve();
        queue.add(last, 10, 0, 0, 0);
        assertEquals(first[0], later, "the slots wrapped");

        final List<Integer> order = new ArrayList<>();
        for (int entry = queue.due(0, AdviceQueue.NONE); entry != AdviceQueue.NONE; entry = queue.due(0, entry))
        {
            order.add(entry);
        }
        assertEquals(List.of(first[2], first[3], later, last), order, "oldest first");
    }

    @Test
    void shouldGiveDueAdvicesInTheOrderTheyWereQueuedWhenAGapInTheMiddleIsTakenAgain()
    {
        final AdviceQueue queue = new AdviceQueue(4, 64);
        final int standIn = add(queue);
        final int other = add(queue);
        final int reversal = add(queue);
        queue.remove(other);
        final int n = add(queue);
        final int p = add(queue);
        assertEquals(other, p, "the gap in the middle was taken again");

        final List<Integer> order = new ArrayList<>();
        for (int entry = queue.due(0, AdviceQueue.NONE); entry != AdviceQueue.NONE; entry = queue.due(0, entry))
        {
            order.add(entry);
        }
        assertEquals(List.of(standIn, reversal, n, p), order, "the 0220 before the 0420 that reverses it");
    }

    private static int add(final AdviceQueue queue)
    {
        final int entry = queue.reserve();
        queue.add(entry, 10, 0, 0, 0);
        return entry;
    }

    @Test
    void shouldGiveOnlyWhatIsDue()
    {
        final AdviceQueue queue = new AdviceQueue(8, 64);
        final int a = queue.reserve();
        queue.add(a, 10, 0, 100, 0);
        final int b = queue.reserve();
        queue.add(b, 10, 0, 50, 0);
        queue.sent(b, 1, 7, 50, 1_000);
        assertEquals(a, queue.due(100, AdviceQueue.NONE));
        assertEquals(AdviceQueue.NONE, queue.due(100, a), "b is due again only at 1,050");
        assertEquals(b, queue.due(1_050, a));
    }

    @Test
    void shouldHoldTheStanOfAnAdviceThatKeepsItsOwnUntilItIsAcknowledged()
    {
        final AdviceQueue queue = new AdviceQueue(8, 64);
        final int standIn = queue.reserve();
        queue.add(standIn, 10, 0, 0, 4_711);
        final int reversal = queue.reserve();
        queue.add(reversal, 10, 0, 0, 0);
        assertEquals(true, queue.holds(4_711));
        assertEquals(false, queue.holds(0), "a reversal advice holds none: it takes a STAN each time it is sent");
        queue.sent(standIn, 3, 4_711, 0, 1_000);
        queue.sent(reversal, 3, 4_711, 0, 1_000); // were another message to take it, the later send wins the key
        queue.remove(standIn);
        assertEquals(reversal, queue.acknowledged(3, 4_711), "removing one advice leaves another's key alone");
        assertEquals(false, queue.holds(4_711), "acknowledged: the STAN is free again");
    }
}
