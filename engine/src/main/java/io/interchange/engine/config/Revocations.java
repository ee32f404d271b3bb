package io.interchange.engine.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate revocation lists (X.509 CRLs, PEM or DER, several to a file) a link's peers are held to: a
 * certificate of the peer's chain that a list of its issuer names is refused, whatever its dates. Each list must be
 * signed by a CA of the link's trust file, so that only the CAs the switch trusts can revoke what they signed, and
 * nobody who can write a file can make the switch refuse a peer's good certificate unseen.
 *
 * <p>The file is read again when it changes (looked at on each handshake), so a CA's new list takes effect without a
 * restart: operators replace it as their CA publishes one. A file that no longer reads, or whose lists a trust CA did
 * not sign, leaves the lists before it in force and is logged, as a CA's list older than the one held, or left out,
 * does; a list past its next update is still used (the newest there is) and logged once, because refusing every peer
 * for an operator's late copy would stop the switch, and so it is at start-up; a file that does not read, or that a
 * trust CA did not sign, refuses the start ({@link #load}). A
 * handshake that resumes a session is held to the lists once done ({@link PeerTrust#refusal}), and such a link keeps
 * its sessions {@link TlsConfig#REVOKED_WITHIN_SECONDS} at most.
 *
 * <p>Thread safe: the trust manager runs on every I/O thread.
 */
final class Revocations
{
    private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
    // Lists past their next update already said at start-up: the configuration's check and each link's context load them.
    private static final Set<String> LATE = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final List<X509Certificate> issuers;
    private volatile Lists lists;

    private record Lists(Stamp stamp, List<X509CRL> crls)
    {
    }

    /**
     * What tells the file changed: its modification time alone does not, as it is kept to a clock tick (milliseconds or
     * coarser), and a file written over in place (truncated, then written) and read between the two has the time of the
     * whole file once written: read empty or cut short, the lists it then held were never read. Its size and identity
     * (a file put in place by a rename is another file) tell those apart.
     */
    private record Stamp(FileTime modified, long size, Object fileKey)
    {
        static Stamp of(final Path file) throws IOException
        {
            final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        }
    }

    private Revocations(final Path file, final List<X509Certificate> issuers, final Lists lists)
    {
        this.file = file;
        this.issuers = List.copyOf(issuers);
        this.lists = lists;
    }

    /**
     * The lists of {@code file}, each signed by one of {@code issuers} (the trust file's CAs); IllegalArgumentException
     * with the reason, naming the file, otherwise: for a start-up check. One past its next update at {@code now} is
     * taken and logged.
     */
    static Revocations load(final Path file, final List<X509Certificate> issuers, final Date now)
    {
        final Lists lists = read(file, issuers);
        for (final X509CRL crl : lists.crls)
        {
            // A list past its next update is still the newest there is, and refusing the start for it would turn an
            // operator's late copy into an outage at the next restart, a crash's too: it is used, and said once.
            if (crl.getNextUpdate() != null && now.after(crl.getNextUpdate()) &&
                LATE.add(file + " " + crl.getIssuerX500Principal() + " " + crl.getNextUpdate()))
            {
                LOG.warn("{}: the revocation list of {} was due to be replaced on {}; it is used until one is: fetch its CA's current list", file,
                    crl.getIssuerX500Principal(), crl.getNextUpdate().toInstant());
            }
        }
        return new Revocations(file, issuers, lists);
    }

    /**
     * Refuses a chain one of whose certificates a list revokes, or one of the trust file's CAs it leads up to: a CA of
     * the trust file that is not a root (an intermediate, there so that its own lists are taken) vouches for a chain that
     * stops below it, and a peer that leaves it out of the chain it shows is refused all the same once its CA has revoked
     * it. Reads the file again first when it has changed.
     */
    void check(final X509Certificate[] chain) throws CertificateException
    {
        final List<X509CRL> crls = current().crls;
        for (final X509Certificate certificate : chain)
        {
            refuseRevoked(certificate, crls, "the peer's certificate ");
        }
        X509Certificate top = chain[chain.length - 1];
        for (int step = 0; step < issuers.size() && !top.getIssuerX500Principal().equals(top.getSubjectX500Principal()); step++)
        {
            final X509Certificate issuer = issuerOf(top);
            if (issuer == null)
            {
                return;
            }
            refuseRevoked(issuer, crls, "the CA certificate, in the trust file, that vouches for the peer's, ");
            top = issuer;
        }
    }

    private void refuseRevoked(final X509Certificate certificate, final List<X509CRL> crls, final String what) throws CertificateException
    {
        for (final X509CRL crl : crls)
        {
            if (!crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal()))
            {
                continue;
            }
            final X509CRLEntry entry = crl.getRevokedCertificate(certificate);
            if (entry != null)
            {
                throw new CertificateException(what + certificate.getSubjectX500Principal() + " (serial " +
                    certificate.getSerialNumber().toString(16) + ") was revoked on " + entry.getRevocationDate().toInstant() + " by " +
                    crl.getIssuerX500Principal() + " (" + file + ")");
            }
        }
    }

    /** The trust file's CA that signed {@code certificate}, or null: by its name and its signature, as a CA re-keyed keeps its name. */
    private X509Certificate issuerOf(final X509Certificate certificate)
    {
        for (final X509Certificate issuer : issuers)
        {
            if (issuer.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()))
            {
                try
                {
                    certificate.verify(issuer.getPublicKey());
                    return issuer;
                }
                catch (final GeneralSecurityException e)
                {
                    // Another CA of the same name, or not its signature: try the next.
                }
            }
        }
        return null;
    }

    private Lists current()
    {
        final Lists held = lists;
        final Stamp stamp;
        try
        {
            stamp = Stamp.of(file);
        }
        catch (final IOException e)
        {
            return held;
        }
        if (stamp.equals(held.stamp))
        {
            return held;
        }
        synchronized (this)
        {
            if (stamp.equals(lists.stamp))
            {
                return lists;
            }
            Lists read;
            try
            {
                read = newerThanHeld(read(file, issuers), lists.crls);
                final Date now = new Date();
                for (final X509CRL crl : read.crls)
                {
                    if (crl.getNextUpdate() != null && now.after(crl.getNextUpdate()))
                    {
                        LOG.warn("{}: the revocation list of {} was due to be replaced on {}; it is used until one is", file,
                            crl.getIssuerX500Principal(), crl.getNextUpdate().toInstant());
                    }
                }
                LOG.info("{}: revocation lists read again ({} lists, {} certificates revoked)", file, read.crls.size(),
                    read.crls.stream().mapToInt(crl -> crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size()).sum());
            }
            catch (final IllegalArgumentException e)
            {
                // Once per change of the file: the lists before it stay in force.
                LOG.error("{} changed and is refused, the revocation lists read before stay in force: {}", file, e.getMessage());
                read = new Lists(stamp, lists.crls);
            }
            lists = read;
            return read;
        }
    }

    /**
     * The lists a file read again brings, held against those in force: a CA's list older than the one held (issued
     * before it) is not taken, nor is a CA's list left out, since either would un-revoke what the CA revoked since,
     * quietly: a file cut short that still parses, or an old copy put back. The list held stays, and the log says so.
     */
    private Lists newerThanHeld(final Lists read, final List<X509CRL> held)
    {
        final List<X509CRL> taken = new ArrayList<>(read.crls);
        for (final X509CRL before : held)
        {
            X509CRL after = null;
            for (final X509CRL crl : read.crls)
            {
                if (crl.getIssuerX500Principal().equals(before.getIssuerX500Principal()))
                {
                    after = crl;
                }
            }
            if (after == null)
            {
                LOG.warn("{} no longer holds the revocation list of {}: the one read before stays in force", file, before.getIssuerX500Principal());
                taken.add(before);
            }
            else if (after.getThisUpdate().before(before.getThisUpdate()))
            {
                LOG.warn("{}: the revocation list of {} issued {} is older than the one in force, issued {}, which stays", file,
                    after.getIssuerX500Principal(), after.getThisUpdate().toInstant(), before.getThisUpdate().toInstant());
                taken.remove(after);
                taken.add(before);
            }
        }
        return new Lists(read.stamp, List.copyOf(taken));
    }

    private static Lists read(final Path file, final List<X509Certificate> issuers)
    {
        final Stamp stamp;
        final List<X509CRL> crls = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file))
        {
            stamp = Stamp.of(file);
            for (final CRL crl : CertificateFactory.getInstance("X.509").generateCRLs(in))
            {
                crls.add((X509CRL)crl);
            }
        }
        catch (final IOException | CertificateException | CRLException e)
        {
            throw new IllegalArgumentException(file + " is not X.509 revocation lists: " + e.getMessage(), e);
        }
        if (crls.isEmpty())
        {
            throw new IllegalArgumentException(file + " holds no revocation list");
        }
        for (final X509CRL crl : crls)
        {
            if (!signedByOneOf(crl, issuers))
            {
                throw new IllegalArgumentException(file + ": the revocation list of " + crl.getIssuerX500Principal() +
                    " is not signed by a CA of the trust file");
            }
        }
        return new Lists(stamp, List.copyOf(crls));
    }

    private static boolean signedByOneOf(final X509CRL crl, final List<X509Certificate> issuers)
    {
        for (final X509Certificate issuer : issuers)
        {
            if (issuer.getSubjectX500Principal().equals(crl.getIssuerX500Principal()))
            {
                try
                {
                    crl.verify(issuer.getPublicKey());
                    return true;
                }
                catch (final GeneralSecurityException e)
                {
                    // Another CA of the same name, or not its signature: try the next.
                }
            }
        }
        return false;
    }
}
