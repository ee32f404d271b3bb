package io.interchange.engine.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The switch's own checks before a request is routed.
 *
 * @param maxAmount                        the largest amount of one transaction, in minor units (above: 61).
 * @param currencies                       ISO 4217 numeric currency codes accepted (field 49).
 * @param blockedMcc                       merchant categories where cards may not be used (57).
 * @param maxTransactionsPerCardPerMinute  requests per card per minute above which the answer is 65.
 * @param duplicateWindow                  how old a transmission date and time (field 7) may be before 94.
 * @param duplicateHistory                 the requests remembered for duplicates and reversals (about 0.8 KB each,
 *                                         allocated at start): at R requests a second they cover the last
 *                                         duplicateHistory / R seconds; a retransmission or reversal of an older
 *                                         request is not recognised but by its key ({@code duplicateKeys}).
 * @param duplicateKeys                    keys of requests the history has forgotten, kept beyond it (about 36 bytes
 *                                         each, in the history's key map, allocated at start): a request with one
 *                                         of them is answered 94, never forwarded again. 0 keeps none.
 * @param inFlight                         requests waiting for an issuer, at most; beyond it a request is answered
 *                                         91 rather than forwarded.
 * @param adviceQueue                      advices (reversals, stand-in notices, completions) waiting for an
 *                                         issuer's acknowledgement, at most, split evenly among the issuers without
 *                                         an {@link IssuerConfig#adviceShare} of their own once theirs are out: each
 *                                         request forwarded keeps room in its issuer's share for the 0420 it may owe,
 *                                         and is answered 91, not forwarded, when there is none.
 * @param cardsPerMinute                   distinct cards in a minute at the busiest: the per-card table of the current
 *                                         minute (the frequency limit, the merchant-hopping rule) is allocated for that
 *                                         many at start, 24 bytes a slot, the slots the power of two at or above
 *                                         cards / 0.6 (40 to 80 bytes a card). Beyond it the table grows on the ring
 *                                         thread, a pause while it rehashes, logged.
 * @param preAuthorizations                approved pre-authorizations kept beyond the duplicate history (about 100 bytes
 *                                         each, allocated at start), so that a completion (0220) names its hold in field
 *                                         90 as the issuer got it however late it comes, a reversal of it reaches the
 *                                         issuer (an 0420 naming it), and a UnionPay POS pre-authorization sent again
 *                                         while its terminal is in its batch gets its original answer (or 94) rather
 *                                         than a second hold; the oldest is let go when full. 0 keeps none.
 * @param posSales                         approved UnionPay POS sales, completions and refunds kept beyond the duplicate
 *                                         history (about 126 bytes each, allocated at start), so that a void of one
 *                                         however late in its batch is checked against it rather than answered 25, the
 *                                         sale or refund sent again while its batch is open gets its original answer (or
 *                                         94) rather than be forwarded and charged (credited) a second time, and its
 *                                         terminal's reversal is passed on to its issuer (an 0420 naming it) rather than
 *                                         answered 25; an approved void of a kept one is kept too (a slot of its own),
 *                                         for its reversal to undo it and the void sent again to get its original answer;
 *                                         the oldest is let go when full. 0 keeps none.
 * @param requestDeadline                  how long a request (0100, 0200) from an acquirer may wait between its link
 *                                         reading it and the switch taking it up (in the link while the ring is full, in
 *                                         the ring while the switch is stalled) and still be forwarded: beyond it its
 *                                         terminal has given up and will reverse it, so it is answered 91. At least 1 ms.
 */
public record LimitsConfig(
    long maxAmount,
    List<Integer> currencies,
    List<Integer> blockedMcc,
    int maxTransactionsPerCardPerMinute,
    Duration duplicateWindow,
    int duplicateHistory,
    int duplicateKeys,
    int inFlight,
    int adviceQueue,
    int cardsPerMinute,
    int preAuthorizations,
    int posSales,
    Duration requestDeadline)
{
    public LimitsConfig
    {
        currencies = List.copyOf(currencies);
        blockedMcc = List.copyOf(blockedMcc);
        Objects.requireNonNull(duplicateWindow, "duplicateWindow");
        Objects.requireNonNull(requestDeadline, "requestDeadline");
    }

    /** Keys of forgotten requests kept when the config does not say: 1,048,576 (24 MB). */
    public static final int DEFAULT_DUPLICATE_KEYS = 1 << 20;

    /** Pre-authorizations kept beyond the history when the config does not say: 262,144 (16 MB). */
    public static final int DEFAULT_PRE_AUTHORIZATIONS = 1 << 18;

    /** UnionPay POS sales kept beyond the history when the config does not say: 262,144 (16 MB). */
    public static final int DEFAULT_POS_SALES = 1 << 18;

    /** Cards a minute the per-card table holds without growing when the config does not say: 131,072 (6 MB). */
    public static final int DEFAULT_CARDS_PER_MINUTE = 1 << 17;
}
