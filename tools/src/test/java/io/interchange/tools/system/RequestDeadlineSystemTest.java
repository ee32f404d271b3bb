package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.ClearingExceptionItem;
import io.interchange.engine.clearing.DayReader;
import io.interchange.engine.clearing.DayTransactions;
import io.interchange.engine.clearing.TransactionState;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.security.Hsm;
import io.interchange.engine.switching.Decision;
import io.interchange.engine.switching.Outcome;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.Cli;
import io.interchange.tools.issuer.CardBook;

/**
 * DESIGN.md §2, over real TCP with a real journal: a request that waited past its deadline is answered 91. The switch's
 * HSM stops answering (a network HSM that hangs) in the middle of a purchase's PIN block, so the ring thread stalls
 * there; the purchases that come behind it wait, some in the ring (16 slots here), the rest in their links for room in
 * it. Released once they have waited well past the deadline (200 ms here), each of them is answered 91 and none reaches
 * the issuer; the purchase the HSM held goes on (it was on time when the switch took it up), and so does the switch.
 *
 * <p>Each waiting purchase comes on a connection of its own, each signed on before the stall: every one is read as soon
 * as it comes, whether or not the ring has room for it, so all of them have waited by the release. (One connection's
 * requests beyond the ring's room would stay in the socket, unread, and be read fresh after the stall.) An event-loop
 * ring is not run here: a stall there stalls the links' reads too, so what waits is waiting in the kernel, unseen.
 */
class RequestDeadlineSystemTest
{
    private static final String SWITCH = """
        interchange {
          ring { size = 16, tick = 1s, threads = %s }
          listeners = [ %s ]
          issuers = [ %s ]
          bin-table = [ { low = "476173", high = "476173", issuer = "issuer-a" } ]
          limits.request-deadline = 200ms
        }
        """;
    private static final Duration DEADLINE = Duration.ofMillis(200);
    /** More than the ring holds: some wait in the ring, the rest in their links, refused a slot. */
    private static final int WAITING = 24;

    private final Cardholders cards = new Cardholders(CardBook.generate(31, List.of("476173"), 200));
    private final StallingHsm hsm = new StallingHsm();
    private final List<TestTerminal> terminals = new ArrayList<>();
    private SwitchNode node;

    @AfterEach
    void stop() throws IOException
    {
        hsm.release.countDown(); // a test that failed mid-stall must not leave the ring thread waiting
        for (final TestTerminal terminal : terminals)
        {
            terminal.close();
        }
        if (node != null)
        {
            node.close();
        }
    }

    @ParameterizedTest(name = "threads: {0}")
    @ValueSource(strings = {"per-stage", "one"})
    void shouldAnswer91ToRequestsThatWaitedBehindAStalledHsmAndForwardNoneOfThem(final String threads, @TempDir final Path dir) throws Exception
    {
        final SwitchConfig config;
        final Path configFile = dir.resolve("deadline.conf");
        final Map<String, String> late = new HashMap<>(); // STAN -> amount
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            issuer.approveAfter(Duration.ZERO);
            Files.writeString(configFile, SWITCH.formatted(threads, LoopbackConfig.posListener(0), LoopbackConfig.issuerA(issuer.port())) + FarCutoff.line());
            config = SwitchConfig.parse(Files.readString(configFile), "deadline.conf").withJournalDir(dir.resolve("journal"));
            node = SwitchNode.start(config, hsm::wrap);
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            for (int i = 0; i <= WAITING; i++)
            {
                final TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY);
                terminals.add(terminal);
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39), "sign-on " + i);
            }

            // The HSM hangs on the PIN block of the first purchase: the switch's ring thread is held inside it.
            hsm.armed = true;
            final Map<Integer, String> held = cards.purchase(cards.payer(1_000), 1_000);
            terminals.get(0).send(Mti.FINANCIAL_REQUEST, held);
            assertTrue(hsm.stalled.await(10, TimeUnit.SECONDS), "the switch asked its HSM");

            final long refusedBefore = node.ring().refusedCount();
            for (int i = 1; i <= WAITING; i++)
            {
                final Map<Integer, String> purchase = cards.purchase(cards.payer(2_000 + i), 2_000 + i);
                late.put(purchase.get(11), purchase.get(4));
                terminals.get(i).send(Mti.FINANCIAL_REQUEST, purchase);
            }
            final long sent = System.nanoTime();
            Awaiting.until(Duration.ofSeconds(10), () -> node.ring().refusedCount() > refusedBefore, "the ring full, a link refused a slot");
            // Each link reads its purchase as it comes (milliseconds); the release comes five deadlines after the last was sent.
            Awaiting.until(Duration.ofSeconds(10), () -> System.nanoTime() - sent > 5 * DEADLINE.toNanos(), "well past the deadline");
            hsm.release.countDown();

            for (int i = 1; i <= WAITING; i++)
            {
                final MessageReader answer = terminals.get(i).receive();
                assertEquals(Mti.FINANCIAL_RESPONSE, answer.mti());
                assertEquals("91", answer.getString(39), "purchase " + answer.getString(11) + ", behind the stall");
                assertTrue(late.containsKey(answer.getString(11)), answer.getString(11));
            }
            final MessageReader heldAnswer = terminals.get(0).receive();
            assertEquals(held.get(11), heldAnswer.getString(11));
            assertEquals("00", heldAnswer.getString(39), "on time when the switch took it up: forwarded once the HSM answered");

            // The switch goes on: a new purchase is approved by its issuer.
            final Map<Integer, String> after = cards.purchase(cards.payer(3_000), 3_000);
            assertEquals("00", terminals.get(0).exchange(Mti.FINANCIAL_REQUEST, after).getString(39));
            assertEquals(List.of(held.get(4), after.get(4)), issuer.amounts(), "the issuer got the held purchase and the one after, none of those that waited");
            assertEquals(WAITING, node.requestsPastDeadline());
        }
        finally
        {
            hsm.release.countDown();
            if (node != null)
            {
                node.close(); // the journal closed, for reading below
                node = null;
            }
        }

        // The journal has each decision, with how long it waited; replayed, it decides the same byte for byte.
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final Set<String> journaledLate = new HashSet<>();
        LocalDate day = null;
        try (JournalReader reader = new JournalReader(journal))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                if (record.eventType() != EventType.ACQUIRER_MESSAGE || Decision.outcome(record.buffer(), record.decisionOffset()) != Outcome.PAST_DEADLINE)
                {
                    continue;
                }
                final MessageReader request = new MessageReader(Iso87.BINARY);
                request.wrap(record.buffer(), record.messageOffset(JournalRecord.INPUT), record.messageLength(JournalRecord.INPUT));
                journaledLate.add(request.getString(11));
                assertEquals("91", Decision.responseCode(record.buffer(), record.decisionOffset()));
                assertTrue(record.waitMicros() > DEADLINE.toNanos() / 1_000, record.toString());
                assertEquals(1, record.outputCount(), "its answer only: " + record);
                day = record.businessDay();
            }
        }
        assertEquals(late.keySet(), journaledLate);
        // journal cat finds each record's messages behind its wait.
        final Cli.Result cat = Cli.run("journal", "cat", "--journal", dir.resolve("journal").toString(), "--config", configFile.toString());
        cat.expectSuccess();
        for (final Map.Entry<String, String> purchase : late.entrySet())
        {
            final String line = cat.out().lines().filter(l -> l.contains(" stan=" + purchase.getKey() + " ")).findFirst().orElseThrow();
            assertTrue(line.contains(" event=ACQUIRER_MESSAGE ") && line.contains(" mti=0200 out=0210 pan=476173******") &&
                line.contains(" amount=" + purchase.getValue() + " ") && line.endsWith(" rc=91 outcome=PAST_DEADLINE"), line);
        }

        Replays.replay(config, dir.resolve("replay"));
        assertEquals(List.of(), Replays.differences(config, dir.resolve("replay"), 10));

        // Clearing: declines, nothing owed to anyone, nothing for an operator.
        final DayReader.Day cleared = DayReader.read(config, day);
        final DayTransactions rows = cleared.transactions();
        int declined = 0;
        for (int row = 0; row < rows.size(); row++)
        {
            if (late.containsKey(rows.stan(row)))
            {
                assertEquals(TransactionState.DECLINED, rows.state(row));
                assertEquals("91", rows.responseCode(row));
                declined++;
            }
            else
            {
                assertEquals(TransactionState.APPROVED, rows.state(row));
            }
        }
        assertEquals(WAITING, declined);
        assertEquals(WAITING + 2, rows.size());
        assertEquals(List.of(), cleared.exceptions().stream().map(ClearingExceptionItem::kind).toList());
    }

    /**
     * The node's HSM as a network HSM's client would see it hang: once armed, the next command, whatever it is, waits
     * until released, then goes through.
     */
    private static final class StallingHsm
    {
        final CountDownLatch stalled = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean armed;

        Hsm wrap(final Hsm hsm)
        {
            return (Hsm)Proxy.newProxyInstance(Hsm.class.getClassLoader(), new Class<?>[] {Hsm.class}, (proxy, method, args) ->
            {
                if (armed && method.getDeclaringClass() == Hsm.class)
                {
                    armed = false;
                    stalled.countDown();
                    release.await();
                }
                try
                {
                    return method.invoke(hsm, args);
                }
                catch (final InvocationTargetException ex)
                {
                    throw ex.getCause();
                }
            });
        }
    }
}
