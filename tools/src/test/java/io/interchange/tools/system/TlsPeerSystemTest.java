package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.config.TlsConfig;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerCounter;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * TLS peers that must never get a link, over 127.0.0.1 with certificates the test makes ({@link TestCertificates}):
 * an acquirer or an issuer that would settle for a cipher suite without forward secrecy or without AEAD, where the
 * switch's certificate, or the issuer's, is RSA and so could serve one (DESIGN.md §7: links can run TLS, and what runs
 * over them is card data and PIN blocks); and an acquirer or an issuer whose self-signed certificate, trusted as it is
 * by being in the trust file, has expired, or whose certificate has expired since the session it resumes began.
 */
class TlsPeerSystemTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAnAcquirerThatOffersOnlyRsaKeyExchangeOrCbcSuites() throws Exception
    {
        final TestCertificates ca = TestCertificates.authority(dir, "ca", "Interchange test CA");
        final TestCertificates.Issued server = ca.leaf("server", "127.0.0.1").ip("127.0.0.1").serverAuth().key("RSA").issue();
        try (CapturedLog log = new CapturedLog();
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(81, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(82, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(config(listener(server, null), "", issuerA.port(), issuerB.port())))
        {
            final int port = node.port("pos-tls");
            for (final String suite : List.of("TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"))
            {
                assertThrows(SSLException.class, () ->
                {
                    try (SSLSocket socket = clientSocket(ca.file(), port, suite))
                    {
                        socket.startHandshake();
                    }
                }, suite);
            }
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("no cipher suites in common"), "the refusals logged");
            // The same listener takes an acquirer offering what a current TLS 1.2 stack offers, and agrees on ECDHE with GCM.
            try (SSLSocket socket = clientSocket(ca.file(), port, null);
                 TestTerminal terminal = new TestTerminal(socket, Iso87.BINARY, new byte[0]))
            {
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn()).getString(39));
                final String agreed = socket.getSession().getCipherSuite();
                assertTrue(agreed.startsWith("TLS_ECDHE_RSA_WITH_AES_") && agreed.contains("_GCM_"), agreed);
            }
        }
    }

    @Test
    void shouldRefuseAnIssuerThatServesOnlyRsaKeyExchange() throws Exception
    {
        final TestCertificates ca = TestCertificates.authority(dir, "ca", "Interchange test CA");
        final TestCertificates.Issued issuer = ca.leaf("issuer", "127.0.0.1").ip("127.0.0.1").serverAuth().key("RSA").issue();
        final TestCertificates.Issued server = ca.leaf("server", "127.0.0.1").ip("127.0.0.1").serverAuth().issue();
        final SSLContext context = ((JdkSslContext)SslContextBuilder.forServer(issuer.certificateFile().toFile(), issuer.keyFile().toFile())
            .sslProvider(SslProvider.JDK).build()).context();
        try (CapturedLog log = new CapturedLog();
             HandshakingIssuer weak = new HandshakingIssuer(context, "TLS_RSA_WITH_AES_128_CBC_SHA");
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(83, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(config(listener(server, null), ", tls { trust = \"%s\" }".formatted(ca.file()), issuerA.port(), weak.port())))
        {
            Awaiting.until(Duration.ofSeconds(10), () -> weak.handshakes.get() + weak.refusals.get() >= 2, "the switch's attempts");
            assertEquals(0, weak.handshakes.get(), "handshakes the switch completed with an issuer on RSA key exchange");
            assertEquals(0, node.signedOnLinks("issuer-b"));
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("issuer-b#0: TLS handshake with"), "the refusal logged");
        }
    }

    @Test
    void shouldRefuseAnAcquirerWhoseSelfSignedCertificateInTheTrustFileHasExpired() throws Exception
    {
        // Two acquirer hosts' self-signed certificates, trusted as they are; one has expired since it was put there.
        final TestCertificates ca = TestCertificates.authority(dir, "ca", "Interchange test CA");
        final TestCertificates.Issued server = ca.leaf("server", "127.0.0.1").ip("127.0.0.1").serverAuth().issue();
        final TestCertificates.Issued current = TestCertificates.selfSigned(dir, "host-one", "acquirer host one").clientAuth().issue();
        final TestCertificates.Issued expired = TestCertificates.selfSigned(dir, "host-two", "acquirer host two").clientAuth()
            .valid(Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(1))).issue();
        final Path trust = TestCertificates.bundle(dir.resolve("acquirer-hosts.pem"), current.certificateFile(), expired.certificateFile());
        try (CapturedLog log = new CapturedLog();
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(84, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(85, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(config(listener(server, trust), "", issuerA.port(), issuerB.port())))
        {
            final int port = node.port("pos-tls");
            assertThrows(IOException.class, () ->
            {
                try (TestTerminal terminal = new TestTerminal(mutualSocket(ca.file(), port, expired), Iso87.BINARY, new byte[0]))
                {
                    terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn());
                }
            });
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("the peer's certificate CN=acquirer host two, O=Interchange tests expired on"),
                "the refusal logged, naming the certificate and its date");
            try (TestTerminal terminal = new TestTerminal(mutualSocket(ca.file(), port, current), Iso87.BINARY, new byte[0]))
            {
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn()).getString(39));
            }
        }
    }

    @Test
    void shouldRefuseAnIssuerWhoseSelfSignedCertificateInTheTrustFileHasExpired() throws Exception
    {
        // The issuer's own self-signed certificate is what the switch trusts for it, beside a CA still current.
        final TestCertificates ca = TestCertificates.authority(dir, "ca", "Interchange test CA");
        final TestCertificates.Issued server = ca.leaf("server", "127.0.0.1").ip("127.0.0.1").serverAuth().issue();
        final TestCertificates.Issued issuer = TestCertificates.selfSigned(dir, "issuer", "127.0.0.1").ip("127.0.0.1").serverAuth()
            .valid(Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(1))).issue();
        final Path trust = TestCertificates.bundle(dir.resolve("issuers.pem"), ca.file(), issuer.certificateFile());
        final IssuerSimConfig expiredTls = IssuerSimConfig.defaults().withTls(new TlsConfig(issuer.certificateFile(), issuer.keyFile(), null, List.of()));
        try (CapturedLog log = new CapturedLog();
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(86, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(87, List.of("622848"), 10), expiredTls).start();
             SwitchNode node = SwitchNode.start(config(listener(server, null), ", tls { trust = \"%s\" }".formatted(trust), issuerA.port(), issuerB.port())))
        {
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-b") > 0 || issuerB.counter(IssuerCounter.CONNECTIONS_CLOSED) >= 2,
                "the switch's attempts");
            assertEquals(0, node.signedOnLinks("issuer-b"));
            assertEquals(0, issuerB.counter(IssuerCounter.FRAMES_RECEIVED), "not one message to an issuer whose certificate has expired");
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("the peer's certificate CN=127.0.0.1, O=Interchange tests expired on"),
                "the refusal logged, naming the certificate and its date");
        }
    }

    /**
     * A listener with `crl`: an acquirer whose certificate the CA's revocation list names is refused at its next
     * handshake, a resumed session's too, once the operator puts the CA's new list in place, without a restart, and the log says which certificate
     * and since when; another acquirer of the same CA goes on; a list that then does not read, or an older copy of the
     * CA's list put back, leaves the one before it in force. Without revocation lists the switch took a revoked certificate for as long as it was in its dates.
     */
    @Test
    void shouldRefuseAnAcquirerWhoseCertificateItsCaHasRevokedOnceItsNewListIsInPlace() throws Exception
    {
        final TestCertificates ca = TestCertificates.authority(dir, "ca", "Interchange test CA");
        final TestCertificates.Issued server = ca.leaf("server", "127.0.0.1").ip("127.0.0.1").serverAuth().issue();
        final TestCertificates.Issued one = ca.leaf("host-one", "acquirer host one").clientAuth().issue();
        final TestCertificates.Issued two = ca.leaf("host-two", "acquirer host two").clientAuth().issue();
        final Path crl = ca.revocationList(dir.resolve("ca.crl"), Instant.now().plus(Duration.ofDays(1)));
        final String listener = listener(server, ca.file()).replace(" } }", ", crl = \"" + crl + "\" } }");
        try (CapturedLog log = new CapturedLog();
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(86, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(87, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(config(listener, "", issuerA.port(), issuerB.port())))
        {
            final int port = node.port("pos-tls");
            // host-two's TLS keeps its session: connecting again, it resumes it rather than show its certificate.
            final SSLContext resuming = mutualContext(ca.file(), two);
            assertEquals("00", signedOn((SSLSocket)resuming.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)),
                "taken while its CA's list names nothing");

            ca.revocationList(crl, Instant.now().plus(Duration.ofDays(1)), two.certificateFile());
            assertThrows(IOException.class, () -> signedOn((SSLSocket)resuming.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)),
                "a session resumed is held to the new list too");
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("refused, closing: the peer's certificate CN=acquirer host two, O=Interchange tests"),
                "the resumed session refused once the handshake was done");
            assertThrows(IOException.class, () -> signedOn(mutualSocket(ca.file(), port, two)));
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("the peer's certificate CN=acquirer host two, O=Interchange tests (serial") &&
                log.contains(") was revoked on "), "the refusal logged, naming the certificate and its revocation");
            assertEquals("00", signedOn(mutualSocket(ca.file(), port, one)), "another acquirer of the same CA");

            Files.writeString(crl, "not a revocation list");
            assertThrows(IOException.class, () -> signedOn(mutualSocket(ca.file(), port, two)));
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("is refused, the revocation lists read before stay in force"), "the bad file logged");
            assertEquals("00", signedOn(mutualSocket(ca.file(), port, one)));

            // An old copy of the CA's list put back, issued before the one in force and naming nothing: it un-revokes nothing.
            ca.revocationList(crl, Instant.now().minus(Duration.ofHours(3)), Instant.now().plus(Duration.ofDays(1)));
            assertThrows(IOException.class, () -> signedOn(mutualSocket(ca.file(), port, two)), "an older list does not take back a revocation");
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("is older than the one in force"), "the older list logged");
            assertEquals("00", signedOn(mutualSocket(ca.file(), port, one)));
        }
    }

    /**
     * A revocation list written over in place (truncated, then written, as cp or a download does) and read by a handshake
     * between the two, empty, within the clock tick the write then ends in: the file's time is the same as when it was read
     * empty, and the new list, which revokes an acquirer, is read all the same at the next handshake. Read again only on a
     * new modification time, it was never read, and the revoked acquirer taken until the file changed again.
     */
    @Test
    void shouldReadARevocationListWrittenOverWithinTheClockTickOfAReadThatFoundItEmpty() throws Exception
    {
        final TestCertificates ca = TestCertificates.authority(dir, "ca", "Interchange test CA");
        final TestCertificates.Issued server = ca.leaf("server", "127.0.0.1").ip("127.0.0.1").serverAuth().issue();
        final TestCertificates.Issued one = ca.leaf("host-one", "acquirer host one").clientAuth().issue();
        final TestCertificates.Issued two = ca.leaf("host-two", "acquirer host two").clientAuth().issue();
        final Path crl = ca.revocationList(dir.resolve("ca.crl"), Instant.now().plus(Duration.ofDays(1)));
        final String listener = listener(server, ca.file()).replace(" } }", ", crl = \"" + crl + "\" } }");
        // One clock tick of the file system's, other than the file's time now: that of the truncation and of the write.
        final FileTime tick = FileTime.from(Instant.now().minus(Duration.ofMinutes(1)));
        try (CapturedLog log = new CapturedLog();
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(86, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(87, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(config(listener, "", issuerA.port(), issuerB.port())))
        {
            final int port = node.port("pos-tls");
            assertEquals("00", signedOn(mutualSocket(ca.file(), port, two)), "taken while its CA's list names nothing");

            Files.write(crl, new byte[0]);
            Files.setLastModifiedTime(crl, tick);
            assertEquals("00", signedOn(mutualSocket(ca.file(), port, one)), "the list before in force while the file is empty");
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("holds no revocation list"), "the empty file logged");

            ca.revocationList(crl, Instant.now().plus(Duration.ofDays(1)), two.certificateFile());
            Files.setLastModifiedTime(crl, tick);
            assertThrows(IOException.class, () -> signedOn(mutualSocket(ca.file(), port, two)), "revoked by the list written since");
            assertEquals("00", signedOn(mutualSocket(ca.file(), port, one)));
        }
    }

    /**
     * An intermediate CA in the trust file (there so that its own list is taken) that its root has revoked: an acquirer
     * whose certificate it signed is refused though it shows its certificate alone, the chain stopping at the trust
     * file's intermediate. Only the certificates of the chain the peer showed were held to the lists, so that leaving the
     * revoked CA out of it was enough to be taken.
     */
    @Test
    void shouldRefuseAnAcquirerUnderAnIntermediateCaOfTheTrustFileItsRootHasRevoked() throws Exception
    {
        final TestCertificates root = TestCertificates.authority(dir, "root", "Interchange test root CA");
        final TestCertificates sub = root.intermediate("sub", "Interchange test sub-CA");
        final TestCertificates.Issued server = root.leaf("server", "127.0.0.1").ip("127.0.0.1").serverAuth().issue();
        final TestCertificates.Issued host = sub.leaf("host", "acquirer host").clientAuth().issue();
        final Path trust = TestCertificates.bundle(dir.resolve("trust.pem"), root.file(), sub.file());
        final Path subList = sub.revocationList(dir.resolve("sub.crl"), Instant.now().plus(Duration.ofDays(1)));
        final Path crl = dir.resolve("lists.crl");
        Files.writeString(crl, Files.readString(root.revocationList(dir.resolve("root.crl"), Instant.now().plus(Duration.ofDays(1)))) +
            Files.readString(subList));
        final String listener = listener(server, trust).replace(" } }", ", crl = \"" + crl + "\" } }");
        try (IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(86, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(87, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(config(listener, "", issuerA.port(), issuerB.port())))
        {
            final int port = node.port("pos-tls");
            assertEquals("00", signedOn(mutualSocket(root.file(), port, host)), "taken while no list names its CA");

            Files.writeString(crl, Files.readString(root.revocationList(dir.resolve("root.crl"), Instant.now().plus(Duration.ofDays(1)), sub.file())) +
                Files.readString(subList));
            assertThrows(IOException.class, () -> signedOn(mutualSocket(root.file(), port, host)), "its CA revoked by the root");
        }
    }

    /** Signs on over {@code socket} as an ISO 8583:1987 acquirer: the answer's field 39. */
    private static String signedOn(final SSLSocket socket) throws Exception
    {
        try (TestTerminal terminal = new TestTerminal(socket, Iso87.BINARY, new byte[0]))
        {
            return terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn()).getString(39);
        }
    }

    /** A TLS client to the listener, showing {@code certificate}. */
    private static SSLSocket mutualSocket(final Path trust, final int port, final TestCertificates.Issued certificate) throws IOException
    {
        return (SSLSocket)mutualContext(trust, certificate).getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    }

    /** The TLS of a terminal showing {@code certificate}: its sockets share one session cache, so a second one resumes. */
    private static SSLContext mutualContext(final Path trust, final TestCertificates.Issued certificate) throws SSLException
    {
        return ((JdkSslContext)SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(trust.toFile())
            .keyManager(certificate.certificateFile().toFile(), certificate.keyFile().toFile()).build()).context();
    }

    @Test
    void shouldRefuseAnAcquirerThatResumesItsSessionOnceItsCertificateHasExpired() throws Exception
    {
        // A terminal that connects again resumes its TLS session, which the JDK takes without a look at the certificate.
        final TestCertificates ca = TestCertificates.authority(dir, "ca", "Interchange test CA");
        final TestCertificates.Issued server = ca.leaf("server", "127.0.0.1").ip("127.0.0.1").serverAuth().issue();
        try (CapturedLog log = new CapturedLog();
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(88, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(89, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(config(listener(server, ca.file()), "", issuerA.port(), issuerB.port())))
        {
            final Instant expiry = Instant.now().plusSeconds(3);
            final TestCertificates.Issued terminal = ca.leaf("terminal", "acquirer host").clientAuth().valid(Instant.now().minus(Duration.ofHours(1)), expiry)
                .issue();
            final SSLContext context = mutualContext(ca.file(), terminal);
            try (TestTerminal first = new TestTerminal(context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), node.port("pos-tls")),
                Iso87.BINARY, new byte[0]))
            {
                assertEquals("00", first.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn()).getString(39));
            }
            Awaiting.until(Duration.ofSeconds(10), () -> Instant.now().isAfter(expiry), "the terminal's certificate expired");
            assertThrows(IOException.class, () ->
            {
                try (TestTerminal again = new TestTerminal(context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), node.port("pos-tls")),
                    Iso87.BINARY, new byte[0]))
                {
                    again.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn());
                }
            });
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("refused, closing: the peer's certificate CN=acquirer host, O=Interchange tests " +
                "expired on"), "the resumed session refused for the certificate's date");
        }
    }

    @Test
    void shouldRefuseAnIssuerWhoseSessionTheSwitchResumesOnceItsCertificateHasExpired() throws Exception
    {
        // The issuer closes each connection after its handshake; the switch connects again, resuming its session.
        final TestCertificates ca = TestCertificates.authority(dir, "ca", "Interchange test CA");
        final TestCertificates.Issued server = ca.leaf("server", "127.0.0.1").ip("127.0.0.1").serverAuth().issue();
        final Instant expiry = Instant.now().plusSeconds(3);
        final TestCertificates.Issued issuer = ca.leaf("issuer", "127.0.0.1").ip("127.0.0.1").serverAuth()
            .valid(Instant.now().minus(Duration.ofHours(1)), expiry).issue();
        final SSLContext context = ((JdkSslContext)SslContextBuilder.forServer(issuer.certificateFile().toFile(), issuer.keyFile().toFile())
            .sslProvider(SslProvider.JDK).build()).context();
        try (CapturedLog log = new CapturedLog();
             HandshakingIssuer issuerB = new HandshakingIssuer(context, null);
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(90, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(config(listener(server, null), ", tls { trust = \"%s\" }".formatted(ca.file()), issuerA.port(),
                 issuerB.port())))
        {
            Awaiting.until(Duration.ofSeconds(10), () -> issuerB.handshakes.get() > 0, "a handshake while the issuer's certificate was good");
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("issuer-b#0: TLS handshake with 127.0.0.1/127.0.0.1:" + issuerB.port() +
                " refused, closing: the peer's certificate CN=127.0.0.1, O=Interchange tests expired on"), "the resumed session refused for its date");
        }
    }

    /**
     * An issuer link with `crl`: the switch resumes its session with an issuer whose certificate the CA has revoked since
     * the session began, and holds it to the new list once the handshake is done, as a listener does.
     */
    @Test
    void shouldRefuseAnIssuerWhoseSessionTheSwitchResumesOnceItsCaHasRevokedItsCertificate() throws Exception
    {
        final TestCertificates ca = TestCertificates.authority(dir, "ca", "Interchange test CA");
        final TestCertificates.Issued server = ca.leaf("server", "127.0.0.1").ip("127.0.0.1").serverAuth().issue();
        final TestCertificates.Issued issuer = ca.leaf("issuer", "127.0.0.1").ip("127.0.0.1").serverAuth().issue();
        final Path crl = ca.revocationList(dir.resolve("ca.crl"), Instant.now().plus(Duration.ofDays(1)));
        final SSLContext context = ((JdkSslContext)SslContextBuilder.forServer(issuer.certificateFile().toFile(), issuer.keyFile().toFile())
            .sslProvider(SslProvider.JDK).build()).context();
        try (CapturedLog log = new CapturedLog();
             HandshakingIssuer issuerB = new HandshakingIssuer(context, null);
             IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(91, List.of("476173"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = SwitchNode.start(config(listener(server, null), ", tls { trust = \"%s\", crl = \"%s\" }".formatted(ca.file(), crl),
                 issuerA.port(), issuerB.port())))
        {
            Awaiting.until(Duration.ofSeconds(10), () -> issuerB.handshakes.get() > 1, "the switch resumed its session while the list named nothing");
            ca.revocationList(crl, Instant.now().plus(Duration.ofDays(1)), issuer.certificateFile());
            Awaiting.until(Duration.ofSeconds(10), () -> log.contains("issuer-b#0: TLS handshake with 127.0.0.1/127.0.0.1:" + issuerB.port() +
                " refused, closing: the peer's certificate CN=127.0.0.1, O=Interchange tests (serial"), "the resumed session refused for the new list");
        }
    }

    /** A TLS client to the listener on TLS 1.2 (1.3 has no weak suites to offer), offering only {@code suite}, or the JDK's own list. */
    private static SSLSocket clientSocket(final Path trust, final int port, final String suite) throws IOException
    {
        final SSLContext context = ((JdkSslContext)SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(trust.toFile())
            .build()).context();
        final SSLSocket socket = (SSLSocket)context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        if (suite != null)
        {
            socket.setEnabledCipherSuites(new String[] {suite});
        }
        return socket;
    }

    /**
     * An issuer host on 127.0.0.1 serving TLS, 1.2 with one cipher suite or else the JDK's defaults: it counts the
     * handshakes made with it, and closes each connection after its handshake.
     */
    private static final class HandshakingIssuer implements AutoCloseable
    {
        final AtomicInteger handshakes = new AtomicInteger();
        final AtomicInteger refusals = new AtomicInteger();
        private final ServerSocket server;
        private final Thread acceptor;

        HandshakingIssuer(final SSLContext context, final String suite) throws IOException
        {
            final SSLServerSocket socket = (SSLServerSocket)context.getServerSocketFactory().createServerSocket(0, 8, InetAddress.getLoopbackAddress());
            if (suite != null)
            {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.setEnabledCipherSuites(new String[] {suite});
            }
            server = socket;
            acceptor = new Thread(this::serve, "weak-issuer");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port()
        {
            return server.getLocalPort();
        }

        private void serve()
        {
            while (!server.isClosed())
            {
                try (SSLSocket connection = (SSLSocket)server.accept())
                {
                    connection.setSoTimeout(10_000);
                    try
                    {
                        connection.startHandshake();
                        handshakes.incrementAndGet();
                    }
                    catch (final SSLException refused)
                    {
                        refusals.incrementAndGet();
                    }
                }
                catch (final SocketException closed)
                {
                    return;
                }
                catch (final IOException e)
                {
                    refusals.incrementAndGet();
                }
            }
        }

        @Override
        public void close() throws IOException
        {
            server.close();
        }
    }

    private static String listener(final TestCertificates.Issued server, final Path trust)
    {
        return """
            interchange.listeners = [
              { name = "pos-tls", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2",
                acquirer-id = "10000001", allow = ["127.0.0.1/32"], idle-timeout = 60s, max-frame = 4096, mac = false,
                tls { certificate = "%s", private-key = "%s"%s } }
            ]
            """.formatted(server.certificateFile(), server.keyFile(), trust == null ? "" : ", trust = \"" + trust + "\"");
    }

    /** The demo's two issuers, issuer-b with {@code issuerBTls}: its links' TLS, or nothing for plain TCP. */
    private SwitchConfig config(final String listeners, final String issuerBTls, final int issuerA, final int issuerB)
    {
        final String issuers = "interchange.issuers = [ %s, %s ]".formatted(issuer("issuer-a", "20000001", ""), issuer("issuer-b", "20000002", issuerBTls));
        return SwitchConfig.parse(listeners + issuers, "tls.conf").withIssuerPort("issuer-a", issuerA).withIssuerPort("issuer-b", issuerB)
            .withJournalDir(dir.resolve("journal"));
    }

    private static String issuer(final String id, final String institution, final String tls)
    {
        return ("{ id = \"%s\", institution-id = \"%s\", links = [ { host = \"127.0.0.1\", port = 9 } ], connections = 1, timeout = 5s, " +
            "echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 400ms }, stand-in { enabled = false, floor-limit = 0 } %s }")
            .formatted(id, institution, tls);
    }

    private static Map<Integer, String> signOn()
    {
        final Map<Integer, String> m = new HashMap<>();
        m.put(7, "1127000000");
        m.put(11, "000001");
        m.put(70, "001");
        return m;
    }
}
