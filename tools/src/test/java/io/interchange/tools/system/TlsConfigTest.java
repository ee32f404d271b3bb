package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.engine.config.ConfigError;
import io.interchange.engine.config.SwitchConfig;

/**
 * TLS files that would fail every handshake stop the switch's start instead, each on the key that names the file:
 * a private key that is another certificate's, a client certificate on a listener, a trust file that holds no
 * certificate. With the test certificates of {@code src/test/resources/tls}.
 */
class TlsConfigTest
{
    private static final String LISTENER = "interchange.listeners = [ { name = \"pos-tls\", host = \"127.0.0.1\", port = 0, dialect = \"iso87b\", " +
        "framing = \"binary-2\", acquirer-id = \"10000001\", allow = [\"127.0.0.1/32\"], idle-timeout = 60s, max-frame = 4096, mac = false, " +
        "tls { certificate = \"%s\", private-key = \"%s\"%s } } ]";

    @Test
    void shouldTakeAListenersCertificateItsKeyAndATrustFile()
    {
        final SwitchConfig config = SwitchConfig.parse(listener("server.pem", "server-key.pem", "ca.pem"), "tls.conf");
        assertEquals(tls("ca.pem"), config.listener("pos-tls").tls().trust());
    }

    @Test
    void shouldTakePeerNamesOnlyWhereAcquirersShowCertificates()
    {
        final SwitchConfig config = SwitchConfig.parse(listener("server.pem", "server-key.pem", "ca.pem").replace(" } } ]",
            ", peer-names = [\"acquirer host\"] } } ]"), "tls.conf");
        assertEquals(List.of("acquirer host"), config.listener("pos-tls").tls().peerNames());
        assertEquals("tls.conf:1: listeners[0].tls.peer-names: names no acquirer; to take any certificate the CA signed, leave it out",
            problem(listener("server.pem", "server-key.pem", "ca.pem").replace(" } } ]", ", peer-names = [] } } ]")));
        assertEquals("tls.conf:1: listeners[0].tls.peer-names: needs trust: without it no acquirer is asked for a certificate to name",
            problem(listener("server.pem", "server-key.pem", null).replace(" } } ]", ", peer-names = [\"acquirer host\"] } } ]")));
    }

    @Test
    void shouldRefuseAPrivateKeyThatIsNotTheCertificates()
    {
        assertEquals("tls.conf:1: listeners[0].tls.private-key: " + tls("client-key.pem") + " is not the private key of the certificate in " +
            tls("server.pem"), problem(listener("server.pem", "client-key.pem", null)));
    }

    @Test
    void shouldRefuseAClientCertificateOnAListener()
    {
        assertEquals("tls.conf:1: listeners[0].tls.certificate: " + tls("client.pem") + " is not for a TLS server (no serverAuth in its extended " +
            "key usage)", problem(listener("client.pem", "client-key.pem", null)));
    }

    @Test
    void shouldRefuseFilesThatAreNotWhatTheirKeySays()
    {
        final String noCertificate = problem(listener("server.pem", "server-key.pem", "server-key.pem"));
        assertTrue(noCertificate.startsWith("tls.conf:1: listeners[0].tls.trust: " + tls("server-key.pem")), noCertificate);
        final String notAKey = problem(listener("server.pem", "server.pem", null));
        assertEquals("tls.conf:1: listeners[0].tls.private-key: " + tls("server.pem") + " is not an unencrypted PKCS#8 private key " +
            "(-----BEGIN PRIVATE KEY-----); openssl pkcs8 -topk8 -nocrypt turns other forms into one", notAKey);
    }

    /**
     * Revocation lists refused at start-up, on the crl key: one without a trust (only its CAs' lists are taken), one a CA
     * of the trust file did not sign; one of the trust's CA is taken, current or past its next update (logged).
     */
    @Test
    void shouldTakeOnlyCurrentRevocationListsOfTheTrustsCas(@TempDir final Path dir)
    {
        final TestCertificates ca = TestCertificates.authority(dir, "ca", "Interchange test CA");
        final TestCertificates other = TestCertificates.authority(dir, "other", "Another CA");
        final Path current = ca.revocationList(dir.resolve("current.crl"), Instant.now().plus(Duration.ofDays(1)));
        final Path foreign = other.revocationList(dir.resolve("foreign.crl"), Instant.now().plus(Duration.ofDays(1)));
        final Path stale = ca.revocationList(dir.resolve("stale.crl"), Instant.now().minus(Duration.ofMinutes(5)));
        final String withTrust = listener("server.pem", "server-key.pem", null).replace(" } } ]", ", trust = \"" + ca.file() + "\", crl = \"%s\" } } ]");

        assertEquals(current, SwitchConfig.parse(withTrust.formatted(current), "tls.conf").listener("pos-tls").tls().revocations());
        assertEquals("tls.conf:1: listeners[0].tls.crl: needs trust: only revocation lists its CAs signed are taken",
            problem(listener("server.pem", "server-key.pem", null).replace(" } } ]", ", crl = \"" + current + "\" } } ]")));
        assertEquals("tls.conf:1: listeners[0].tls.crl: " + foreign + ": the revocation list of CN=Another CA, O=Interchange tests is not signed by a CA " +
            "of the trust file", problem(withTrust.formatted(foreign)));
        try (CapturedLog log = new CapturedLog())
        {
            assertEquals(stale, SwitchConfig.parse(withTrust.formatted(stale), "tls.conf").listener("pos-tls").tls().revocations(),
                "a list past its next update is the newest there is: taken, not a reason to refuse a restart");
            assertTrue(log.contains(stale + ": the revocation list of CN=Interchange test CA, O=Interchange tests was due to be replaced on "),
                "and said");
        }
    }

    private static String listener(final String certificate, final String key, final String trust)
    {
        return LISTENER.formatted(tls(certificate), tls(key), trust == null ? "" : ", trust = \"" + tls(trust) + "\"");
    }

    private static String problem(final String hocon)
    {
        final List<String> problems = assertThrows(ConfigError.class, () -> SwitchConfig.parse(hocon, "tls.conf")).problems();
        assertEquals(1, problems.size(), () -> String.join("\n", problems));
        return problems.get(0);
    }

    private static Path tls(final String file)
    {
        try
        {
            return Path.of(TlsConfigTest.class.getResource("/tls/" + file).toURI());
        }
        catch (final URISyntaxException e)
        {
            throw new IllegalStateException(e);
        }
    }
}
