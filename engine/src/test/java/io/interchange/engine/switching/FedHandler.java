package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;

import io.interchange.codec.MessageReader;
import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;

/**
 * A switch handler on its own, on the embedded defaults, fed events as the ring would: one slot, the test's clock
 * ({@link #now}) and sequence. What a test of the handler's decisions starts from.
 */
abstract class FedHandler
{
    static final int ACQUIRER_LINK = 17;
    static final int ISSUER_LINK = 34;

    final SwitchSetup setup = SwitchNode.setup(SwitchConfig.defaults(), Dialects.all());
    SwitchHandler handler = new SwitchHandler(setup);
    final SwitchEvent event = new SwitchEvent(8_192, 32_768, setup.dialects());
    final int iso87b = setup.dialects().indexOf(Dialects.byName("iso87b"));
    long now = Instant.parse("2026-11-26T10:00:00Z").getEpochSecond() * 1_000_000_000L;
    long sequence;
    int stan;

    /**
     * The handler from now on, under settings of the test's: the one it replaces let go first, since a handler holds
     * hundreds of megabytes of tables at the embedded defaults and two at once were near the tests' heap.
     */
    void use(final SwitchSetup with)
    {
        handler = null;
        handler = new SwitchHandler(with);
    }

    /**
     * The handler catches what it fails on so that the ring goes on, and logs it: a test whose answers look right can hide
     * one (a void of a kept sale once threw after its answer was written, leaving its batch uncounted).
     */
    @AfterEach
    void handlerNeverFailed()
    {
        assertEquals(0, handler.failures(), "the switch handler failed on an event: see the log");
    }

    /** An event without a message (link up or down, tick) at {@link #now}. */
    void link(final int type, final int link, final int endpoint)
    {
        event.reset(type, now, link, endpoint, -1);
        handler.onEvent(event, sequence++, true);
    }

    /** A message event at {@link #now}, in the ISO 8583:1987 binary dialect. */
    void message(final int type, final int link, final int endpoint, final int mti, final Map<Integer, String> fields)
    {
        SwitchMessages.fill(setup, event, type, now, link, endpoint, iso87b, mti, fields);
        handler.onEvent(event, sequence++, true);
    }

    /**
     * As {@link #message}, its slot saying it waited {@code waitMicros} between its link reading it and the switch
     * taking it up, as the ring's wait stamp says it.
     */
    void waited(final int waitMicros, final int type, final int link, final int endpoint, final int mti, final Map<Integer, String> fields)
    {
        SwitchMessages.fill(setup, event, type, now, link, endpoint, iso87b, mti, fields);
        event.waitMicros(waitMicros);
        handler.onEvent(event, sequence++, true);
    }

    MessageReader output(final int i)
    {
        return SwitchMessages.output(setup, event, i);
    }

    /** A tick at {@code time}; returns the 91s it sent {@link #ACQUIRER_LINK}. */
    int tick(final long time)
    {
        event.reset(EventType.TICK, time, -1, -1, -1);
        handler.onEvent(event, sequence++, true);
        int declined = 0;
        for (int i = 0; i < event.outputCount(); i++)
        {
            if (event.outputLinkId(i) == ACQUIRER_LINK && "91".equals(output(i).getString(39)))
            {
                declined++;
            }
        }
        return declined;
    }
}
