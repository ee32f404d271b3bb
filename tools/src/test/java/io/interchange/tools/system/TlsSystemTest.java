package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.config.TlsConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerCounter;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.journal.JournalReader;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * Links under TLS (DESIGN.md §7), both ways over 127.0.0.1: an acquirer connects with a client certificate (mutual
 * TLS) and the switch connects to an issuer simulator serving TLS, showing a client certificate of its own and
 * checking the issuer's against its CA and the address. A peer that cannot prove itself never becomes a link: a
 * terminal speaking clear ISO 8583 to the TLS port, one without a client certificate, and an issuer whose certificate
 * comes from another CA. The certificates are test-only ones in {@code src/test/resources/tls} ({@code make-certs.sh}).
 */
class TlsSystemTest
{
    @Test
    void shouldSwitchAPurchaseOverTlsFromAcquirerToIssuerAndBack(@TempDir final Path journal) throws Exception
    {
        final CardBook book = CardBook.generate(71, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final IssuerSimConfig tlsIssuer = IssuerSimConfig.defaults().withTls(new TlsConfig(tls("server.pem"), tls("server-key.pem"), tls("ca.pem"), List.of()));
        try (IssuerSimulator issuerA = new IssuerSimulator(book, tlsIssuer).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(72, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(config(issuerA.port(), issuerB.port(), "issuer-a", journal)))
        {
            // Two links, each a handshake in which the switch showed its client certificate and accepted the issuer's.
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on over TLS");
            try (TestTerminal terminal = new TestTerminal(tlsSocket(node.port("pos-tls"), true), Iso87.BINARY, new byte[0]))
            {
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn(cards)).getString(39));
                final CardAccount card = cards.payer(2_500);
                assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, cards.purchase(card, 2_500)).getString(39));
                assertEquals(card.balance() - 2_500, issuerA.account(card.pan()).orElseThrow().balance());
            }
        }
    }

    @Test
    void shouldNeverLinkAPeerThatCannotProveItself(@TempDir final Path journal) throws Exception
    {
        final CardBook book = CardBook.generate(74, List.of("622848"), 50);
        final Cardholders cards = new Cardholders(book);
        final IssuerSimConfig rogue = IssuerSimConfig.defaults().withTls(new TlsConfig(tls("rogue-server.pem"), tls("rogue-server-key.pem"), null, List.of()));
        final SwitchConfig config;
        try (CapturedLog log = new CapturedLog();
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(73, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(book, rogue).start();
             SwitchNode node = SwitchNode.start(config = config(issuerA.port(), issuerB.port(), "issuer-b", journal)))
        {
            // Issuer-b's certificate is from a CA the switch does not trust: each connection is dropped in the
            // handshake, and issuer-b never has a link, while issuer-a (plain TCP) signs on.
            Awaiting.until(Duration.ofSeconds(10), () -> issuerB.counter(IssuerCounter.CONNECTIONS_CLOSED) >= 2, "handshakes refused");
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on");
            assertEquals(0, node.signedOnLinks("issuer-b"));
            assertEquals(0, issuerB.counter(IssuerCounter.FRAMES_RECEIVED), "not one message reached an issuer the switch could not trust");
            // Connected is not linked: the reconnect back-off (100 ms doubling to 1 s here) starts again only after a
            // handshake that succeeds, so these refusals come further and further apart rather than every 100 ms.
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("reconnecting in 800 ms"), "the back-off growing");

            // A clear purchase to the TLS port: not a TLS record, so the connection is closed, unanswered, and the log
            // says why without quoting the bytes (Netty's exception does, in hex: the card number in BCD is its digits).
            final CardAccount clearCard = cards.payer(1_000);
            try (TestTerminal clear = new TestTerminal(node.port("pos-tls"), Iso87.BINARY))
            {
                clear.send(Mti.FINANCIAL_REQUEST, cards.purchase(clearCard, 1_000));
                assertTrue(clear.closedBySwitch(Duration.ofSeconds(10)), "closed without an answer");
                Awaiting.until(Duration.ofSeconds(10), () -> log.contains("not a TLS record"), "the refusal logged");
                final ClearPans pan = new ClearPans(List.of(clearCard.pan()));
                assertEquals(List.of(), log.failuresAndCardNumbers(pan).stream().filter(pan::in).toList(), "no card number in the log");
            }
            // TLS without a client certificate, where the listener asks for one: the handshake fails. Under TLS 1.3 the
            // client learns it from the server's alert or from the closed connection, whichever its next read or write meets.
            assertThrows(IOException.class, () ->
            {
                try (TestTerminal anonymous = new TestTerminal(tlsSocket(node.port("pos-tls"), false), Iso87.BINARY, new byte[0]))
                {
                    anonymous.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn(cards));
                }
            });

            // The switch still serves a terminal that proves itself; issuer-b's card gets 91: no link, and no stand-in.
            try (TestTerminal terminal = new TestTerminal(tlsSocket(node.port("pos-tls"), true), Iso87.BINARY, new byte[0]))
            {
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn(cards)).getString(39));
                assertEquals("91", terminal.exchange(Mti.FINANCIAL_REQUEST, cards.purchase(cards.payer(1_000), 1_000)).getString(39));
            }
        }

        // A link is up only once its handshake succeeded: the journal has the up of the one acquirer that proved
        // itself and of issuer-a's two plain links, none of the connections refused in the handshake.
        final Map<Integer, Integer> ups = new HashMap<>();
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            while (reader.next())
            {
                ups.merge(reader.record().eventType(), 1, Integer::sum);
            }
        }
        assertEquals(1, ups.getOrDefault(EventType.ACQUIRER_UP, 0), "acquirer links up");
        assertEquals(2, ups.getOrDefault(EventType.ISSUER_UP, 0), "issuer links up");
    }

    @Test
    void shouldRefuseAnIssuerWhoseCertificateNamesAnotherAddress(@TempDir final Path journal) throws Exception
    {
        // A certificate from the trusted CA, but for issuer.example / 10.1.2.3, not the 127.0.0.1 the switch dials.
        final IssuerSimConfig elsewhere = IssuerSimConfig.defaults().withTls(new TlsConfig(tls("other-host.pem"), tls("other-host-key.pem"), null, List.of()));
        try (CapturedLog log = new CapturedLog();
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(75, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(76, List.of("622848"), 10), elsewhere).start();
             SwitchNode node = SwitchNode.start(config(issuerA.port(), issuerB.port(), "issuer-b", journal)))
        {
            Awaiting.until(Duration.ofSeconds(10), () -> issuerB.counter(IssuerCounter.CONNECTIONS_CLOSED) >= 2, "handshakes refused");
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on");
            assertEquals(0, node.signedOnLinks("issuer-b"));
            assertEquals(0, issuerB.counter(IssuerCounter.FRAMES_RECEIVED), "not one message to an issuer that is not who the address says");
            assertTrue(log.contains("No subject alternative names matching IP address 127.0.0.1"), "refused for the name, not the CA");
        }
    }

    @Test
    void shouldBackOffFromAnIssuerThatRefusesTheSwitchsCertificateAfterTheHandshake(@TempDir final Path journal) throws Exception
    {
        // Issuer-b asks for a client certificate, and the switch shows none: under TLS 1.3 the switch's side of the
        // handshake completes first, and the issuer's refusal comes after. No frame from it ever: the back-off grows.
        final IssuerSimConfig mutual = IssuerSimConfig.defaults().withTls(new TlsConfig(tls("server.pem"), tls("server-key.pem"), tls("ca.pem"),
            List.of()));
        try (CapturedLog log = new CapturedLog();
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(79, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(80, List.of("622848"), 10), mutual).start();
             SwitchNode node = SwitchNode.start(config(issuerA.port(), issuerB.port(), "issuer-b", "acquirer host", false, journal)))
        {
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("reconnecting in 800 ms"), "the back-off growing");
            assertEquals(0, node.signedOnLinks("issuer-b"));
            assertEquals(0, issuerB.counter(IssuerCounter.FRAMES_RECEIVED), "nothing reached an issuer that refused the switch");
        }
    }

    @Test
    void shouldRefuseAnAcquirerWhoseCertificateNamesAnotherAcquirer(@TempDir final Path journal) throws Exception
    {
        // The client certificate is good under the CA, but the listener is for "acquirer two" alone.
        final SwitchConfig config;
        try (CapturedLog log = new CapturedLog();
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(77, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(78, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(config = config(issuerA.port(), issuerB.port(), "none", "acquirer two", journal)))
        {
            final Cardholders cards = new Cardholders(CardBook.generate(77, List.of("476173"), 10));
            assertThrows(IOException.class, () ->
            {
                try (TestTerminal other = new TestTerminal(tlsSocket(node.port("pos-tls"), true), Iso87.BINARY, new byte[0]))
                {
                    other.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn(cards));
                }
            });
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("none of this listener's peer names"), "the refusal logged");
            assertTrue(log.contains("[acquirer host]"), "with the names the certificate carries");
        }
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            while (reader.next())
            {
                assertTrue(reader.record().eventType() != EventType.ACQUIRER_UP, "the refused acquirer's link never came up");
            }
        }
    }

    /**
     * The demo's issuers, with one listener under mutual TLS for the acquirer named "acquirer host" (the test client
     * certificate's common name), and the links of issuer {@code tlsIssuer} under TLS: the issuer's certificate must
     * lead to the test CA, and the switch shows its client certificate.
     */
    /**
     * An issuer's client key replaced between the config's reading and the start by a file that is no key: the start fails
     * on it, naming the issuer, before any listener accepts, and lets go of all it made, where it failed once its
     * listeners were accepting and left them bound, taking connections for a ring no one ran.
     */
    @Test
    void shouldLetGoOfItsListenersWhenAnIssuersTlsContextCannotBeMade(@TempDir final Path dir) throws Exception
    {
        final Path key = dir.resolve("client-key.pem");
        Files.copy(tls("client-key.pem"), key);
        final int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = free.getLocalPort();
        }
        final String issuers = "interchange.issuers = [ %s, %s ]".formatted(
            issuer("issuer-a", "20000001", ", tls { trust = \"%s\", certificate = \"%s\", private-key = \"%s\" }".formatted(tls("ca.pem"),
                tls("client.pem"), key)),
            issuer("issuer-b", "20000002", ""));
        final SwitchConfig config = SwitchConfig.parse(issuers, "tls.conf").withListenerPort("pos-iso87", port).withListenerPort("pos-cups", 0)
            .withJournalDir(dir.resolve("journal"));
        Files.writeString(key, "not a key");

        final IllegalStateException failed = assertThrows(IllegalStateException.class, () -> SwitchNode.start(config).close());
        assertTrue(failed.getMessage().startsWith("issuer-a: cannot make its TLS context: "), failed.getMessage());
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress()))
        {
            assertEquals(port, again.getLocalPort(), "the listener's port is free again");
        }
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            assertFalse(reader.next(), "no run journaled");
        }
    }

    private static SwitchConfig config(final int issuerA, final int issuerB, final String tlsIssuer, final Path journal)
    {
        // Not as the certificate spells it: names are matched without regard to case.
        return config(issuerA, issuerB, tlsIssuer, "Acquirer Host", journal);
    }

    private static SwitchConfig config(final int issuerA, final int issuerB, final String tlsIssuer, final String peerName, final Path journal)
    {
        return config(issuerA, issuerB, tlsIssuer, peerName, true, journal);
    }

    private static SwitchConfig config(
        final int issuerA, final int issuerB, final String tlsIssuer, final String peerName, final boolean clientCertificate, final Path journal)
    {
        final String text = """
            interchange.listeners = [
              { name = "pos-tls", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2",
                acquirer-id = "10000001", allow = ["127.0.0.1/32"], idle-timeout = 60s, max-frame = 4096, mac = false,
                tls { certificate = "%s", private-key = "%s", trust = "%s", peer-names = ["%s"] } }
            ]
            """.formatted(tls("server.pem"), tls("server-key.pem"), tls("ca.pem"), peerName);
        final String issuerTls = "interchange.issuers = [ %s, %s ]".formatted(
            issuer("issuer-a", "20000001", tlsIssuer.equals("issuer-a") ? clientTls(clientCertificate) : ""),
            issuer("issuer-b", "20000002", tlsIssuer.equals("issuer-b") ? clientTls(clientCertificate) : ""));
        return SwitchConfig.parse(text + issuerTls, "tls.conf").withIssuerPort("issuer-a", issuerA).withIssuerPort("issuer-b", issuerB)
            .withJournalDir(journal);
    }

    private static String issuer(final String id, final String institution, final String tls)
    {
        return ("{ id = \"%s\", institution-id = \"%s\", links = [ { host = \"127.0.0.1\", port = 9 } ], connections = 2, timeout = 5s, " +
            "echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 1s }, stand-in { enabled = false, floor-limit = 0 } %s }")
            .formatted(id, institution, tls);
    }

    private static String clientTls(final boolean certificate)
    {
        return certificate ? ", tls { trust = \"%s\", certificate = \"%s\", private-key = \"%s\" }".formatted(tls("ca.pem"), tls("client.pem"),
            tls("client-key.pem")) : ", tls { trust = \"%s\" }".formatted(tls("ca.pem"));
    }

    /** A TLS socket to the switch, trusting the test CA and checking the switch's certificate names 127.0.0.1. */
    private static Socket tlsSocket(final int port, final boolean withCertificate) throws IOException
    {
        final SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(tls("ca.pem").toFile());
        if (withCertificate)
        {
            builder.keyManager(tls("client.pem").toFile(), tls("client-key.pem").toFile());
        }
        final SSLContext context = ((JdkSslContext)builder.build()).context();
        final SSLSocket socket = (SSLSocket)context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        final SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        return socket;
    }

    private static Map<Integer, String> signOn(final Cardholders cards)
    {
        final Map<Integer, String> m = new HashMap<>();
        m.put(7, "1127000000");
        m.put(11, cards.nextStan());
        m.put(70, "001");
        return m;
    }

    private static Path tls(final String file)
    {
        try
        {
            return Path.of(TlsSystemTest.class.getResource("/tls/" + file).toURI());
        }
        catch (final URISyntaxException e)
        {
            throw new IllegalStateException(e);
        }
    }
}
