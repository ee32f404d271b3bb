package io.interchange.bench.jpos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.MUX;
import org.jpos.iso.channel.NACChannel;
import org.jpos.iso.packager.ISO87BPackager;
import org.jpos.util.NameRegistrar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.CardStatus;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.issuer.ResponseCode;

/**
 * The jPOS baseline over real TCP on 127.0.0.1: two Interchange issuer simulators, the baseline switch in front of
 * them, and a terminal made of jPOS's own NACChannel and ISO87BPackager.
 */
class JposBaselineSystemTest
{
    private static final String ACTIVE_A = "4761730000000011";
    private static final String LOST_A = "4761730000000029";
    private static final String ACTIVE_B = "6228480000000015";
    private static final int EXPIRY = 3012;
    private static final long BALANCE = 100_000;
    private static final long LIMIT = 50_000;
    private static final DateTimeFormatter FIELD_7 = DateTimeFormatter.ofPattern("MMddHHmmss");

    private int stan;

    @Test
    void shouldSignOnLocallyAndRelayIssuerAnswersToPurchases(@TempDir final Path dir) throws Exception
    {
        // issuer-b is closed in the middle of the test, to see the baseline answer 91: not a resource of the try.
        final IssuerSimulator issuerB = new IssuerSimulator(book(ACTIVE_B), IssuerSimConfig.defaults()).start();
        try (IssuerSimulator issuerA = new IssuerSimulator(book(ACTIVE_A, LOST_A), IssuerSimConfig.defaults()).start())
        {
            final int port = freePort();
            final JposSwitch baseline = JposSwitch.start(settings(port, issuerA.port(), issuerB.port(), false), dir);
            try
            {
                final NACChannel terminal = connect(port);
                try
                {
                    final ISOMsg signedOn = exchange(terminal, signOn());
                    assertEquals("0810", signedOn.getMTI());
                    assertEquals("00", signedOn.getString(39));
                    assertEquals(String.format("%06d", stan), signedOn.getString(11));
                    assertEquals(0, issuerA.answers(ResponseCode.APPROVED) + issuerB.answers(ResponseCode.APPROVED),
                        "the sign-on is answered by the switch, not forwarded");

                    final ISOMsg approved = exchange(terminal, purchase(ACTIVE_A, 4_200));
                    assertAnswer(approved, "00");
                    assertNotNull(approved.getString(38), "the issuer's authorization code is relayed");
                    assertEquals(1, issuerA.answers(ResponseCode.APPROVED));
                    assertEquals(BALANCE - 4_200, issuerA.account(ACTIVE_A).orElseThrow().balance());

                    assertAnswer(exchange(terminal, purchase(ACTIVE_B, 700)), "00");
                    assertEquals(1, issuerB.answers(ResponseCode.APPROVED), "routed by BIN to the second issuer");
                    assertEquals(1, issuerA.answers(ResponseCode.APPROVED));

                    assertAnswer(exchange(terminal, purchase(LOST_A, 100)), "41");
                    assertEquals(1, issuerA.answers(ResponseCode.LOST_CARD), "the issuer's decline is relayed as it is");
                    assertAnswer(exchange(terminal, purchase(ACTIVE_A, BALANCE)), "51");
                    assertEquals(1, issuerA.answers(ResponseCode.INSUFFICIENT_FUNDS));

                    final ISOMsg refused = exchange(terminal, purchase("4761730000000016", 100));
                    assertAnswer(refused, "14");
                    assertEquals(0, issuerA.answers(ResponseCode.INVALID_CARD), "a PAN failing Luhn is refused by SelectDestination");

                    issuerB.close();
                    awaitUntil(() -> !connected("issuer-b"), "the baseline sees issuer-b go");
                    assertAnswer(exchange(terminal, purchase(ACTIVE_B, 700)), "91");
                }
                finally
                {
                    terminal.disconnect();
                }
            }
            finally
            {
                baseline.close();
            }
            assertFalse(accepts(port), "closed: nothing listens on the port any more");
            assertNull(NameRegistrar.getIfExists("mux.issuer-a"), "closed: the QBeans are undeployed");
        }
        finally
        {
            issuerB.close();
        }
    }

    @Test
    void shouldLogEveryMessageProtectedWhenAsked(@TempDir final Path dir) throws Exception
    {
        try (IssuerSimulator issuerA = new IssuerSimulator(book(ACTIVE_A), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(book(ACTIVE_B), IssuerSimConfig.defaults()).start())
        {
            final int port = freePort();
            final Path logFile;
            try (JposSwitch baseline = JposSwitch.start(settings(port, issuerA.port(), issuerB.port(), true), dir))
            {
                logFile = baseline.dir().resolve("log").resolve("q2.log");
                final NACChannel terminal = connect(port);
                try
                {
                    assertEquals("00", exchange(terminal, signOn()).getString(39));
                    assertAnswer(exchange(terminal, purchase(ACTIVE_A, 4_200)), "00");
                }
                finally
                {
                    terminal.disconnect();
                }
            }
            final String log = Files.readString(logFile);
            assertTrue(log.contains("<field id=\"39\" value=\"00\"/>"), "messages are in the log");
            assertTrue(log.contains("476173______0011"), "the PAN is there masked");
            assertFalse(log.contains(ACTIVE_A), () -> "and never whole, but: " + log.lines().filter(line -> line.contains(ACTIVE_A)).toList());
        }
    }

    private static JposSwitch.Settings settings(final int port, final int issuerA, final int issuerB, final boolean logMessages)
    {
        return new JposSwitch.Settings(port,
            List.of(new JposSwitch.Issuer("issuer-a", List.of("476173"), issuerA), new JposSwitch.Issuer("issuer-b", List.of("622848"), issuerB)),
            2, 5_000, logMessages);
    }

    private static CardBook book(final String... pans)
    {
        return CardBook.of(Arrays.stream(pans)
            .map(pan -> new CardAccount(pan, pan.equals(LOST_A) ? CardStatus.LOST : CardStatus.ACTIVE, EXPIRY, BALANCE, LIMIT * 10, 0))
            .toList());
    }

    private ISOMsg signOn() throws ISOException
    {
        final ISOMsg m = new ISOMsg("0800");
        m.set(7, now());
        m.set(11, String.format("%06d", ++stan));
        m.set(41, "TERM0001");
        m.set(70, "001");
        return m;
    }

    private ISOMsg purchase(final String pan, final long amount) throws ISOException
    {
        final String now = now();
        final ISOMsg m = new ISOMsg("0200");
        m.set(2, pan);
        m.set(3, "000000");
        m.set(4, String.format("%012d", amount));
        m.set(7, now);
        m.set(11, String.format("%06d", ++stan));
        m.set(12, now.substring(4));
        m.set(13, now.substring(0, 4));
        m.set(14, Integer.toString(EXPIRY));
        m.set(22, "051");
        m.set(25, "00");
        m.set(41, "TERM0001");
        m.set(42, "MERCHANT0000001");
        m.set(49, "840");
        return m;
    }

    private void assertAnswer(final ISOMsg answer, final String code) throws ISOException
    {
        assertEquals("0210", answer.getMTI());
        assertEquals(code, answer.getString(39));
        assertEquals(String.format("%06d", stan), answer.getString(11), "the STAN is echoed");
        assertEquals("TERM0001", answer.getString(41));
    }

    private static ISOMsg exchange(final NACChannel channel, final ISOMsg request) throws IOException, ISOException
    {
        channel.send(request);
        return channel.receive();
    }

    private static NACChannel connect(final int port) throws IOException
    {
        final NACChannel channel = new NACChannel(JposSwitch.LOOPBACK, port, new ISO87BPackager(), null);
        channel.setTimeout(15_000);
        channel.connect();
        return channel;
    }

    private static String now()
    {
        return ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7);
    }

    private static boolean connected(final String issuer)
    {
        final MUX mux = NameRegistrar.getIfExists("mux." + issuer);
        return mux != null && mux.isConnected();
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(JposSwitch.LOOPBACK)))
        {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(final int port)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(JposSwitch.LOOPBACK, port), 1000);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private static void awaitUntil(final BooleanSupplier condition, final String what)
    {
        final Duration limit = Duration.ofSeconds(10);
        final long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            LockSupport.parkNanos(5_000_000);
        }
    }
}
