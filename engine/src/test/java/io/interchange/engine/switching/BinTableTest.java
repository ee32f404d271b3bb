package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class BinTableTest
{
    private final BinTable table = BinTable.builder()
        .add("400000", "476172", 0)
        .add("476173", "476173", 1)
        .add("47617390", "47617399", 2)
        .add("62284800000", "62284899999", 3)
        .build();

    @Test
    void shouldRouteByTheLongestMatchingPrefix()
    {
        assertEquals(0, route("4111111111111111"));
        assertEquals(BinTable.NO_ROUTE, route("4761740000000000"));
        assertEquals(1, route("4761731234567890"));
        assertEquals(2, route("4761739001010119"));
        assertEquals(3, route("6228480000000001"));
        assertEquals(BinTable.NO_ROUTE, route("5500000000000004"));
        assertEquals(BinTable.NO_ROUTE, route("622849000000001"));
    }

    @Test
    void shouldGiveTheCardsOriginWithItsIssuerInOneRoute()
    {
        final BinTable split = BinTable.builder()
            .add("476173", "476173", 1)
            .add("47617390", "47617399", 1, true)
            .add("455951", "455951", 2, true)
            .build();
        final int domestic = route(split, "4761731234567890");
        assertEquals(1, domestic, "a domestic card's route is its issuer index");
        assertFalse(BinTable.foreign(domestic));
        final int coBranded = route(split, "4761739001010119");
        assertEquals(1, BinTable.issuer(coBranded));
        assertTrue(BinTable.foreign(coBranded), "the longer, foreign range wins inside the domestic one");
        final int visa = route(split, "4559510000000001");
        assertEquals(2, BinTable.issuer(visa));
        assertTrue(BinTable.foreign(visa));
        assertEquals(BinTable.NO_ROUTE, route(split, "4559520000000000"));
    }

    @Test
    void shouldRefuseOverlappingRangesOfOneLengthAndMalformedRanges()
    {
        assertThrows(IllegalArgumentException.class, () -> BinTable.builder().add("400000", "450000", 0).add("449999", "460000", 1).build());
        assertThrows(IllegalArgumentException.class, () -> BinTable.builder().add("40000", "40000", 0));
        assertThrows(IllegalArgumentException.class, () -> BinTable.builder().add("400000", "3999999", 0));
        assertThrows(IllegalArgumentException.class, () -> BinTable.builder().add("500000", "400000", 0));
        assertThrows(IllegalArgumentException.class, () -> BinTable.builder().add("400000", "400000", -1, true));
    }

    private int route(final String pan)
    {
        return route(table, pan);
    }

    private static int route(final BinTable bins, final String pan)
    {
        return bins.route(new UnsafeBuffer(pan.getBytes(StandardCharsets.US_ASCII)), pan.length());
    }
}
