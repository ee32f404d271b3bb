package io.interchange.tools.system;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertList;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V2TBSCertListGenerator;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Test-only X.509, made as a test runs: a CA and certificates it signs (or self-signed ones), each written as the PEM
 * files the switch reads, a certificate and its unencrypted PKCS#8 key. Made here rather than kept in the repository,
 * so that a certificate can be as a case needs it (expired, for another name, RSA) and none of them ever expires under
 * a test. Bouncy Castle's ASN.1 (already on the class path) encodes the certificate; the JDK signs it.
 */
final class TestCertificates
{
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration SKEW = Duration.ofHours(1);

    private final Path dir;
    private final X500Name name;
    private final KeyPair keys;
    private final Path file;

    private TestCertificates(final Path dir, final X500Name name, final KeyPair keys, final Path file)
    {
        this.dir = dir;
        this.name = name;
        this.keys = keys;
        this.file = file;
    }

    /** The PEM files of a certificate and its key. */
    record Issued(Path certificateFile, Path keyFile)
    {
    }

    /** A new CA named {@code commonName}, its certificate in {@code dir}/{@code fileName}.pem. */
    static TestCertificates authority(final Path dir, final String fileName, final String commonName)
    {
        final KeyPair keys = keyPair("EC");
        final X500Name name = name(commonName);
        final ExtensionsGenerator extensions = caExtensions();
        final Instant now = Instant.now();
        final X509Certificate certificate = sign(name, name, keys.getPublic().getEncoded(), now.minus(SKEW), now.plus(Duration.ofDays(2)),
            extensions, keys.getPrivate());
        final Path file = dir.resolve(fileName + ".pem");
        write(file, pem("CERTIFICATE", encoded(certificate)));
        return new TestCertificates(dir, name, keys, file);
    }

    /** A CA this CA signs (an intermediate CA) named {@code commonName}, its certificate in {@code dir}/{@code fileName}.pem. */
    TestCertificates intermediate(final String fileName, final String commonName)
    {
        final KeyPair subKeys = keyPair("EC");
        final X500Name subject = name(commonName);
        final Instant now = Instant.now();
        final X509Certificate certificate = sign(name, subject, subKeys.getPublic().getEncoded(), now.minus(SKEW), now.plus(Duration.ofDays(2)),
            caExtensions(), keys.getPrivate());
        final Path subFile = dir.resolve(fileName + ".pem");
        write(subFile, pem("CERTIFICATE", encoded(certificate)));
        return new TestCertificates(dir, subject, subKeys, subFile);
    }

    private static ExtensionsGenerator caExtensions()
    {
        final ExtensionsGenerator extensions = new ExtensionsGenerator();
        try
        {
            extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return extensions;
    }

    /** The CA's certificate file: a trust file. */
    Path file()
    {
        return file;
    }

    /** A certificate this CA signs for {@code commonName}, written as {@code fileName}.pem and {@code fileName}-key.pem. */
    Leaf leaf(final String fileName, final String commonName)
    {
        return new Leaf(this, dir, fileName, commonName);
    }

    /** A self-signed certificate (no CA) for {@code commonName}, written as {@code fileName}.pem and {@code fileName}-key.pem. */
    static Leaf selfSigned(final Path dir, final String fileName, final String commonName)
    {
        return new Leaf(null, dir, fileName, commonName);
    }

    /**
     * A revocation list (X.509 CRL) this CA signs, naming {@code revoked} (their PEM files) as revoked an hour ago, due to
     * be replaced at {@code nextUpdate}: written to {@code file} as PEM, replacing what was there.
     */
    Path revocationList(final Path file, final Instant nextUpdate, final Path... revoked)
    {
        return revocationList(file, Instant.now().minus(SKEW), nextUpdate, revoked);
    }

    /** As {@link #revocationList(Path, Instant, Path...)}, issued at {@code thisUpdate}. */
    Path revocationList(final Path file, final Instant thisUpdate, final Instant nextUpdate, final Path... revoked)
    {
        final Instant now = Instant.now();
        final V2TBSCertListGenerator tbs = new V2TBSCertListGenerator();
        final AlgorithmIdentifier algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        tbs.setIssuer(name);
        tbs.setSignature(algorithm);
        tbs.setThisUpdate(new Time(Date.from(thisUpdate)));
        tbs.setNextUpdate(new Time(Date.from(nextUpdate)));
        for (final Path certificate : revoked)
        {
            tbs.addCRLEntry(new ASN1Integer(read(certificate).getSerialNumber()), new Time(Date.from(now.minus(SKEW))), CRLReason.keyCompromise);
        }
        final TBSCertList list = tbs.generateTBSCertList();
        try
        {
            final Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(keys.getPrivate());
            signature.update(list.getEncoded());
            final byte[] der = new DERSequence(new ASN1Encodable[] {list, algorithm, new DERBitString(signature.sign())}).getEncoded();
            write(file, pem("X509 CRL", der));
            return file;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate read(final Path certificate)
    {
        try
        {
            return (X509Certificate)CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certificate)));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException(e);
        }
    }

    /** A PEM file holding these certificates one after the other: a trust bundle. */
    static Path bundle(final Path file, final Path... certificates)
    {
        final StringBuilder text = new StringBuilder();
        for (final Path certificate : certificates)
        {
            try
            {
                text.append(Files.readString(certificate, StandardCharsets.US_ASCII));
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
        }
        write(file, text.toString());
        return file;
    }

    /** What a leaf certificate is to be; {@link #issue()} makes it. Valid from an hour ago for a day unless told. */
    static final class Leaf
    {
        private final TestCertificates authority;
        private final Path dir;
        private final String fileName;
        private final String commonName;
        private final List<GeneralName> alternativeNames = new ArrayList<>();
        private final List<KeyPurposeId> usages = new ArrayList<>();
        private Instant notBefore = Instant.now().minus(SKEW);
        private Instant notAfter = Instant.now().plus(Duration.ofDays(1));
        private String keyAlgorithm = "EC";

        private Leaf(final TestCertificates authority, final Path dir, final String fileName, final String commonName)
        {
            this.authority = authority;
            this.dir = dir;
            this.fileName = fileName;
            this.commonName = commonName;
        }

        Leaf ip(final String address)
        {
            alternativeNames.add(new GeneralName(GeneralName.iPAddress, address));
            return this;
        }

        Leaf serverAuth()
        {
            usages.add(KeyPurposeId.id_kp_serverAuth);
            return this;
        }

        Leaf clientAuth()
        {
            usages.add(KeyPurposeId.id_kp_clientAuth);
            return this;
        }

        Leaf valid(final Instant from, final Instant until)
        {
            notBefore = from;
            notAfter = until;
            return this;
        }

        /** "EC" (P-256, unless told) or "RSA" (2048 bits). */
        Leaf key(final String algorithm)
        {
            keyAlgorithm = algorithm;
            return this;
        }

        Issued issue()
        {
            final KeyPair keys = keyPair(keyAlgorithm);
            final ExtensionsGenerator extensions = new ExtensionsGenerator();
            try
            {
                extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                if (!usages.isEmpty())
                {
                    extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usages.toArray(KeyPurposeId[]::new)));
                }
                if (!alternativeNames.isEmpty())
                {
                    extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames.toArray(GeneralName[]::new)));
                }
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
            final X500Name subject = name(commonName);
            final X509Certificate certificate = authority == null
                ? sign(subject, subject, keys.getPublic().getEncoded(), notBefore, notAfter, extensions, keys.getPrivate())
                : sign(authority.name, subject, keys.getPublic().getEncoded(), notBefore, notAfter, extensions, authority.keys.getPrivate());
            final Path certificateFile = dir.resolve(fileName + ".pem");
            final Path keyFile = dir.resolve(fileName + "-key.pem");
            write(certificateFile, pem("CERTIFICATE", encoded(certificate)));
            write(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            return new Issued(certificateFile, keyFile);
        }
    }

    private static X509Certificate sign(
        final X500Name issuer, final X500Name subject, final byte[] publicKey, final Instant notBefore, final Instant notAfter,
        final ExtensionsGenerator extensions, final PrivateKey signer)
    {
        final boolean rsa = "RSA".equals(signer.getAlgorithm());
        final AlgorithmIdentifier algorithm = rsa
            ? new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE)
            : new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        final V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(new BigInteger(64, RANDOM)));
        tbs.setIssuer(issuer);
        tbs.setSubject(subject);
        tbs.setStartDate(new Time(Date.from(notBefore)));
        tbs.setEndDate(new Time(Date.from(notAfter)));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(publicKey));
        tbs.setSignature(algorithm);
        tbs.setExtensions(extensions.generate());
        final TBSCertificate certificate = tbs.generateTBSCertificate();
        try
        {
            final Signature signature = Signature.getInstance(rsa ? "SHA256withRSA" : "SHA256withECDSA");
            signature.initSign(signer);
            signature.update(certificate.getEncoded());
            final byte[] der = new DERSequence(new ASN1Encodable[] {certificate, algorithm, new DERBitString(signature.sign())}).getEncoded();
            return (X509Certificate)CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair(final String algorithm)
    {
        try
        {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if ("EC".equals(algorithm))
            {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            else
            {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException(e);
        }
    }

    private static X500Name name(final String commonName)
    {
        return new X500Name("O=Interchange tests,CN=" + commonName);
    }

    private static byte[] encoded(final X509Certificate certificate)
    {
        try
        {
            return certificate.getEncoded();
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void write(final Path file, final String text)
    {
        try
        {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
