package io.interchange.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.switching.SwitchSetup;

/** Each kind of mistake is reported as {@code file:line: key: reason}, and all of a file's mistakes at once. */
class ConfigErrorTest
{
    private static final String ISO_LISTENER = "name = \"pos\", host = \"127.0.0.1\", port = 8583, dialect = \"iso87b\", framing = \"binary-2\", " +
        "acquirer-id = \"10000001\", allow = [\"127.0.0.1/32\"], idle-timeout = 120s, max-frame = 4096, mac = false";
    private static final String ISSUER = "institution-id = \"20000001\", links = [ { host = \"127.0.0.1\", port = 9101 } ], connections = 2, " +
        "timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s }, stand-in { enabled = false, floor-limit = 0 }";
    private static final String OWN_KEYS = "interchange.keys { pan-encryption = \"" + "11".repeat(32) + "\", pan-hash = \"" + "22".repeat(32) + "\" }\n";

    private static List<String> problems(final String hocon)
    {
        return assertThrows(ConfigError.class, () -> SwitchConfig.parse(hocon, "switch.conf")).problems();
    }

    private static String problem(final String hocon)
    {
        final List<String> problems = problems(hocon);
        assertEquals(1, problems.size(), () -> String.join("\n", problems));
        return problems.get(0);
    }

    /** The line of the embedded defaults that starts with {@code start}, counted from 1. */
    private static int defaultsLine(final String start) throws IOException
    {
        try (InputStream in = SwitchConfig.class.getResourceAsStream(ConfigReader.DEFAULTS_RESOURCE))
        {
            final List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().collect(Collectors.toList());
            for (int i = 0; i < lines.size(); i++)
            {
                if (lines.get(i).trim().startsWith(start))
                {
                    return i + 1;
                }
            }
            throw new AssertionError("no line starts with " + start);
        }
    }

    @Test
    void shouldNameFileLineKeyAndRangeOfANumberOutOfRange()
    {
        final String hocon = """
            interchange.listeners = [
              { %s }
              { %s,
                name = "pos-2", port = 70000 }
            ]
            """.formatted(ISO_LISTENER, ISO_LISTENER);
        assertEquals("switch.conf:4: listeners[1].port: must be 0..65535, got 70000", problem(hocon));
    }

    @Test
    void shouldNameAMissingMandatoryKeyAtItsObject()
    {
        final String hocon = """
            interchange.issuers = [
              { id = "issuer-a", %s }
              { id = "issuer-b",
                institution-id = "20000002" }
            ]
            interchange.bin-table = []
            """.formatted(ISSUER);
        final List<String> problems = problems(hocon);
        assertEquals("switch.conf:3: issuers[1].links: missing", problems.get(0));
        assertEquals("switch.conf:3: issuers[1].stand-in: missing", problems.get(problems.size() - 1));
        assertEquals(7, problems.size(), () -> String.join("\n", problems));
    }

    @Test
    void shouldTakeAnOptionalAdviceWindowAndRefuseOneOutOfRange()
    {
        final String issuers = """
            interchange.issuers = [
              { id = "issuer-a", %s, advice-window = 8 }
              { id = "issuer-b", %s,
                advice-window = 0 }
            ]
            interchange.bin-table = []
            """;
        assertEquals("switch.conf:4: issuers[1].advice-window: must be 1..4096, got 0", problem(issuers.formatted(ISSUER, ISSUER)));
        final SwitchConfig config = SwitchConfig.parse(issuers.formatted(ISSUER, ISSUER).replace("advice-window = 0", "advice-window = 4096"), "switch.conf");
        assertEquals(8, config.issuer("issuer-a").adviceWindow());
        assertEquals(4_096, config.issuer("issuer-b").adviceWindow());
    }

    /** Issuers are matched on the RRN their answers echo unless one is set not to be; a value that is no boolean says so. */
    @Test
    void shouldTakeAnOptionalMatchRrnAndRefuseOneThatIsNoBoolean()
    {
        final String issuers = """
            interchange.issuers = [
              { id = "issuer-a", %s, match-rrn = false }
              { id = "issuer-b", %s }
            ]
            interchange.bin-table = []
            """.formatted(ISSUER, ISSUER);
        final SwitchConfig config = SwitchConfig.parse(issuers, "switch.conf");
        assertEquals(List.of(false, true), config.issuers().stream().map(IssuerConfig::matchRrn).toList());
        assertTrue(problem(issuers.replace("match-rrn = false", "match-rrn = sometimes")).startsWith("switch.conf:2: issuers[0].match-rrn: "),
            () -> problem(issuers.replace("match-rrn = false", "match-rrn = sometimes")));
    }

    /**
     * An issuer's own share of the advice queue comes out of it first; the issuers without one split the rest. Shares
     * beyond the queue, or leaving an issuer without one no room, stop the start at the share that does not fit.
     */
    @Test
    void shouldTakeAnOptionalAdviceShareAndRefuseSharesBeyondTheAdviceQueue()
    {
        final String issuers = """
            interchange.issuers = [
              { id = "issuer-a", %s, advice-share = 20000 }
              { id = "issuer-b", %s,
                advice-share = 12768 }
              { id = "issuer-c", %s }
            ]
            interchange.bin-table = []
            """.formatted(ISSUER, ISSUER, ISSUER);
        assertEquals("switch.conf:4: issuers[1].advice-share: the issuers' advice-shares (32768 together) and one advice at least for each of " +
            "the 1 issuers without one must fit in limits.advice-queue (32768)", problem(issuers));
        assertEquals("switch.conf:4: issuers[1].advice-share: must be 1..1048576, got 0", problem(issuers.replace("12768", "0")));
        final SwitchConfig config = SwitchConfig.parse(issuers.replace("12768", "12767"), "switch.conf");
        assertEquals(List.of(20_000, 12_767, IssuerConfig.EVEN_ADVICE_SHARE), config.issuers().stream().map(IssuerConfig::adviceShare).toList());
        assertEquals("switch.conf:1: issuers[0].advice-share: the issuers' advice-shares (40000 together) must fit in limits.advice-queue (32768)",
            problem("interchange.issuers = [ { id = \"issuer-a\", " + ISSUER + ", advice-share = 40000 } ]\ninterchange.bin-table = []"));
        assertEquals(List.of(IssuerConfig.EVEN_ADVICE_SHARE, IssuerConfig.EVEN_ADVICE_SHARE),
            SwitchConfig.defaults().issuers().stream().map(IssuerConfig::adviceShare).toList(), "the defaults split the queue evenly");
    }

    /** Each issuer may hold three quarters of the in-flight table (a lone issuer all of it) unless its max-in-flight says otherwise. */
    @Test
    void shouldLetEachIssuerHoldThreeQuartersOfTheInFlightTableUnlessToldAndRefuseAQuotaOfNone()
    {
        final String issuers = """
            interchange.issuers = [
              { id = "issuer-a", %s, max-in-flight = 12000 }
              { id = "issuer-b", %s,
                max-in-flight = 0 }
            ]
            interchange.bin-table = []
            """;
        assertEquals("switch.conf:4: issuers[1].max-in-flight: must be 1..1048576, got 0", problem(issuers.formatted(ISSUER, ISSUER)));
        final SwitchConfig config = SwitchConfig.parse(issuers.formatted(ISSUER, ISSUER).replace("max-in-flight = 0", ""), "switch.conf");
        assertEquals(12_000, config.issuer("issuer-a").maxInFlight(config.limits().inFlight(), 2));
        assertEquals(12_288, config.issuer("issuer-b").maxInFlight(config.limits().inFlight(), 2));
        assertEquals(16_384, config.issuer("issuer-b").maxInFlight(config.limits().inFlight(), 1), "a lone issuer: the whole table");
        final SwitchConfig defaults = SwitchConfig.defaults();
        assertEquals(List.of(12_288, 12_288), SwitchNode.setup(defaults, Dialects.all()).issuers().stream().map(SwitchSetup.Issuer::maxInFlight).toList());
    }

    @Test
    void shouldKeepAMillionForgottenKeysByDefaultAndRefuseANegativeCount()
    {
        assertEquals(1 << 20, SwitchConfig.defaults().limits().duplicateKeys());
        assertEquals(0, SwitchConfig.parse("interchange.limits.duplicate-keys = 0", "switch.conf").limits().duplicateKeys());
        assertEquals("switch.conf:1: limits.duplicate-keys: must be 0..67108864, got -1", problem("interchange.limits.duplicate-keys = -1"));
    }

    @Test
    void shouldGiveRequestsFiveSecondsByDefaultAndRefuseADeadlineUnderAMillisecond()
    {
        assertEquals(Duration.ofSeconds(5), SwitchConfig.defaults().limits().requestDeadline());
        final SwitchConfig config = SwitchConfig.parse("interchange.limits.request-deadline = 200ms", "switch.conf");
        assertEquals(Duration.ofMillis(200), config.limits().requestDeadline());
        assertEquals(200_000_000L, SwitchNode.setup(config, Dialects.all()).limits().requestDeadlineNanos(), "what the switch handler gets");
        assertEquals("switch.conf:1: limits.request-deadline: must be 1ms..5m, got 0s", problem("interchange.limits.request-deadline = 0s"));
        assertEquals("switch.conf:1: limits.request-deadline: must be 1ms..5m, got -5s", problem("interchange.limits.request-deadline = -5s"));
        assertEquals("switch.conf:1: limits.request-deadline: must be 1ms..5m, got 999us", problem("interchange.limits.request-deadline = 999us"));
        assertEquals("switch.conf:2: limits.request-deadline: expected a duration such as 250ms, 5s, 2m or 24h, got 'soon'",
            problem("interchange.limits {\n  request-deadline = soon\n}"));
    }

    @Test
    void shouldSizeThePerCardTablesFor131072CardsAMinuteByDefaultAndRefuseFewerThan1024()
    {
        assertEquals(1 << 17, SwitchConfig.defaults().limits().cardsPerMinute());
        assertEquals(4_000_000, SwitchConfig.parse("interchange.limits.cards-per-minute = 4000000", "switch.conf").limits().cardsPerMinute());
        assertEquals("switch.conf:1: limits.cards-per-minute: must be 1024..4194304, got 100", problem("interchange.limits.cards-per-minute = 100"));
        assertEquals("switch.conf:1: limits.cards-per-minute: must be 1024..4194304, got 4194305", problem("interchange.limits.cards-per-minute = 4194305"));
    }

    @Test
    void shouldTakeStandInOnTimeOutAsAnOptionalTrueOrFalse()
    {
        final String issuers = """
            interchange.issuers = [
              { id = "issuer-a", %s }
            ]
            interchange.bin-table = []
            """;
        final String withStandIn = issuers.formatted(ISSUER.replace("floor-limit = 0 }", "floor-limit = 100, on-time-out = %s }"));
        assertEquals(false, SwitchConfig.parse(issuers.formatted(ISSUER), "switch.conf").issuer("issuer-a").standIn().onTimeOut());
        assertEquals(true, SwitchConfig.parse(withStandIn.formatted("true"), "switch.conf").issuer("issuer-a").standIn().onTimeOut());
        assertEquals("switch.conf:2: issuers[0].stand-in.on-time-out: expected true or false, got 'often'", problem(withStandIn.formatted("often")));
    }

    @Test
    void shouldNotBlameTheDefaultsBinTableForIssuersTheFileGotWrong()
    {
        assertEquals("switch.conf:1: issuers: expected a list [ ... ], got 5", problem("interchange.issuers = 5"));
        final List<String> noId = problems("interchange.issuers = [ { " + ISSUER + " } ]");
        assertEquals(List.of("switch.conf:1: issuers[0].id: missing"), noId, "not the defaults' bin-table's issuer-a and issuer-b as well");
    }

    @Test
    void shouldTakeNullAsMissing()
    {
        assertEquals("switch.conf:2: node-id: missing", problem("interchange {\n  node-id = null\n}"));
    }

    @Test
    void shouldNameTheExpectedTypeAndWhatWasThere()
    {
        assertEquals("switch.conf:1: ring.size: expected a whole number, got 'big'", problem("interchange.ring.size = big"));
        assertEquals("switch.conf:1: ring.size: expected a whole number, got 8192.5", problem("interchange.ring.size = 8192.5"));
        assertEquals("switch.conf:1: loopback-only: expected true or false, got 3", problem("interchange.loopback-only = 3"));
        assertEquals("switch.conf:1: listeners: expected a list [ ... ], got 5", problem("interchange.listeners = 5"));
        assertEquals("switch.conf:1: ring: expected an object { ... }, got 'fast'", problem("interchange.ring = fast"));
        assertEquals("switch.conf:1: ring.tick: expected a duration such as 250ms, 5s, 2m or 24h, got 'soon'",
            problem("interchange.ring.tick = soon"));
        assertEquals("switch.conf:1: node-id: expected a string, got a list", problem("interchange.node-id = [1]"));
        assertEquals("switch.conf:1: merchants[0]: expected an object { ... }, got 'MERCHANT0000001'",
            problems("interchange.merchants = [\"MERCHANT0000001\"]").get(0));
    }

    @Test
    void shouldTakeANumberWrittenAsAStringAsFromTheEnvironment()
    {
        assertEquals(1024, SwitchConfig.parse("interchange.ring.size = \"1024\"", "switch.conf").ring().size());
    }

    @Test
    void shouldCheckRangesBeyondTheType()
    {
        assertEquals("switch.conf:1: ring.size: must be a power of two, got 1000", problem("interchange.ring.size = 1000"));
        assertEquals("switch.conf:1: ring.tick: must be 1ms..1s, got 0s", problem("interchange.ring.tick = 0ms"));
        assertEquals("switch.conf:1: ring.wait-strategy: must be one of blocking, sleeping, yielding, busy-spin, got lazy",
            problem("interchange.ring.wait-strategy = lazy"));
        assertEquals("switch.conf:1: ring.threads: must be one of auto, one, per-stage, event-loop, got two", problem("interchange.ring.threads = two"));
        assertEquals("switch.conf:1: node-id: must be 4 letters or digits, got 'IC1'", problem("interchange.node-id = IC1"));
        assertEquals("switch.conf:1: business-day.cutoff: expected a time of day such as \"23:00\", got '25:00'",
            problem("interchange.business-day.cutoff = \"25:00\""));
        assertEquals("switch.conf:1: business-day.zone: unknown time zone 'Mars/Olympus'; use a region such as \"Asia/Shanghai\", or \"UTC\"",
            problem("interchange.business-day.zone = \"Mars/Olympus\""));
        assertEquals("switch.conf:1: limits.max-amount: must be 1..999999999999, got 0", problem("interchange.limits.max-amount = 0"));
        assertEquals("switch.conf:1: limits.duplicate-history: must be 1024..2097152, got 10", problem("interchange.limits.duplicate-history = 10"));
        assertEquals("switch.conf:1: limits.duplicate-history: must be at least twice in-flight (16384), got 20000",
            problem("interchange.limits.duplicate-history = 20000"));
        assertEquals("switch.conf:1: limits.advice-queue: must be at least in-flight (16384), got 8192: each request in flight keeps room in its " +
            "issuer's share of the queue for the 0420 it may owe",
            problem("interchange.limits.advice-queue = 8192"));
        assertEquals("switch.conf:1: limits.currencies[1]: must be 1..999, got 1000", problem("interchange.limits.currencies = [156, 1000]"));
        assertEquals("switch.conf:1: limits.duplicate-window: must be 1s..7d, got 30d", problem("interchange.limits.duplicate-window = 30d"));
        assertEquals("switch.conf:1: issuers[0].reconnect.max: must be at least initial (2s), got 1s",
            problem("interchange.issuers = [ { id = \"issuer-a\", " +
                ISSUER.replace("max = 10s", "max = 1s").replace("initial = 100ms", "initial = 2s") + " } ]\ninterchange.bin-table = []"));
        assertEquals("switch.conf:1: journal.durability: must be one of process-crash-safe, msync-per-batch, got 'fsync'",
            problem("interchange.journal.durability = fsync"));
        assertEquals("switch.conf:1: merchants[0].status: must be one of active, suspended, closed, got 'ACTIVE'",
            problem("interchange.merchants = [ { id = \"MERCHANT0000001\", name = \"Shop\", mcc = 5411, status = ACTIVE } ], interchange.terminals = []"));
    }

    @Test
    void shouldListTheKnownDialectsAndFramings()
    {
        final List<String> problems = problems("interchange.listeners = [\n{ " + ISO_LISTENER.replace("iso87b", "iso93").replace("binary-2", "nac") + " }\n]");
        assertEquals(List.of(
            "switch.conf:2: listeners[0].dialect: unknown dialect 'iso93'; known: iso87b, iso87a, cups",
            "switch.conf:2: listeners[0].framing: unknown framing 'nac'; known: binary-2, ascii-4, unionpay-pos"), problems);
    }

    @Test
    void shouldBoundTheFrameByWhatItsLengthHeaderCanSay()
    {
        assertEquals("switch.conf:1: listeners[0].max-frame: must be 64..9999, got 10000",
            problem("interchange.listeners = [ { " + ISO_LISTENER.replace("binary-2", "ascii-4").replace("4096", "10000") + " } ]"));
    }

    @Test
    void shouldRefuseDuplicateIds()
    {
        assertEquals("switch.conf:3: listeners[1].name: duplicate 'pos', already the name of listeners[0]",
            problem("interchange.listeners = [\n{ " + ISO_LISTENER + " }\n{ " + ISO_LISTENER.replace("8583", "8585") + " }\n]"));
        assertEquals("switch.conf:3: listeners[1].port: 127.0.0.1:8583 is already bound by listeners[0]",
            problem("interchange.listeners = [\n{ " + ISO_LISTENER + " }\n{ " + ISO_LISTENER.replace("\"pos\"", "\"pos-2\"") + " }\n]"));
        assertEquals("switch.conf:2: issuers[1].id: duplicate 'issuer-a', already the id of issuers[0]",
            problem("interchange.issuers = [ { id = \"issuer-a\", " + ISSUER + " }\n{ id = \"issuer-a\", " + ISSUER + " } ]\ninterchange.bin-table = []"));
        final String merchant = "{ id = \"MERCHANT0000001\", name = \"Shop\", mcc = 5411, status = active }";
        assertEquals("switch.conf:3: merchants[1].id: duplicate 'MERCHANT0000001', already the id of merchants[0]",
            problem("interchange.terminals = []\ninterchange.merchants = [ " + merchant + "\n" + merchant + " ]"));
        assertEquals("switch.conf:4: terminals[2].id: duplicate 'TERM0001', already the id of terminals[0]", problem("""
            interchange.terminals = [
              { id = "TERM0001", merchant = "MERCHANT0000001", status = active }
              { id = "TERM0002", merchant = "MERCHANT0000001", status = active }
              { id = "TERM0001", merchant = "MERCHANT0000002", status = closed }
            ]
            """));
    }

    @Test
    void shouldAllowListenersOnAnyFreePortTogether()
    {
        final SwitchConfig config = SwitchConfig.parse("interchange.listeners = [\n{ " + ISO_LISTENER.replace("8583", "0") + " }\n{ " +
            ISO_LISTENER.replace("8583", "0").replace("\"pos\"", "\"pos-2\"") + " }\n]", "switch.conf");
        assertEquals(0, config.listener("pos-2").port());
    }

    @Test
    void shouldRefuseATerminalOfAnUnknownMerchant()
    {
        assertEquals("switch.conf:3: terminals[1].merchant: unknown merchant 'MERCHANT0000099'", problem("""
            interchange.terminals = [
              { id = "TERM0001", merchant = "MERCHANT0000001", status = active }
              { id = "TERM0002", merchant = "MERCHANT0000099", status = active }
            ]
            """));
    }

    @Test
    void shouldRefuseAMerchantOfAnUnknownAcquirer()
    {
        assertEquals("switch.conf:1: merchants[0].acquirer: 'pos-visa' is neither a listener's name nor its acquirer-id; " +
            "listeners: pos-iso87, pos-cups; acquirer ids: 10000001, 10000002",
            problem("interchange.merchants = [ { id = \"MERCHANT0000001\", name = \"Shop\", mcc = 5411, status = active, acquirer = pos-visa } ]\n" +
                "interchange.terminals = []"));
        final SwitchConfig config = SwitchConfig.parse("interchange.merchants = [\n" +
            "{ id = \"MERCHANT0000001\", name = \"Shop\", mcc = 5411, status = active, acquirer = pos-cups }\n" +
            "{ id = \"MERCHANT0000002\", name = \"Shop 2\", mcc = 5411, status = active, acquirer = 10000001 } ]\n" +
            "interchange.terminals = []", "switch.conf");
        assertEquals("10000001", config.merchants().get(1).acquirer());
    }

    @Test
    void shouldRefuseABinRangeOfAnUnknownIssuer()
    {
        assertEquals("switch.conf:3: bin-table[1].issuer: unknown issuer 'issuer-c'; issuers: issuer-a, issuer-b", problem("""
            interchange.bin-table = [
              { low = "476173", high = "476173", issuer = "issuer-a" }
              { low = "400000", high = "409999", issuer = "issuer-c" }
            ]
            """));
    }

    @Test
    void shouldRefuseOverlappingBinRangesOfTheSameLength()
    {
        assertEquals("switch.conf:4: bin-table[2]: overlaps bin-table[0] (400000..409999 -> issuer-a)", problem("""
            interchange.bin-table = [
              { low = "400000", high = "409999", issuer = "issuer-a" }
              { low = "410000", high = "419999", issuer = "issuer-a" }
              { low = "405000", high = "405000", issuer = "issuer-b" }
            ]
            """));
        assertEquals("switch.conf:3: bin-table[1]: overlaps bin-table[0] (622848..622848 -> issuer-b)", problem("""
            interchange.bin-table = [
              { low = "622848", high = "622848", issuer = "issuer-b" }
              { low = "622800", high = "622899", issuer = "issuer-a" }
            ]
            """));
    }

    @Test
    void shouldLetALongerRangeSitInsideAShorterOne()
    {
        final SwitchConfig config = SwitchConfig.parse("""
            interchange.bin-table = [
              { low = "400000", high = "499999", issuer = "issuer-a" }
              { low = "47617300", high = "47617399", issuer = "issuer-b" }
              { low = "500000", high = "500000", issuer = "issuer-b" }
            ]
            """, "switch.conf");
        assertEquals(8, config.binTable().get(1).length());
    }

    @Test
    void shouldCheckEachBinRangesEnds()
    {
        assertEquals("switch.conf:1: bin-table[0].high: must not be below low (476173), got 476100",
            problem("interchange.bin-table = [ { low = \"476173\", high = \"476100\", issuer = \"issuer-a\" } ]"));
        assertEquals("switch.conf:1: bin-table[0].high: must have as many digits as low (6), got 8",
            problem("interchange.bin-table = [ { low = \"476173\", high = \"47617399\", issuer = \"issuer-a\" } ]"));
        assertEquals("switch.conf:1: bin-table[0].low: must be 6 to 11 digits, got '4761'",
            problem("interchange.bin-table = [ { low = \"4761\", high = \"476173\", issuer = \"issuer-a\" } ]"));
    }

    @Test
    void shouldNameABinRangesOriginThatIsNeitherDomesticNorForeign()
    {
        assertEquals("switch.conf:3: bin-table[1].origin: must be one of domestic, foreign, got 'international'", problem("""
            interchange.bin-table = [
              { low = "476173", high = "476173", issuer = "issuer-a", origin = foreign }
              { low = "622848", high = "622848", issuer = "issuer-b", origin = international }
            ]
            """));
        assertEquals("switch.conf:1: bin-table[0].origin: must be one of domestic, foreign, got 'FOREIGN'",
            problem("interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\", origin = FOREIGN } ]"));
    }

    @Test
    void shouldRefuseMalformedHexKeys()
    {
        assertEquals("switch.conf:1: keys.pan-encryption: must be 64 hex digits, got 62",
            problem("interchange.keys.pan-encryption = \"" + "ab".repeat(31) + "\""));
        assertEquals("switch.conf:1: keys.pan-hash: must be hex digits, got 'g' at position 2",
            problem("interchange.keys.pan-hash = \"ag" + "ab".repeat(31) + "\""));
        assertEquals("switch.conf:1: terminals[0].master-key: must be 16, 32 or 48 hex digits, got 30",
            problem("interchange.terminals = [ { id = \"TERM0001\", merchant = \"MERCHANT0000001\", status = active, master-key = \"" +
                "0123456789ABCDEF0123456789ABCD\" } ]"));
    }

    /**
     * A key is never quoted back (DESIGN.md §7): set where an object belongs, written without its '=' (Typesafe Config
     * then quotes what it took for the key, the value with it), or a card number given as a BIN. Each mistake is still
     * named, with the value's length in place of its digits.
     */
    @Test
    void shouldNotQuoteAKeyOrCardNumberBack()
    {
        final String key = "5C1E0B7A9D3F24688A1CE05B7D39F2461B6A8C0E4D2F7193A5C8E1B0F6D4A279";
        final String master = "3D9B4C1A7F2E8056C4A1F70B92E6D538";
        final String card = "4761739001010119";

        final String asObject = problem("interchange.keys = \"" + key + "\"");
        assertEquals("switch.conf:1: keys: expected an object { ... }, got '<64 hex digits, not shown>'", asObject);

        final String noEquals = problem("interchange.keys.pan-hash " + key);
        assertTrue(noEquals.startsWith("switch.conf:1: Key 'interchange.keys.pan-hash <64 hex digits, not shown>'"), noEquals);

        final String inTerminal = problem("interchange.terminals = [ { id = \"TERM0001\", merchant = \"MERCHANT0000001\", status = active, " +
            "master-key " + master + " } ]");
        assertTrue(inTerminal.contains("<32 hex digits, not shown>"), inTerminal);

        final String asBin = problem("interchange.bin-table = [ { low = \"" + card + "\", high = \"476173\", issuer = \"issuer-a\" } ]");
        assertEquals("switch.conf:1: bin-table[0].low: must be 6 to 11 digits, got '<16 hex digits, not shown>'", asBin);

        final ConfigError error = assertThrows(ConfigError.class, () -> SwitchConfig.parse("interchange.keys = \"" + key + "\"\n" +
            "interchange.terminals = [ { id = \"TERM0001\", merchant = \"MERCHANT0000001\", status = active, master-key " + master + " } ]",
            "switch.conf"));
        for (final String secret : List.of(key, master, card))
        {
            for (final String shown : List.of(asObject, noEquals, inTerminal, asBin, error.getMessage()))
            {
                assertFalse(shown.contains(secret.substring(0, 16)), () -> "quoted back: " + shown);
            }
        }
    }

    @Test
    void shouldKeepAMasterKeyInUpperCaseAndAllowNone()
    {
        final SwitchConfig config = SwitchConfig.parse("interchange.terminals = [\n" +
            "{ id = \"TERM0001\", merchant = \"MERCHANT0000001\", status = active, master-key = \"0123456789abcdef\" }\n" +
            "{ id = \"TERM0002\", merchant = \"MERCHANT0000001\", status = suspended } ]", "switch.conf");
        assertEquals("0123456789ABCDEF", config.terminals().get(0).masterKey());
        assertEquals(null, config.terminals().get(1).masterKey());
    }

    @Test
    void shouldCheckFieldSizesOfMerchantsAndTerminals()
    {
        assertEquals("switch.conf:1: merchants[0].id: must be 15 characters, a merchant id (field 42), got 5 ('SHOP1')",
            problem("interchange.merchants = [ { id = SHOP1, name = \"Shop\", mcc = 5411, status = active } ], interchange.terminals = []"));
        assertEquals("switch.conf:2: merchants[0].name: must be 1 to 40 characters, a merchant name and location (field 43), got 41 ('" +
            "x".repeat(41) + "')",
            problem("interchange.terminals = []\n" +
                "interchange.merchants = [ { id = MERCHANT0000001, name = \"" + "x".repeat(41) + "\", mcc = 5411, status = active } ]"));
        assertEquals("switch.conf:1: merchants[0].mcc: must be 0..9999, got 54110",
            problem("interchange.merchants = [ { id = MERCHANT0000001, name = \"Shop\", mcc = 54110, status = active } ], interchange.terminals = []"));
        assertEquals("switch.conf:1: terminals[0].id: must be printable ASCII, a terminal id (field 41), got U+00E9 at position 5",
            problem("interchange.terminals = [ { id = \"TERM\u00e9001\", merchant = MERCHANT0000001, status = active } ]"));
    }

    @Test
    void shouldRefuseNonLoopbackAddressesWhileLoopbackOnly()
    {
        assertEquals("switch.conf:1: listeners[0].host: '0.0.0.0' is not a loopback address, and loopback-only = true",
            problem("interchange.listeners = [ { " + ISO_LISTENER.replace("127.0.0.1\", port", "0.0.0.0\", port") + " } ]"));
        assertEquals("switch.conf:1: issuers[0].links[0].host: 'issuer.example.com' is not a loopback address, and loopback-only = true",
            problem("interchange.issuers = [ { id = \"issuer-a\", " + ISSUER.replace("127.0.0.1", "issuer.example.com") + " } ], interchange.bin-table = []"));
        final SwitchConfig config = SwitchConfig.parse("interchange.listeners = [ { " + ISO_LISTENER.replace("127.0.0.1\", port", "::1\", port") +
            " } ]\ninterchange.issuers = [ { id = \"issuer-a\", " + ISSUER.replace("127.0.0.1", "localhost") + " } ], interchange.bin-table = []",
            "switch.conf");
        assertEquals("::1", config.listeners().get(0).host());
    }

    @Test
    void shouldAcceptAnyAddressOffLoopbackWithKeysOfItsOwn()
    {
        final SwitchConfig config = SwitchConfig.parse(OWN_KEYS + "interchange.loopback-only = false, interchange.terminals = []\n" +
            "interchange.listeners = [ { " + ISO_LISTENER.replace("127.0.0.1\", port", "0.0.0.0\", port") + " } ]\n" +
            "interchange.issuers = [ { id = \"issuer-a\", " + ISSUER.replace("127.0.0.1", "issuer.example.com") + " } ], interchange.bin-table = []",
            "switch.conf");
        assertEquals("0.0.0.0", config.listeners().get(0).host());
        assertEquals("issuer.example.com", config.issuers().get(0).links().get(0).host());
        assertEquals("switch.conf:1: listeners[0].host: 'bad host!' is neither an IP address nor a host name",
            problem(OWN_KEYS.replace("\n", " ") + ", interchange.loopback-only = false, interchange.terminals = [], interchange.listeners = [ { " +
                ISO_LISTENER.replace("127.0.0.1\", port", "bad host!\", port") + " } ], interchange.issuers = [ { id = \"issuer-a\", " + ISSUER +
                " } ], interchange.bin-table = []"));
    }

    /**
     * Off loopback the keys the defaults publish are refused: the journal's PAN keys, and the demo issuers' zone PIN
     * keys and the demo terminals' master keys, under which PIN blocks and working keys would be as good as clear.
     */
    @Test
    void shouldRefuseTheDemoKeysOffLoopback() throws IOException
    {
        final String defaults = "classpath:io/interchange/engine/config/defaults.conf";
        final String reason = "is the published demo key; with loopback-only = false set a key of your own";
        final String demo = "is a demo key published in the defaults; with loopback-only = false set a key of your own";
        final List<String> problems = problems("interchange.loopback-only = false");
        assertEquals(List.of(
            defaults + ":" + defaultsLine("pin-key = \"0123") + ": issuers[0].pin-key: " + demo,
            defaults + ":" + defaultsLine("pin-key = \"89AB") + ": issuers[1].pin-key: " + demo,
            defaults + ":" + defaultsLine("{ id = \"TERM0001\"") + ": terminals[0].master-key: " + demo),
            problems.subList(0, 3));
        assertEquals(List.of(
            defaults + ":" + defaultsLine("pan-encryption =") + ": keys.pan-encryption: " + reason,
            defaults + ":" + defaultsLine("pan-hash =") + ": keys.pan-hash: " + reason),
            problems.subList(problems.size() - 2, problems.size()));
        assertEquals(2 + 2 + 14, problems.size(), () -> String.join("\n", problems));
    }

    /**
     * A listener takes max-connections connections from its allowed addresses at once, 1,024 unless it says; none at all,
     * or more than a process's share of descriptors, is a mistake stopped at start-up on its key.
     */
    @Test
    void shouldTakeAnOptionalMaxConnectionsAndRefuseOneThatIsNotACount()
    {
        assertEquals(ListenerConfig.DEFAULT_MAX_CONNECTIONS, SwitchConfig.parse("interchange.listeners = [ { " + ISO_LISTENER + " } ]", "switch.conf")
            .listeners().get(0).maxConnections(), "unless set");
        assertEquals(1_024, ListenerConfig.DEFAULT_MAX_CONNECTIONS);
        assertEquals(ListenerConfig.DEFAULT_MAX_CONNECTIONS, SwitchConfig.defaults().listener("pos-cups").maxConnections(), "the defaults' listeners");
        assertEquals(3, SwitchConfig.parse("interchange.listeners = [ { " + ISO_LISTENER + ", max-connections = 3 } ]", "switch.conf")
            .listeners().get(0).maxConnections());
        final String listeners = """
            interchange.listeners = [
              { %s }
              { %s, name = "pos-2", port = 8585,
                max-connections = VALUE }
            ]
            """.formatted(ISO_LISTENER, ISO_LISTENER);
        assertEquals("switch.conf:4: listeners[1].max-connections: must be 1..65536, got 0", problem(listeners.replace("VALUE", "0")));
        assertEquals("switch.conf:4: listeners[1].max-connections: must be 1..65536, got 100000", problem(listeners.replace("VALUE", "100000")));
        assertEquals("switch.conf:4: listeners[1].max-connections: expected a whole number, got 'lots'", problem(listeners.replace("VALUE", "lots")));
        assertEquals("switch.conf:4: listeners[1].max-connections: expected a whole number, got 2.5", problem(listeners.replace("VALUE", "2.5")));
    }

    @Test
    void shouldRefuseAnEmptyAllowList()
    {
        assertEquals("switch.conf:1: listeners[0].allow: allows no one to connect; for this machine alone, say [\"127.0.0.1/32\", \"::1/128\"]",
            problem("interchange.listeners = [ { " + ISO_LISTENER.replace("[\"127.0.0.1/32\"]", "[]") + " } ]"));
        assertEquals("switch.conf:1: listeners[0].allow[1]: 10.0.0.1 has bits set beyond its /8 prefix",
            problem("interchange.listeners = [ { " + ISO_LISTENER.replace("[\"127.0.0.1/32\"]", "[\"127.0.0.1/32\", \"10.0.0.1/8\"]") + " } ]"));
    }

    @Test
    void shouldRefuseMacOnAListenerWithoutTheKeysItsDialectNeedsOrADialectThatCannotCarryThem()
    {
        final String macing = ISO_LISTENER.replace("mac = false", "mac = true");
        assertEquals("switch.conf:1: listeners[0].mac: true on iso87b needs master-key: the zone master key (32 or 48 hex digits) shared with the "
            + "acquirer host, under which its key change (0800/101) gets the MAC and PIN keys", problem("interchange.listeners = [ { " + macing + " } ]"));
        final String hostKeyed = macing + ", master-key = \"3D9B4C1A7F2E8056C4A1F70B92E6D538\"";
        final ListenerConfig host = SwitchConfig.parse("interchange.listeners = [ { " + hostKeyed + " } ]", "switch.conf").listeners().get(0);
        assertTrue(host.hostKeyed());
        assertFalse(host.toString().contains("3D9B4C1A"), "no key in the record's text");
        assertEquals(Duration.ZERO, host.keyChangeGrace(), "no grace unless set: a key changed because it is suspect ends at once");
        assertEquals(Duration.ofSeconds(5), SwitchConfig.parse("interchange.listeners = [ { " + hostKeyed + ", key-change-grace = 5s } ]", "switch.conf")
            .listeners().get(0).keyChangeGrace());
        assertEquals("switch.conf:1: listeners[0].key-change-grace: must be 0s..1h, got 2h",
            problem("interchange.listeners = [ { " + hostKeyed + ", key-change-grace = 2h } ]"));
        assertEquals("switch.conf:1: listeners[0].key-change-grace: is for acquirer hosts that change keys (mac = true with master-key): how long "
            + "after a key change requests MACed with the keys before it are still taken", problem("interchange.listeners = [ { " + macing.replace(
                "mac = true", "mac = false") + ", key-change-grace = 5s } ]"));
        assertEquals("switch.conf:1: listeners[0].master-key: has two equal 8-byte parts next to each other, which makes it single DES: use a key "
            + "made at random", problem("interchange.listeners = [ { " + macing + ", master-key = \"" + "0".repeat(32) + "\" } ]"));
        assertTrue(problem("interchange.listeners = [ { " + macing + ", master-key = \"0123456789ABCDEF0022446688AACCEE\" } ]")
            .contains("single DES"), "halves that differ only in their parity bits are the same DES key");
        assertEquals("switch.conf:1: listeners[0].master-key: must be 32 or 48 hex digits, got 16",
            problem("interchange.listeners = [ { " + macing + ", master-key = \"3D9B4C1A7F2E8056\" } ]"));
        assertEquals("switch.conf:1: listeners[0].master-key: is used only with mac = true: it is what the acquirer host's key change (0800/101) "
            + "sends the MAC and PIN keys under", problem("interchange.listeners = [ { " + hostKeyed.replace("mac = true", "mac = false") + " } ]"));
        assertEquals("switch.conf:1: listeners[0].mac: true needs a dialect that carries the working keys: in a binary field 62 of 60 bytes at sign-on "
            + "(cups), or in a text field 48 of 80 characters at key change, with field 64 (iso87b); iso87a has neither",
            problem("interchange.listeners = [ { " + hostKeyed.replace("\"iso87b\"", "\"iso87a\"") + " } ]"));

        final String cups = macing.replace("\"iso87b\"", "\"cups\"").replace("\"binary-2\"", "\"unionpay-pos\"");
        final ListenerConfig terminals = SwitchConfig.parse("interchange.listeners = [ { " + cups + " } ]", "switch.conf").listeners().get(0);
        assertTrue(terminals.mac() && !terminals.hostKeyed());
        assertEquals("switch.conf:1: listeners[0].master-key: is for ISO 8583:1987 acquirer hosts; on cups each terminal signs on with a master key "
            + "of its own (terminals[].master-key)", problem("interchange.listeners = [ { " + hostKeyed.replace(macing, cups) + " } ]"));
    }

    @Test
    void shouldTakeAesCmacWithAnAesKeyWhereAMacAlgorithmIsChosen()
    {
        final String aes256 = "603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4";
        final String host = ISO_LISTENER.replace("mac = false", "mac = true, mac-algorithm = cmac, master-key = \"" + aes256 + "\"");
        final ListenerConfig listener = SwitchConfig.parse("interchange.listeners = [ { " + host + " } ]", "switch.conf").listeners().get(0);
        assertEquals(MacAlgorithm.CMAC, listener.macAlgorithm());
        assertEquals(MacAlgorithm.RETAIL, SwitchConfig.parse("interchange.listeners = [ { " + ISO_LISTENER.replace("mac = false",
            "mac = true, master-key = \"3D9B4C1A7F2E8056C4A1F70B92E6D538\"") + " } ]", "switch.conf").listeners().get(0).macAlgorithm(), "the default");
        assertEquals("switch.conf:1: listeners[0].master-key: must be 32 or 48 hex digits, got 64",
            problem("interchange.listeners = [ { " + host.replace("mac-algorithm = cmac, ", "") + " } ]"));
        assertEquals("switch.conf:1: listeners[0].mac-algorithm: must be one of retail, cmac, got 'hmac'",
            problem("interchange.listeners = [ { " + host.replace("= cmac", "= hmac") + " } ]"));
        assertEquals("switch.conf:1: listeners[0].mac-algorithm: is used only with mac = true",
            problem("interchange.listeners = [ { " + ISO_LISTENER + ", mac-algorithm = cmac } ]"));
        final String cups = ISO_LISTENER.replace("\"iso87b\"", "\"cups\"").replace("\"binary-2\"", "\"unionpay-pos\"")
            .replace("mac = false", "mac = true, mac-algorithm = cmac");
        assertEquals("switch.conf:1: listeners[0].mac-algorithm: is for ISO 8583:1987 acquirer hosts; cups terminals MAC with the UnionPay ECB MAC",
            problem("interchange.listeners = [ { " + cups + " } ]"));

        final String issuers = """
            interchange.issuers = [
              { id = "issuer-a", %s, mac-algorithm = cmac, mac-key = "%s" }
              { id = "issuer-b", %s }
            ]
            interchange.bin-table = []
            """;
        final IssuerConfig issuer = SwitchConfig.parse(issuers.formatted(ISSUER, aes256, ISSUER), "switch.conf").issuers().get(0);
        assertEquals(MacAlgorithm.CMAC, issuer.macAlgorithm());
        assertFalse(issuer.toString().contains("603DEB"), "no key in the record's text");
        assertEquals("switch.conf:2: issuers[0].mac-key: must be 32 hex digits, got 64",
            problem(issuers.formatted(ISSUER, aes256, ISSUER).replace("mac-algorithm = cmac, ", "")));
        assertEquals("switch.conf:2: issuers[0].mac-algorithm: is used only with a mac-key: without one the issuer's link is not MACed",
            problem(issuers.formatted(ISSUER, aes256, ISSUER).replace(", mac-key = \"" + aes256 + "\"", "")));
    }

    @Test
    void shouldRefuseTlsFilesThatAreMissingOrNotWhatTheySayAtStartUp(@TempDir final Path dir) throws IOException
    {
        final Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        final Path missing = dir.resolve("missing.pem");
        final String listener = "interchange.listeners = [ { " + ISO_LISTENER + ", tls { certificate = \"%s\", private-key = \"%s\" } } ]";
        assertEquals("switch.conf:1: listeners[0].tls.certificate: " + missing.toAbsolutePath() + " is not a file",
            problem(listener.formatted(missing, garbage)));
        final String unusable = problem(listener.formatted(garbage, garbage));
        assertTrue(unusable.startsWith("switch.conf:1: listeners[0].tls.certificate: " + garbage + " is not PEM X.509 certificates: "), unusable);
        assertEquals("switch.conf:1: listeners[0].tls.private-key: missing",
            problem("interchange.listeners = [ { " + ISO_LISTENER + ", tls { certificate = \"" + garbage + "\" } } ]"));

        final String issuers = """
            interchange.issuers = [
              { id = "issuer-a", %s, tls { certificate = "%s" } }
              { id = "issuer-b", %s }
            ]
            interchange.bin-table = []
            """.formatted(ISSUER, garbage, ISSUER);
        assertEquals("switch.conf:2: issuers[0].tls.private-key: is missing: a certificate and its private key go together", problem(issuers));
        final String badTrust = problem(issuers.replace("tls { certificate = \"" + garbage + "\" }", "tls { trust = \"" + garbage + "\" }"));
        assertTrue(badTrust.startsWith("switch.conf:2: issuers[0].tls.trust: " + garbage + " is not PEM X.509 certificates: "), badTrust);
    }

    @Test
    void shouldRefuseUnknownKeysNamingTheNearestKnownOne()
    {
        assertEquals("switch.conf:2: listners: unknown key; did you mean listeners?", problem("interchange {\n  listners = []\n}"));
        assertEquals("switch.conf:1: ring.sise: unknown key; did you mean size?", problem("interchange.ring { sise = 16 }"));
        assertEquals("switch.conf:1: listeners[0].prot: unknown key; did you mean port?",
            problem("interchange.listeners = [ { " + ISO_LISTENER + ", prot = 1 } ]"));
        assertEquals("switch.conf:1: issuers[0].stand-in.floor-limt: unknown key; did you mean floor-limit?",
            problem("interchange.issuers = [ { id = \"issuer-a\", " + ISSUER.replace("floor-limit = 0", "floor-limit = 0, floor-limt = 1") + " } ]\n" +
                "interchange.bin-table = []"));
        assertEquals("switch.conf:1: journal.fsync: unknown key; known here: dir, durability", problem("interchange.journal.fsync = true"));
        assertEquals("switch.conf:1: interchang: unknown key; did you mean interchange? (everything the switch reads is inside interchange { })",
            problem("interchang.node-id = IC02"));
    }

    @Test
    void shouldReportEveryProblemOfAFileAtOnceInFileOrder()
    {
        final List<String> problems = problems("""
            interchange {
              node-id = "TOO-LONG"
              ring { size = 100, tick = 10ms }
              listners = []
              terminals = [ { id = "TERM0001", merchant = "NOBODY", status = active } ]
            }
            """);
        assertEquals(List.of(
            "switch.conf:2: node-id: must be 4 letters or digits, got 'TOO-LONG'",
            "switch.conf:3: ring.size: must be a power of two, got 100",
            "switch.conf:5: terminals[0].merchant: unknown merchant 'NOBODY'",
            "switch.conf:4: listners: unknown key; did you mean listeners?"), problems);
        final ConfigError error = assertThrows(ConfigError.class, () -> SwitchConfig.parse("interchange { node-id = x, ring.size = 3 }", "a.conf"));
        assertEquals(String.join("\n", error.problems()), error.getMessage());
    }

    @Test
    void shouldReportASyntaxErrorWithItsLine()
    {
        final String problem = problem("interchange {\n  node-id = \"IC02\"\n  ring { size = }\n}");
        assertTrue(problem.startsWith("switch.conf:3: "), problem);
    }

    @Test
    void shouldReportAnUnresolvedSubstitution()
    {
        final String problem = problem("interchange {\n  node-id = ${nowhere}\n}");
        assertTrue(problem.startsWith("switch.conf:2: ") && problem.contains("${nowhere}"), problem);
    }

    @Test
    void shouldNameTheFileLoaded(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("switch.conf");
        Files.writeString(file, "interchange {\n  ring.size = 1000\n}\n");
        final ConfigError error = assertThrows(ConfigError.class, () -> SwitchConfig.load(file));
        assertEquals(file + ":2: ring.size: must be a power of two, got 1000", error.getMessage());

        final Path missing = dir.resolve("missing.conf");
        assertEquals(missing + ": no such file", assertThrows(ConfigError.class, () -> SwitchConfig.load(missing)).getMessage());
    }

    @Test
    void shouldPlaceAMergedValueInTheFileThatWon()
    {
        final String merged = Problems.where(ConfigFactory.parseString("a { b = 1 }", ConfigReader.options("switch.conf"))
            .withFallback(ConfigFactory.parseString("\na { c = 2 }", ConfigReader.options("defaults.conf"))).getValue("a").origin());
        assertEquals("switch.conf:1", merged);
        assertFalse(merged.contains("merge"));
    }

    /**
     * connections is read as 1..64 a link address, and an issuer may list any number of addresses, but the switch
     * handler keeps at most 32 links an issuer (SwitchHandler.MAX_LINKS_PER_ISSUER): the links beyond are closed on their
     * UP without a word in the log, and their IssuerConnections reconnect at the capped back-off for ever, each closed
     * again. The file must be refused, naming the key.
     */
    @Test
    void shouldRefuseMoreIssuerConnectionsThanTheSwitchKeeps()
    {
        final List<String> problems = problems("interchange.issuers = [ { id = \"issuer-a\", institution-id = \"20000001\", "
            + "links = [ { host = \"127.0.0.1\", port = 9101 } ], connections = 33, timeout = 5s, echo-interval = 30s, missed-echoes = 3, "
            + "reconnect { initial = 100ms, max = 10s }, stand-in { enabled = false, floor-limit = 0 } } ]\n"
            + "interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\" } ]");
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("switch.conf:1: issuers[0].connections:")), problems.toString());
    }

    /** As above, with 17 addresses of 2 connections each: 34 links. */
    @Test
    void shouldRefuseMoreIssuerLinksThanTheSwitchKeepsAcrossAddresses()
    {
        final StringBuilder links = new StringBuilder();
        for (int i = 0; i < 17; i++)
        {
            links.append(i == 0 ? "" : ", ").append("{ host = \"127.0.0.1\", port = ").append(9101 + i).append(" }");
        }
        final List<String> problems = problems("interchange.issuers = [ { id = \"issuer-a\", institution-id = \"20000001\", "
            + "links = [ " + links + " ], connections = 2, timeout = 5s, echo-interval = 30s, missed-echoes = 3, "
            + "reconnect { initial = 100ms, max = 10s }, stand-in { enabled = false, floor-limit = 0 } } ]\n"
            + "interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\" } ]");
        assertTrue(problems.stream().anyMatch(p -> p.contains("issuers[0].")), problems.toString());
    }

    /**
     * A listener's idle time-out counts only what its terminals send, and a terminal waiting for its answer sends
     * nothing: one shorter than an issuer's time-out closes links under requests still with the issuer, whose answers
     * then find no link (the approval reversed as undeliverable; LinkReviewTest shows it). The reader takes it silently.
     */
    @Test
    void shouldRefuseAnIdleTimeOutThatAnIssuersTimeOutOutlasts()
    {
        final List<String> problems = problems("interchange.listeners = [ { name = \"pos-iso87\", host = \"127.0.0.1\", port = 8583, "
            + "dialect = \"iso87b\", framing = \"binary-2\", acquirer-id = \"10000001\", allow = [\"127.0.0.1/32\"], idle-timeout = 2s, "
            + "max-frame = 4096, mac = false } ]\n"
            + "interchange.issuers = [ { id = \"issuer-a\", institution-id = \"20000001\", links = [ { host = \"127.0.0.1\", port = 9101 } ], "
            + "connections = 1, timeout = 30s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s }, "
            + "stand-in { enabled = false, floor-limit = 0 } } ]\n"
            + "interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\" } ]");
        assertTrue(problems.stream().anyMatch(p -> p.contains("listeners[0].idle-timeout")), problems.toString());
    }

    /**
     * ConfigReader refuses a listener's zone master key whose neighbouring 8-byte parts are equal ("which makes it single
     * DES"), but takes the same weakness in the keys that protect more: an issuer's zone PIN key and MAC key (the retail
     * MAC with K1 = K2 is a single-DES MAC) and a terminal's master key, under which its PIN and MAC keys travel.
     */
    @Test
    void shouldRefuseDoubleLengthDesKeysWithEqualHalvesWhereverTheyAreRead()
    {
        final String issuer = "interchange.issuers = [ { id = \"issuer-a\", institution-id = \"20000001\", "
            + "links = [ { host = \"127.0.0.1\", port = 9101 } ], connections = 1, timeout = 5s, echo-interval = 30s, missed-echoes = 3, "
            + "reconnect { initial = 100ms, max = 10s }, stand-in { enabled = false, floor-limit = 0 }, KEY } ]\n"
            + "interchange.bin-table = [ { low = \"476173\", high = \"476173\", issuer = \"issuer-a\" } ]";
        final String weak = "\"0123456789ABCDEF0123456789ABCDEF\"";
        assertTrue(problems(issuer.replace("KEY", "pin-key = " + weak)).stream().anyMatch(p -> p.contains("issuers[0].pin-key")));
        assertTrue(problems(issuer.replace("KEY", "mac-key = " + weak)).stream().anyMatch(p -> p.contains("issuers[0].mac-key")));
        final List<String> terminal = problems("interchange.terminals = [ { id = \"TERM0001\", merchant = \"MERCHANT0000001\", "
            + "status = active, master-key = " + weak + " } ]");
        assertTrue(terminal.stream().anyMatch(p -> p.contains("terminals[0].master-key")), terminal.toString());
    }
}
