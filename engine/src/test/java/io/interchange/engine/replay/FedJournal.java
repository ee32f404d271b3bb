package io.interchange.engine.replay;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalWriter;

/**
 * A switch handler fed events by hand as the ring feeds it, on the test's clock ({@link #now}) and sequence, each
 * journaled as the ring journals it (by {@link #writer}, when there is one): what a test of the journal's replay and
 * recovery starts from.
 */
abstract class FedJournal
{
    final SwitchSetup setup = SwitchNode.setup(SwitchConfig.defaults(), Dialects.all());
    final int iso87b = setup.dialects().indexOf(Dialects.byName("iso87b"));
    SwitchEvent event = new SwitchEvent(8_192, 32_768, setup.dialects());
    long now = Instant.parse("2026-11-26T10:00:00Z").getEpochSecond() * 1_000_000_000L;
    long sequence;
    int stan;
    SwitchHandler handler;
    JournalWriter writer;

    /** A switch handler on {@code config} and {@code with}, and a writer on its journal, which it returns. */
    JournalConfig start(final SwitchConfig config, final SwitchSetup with)
    {
        final JournalConfig journal = SwitchNode.journalConfig(config);
        handler = SwitchNode.handler(config, with);
        writer = new JournalWriter(journal);
        return journal;
    }

    /** An event without a message (link up or down, tick) at {@link #now}. */
    void link(final int type, final int link, final int endpoint)
    {
        event.reset(type, now, link, endpoint, -1);
        handle();
    }

    /** A message event a millisecond after the last, in the ISO 8583:1987 binary dialect. */
    void message(final int type, final int link, final int endpoint, final int mti, final Map<Integer, String> fields)
    {
        now += 1_000_000L;
        SwitchMessages.fill(setup, event, type, now, link, endpoint, iso87b, mti, fields);
        handle();
    }

    /** As the ring does: the switch, then the journal, which leaves out quiet events. */
    void handle()
    {
        SwitchMessages.handle(handler, writer, event, sequence++);
    }

    /** The default issuers, issuer-a with the stand-in settings given, journaling into the test's folder. */
    static SwitchConfig issuerAStandIn(final String standIn, final Path dir)
    {
        return issuerAStandIn(standIn, "", dir);
    }

    /** As {@link #issuerAStandIn(String, Path)}, with {@code more} settings after the issuers. */
    static SwitchConfig issuerAStandIn(final String standIn, final String more, final Path dir)
    {
        return SwitchConfig.parse("""
            interchange.issuers = [
              { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 2,
                timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s },
                %s }
              { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = 9102 } ], connections = 2,
                timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 10s },
                stand-in { enabled = false, floor-limit = 0 } }
            ]
            %s
            """.formatted(standIn, more), "stand-in.conf").withJournalDir(dir.resolve("journal"));
    }
}
