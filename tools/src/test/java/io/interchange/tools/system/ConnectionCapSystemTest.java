package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;

/**
 * A listener's max-connections over 127.0.0.1 against a running switch: connections beyond the cap are closed as they are
 * accepted, unanswered and unknown to the ring, counted and logged without a line each; those within it sign on and buy
 * from the issuer simulator as if there were no cap; a connection that closes, by its terminal or at the idle time-out,
 * gives its place to the next.
 */
class ConnectionCapSystemTest
{
    private static final String SWITCH = """
        interchange {
          listeners = [ %s ]
          issuers = [ %s ]
          bin-table = [ { low = "476173", high = "476173", issuer = "issuer-a" } ]
          limits { in-flight = 256, duplicate-history = 1024, duplicate-keys = 1024, advice-queue = 1024, pre-authorizations = 1024,
            cards-per-minute = 1024, request-deadline = 200ms }
        }
        """;
    private static final String LISTENER = "pos-iso87";
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final CardBook book = CardBook.generate(41, List.of("476173"), 50);
    private final Cardholders cards = new Cardholders(book);
    private final List<AutoCloseable> opened = new ArrayList<>();
    private IssuerSimulator issuer;
    private SwitchNode node;

    @AfterEach
    void stop() throws Exception
    {
        for (final AutoCloseable closeable : opened)
        {
            closeable.close();
        }
        final long failures = node == null ? 0 : node.handlerFailures();
        if (node != null)
        {
            node.close();
        }
        if (issuer != null)
        {
            issuer.close();
        }
        assertEquals(0, failures, "the switch handler failed on an event: see the log");
    }

    /** The switch with its POS listener at {@code maxConnections} and {@code idleTimeout}, issuer-a at a simulator, signed on. */
    private void start(final Path journal, final int maxConnections, final String idleTimeout, final String issuerTimeout) throws Exception
    {
        start(journal, maxConnections, idleTimeout, issuerTimeout, "127.0.0.1/32");
    }

    /** As {@link #start(Path, int, String, String)}, the listener allowing {@code allowed} only. */
    private void start(final Path journal, final int maxConnections, final String idleTimeout, final String issuerTimeout, final String allowed)
        throws Exception
    {
        issuer = new IssuerSimulator(book, IssuerSimConfig.defaults().withSeed(41)).start();
        final String listener = LoopbackConfig.posListener(0).replace("idle-timeout = 60s", "idle-timeout = " + idleTimeout)
            .replace("mac = false }", "mac = false, max-connections = " + maxConnections + " }").replace("\"127.0.0.1/32\"", "\"" + allowed + "\"");
        final String issuerA = LoopbackConfig.issuerA(issuer.port()).replace("timeout = 5s", "timeout = " + issuerTimeout);
        node = SwitchNode.start(SwitchConfig.parse(SWITCH.formatted(listener, issuerA), "cap.conf").withJournalDir(journal));
        assertEquals(maxConnections, node.config().listener(LISTENER).maxConnections());
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
    }

    private TestTerminal signedOn() throws IOException
    {
        final TestTerminal terminal = new TestTerminal(node.port(LISTENER), Iso87.BINARY);
        opened.add(terminal);
        assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39), "sign-on");
        return terminal;
    }

    private void buys(final TestTerminal terminal, final long amount) throws IOException
    {
        final CardAccount card = cards.payer(amount);
        final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, cards.purchase(card, amount));
        assertEquals("00", answer.getString(39), "the issuer's approval");
        assertEquals(card.balance() - amount, issuer.account(card.pan()).orElseThrow().balance(), "the card debited once");
    }

    /** A connection to the listener, left as it is: nothing sent. */
    private Socket connect() throws IOException
    {
        final Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.port(LISTENER));
        opened.add(socket);
        return socket;
    }

    /** A connection that sends a sign-on at once, as a terminal would, whether or not the switch has closed it by then. */
    private Socket connectAndSignOn() throws IOException
    {
        final Socket socket = connect();
        final byte[] message = TestTerminal.encode(Iso87.BINARY, Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001"));
        final byte[] frame = new byte[2 + message.length];
        frame[0] = (byte)(message.length >>> 8);
        frame[1] = (byte)message.length;
        System.arraycopy(message, 0, frame, 2, message.length);
        try
        {
            final OutputStream out = socket.getOutputStream();
            out.write(frame);
            out.flush();
        }
        catch (final IOException closedAlready)
        {
            // Refused before the bytes went: what the test expects of a connection beyond the cap.
        }
        return socket;
    }

    /** Whether the switch closes the connection within {@link #CLOSE_WAIT} without sending a byte on it. */
    private static boolean closedUnanswered(final Socket socket) throws IOException
    {
        socket.setSoTimeout((int)CLOSE_WAIT.toMillis());
        final InputStream in = socket.getInputStream();
        try
        {
            final int first = in.read();
            assertEquals(-1, first, "a byte came on a connection the switch should have closed unanswered");
            return true;
        }
        catch (final SocketTimeoutException stillOpen)
        {
            return false;
        }
        catch (final SocketException reset)
        {
            // Closed with the sign-on unread in its buffer: the kernel resets rather than finishes the connection.
            return String.valueOf(reset.getMessage()).startsWith("Connection reset");
        }
    }

    /**
     * max-connections = 3: three terminals sign on and buy; six more connections, three of them sending a sign-on at
     * once, are each closed unanswered, never reaching the ring (no link up), counted, and logged in a line or two, not
     * six. The first terminal leaves: a new connection takes its place, signs on and buys, and the cap holds after it.
     */
    @Test
    void connectionsBeyondTheCapMustBeClosedAtAcceptAndThoseWithinItServed(@TempDir final Path journal) throws Exception
    {
        try (CapturedLog log = new CapturedLog())
        {
            start(journal, 3, "60s", "5s");
            final List<TestTerminal> within = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                within.add(signedOn());
            }
            assertEquals(3, node.openConnections(LISTENER));

            final int extra = 6;
            for (int i = 0; i < extra; i++)
            {
                final Socket socket = i % 2 == 0 ? connect() : connectAndSignOn();
                assertTrue(closedUnanswered(socket), "connection " + (i + 1) + " beyond the cap closed by the switch");
            }
            Awaiting.until(CLOSE_WAIT, () -> node.connectionsRefused(LISTENER) == extra,
                () -> node.connectionsRefused(LISTENER) + " connections refused, not " + extra);
            assertEquals(extra, node.getConnectionsRefused(), "over JMX too");
            assertEquals(3, node.openConnections(LISTENER), "the refused take no place");
            assertEquals(3, log.matching(LISTENER + ": link ", " up from ").size(), "only the three within the cap reached the ring");
            final List<String> lines = log.matching(LISTENER + ": ", "closed at accept", "max-connections");
            assertTrue(!lines.isEmpty() && lines.size() < extra, lines.size() + " log lines for " + extra + " refusals, not at least one and fewer: " + lines);
            assertTrue(lines.get(0).contains("the last from 127.0.0.1: 3 open, its max-connections"), lines.get(0));

            for (int i = 0; i < within.size(); i++)
            {
                buys(within.get(i), 1_000 + i);
            }

            within.get(0).close();
            Awaiting.until(CLOSE_WAIT, () -> node.openConnections(LISTENER) == 2, () -> node.openConnections(LISTENER) + " connections open, not 2");
            final TestTerminal replacement = signedOn();
            buys(replacement, 2_000);
            assertEquals(3, node.openConnections(LISTENER));
            assertTrue(closedUnanswered(connectAndSignOn()), "the cap holds again once the place is taken");
            Awaiting.until(CLOSE_WAIT, () -> node.connectionsRefused(LISTENER) == extra + 1, "the seventh refusal counted");
            buys(within.get(1), 3_000);
            buys(within.get(2), 3_001);
            assertEquals(4, log.matching(LISTENER + ": link ", " up from ").size(), "the replacement reached the ring, the seventh refused did not");
        }
    }

    /**
     * max-connections = 2 and a 1 s idle-timeout: two connections that never send are closed at the idle time-out, as any
     * silent link is, and give their places back; a third then signs on, where it would have been refused had they kept them.
     */
    @Test
    void silentConnectionsWithinTheCapMustBeClosedAtTheIdleTimeOutAndMakeRoom(@TempDir final Path journal) throws Exception
    {
        // The idle time-out must outlast the issuer's time-out plus the request deadline (200 ms): 300 ms here.
        start(journal, 2, "1s", "300ms");
        final long connected = System.nanoTime();
        final Socket first = connect();
        final Socket second = connect();
        assertTrue(closedUnanswered(first), "a silent connection closed at the idle time-out");
        assertTrue(closedUnanswered(second), "a silent connection closed at the idle time-out");
        assertTrue(System.nanoTime() - connected >= Duration.ofMillis(900).toNanos(), "not before the idle time-out");
        Awaiting.until(CLOSE_WAIT, () -> node.openConnections(LISTENER) == 0, () -> node.openConnections(LISTENER) + " connections open, not 0");
        final TestTerminal terminal = signedOn();
        assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("301")).getString(39), "an echo on the new link");
        assertEquals(0, node.connectionsRefused(LISTENER), "none refused: the silent ones gave their places back");
    }

    /**
     * max-connections = 1 and a 1 s idle-timeout: a terminal signs on, then declares a 200-byte frame and sends it a byte
     * every 200 ms, never finishing it (slowloris). Its link is closed at the idle time-out after its last whole frame, as
     * a silent one is, with a line that says why, and gives its place to a terminal that signs on. Before, every byte
     * reset the idle time-out, and the drip held the listener's one place for as long as the frame took: 40 s here, and
     * on the 120 s default with a 4,096-byte frame over five days.
     */
    @Test
    void aConnectionThatDripsAFrameAByteAtATimeMustBeClosedAtTheIdleTimeOutAndMakeRoom(@TempDir final Path journal) throws Exception
    {
        try (CapturedLog log = new CapturedLog())
        {
            start(journal, 1, "1s", "300ms");
            final TestTerminal dripping = signedOn();
            dripping.sendBytes(new byte[] {0x00, (byte)200});
            boolean closed = false;
            // Eight idle time-outs of drip at most, a byte every 200 ms, each wait a read that ends early when the switch closes.
            for (int sent = 0; sent < 40 && !closed; sent++)
            {
                try
                {
                    dripping.sendBytes(new byte[] {0x02});
                }
                catch (final SocketException closedMeanwhile)
                {
                    closed = true;
                    break;
                }
                closed = dripping.closedBySwitch(Duration.ofMillis(200));
            }
            assertTrue(closed, "a link that sends a byte of a frame every 200 ms is closed at its 1 s idle time-out");
            Awaiting.until(CLOSE_WAIT, () -> node.openConnections(LISTENER) == 0, () -> node.openConnections(LISTENER) + " connections open, not 0");
            assertEquals(1, log.matching(LISTENER + ": link ", "no whole frame for the idle time-out", "bytes of one unfinished").size(),
                "the line that says why: " + log.matching(LISTENER + ": link "));
            final TestTerminal terminal = signedOn();
            buys(terminal, 1_000);
            assertEquals(0, node.connectionsRefused(LISTENER), "none refused: the drip gave its place back");
        }
    }

    /**
     * A listener allowing 127.0.0.2 only (loopback, as every address of 127/8 is): connections from 127.0.0.1 are closed
     * as they are accepted, unanswered, never reaching the ring, taking no place under the cap, counted, and logged in
     * fewer lines than there were; one from 127.0.0.2 signs on and buys. Before, a stranger's connection was set up on an
     * event loop and logged, a line each, however often it came.
     */
    @Test
    void connectionsFromOutsideTheAllowListMustBeClosedAtAcceptAndCounted(@TempDir final Path journal) throws Exception
    {
        try (CapturedLog log = new CapturedLog())
        {
            start(journal, 2, "60s", "5s", "127.0.0.2/32");
            final int strangers = 5;
            for (int i = 0; i < strangers; i++)
            {
                assertTrue(closedUnanswered(i % 2 == 0 ? connect() : connectAndSignOn()), "stranger " + (i + 1) + " closed by the switch");
            }
            Awaiting.until(CLOSE_WAIT, () -> node.strangersRefused(LISTENER) == strangers,
                () -> node.strangersRefused(LISTENER) + " strangers refused, not " + strangers);
            assertEquals(0, node.openConnections(LISTENER), "strangers take no place");
            assertEquals(0, node.connectionsRefused(LISTENER), "nor count against the cap");
            assertEquals(strangers, node.getStrangersRefused(), "over JMX too");
            assertEquals(0, log.matching(LISTENER + ": link ", " up from ").size(), "none reached the ring");
            final List<String> lines = log.matching(LISTENER + ": ", "not in the allow-list");
            assertTrue(!lines.isEmpty() && lines.size() < strangers, lines.size() + " log lines for " + strangers + " strangers: " + lines);
            assertTrue(lines.get(0).contains("the last from 127.0.0.1"), lines.get(0));

            final Socket allowed = new Socket(InetAddress.getLoopbackAddress(), node.port(LISTENER), InetAddress.getByName("127.0.0.2"), 0);
            final TestTerminal terminal = new TestTerminal(allowed, Iso87.BINARY, new byte[0]);
            opened.add(terminal);
            assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39), "sign-on from 127.0.0.2");
            buys(terminal, 1_500);
            assertEquals(1, node.openConnections(LISTENER));
        }
    }
}
