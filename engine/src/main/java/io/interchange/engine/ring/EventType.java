package io.interchange.engine.ring;

/** What a ring slot holds. The int values are journaled: never renumber them. */
public final class EventType
{
    /** A frame from an acquirer link: a terminal's or acquirer host's request (or its answer to us). */
    public static final int ACQUIRER_MESSAGE = 1;
    /** A frame from an issuer link: an issuer's answer, or its network-management request. */
    public static final int ISSUER_MESSAGE = 2;
    /** Time passing: time-outs, store-and-forward repeats and echoes are driven only by these. */
    public static final int TICK = 3;
    /** An acquirer connection was accepted; {@link SwitchEvent#endpoint()} names its listener. */
    public static final int ACQUIRER_UP = 4;
    /** An acquirer connection closed. */
    public static final int ACQUIRER_DOWN = 5;
    /** An issuer connection was established; {@link SwitchEvent#endpoint()} names the issuer. */
    public static final int ISSUER_UP = 6;
    /** An issuer connection closed. */
    public static final int ISSUER_DOWN = 7;
    /** A frame that could not be cut out of the stream (bad length header): the link is being closed. */
    public static final int BAD_FRAME = 8;
    /**
     * The switch started on this journal, its recovery done: every link of the run before is gone, whether that run
     * stopped or was killed (a killed switch journals no DOWNs). The first event of each run, so that a replay of a
     * journal that spans restarts lets go of each run's links where the run ended, as the switch did.
     */
    public static final int NODE_START = 9;
    /**
     * An acquirer's peer has finished sending (a TCP half-close: its FIN) and waits for its answers: the switch closes
     * the link once it has answered every request the link brought, where Netty closed it on the FIN and lost them.
     */
    public static final int ACQUIRER_INPUT_CLOSED = 10;

    private EventType()
    {
    }

    public static String name(final int type)
    {
        return switch (type)
        {
            case ACQUIRER_MESSAGE -> "ACQUIRER_MESSAGE";
            case ISSUER_MESSAGE -> "ISSUER_MESSAGE";
            case TICK -> "TICK";
            case ACQUIRER_UP -> "ACQUIRER_UP";
            case ACQUIRER_DOWN -> "ACQUIRER_DOWN";
            case ISSUER_UP -> "ISSUER_UP";
            case ISSUER_DOWN -> "ISSUER_DOWN";
            case BAD_FRAME -> "BAD_FRAME";
            case NODE_START -> "NODE_START";
            case ACQUIRER_INPUT_CLOSED -> "ACQUIRER_INPUT_CLOSED";
            default -> "UNKNOWN(" + type + ")";
        };
    }
}
