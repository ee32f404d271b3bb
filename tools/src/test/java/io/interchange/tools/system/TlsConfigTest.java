package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

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
