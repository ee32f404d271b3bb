package io.interchange.engine.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.interchange.codec.Dialect;
import io.interchange.codec.frame.Framing;

/**
 * A port acquirers connect to.
 *
 * @param name        unique among listeners; names the acquirer link in logs, counters and the journal.
 * @param host        the address to bind, an IP address or host name.
 * @param port        the port to bind, 0 for any free one.
 * @param dialect     the ISO 8583 dialect its messages are in.
 * @param framing     how messages are cut from the stream; its {@link Framing#maxFrameLength()} is always
 *                    {@code maxFrame}, whatever framing is passed in.
 * @param acquirerId  the acquiring institution id (field 32) of requests arriving here, 1 to 11 digits.
 * @param allow       the addresses that may connect; anyone else is closed on accept.
 * @param idleTimeout a connection silent this long is closed.
 * @param maxFrame    the largest frame accepted, its fixed header included; a larger declared length closes the link.
 * @param mac         whether requests carry a MAC that must verify: on UnionPay POS each terminal's, made with the
 *                    working keys its sign-on gave it; on ISO 8583:1987 the acquirer host's, made with the keys its
 *                    last key change (0800/101) gave it under {@code masterKey}.
 * @param macAlgorithm the acquirer host's MAC (retail or AES-CMAC); null where the terminals hold keys of their own
 *                    (UnionPay POS, whose MAC is its own) or nothing MACs.
 * @param masterKey   the zone master key (ZMK) shared with the acquirer host as upper-case hex, under which a key change
 *                    sends its keys: double or triple length DES for the retail MAC, AES for CMAC; null where the
 *                    terminals hold master keys of their own (UnionPay POS) or nothing MACs.
 * @param tls         TLS on its connections, or null for plain TCP.
 * @param keyChangeGrace for an acquirer host ({@link #hostKeyed}): how long after a key change a request MACed with
 *                    the keys before it is still taken (its PIN block then translated from the zone PIN key before
 *                    it too). A host with several links cannot move them all to the new keys at the same instant,
 *                    and its requests already on the way need not be refused for it. Zero (the default) takes only
 *                    the new keys: a key change made because a key is suspect ends that key at once.
 * @param halfClose   whether a peer that shuts its side of the connection once it has sent (a FIN, then it reads) still
 *                    gets its answers, the link closing after the last. Off (the default), a FIN closes the link at
 *                    once and an approval that comes for it is reversed at once: a FIN cannot tell a half-close from
 *                    a peer gone for good, and only a listener whose acquirers half-close should take it for one.
 * @param maxConnections the most connections from allowed addresses open at once; one beyond is closed as it is
 *                    accepted, before anything is read from it, and counted. A terminal stuck reconnecting, or a host that
 *                    opens connections and never closes them, then cannot take the switch's file descriptors and memory.
 */
public record ListenerConfig(
    String name,
    String host,
    int port,
    Dialect dialect,
    Framing framing,
    String acquirerId,
    List<Cidr> allow,
    Duration idleTimeout,
    int maxFrame,
    boolean mac,
    MacAlgorithm macAlgorithm,
    String masterKey,
    TlsConfig tls,
    Duration keyChangeGrace,
    boolean halfClose,
    int maxConnections)
{
    /** What {@code key-change-grace} is when a listener does not say. */
    public static final Duration DEFAULT_KEY_CHANGE_GRACE = Duration.ZERO;
    /**
     * What {@code max-connections} is when a listener does not say: far more than a NAC or an acquirer host opens, and
     * hundreds of terminals on links of their own, while two listeners' worth stays within a 4,096-descriptor limit and
     * some tens of megabytes (a link holds up to 4 KB of unread frames, and under TLS an engine of a few tens of KB).
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 1_024;
    /** The most {@code max-connections} may be: a listener's share of a process's file descriptors, however many it may have. */
    public static final int MAX_MAX_CONNECTIONS = 65_536;

    public ListenerConfig
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(acquirerId, "acquirerId");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(keyChangeGrace, "keyChangeGrace");
        if (maxConnections < 1 || maxConnections > MAX_MAX_CONNECTIONS)
        {
            throw new IllegalArgumentException("maxConnections must be 1.." + MAX_MAX_CONNECTIONS + ": " + maxConnections);
        }
        allow = List.copyOf(allow);
        // One limit, not two that could disagree: the framing is what the link's decoder enforces.
        framing = new Framing(framing.lengthHeader(), framing.headerLength(), maxFrame);
    }

    /** Says whether {@code address} may connect. */
    public boolean allows(final InetAddress address)
    {
        for (final Cidr cidr : allow)
        {
            if (cidr.contains(address))
            {
                return true;
            }
        }
        return false;
    }

    /** This listener on another port (0 for any free one), as tests bind. */
    public ListenerConfig withPort(final int port)
    {
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        return new ListenerConfig(name, host, port, dialect, framing, acquirerId, allow, idleTimeout, maxFrame, mac, macAlgorithm, masterKey, tls,
            keyChangeGrace, halfClose, maxConnections);
    }

    /** Says whether the acquirer host, not each terminal, holds the MAC and PIN keys: MACs checked with a key change's keys. */
    public boolean hostKeyed()
    {
        return mac && masterKey != null;
    }

    /** Keys are not for logs: the record's text shows only whether there is one. */
    @Override
    public String toString()
    {
        return "ListenerConfig[name=" + name + ", host=" + host + ", port=" + port + ", dialect=" + dialect.name() + ", framing=" + framing +
            ", acquirerId=" + acquirerId + ", allow=" + allow + ", idleTimeout=" + idleTimeout + ", maxFrame=" + maxFrame + ", mac=" + mac +
            ", macAlgorithm=" + macAlgorithm + ", masterKey=" + (masterKey == null ? "none" : "<" + masterKey.length() / 2 + " bytes>") + ", tls=" + tls +
            ", keyChangeGrace=" + keyChangeGrace + ", halfClose=" + halfClose + ", maxConnections=" + maxConnections + "]";
    }
}
