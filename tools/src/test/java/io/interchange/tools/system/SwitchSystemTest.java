package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.CardStatus;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;

/**
 * The switch as a terminal sees it: a real node on the embedded defaults (listeners on free ports, the journal in
 * a temp dir), two issuer simulators on loopback, and terminals that speak ISO 8583 over TCP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SwitchSystemTest
{
    private static final long SEED_A = 11;
    private static final long SEED_B = 12;

    private IssuerSimulator issuerA;
    private IssuerSimulator issuerB;
    private SwitchNode node;
    private Cardholders cardsA;
    private int port;

    @BeforeAll
    void start(@TempDir final Path journal) throws Exception
    {
        final CardBook bookA = CardBook.generate(SEED_A, List.of("476173"), 400);
        final CardBook bookB = CardBook.generate(SEED_B, List.of("622848"), 100);
        issuerA = new IssuerSimulator(bookA, IssuerSimConfig.defaults().withSeed(SEED_A)).start();
        issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults().withSeed(SEED_B)).start();
        cardsA = new Cardholders(bookA);
        // The ring on the links' event loop, whatever the machine's cores; SwitchFaultSystemTest runs a thread per stage,
        // SettlementSystemTest and ClearingSystemTest one thread.
        final SwitchConfig config = LoopbackConfig.of(SwitchConfig.parse("interchange.ring.threads = event-loop", "event-loop.conf"),
            issuerA.port(), issuerB.port(), journal);
        node = SwitchNode.start(config);
        port = node.port("pos-iso87");
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2 && node.signedOnLinks("issuer-b") == 2,
            "issuer links signed on");
    }

    @AfterAll
    void stop()
    {
        final long failures = node == null ? 0 : node.handlerFailures();
        if (node != null)
        {
            node.close();
        }
        issuerA.close();
        issuerB.close();
        assertEquals(0, failures, "the switch handler failed on an event: see the log");
    }

    private TestTerminal signedOn() throws IOException
    {
        final TestTerminal terminal = new TestTerminal(port, Iso87.BINARY);
        final MessageReader answer = terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("001"));
        assertEquals(Mti.NETWORK_MANAGEMENT_RESPONSE, answer.mti());
        assertEquals("00", answer.getString(39));
        return terminal;
    }

    @Test
    void shouldAnswerAnEchoBeforeSignOnAndEchoItsKeyFields() throws IOException
    {
        try (TestTerminal terminal = new TestTerminal(port, Iso87.BINARY))
        {
            final Map<Integer, String> echo = cardsA.network("301");
            final MessageReader answer = terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, echo);
            assertEquals(Mti.NETWORK_MANAGEMENT_RESPONSE, answer.mti());
            assertEquals("00", answer.getString(39));
            assertEquals(echo.get(11), answer.getString(11));
            assertEquals("301", answer.getString(70));
        }
    }

    @Test
    void shouldDeclineFinancialMessagesUntilTheLinkSignsOn() throws IOException
    {
        try (TestTerminal terminal = new TestTerminal(port, Iso87.BINARY))
        {
            final CardAccount card = cardsA.payer(1_000);
            final MessageReader before = terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 1_000));
            assertEquals("91", before.getString(39));
            assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("001")).getString(39));
            final MessageReader after = terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 1_000));
            assertEquals("00", after.getString(39));
        }
    }

    @Test
    void shouldCloseTheLinkAfterSignOff() throws IOException
    {
        try (TestTerminal terminal = signedOn())
        {
            assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("002")).getString(39));
            assertTrue(terminal.closedBySwitch(Duration.ofSeconds(10)));
        }
    }

    @Test
    void shouldRelayTheIssuersApprovalAndDebitTheCardOnce() throws IOException
    {
        final CardAccount card = cardsA.payer(12_345);
        try (TestTerminal terminal = signedOn())
        {
            final Map<Integer, String> request = cardsA.purchase(card, 12_345);
            final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, request);
            assertEquals(Mti.FINANCIAL_RESPONSE, answer.mti());
            assertEquals("00", answer.getString(39));
            assertEquals(6, answer.getString(38).length());
            assertEquals(request.get(11), answer.getString(11), "the terminal's own STAN comes back");
            assertEquals(request.get(4), answer.getString(4));
            assertEquals(request.get(41), answer.getString(41));
            assertFalse(answer.has(35), "track 2 is never echoed");
            assertFalse(answer.has(52), "the PIN block is never echoed");
            assertEquals(card.balance() - 12_345, issuerA.account(card.pan()).orElseThrow().balance());
        }
    }

    @Test
    void shouldGiveEveryRequestItsOwnRrnAcrossIssuerLinks() throws IOException
    {
        // issuer-a has two links, used in turn; a terminal that sends no RRN gets the one the switch gave.
        final Set<String> rrns = new HashSet<>();
        try (TestTerminal terminal = signedOn())
        {
            for (int i = 0; i < 8; i++)
            {
                final Map<Integer, String> request = cardsA.purchase(cardsA.payer(100 + i), 100 + i);
                request.remove(37);
                final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, request);
                assertEquals("00", answer.getString(39));
                assertTrue(rrns.add(answer.getString(37)), "RRN " + answer.getString(37) + " given twice: " + rrns);
            }
        }
    }

    static List<Arguments> switchDeclines()
    {
        return List.of(
            Arguments.of("03", "unknown merchant", (Consumer<Map<Integer, String>>)m -> m.put(42, "NOSUCHMERCHANT1")),
            Arguments.of("03", "suspended merchant", (Consumer<Map<Integer, String>>)m ->
            {
                m.put(41, "TERM0013");
                m.put(42, "MERCHANT0000007");
            }),
            Arguments.of("12", "unsupported processing code", (Consumer<Map<Integer, String>>)m -> m.put(3, "400000")),
            Arguments.of("13", "zero amount", (Consumer<Map<Integer, String>>)m -> m.put(4, "000000000000")),
            Arguments.of("13", "currency not accepted", (Consumer<Map<Integer, String>>)m -> m.put(49, "036")),
            Arguments.of("14", "PAN fails Luhn", (Consumer<Map<Integer, String>>)m -> m.put(2, flipLastDigit(m.get(2)))),
            Arguments.of("14", "PAN too short", (Consumer<Map<Integer, String>>)m -> m.put(2, "47617300006")),
            Arguments.of("15", "no route for the BIN", (Consumer<Map<Integer, String>>)m -> m.put(2, Cardholders.luhnPan("555555", 42))),
            Arguments.of("30", "terminal id missing", (Consumer<Map<Integer, String>>)m -> m.remove(41)),
            Arguments.of("54", "expired card", (Consumer<Map<Integer, String>>)m -> m.put(14, "2001")),
            Arguments.of("57", "card not permitted at a gambling merchant", (Consumer<Map<Integer, String>>)m ->
            {
                m.put(41, "TERM0011");
                m.put(42, "MERCHANT0000006");
            }),
            Arguments.of("58", "unknown terminal", (Consumer<Map<Integer, String>>)m -> m.put(41, "NOSUCH01")),
            Arguments.of("58", "terminal of another merchant", (Consumer<Map<Integer, String>>)m -> m.put(41, "TERM0003")),
            Arguments.of("61", "above the per-transaction limit", (Consumer<Map<Integer, String>>)m -> m.put(4, "000200000000")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("switchDeclines")
    void shouldDeclineWithTheSwitchsOwnCode(final String code, final String why, final Consumer<Map<Integer, String>> change) throws IOException
    {
        final CardAccount card = cardsA.payer(1_000);
        try (TestTerminal terminal = signedOn())
        {
            final Map<Integer, String> request = cardsA.purchase(card, 1_000);
            change.accept(request);
            final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, request);
            assertEquals(Mti.FINANCIAL_RESPONSE, answer.mti());
            assertEquals(code, answer.getString(39), why);
            assertEquals(request.get(11), answer.getString(11));
            assertFalse(answer.has(38), "no authorization code on a decline");
        }
        assertEquals(card.balance(), issuerA.account(card.pan()).orElseThrow().balance(), "the issuer never saw it");
    }

    @Test
    void shouldRelayTheIssuersDeclines() throws IOException
    {
        try (TestTerminal terminal = signedOn())
        {
            final CardAccount poor = cardsA.pick(c -> c.status() == CardStatus.ACTIVE && !c.expiredAt(Cardholders.currentYearMonth()) &&
                c.balance() < 50_000_000 && c.dailyLimit() > c.balance() + 1);
            assertEquals("51", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(poor, poor.balance() + 1)).getString(39));
            final CardAccount lost = cardsA.pick(c -> c.status() == CardStatus.LOST && !c.expiredAt(Cardholders.currentYearMonth()));
            assertEquals("41", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(lost, 1_000)).getString(39));
            final CardAccount stolen = cardsA.pick(c -> c.status() == CardStatus.STOLEN && !c.expiredAt(Cardholders.currentYearMonth()));
            assertEquals("43", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(stolen, 1_000)).getString(39));
            final String unknown = Cardholders.luhnPan("476173", 987_654_321L);
            assertEquals("14", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(unknown, 3012, 1_000)).getString(39));
        }
    }

    @Test
    void shouldDeclineACardOverItsFrequencyLimitWithinAMinute() throws IOException
    {
        final CardAccount card = cardsA.payer(10 * 100);
        try (TestTerminal terminal = signedOn())
        {
            for (int i = 0; i < 10; i++)
            {
                assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 100)).getString(39), "request " + (i + 1));
            }
            assertEquals("65", terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(card, 100)).getString(39));
        }
    }

    @Test
    void shouldReverseAnApprovedPurchaseAtTheIssuerOnce() throws Exception
    {
        final CardAccount card = cardsA.payer(5_000);
        try (TestTerminal terminal = signedOn())
        {
            final Map<Integer, String> purchase = cardsA.purchase(card, 5_000);
            assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, purchase).getString(39));
            assertEquals(card.balance() - 5_000, issuerA.account(card.pan()).orElseThrow().balance());

            final Map<Integer, String> reversal = cardsA.reversalOf(purchase);
            final MessageReader answer = terminal.exchange(Mti.REVERSAL_REQUEST, reversal);
            assertEquals(Mti.REVERSAL_RESPONSE, answer.mti());
            assertEquals("00", answer.getString(39));
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == card.balance(),
                "the issuer restores the balance (0420 store and forward)");

            // The acquirer repeats its reversal: acknowledged again, and the issuer credits nothing twice.
            reversal.put(11, cardsA.nextStan());
            final long advices = node.advicesQueued();
            assertEquals("00", terminal.exchange(Mti.REVERSAL_REQUEST + 1, reversal).getString(39));
            assertEquals(advices, node.advicesQueued(), "the repeat queues no second reversal advice");
            assertEquals(card.balance(), issuerA.account(card.pan()).orElseThrow().balance());
        }
    }

    @Test
    void shouldRefuseAPartialOrMismatchedReversalAndReverseTheWholeSaleOnlyWhenAskedTo() throws Exception
    {
        final CardAccount card = cardsA.payer(5_000);
        try (TestTerminal terminal = signedOn())
        {
            final Map<Integer, String> purchase = cardsA.purchase(card, 5_000);
            assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, purchase).getString(39));

            // Field 95: actual amount 30.00 of the 50.00 sale. Not supported: refused, and the sale stands whole.
            final Map<Integer, String> partial = cardsA.reversalOf(purchase);
            partial.put(95, "000000003000" + "000000003000" + "C00000000" + "C00000000");
            final long advices = node.advicesQueued();
            final MessageReader refused = terminal.exchange(Mti.REVERSAL_REQUEST, partial);
            assertEquals(Mti.REVERSAL_RESPONSE, refused.mti());
            assertEquals("12", refused.getString(39));
            assertEquals(partial.get(95), refused.has(95) ? refused.getString(95) : "none", "the 0410 names the replacement amounts it refuses");
            assertEquals(partial.get(90), refused.getString(90));
            assertEquals(advices, node.advicesQueued(), "no reversal advice for a refused partial reversal");
            assertEquals(card.balance() - 5_000, issuerA.account(card.pan()).orElseThrow().balance());

            // Not 12 digits: a format error.
            final Map<Integer, String> garbled = cardsA.reversalOf(purchase);
            garbled.put(95, "00000000A000" + "0".repeat(30));
            assertEquals("30", terminal.exchange(Mti.REVERSAL_REQUEST, garbled).getString(39));

            // Another amount (or currency) than the sale's, and no field 95: not what the sale was, so nothing is reversed, 13.
            final Map<Integer, String> other = cardsA.reversalOf(purchase);
            other.put(4, "000000003000");
            assertEquals("13", terminal.exchange(Mti.REVERSAL_REQUEST, other).getString(39));
            final Map<Integer, String> euros = cardsA.reversalOf(purchase);
            euros.put(49, "978");
            assertEquals("13", terminal.exchange(Mti.REVERSAL_REQUEST, euros).getString(39));
            assertEquals(advices, node.advicesQueued(), "no reversal advice for either");

            // An actual amount of 0 is the whole sale reversed: taken, and the issuer gives the 50.00 back.
            final Map<Integer, String> whole = cardsA.reversalOf(purchase);
            whole.put(95, "0".repeat(24) + "C00000000" + "C00000000");
            assertEquals("00", terminal.exchange(Mti.REVERSAL_REQUEST, whole).getString(39));
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == card.balance(),
                "the issuer restores the balance (0420 store and forward)");
        }
    }

    @Test
    void shouldAnswer25ToTheReversalOfAnUnknownOriginal() throws IOException
    {
        final CardAccount card = cardsA.payer(1_000);
        try (TestTerminal terminal = signedOn())
        {
            final Map<Integer, String> never = cardsA.purchase(card, 1_000);
            final MessageReader answer = terminal.exchange(Mti.REVERSAL_REQUEST, cardsA.reversalOf(never));
            assertEquals(Mti.REVERSAL_RESPONSE, answer.mti());
            assertEquals("25", answer.getString(39));
        }
    }

    @Test
    void shouldAnswerAnExactRetransmissionWithTheOriginalAnswerAndADifferentMessageUnderTheSameKeyWith94() throws IOException
    {
        final CardAccount card = cardsA.payer(2_000);
        try (TestTerminal terminal = signedOn())
        {
            final Map<Integer, String> purchase = cardsA.purchase(card, 2_000);
            final MessageReader first = terminal.exchange(Mti.FINANCIAL_REQUEST, purchase);
            assertEquals("00", first.getString(39));
            final String authorization = first.getString(38);

            final MessageReader again = terminal.exchange(Mti.FINANCIAL_REQUEST, purchase);
            assertEquals("00", again.getString(39));
            assertEquals(authorization, again.getString(38), "the original answer, not a second authorization");
            assertEquals(card.balance() - 2_000, issuerA.account(card.pan()).orElseThrow().balance(), "debited once");

            final Map<Integer, String> other = new HashMap<>(purchase);
            other.put(4, "000000009999");
            assertEquals("94", terminal.exchange(Mti.FINANCIAL_REQUEST, other).getString(39));

            final Map<Integer, String> stale = cardsA.purchase(card, 2_000);
            stale.put(7, ZonedDateTime.now(ZoneOffset.UTC).minusDays(2)
                .format(DateTimeFormatter.ofPattern("MMddHHmmss")));
            assertEquals("94", terminal.exchange(Mti.FINANCIAL_REQUEST, stale).getString(39), "field 7 outside the window");
        }
    }

    @Test
    void shouldAcknowledgeACompletionAndCarryItToTheIssuerOnce() throws Exception
    {
        final CardAccount card = cardsA.payer(8_000);
        try (TestTerminal terminal = signedOn())
        {
            final Map<Integer, String> preauth = cardsA.purchase(card, 8_000);
            final MessageReader authorized = terminal.exchange(Mti.AUTHORIZATION_REQUEST, preauth);
            assertEquals(Mti.AUTHORIZATION_RESPONSE, authorized.mti());
            assertEquals("00", authorized.getString(39));
            assertEquals(card.balance() - 8_000, issuerA.account(card.pan()).orElseThrow().balance(), "the hold");

            final Map<Integer, String> completion = cardsA.purchase(card, 6_500);
            completion.remove(35);
            completion.remove(52);
            completion.put(38, authorized.getString(38));
            completion.put(90, "0100" + preauth.get(11) + preauth.get(7) + "0000000000000000000000");
            final MessageReader acknowledged = terminal.exchange(Mti.FINANCIAL_ADVICE, completion);
            assertEquals(Mti.FINANCIAL_ADVICE_RESPONSE, acknowledged.mti());
            assertEquals("00", acknowledged.getString(39));
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == card.balance() - 6_500,
                "the issuer completes the authorization for the advised amount (0220 store and forward)");

            // Its repeat (0221) is acknowledged again; the same completion sent again as new, under a STAN of its own, is a
            // second completion of the hold: 12. Neither is advised, and the card is charged once.
            final long advices = node.advicesQueued();
            assertEquals("00", terminal.exchange(Mti.FINANCIAL_ADVICE + 1, completion).getString(39));
            completion.put(11, cardsA.nextStan());
            final MessageReader again = terminal.exchange(Mti.FINANCIAL_ADVICE, completion);
            assertEquals(Mti.FINANCIAL_ADVICE_RESPONSE, again.mti());
            assertEquals("12", again.getString(39), "the hold is completed already");
            assertEquals(advices, node.advicesQueued(), "no second 0220 for the issuer");
            assertEquals(card.balance() - 6_500, issuerA.account(card.pan()).orElseThrow().balance());
        }
    }

    /**
     * An authorization the acquirer made without the issuer (0120, its own code in 38 and 00 in 39): acknowledged (0130)
     * and carried to the issuer, which holds the amount as for its own approval; a repeat (0121) holds nothing more;
     * the completion naming the 0120 takes the hold over; an 0120 that advises a decline holds nothing; and a
     * reversal of an 0120 lets its hold go.
     */
    @Test
    void shouldAcknowledgeAnAcquirersAuthorizationAdviceAndCarryItToTheIssuerAsAHold() throws Exception
    {
        final CardAccount card = cardsA.payer(20_000);
        final long start = card.balance();
        try (TestTerminal terminal = signedOn())
        {
            final Map<Integer, String> advice = authorizationAdvice(card, 8_000, "00");
            final MessageReader acknowledged = terminal.exchange(Mti.AUTHORIZATION_ADVICE, advice);
            assertEquals(Mti.AUTHORIZATION_ADVICE_RESPONSE, acknowledged.mti());
            assertEquals("00", acknowledged.getString(39));
            assertEquals(advice.get(11), acknowledged.getString(11));
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == start - 8_000,
                "the issuer holds the amount (0120 store and forward)");
            assertEquals("00", terminal.exchange(Mti.AUTHORIZATION_ADVICE + 1, advice).getString(39), "the acquirer's repeat, acknowledged again");

            final Map<Integer, String> noDecision = authorizationAdvice(card, 3_000, "00");
            noDecision.remove(39);
            assertEquals("30", terminal.exchange(Mti.AUTHORIZATION_ADVICE, noDecision).getString(39), "an 0120 must say what the acquirer decided");

            final Map<Integer, String> declined = authorizationAdvice(card, 3_000, "05");
            assertEquals("00", terminal.exchange(Mti.AUTHORIZATION_ADVICE, declined).getString(39), "an advice of a decline, acknowledged");

            final Map<Integer, String> released = authorizationAdvice(card, 1_000, "00");
            assertEquals("00", terminal.exchange(Mti.AUTHORIZATION_ADVICE, released).getString(39));
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == start - 9_000, "the second hold");
            final Map<Integer, String> reversal = new HashMap<>(released);
            reversal.put(11, cardsA.nextStan());
            reversal.put(90, "0120" + released.get(11) + released.get(7) + "0".repeat(22));
            assertEquals("00", terminal.exchange(Mti.REVERSAL_REQUEST, reversal).getString(39));

            final Map<Integer, String> completion = cardsA.purchase(card, 6_500);
            completion.remove(35);
            completion.remove(52);
            completion.put(38, advice.get(38));
            completion.put(90, "0120" + advice.get(11) + advice.get(7) + "0".repeat(22));
            assertEquals("00", terminal.exchange(Mti.FINANCIAL_ADVICE, completion).getString(39));
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == start - 6_500,
                () -> "the completion takes the 0120's hold over, the reversed one lets go, the decline held nothing: balance " +
                    issuerA.account(card.pan()).orElseThrow().balance() + ", started at " + start);
        }
    }

    /** An 0120 as an acquirer sends one for an authorization it made: its own code in 38, its decision in 39, no card data. */
    private Map<Integer, String> authorizationAdvice(final CardAccount card, final long amount, final String code)
    {
        final Map<Integer, String> advice = cardsA.purchase(card, amount);
        advice.remove(35);
        advice.remove(52);
        advice.put(38, "A" + advice.get(11).substring(1));
        advice.put(39, code);
        return advice;
    }

    @Test
    void shouldServeAUnionPayPosTerminalBehindItsTpdu() throws Exception
    {
        try (TestTerminal pos = cupsSignedOn())
        {
            assertEquals("6000000003603100310701", HexFormat.of().withUpperCase().formatHex(pos.lastHeader()), "TPDU source and destination swapped");

            final CardAccount card = cardsA.payer(3_300);
            final Map<Integer, String> sale = posSale(card, 3_300);
            final MessageReader approved = pos.exchange(Mti.FINANCIAL_REQUEST, sale);
            assertEquals(Mti.FINANCIAL_RESPONSE, approved.mti());
            assertEquals("00", approved.getString(39));
            assertEquals(12, approved.getString(37).length(), "the switch's RRN");
            assertEquals(6, approved.getString(38).length());
            assertEquals(sale.get(11), approved.getString(11));
            assertEquals(card.balance() - 3_300, issuerA.account(card.pan()).orElseThrow().balance());

            // A POS reversal names the original by its STAN and batch.
            final Map<Integer, String> reversal = new HashMap<>(sale);
            reversal.remove(35);
            reversal.remove(52);
            final MessageReader reversed = pos.exchange(Mti.REVERSAL_REQUEST, reversal);
            assertEquals("00", reversed.getString(39));
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == card.balance(), "reversed");
        }
    }

    /**
     * A UnionPay POS terminal voids a sale (a refund naming the sale in 61), then reverses the void: the reversal, with
     * the void's STAN and batch and the void's 61 copied, undoes the void, so the card is charged for the sale again.
     * It once undid the sale that 61 names, and the card was credited twice.
     */
    @Test
    void shouldReverseAUnionPayVoidItselfNotTheSaleItsField61Names() throws Exception
    {
        try (TestTerminal pos = cupsSignedOn())
        {
            final CardAccount card = cardsA.payer(2_200);
            final Map<Integer, String> sale = posSale(card, 2_200);
            assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, sale).getString(39));
            final Map<Integer, String> voided = posSale(card, 2_200);
            voided.put(3, "200000");
            voided.put(61, "000001" + sale.get(11));
            assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, voided).getString(39));
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == card.balance(), "voided");

            final Map<Integer, String> reversal = new HashMap<>(voided);
            reversal.remove(35);
            reversal.remove(52);
            assertEquals("00", pos.exchange(Mti.REVERSAL_REQUEST, reversal).getString(39));
            Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == card.balance() - 2_200,
                () -> "the void undone, the sale stands: balance " + issuerA.account(card.pan()).orElseThrow().balance() + ", started at " +
                    card.balance());
        }
    }

    /**
     * On a UnionPay POS listener a sign-on (0800, 60.3 = 004) is the terminal's, named in its field 41: behind a NAC
     * many terminals share one link, and TERM0002, which never signed on, must not sell because TERM0001 did.
     */
    @Test
    void shouldDeclineAUnionPaySaleFromATerminalThatNeverSignedOnThoughAnotherSignedOnOnTheSameLink() throws Exception
    {
        try (TestTerminal pos = cupsSignedOn())
        {
            final CardAccount card = cardsA.payer(1_100);
            final Map<Integer, String> sale = posSale(card, 1_100);
            sale.put(41, "TERM0002");
            assertEquals("91", pos.exchange(Mti.FINANCIAL_REQUEST, sale).getString(39), "TERM0002 has not signed on");
            assertEquals(card.balance(), issuerA.account(card.pan()).orElseThrow().balance(), "not forwarded");
        }
    }

    /**
     * Behind a NAC, UnionPay POS terminals share one link: TERM0002 signing off (0820, 60.3 = 002) is answered 0830 and
     * signs TERM0002 off, but the link stays up for TERM0001, whose sale on it is then approved.
     */
    @Test
    void shouldKeepAUnionPayLinkUpForTheOtherTerminalsWhenOneSignsOff() throws Exception
    {
        try (TestTerminal pos = cupsSignedOn())
        {
            final Map<Integer, String> signOn = new HashMap<>();
            signOn.put(11, cardsA.nextStan());
            signOn.put(41, "TERM0002");
            signOn.put(42, "MERCHANT0000001");
            signOn.put(60, "00" + "000001" + "004");
            assertEquals("00", pos.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn).getString(39));
            final Map<Integer, String> signOff = new HashMap<>(signOn);
            signOff.put(11, cardsA.nextStan());
            signOff.put(60, "00" + "000001" + "002");
            final MessageReader signedOff = pos.exchange(Mti.NETWORK_MANAGEMENT_ADVICE, signOff);
            assertEquals(Mti.NETWORK_MANAGEMENT_ADVICE_RESPONSE, signedOff.mti());
            assertEquals("00", signedOff.getString(39));
            final CardAccount card = cardsA.payer(1_300);
            String outcome;
            try
            {
                pos.send(Mti.FINANCIAL_REQUEST, posSale(card, 1_300));
                outcome = pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT) == null ? "no answer" : "answered";
            }
            catch (final IOException closed)
            {
                outcome = "the link closed: " + closed;
            }
            assertEquals("answered", outcome, "TERM0001's sale on the link TERM0002 signed off on");
        }
    }

    /**
     * A UnionPay POS terminal signs on once and then dials a new connection for each transaction (short connections,
     * as terminals behind a NAC or on GPRS do): its sale on the new connection is taken, as on a listener with MACs.
     */
    @Test
    void shouldTakeAUnionPaySaleOnANewConnectionFromATerminalThatSignedOnOnAnEarlierOne() throws Exception
    {
        cupsSignedOn().close(); // TERM0001 signs on, then hangs up
        try (TestTerminal pos = new TestTerminal(node.port("pos-cups"), UnionPayPos.DIALECT, HexFormat.of().parseHex("6000030000" + "603100310701")))
        {
            final CardAccount card = cardsA.payer(1_200);
            assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, posSale(card, 1_200)).getString(39), "TERM0001 holds its sign-on");
        }
    }

    /** A UnionPay POS terminal (TERM0001, behind its TPDU) signed on. */
    private TestTerminal cupsSignedOn() throws IOException
    {
        final TestTerminal pos = new TestTerminal(node.port("pos-cups"), UnionPayPos.DIALECT, HexFormat.of().parseHex("6000030000" + "603100310701"));
        final Map<Integer, String> signOn = new HashMap<>();
        signOn.put(11, cardsA.nextStan());
        signOn.put(41, "TERM0001");
        signOn.put(42, "MERCHANT0000001");
        signOn.put(60, "00" + "000001" + "004");
        final MessageReader signedOn = pos.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn);
        assertEquals(Mti.NETWORK_MANAGEMENT_RESPONSE, signedOn.mti());
        assertEquals("00", signedOn.getString(39));
        return pos;
    }

    /** A UnionPay POS sale of {@code card} read from its stripe, in yuan, in batch 1. */
    private Map<Integer, String> posSale(final CardAccount card, final long amount)
    {
        final Map<Integer, String> sale = cardsA.purchase(card, amount);
        sale.remove(2); // a swipe: the card number comes from track 2
        sale.remove(7);
        sale.put(22, "021");
        sale.put(49, "156");
        sale.put(60, "22" + "000001");
        return sale;
    }

    @Test
    void shouldDeclineACardHoppingBetweenMerchantsAsSuspectedFraud() throws IOException
    {
        final CardAccount card = cardsA.payer(3 * 500);
        try (TestTerminal terminal = signedOn())
        {
            final Map<Integer, String> first = cardsA.purchase(card, 500);
            assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, first).getString(39));
            final Map<Integer, String> second = cardsA.purchase(card, 500);
            second.put(41, "TERM0003");
            second.put(42, "MERCHANT0000002");
            assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, second).getString(39));
            final Map<Integer, String> third = cardsA.purchase(card, 500);
            third.put(41, "TERM0005");
            third.put(42, "MERCHANT0000003");
            assertEquals("59", terminal.exchange(Mti.FINANCIAL_REQUEST, third).getString(39));
        }
    }

    private static String flipLastDigit(final String pan)
    {
        final char last = pan.charAt(pan.length() - 1);
        return pan.substring(0, pan.length() - 1) + (char)('0' + (last - '0' + 1) % 10);
    }
}
