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
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a link checks its peer's certificate: the JDK's PKIX checks (a chain to a CA of the trust file, or of the JDK's
 * own store; on an issuer link, the address too), then the peer's own certificate's dates. The JDK never holds a trust
 * anchor's dates against it, and a peer whose certificate is itself in the trust file (a host showing a self-signed
 * certificate, trusted as it is) has nothing in its chain but that anchor: its certificate was taken for as long as
 * the switch ran after it expired. A start with such a file is refused only when no certificate of it is valid.
 * A handshake that resumes a session asks no trust manager at all: {@link #outOfDate(SSLSession)} is for the link to
 * check that one with.
 */
public final class PeerTrust extends X509ExtendedTrustManager
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
        current(chain[0]);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket) throws CertificateException
    {
        pkix.checkServerTrusted(chain, authType, socket);
        current(chain[0]);
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine) throws CertificateException
    {
        pkix.checkClientTrusted(chain, authType, engine);
        current(chain[0]);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine) throws CertificateException
    {
        pkix.checkServerTrusted(chain, authType, engine);
        current(chain[0]);
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
    {
        pkix.checkClientTrusted(chain, authType);
        current(chain[0]);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
    {
        pkix.checkServerTrusted(chain, authType);
        current(chain[0]);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers()
    {
        return pkix.getAcceptedIssuers();
    }

    /**
     * Why the peer certificate of a session just agreed is out of its dates, or null when it is not or the peer showed
     * none. A resumed session (the JDK keeps them a day) comes with the certificate checked when it began, however long
     * ago: an acquirer whose certificate has expired since, or an issuer whose has, was taken again each time it
     * resumed. The session is dropped from this side's cache, so that it is not resumed from there again.
     */
    public static String outOfDate(final SSLSession session)
    {
        final Certificate[] chain;
        try
        {
            chain = session.getPeerCertificates();
        }
        catch (final SSLPeerUnverifiedException none)
        {
            return null;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate peer))
        {
            return null;
        }
        try
        {
            current(peer);
            return null;
        }
        catch (final CertificateException e)
        {
            session.invalidate();
            return e.getMessage();
        }
    }

    /**
     * After PKIX has taken the chain (or, for a resumed session, took it), so that the subject named is one the trust
     * vouches for, never text a stranger chose. The message is what the link's log gives as the handshake's failure.
     */
    private static void current(final X509Certificate peer) throws CertificateException
    {
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
