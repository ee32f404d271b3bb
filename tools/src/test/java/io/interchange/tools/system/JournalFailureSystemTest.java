package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventJournal;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.issuer.CardBook;

/**
 * Nothing leaves unjournaled (DESIGN.md §2), even when the journal fails: over real TCP with a real Chronicle Queue,
 * the journal's disk fills up between two purchases. The second one reaches neither its issuer nor, answered, its
 * terminal; the switch stops (its links closed, its listener gone) so that acquirers go to another node rather than
 * wait on this one; and once the disk is fixed a node started on the same journal recovers and approves again. Before,
 * the failed append was logged and egress sent the answer all the same: approvals no journal held, which clearing
 * never settled and recovery never knew of.
 */
class JournalFailureSystemTest
{
    private final Cardholders cards = new Cardholders(CardBook.generate(37, List.of("476173"), 50));
    private final List<TestTerminal> terminals = new ArrayList<>();
    private final List<SwitchNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() throws IOException
    {
        for (final TestTerminal terminal : terminals)
        {
            terminal.close();
        }
        nodes.forEach(SwitchNode::close);
    }

    @ParameterizedTest(name = "threads: {0}")
    @ValueSource(strings = {"per-stage", "one", "event-loop"})
    void shouldAnswerNothingOnceTheJournalFailsAndStop(final String threads, @TempDir final Path dir) throws Exception
    {
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            issuer.approveAfter(Duration.ZERO);
            final Path configFile = dir.resolve("switch.conf");
            Files.writeString(configFile, LoopbackConfig.oneIssuer(threads, issuer.port()) + FarCutoff.line());
            final SwitchConfig config = SwitchConfig.parse(Files.readString(configFile), "switch.conf").withJournalDir(dir.resolve("journal"));
            final AtomicBoolean diskFull = new AtomicBoolean();
            final SwitchNode node = SwitchNode.startJournalingThrough(config, journal -> new FillingJournal(journal, diskFull));
            nodes.add(node);
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            final int port = node.port("pos-iso87");
            final TestTerminal terminal = new TestTerminal(port, Iso87.BINARY);
            terminals.add(terminal);
            assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39));
            final Map<Integer, String> first = cards.purchase(cards.payer(1_000), 1_000);
            assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, first).getString(39), "journaled, answered");

            diskFull.set(true);
            final Map<Integer, String> second = cards.purchase(cards.payer(2_000), 2_000);
            terminal.send(Mti.FINANCIAL_REQUEST, second);
            final Throwable cause = node.failed().get(10, TimeUnit.SECONDS);
            assertTrue(cause.getMessage().contains("No space left on device"), cause.toString());
            assertTrue(terminal.closedBySwitch(Duration.ofSeconds(10)), "the terminal's link closed, with no answer on it");
            assertEquals(List.of(first.get(4)), issuer.amounts(), "the issuer never got the purchase the journal could not hold");
            assertThrows(ConnectException.class, () -> new TestTerminal(port, Iso87.BINARY).close(), "the listener is gone");
            try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
            {
                int purchases = 0;
                while (reader.next())
                {
                    final JournalRecord record = reader.record();
                    purchases += record.eventType() == EventType.ACQUIRER_MESSAGE && record.hasInput() && record.outputCount() > 0 &&
                        record.linkId(JournalRecord.output(0)) != record.linkId() ? 1 : 0;
                }
                assertEquals(1, purchases, "the first purchase's forward journaled; nothing of the second");
            }

            // The disk fixed, a node on the same journal recovers and serves.
            final SwitchNode again = SwitchNode.start(config);
            nodes.add(again);
            Awaiting.until(Duration.ofSeconds(10), () -> again.signedOnLinks("issuer-a") == 1, "issuer-a signed on to the new node");
            final TestTerminal back = new TestTerminal(again.port("pos-iso87"), Iso87.BINARY);
            terminals.add(back);
            assertEquals("00", back.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39));
            final MessageReader third = back.exchange(Mti.FINANCIAL_REQUEST, cards.purchase(cards.payer(3_000), 3_000));
            assertEquals("00", third.getString(39));
        }
    }

    /** The node's journal, until the disk is full: then each append fails as a mapped file's write to a full disk does. */
    private static final class FillingJournal implements EventJournal
    {
        private final EventJournal journal;
        private final AtomicBoolean full;

        FillingJournal(final EventJournal journal, final AtomicBoolean full)
        {
            this.journal = journal;
            this.full = full;
        }

        @Override
        public void append(final SwitchEvent event)
        {
            if (full.get() && event.type() == EventType.ACQUIRER_MESSAGE)
            {
                throw new InternalError("a fault occurred in an unsafe memory access: No space left on device (expected by the test)");
            }
            journal.append(event);
        }

        @Override
        public void endOfBatch()
        {
            journal.endOfBatch();
        }
    }
}
