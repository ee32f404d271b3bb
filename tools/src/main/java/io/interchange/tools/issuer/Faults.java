package io.interchange.tools.issuer;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The share of answers that go wrong, and how. Each answer draws one number from the simulator's seeded random:
 * at most one fault hits it. A fault hits the answer, never the processing: the account moved as if the answer
 * had been sent, which is the case reversals exist for.
 *
 * @param noAnswer   the answer is dropped.
 * @param late       the answer is sent {@code lateBy} (plus the latency) after it was decided.
 * @param lateBy     how late a late answer is; make it longer than the switch's time-out.
 * @param disconnect the connection is closed instead of answering (answers already decided in the batch go first).
 * @param garbage    a frame of random bytes is sent instead of the answer: its length header is right, but its
 *                   first byte, 0xFF, is no BCD MTI, so the peer reads a frame it cannot decode.
 */
public record Faults(double noAnswer, double late, Duration lateBy, double disconnect, double garbage)
{
    /** No faults. */
    public static final Faults NONE = new Faults(0, 0, Duration.ofSeconds(30), 0, 0);

    /** What hits one answer. */
    enum Fault
    {
        NONE,
        NO_ANSWER,
        LATE,
        DISCONNECT,
        GARBAGE
    }

    public Faults
    {
        Objects.requireNonNull(lateBy, "lateBy");
        checkShare("no-answer", noAnswer);
        checkShare("late", late);
        checkShare("disconnect", disconnect);
        checkShare("garbage", garbage);
        if (noAnswer + late + disconnect + garbage > 1.0 + 1e-9)
        {
            throw new IllegalArgumentException("fault probabilities add up to " + (noAnswer + late + disconnect + garbage) + ", above 1");
        }
        if (lateBy.isNegative())
        {
            throw new IllegalArgumentException("late-by is negative: " + lateBy);
        }
    }

    private static void checkShare(final String name, final double p)
    {
        if (!(p >= 0.0 && p <= 1.0))
        {
            throw new IllegalArgumentException(name + " fault probability " + p + " is not between 0 and 1");
        }
    }

    public Faults withNoAnswer(final double p)
    {
        return new Faults(p, late, lateBy, disconnect, garbage);
    }

    public Faults withLate(final double p, final Duration by)
    {
        return new Faults(noAnswer, p, by, disconnect, garbage);
    }

    public Faults withDisconnect(final double p)
    {
        return new Faults(noAnswer, late, lateBy, p, garbage);
    }

    public Faults withGarbage(final double p)
    {
        return new Faults(noAnswer, late, lateBy, disconnect, p);
    }

    boolean any()
    {
        return noAnswer + late + disconnect + garbage > 0;
    }

    /** The fault for one answer. */
    Fault draw(final RandomGenerator random)
    {
        final double u = random.nextDouble();
        double edge = noAnswer;
        if (u < edge)
        {
            return Fault.NO_ANSWER;
        }
        edge += late;
        if (u < edge)
        {
            return Fault.LATE;
        }
        edge += disconnect;
        if (u < edge)
        {
            return Fault.DISCONNECT;
        }
        edge += garbage;
        return u < edge ? Fault.GARBAGE : Fault.NONE;
    }
}
