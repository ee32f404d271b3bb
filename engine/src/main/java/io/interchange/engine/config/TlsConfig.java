package io.interchange.engine.config;

import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

/**
 * TLS on a link (DESIGN.md §7), from PEM files: certificates as X.509 PEM, private keys as unencrypted PKCS#8 PEM
 * ({@code BEGIN PRIVATE KEY}), which the JDK reads without further providers. TLS 1.3 and 1.2 only, with forward-secret
 * key exchange and AEAD ciphers only.
 *
 * <p>On a listener the switch is the server: {@code certificate} and {@code privateKey} are required, and with
 * {@code trust} every acquirer must present a client certificate that leads to one of its CAs (mutual TLS). On an
 * issuer link the switch is the client: the issuer's certificate must lead to a CA in {@code trust} (the JDK's own
 * trust store when null) and name the address connected to (its subject alternative names), and with
 * {@code certificate} and {@code privateKey} the switch shows a certificate of its own. Either way the peer's own
 * certificate must be valid at the handshake, even one that is itself in {@code trust} ({@link PeerTrust}).
 *
 * @param certificate this side's certificate chain, or null.
 * @param privateKey  its private key; null exactly when {@code certificate} is.
 * @param trust       the CA certificates the peer's chain must lead to, or null.
 * @param peerNames   on a listener with {@code trust}, the names an acquirer's certificate may carry (its subject's
 *                    common name or a DNS subject alternative name), so that a certificate the CA gave another
 *                    acquirer is refused; empty for any the CA signed.
 * @param revocations with {@code trust}, a file of the revocation lists (CRLs) its CAs publish, or null: a peer whose
 *                    certificate one lists is refused ({@link Revocations}), and sessions are kept no longer than
 *                    {@link #REVOKED_WITHIN_SECONDS}.
 */
public record TlsConfig(Path certificate, Path privateKey, Path trust, List<String> peerNames, Path revocations)
{
    /**
     * With revocation lists, how long a TLS session may be resumed, seconds: a resumed session asks no trust manager,
     * so this is the longest a peer whose certificate was revoked goes on being taken on a session it began before.
     */
    public static final int REVOKED_WITHIN_SECONDS = 300;

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * TLS 1.3's suites, and under TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305 (Mozilla's "intermediate" list).
     * Netty's defaults, taken before, also allow RSA key exchange and CBC with SHA-1 when the certificate is RSA: RSA key
     * exchange has no forward secrecy, so whoever records a link's traffic and later gets the switch's or the issuer's
     * private key reads every card number and PIN block of it. JDK 17 allows both.
     */
    private static final List<String> CIPHER_SUITES = List.of(
        "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    public TlsConfig
    {
        if ((certificate == null) != (privateKey == null))
        {
            throw new IllegalArgumentException("a certificate needs its private key, and a private key its certificate");
        }
        peerNames = List.copyOf(peerNames);
        if (!peerNames.isEmpty() && trust == null)
        {
            throw new IllegalArgumentException("peer names need a trust: without one no client certificate is asked for");
        }
        if (revocations != null && trust == null)
        {
            throw new IllegalArgumentException("revocation lists need a trust: only its CAs' lists are taken");
        }
    }

    /** Without revocation lists. */
    public TlsConfig(final Path certificate, final Path privateKey, final Path trust, final List<String> peerNames)
    {
        this(certificate, privateKey, trust, peerNames, null);
    }

    /** The server side, for a listener. */
    public SslContext serverContext() throws SSLException
    {
        if (certificate == null)
        {
            throw new IllegalStateException("a TLS listener needs a certificate and its private key");
        }
        final SslContextBuilder builder = SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile())
            .sslProvider(SslProvider.JDK).protocols(PROTOCOLS).ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE);
        if (trust == null)
        {
            return builder.build();
        }
        final TrustManager manager = PeerTrust.of(trust, revocations);
        return sessions(builder.trustManager(manager).clientAuth(ClientAuth.REQUIRE), manager);
    }

    /** The client side, for an issuer link: the issuer's certificate checked against {@code trust} and the address. */
    public SslContext clientContext() throws SSLException
    {
        final TrustManager manager = PeerTrust.of(trust, revocations);
        final SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(PROTOCOLS)
            .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE).endpointIdentificationAlgorithm("HTTPS")
            .trustManager(manager);
        if (certificate != null)
        {
            builder.keyManager(certificate.toFile(), privateKey.toFile());
        }
        return sessions(builder, manager);
    }

    /** With revocation lists, the context's sessions kept {@link #REVOKED_WITHIN_SECONDS} at most and held to the lists when resumed. */
    private SslContext sessions(final SslContextBuilder builder, final TrustManager manager) throws SSLException
    {
        if (revocations == null)
        {
            return builder.build();
        }
        final SslContext context = builder.sessionTimeout(REVOKED_WITHIN_SECONDS).build();
        PeerTrust.watch(context.sessionContext(), manager);
        return context;
    }
}
