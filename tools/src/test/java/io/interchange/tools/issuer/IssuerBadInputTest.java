package io.interchange.tools.issuer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the issuer does with frames and messages that are not right (DESIGN.md §5), over a bare socket. */
class IssuerBadInputTest
{
    /** Where field 3 starts in a packed purchase: MTI 2, bitmap 8, field 2 as LL BCD of 16 digits (1 + 8). */
    private static final int FIELD_3_OFFSET = 2 + 8 + 1 + 8;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private IssuerSimulator issuer;
    private RawClient client;

    @BeforeEach
    void start() throws Exception
    {
        issuer = new IssuerSimulator(TestCards.book(), IssuerSimConfig.defaults().withClock(TestCards.clock()).withEvents(events::add)).start();
        client = new RawClient(issuer.port());
    }

    @AfterEach
    void stop() throws Exception
    {
        client.close();
        issuer.close();
    }

    @Test
    void shouldAnswer30ToFieldThatDoesNotDecodeAndEchoWhatCameBeforeIt() throws Exception
    {
        final byte[] purchase = Requests.pack(Requests.purchase(TestCards.ACTIVE, 100, 42));
        purchase[FIELD_3_OFFSET] = (byte)0xAB;
        client.send(purchase);

        final ISOMsg answer = client.receiveMessage();
        assertEquals("0210", answer.getMTI());
        assertEquals("30", answer.getString(39));
        assertEquals(TestCards.ACTIVE, answer.getString(2));
        assertFalse(answer.hasField(11), "fields after the fault are not read");
        assertEquals(TestCards.ACTIVE_BALANCE, issuer.account(TestCards.ACTIVE).orElseThrow().balance());

        // The connection goes on.
        client.send(Requests.network("301", 43));
        assertEquals("00", client.receiveMessage().getString(39));
    }

    @Test
    void shouldLogMalformedMessageByItsFieldsWithoutTheirValues() throws Exception
    {
        final byte[] purchase = Requests.pack(Requests.purchase(TestCards.ACTIVE, 100, 42));
        // The last byte is in field 52, after track 2: the message ends one byte short inside the PIN block. A message
        // that does not decode may hold track data where another field should be, so the line shows no value at all.
        final byte[] truncated = Arrays.copyOf(purchase, purchase.length - 1);
        client.send(truncated);
        assertEquals("30", client.receiveMessage().getString(39));
        issuer.close();

        final String log = String.join("\n", events);
        assertTrue(log.contains("answering 30 to iso87b 0200 2 3 4 "), log);
        assertTrue(log.contains("!TRUNCATED field=52"), log);
        assertFalse(log.contains("476173"), log);
        assertFalse(log.contains(TestCards.ACTIVE), log);
        assertFalse(log.contains(Requests.TRACK2_DISCRETIONARY), log);
        assertFalse(log.contains(Requests.PIN_BLOCK), log);
    }

    @Test
    void shouldCloseConnectionWhenTheMtiDoesNotRead() throws Exception
    {
        final byte[] purchase = Requests.pack(Requests.purchase(TestCards.ACTIVE, 100, 42));
        purchase[0] = (byte)0xF2;
        client.send(purchase);
        assertTrue(client.closedByPeer());
        issuer.close();
        assertEquals(1, issuer.counter(IssuerCounter.UNDECODABLE_FRAMES));
    }

    @Test
    void shouldCloseConnectionOnFrameLongerThanTheMaximumBeforeItArrives() throws Exception
    {
        client.sendRaw(new byte[] {(byte)0xFF, (byte)0xFF, 0x02, 0x00});
        assertTrue(client.closedByPeer());
    }

    @Test
    void shouldCloseConnectionOnFrameTooShortForAnMti() throws Exception
    {
        client.sendRaw(new byte[] {0x00, 0x01, 0x02});
        assertTrue(client.closedByPeer());
    }

    @Test
    void shouldAnswerFramesSplitAnywhereAndFramesThatArriveTogether() throws Exception
    {
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        final int count = 20;
        for (int i = 1; i <= count; i++)
        {
            stream.write(RawClient.frame(Requests.pack(Requests.purchase(TestCards.ACTIVE, 1, i))));
        }
        final byte[] bytes = stream.toByteArray();
        // The first half a byte at a time, the rest in one write.
        final int half = bytes.length / 2;
        for (int i = 0; i < half; i++)
        {
            client.sendRaw(new byte[] {bytes[i]});
        }
        client.sendRaw(Arrays.copyOfRange(bytes, half, bytes.length));

        for (int i = 1; i <= count; i++)
        {
            final ISOMsg answer = client.receiveMessage();
            assertEquals(i, Integer.parseInt(answer.getString(11)), "answers in request order without latency");
            assertEquals("00", answer.getString(39));
        }
        assertEquals(TestCards.ACTIVE_BALANCE - count, issuer.account(TestCards.ACTIVE).orElseThrow().balance());
    }
}
