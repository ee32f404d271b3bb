package io.interchange.bench.ring;

import java.util.List;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.ListenerConfig;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventJournal;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.SwitchHandler;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The ring's four stages on the calling thread, without the ring: for each event, fill a slot, decode it (the
 * decode handler's {@code wrap}), {@link SwitchHandler#onEvent}, the journal stage's append, and the egress
 * handler's sends, one after the other. Slots sized and counted as the node sizes them; RingPathBenchmark's traffic
 * ({@link Traffic}), one acquirer link and one issuer link of issuer-a, event time {@link Traffic#STEP_NANOS} an event.
 * Shared by RingPathInlineBenchmark and ClearingBench, which journals a day with it.
 */
final class InlinePath
{
    static final int ACQUIRER_LINK = 1;
    static final int ISSUER_LINK = 2;

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[512]);
    // A void's field 90 (n42): "0200", the purchase's STAN and field 7 (written per void), the institutions' zeros.
    private final UnsafeBuffer fieldNinety = new UnsafeBuffer(new byte[42]);
    private final MessageWriter writer = new MessageWriter(Iso87.BINARY);
    private final MessageReader sent = new MessageReader(Iso87.BINARY);
    // A purchase to void, read from its slot: the slots' readers index only the event in hand.
    private final MessageReader purchase = new MessageReader(Iso87.BINARY);
    private final Traffic traffic = new Traffic();
    private final SwitchHandler switchHandler;
    private final EventJournal stage;
    private final NullEgress egress = new NullEgress();
    private final SwitchEvent[] slots;
    private final int acquirerEndpoint;
    private final int acquirerDialect;
    private final int issuerEndpoint;
    private final int issuerDialect;
    private long now = Traffic.START_NANOS;
    private long sequence;

    InlinePath(final SwitchConfig config, final EventJournal stage)
    {
        final List<Dialect> dialects = Dialects.all();
        this.switchHandler = new SwitchHandler(SwitchNode.setup(config, dialects));
        this.stage = stage;
        int frameCapacity = 2_048;
        for (final ListenerConfig listener : config.listeners())
        {
            frameCapacity = Math.max(frameCapacity, listener.framing().maxFrameLength());
        }
        // Sharing their readers, as the node's slots do when one thread runs the four stages.
        final MessageReader[] readers = SwitchEvent.readersOf(dialects);
        slots = new SwitchEvent[config.ring().size()];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = new SwitchEvent(frameCapacity, 4 * frameCapacity, readers);
        }
        final ListenerConfig listener = config.listener("pos-iso87");
        acquirerEndpoint = config.listeners().indexOf(listener);
        acquirerDialect = dialects.indexOf(listener.dialect());
        issuerEndpoint = config.issuers().indexOf(config.issuer("issuer-a"));
        issuerDialect = dialects.indexOf(Iso87.BINARY);
        for (int i = 0; i < fieldNinety.capacity(); i++)
        {
            fieldNinety.putByte(i, (byte)(i < 4 ? "0200".charAt(i) : '0'));
        }
    }

    /** Both links up and signed on: the terminal's 0800 answered, the switch's 0800 to the issuer answered. */
    void signOn()
    {
        final MessageWriter messages = new MessageWriter(Iso87.BINARY);
        process(slot(EventType.ACQUIRER_UP, ACQUIRER_LINK, acquirerEndpoint, -1));
        messages.wrap(scratch, 0).mti(800).putString(7, "1126000000").putLong(11, 1).putString(41, Traffic.TERMINAL).putLong(70, 1);
        process(fill(slot(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, acquirerEndpoint, acquirerDialect), messages.finish()));
        process(slot(EventType.ISSUER_UP, ISSUER_LINK, issuerEndpoint, -1));
        messages.wrap(scratch, 0).mti(810).putString(7, "1126000000").putLong(11, 1).putString(39, "00").putLong(70, 1);
        process(fill(slot(EventType.ISSUER_MESSAGE, ISSUER_LINK, issuerEndpoint, issuerDialect), messages.finish()));
        if (switchHandler.signedOnLinks(issuerEndpoint) != 1)
        {
            throw new IllegalStateException("the issuer link did not sign on");
        }
    }

    /** The terminal's purchase number {@code k}. */
    void request(final long k)
    {
        final SwitchEvent event = slot(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, acquirerEndpoint, acquirerDialect);
        event.frameLengths(0, traffic.request(k, now, event.frame()));
        process(event);
    }

    /** The issuer's approval of purchase number {@code k}. */
    void answer(final long k)
    {
        final SwitchEvent event = slot(EventType.ISSUER_MESSAGE, ISSUER_LINK, issuerEndpoint, issuerDialect);
        event.frameLengths(0, traffic.answer(k, now, event.frame()));
        process(event);
    }

    /**
     * Purchase number {@code k} answered at once and then voided by its terminal: the 0200 and its forward, the
     * issuer's 0210 and its relay, the terminal's 0400 (its 0410, and the 0420 advice the issuer is owed, which goes
     * with it), and the issuer's 0430. Four events; every STAN and field 90 read from what the switch actually sent,
     * into buffers kept for the purpose, so nothing is allocated.
     */
    void purchaseVoided(final long k)
    {
        final SwitchEvent request = slot(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, acquirerEndpoint, acquirerDialect);
        request.frameLengths(0, traffic.request(k, now, request.frame()));
        process(request);
        stanOf(request, Mti.FINANCIAL_REQUEST); // leaves sent on the forward, which the approval answers
        // The purchase as the terminal sent it, for its void: this slot is not reused for another 2,047 events.
        purchase.wrap(request.frame(), request.headerLength(), request.messageLength());
        purchase.getText(11, fieldNinety, 4);
        purchase.getText(7, fieldNinety, 10);

        final SwitchEvent approval = slot(EventType.ISSUER_MESSAGE, ISSUER_LINK, issuerEndpoint, issuerDialect);
        approval.frameLengths(0, traffic.answer(k, now, approval.frame()));
        traffic.answerTo(approval.frame(), sent);
        process(approval);

        // The void: a new STAN of the terminal's (half the STAN range away from the purchases'), field 90 naming the
        // purchase by its MTI, STAN and field 7.
        final SwitchEvent reversal = slot(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, acquirerEndpoint, acquirerDialect);
        final MessageWriter w = writer.wrap(reversal.frame(), 0).mti(Mti.REVERSAL_REQUEST);
        w.copy(purchase, 2).copy(purchase, 3).copy(purchase, 4).copy(purchase, 7)
            .putLong(11, (Traffic.acquirerStan(k) + Traffic.STAN_MODULUS / 2) % Traffic.STAN_MODULUS + 1)
            .copy(purchase, 14).copy(purchase, 41).copy(purchase, 42).copy(purchase, 49)
            .putText(90, fieldNinety, 0, 42);
        reversal.frameLengths(0, w.finish());
        process(reversal);
        final int adviceStan = stanOf(reversal, Mti.REVERSAL_ADVICE);

        final SwitchEvent acknowledgement = slot(EventType.ISSUER_MESSAGE, ISSUER_LINK, issuerEndpoint, issuerDialect);
        acknowledgement.frameLengths(0, writer.wrap(acknowledgement.frame(), 0).mti(Mti.REVERSAL_ADVICE_RESPONSE)
            .putLong(11, adviceStan).putString(39, "00").finish());
        process(acknowledgement);
    }

    /** The STAN of the event's output with {@code mti}, as the switch sent it; fails when there is none. */
    private int stanOf(final SwitchEvent event, final int mti)
    {
        for (int i = 0; i < event.outputCount(); i++)
        {
            if (sent.wrap(event.output(), event.outputOffset(i), event.outputLength(i)) == DecodeError.NONE && sent.mti() == mti)
            {
                return (int)sent.getLong(11);
            }
        }
        throw new IllegalStateException("no " + mti + " among the event's " + event.outputCount() + " outputs");
    }

    /** The end of a batch, for the journal stage and the sink. */
    void endOfBatch()
    {
        egress.endOfBatch();
        stage.endOfBatch();
    }

    long sequence()
    {
        return sequence;
    }

    SwitchHandler switchHandler()
    {
        return switchHandler;
    }

    NullEgress egress()
    {
        return egress;
    }

    private SwitchEvent slot(final int type, final int link, final int endpoint, final int dialect)
    {
        final SwitchEvent event = slots[(int)(sequence & (slots.length - 1))];
        now += Traffic.STEP_NANOS;
        event.reset(type, now, link, endpoint, dialect);
        return event;
    }

    private SwitchEvent fill(final SwitchEvent event, final int length)
    {
        event.frame().putBytes(0, scratch, 0, length);
        event.frameLengths(0, length);
        return event;
    }

    /** The four handlers' work, in their order. */
    private void process(final SwitchEvent event)
    {
        // DecodeHandler: the slot's reader indexes the frame (a valid frame here, so its decode error stays NONE).
        event.decode();
        if (event.decodeError() != DecodeError.NONE)
        {
            throw new IllegalStateException("our own message does not decode: " + event.reader());
        }
        switchHandler.onEvent(event, sequence, false);
        stage.append(event);
        for (int i = 0, n = event.outputCount(); i < n; i++)
        {
            egress.send(event.outputLinkId(i), event.output(), event.outputHeaderOffset(i), event.outputHeaderLength(i) + event.outputLength(i),
                event.outputCloses(i));
        }
        sequence++;
    }
}
