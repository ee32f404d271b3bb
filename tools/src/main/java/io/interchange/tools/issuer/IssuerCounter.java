package io.interchange.tools.issuer;

/** What an {@link IssuerSimulator} counts besides its answers per response code; read with {@link IssuerSimulator#counter}. */
public enum IssuerCounter
{
    /** Connections accepted. */
    CONNECTIONS_OPENED,
    /** Connections ended, by either side. */
    CONNECTIONS_CLOSED,
    /** Frames cut from the stream by their length header. */
    FRAMES_RECEIVED,
    /** Answers written to a connection, late ones included; garbage frames are not answers. */
    ANSWERS_SENT,
    /** Responses (0110, 0810...) sent to the issuer, which answers none. */
    UNEXPECTED_RESPONSES,
    /** Advices (0120, 0220) and reversals already applied, acknowledged again without touching the account. */
    REPEATS_ACKNOWLEDGED,
    /** Times a connection stopped being read because its peer was not reading the answers. */
    READS_PAUSED,
    /** Connections closed because a frame's length header or MTI could not be read. */
    UNDECODABLE_FRAMES,
    /** Answers dropped by the no-answer fault. */
    FAULT_NO_ANSWER,
    /** Answers delayed by the late-answer fault. */
    FAULT_LATE,
    /** Connections closed by the disconnect fault. */
    FAULT_DISCONNECT,
    /** Answers replaced by garbage by the garbage fault. */
    FAULT_GARBAGE
}
