package io.interchange.engine.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Date;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a link checks its peer's certificate: the JDK's PKIX checks (a chain to a CA of the trust file, or of the JDK's
 * own store; on an issuer link, the address too), then the peer's own certificate's dates. The JDK never holds a trust
 * anchor's dates against it, and a peer whose certificate is itself in the trust file (a host showing a self-signed
 * certificate, trusted as it is) has nothing in its chain but that anchor: its certificate was taken for as long as
 * the switch ran after it expired. A start with such a file is refused only when no certificate of it is valid.
 */
final class PeerTrust extends X509ExtendedTrustManager
{
    private final X509ExtendedTrustManager pkix;

    private PeerTrust(final X509ExtendedTrustManager pkix)
    {
        this.pkix = pkix;
    }

    /** The CAs of a PEM {@code trust} file, or the JDK's when null. */
    static TrustManager of(final Path trust) throws SSLException
    {
        try
        {
            final KeyStore anchors;
            if (trust == null)
            {
                anchors = null;
            }
            else
            {
                anchors = KeyStore.getInstance(KeyStore.getDefaultType());
                anchors.load(null, null);
                try (InputStream in = Files.newInputStream(trust))
                {
                    int i = 0;
                    for (final Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in))
                    {
                        anchors.setCertificateEntry("trust-" + i++, certificate);
                    }
                }
            }
            final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            for (final TrustManager manager : factory.getTrustManagers())
            {
                if (manager instanceof X509ExtendedTrustManager x509)
                {
                    return new PeerTrust(x509);
                }
            }
            throw new SSLException("the JDK offers no X.509 trust manager");
        }
        catch (final IOException | GeneralSecurityException e)
        {
            throw new SSLException(trust + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket) throws CertificateException
    {
        pkix.checkClientTrusted(chain, authType, socket);
        current(chain);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket) throws CertificateException
    {
        pkix.checkServerTrusted(chain, authType, socket);
        current(chain);
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine) throws CertificateException
    {
        pkix.checkClientTrusted(chain, authType, engine);
        current(chain);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine) throws CertificateException
    {
        pkix.checkServerTrusted(chain, authType, engine);
        current(chain);
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
    {
        pkix.checkClientTrusted(chain, authType);
        current(chain);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
    {
        pkix.checkServerTrusted(chain, authType);
        current(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers()
    {
        return pkix.getAcceptedIssuers();
    }

    /**
     * After PKIX has taken the chain, so that the subject named is one the trust vouches for, never text a stranger
     * chose. The message is what the link's log gives as the handshake's failure.
     */
    private static void current(final X509Certificate[] chain) throws CertificateException
    {
        final X509Certificate peer = chain[0];
        final Date now = new Date();
        if (now.after(peer.getNotAfter()))
        {
            throw new CertificateExpiredException("the peer's certificate " + peer.getSubjectX500Principal() + " expired on " +
                peer.getNotAfter().toInstant());
        }
        if (now.before(peer.getNotBefore()))
        {
            throw new CertificateNotYetValidException("the peer's certificate " + peer.getSubjectX500Principal() + " is not valid before " +
                peer.getNotBefore().toInstant());
        }
    }
}
