package io.interchange.tools.load;

import java.util.Objects;

/**
 * What settling one terminal id's batch at the end of a load run came to ({@link LoadOptions#settle()}).
 *
 * @param sent          the batch the terminals counted, as the 0500 sent it.
 * @param responseCode  field 39 of the 0510, or null when none came (then {@code problem} says why).
 * @param switchFigures the switch's own figures, as a 95 gives them; null otherwise.
 * @param problem       what went wrong besides a 95 (no answer, an answer that does not match), or null.
 */
public record SettlementResult(TerminalBatch sent, String responseCode, TerminalBatch switchFigures, String problem)
{
    public SettlementResult
    {
        Objects.requireNonNull(sent, "sent");
    }

    /** The switch's totals for the id were the terminals' own: 0510 with 00. */
    public boolean balanced()
    {
        return "00".equals(responseCode) && problem == null;
    }
}
