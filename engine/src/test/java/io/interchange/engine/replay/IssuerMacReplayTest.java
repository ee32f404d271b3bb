package io.interchange.engine.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalWriter;

/**
 * An issuer that MACs gets the request with its track 2, PIN block and chip data, and the MAC covers them; the journal
 * keeps neither, so the replayed forward lacks them. Replay takes the forward's MAC from the journal, as it takes the
 * terminals' MAC verdicts, and the outputs compare byte for byte; the replay's own MAC over what is left would not.
 */
class IssuerMacReplayTest
{
    private static final int ACQUIRER_LINK = 7;
    private static final int ISSUER_LINK = 40;

    private long now = Instant.parse("2026-11-26T10:00:00Z").getEpochSecond() * 1_000_000_000L;
    private long sequence;
    private SwitchSetup setup;
    private int iso87b;
    private SwitchEvent event;
    private SwitchHandler handler;
    private JournalWriter writer;

    @Test
    void shouldReplayAForwardWithTrack2AndAPinBlockToAnIssuerThatMacsByteForByte(@TempDir final Path dir)
    {
        final SwitchConfig config = SwitchConfig.parse("""
            interchange.issuers = [
              { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 2,
                timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s },
                stand-in { enabled = false, floor-limit = 0 }, mac-key = "2315208C9110AD40C4E3B7A65D1F0829" }
              { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = 9102 } ], connections = 2,
                timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s },
                stand-in { enabled = false, floor-limit = 0 } }
            ]
            """, "mac-issuer.conf").withJournalDir(dir.resolve("journal"));
        setup = SwitchNode.setup(config, Dialects.all());
        iso87b = setup.dialects().indexOf(Dialects.byName("iso87b"));
        event = new SwitchEvent(8_192, 32_768, setup.dialects());
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, setup);
        try (JournalWriter journalWriter = new JournalWriter(journal))
        {
            writer = journalWriter;
            link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
            link(EventType.ISSUER_UP, ISSUER_LINK, 0);
            final MessageReader signOn = output(0);
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.NETWORK_MANAGEMENT_RESPONSE,
                Map.of(7, signOn.getString(7), 11, signOn.getString(11), 39, "00", 70, "001"));

            final String pan = SwitchMessages.card("476173", 1);
            final Map<Integer, String> purchase = SwitchMessages.request(pan, "000000", 2_500, now, 1);
            purchase.put(35, pan + "=30121010000012345");
            purchase.put(52, "0123456789ABCDEF");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
            assertEquals(ISSUER_LINK, event.outputLinkId(0), "forwarded to issuer-a");
            final MessageReader forward = output(0);
            assertTrue(forward.has(35) && forward.has(52) && forward.has(64), "with its track 2 and PIN block, MACed");
        }

        final JournalConfig replayed = new JournalConfig(dir.resolve("replay"), journal.durability(), journal.cutoff(), journal.zone(),
            journal.panEncryptionKey(), journal.panHashKey(), journal.dialects());
        final Replayer.Report report = Replayer.replay(SwitchNode.handler(config, setup), setup, journal, replayed);
        assertEquals(sequence, report.replayed());
        assertEquals(List.of(), Replayer.differences(journal, replayed, 10));
    }

    private void link(final int type, final int link, final int endpoint)
    {
        event.reset(type, now, link, endpoint, -1);
        handle();
    }

    private void message(final int type, final int link, final int endpoint, final int mti, final Map<Integer, String> fields)
    {
        now += 1_000_000L;
        SwitchMessages.fill(setup, event, type, now, link, endpoint, iso87b, mti, fields);
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
        return SwitchMessages.output(setup, event, i);
    }
}
