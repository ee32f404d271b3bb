package io.interchange.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MixTest
{
    @Test
    void shouldBeTheIssuesRealisticMixByDefault()
    {
        assertEquals(70, Mix.DEFAULT.weight(Share.PURCHASE));
        assertEquals(8, Mix.DEFAULT.weight(Share.PREAUTH));
        assertEquals(5, Mix.DEFAULT.weight(Share.REFUND));
        assertEquals(5, Mix.DEFAULT.weight(Share.BALANCE));
        assertEquals(5, Mix.DEFAULT.weight(Share.VOID));
        assertEquals(5, Mix.DEFAULT.weight(Share.DECLINE));
        assertEquals(2, Mix.DEFAULT.weight(Share.MALFORMED));
        assertEquals(100, Mix.DEFAULT.total());
        assertEquals(0.7, Mix.DEFAULT.fraction(Share.PURCHASE), 1e-9);
    }

    @Test
    void shouldReadBackWhatItWrites()
    {
        assertEquals("purchase=70,preauth=8,refund=5,balance=5,void=5,decline=5,malformed=2", Mix.DEFAULT.toString());
        assertEquals(Mix.DEFAULT, Mix.parse(Mix.DEFAULT.toString()));
        assertEquals(Mix.parse("decline=3,purchase=1"), Mix.parse(" purchase = 1 , decline=3 "));
    }

    @Test
    void shouldDrawEachShareInProportionToItsWeight()
    {
        final Map<Share, Integer> drawn = new EnumMap<>(Share.class);
        for (int draw = 0; draw < Mix.DEFAULT.total(); draw++)
        {
            drawn.merge(Mix.DEFAULT.share(draw), 1, Integer::sum);
        }
        for (final Share share : Share.values())
        {
            assertEquals(Mix.DEFAULT.weight(share), drawn.getOrDefault(share, 0), share.label());
        }
        assertThrows(IllegalArgumentException.class, () -> Mix.DEFAULT.share(100));
    }

    @Test
    void shouldDrawOnlyPurchasesFromAPurchaseOnlyMix()
    {
        final Mix purchases = Mix.parse("purchase=100");
        assertEquals(Mix.PURCHASES, purchases);
        for (int draw = 0; draw < purchases.total(); draw++)
        {
            assertEquals(Share.PURCHASE, purchases.share(draw));
        }
        assertEquals("purchase=100", purchases.toString());
        assertEquals(0, purchases.weight(Share.PREAUTH));
    }

    @Test
    void shouldSayWhatIsWrongWithAMixItCannotRead()
    {
        assertMessage("mix share 'sale' is not one of purchase, preauth, refund, balance, void, decline, malformed", "sale=10");
        assertMessage("mix weight of purchase is not a whole number: '7.5'", "purchase=7.5");
        assertMessage("mix weight of purchase is not a whole number: ''", "purchase=");
        assertMessage("mix entry 'purchase' is not share=weight, e.g. purchase=70", "purchase");
        assertMessage("mix share purchase is given twice", "purchase=1,purchase=2");
        assertMessage("mix has no weight: give at least one share above 0", "purchase=0,refund=0");
        assertMessage("mix entry '' is not share=weight, e.g. purchase=70", "");
    }

    private static void assertMessage(final String message, final String mix)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Mix.parse(mix));
        assertEquals(message, ex.getMessage());
        assertTrue(ex.getMessage().indexOf('\n') < 0);
    }
}
