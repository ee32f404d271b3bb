package io.interchange.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SimTerminalTest
{
    private static final LoadOptions OPTIONS = LoadOptions.defaults().withCards(3, List.of("476173", "622848"), 4_000).withTerminals(7).closed(8);

    private static LoadPlan plan()
    {
        return LoadPlan.of(OPTIONS, LocalDate.of(2026, 3, 15));
    }

    @Test
    void shouldStartARunsStanLanesPastWhereAnEarlierRunCouldHaveGot()
    {
        // 16 terminals: 62,499 steps a lane. A run taking its lane's STANs at up to 10 a millisecond for two seconds
        // ends no further than where the next run, started then, begins.
        final long start = 1_764_150_000_123L;
        final int steps = 999_999 / 16;
        final int first = SimTerminal.firstStanStep(start, 16);
        final int next = SimTerminal.firstStanStep(start + 2_000, 16);
        assertEquals(Math.floorMod(first + 20_000, steps), next);
        assertTrue(first >= 0 && first < steps && next >= 0 && next < steps);
    }

    @Test
    void shouldNeverShareAStanWithAnotherTerminalTillTheyRunRound()
    {
        final LoadPlan plan = plan();
        final Set<Integer> stans = new HashSet<>();
        for (int t = 0; t < OPTIONS.terminals(); t++)
        {
            final SimTerminal terminal = new SimTerminal(plan, t, 1, 0);
            for (int i = 0; i < 1_000; i++)
            {
                final int stan = terminal.nextStan();
                assertTrue(stan >= 1 && stan <= 999_999, "n6");
                assertTrue(stans.add(stan), "STAN " + stan + " twice");
            }
        }
    }

    @Test
    void shouldStartItsStansAgainAfter999999()
    {
        final SimTerminal terminal = new SimTerminal(plan(), 6, 1, 0);
        int previous = 0;
        int wraps = 0;
        for (int i = 0; i < 300_000; i++)
        {
            final int stan = terminal.nextStan();
            assertTrue(stan >= 1 && stan <= 999_999);
            assertEquals(6, (stan - 1) % OPTIONS.terminals(), "its own lane");
            wraps += stan < previous ? 1 : 0;
            previous = stan;
        }
        assertEquals(2, wraps, "999,999 / 7 STANs a lap");
    }

    @Test
    void shouldRestACardForTheSpacingBeforePickingItAgain()
    {
        final LoadPlan plan = plan();
        final SimTerminal terminal = new SimTerminal(plan, 2, 1, 0);
        final int[] pool = plan.active(2);
        long now = 1_000_000_000L;
        for (final int expected : pool)
        {
            assertEquals(expected, terminal.pick(TransactionCase.PURCHASE, now), "in turn");
            now += 1_000;
        }
        assertEquals(-1, terminal.pick(TransactionCase.PURCHASE, now), "every card picked less than the spacing ago");
        final long free = terminal.availableAt(TransactionCase.PURCHASE);
        assertEquals(1_000_000_000L + plan.spacingNanos(), free);
        assertEquals(-1, terminal.pick(TransactionCase.PURCHASE, free - 1));
        assertEquals(pool[0], terminal.pick(TransactionCase.PURCHASE, free));
        assertEquals(plan.lost(2)[0], terminal.pick(TransactionCase.LOST_CARD, now), "declines have their own cards");
        assertEquals(plan.expired(2)[0], terminal.pick(TransactionCase.EXPIRED_CARD, now));
    }

    @Test
    void shouldStartWhereAWholePoolEverySpacingWouldBeByThen()
    {
        assertEquals(0, SimTerminal.startOf(1_000, 0, 15_000));
        assertEquals(500, SimTerminal.startOf(1_000, 7_500, 15_000));
        assertEquals(999, SimTerminal.startOf(1_000, 15_000 * 40 + 14_999, 15_000));
        assertEquals(0, SimTerminal.startOf(0, 7_500, 15_000));
        final LoadPlan plan = plan();
        final long halfway = plan.spacingNanos() / 1_000_000 / 2;
        final SimTerminal later = new SimTerminal(plan, 3, 1, halfway);
        assertEquals(plan.active(3)[plan.active(3).length / 2], later.pick(TransactionCase.PURCHASE, 1));
    }

    @Test
    void shouldTakeEveryDeclineInTurn()
    {
        final LoadPlan plan = plan();
        final SimTerminal terminal = new SimTerminal(plan, 0, 1, 0);
        final Set<TransactionCase> seen = EnumSet.noneOf(TransactionCase.class);
        for (int i = 0; i < plan.declines().size(); i++)
        {
            final TransactionCase decline = terminal.nextDecline();
            assertEquals(Share.DECLINE, decline.share());
            seen.add(decline);
        }
        assertEquals(EnumSet.copyOf(plan.declines()), seen);
        assertEquals(Set.of(TransactionCase.MISSING_FIELD, TransactionCase.BAD_LENGTH), Set.of(terminal.nextMalformed(), terminal.nextMalformed()));
    }

    @Test
    void shouldChooseAmountsThatOnlyTheOverLimitCaseBreaks()
    {
        final LoadPlan plan = plan();
        final SimTerminal terminal = new SimTerminal(plan, 0, 1, 0);
        for (int i = 0; i < 1_000; i++)
        {
            final long purchase = terminal.amount(TransactionCase.PURCHASE);
            assertTrue(purchase >= LoadPlan.MIN_AMOUNT && purchase <= LoadPlan.MAX_AMOUNT, "1.00-9.99: " + purchase);
            assertTrue(terminal.amount(TransactionCase.OVER_LIMIT) > plan.maxAmount());
            assertEquals(0, terminal.amount(TransactionCase.BALANCE));
        }
    }

    @Test
    void shouldVoidOnlyItsLastApprovedPurchaseAndOnlyOnce()
    {
        final SimTerminal terminal = new SimTerminal(plan(), 0, 1, 0);
        assertEquals(false, terminal.voidable());
        terminal.approvedPurchase(17, 1_115_103_000L, 1_234, 5);
        assertTrue(terminal.voidable());
        assertEquals(17, terminal.voidStan());
        assertEquals(1_115_103_000L, terminal.voidTransmission());
        assertEquals(1_234, terminal.voidAmount());
        assertEquals(5, terminal.voidCard());
        terminal.voided();
        assertEquals(false, terminal.voidable());
    }

    @Test
    void shouldKeepItsBatchAsTheSwitchCountsIt()
    {
        final SimTerminal terminal = new SimTerminal(plan(), 0, 1, 0);
        terminal.count(TerminalBatch.DEBITS, 500);
        terminal.count(TerminalBatch.DEBITS, 250);
        terminal.count(TerminalBatch.CREDITS, 100);
        terminal.count(TerminalBatch.DEBIT_REVERSALS, 250);
        final TerminalBatch batch = terminal.batch();
        assertEquals(new TerminalBatch("TERM0001", "MERCHANT0000001", 2, 750, 1, 100, 1, 250, 0, 0), batch);
        assertEquals(400, batch.netAmount());
        assertEquals(new TerminalBatch("TERM0001", "MERCHANT0000001", 4, 1_500, 2, 200, 2, 500, 0, 0), batch.plus(batch));
    }
}
