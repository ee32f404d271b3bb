package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;

import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.ResponseWriter;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;

/**
 * Hostile or odd peers on the links, over 127.0.0.1 against a running switch: an issuer frame longer than a ring slot,
 * an issuer's field 54 longer than the terminal's dialect takes, an issuer answering its echo tests with garbage, a
 * terminal that never reads its answers, a link id that comes round while its first holder is still open, a UnionPay
 * POS terminal signing off by 0820, an issuer answering an 0100 with an 0210, one that answers no echo test but sends
 * its own, one that blocks writing answers while the switch's requests queue for it, and a terminal that half-closes
 * its socket once it has sent its requests.
 * DESIGN.md §2 and §5: the engine never stalls, loses or buffers without bound, and no link gets another's frames.
 */
class HostileLinkSystemTest
{
    private static final String CONFIG = """
        interchange {
          ring.threads = per-stage
          listeners = [
            { name = "pos-iso87", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2",
              acquirer-id = "10000001", allow = ["127.0.0.1/32"], idle-timeout = 180s, max-frame = 4096, mac = false }
            { name = "pos-cups", host = "127.0.0.1", port = 0, dialect = "cups", framing = "unionpay-pos",
              acquirer-id = "10000002", allow = ["127.0.0.1/32"], idle-timeout = 180s, max-frame = 4096, mac = false }
            { name = "host-half-close", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2",
              acquirer-id = "10000003", allow = ["127.0.0.1/32"], idle-timeout = 180s, max-frame = 4096, mac = false, half-close = true }
          ]
          issuers = [
            { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = 1,
              timeout = TIMEOUT, echo-interval = ECHO, missed-echoes = 2, reconnect { initial = 100ms, max = 1s },
              stand-in { enabled = false, floor-limit = 0 } }
            { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = 9102 } ], connections = 1,
              timeout = 3s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 1s },
              stand-in { enabled = false, floor-limit = 0 } }
          ]
        }
        """;

    /** TPDU 60 0003 0000, then the application header 60 31 00 31 07 01, before each UnionPay POS message. */
    private static final byte[] CUPS_HEADER = HexFormat.of().parseHex("6000030000" + "603100310701");

    private final CardBook bookA = CardBook.generate(31, List.of("476173"), 50);
    private final CardBook bookB = CardBook.generate(32, List.of("622848"), 50);
    private final Cardholders cardsA = new Cardholders(bookA);
    private IssuerSimulator issuerB;
    private SwitchNode node;

    @AfterEach
    void stop()
    {
        final long failures = node == null ? 0 : node.handlerFailures();
        if (node != null)
        {
            node.close();
        }
        if (issuerB != null)
        {
            issuerB.close();
        }
        assertEquals(0, failures, "the switch handler failed on an event: see the log");
    }

    private void start(final Path journal, final int portA, final String echo) throws Exception
    {
        start(journal, portA, "3s", echo);
    }

    private void start(final Path journal, final int portA, final String timeout, final String echo) throws Exception
    {
        issuerB = new IssuerSimulator(bookB, IssuerSimConfig.defaults()).start();
        node = SwitchNode.start(SwitchConfig.parse(CONFIG.replace("TIMEOUT", timeout).replace("ECHO", echo), "hostile.conf")
            .withIssuerPort("issuer-a", portA).withIssuerPort("issuer-b", issuerB.port()).withJournalDir(journal));
    }

    /**
     * An issuer answer of 5,000 bytes: within the issuer links' framing maximum (8,192), above the ring slot's frame
     * capacity (the listeners' max-frame, 4,096). The link is closed as for any frame too long (it reconnects), and the
     * switch still answers a terminal's sign-on: the ring never waits on a slot it could not fill.
     */
    @Test
    void anIssuerFrameLargerThanTheRingSlotMustNotStallTheSwitch(@TempDir final Path journal) throws Exception
    {
        try (RawIssuer issuer = new RawIssuer(RawIssuer.Mode.BIG_FRAME_AFTER_SIGN_ON))
        {
            start(journal, issuer.port(), "30s");
            Awaiting.until(Duration.ofSeconds(10), () -> issuer.bigFramesSent.get() == 1, "the big frame sent");
            try (TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
            {
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("001")).getString(39),
                    "the switch still serves after an issuer's 5,000-byte frame");
            }
        }
    }

    /**
     * An issuer approves a UnionPay POS terminal's sale with field 54 of two balance entries (40 characters: ISO
     * 8583:1987 allows 120, UnionPay POS 20). The terminal gets the approval with the first balance.
     */
    @Test
    void anIssuerApprovalWithALongField54MustReachAUnionPayTerminal(@TempDir final Path journal) throws Exception
    {
        try (RawIssuer issuer = new RawIssuer(RawIssuer.Mode.APPROVE_WITH_LONG_54))
        {
            start(journal, issuer.port(), "30s");
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            final byte[] header = CUPS_HEADER;
            try (TestTerminal pos = new TestTerminal(node.port("pos-cups"), UnionPayPos.DIALECT, header))
            {
                final Map<Integer, String> signOn = new java.util.HashMap<>();
                signOn.put(11, cardsA.nextStan());
                signOn.put(41, "TERM0001");
                signOn.put(42, "MERCHANT0000001");
                signOn.put(60, "00" + "000001" + "004");
                assertEquals("00", pos.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn).getString(39));
                final Map<Integer, String> sale = Cardholders.swiped(cardsA.purchase(cardsA.payer(1_000), 1_000));
                final MessageReader answer = pos.exchange(Mti.FINANCIAL_REQUEST, sale);
                assertEquals("00", answer.getString(39), "the issuer approved it");
                assertEquals("1002840C000000010000", answer.getString(54), "the first balance, whole: what UnionPay POS's 20 characters take");
            }
        }
    }

    /**
     * An issuer link that answers every echo with an unreadable frame. DESIGN.md §5: an unreadable answer is no
     * answer, and no sign of a working link: the echoes count unanswered and the link is closed (missed-echoes = 2, 1 s).
     */
    @Test
    void anIssuerThatAnswersEchoesWithGarbageMustBeTakenOutOfUse(@TempDir final Path journal) throws Exception
    {
        try (RawIssuer issuer = new RawIssuer(RawIssuer.Mode.GARBAGE_TO_ECHOES))
        {
            start(journal, issuer.port(), "1s");
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            Awaiting.until(Duration.ofSeconds(10), () -> issuer.garbageSent.get() >= 3, "three echoes answered with garbage");
            Awaiting.until(Duration.ofSeconds(15), () -> issuer.connections.get() >= 2,
                () -> "link never closed: " + issuer.garbageSent.get() + " echoes answered with garbage, signed-on links "
                    + node.signedOnLinks("issuer-a") + ", connections " + issuer.connections.get());
        }
    }

    /**
     * A terminal that sends echo tests (each with a 999-byte field 60, echoed back) and never reads its answers.
     * DESIGN.md §2: back-pressure, not unbounded queues. The switch stops reading it past 64 KB of unread answers
     * rather than holding tens of megabytes of them.
     */
    @Test
    void aPeerThatNeverReadsMustNotMakeTheSwitchBufferWithoutBound(@TempDir final Path journal) throws Exception
    {
        try (RawIssuer issuer = new RawIssuer(RawIssuer.Mode.APPROVE_WITH_LONG_54))
        {
            start(journal, issuer.port(), "30s");
            final long baseline = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
            final long limit = 8L << 20;
            final Map<Integer, String> echo = cardsA.network("301");
            echo.put(60, "X".repeat(999));
            final byte[] message = TestTerminal.encode(Iso87.BINARY, Mti.NETWORK_MANAGEMENT_REQUEST, echo);
            final byte[] frame = new byte[message.length + 2];
            frame[0] = (byte)(message.length >>> 8);
            frame[1] = (byte)message.length;
            System.arraycopy(message, 0, frame, 2, message.length);
            final int count = 64_000;
            final AtomicLong written = new AtomicLong();
            final AtomicBoolean ended = new AtomicBoolean();
            final Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.port("pos-iso87")));
            final Thread writer = new Thread(() ->
            {
                try
                {
                    final OutputStream out = socket.getOutputStream();
                    for (int i = 0; i < count; i++)
                    {
                        out.write(frame);
                        written.addAndGet(frame.length);
                    }
                    out.flush();
                }
                catch (final IOException closed)
                {
                    // the switch closed the link: acceptable
                }
                ended.set(true);
            }, "never-reads");
            writer.setDaemon(true);
            writer.start();
            // The peer's writes stop once the switch stops reading it (TCP's buffers fill): wait for that, or for all of
            // them sent, which a switch that went on reading would allow.
            final long[] last = {-1, System.nanoTime()};
            Awaiting.until(Duration.ofSeconds(90), () ->
            {
                final long now = System.nanoTime();
                if (written.get() != last[0])
                {
                    last[0] = written.get();
                    last[1] = now;
                    return ended.get();
                }
                return now - last[1] > java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
            }, "the peer's writes stopped or ended");
            final long backlog = pendingOutbound(node);
            final long grew = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - baseline;
            final long sent = written.get();
            socket.close();
            assertFalse(backlog > limit, "the switch has " + (backlog >> 20) + " MB of answers queued in Netty for a peer that read nothing"
                + " (pooled direct memory +" + (grew >> 20) + " MB; the peer has sent " + (sent >> 20) + " MB of echoes and is still sending: "
                + !ended.get() + ")");
        }
    }

    /**
     * Link ids are 27 bits of a connection counter (EgressLanes.newLinkId): after 134M connections they come round. Here
     * the counter is moved (by reflection) to just before issuer-a's link's number, as 134M connections later it would
     * be, eight times over: each new terminal lands on issuer-a's event loop about every other time, where it would take
     * issuer-a's id. issuer-a's link keeps its id and its frames, and a purchase still reaches issuer-a.
     */
    @Test
    void aLinkIdThatComesRoundIsNeverGivenToALinkStillOpen(@TempDir final Path journal) throws Exception
    {
        try (RawIssuer issuer = new RawIssuer(RawIssuer.Mode.APPROVE_WITH_LONG_54))
        {
            start(journal, issuer.port(), "30s");
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            final int issuerLink = linkWithRemotePort(node, issuer.port());
            final Object lanes = node.egress();
            final java.lang.reflect.Field nextField = lanes.getClass().getDeclaredField("nextLink");
            nextField.setAccessible(true);
            final AtomicInteger next = (AtomicInteger)nextField.get(lanes);
            for (int round = 0; round < 8; round++)
            {
                next.set(((issuerLink >>> 4) - 1) | 0x0800_0000);
                try (TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
                {
                    assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("001")).getString(39));
                    assertEquals(issuer.port(), linkWithLocalPeer(node, issuerLink), "round " + round + ": issuer-a's link id given to a terminal");
                }
            }
            try (TestTerminal payer = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
            {
                assertEquals("00", payer.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("001")).getString(39));
                assertEquals(issuer.port(), linkWithLocalPeer(node, issuerLink), "issuer-a's link lost its egress when a terminal closed");
                assertEquals("00", payer.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000)).getString(39));
            }
        }
    }

    /**
     * DESIGN.md §4: a UnionPay POS terminal signs off with 0820 and 60.3 = 002: 0830 00, and the terminal is signed off:
     * its next sale gets 91. It was answered 12 and left signed on. The link stays up: a NAC's link is shared by terminals
     * that have not signed off.
     */
    @Test
    void aUnionPaySignOffBy0820MustSignTheTerminalOff(@TempDir final Path journal) throws Exception
    {
        try (RawIssuer issuer = new RawIssuer(RawIssuer.Mode.APPROVE_WITH_LONG_54))
        {
            start(journal, issuer.port(), "3s", "1s");
            try (TestTerminal pos = new TestTerminal(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER))
            {
                final Map<Integer, String> signOn = new HashMap<>();
                signOn.put(11, cardsA.nextStan());
                signOn.put(41, "TERM0001");
                signOn.put(42, "MERCHANT0000001");
                signOn.put(60, "00" + "000001" + "004");
                assertEquals("00", pos.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn).getString(39), "signed on");

                final Map<Integer, String> signOff = new HashMap<>(signOn);
                signOff.put(11, cardsA.nextStan());
                signOff.put(60, "00" + "000001" + "002");
                final MessageReader answer = pos.exchange(Mti.NETWORK_MANAGEMENT_ADVICE, signOff);
                assertEquals(Mti.NETWORK_MANAGEMENT_ADVICE_RESPONSE, answer.mti());
                assertEquals("00", answer.getString(39), "UnionPay POS sign-off (0820, 60.3 = 002) refused");
                final Map<Integer, String> sale = Cardholders.swiped(cardsA.purchase(cardsA.payer(1_000), 1_000));
                assertEquals("91", pos.exchange(Mti.FINANCIAL_REQUEST, sale).getString(39), "TERM0001 signed off");
            }
        }
    }

    /**
     * On a listener with half-close = true, a terminal that writes its requests and then half-closes its socket
     * (shutdownOutput: a FIN, as some POS stacks and scripts send before they read) gets the answer to each, the
     * issuer's 300 ms later too, and then sees the link close, long before its idle time-out. The approval it got is
     * not reversed. Netty closed the link on the FIN, before even the switch's own answer to the sign-on was written:
     * both were lost, and the approval reversed. Elsewhere a FIN still closes the link at once (ClearingSystemTest:
     * an approval for a terminal that has gone is reversed at once).
     */
    @Test
    void aTerminalThatHalfClosesAfterItsRequestsMustGetEveryAnswerBeforeTheLinkCloses(@TempDir final Path journal) throws Exception
    {
        try (ScriptedIssuer issuer = new ScriptedIssuer())
        {
            issuer.approveAfter(Duration.ofMillis(300));
            start(journal, issuer.port(), "30s");
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = new TestTerminal(node.port("host-half-close"), Iso87.BINARY))
            {
                terminal.send(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("001"));
                terminal.send(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000));
                terminal.shutdownOutput();
                final MessageReader signedOn = terminal.receive();
                assertEquals(Mti.NETWORK_MANAGEMENT_RESPONSE, signedOn.mti());
                assertEquals("00", signedOn.getString(39));
                final MessageReader approved = terminal.receive();
                assertEquals(Mti.FINANCIAL_RESPONSE, approved.mti());
                assertEquals("00", approved.getString(39), "the issuer's approval, relayed after the terminal's FIN");
                assertTrue(terminal.closedBySwitch(Duration.ofSeconds(10)), "the link stayed open after its last answer (idle time-out 180 s)");
                assertEquals(0, node.advicesQueued(), "the approval the terminal got was reversed");
            }
        }
    }

    /**
     * An issuer answers a terminal's 0100 pre-authorization (a hold) with an 0210 (a financial answer: funds moved).
     * Matched on link and STAN alone, it was relayed as an 0110 approval: the terminal would hold funds the issuer took,
     * and its 0220 completion take them again. An answer of another message class is no answer: 91 and a reversal.
     */
    @Test
    void anIssuerAnswerOfAnotherMessageClassMustNotBeRelayedAsAnApproval(@TempDir final Path journal) throws Exception
    {
        try (RawIssuer issuer = new RawIssuer(RawIssuer.Mode.ANSWER_0100_WITH_0210))
        {
            start(journal, issuer.port(), "3s", "1s");
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            try (TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
            {
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("001")).getString(39));
                final MessageReader answer = terminal.exchange(Mti.AUTHORIZATION_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000));
                assertEquals(1, issuer.count(Mti.AUTHORIZATION_REQUEST), "the 0100 reached the issuer");
                assertEquals(Mti.AUTHORIZATION_RESPONSE, answer.mti());
                assertEquals("91", answer.getString(39), "an 0210 answering an 0100 was relayed to the terminal as its 0110");
            }
        }
    }

    /**
     * DESIGN.md §3/§4: an issuer link that leaves more than missed-echoes link tests unanswered is taken out of use and
     * closed. This issuer host answers the sign-on and from then on nothing, but its own heartbeat sends an 0800 echo
     * every 200 ms: each one reset the switch's count of unanswered echoes, so the dead link was never closed and kept
     * getting requests (here the lone link: every one timed out, 91 and a reversal).
     */
    @Test
    void anIssuerLinkThatAnswersNoEchoMustBeClosedEvenWhenItSendsEchoesOfItsOwn(@TempDir final Path journal) throws Exception
    {
        try (RawIssuer issuer = new RawIssuer(RawIssuer.Mode.DEAF_WITH_HEARTBEAT))
        {
            start(journal, issuer.port(), "3s", "1s");
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            // echo-interval = 1s, missed-echoes = 2: closed after about 3 s of unanswered echoes.
            Awaiting.until(Duration.ofSeconds(15), () -> issuer.connections.get() >= 2,
                () -> "the link was never closed: " + issuer.echoesUnanswered.get() + " echoes of the switch left unanswered, "
                    + "signed-on links " + node.signedOnLinks("issuer-a"));
        }
    }

    /**
     * An issuer host of the classic blocking kind (a thread per connection: read a request, write its answer; jPOS's
     * ISOServer with a listener that answers in place is one) falls a moment behind a burst: the switch's requests queue
     * past Netty's 64 KB high-water mark on the link. The issuer link's FrameHandler stopped reading the issuer's
     * answers until its requests drained: a rule for acquirers, whose requests make answers, that on an issuer link only
     * holds back what frees the in-flight table. The host, catching up, wrote answers the switch no longer read, its
     * write blocked, so it read no more requests, so the switch's stayed queued: a deadlock that lasted until the echoes
     * went unanswered and the link was closed, and every request in flight then got 91 and a reversal.
     */
    @Test
    void aBlockingIssuerThatFellBehindMustNotDeadlockTheIssuerLink(@TempDir final Path journal) throws Exception
    {
        final int count = Integer.getInteger("review.count", 4_000);
        // Each card at most 9 times: the frequency limit is 10 a card a minute.
        final Cardholders many = new Cardholders(CardBook.generate(73, List.of("476173"), count / 9 * 2 + 20));
        final List<CardAccount> cards = new ArrayList<>();
        for (int i = 0; i < count / 9 + 1; i++)
        {
            cards.add(many.payer(1_000));
        }
        try (RawIssuer issuer = new RawIssuer(RawIssuer.Mode.BLOCKING_AFTER_PAUSE))
        {
            // Time enough for everything: no time-out and no link test steps in while the host catches up.
            start(journal, issuer.port(), "120s", "120s");
            Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 1, "issuer-a signed on");
            // Loopback's 64 KB segments let the kernel autotune a send buffer of megabytes; over a WAN (1,460-byte segments)
            // it stays tens of KB. The issuer link's kernel buffer is set to a WAN's size so that a burst the host falls
            // behind on reaches Netty's queue as it would there, with a few thousand requests rather than tens of thousands.
            channelWithRemotePort(node, issuer.port()).config().setOption(ChannelOption.SO_SNDBUF, 8192);
            try (TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
            {
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, many.network("001")).getString(39));
                final AtomicInteger approved = new AtomicInteger();
                final AtomicInteger other = new AtomicInteger();
                final Thread reader = new Thread(() ->
                {
                    try
                    {
                        while (approved.get() + other.get() < count)
                        {
                            final byte[] answer = terminal.receiveRaw(Duration.ofSeconds(120));
                            if (answer == null)
                            {
                                return;
                            }
                            final MessageReader m = new MessageReader(Iso87.BINARY);
                            m.wrap(answer, 0, answer.length);
                            (m.has(39) && "00".equals(m.getString(39)) ? approved : other).incrementAndGet();
                        }
                    }
                    catch (final IOException ex)
                    {
                        // closed at the end
                    }
                }, "terminal-reader");
                reader.setDaemon(true);
                reader.start();
                for (int i = 0; i < count; i++)
                {
                    terminal.send(Mti.FINANCIAL_REQUEST, many.purchase(cards.get(i / 9), 100));
                }
                // The host is paused on its first request: the rest queue in the switch far beyond the high-water mark
                // (4,000 forwarded requests are about 470 KB), more than the host can work off before its answers,
                // which the switch no longer reads, fill the buffers between them (about 140 KB).
                Awaiting.until(Duration.ofSeconds(30), () -> pendingOutbound(node) > 380 * 1024,
                    () -> "requests queued for the issuer: " + pendingOutbound(node) + "; answered " + approved.get() + "/" + other.get()
                        + ", received by the host " + issuer.count(Mti.FINANCIAL_REQUEST) + ", in flight " + node.ring().remainingCapacity());
                issuer.resume.countDown();
                Awaiting.until(Duration.ofSeconds(30), () -> approved.get() == count,
                    () -> approved.get() + " of " + count + " approved, " + other.get() + " otherwise answered; the host answered "
                        + issuer.answered.get() + " and is blocked writing: " + issuer.blockedWriting.get()
                        + "; requests still queued in the switch for it: " + pendingOutbound(node) + " bytes");
            }
        }
    }

    private static Map<?, ?>[] laneMaps(final SwitchNode node) throws ReflectiveOperationException
    {
        final Object lanes = node.egress();
        final java.lang.reflect.Field lanesField = lanes.getClass().getDeclaredField("lanes");
        lanesField.setAccessible(true);
        final Object[] all = (Object[])lanesField.get(lanes);
        final Map<?, ?>[] maps = new Map<?, ?>[all.length];
        for (int i = 0; i < all.length; i++)
        {
            final java.lang.reflect.Field channelsField = all[i].getClass().getDeclaredField("channels");
            channelsField.setAccessible(true);
            maps[i] = (Map<?, ?>)channelsField.get(all[i]);
        }
        return maps;
    }

    private static Channel channelOf(final Object link) throws ReflectiveOperationException
    {
        final java.lang.reflect.Field channelField = link.getClass().getDeclaredField("channel");
        channelField.setAccessible(true);
        return (Channel)channelField.get(link);
    }

    /** The link id of the node's channel connected to {@code port} (an issuer link). */
    private static int linkWithRemotePort(final SwitchNode node, final int port) throws ReflectiveOperationException
    {
        for (final Map<?, ?> map : laneMaps(node))
        {
            for (final Map.Entry<?, ?> e : map.entrySet().toArray(new Map.Entry<?, ?>[0]))
            {
                if (((InetSocketAddress)channelOf(e.getValue()).remoteAddress()).getPort() == port)
                {
                    return (Integer)e.getKey();
                }
            }
        }
        throw new IllegalStateException("no link to port " + port);
    }

    /** The node's channel connected to {@code port} (an issuer link). */
    private static Channel channelWithRemotePort(final SwitchNode node, final int port) throws ReflectiveOperationException
    {
        final int link = linkWithRemotePort(node, port);
        return channelOf(laneMaps(node)[link & 15].get(link));
    }

    /** The remote port of the channel the egress now holds for {@code linkId}. */
    private static int linkWithLocalPeer(final SwitchNode node, final int linkId) throws ReflectiveOperationException
    {
        final Map<?, ?> map = laneMaps(node)[linkId & 15];
        final Object link = map.get(linkId);
        return link == null ? -1 : ((InetSocketAddress)channelOf(link).remoteAddress()).getPort();
    }

    /** Bytes queued in Netty's outbound buffers of every acquirer and issuer channel the node has open. */
    private static long pendingOutbound(final SwitchNode node)
    {
        try
        {
            long total = 0;
            for (final Map<?, ?> map : laneMaps(node))
            {
                for (final Object link : map.values().toArray())
                {
                    final ChannelOutboundBuffer buffer = channelOf(link).unsafe().outboundBuffer();
                    total += buffer == null ? 0 : buffer.totalPendingWriteBytes();
                }
            }
            return total;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return -1;
        }
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
            start(journal, issuer.port(), "3s", "60s");
            assertTrue(issuer.signedOff.await(10, TimeUnit.SECONDS), "the issuer's own sign-off was answered");
            try (TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY))
            {
                assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cardsA.network("001")).getString(39));
                final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, cardsA.purchase(cardsA.payer(1_000), 1_000));
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
            start(journal, issuer.port(), "3s", "1s");
            assertTrue(issuer.firstLinkClosed.await(20, TimeUnit.SECONDS), "the deaf issuer's link was never closed");
            assertEquals(2, issuer.echoesOnFirstLink.get(), "echo tests the switch sent a link that answered none before closing it (missed-echoes = 2)");
        }
    }

    /** An issuer host on 127.0.0.1, one connection at a time, scripted by {@link Mode}. */
    private static final class RawIssuer implements AutoCloseable
    {
        enum Mode
        {
            BIG_FRAME_AFTER_SIGN_ON, APPROVE_WITH_LONG_54, GARBAGE_TO_ECHOES, ANSWER_0100_WITH_0210,
            /** Answers the sign-on, then nothing, while it sends an echo test of its own every 200 ms. */
            DEAF_WITH_HEARTBEAT,
            /** Read a request, write its answer, a thread's way; paused on its first request until {@link #resume}. */
            BLOCKING_AFTER_PAUSE,
            /** Answers the switch's sign-on, then signs off (0800, 70 = 002); approves whatever financial request comes. */
            SIGN_OFF_AFTER_SIGN_ON,
            /** Answers the switch's sign-on, then nothing: counts the echo tests it gets on its first connection. */
            DEAF_AFTER_SIGN_ON
        }

        private final ServerSocket server;
        private final Mode mode;
        final AtomicInteger bigFramesSent = new AtomicInteger();
        final AtomicInteger garbageSent = new AtomicInteger();
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger echoesUnanswered = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();
        final AtomicBoolean blockedWriting = new AtomicBoolean();
        final ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
        final CountDownLatch resume = new CountDownLatch(1);
        final CountDownLatch signedOff = new CountDownLatch(1);
        final CountDownLatch firstLinkClosed = new CountDownLatch(1);
        final AtomicInteger echoesOnFirstLink = new AtomicInteger();

        RawIssuer(final Mode mode) throws IOException
        {
            this.mode = mode;
            server = new ServerSocket();
            if (mode == Mode.BLOCKING_AFTER_PAUSE)
            {
                server.setReceiveBufferSize(4096); // a host's ordinary buffers, not loopback's megabytes
            }
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            final Thread thread = new Thread(this::serve, "raw-issuer");
            thread.setDaemon(true);
            thread.start();
        }

        int port()
        {
            return server.getLocalPort();
        }

        /** Requests of this MTI the host has read (not its network management). */
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
                    final boolean first = connections.incrementAndGet() == 1;
                    if (mode == Mode.BLOCKING_AFTER_PAUSE)
                    {
                        socket.setSendBufferSize(4096);
                    }
                    final DataInputStream in = new DataInputStream(socket.getInputStream());
                    final OutputStream os = socket.getOutputStream();
                    boolean signedOn = false;
                    while (true)
                    {
                        final byte[] message = new byte[in.readUnsignedShort()];
                        in.readFully(message);
                        reader.wrap(message, 0, message.length);
                        final int mti = reader.mti();
                        final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
                        if (mti == Mti.NETWORK_MANAGEMENT_REQUEST)
                        {
                            if (mode == Mode.GARBAGE_TO_ECHOES && signedOn)
                            {
                                os.write(new byte[] {0x00, 0x04, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF});
                                os.flush();
                                garbageSent.incrementAndGet();
                                continue;
                            }
                            if (mode == Mode.DEAF_WITH_HEARTBEAT && signedOn)
                            {
                                echoesUnanswered.incrementAndGet();
                                continue;
                            }
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
                            if (mode == Mode.DEAF_WITH_HEARTBEAT && !signedOn)
                            {
                                final Thread heartbeat = new Thread(() -> heartbeat(socket, os), "raw-issuer-heartbeat");
                                heartbeat.setDaemon(true);
                                heartbeat.start();
                            }
                            signedOn = true;
                            if (mode == Mode.BIG_FRAME_AFTER_SIGN_ON && bigFramesSent.get() == 0)
                            {
                                final byte[] big = new byte[2 + 5_000];
                                big[0] = (byte)(5_000 >>> 8);
                                big[1] = (byte)5_000;
                                big[2] = 0x08; // an 0810 MTI, then zeros
                                big[3] = 0x10;
                                os.write(big);
                                os.flush();
                                bigFramesSent.incrementAndGet();
                            }
                            continue;
                        }
                        if (mti == Mti.NETWORK_MANAGEMENT_RESPONSE)
                        {
                            signedOff.countDown(); // the switch's answer to the host's sign-off
                            continue;
                        }
                        received.add(mti);
                        if (mode == Mode.SIGN_OFF_AFTER_SIGN_ON && mti == Mti.FINANCIAL_REQUEST)
                        {
                            IssuerFrames.send(os, out, financial.begin(reader, writer.wrap(out, 2)).putString(38, "AB1234").putString(39, "00").finish());
                        }
                        else if (mode == Mode.APPROVE_WITH_LONG_54 && mti == Mti.FINANCIAL_REQUEST)
                        {
                            final int length = financial.begin(reader, writer.wrap(out, 2)).putString(38, "AB1234").putString(39, "00")
                                .putString(54, "1002840C000000010000" + "1001840C000000012000").finish();
                            IssuerFrames.send(os, out, length);
                        }
                        else if ((mode == Mode.ANSWER_0100_WITH_0210 || mode == Mode.BLOCKING_AFTER_PAUSE) &&
                            (mti == Mti.FINANCIAL_REQUEST || mti == Mti.AUTHORIZATION_REQUEST))
                        {
                            final int length = financial.begin(reader, writer.wrap(out, 2)).putString(38, "AB1234").putString(39, "00").finish();
                            if (mode == Mode.ANSWER_0100_WITH_0210 && mti == Mti.AUTHORIZATION_REQUEST)
                            {
                                out.putByte(2, (byte)0x02); // 0110 -> 0210: the MTI is BCD, at the message's start
                            }
                            if (mode == Mode.BLOCKING_AFTER_PAUSE && resume.getCount() > 0)
                            {
                                resume.await(); // a moment behind: the GC, a slow database
                            }
                            blockedWriting.set(true);
                            IssuerFrames.send(os, out, length);
                            blockedWriting.set(false);
                            answered.incrementAndGet();
                        }
                    }
                }
                catch (final IOException | InterruptedException ex)
                {
                    // the switch closed the link, or the test closed the server
                }
                if (connections.get() == 1)
                {
                    firstLinkClosed.countDown();
                }
            }
        }

        /** The host's own link test: an 0800/301 every 200 ms, whatever it does with the switch's. */
        private static void heartbeat(final Socket socket, final OutputStream os)
        {
            final MessageWriter writer = new MessageWriter(Iso87.BINARY);
            int stan = 500_000;
            while (!socket.isClosed()) // closed by the host's thread once the switch closes the link
            {
                final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
                writer.wrap(out, 2).mti(Mti.NETWORK_MANAGEMENT_REQUEST);
                writer.putString(7, "0101000000");
                writer.putLong(11, ++stan);
                writer.putLong(70, 301);
                IssuerFrames.send(os, out, writer.finish());
                LockSupport.parkNanos(200_000_000L);
            }
        }

        @Override
        public void close() throws IOException
        {
            server.close();
        }
    }
}
