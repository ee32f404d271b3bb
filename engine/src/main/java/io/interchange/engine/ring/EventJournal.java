package io.interchange.engine.ring;

/** Where the journal handler appends each event; the node backs it with the Chronicle Queue journal. */
public interface EventJournal
{
    void append(SwitchEvent event);

    /** Called once per batch of events: the place for a sync when the durability policy asks for one. */
    void endOfBatch();
}
