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
import java.util.Collections;
import java.util.Date;
import java.util.Map;
import java.util.WeakHashMap;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a link checks its peer's certificate: the JDK's PKIX checks (a chain to a CA of the trust file, or of the JDK's
 * own store; on an issuer link, the address too), then the peer's own certificate's dates. The JDK never holds a trust
 * anchor's dates against it, and a peer whose certificate is itself in the trust file (a host showing a self-signed
 * certificate, trusted as it is) has nothing in its chain but that anchor: its certificate was taken for as long as
 * the switch ran after it expired. A start with such a file is refused only when no certificate of it is valid.
 * A handshake that resumes a session asks no trust manager at all: {@link #refusal(SSLSession)} is for the link to
 * check that one with. With revocation lists, every certificate of the chain is held to them too ({@link Revocations}).
 */
public final class PeerTrust extends X509ExtendedTrustManager
{
    // The revocation lists of each TLS context that has them, by its session context, which a session names: how a
    // handshake that resumes a session, which asks no trust manager, is held to them too. Weak: a context gone takes
    // its lists with it.
    private static final Map<SSLSessionContext, Revocations> REVOKING = Collections.synchronizedMap(new WeakHashMap<>());

    private final X509ExtendedTrustManager pkix;
    private final Revocations revocations;

    private PeerTrust(final X509ExtendedTrustManager pkix, final Revocations revocations)
    {
        this.pkix = pkix;
        this.revocations = revocations;
    }

    /**
     * The CAs of a PEM {@code trust} file, or the JDK's when null; with the revocation lists of {@code revocations}
     * (signed by those CAs) when it is not null.
     */
    static TrustManager of(final Path trust, final Path revocations) throws SSLException
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
                    final Date now = new Date();
                    return new PeerTrust(x509, revocations == null ? null : Revocations.load(revocations, TlsFiles.certificates(trust, false, now), now));
                }
            }
            throw new SSLException("the JDK offers no X.509 trust manager");
        }
        catch (final IOException | GeneralSecurityException e)
        {
            throw new SSLException(trust + ": " + e.getMessage(), e);
        }
        catch (final IllegalArgumentException e)
        {
            // The revocation lists, changed since the configuration was read: the link's start names its TLS files.
            throw new SSLException(e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket) throws CertificateException
    {
        pkix.checkClientTrusted(chain, authType, socket);
        afterPkix(chain);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket) throws CertificateException
    {
        pkix.checkServerTrusted(chain, authType, socket);
        afterPkix(chain);
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine) throws CertificateException
    {
        pkix.checkClientTrusted(chain, authType, engine);
        afterPkix(chain);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine) throws CertificateException
    {
        pkix.checkServerTrusted(chain, authType, engine);
        afterPkix(chain);
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
    {
        pkix.checkClientTrusted(chain, authType);
        afterPkix(chain);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType) throws CertificateException
    {
        pkix.checkServerTrusted(chain, authType);
        afterPkix(chain);
    }

    /** The peer's own certificate's dates, then the revocation lists, if any, for every certificate of its chain. */
    private void afterPkix(final X509Certificate[] chain) throws CertificateException
    {
        current(chain[0]);
        if (revocations != null)
        {
            revocations.check(chain);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers()
    {
        return pkix.getAcceptedIssuers();
    }

    /**
     * Holds the sessions of a TLS context made with {@code manager} to its revocation lists, if it has any, when
     * {@link #refusal} looks at them.
     */
    static void watch(final SSLSessionContext sessions, final TrustManager manager)
    {
        if (sessions != null && manager instanceof PeerTrust trust && trust.revocations != null)
        {
            REVOKING.put(sessions, trust.revocations);
        }
    }

    /**
     * Why the peer certificate of a session just agreed is refused, or null when it is not or the peer showed none: out
     * of its dates, or, on a link with revocation lists, a certificate of its chain revoked. A resumed session (the JDK
     * keeps them a day, and TLS 1.3 may resume one resumption from the next) comes with the certificate checked when it
     * began, however long ago: an acquirer whose certificate has expired or been revoked since, or an issuer whose has,
     * was taken again each time it resumed. The session is dropped from this side's cache, so that it is not resumed
     * from there again.
     */
    public static String refusal(final SSLSession session)
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
            final Revocations revocations = REVOKING.get(session.getSessionContext());
            if (revocations != null)
            {
                final X509Certificate[] x509 = new X509Certificate[chain.length];
                for (int i = 0; i < chain.length; i++)
                {
                    if (!(chain[i] instanceof X509Certificate certificate))
                    {
                        return null;
                    }
                    x509[i] = certificate;
                }
                revocations.check(x509);
            }
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
