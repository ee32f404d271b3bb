package io.interchange.tools.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.interchange.tools.InputException;
import picocli.CommandLine;

/** The pieces of the journal commands that need no journal: CSV and JSON quoting, rates, addresses, filters. */
class JournalFormatsTest
{
    @Test
    void shouldQuoteCsvValuesAsRfc4180Says()
    {
        assertEquals("a,\"b,c\",\"say \"\"hi\"\"\",,\"x\ny\"", ExportCommand.csvLine(List.of("a", "b,c", "say \"hi\"", "", "x\ny")));
    }

    @Test
    void shouldEscapeJsonStringsAndNameEveryColumn()
    {
        final RecordView view = view("TERM\"01", "00");
        final String json = ExportCommand.jsonObject(view.values());
        assertTrue(json.startsWith("{\"index\": \"0x2a\", \"sequence\": \"7\", \"time\": \"2026-03-10T14:00:00Z\""), json);
        assertTrue(json.contains("\"terminal\": \"TERM\\\"01\""), json);
        assertEquals(RecordView.COLUMNS.size(), json.split("\": \"", -1).length - 1, json);
        assertTrue(ExportCommand.jsonObject(List.of("a\u0001b")).contains("a\\u0001b"));
    }

    @Test
    void shouldPrintRatesWithOneDecimalRoundedHalfUp()
    {
        assertEquals("0.0", StatsCommand.tps(0, 60));
        assertEquals("1.5", StatsCommand.tps(90, 60));
        assertEquals("0.1", StatsCommand.tps(3, 60));
        assertEquals("1234.0", StatsCommand.tps(1234, 1));
    }

    @Test
    void shouldAcceptOnlyLoopbackAddresses()
    {
        assertEquals(8583, ReplayCommand.loopback("127.0.0.1:8583").getPort());
        assertTrue(ReplayCommand.loopback("localhost:9000").getAddress().isLoopbackAddress());
        assertTrue(assertThrows(InputException.class, () -> ReplayCommand.loopback("192.168.1.20:8583")).getMessage().contains("loopback"));
        assertTrue(assertThrows(InputException.class, () -> ReplayCommand.loopback("127.0.0.1")).getMessage().contains("HOST:PORT"));
        assertTrue(assertThrows(InputException.class, () -> ReplayCommand.loopback("127.0.0.1:x")).getMessage().contains("not a number"));
        assertTrue(assertThrows(InputException.class, () -> ReplayCommand.loopback("127.0.0.1:70000")).getMessage().contains("1 to 65535"));
    }

    @Test
    void shouldMatchStansWithOrWithoutLeadingZerosAndTimesInTheGivenZone()
    {
        final RecordFilter filter = filter("--stan", "42", "--from", "2026-03-10T15:00:00", "--until", "2026-03-10T14:00:01Z");
        // 15:00 at +01:00 is 14:00 UTC: the record's own time.
        filter.resolve(ZoneOffset.ofHours(1));
        assertTrue(filter.test(view("TERM0001", "00")));
        assertFalse(filter("--stan", "43").resolve(ZoneOffset.UTC).test(view("TERM0001", "00")));
        assertFalse(filter("--rc", "05").resolve(ZoneOffset.UTC).test(view("TERM0001", "00")));
        assertFalse(filter("--until", "2026-03-10T14:00:00Z").resolve(ZoneOffset.UTC).test(view("TERM0001", "00")));
    }

    @Test
    void shouldLineACatRecordWithOnlyTheFieldsItHas()
    {
        assertEquals("seq=7 time=2026-03-10T14:00:00Z event=ACQUIRER_MESSAGE link=3 endpoint=pos-iso87 mti=0200 out=0210 "
            + "pan=476173******0119 stan=000042 terminal=TERM0001 rc=00 outcome=ANSWERED", CatCommand.line(view("TERM0001", "00")));
    }

    private static RecordFilter filter(final String... args)
    {
        final RecordFilter filter = new RecordFilter();
        new CommandLine(filter).parseArgs(args);
        return filter;
    }

    private static RecordView view(final String terminal, final String responseCode)
    {
        return new RecordView(42, 7, Instant.parse("2026-03-10T14:00:00Z"), LocalDate.of(2026, 3, 10), false, "ACQUIRER_MESSAGE", 3,
            "pos-iso87", "0200", List.of("0210"), "476173******0119", "", "", "", "000042", "", "", terminal, "", responseCode, "ANSWERED", "");
    }
}
