package io.interchange.engine.ring;

import java.util.function.Consumer;

import com.lmax.disruptor.EventHandler;

/**
 * Handler 3: appends each event to the journal; egress runs after it, so nothing leaves unjournaled. An event
 * the switch marked quiet (a tick that timed nothing out) is not journaled: it changed no state, so replay does
 * not need it, and an idle switch would otherwise write a hundred records a second.
 *
 * <p>A journal that fails (its disk full, its files gone) fails the node, once and for good: this event and every one
 * after it go unjournaled, and egress sends none of their outputs ({@link #failed}), for an answer the journal does not
 * hold would be an approval clearing never settles, a forward recovery never knows of. Nor does it try again: a
 * journal with a gap in it would replay into a switch other than the one that ran. The node is told
 * ({@code onFailure}), and stops, so that its acquirers and issuers go elsewhere rather than wait on it.
 */
final class JournalHandler implements EventHandler<SwitchEvent>
{
    private final EventJournal journal;
    private final Consumer<Throwable> onFailure;
    private volatile Throwable failure;

    /** @param onFailure told once, on the ring's thread, of the journal's first failure: it must not block. */
    JournalHandler(final EventJournal journal, final Consumer<Throwable> onFailure)
    {
        this.journal = journal;
        this.onFailure = onFailure;
    }

    @Override
    public void onEvent(final SwitchEvent event, final long sequence, final boolean endOfBatch)
    {
        if (failure != null)
        {
            return;
        }
        try
        {
            if (!event.isQuiet())
            {
                journal.append(event);
            }
            if (endOfBatch)
            {
                journal.endOfBatch();
            }
        }
        catch (final Throwable ex)
        {
            // An Error too: Chronicle's writes to a mapped file whose disk is full come back as InternalError.
            failure = ex;
            onFailure.accept(ex);
        }
    }

    /**
     * Whether the journal has failed: then egress sends nothing more. Read by egress after the journal stage has passed
     * the event it sends (the ring's sequences order the two), so an event whose record, or whose batch's sync, failed
     * is seen failed; so are events before it not yet sent, which is safe: journaled and unsent is what a crash leaves.
     */
    boolean failed()
    {
        return failure != null;
    }
}
