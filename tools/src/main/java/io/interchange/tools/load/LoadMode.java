package io.interchange.tools.load;

/** How the load generator decides when to send. */
public enum LoadMode
{
    /**
     * A window of requests in flight on each connection: a new one goes as soon as an answer comes. Finds the most
     * the switch can take; its latency is the latency at that throughput.
     */
    CLOSED,
    /**
     * A fixed rate, whatever the answers do. Latency is measured from when each request was due to be sent, not
     * when it went, so a stall of the switch (or of the generator) shows in full rather than being hidden by the
     * requests it held back (coordinated omission, Gil Tene).
     */
    OPEN
}
