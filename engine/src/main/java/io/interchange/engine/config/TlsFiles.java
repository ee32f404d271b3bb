package io.interchange.engine.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks a link's TLS files at start-up, so that what would fail every handshake fails the start instead,
 * naming the file's key: PEM certificates that parse and are valid today, an unencrypted PKCS#8 private key that
 * belongs to its certificate, and a certificate meant for the side it is used on. Each check throws
 * IllegalArgumentException with the reason.
 */
final class TlsFiles
{
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";
    private static final Pattern PKCS8 = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private TlsFiles()
    {
    }

    /**
     * The certificates of a PEM file, at least one; with {@code current}, the first (a chain's leaf) valid at
     * {@code now}, or for a trust file ({@code current} false) any one of them. The others' dates are not this check's
     * business: the JDK does not hold a trust anchor's dates against it, and a bundle or a chain may carry an expired
     * cross-signed root beside the good one.
     */
    static List<X509Certificate> certificates(final Path file, final boolean current, final Date now)
    {
        final List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file))
        {
            for (final Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in))
            {
                certificates.add((X509Certificate)certificate);
            }
        }
        catch (final IOException | CertificateException e)
        {
            throw new IllegalArgumentException(file + " is not PEM X.509 certificates: " + e.getMessage(), e);
        }
        if (certificates.isEmpty())
        {
            throw new IllegalArgumentException(file + " holds no certificate");
        }
        if (current)
        {
            valid(certificates.get(0), file, now);
        }
        else if (certificates.stream().noneMatch(certificate -> certificate.getNotAfter().after(now) && !certificate.getNotBefore().after(now)))
        {
            throw new IllegalArgumentException(file + " holds no certificate valid today");
        }
        return certificates;
    }

    private static void valid(final X509Certificate certificate, final Path file, final Date now)
    {
        try
        {
            certificate.checkValidity(now);
        }
        catch (final CertificateExpiredException e)
        {
            throw new IllegalArgumentException(file + ": " + certificate.getSubjectX500Principal() + " expired on " +
                certificate.getNotAfter().toInstant(), e);
        }
        catch (final CertificateNotYetValidException e)
        {
            throw new IllegalArgumentException(file + ": " + certificate.getSubjectX500Principal() + " is not valid before " +
                certificate.getNotBefore().toInstant(), e);
        }
    }

    /** The private key of a PKCS#8 PEM file ({@code BEGIN PRIVATE KEY}), of {@code algorithm} (the certificate's key's). */
    static PrivateKey privateKey(final Path file, final String algorithm)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
        }
        final Matcher pem = PKCS8.matcher(text);
        if (!pem.find())
        {
            throw new IllegalArgumentException(file + " is not an unencrypted PKCS#8 private key (-----BEGIN PRIVATE KEY-----); " +
                "openssl pkcs8 -topk8 -nocrypt turns other forms into one");
        }
        try
        {
            final byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        catch (final IllegalArgumentException | GeneralSecurityException e)
        {
            throw new IllegalArgumentException(file + " is not a " + algorithm + " private key: " + e.getMessage(), e);
        }
    }

    /** Checks that {@code key} is the private half of {@code certificate}'s public key: it signs, the certificate verifies. */
    static void belongsTo(final PrivateKey key, final X509Certificate certificate, final Path keyFile, final Path certificateFile)
    {
        final String algorithm = switch (key.getAlgorithm())
        {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null || "RSASSA-PSS".equals(algorithm))
        {
            return; // a handshake will tell: no plain signature to check it with here
        }
        try
        {
            final byte[] nonce = new byte[32];
            new SecureRandom().nextBytes(nonce);
            final Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(nonce);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(nonce);
            if (!verifier.verify(signature))
            {
                throw new IllegalArgumentException(keyFile + " is not the private key of the certificate in " + certificateFile);
            }
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalArgumentException(keyFile + " is not the private key of the certificate in " + certificateFile + ": " + e.getMessage(), e);
        }
    }

    /** Checks that a certificate with an extended key usage allows the side it is used on: TLS server or client. */
    static void usableAs(final X509Certificate certificate, final boolean server, final Path file)
    {
        final List<String> usages;
        try
        {
            usages = certificate.getExtendedKeyUsage();
        }
        catch (final CertificateParsingException e)
        {
            throw new IllegalArgumentException(file + ": its extended key usage cannot be read: " + e.getMessage(), e);
        }
        if (usages != null && !usages.contains(server ? SERVER_AUTH : CLIENT_AUTH) && !usages.contains(ANY_USAGE))
        {
            throw new IllegalArgumentException(file + " is not for a TLS " + (server ? "server (no serverAuth" : "client (no clientAuth") +
                " in its extended key usage)");
        }
    }
}
