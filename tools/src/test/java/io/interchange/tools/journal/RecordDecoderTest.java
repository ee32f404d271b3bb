package io.interchange.tools.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalWriter;

/**
 * An advice from the store-and-forward queue rides on whatever event has outputs to spare: `journal cat`, filters,
 * stats and export show such a record by its own messages, not by the advice's (another terminal's transaction).
 */
class RecordDecoderTest
{
    private static final String PAN = "4761739001010119";
    private static final int ACQUIRER_LINK = 7;
    private static final int ISSUER_LINK = 40;

    private final SwitchSetup setup = SwitchNode.setup(SwitchConfig.defaults(), Dialects.all());
    private final int iso87b = setup.dialects().indexOf(Dialects.byName("iso87b"));
    private final SwitchEvent event = new SwitchEvent(8_192, 32_768, setup.dialects());
    private long now = Instant.parse("2026-11-26T10:00:00Z").getEpochSecond() * 1_000_000_000L;
    private long sequence;
    private SwitchHandler handler;
    private JournalWriter writer;

    @Test
    void shouldShowARecordByItsOwnMessagesNotByTheAdviceThatRodeOnIt(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        writer = new JournalWriter(journal);
        try
        {
            link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
            signOn();
            final Map<Integer, String> purchase = purchase();
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, Mti.FINANCIAL_REQUEST, purchase);
            final MessageReader forwarded = output(0);
            final Map<Integer, String> approval = new TreeMap<>();
            for (final int f : new int[] {2, 3, 4, 7, 11, 37, 41, 42, 49})
            {
                approval.put(f, forwarded.getString(f));
            }
            approval.put(38, "AB1234");
            approval.put(39, "00");
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, Mti.FINANCIAL_RESPONSE, approval);
            link(EventType.ISSUER_DOWN, ISSUER_LINK, 0);
            // The terminal voids it while issuer-a is down: the 0420 waits, and goes with issuer-a's sign-on answer.
            final Map<Integer, String> reversal = new TreeMap<>(purchase);
            reversal.put(11, "000003");
            reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, Mti.REVERSAL_REQUEST, reversal);
            assertEquals("00", output(0).getString(39));
            signOn();
            assertEquals(Mti.REVERSAL_ADVICE, output(0).mti(), "the 0420 rode on the sign-on answer");
        }
        finally
        {
            writer.close();
        }

        final RecordDecoder decoder = new RecordDecoder(config, setup.dialects());
        final List<RecordView> views = new ArrayList<>();
        try (JournalReader reader = new JournalReader(journal).toStart())
        {
            while (reader.next())
            {
                views.add(decoder.view(reader.record()));
            }
        }
        final RecordView signOnAnswer = views.get(views.size() - 1);
        assertEquals("ISSUER_MESSAGE", signOnAnswer.event());
        assertEquals("0810", signOnAnswer.mti());
        assertEquals(List.of("0420"), signOnAnswer.outputs(), "the advice is listed among the outputs");
        assertEquals("", signOnAnswer.pan(), "but its card is not the sign-on's");
        assertEquals("", signOnAnswer.terminal());
        assertEquals("00", signOnAnswer.responseCode(), "the sign-on answer's own 39, not the advice's");
        assertTrue(views.stream().anyMatch(v -> "0400".equals(v.mti()) && "TERM0001".equals(v.terminal())), "the void shows as the terminal's");
    }

    private Map<Integer, String> purchase()
    {
        final Map<Integer, String> m = new TreeMap<>();
        m.put(2, PAN);
        m.put(3, "000000");
        m.put(4, "000000001500");
        m.put(7, "1126100000");
        m.put(11, "000002");
        m.put(14, "3012");
        m.put(41, "TERM0001");
        m.put(42, "MERCHANT0000001");
        m.put(49, "840");
        return m;
    }

    private void signOn()
    {
        link(EventType.ISSUER_UP, ISSUER_LINK, 0);
        final MessageReader signOn = output(0);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, Mti.NETWORK_MANAGEMENT_RESPONSE,
            Map.of(7, signOn.getString(7), 11, signOn.getString(11), 39, "00", 70, "001"));
    }

    private void link(final int type, final int link, final int endpoint)
    {
        event.reset(type, now, link, endpoint, -1);
        handle();
    }

    private void message(final int type, final int link, final int mti, final Map<Integer, String> fields)
    {
        now += 1_000_000L;
        event.reset(type, now, link, 0, iso87b);
        final MessageWriter w = new MessageWriter(setup.dialects().get(iso87b)).wrap(event.frame(), 0).mti(mti);
        new TreeMap<>(fields).forEach(w::putString);
        event.frameLengths(0, w.finish());
        event.decode();
        assertEquals(DecodeError.NONE, event.decodeError());
        handle();
    }

    private void handle()
    {
        event.sequence(sequence);
        handler.onEvent(event, sequence++, true);
        if (!event.isQuiet())
        {
            writer.append(event);
        }
    }

    private MessageReader output(final int i)
    {
        final MessageReader reader = new MessageReader(setup.dialects().get(event.outputDialectId(i)));
        assertEquals(DecodeError.NONE, reader.wrap(event.outputBuffer(i), event.outputOffset(i), event.outputLength(i)));
        return reader;
    }
}
