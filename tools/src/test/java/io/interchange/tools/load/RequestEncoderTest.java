package io.interchange.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.Pan;
import io.interchange.codec.dialect.Iso87;
import io.interchange.codec.frame.Framing;
import io.interchange.tools.issuer.CardBook;

/**
 * The requests as the switch will read them: each case's message carries what makes its expected answer the only
 * possible one (README: the order of the switch's checks; issuer simulator: status, expiry, funds).
 */
class RequestEncoderTest
{
    private static final LocalDate TODAY = LocalDate.of(2026, 3, 15);
    private static final long NOON = ZonedDateTime.of(2026, 3, 15, 12, 34, 56, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
    private static final LoadOptions OPTIONS = LoadOptions.defaults().withCards(9, List.of("476173", "622848"), 4_000).withTerminals(4).closed(8);

    private final LoadPlan plan = LoadPlan.of(OPTIONS, TODAY);
    private final RequestEncoder encoder = new RequestEncoder(plan);
    private final SimTerminal terminal = new SimTerminal(plan, 1, 1, 0);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Framing.DEFAULT_MAX]);
    private final MessageReader reader = new MessageReader(Iso87.BINARY);

    @ParameterizedTest
    @EnumSource(value = TransactionCase.class, mode = EnumSource.Mode.EXCLUDE, names = {"COMPLETION", "VOID", "BAD_LENGTH"})
    void shouldWriteACardPresentRequestThatReadsBackWithWhatItsCaseNeeds(final TransactionCase c)
    {
        encoder.clock(NOON);
        final int card = terminal.pool(c)[0];
        final long amount = terminal.amount(c);
        final int length = encoder.request(buffer, 0, c, terminal, card, amount, 4_321);
        assertEquals(DecodeError.NONE, reader.wrap(buffer, 0, length), c.label());
        assertEquals(c.requestMti(), reader.mti());
        assertEquals(4_321, reader.getLong(11));
        assertEquals("0315123456", reader.getString(7), "field 7 is MMDDhhmmss, UTC");
        assertEquals("123456", reader.getString(12));
        assertEquals("0315", reader.getString(13));
        assertEquals(315_123_456L, encoder.transmission());
        assertEquals(amount, reader.getLong(4));
        assertEquals(plan.book().expiry(card), reader.getLong(14));
        assertTrue(reader.has(35) && reader.getString(35).startsWith(reader.getString(2) + "="), "track 2 of the card number sent");
        assertEquals(8, reader.getBytes(52).length, "PIN block");
        assertTrue(Pan.luhnValid(reader.getString(2)), "every card number passes the switch's Luhn check");
        final String processing = switch (c)
        {
            case REFUND -> "200000";
            case BALANCE -> "310000";
            case UNSUPPORTED -> "400000";
            default -> "000000";
        };
        assertEquals(processing, reader.getString(3));
        final LoadPlan.Acceptor acceptor = c == TransactionCase.BLOCKED_MCC ? plan.blockedMcc() :
            c == TransactionCase.SUSPENDED_MERCHANT ? plan.suspended() : terminal.acceptor();
        assertEquals(acceptor.terminalId(), reader.getString(41).strip());
        assertEquals(acceptor.merchantId(), reader.getString(42).strip());
        assertEquals(c != TransactionCase.MISSING_FIELD, reader.has(49), "only the malformed case leaves out the currency");
        if (reader.has(49))
        {
            assertEquals("840", reader.getString(49));
        }
    }

    @Test
    void shouldSendCardsWhoseAnswerIsKnown()
    {
        encoder.clock(NOON);
        final CardBook book = plan.book();
        assertTrue(plan.book().expiry(terminal.pool(TransactionCase.EXPIRED_CARD)[0]) < plan.yearMonth(), "54 from the switch on field 14");

        final int card = terminal.pool(TransactionCase.UNKNOWN_CARD)[0];
        assertEquals(DecodeError.NONE, reader.wrap(buffer, 0, encoder.request(buffer, 0, TransactionCase.UNKNOWN_CARD, terminal, card, 100, 1)));
        final String unknown = reader.getString(2);
        assertTrue(unknown.startsWith(Long.toString(book.panNumber(card)).substring(0, 6)), "the card's own BIN, routed");
        assertNotEquals(Long.toString(book.panNumber(card)), unknown);
        assertEquals(-1, book.indexOf(unknown), "a number the issuer never issued: 14");

        assertEquals(DecodeError.NONE, reader.wrap(buffer, 0, encoder.request(buffer, 0, TransactionCase.UNKNOWN_BIN, terminal, card, 100, 2)));
        final String unrouted = reader.getString(2);
        assertTrue(unrouted.startsWith(plan.unroutedBin()));
        assertFalse(LoadPlan.routes(OPTIONS.config().binTable(), unrouted), "no route: 15");
        assertTrue(Pan.luhnValid(unrouted), "else 14 before 15");
    }

    @Test
    void shouldOverstateTheTrack2LengthSoTheFieldsBeforeItStillRead()
    {
        encoder.clock(NOON);
        final int length = encoder.request(buffer, 0, TransactionCase.BAD_LENGTH, terminal, terminal.pool(TransactionCase.PURCHASE)[0], 100, 77);
        assertNotEquals(DecodeError.NONE, reader.wrap(buffer, 0, length));
        assertEquals(35, reader.errorField());
        assertEquals(Mti.FINANCIAL_REQUEST, reader.mti());
        assertEquals(77, reader.getLong(11), "the STAN reads, so the 30 comes back to it");
        assertFalse(reader.has(41), "nor is the terminal id echoed");
    }

    @Test
    void shouldNameThePreAuthorizationACompletionCompletes()
    {
        encoder.clock(NOON);
        final int card = terminal.pool(TransactionCase.PURCHASE)[0];
        final UnsafeBuffer authCode = new UnsafeBuffer("A1B2C3".getBytes(StandardCharsets.US_ASCII));
        final int length = encoder.completion(buffer, 0, terminal, card, 750, 88, 42, 314_235_959L, authCode, 0);
        assertEquals(DecodeError.NONE, reader.wrap(buffer, 0, length));
        assertEquals(Mti.FINANCIAL_ADVICE, reader.mti());
        assertEquals("A1B2C3", reader.getString(38));
        assertEquals("0100" + "000042" + "0314235959" + "0".repeat(22), reader.getString(90));
        assertEquals(750, reader.getLong(4));
        assertEquals(88, reader.getLong(11));
        assertFalse(reader.has(35) || reader.has(52), "no track or PIN on an advice");
    }

    @Test
    void shouldNameThePurchaseAVoidReverses()
    {
        encoder.clock(NOON);
        terminal.approvedPurchase(1_234, 315_120_000L, 999, terminal.pool(TransactionCase.PURCHASE)[3]);
        final int length = encoder.reversal(buffer, 0, terminal, 5_678);
        assertEquals(DecodeError.NONE, reader.wrap(buffer, 0, length));
        assertEquals(Mti.REVERSAL_REQUEST, reader.mti());
        assertEquals("0200" + "001234" + "0315120000" + "0".repeat(22), reader.getString(90));
        assertEquals(999, reader.getLong(4));
        assertEquals(5_678, reader.getLong(11));
        assertEquals(Long.toString(plan.book().panNumber(terminal.pool(TransactionCase.PURCHASE)[3])), reader.getString(2));
    }

    @Test
    void shouldSignOnWithNetworkCode001()
    {
        encoder.clock(NOON);
        final int length = encoder.network(buffer, 0, 9, 1);
        assertEquals(DecodeError.NONE, reader.wrap(buffer, 0, length));
        assertEquals(Mti.NETWORK_MANAGEMENT_REQUEST, reader.mti());
        assertEquals("001", reader.getString(70));
        assertEquals(9, reader.getLong(11));
    }

    @Test
    void shouldAppendALuhnCheckDigit()
    {
        assertEquals(4_761_739_001_010_119L, RequestEncoder.withCheckDigit(476_173_900_101_011L));
        for (long body = 476_173_000_000_000L; body < 476_173_000_000_500L; body++)
        {
            assertTrue(Pan.luhnValid(Long.toString(RequestEncoder.withCheckDigit(body))));
        }
    }

    @Test
    void shouldWriteTheAsciiDialectToo()
    {
        final LoadPlan ascii = LoadPlan.of(OPTIONS.withDialect(Iso87.ASCII, Framing.ASCII_4), TODAY);
        final RequestEncoder asciiEncoder = new RequestEncoder(ascii);
        final SimTerminal t = new SimTerminal(ascii, 0, 1, 0);
        asciiEncoder.clock(NOON);
        final MessageReader asciiReader = new MessageReader(Iso87.ASCII);
        final int length = asciiEncoder.request(buffer, 0, TransactionCase.BAD_LENGTH, t, t.pool(TransactionCase.PURCHASE)[0], 100, 5);
        assertNotEquals(DecodeError.NONE, asciiReader.wrap(buffer, 0, length));
        assertEquals(35, asciiReader.errorField());
        assertEquals(5, asciiReader.getLong(11));
    }
}
