package io.interchange.engine;

/**
 * What a running switch node shows over JMX, as {@code io.interchange:type=SwitchNode,node=ID,instance=N}: for an
 * operator's console and for bench/run-e2e's probe, which reads it at the two ends of a measured window.
 */
public interface SwitchNodeMXBean
{
    /**
     * Time in the switch ({@link io.interchange.engine.ring.TimeInSwitch}) since the previous call of this
     * operation, or since start: count, p50, p90, p99, p99.9 and max, nanoseconds.
     */
    long[] takeTimeInSwitch();

    /** Time in the switch since start: count, p50, p90, p99, p99.9 and max, nanoseconds. */
    long[] getTimeInSwitchSinceStart();

    /**
     * Connections the listeners closed at accept since start, each because its listener had its max-connections open:
     * a terminal stuck reconnecting, a host that leaves connections open, or a cap set too low for the acquirers.
     */
    long getConnectionsRefused();

    /** Connections the listeners closed at accept since start, each because it came from outside its listener's allow-list. */
    long getStrangersRefused();

    /**
     * Advices (0420, 0220, 0120) the switch owed an issuer and could not queue since start: that issuer never hears of the
     * reversal, stand-in or completion. 0 unless the switch recovered from a journal written with a larger
     * limits.advice-queue, or fewer issuers, than it runs with.
     */
    long getAdvicesLost();

    /**
     * Requests answered 91 since start, not forwarded, because their issuer's share of the advice queue had no room for
     * the 0420 they might owe: an issuer that leaves its advices unacknowledged or its requests unanswered.
     */
    long getAdviceShareRefusals();
}
