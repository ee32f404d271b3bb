package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.ResponseWriter;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.issuer.CardBook;

/**
 * Review of the links (engine/link and the switch handler's link state), over 127.0.0.1 against a running switch with
 * one issuer host played by a raw socket: an issuer that signs off, an issuer that stops answering echo tests, and a
 * terminal waiting for a slow answer on a listener whose idle time-out is shorter than the issuer's time-out.
 */
class LinkReviewTest
{
    private static final String CONFIG = """
        interchange {
          ring.threads = per-stage
          listeners = [
            { name = "pos-iso87", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2",
              acquirer-id = "10000001", allow = ["127.0.0.1/32"], idle-timeout = IDLE, max-frame = 4096, mac = false }
          ]
          issuers = [
            { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 1,
              timeout = TIMEOUT, echo-interval = ECHO, missed-echoes = 2, reconnect { initial = 100ms, max = 1s },
              stand-in { enabled = false, floor-limit = 0 } }
          ]
          bin-table = [ { low = "476173", high = "476173", issuer = "issuer-a" } ]
        }
        """;

    private final Cardholders cards = new Cardholders(CardBook.generate(41, List.of("476173"), 20));
    private SwitchNode node;

    @AfterEach
    void stop()
    {
        if (node != null)
        {
            node.close();
        }
    }

    private void start(final Path journal, final int issuerPort, final String idle, final String timeout, final String echo)
        throws InterruptedException
    {
        final String hocon = CONFIG.replace("IDLE", idle).replace("TIMEOUT", timeout).replace("ECHO", echo);
        node = SwitchNode.start(SwitchConfig.parse(hocon, "link-review.conf").withIssuerPort("issuer-a", issuerPort).withJournalDir(journal));
    }

    /**
     * DESIGN.md §4: 0800 with 70 = 002 is a sign-off, and the requirement is that financial messages go only over
     * signed-on links. An issuer host that signs off its link (for maintenance, say) is answered 0810 00, but the link
     * stayed signed on in the switch handler (SwitchHandler.onIssuerMessage answers any 0800 alike), so the next purchase
     * was sent to the issuer that had just signed off. Here that link is issuer-a's only one: the purchase must get 91
     * without reaching it.
     */
    @Test
    void anIssuerThatSignsOffMustBeSentNoMoreRequests(@TempDir final Path journal) throws Exception
    {
        try (RawIssuer issuer = new RawIssuer(RawIssuer.Mode.SIGN_OFF_AFTER_SIGN_ON))
        {
            start(journal, issuer.port(), "60s", "3s", "60s");
            assertTrue(issuer.signedOff.await(10, TimeUnit.SECONDS), "the issuer's own sign-off was answered");
            try (TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
            {
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39));
                final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, cards.purchase(cards.payer(1_000), 1_000));
                assertEquals(0, issuer.count(Mti.FINANCIAL_REQUEST), "a purchase was sent to an issuer link that had signed off");
                assertEquals("91", answer.getString(39), "a purchase approved over an issuer link that had signed off");
            }
        }
    }

    /**
     * IssuerConfig: missed-echoes is "unanswered echoes in a row after which the connection is dropped". With
     * missed-echoes = 2 and an issuer that answers its sign-on and then nothing, the link must be closed once two echo
     * tests have gone an interval each unanswered; SwitchHandler.testLinks closes only when more than missed-echoes are
     * unanswered, so it sends a third echo and keeps the dead link signed on (routing requests to it) one interval more.
     */
    @Test
    void anIssuerLinkMustBeClosedAfterMissedEchoesUnansweredNotOneMore(@TempDir final Path journal) throws Exception
    {
        try (RawIssuer issuer = new RawIssuer(RawIssuer.Mode.DEAF_AFTER_SIGN_ON))
        {
            start(journal, issuer.port(), "60s", "3s", "1s");
            assertTrue(issuer.firstLinkClosed.await(20, TimeUnit.SECONDS), "the deaf issuer's link was never closed");
            assertEquals(2, issuer.echoesOnFirstLink.get(), "echo tests the switch sent a link that answered none before closing it (missed-echoes = 2)");
        }
    }

    /**
     * A listener's idle time-out counts only what the terminal sends (IdleStateHandler's reader idle time): a terminal
     * that sent its purchase and waits for the answer sends nothing, so with an idle time-out (here 1 s, the least
     * ConfigReader takes) shorter than the issuer's time-out (5 s) the switch closes the link under it while the issuer
     * is deciding. The issuer's approval (2.5 s) then finds no link: the terminal never sees it, and the switch reverses
     * it as undeliverable. A link waiting for its answer is not idle.
     */
    @Test
    void aTerminalWaitingForItsAnswerMustNotBeClosedAsIdle(@TempDir final Path journal) throws Exception
    {
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            issuer.approveAfter(Duration.ofMillis(2_500));
            start(journal, issuer.port(), "1s", "5s", "60s");
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
            {
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39));
                terminal.send(Mti.FINANCIAL_REQUEST, cards.purchase(cards.payer(1_000), 1_000));
                final byte[] answer;
                try
                {
                    answer = terminal.receiveRaw(Duration.ofSeconds(10));
                }
                catch (final EOFException closed)
                {
                    throw new AssertionError("the switch closed the terminal's link as idle while its purchase was with the issuer", closed);
                }
                assertTrue(answer != null, "no answer within 10 s");
                final MessageReader reader = new MessageReader(Iso87.BINARY);
                reader.wrap(answer, 0, answer.length);
                assertEquals("00", reader.getString(39), "the issuer's approval");
            }
        }
    }

    /** An issuer host on 127.0.0.1, one connection at a time, scripted by {@link Mode}. */
    private static final class RawIssuer implements AutoCloseable
    {
        enum Mode
        {
            /** Answers the switch's sign-on, then signs off (0800, 70 = 002); approves whatever financial request comes. */
            SIGN_OFF_AFTER_SIGN_ON,
            /** Answers the switch's sign-on, then nothing: counts the echo tests it gets on its first connection. */
            DEAF_AFTER_SIGN_ON
        }

        private final ServerSocket server;
        private final Mode mode;
        private final ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
        final CountDownLatch signedOff = new CountDownLatch(1);
        final CountDownLatch firstLinkClosed = new CountDownLatch(1);
        final AtomicInteger echoesOnFirstLink = new AtomicInteger();
        private int connections;

        RawIssuer(final Mode mode) throws IOException
        {
            this.mode = mode;
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            final Thread thread = new Thread(this::serve, "link-review-issuer");
            thread.setDaemon(true);
            thread.start();
        }

        int port()
        {
            return server.getLocalPort();
        }

        long count(final int mti)
        {
            return received.stream().filter(m -> m == mti).count();
        }

        private void serve()
        {
            final MessageReader reader = new MessageReader(Iso87.BINARY);
            final MessageWriter writer = new MessageWriter(Iso87.BINARY);
            final ResponseWriter network = new ResponseWriter(7, 11, 70);
            final ResponseWriter financial = new ResponseWriter(ResponseWriter.FINANCIAL_ECHO);
            while (!server.isClosed())
            {
                try (Socket socket = server.accept())
                {
                    connections++;
                    final boolean first = connections == 1;
                    final DataInputStream in = new DataInputStream(socket.getInputStream());
                    final OutputStream os = socket.getOutputStream();
                    boolean signedOn = false;
                    try
                    {
                        while (true)
                        {
                            final byte[] message = new byte[in.readUnsignedShort()];
                            in.readFully(message);
                            reader.wrap(message, 0, message.length);
                            final int mti = reader.mti();
                            final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
                            if (mti == Mti.NETWORK_MANAGEMENT_REQUEST)
                            {
                                if (mode == Mode.DEAF_AFTER_SIGN_ON && signedOn)
                                {
                                    if (first && reader.getLong(70) == 301)
                                    {
                                        echoesOnFirstLink.incrementAndGet();
                                    }
                                    continue;
                                }
                                IssuerFrames.send(os, out, network.respond(reader, writer.wrap(out, 2), "00"));
                                if (mode == Mode.SIGN_OFF_AFTER_SIGN_ON && !signedOn)
                                {
                                    writer.wrap(out, 2).mti(Mti.NETWORK_MANAGEMENT_REQUEST);
                                    writer.putString(7, "0101000000");
                                    writer.putLong(11, 900_001);
                                    writer.putLong(70, 2);
                                    IssuerFrames.send(os, out, writer.finish());
                                }
                                signedOn = true;
                                continue;
                            }
                            if (mti == Mti.NETWORK_MANAGEMENT_RESPONSE)
                            {
                                signedOff.countDown(); // the switch's answer to the sign-off
                                continue;
                            }
                            received.add(mti);
                            if (mti == Mti.FINANCIAL_REQUEST)
                            {
                                final int length = financial.begin(reader, writer.wrap(out, 2)).putString(38, "AB1234").putString(39, "00").finish();
                                IssuerFrames.send(os, out, length);
                            }
                        }
                    }
                    catch (final IOException closed)
                    {
                        if (first)
                        {
                            firstLinkClosed.countDown();
                        }
                    }
                }
                catch (final IOException ex)
                {
                    // the test closed the server
                }
            }
        }

        @Override
        public void close() throws IOException
        {
            server.close();
        }
    }
}
