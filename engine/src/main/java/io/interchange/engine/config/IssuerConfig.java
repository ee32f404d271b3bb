package io.interchange.engine.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An issuer host the switch routes to.
 *
 * @param id            unique among issuers; what {@link BinRange#issuer()} names.
 * @param institutionId the issuer's institution id (field 100), 1 to 11 digits.
 * @param links         the addresses to connect to, at least one.
 * @param connections   connections kept open to each address.
 * @param timeout       how long a request waits for its answer before 91 or stand-in, and a reversal.
 * @param echoInterval  an idle connection is probed with an 0800/301 echo this often.
 * @param missedEchoes  unanswered echoes in a row after which the connection is dropped and re-made.
 * @param maxInFlight   requests sent to the issuer and not yet answered, at most, or 0 for the default: three
 *                      quarters of {@link LimitsConfig#inFlight} (all of it for a switch of one issuer). Beyond it the
 *                      issuer is treated as down (stand-in or 91), so that an issuer that stops answering leaves the
 *                      others a quarter of the in-flight table, while a busy one still has most of it.
 * @param adviceWindow  advices (0420, 0220, 0120 and their repeats) sent to the issuer and not yet acknowledged, at
 *                      most; the rest wait in the store-and-forward queue, so an outage's backlog reaches the issuer
 *                      as a steady stream, not all at once on the first link to come back.
 * @param adviceShare   the issuer's share of {@link LimitsConfig#adviceQueue}: the advices it may be owed and the room
 *                      kept for the 0420s its requests in flight may owe, together, at most; or 0 for the default, an
 *                      even split of what the issuers with a share of their own leave. An issuer whose share is full has
 *                      its requests answered 91 unforwarded, so a share below {@link #maxInFlight} caps its requests in
 *                      flight; one issuer's outage fills its own share only.
 * @param matchRrn      its answers and acknowledgements are matched on their RRN (field 37) too, when they carry one:
 *                      true unless set, as ISO 8583 has an issuer echo it; false for a host that puts a reference of its
 *                      own there, whose every answer would otherwise be taken for another request's.
 * @param reconnect     how a lost connection retries.
 * @param standIn       whether the switch decides when the issuer does not answer.
 * @param pinKey        the zone PIN key shared with the issuer (double-length DES, upper-case hex), or null: PIN
 *                      blocks from terminals with working keys are translated to it (ISO 9564 format 0).
 * @param macKey        the MAC key shared with the issuer (upper-case hex), or null: with one, requests and advices to
 *                      the issuer carry a MAC in field 64 (128 after a secondary bitmap) and its answers must, or they
 *                      count as no answer (DESIGN.md §5).
 * @param macAlgorithm  that MAC: the retail MAC (a double-length DES key) or AES-CMAC (an AES key); null without a key.
 * @param tls           TLS on its links, or null for plain TCP.
 */
public record IssuerConfig(
    String id,
    String institutionId,
    List<LinkAddress> links,
    int connections,
    Duration timeout,
    Duration echoInterval,
    int missedEchoes,
    int maxInFlight,
    int adviceWindow,
    int adviceShare,
    boolean matchRrn,
    ReconnectConfig reconnect,
    StandInConfig standIn,
    String pinKey,
    String macKey,
    MacAlgorithm macAlgorithm,
    TlsConfig tls)
{
    /**
     * Enough for the advices of 100,000 TPS (a completion or a reversal in about one transaction of ten) to an issuer
     * answering in a few milliseconds; few enough that an issuer coming back from an outage is not flooded.
     */
    public static final int DEFAULT_ADVICE_WINDOW = 64;

    /** {@link #maxInFlight} when the file does not say: three quarters of the switch's in-flight table. */
    public static final int DEFAULT_SHARE = 0;

    /** {@link #adviceShare} when the file does not say: an even split of the queue the other issuers' shares leave. */
    public static final int EVEN_ADVICE_SHARE = 0;

    /**
     * Links (link addresses times connections) the switch handler keeps for one issuer (SwitchHandler's
     * MAX_LINKS_PER_ISSUER): one beyond is closed as it comes up, and reconnects for ever.
     */
    public static final int MAX_LINKS = 32;

    public IssuerConfig
    {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(institutionId, "institutionId");
        links = List.copyOf(links);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(echoInterval, "echoInterval");
        Objects.requireNonNull(reconnect, "reconnect");
        Objects.requireNonNull(standIn, "standIn");
    }

    /** The most requests the issuer may have unanswered at once, out of a table of {@code inFlight} shared by {@code issuers}. */
    public int maxInFlight(final int inFlight, final int issuers)
    {
        if (maxInFlight != DEFAULT_SHARE)
        {
            return maxInFlight;
        }
        return issuers <= 1 ? inFlight : inFlight - inFlight / 4;
    }

    /** This issuer with other link addresses, e.g. a simulator's bound port. */
    public IssuerConfig withLinks(final List<LinkAddress> links)
    {
        if (links.isEmpty())
        {
            throw new IllegalArgumentException("an issuer needs at least one link");
        }
        for (final LinkAddress link : links)
        {
            if (link.port() < 1 || link.port() > 65_535)
            {
                throw new IllegalArgumentException("link port must be 1..65535: " + link.port());
            }
        }
        return new IssuerConfig(id, institutionId, links, connections, timeout, echoInterval, missedEchoes, maxInFlight, adviceWindow, adviceShare,
            matchRrn, reconnect, standIn, pinKey, macKey, macAlgorithm, tls);
    }

    /** Keys are not for logs: the record's text shows only whether there is one. */
    @Override
    public String toString()
    {
        return "IssuerConfig[id=" + id + ", institutionId=" + institutionId + ", links=" + links + ", connections=" + connections +
            ", timeout=" + timeout + ", echoInterval=" + echoInterval + ", missedEchoes=" + missedEchoes + ", adviceWindow=" + adviceWindow +
            ", adviceShare=" + adviceShare + ", matchRrn=" + matchRrn + ", reconnect=" + reconnect + ", standIn=" + standIn +
            ", pinKey=" + (pinKey == null ? "none" : "<" + pinKey.length() / 2 + " bytes>") +
            ", macKey=" + (macKey == null ? "none" : "<" + macKey.length() / 2 + " bytes, " + macAlgorithm + ">") + ", tls=" + tls + "]";
    }
}
