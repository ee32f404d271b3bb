package io.interchange.engine.switching;

/** What the switch did with an event; journaled as its ordinal in the decision, so only ever append. */
public enum Outcome
{
    /** Nothing to do (a link or tick event with no output). */
    NOTHING,
    /** Answered by the switch itself: a decline, a format error, a network-management answer. */
    ANSWERED,
    /** Sent on to the issuer; the answer comes as a later event. */
    FORWARDED,
    /** The issuer's answer relayed to the acquirer. */
    RELAYED,
    /** The issuer did not answer in time: 91 to the acquirer. */
    TIMED_OUT,
    /** Approved by the switch for an issuer that could not be reached (stand-in). */
    STOOD_IN,
    /** An issuer answer that matched nothing in flight: late, or never asked for. */
    UNMATCHED,
    /** The input could not be parsed far enough to answer: the link is closed. */
    CLOSED,
    /** An exact retransmission: the original answer sent again (or nothing while the original is in flight). */
    RETRANSMITTED,
    /** An issuer acknowledged an advice (0430, 0230): it leaves the store-and-forward queue. */
    ACKNOWLEDGED,
    /** Advices (0420/0421, 0220/0221) sent to issuers on a tick. */
    ADVISED,
    /** A terminal's batch settled and closed (0500, or the 0320 that ends a batch upload): see {@link Decision}. */
    SETTLED,
    /** A UnionPay POS batch out of balance: the terminal is to upload it (0320) before it closes. See {@link Decision}. */
    UPLOAD_AWAITED,
    /** One transaction of a batch upload (0320) answered (0330). See {@link Decision#UPLOAD_UNMATCHED}. */
    UPLOADED,
    /**
     * A request from an acquirer (0100, 0200) that waited longer than limits.request-deadline between its link reading it
     * and the switch taking it up: answered 91 without asking its issuer, and forgotten, so that a repeat is new. A
     * decline for clearing; its record keeps the wait.
     */
    PAST_DEADLINE
}
