package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.issuer.CardBook;

/**
 * A switch stopped while its issuer works on a request answers it before it goes, over real TCP with a real journal:
 * it takes no new request, keeps its issuer link and its ticks until what it took is answered (or timed out, 91), and
 * its next start has nothing in flight. It closed its issuer links at once, and the terminal got silence for a purchase
 * its issuer approved, reversed only by the next start's time-out.
 */
class CleanStopSystemTest
{
    private final Cardholders cards = new Cardholders(CardBook.generate(41, List.of("476173"), 20));

    @ParameterizedTest(name = "threads: {0}")
    @ValueSource(strings = {"one", "event-loop"})
    void shouldAnswerWhatItTookBeforeItStops(final String threads, @TempDir final Path dir) throws Exception
    {
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            // Long enough that a stop right after the issuer has the request comes before its answer.
            issuer.approveAfter(Duration.ofMillis(700));
            final SwitchConfig config = SwitchConfig.parse(LoopbackConfig.oneIssuer(threads, issuer.port()) + FarCutoff.line(), "switch.conf")
                .withJournalDir(dir.resolve("journal"));
            final SwitchNode node = SwitchNode.start(config);
            try (TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
            {
                Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39));
                final Map<Integer, String> purchase = cards.purchase(cards.payer(1_500), 1_500);
                terminal.send(Mti.FINANCIAL_REQUEST, purchase);
                Awaiting.until(Duration.ofSeconds(10), () -> issuer.amounts().contains(purchase.get(4)), "the issuer has the purchase");

                node.close();
                final MessageReader answer = terminal.receive();
                assertEquals("0210 00 " + purchase.get(11), String.format("%04d", answer.mti()) + " " + answer.getString(39) + " " + answer.getString(11),
                    "the issuer's approval, relayed before the stop");
            }
            finally
            {
                node.close();
            }
            final SwitchNode again = SwitchNode.start(config);
            try
            {
                assertEquals(0, again.inFlight(), "nothing left in flight for the next start");
            }
            finally
            {
                again.close();
            }
        }
    }
}
