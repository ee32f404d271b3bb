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
}
