package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.cups.UnionPayPos;

/** What a kept UnionPay POS sale holds of its answer, to give it again to its terminal: only an answer it can make again whole. */
class KeptSalesTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
    private final MessageReader answer = new MessageReader(UnionPayPos.DIALECT);

    @Test
    void shouldKeepTheRrnAuthorizationCodeAndResponseCodeOfAnAnswerThatIsTheSalesEchoBesides()
    {
        final KeptSales sales = new KeptSales(2);
        final int slot = sales.add(11, 0, 3, 1, 1_500, 156, 7, Transactions.NONE, 0, false, 1, 99);
        sales.answers().keep(slot, answer(false, true));
        assertTrue(sales.answers().kept(slot));
        assertEquals(99, sales.requestHash(slot));
        assertEquals(1, sales.round(slot));
        assertEquals("123456789012", kept(sales, slot, KeptAnswers.RRN));
        assertEquals("A1B2C3", kept(sales, slot, KeptAnswers.AUTHORIZATION_CODE));
        assertEquals("00", kept(sales, slot, KeptAnswers.RESPONSE_CODE));

        final int withoutCode = sales.add(12, 0, 3, 1, 1_500, 156, 7, Transactions.NONE, 0, false, 1, 98);
        sales.answers().keep(withoutCode, answer(false, false));
        assertTrue(sales.answers().kept(withoutCode));
        assertFalse(sales.answers().answered(withoutCode, KeptAnswers.AUTHORIZATION_CODE), "a completion's acknowledgement has no authorization code");
    }

    @Test
    void shouldKeepNoAnswerThatCarriedTheIssuersChipData()
    {
        final KeptSales sales = new KeptSales(1);
        final int slot = sales.add(11, 0, 3, 1, 1_500, 156, 7, Transactions.NONE, 0, false, 1, 99);
        sales.answers().keep(slot, answer(true, true));
        assertFalse(sales.answers().kept(slot), "field 55 is not kept: the sale sent again gets 94");
        sales.answers().keep(slot, answer(false, true));
        final int next = sales.add(13, 0, 3, 1, 1_500, 156, 7, Transactions.NONE, 0, false, 1, 97);
        assertEquals(slot, next, "the oldest let go");
        assertFalse(sales.answers().kept(next), "nothing of the sale it took the place of");
    }

    @Test
    void shouldKeepAVoidWithItsSaleVoidedUntilTheVoidIsReversedAndLetTheLinkGoWithTheSale()
    {
        final KeptSales sales = new KeptSales(3);
        final int sale = sales.add(11, 0, 3, 1, 1_500, 156, 7, 5, 0, false, 1, 99);
        final int voided = sales.add(12, 0, 3, 1, 1_500, 156, 7, Transactions.NONE, 0, false, 1, 98);
        sales.keptVoid(voided, sale);
        assertTrue(sales.isVoid(voided));
        assertFalse(sales.isVoid(sale));
        assertTrue(sales.voided(sale), "kept voided beyond the void's history entry");
        assertFalse(sales.voidFailed(sale, 5), "the void's history entry, taken by another request since, no longer undoes it");
        assertEquals(sale, sales.voidedSale(voided));
        sales.voidUndone(voided);
        assertFalse(sales.voided(sale), "the void reversed: the sale stands, to be voided or reversed again");
        assertTrue(sales.isReversed(voided));
        assertFalse(sales.isReversed(sale));

        sales.voids(sale, 6);
        final int again = sales.add(13, 0, 3, 1, 1_500, 156, 7, Transactions.NONE, 0, false, 1, 97);
        sales.keptVoid(again, sale);
        assertEquals(sale, sales.voidedSale(again));
        assertEquals(sale, sales.add(14, 0, 3, 1, 900, 156, 8, Transactions.NONE, 0, false, 1, 96), "the sale, the oldest, let go");
        assertEquals(KeptSales.NONE, sales.voidedSale(again), "the sale in its slot now is not the void's");
        sales.voidUndone(again);
        assertFalse(sales.voided(sale));
    }

    private MessageReader answer(final boolean chipData, final boolean authorizationCode)
    {
        final MessageWriter writer = new MessageWriter(UnionPayPos.DIALECT).wrap(buffer, 0).mti(210)
            .putString(3, "000000").putString(4, "000000001500").putString(11, "000123").putString(37, "123456789012");
        if (authorizationCode)
        {
            writer.putString(38, "A1B2C3");
        }
        writer.putString(39, "00").putString(41, "TERM0001").putString(42, "MERCHANT0000001");
        if (chipData)
        {
            writer.putBytes(55, new UnsafeBuffer(new byte[] {(byte)0x91, 2, 1, 2}), 0, 4);
        }
        final int length = writer.putString(60, "22000001").finish();
        answer.wrap(buffer, 0, length);
        return answer;
    }

    private static String kept(final KeptSales sales, final int slot, final int field)
    {
        final byte[] text = new byte[KeptAnswers.fieldLength(field)];
        sales.answers().fields().getBytes(sales.answers().fieldOffset(slot, field), text);
        return new String(text, StandardCharsets.US_ASCII);
    }
}
