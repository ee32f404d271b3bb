package io.interchange.tools.issuer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.interchange.tools.issuer.TestCards.MovableClock;
import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOUtil;
import org.jpos.iso.channel.NACChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The issuer's answers, asked for by a real jPOS NACChannel with the ISO87BPackager over loopback: what a switch
 * built on jPOS would send and read.
 */
class IssuerSimulatorTest
{
    private final MovableClock clock = new MovableClock(TestCards.TODAY);
    private IssuerSimulator issuer;
    private NACChannel channel;
    private int stan;

    @BeforeEach
    void start() throws Exception
    {
        issuer = new IssuerSimulator(TestCards.book(), IssuerSimConfig.defaults().withClock(clock)).start();
        channel = new NACChannel("127.0.0.1", issuer.port(), Requests.PACKAGER, null);
        channel.connect();
        channel.setTimeout(RawClient.PATIENCE_MILLIS);
    }

    @AfterEach
    void stop() throws Exception
    {
        channel.disconnect();
        issuer.close();
    }

    private ISOMsg ask(final ISOMsg request) throws Exception
    {
        channel.send(request);
        final ISOMsg answer = channel.receive();
        assertEquals(request.getString(11), answer.getString(11), "answer to the request just sent");
        return answer;
    }

    private ISOMsg purchase(final String pan, final long amount) throws Exception
    {
        return Requests.purchase(pan, amount, ++stan);
    }

    /** The available balance from a balance inquiry's field 54: what the cardholder would see. */
    private long balance(final String pan) throws Exception
    {
        final ISOMsg answer = ask(Requests.balanceInquiry(pan, ++stan));
        assertEquals("00", answer.getString(39));
        final String amounts = answer.getString(54);
        final long value = Long.parseLong(amounts.substring(8));
        return amounts.charAt(7) == 'D' ? -value : value;
    }

    private static void assertDeclined(final String code, final ISOMsg answer) throws ISOException
    {
        assertEquals("0210", answer.getMTI());
        assertEquals(code, answer.getString(39));
        assertFalse(answer.hasField(38), "no auth code on a decline");
    }

    @Test
    void shouldApprovePurchaseWithAuthCodeEchoingWhatTheSwitchNeeds() throws Exception
    {
        final ISOMsg request = purchase(TestCards.ACTIVE, 2_500);
        final ISOMsg answer = ask(request);

        assertEquals("0210", answer.getMTI());
        assertEquals("00", answer.getString(39));
        assertTrue(answer.getString(38).matches("[0-9A-Z]{6}"), answer.getString(38));
        for (final int f : new int[] {2, 3, 4, 7, 11, 12, 13, 37, 41, 42, 49})
        {
            assertEquals(request.getString(f), answer.getString(f), "field " + f);
        }
        for (final int f : new int[] {22, 25, 32, 35, 52})
        {
            assertFalse(answer.hasField(f), "field " + f + " is not echoed");
        }
        assertEquals(TestCards.ACTIVE_BALANCE - 2_500, issuer.account(TestCards.ACTIVE).orElseThrow().balance());
        assertEquals(2_500, issuer.account(TestCards.ACTIVE).orElseThrow().spentToday());
    }

    @Test
    void shouldAnswerAuthorizationRequestWith0110() throws Exception
    {
        final ISOMsg answer = ask(Requests.financial("0100", TestCards.ACTIVE, Requests.PURCHASE, 700, ++stan));
        assertEquals("0110", answer.getMTI());
        assertEquals("00", answer.getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE - 700, balance(TestCards.ACTIVE));
    }

    @Test
    void shouldGiveEachApprovalItsOwnAuthCode() throws Exception
    {
        final String first = ask(purchase(TestCards.ACTIVE, 100)).getString(38);
        final String second = ask(purchase(TestCards.ACTIVE, 100)).getString(38);
        assertFalse(first.equals(second), first + " twice");
    }

    @Test
    void shouldApproveCashAdvance() throws Exception
    {
        final ISOMsg answer = ask(Requests.financial("0200", TestCards.ACTIVE, Requests.CASH, 10_000, ++stan));
        assertEquals("00", answer.getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE - 10_000, balance(TestCards.ACTIVE));
    }

    @Test
    void shouldDeclineUnknownCardWith14() throws Exception
    {
        assertDeclined("14", ask(purchase(TestCards.UNKNOWN, 100)));
    }

    @Test
    void shouldDeclineLostCardWith41() throws Exception
    {
        assertDeclined("41", ask(purchase(TestCards.LOST, 100)));
    }

    @Test
    void shouldDeclineStolenCardWith43() throws Exception
    {
        assertDeclined("43", ask(purchase(TestCards.STOLEN, 100)));
    }

    @Test
    void shouldDeclineCardPastItsExpiryMonthWith54() throws Exception
    {
        assertDeclined("54", ask(purchase(TestCards.EXPIRED, 100)));
        assertEquals("00", ask(purchase(TestCards.EXPIRES_THIS_MONTH, 100)).getString(39));
    }

    @Test
    void shouldDeclineExpiryThatIsNotTheCardsWith54() throws Exception
    {
        final ISOMsg request = purchase(TestCards.ACTIVE, 100);
        request.set(14, "2912");
        assertDeclined("54", ask(request));
        request.set(11, ISOUtil.zeropad(++stan, 6));
        request.set(14, String.valueOf(TestCards.ACTIVE_EXPIRY));
        assertEquals("00", ask(request).getString(39));
    }

    @Test
    void shouldDeclineInsufficientFundsWith51AndLeaveTheBalance() throws Exception
    {
        assertDeclined("51", ask(purchase(TestCards.POOR, TestCards.POOR_BALANCE + 1)));
        assertEquals(TestCards.POOR_BALANCE, balance(TestCards.POOR));
        assertEquals("00", ask(purchase(TestCards.POOR, TestCards.POOR_BALANCE)).getString(39));
        assertEquals(0, balance(TestCards.POOR));
    }

    @Test
    void shouldDeclineWhatWouldPassTheDailyLimitWith61() throws Exception
    {
        assertEquals("00", ask(purchase(TestCards.LIMITED, 3_000)).getString(39));
        assertDeclined("61", ask(purchase(TestCards.LIMITED, 2_001)));
        assertEquals("00", ask(purchase(TestCards.LIMITED, 2_000)).getString(39));
        assertDeclined("61", ask(purchase(TestCards.LIMITED, 1)));
    }

    @Test
    void shouldStartEachDayWithTheWholeDailyLimit() throws Exception
    {
        assertEquals("00", ask(purchase(TestCards.LIMITED, TestCards.LIMITED_LIMIT)).getString(39));
        assertDeclined("61", ask(purchase(TestCards.LIMITED, 1)));
        clock.set(TestCards.TODAY.plusSeconds(86_400));
        assertEquals("00", ask(purchase(TestCards.LIMITED, 1)).getString(39));
        assertEquals(1, issuer.account(TestCards.LIMITED).orElseThrow().spentToday());
    }

    @Test
    void shouldNotHonourUnsupportedProcessingCodeWith05() throws Exception
    {
        assertDeclined("05", ask(Requests.financial("0200", TestCards.ACTIVE, "400000", 100, ++stan)));
        assertEquals(TestCards.ACTIVE_BALANCE, balance(TestCards.ACTIVE));
    }

    @Test
    void shouldAnswerMissingMandatoryFieldWith30() throws Exception
    {
        final ISOMsg noProcessingCode = purchase(TestCards.ACTIVE, 100);
        noProcessingCode.unset(3);
        assertDeclined("30", ask(noProcessingCode));

        final ISOMsg noAmount = purchase(TestCards.ACTIVE, 100);
        noAmount.unset(4);
        assertDeclined("30", ask(noAmount));
        assertEquals(TestCards.ACTIVE_BALANCE, balance(TestCards.ACTIVE));
    }

    @Test
    void shouldAnswerBalanceInquiryWithAvailableBalanceInField54() throws Exception
    {
        final ISOMsg answer = ask(Requests.balanceInquiry(TestCards.ACTIVE, ++stan));
        assertEquals("0210", answer.getMTI());
        assertEquals("00", answer.getString(39));
        // Account type 00 (from field 3), amount type 02 (available), currency 840, credit, twelve digits.
        assertEquals("0002840C" + ISOUtil.zeropad(TestCards.ACTIVE_BALANCE, 12), answer.getString(54));
        assertTrue(answer.hasField(38));
    }

    @Test
    void shouldCreditRefund() throws Exception
    {
        final ISOMsg answer = ask(Requests.financial("0200", TestCards.POOR, Requests.REFUND, 4_321, ++stan));
        assertEquals("00", answer.getString(39));
        assertEquals(TestCards.POOR_BALANCE + 4_321, balance(TestCards.POOR));
        assertEquals(0, issuer.account(TestCards.POOR).orElseThrow().spentToday());
    }

    @Test
    void shouldRestoreBalanceOnceWhateverTheRepeatsOfAReversal() throws Exception
    {
        final ISOMsg original = purchase(TestCards.ACTIVE, 10_000);
        assertEquals("00", ask(original).getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE - 10_000, balance(TestCards.ACTIVE));

        final ISOMsg reversal = ask(Requests.reversal("0400", original, ++stan));
        assertEquals("0410", reversal.getMTI());
        assertEquals("00", reversal.getString(39));
        assertEquals(Requests.originalData(original), reversal.getString(90));
        assertEquals(TestCards.ACTIVE_BALANCE, balance(TestCards.ACTIVE));

        final ISOMsg advice = ask(Requests.reversal("0420", original, ++stan));
        assertEquals("0430", advice.getMTI());
        assertEquals("00", advice.getString(39));
        final ISOMsg repeat = ask(Requests.reversal("0421", original, ++stan));
        assertEquals("0430", repeat.getMTI());
        assertEquals("00", repeat.getString(39));

        assertEquals(TestCards.ACTIVE_BALANCE, balance(TestCards.ACTIVE));
        assertEquals(0, issuer.account(TestCards.ACTIVE).orElseThrow().spentToday());
        assertEquals(2, issuer.counter(IssuerCounter.REPEATS_ACKNOWLEDGED));
    }

    @Test
    void shouldFindTheOriginalByStanAndTransmissionTimeWithoutField90() throws Exception
    {
        final ISOMsg original = purchase(TestCards.ACTIVE, 5_000);
        assertEquals("00", ask(original).getString(39));
        final ISOMsg reversal = Requests.reversal("0420", original, 0);
        reversal.unset(90);
        reversal.set(11, original.getString(11));
        assertEquals("00", ask(reversal).getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE, balance(TestCards.ACTIVE));
    }

    @Test
    void shouldReverseRefundByTakingItBack() throws Exception
    {
        final ISOMsg refund = Requests.financial("0200", TestCards.ACTIVE, Requests.REFUND, 900, ++stan);
        assertEquals("00", ask(refund).getString(39));
        assertEquals("00", ask(Requests.reversal("0400", refund, ++stan)).getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE, balance(TestCards.ACTIVE));
    }

    @Test
    void shouldAnswer25ToReversalOfAnUnknownOriginal() throws Exception
    {
        final ISOMsg neverSent = purchase(TestCards.ACTIVE, 5_000);
        final ISOMsg answer = ask(Requests.reversal("0420", neverSent, ++stan));
        assertEquals("0430", answer.getMTI());
        assertEquals("25", answer.getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE, balance(TestCards.ACTIVE));
    }

    @Test
    void shouldAcknowledgeReversalOfADeclinedOriginalWithoutChangingTheAccount() throws Exception
    {
        final ISOMsg declined = purchase(TestCards.POOR, TestCards.POOR_BALANCE + 1);
        assertEquals("51", ask(declined).getString(39));
        assertEquals("00", ask(Requests.reversal("0400", declined, ++stan)).getString(39));
        assertEquals(TestCards.POOR_BALANCE, balance(TestCards.POOR));
    }

    @Test
    void shouldApplyAnAdviceOnce() throws Exception
    {
        final ISOMsg advice = Requests.advice("0220", TestCards.POOR, Requests.PURCHASE, 3_000, ++stan, null);
        final ISOMsg answer = ask(advice);
        assertEquals("0230", answer.getMTI());
        assertEquals("00", answer.getString(39));
        // Stand-in: the switch approved it, so funds do not matter; the balance goes below zero.
        assertEquals(TestCards.POOR_BALANCE - 3_000, balance(TestCards.POOR));

        advice.setMTI("0221");
        final ISOMsg repeat = ask(advice);
        assertEquals("0230", repeat.getMTI());
        assertEquals("00", repeat.getString(39));
        assertEquals(TestCards.POOR_BALANCE - 3_000, balance(TestCards.POOR));
        assertEquals(1, issuer.counter(IssuerCounter.REPEATS_ACKNOWLEDGED));
    }

    @Test
    void shouldCompleteAnAuthorizationForTheAdvisedAmount() throws Exception
    {
        final ISOMsg authorization = Requests.financial("0100", TestCards.ACTIVE, Requests.PURCHASE, 5_000, ++stan);
        assertEquals("00", ask(authorization).getString(39));
        final ISOMsg completion = Requests.advice("0220", TestCards.ACTIVE, Requests.PURCHASE, 4_000, ++stan, authorization);
        assertEquals("00", ask(completion).getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE - 4_000, balance(TestCards.ACTIVE));
        assertEquals(4_000, issuer.account(TestCards.ACTIVE).orElseThrow().spentToday());

        // The completion took the authorization over: reversing the completion gives everything back, and
        // reversing the authorization then has nothing left to undo.
        assertEquals("00", ask(Requests.reversal("0420", completion, ++stan)).getString(39));
        assertEquals("00", ask(Requests.reversal("0400", authorization, ++stan)).getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE, balance(TestCards.ACTIVE));
    }

    @Test
    void shouldLeaveTheNextDaysLimitWholeWhenItCompletesTheDayBeforesHold() throws Exception
    {
        final ISOMsg authorization = Requests.financial("0100", TestCards.LIMITED, Requests.PURCHASE, 4_000, ++stan);
        assertEquals("00", ask(authorization).getString(39));
        clock.set(TestCards.TODAY.plusSeconds(86_400));

        final ISOMsg completion = Requests.advice("0220", TestCards.LIMITED, Requests.PURCHASE, 4_000, ++stan, authorization);
        assertEquals("00", ask(completion).getString(39));
        completion.setMTI("0221");
        assertEquals("00", ask(completion).getString(39));
        assertEquals(0, issuer.account(TestCards.LIMITED).orElseThrow().spentToday(), "the hold counted against the day it was authorized");

        assertEquals("00", ask(purchase(TestCards.LIMITED, TestCards.LIMITED_LIMIT)).getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE - 4_000 - TestCards.LIMITED_LIMIT, balance(TestCards.LIMITED));
    }

    @Test
    void shouldCountOnlyTheExcessOverTheDayBeforesHoldAsSpentAndGiveOnlyThatBackOnReversal() throws Exception
    {
        final ISOMsg authorization = Requests.financial("0100", TestCards.LIMITED, Requests.PURCHASE, 3_000, ++stan);
        assertEquals("00", ask(authorization).getString(39));
        clock.set(TestCards.TODAY.plusSeconds(86_400));
        assertEquals("00", ask(purchase(TestCards.LIMITED, 2_000)).getString(39));

        final ISOMsg completion = Requests.advice("0220", TestCards.LIMITED, Requests.PURCHASE, 4_000, ++stan, authorization);
        assertEquals("00", ask(completion).getString(39));
        completion.setMTI("0221");
        assertEquals("00", ask(completion).getString(39));
        assertEquals(2_000 + 1_000, issuer.account(TestCards.LIMITED).orElseThrow().spentToday());
        assertEquals(TestCards.ACTIVE_BALANCE - 2_000 - 4_000, balance(TestCards.LIMITED));

        completion.setMTI("0220");
        assertEquals("00", ask(Requests.reversal("0420", completion, ++stan)).getString(39));
        assertEquals(2_000, issuer.account(TestCards.LIMITED).orElseThrow().spentToday(), "the excess given back, not today's purchase");
        assertEquals(TestCards.ACTIVE_BALANCE - 2_000, balance(TestCards.LIMITED));
    }

    /** A switch's stand-in for a pre-authorization, told by an authorization advice: approved, with its S code. */
    private ISOMsg standInAdvice(final String pan, final long amount) throws ISOException
    {
        final ISOMsg advice = Requests.advice("0120", pan, Requests.PURCHASE, amount, ++stan, null);
        advice.set(38, "S00001");
        advice.set(39, "00");
        return advice;
    }

    @Test
    void shouldHoldAnAuthorizationAdvisedBy0120OnceForACompletionToTakeOver() throws Exception
    {
        final ISOMsg advice = standInAdvice(TestCards.ACTIVE, 5_000);
        final ISOMsg answer = ask(advice);
        assertEquals("0130", answer.getMTI());
        assertEquals("00", answer.getString(39));
        // A hold, as an approved 0100 makes: from the balance and the day's limit.
        assertEquals(TestCards.ACTIVE_BALANCE - 5_000, balance(TestCards.ACTIVE));
        assertEquals(5_000, issuer.account(TestCards.ACTIVE).orElseThrow().spentToday());

        advice.setMTI("0121");
        final ISOMsg repeat = ask(advice);
        assertEquals("0130", repeat.getMTI());
        assertEquals("00", repeat.getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE - 5_000, balance(TestCards.ACTIVE), "a repeat holds nothing more");
        assertEquals(1, issuer.counter(IssuerCounter.REPEATS_ACKNOWLEDGED));

        // The completion names the 0120 (the message the hold was booked from) and takes the hold over, for its own
        // amount: the card pays the completion, once; not the hold as a sale and the completion besides.
        advice.setMTI("0120");
        final ISOMsg completion = Requests.advice("0220", TestCards.ACTIVE, Requests.PURCHASE, 4_000, ++stan, advice);
        completion.set(38, "S00001");
        assertEquals("00", ask(completion).getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE - 4_000, balance(TestCards.ACTIVE));
        assertEquals(4_000, issuer.account(TestCards.ACTIVE).orElseThrow().spentToday());

        // A late repeat of the 0120 changes nothing, and neither does reversing it once completed.
        advice.setMTI("0121");
        assertEquals("00", ask(advice).getString(39));
        assertEquals("00", ask(Requests.reversal("0420", advice, ++stan)).getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE - 4_000, balance(TestCards.ACTIVE));
    }

    @Test
    void shouldReleaseTheHoldOfAnAuthorizationAdviceWhenItIsReversed() throws Exception
    {
        final ISOMsg advice = standInAdvice(TestCards.ACTIVE, 3_000);
        assertEquals("00", ask(advice).getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE - 3_000, balance(TestCards.ACTIVE));
        assertEquals("00", ask(Requests.reversal("0420", advice, ++stan)).getString(39));
        assertEquals("00", ask(Requests.reversal("0421", advice, ++stan)).getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE, balance(TestCards.ACTIVE), "released, once");
        assertEquals(0, issuer.account(TestCards.ACTIVE).orElseThrow().spentToday());

        // A completion after the reversal finds no hold: it is a sale of its own.
        final ISOMsg completion = Requests.advice("0220", TestCards.ACTIVE, Requests.PURCHASE, 2_000, ++stan, advice);
        assertEquals("00", ask(completion).getString(39));
        assertEquals(TestCards.ACTIVE_BALANCE - 2_000, balance(TestCards.ACTIVE));
    }

    @Test
    void shouldAcknowledgeADeclinedAuthorizationAdviceWithoutHoldingAnything() throws Exception
    {
        final ISOMsg advice = standInAdvice(TestCards.ACTIVE, 3_000);
        advice.unset(38);
        advice.set(39, "05");
        final ISOMsg answer = ask(advice);
        assertEquals("0130", answer.getMTI());
        assertEquals("00", answer.getString(39), "acknowledged");
        assertEquals(TestCards.ACTIVE_BALANCE, balance(TestCards.ACTIVE));
    }

    @Test
    void shouldAnswer14ToAdviceForAnUnknownCard() throws Exception
    {
        final ISOMsg answer = ask(Requests.advice("0220", TestCards.UNKNOWN, Requests.PURCHASE, 100, ++stan, null));
        assertEquals("0230", answer.getMTI());
        assertEquals("14", answer.getString(39));
    }

    @Test
    void shouldAnswerSignOnSignOffAndEcho() throws Exception
    {
        for (final String function : new String[] {"001", "301", "002"})
        {
            final ISOMsg answer = ask(Requests.network(function, ++stan));
            assertEquals("0810", answer.getMTI());
            assertEquals("00", answer.getString(39));
            assertEquals(function, answer.getString(70));
            assertEquals(TestCards.TRANSMISSION_TIME, answer.getString(7));
        }
        assertEquals("05", ask(Requests.network("101", ++stan)).getString(39));
    }

    @Test
    void shouldNotHonourAnUnsupportedRequest() throws Exception
    {
        final ISOMsg reconciliation = Requests.network("001", ++stan);
        reconciliation.setMTI("0500");
        reconciliation.unset(70);
        final ISOMsg answer = ask(reconciliation);
        assertEquals("0510", answer.getMTI());
        assertEquals("05", answer.getString(39));
    }

    @Test
    void shouldNotAnswerResponses() throws Exception
    {
        final ISOMsg stray = Requests.network("301", ++stan);
        stray.setMTI("0810");
        channel.send(stray);
        final ISOMsg echo = Requests.network("301", ++stan);
        final ISOMsg answer = ask(echo);
        assertEquals("0810", answer.getMTI());
        assertEquals(echo.getString(11), answer.getString(11));
        assertEquals(1, issuer.counter(IssuerCounter.UNEXPECTED_RESPONSES));
    }

    @Test
    void shouldCountAnswersByResponseCode() throws Exception
    {
        ask(purchase(TestCards.ACTIVE, 100));
        ask(purchase(TestCards.ACTIVE, 100));
        ask(purchase(TestCards.LOST, 100));
        ask(purchase(TestCards.UNKNOWN, 100));
        issuer.close();
        assertEquals(2, issuer.answers(ResponseCode.APPROVED));
        assertEquals(1, issuer.answers(ResponseCode.LOST_CARD));
        assertEquals(1, issuer.answers(ResponseCode.INVALID_CARD));
        assertEquals(0, issuer.answers(ResponseCode.STOLEN_CARD));
        assertEquals(4, issuer.counter(IssuerCounter.ANSWERS_SENT));
        assertEquals(4, issuer.counter(IssuerCounter.FRAMES_RECEIVED));
        assertEquals(1, issuer.counter(IssuerCounter.CONNECTIONS_OPENED));
        assertEquals(1, issuer.counter(IssuerCounter.CONNECTIONS_CLOSED));
    }
}
