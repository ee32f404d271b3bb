package io.interchange.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

import javax.management.JMException;
import javax.management.ObjectName;
import javax.net.ssl.SSLException;

import com.sun.management.UnixOperatingSystemMXBean;

import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.OffsetEpochNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslContext;

import io.interchange.codec.Dialect;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.config.BinRange;
import io.interchange.engine.config.CardOrigin;
import io.interchange.engine.config.ConfigError;
import io.interchange.engine.config.IssuerConfig;
import io.interchange.engine.config.LinkAddress;
import io.interchange.engine.config.ListenerConfig;
import io.interchange.engine.config.MacAlgorithm;
import io.interchange.engine.config.MerchantConfig;
import io.interchange.engine.config.Status;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.config.TerminalConfig;
import io.interchange.engine.config.TlsConfig;
import io.interchange.engine.link.AcquirerServer;
import io.interchange.engine.link.EgressLanes;
import io.interchange.engine.link.IssuerConnection;
import io.interchange.engine.link.Transport;
import io.interchange.engine.replay.Replayer;
import io.interchange.engine.security.Hsm;
import io.interchange.engine.security.KeyLoader;
import io.interchange.engine.security.KeySlots;
import io.interchange.engine.security.KeyType;
import io.interchange.engine.security.SoftwareHsm;
import io.interchange.engine.ring.EventJournal;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.Ring;
import io.interchange.engine.ring.TimeInSwitch;
import io.interchange.engine.switching.BinTable;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalDamagedException;
import io.interchange.journal.JournalWriter;

/**
 * One switch node (DESIGN.md §10): one ring, one journal, one writer. Starts the journal, the ring and its
 * handlers, the acquirer listeners, the issuer connections and the ticker from a {@link SwitchConfig}; stops
 * them in the reverse order, the ring draining so that every published event is journaled.
 */
public final class SwitchNode implements AutoCloseable, SwitchNodeMXBean
{
    private static final Logger LOG = LoggerFactory.getLogger(SwitchNode.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final int LANE_CAPACITY = 1 << 22;
    private static final int IN_FLIGHT_MAX_FRAME = 1_024;

    private final SwitchConfig config;
    private final List<Dialect> dialects = Dialects.all();
    // System.nanoTime from an epoch offset it re-samples now and then: the JDK's epoch clock builds an Instant on
    // every read, an allocation on each frame a link receives.
    private final EpochNanoClock clock = new OffsetEpochNanoClock();
    private final JournalWriter journal;
    private final SwitchHandler switchHandler;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EgressLanes lanes;
    private final Ring ring;
    private final List<AcquirerServer> servers = new ArrayList<>();
    private final List<IssuerConnection> issuerConnections = new ArrayList<>();
    private final ScheduledExecutorService ticker;
    private final ObjectName mbeanName;
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
    private boolean closed;

    private SwitchNode(final SwitchConfig config, final UnaryOperator<Hsm> hsm, final UnaryOperator<EventJournal> journaling)
        throws InterruptedException
    {
        this.config = config;
        journal = new JournalWriter(journalConfig(config));
        final SwitchSetup setup = setup(config, dialects);
        switchHandler = handler(config, setup, hsm);
        // The working keys terminals got at sign-on come back too: the journaled answers carry them under the terminals'
        // master keys, so terminals that signed on before the stop go on with the keys they hold.
        final long recoveryStart = System.nanoTime();
        final Replayer.Report recovered;
        try
        {
            recovered = Replayer.recover(switchHandler, setup, journalConfig(config));
        }
        catch (final JournalDamagedException ex)
        {
            // Started on what it read, the switch would answer retransmissions anew, forget advices it owes, and append its
            // NODE_START after the damage, where no reader gets to it: it does not start, and writes nothing.
            journal.close();
            LOG.error("switch node {} does not start: {}; restore the journal from a copy, or move the damaged file aside, before starting it again",
                config.nodeId(), ex.getMessage());
            throw ex;
        }
        catch (final RuntimeException | Error ex)
        {
            journal.close();
            throw ex;
        }
        final String mismatch = switchHandler.endpointOrderMismatch();
        if (mismatch != null)
        {
            // Its records name issuers and listeners by their place in the config: started, it would send one issuer's
            // reversals and advices to another. It does not start, and writes nothing.
            journal.close();
            LOG.error("switch node {} does not start: {}", config.nodeId(), mismatch);
            throw ConfigError.of(mismatch);
        }
        if (recovered.records() > 0)
        {
            // The whole journal, every start: how long it took tells an operator what the next restart costs.
            final long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recoveryStart));
            LOG.info("recovered from the journal in {} ms ({} records a second): {} records replayed ({} withheld, {} corrupt); {} requests in flight, " +
                "{} advices owed", millis, recovered.records() * 1_000 / millis, recovered.replayed(), recovered.withheld(), recovered.corrupt(),
                switchHandler.inFlight(), switchHandler.advicesPending());
        }
        if (recovered.keysNotRestored() > 0)
        {
            LOG.warn("{} sign-ons or key changes could not have their keys restored from the journal (logged above): those terminals get 91"
                + " until they sign on again, those acquirer hosts until they change keys again", recovered.keysNotRestored());
        }
        warnIfDescriptorsShort(config);
        // Made before anything listens, connects or is journaled: the files may have changed since the config was read, and
        // a start that failed on them once its listeners accepted left them bound, taking connections for a ring no one ran.
        final List<SslContext> issuerTls = new ArrayList<>(config.issuers().size());
        try
        {
            for (final IssuerConfig issuer : config.issuers())
            {
                issuerTls.add(issuer.tls() == null ? null : tlsContext(issuer.id(), issuer.tls(), false));
            }
        }
        catch (final RuntimeException ex)
        {
            journal.close();
            throw ex;
        }
        boss = new MultiThreadIoEventLoopGroup(1, Transport.ioHandlers());
        final boolean onEventLoop = config.ring().onEventLoop(Runtime.getRuntime().availableProcessors());
        workers = new MultiThreadIoEventLoopGroup(onEventLoop ? 1 : Math.min(4, Runtime.getRuntime().availableProcessors()), Transport.ioHandlers());
        lanes = new EgressLanes(workers, LANE_CAPACITY);
        int frameCapacity = 2_048;
        for (final ListenerConfig listener : config.listeners())
        {
            frameCapacity = Math.max(frameCapacity, listener.framing().maxFrameLength());
        }
        ring = new Ring(config.ring().size(), frameCapacity, 4 * frameCapacity, config.ring().waitStrategy(),
            config.ring().threadPerStage(Runtime.getRuntime().availableProcessors()), dialects, switchHandler,
            journaling.apply(new JournalAdapter(journal)), lanes, clock, onEventLoop ? workers.next() : null);
        // Time-outs beyond what one tick carries go on ticks of the same time, not on the next one 10 ms later.
        switchHandler.moreTicks(now -> ring.tryPublish(EventType.TICK, now, -1, -1));
        for (int i = 0; i < config.listeners().size(); i++)
        {
            final ListenerConfig listener = config.listeners().get(i);
            try
            {
                servers.add(new AcquirerServer(listener.name(), listener.host(), listener.port(), listener.framing(), i,
                    dialects.indexOf(listener.dialect()), address -> allowed(listener, address), listener.idleTimeout(), listener.halfClose(),
                    listener.maxConnections(), listener.tls() == null ? null : tlsContext(listener.name(), listener.tls(), true),
                    listener.tls() == null ? Set.of() : Set.copyOf(listener.tls().peerNames()), boss, workers, ring, lanes, clock));
            }
            catch (final Exception ex)
            {
                // A node that does not start lets go of what it started, for a caller that goes on (a test, the demo).
                servers.forEach(AcquirerServer::close);
                ring.close();
                workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
                boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
                closeJournal();
                // Netty rethrows a bind failure (address in use, not this machine's) as it came, an IOException, unchecked:
                // named here with its listener, so that the operator knows which entry of the config to look at.
                if (ex instanceof IOException io)
                {
                    throw new UncheckedIOException("listener " + listener.name() + " cannot listen on " + listener.host() + ":" + listener.port() +
                        ": " + io.getMessage(), io);
                }
                throw ex;
            }
        }
        // The run's first event, journaled like any: the links of the run before are let go here, and where a replay
        // meets it. Only once every listener is bound, so that a start that fails there journals no run (whose issuers
        // and listeners a later start would have to keep: EndpointOrder), and before any link's UP. The ring is empty,
        // so it has room.
        if (!ring.tryPublish(EventType.NODE_START, clock.nanoTime(), -1, -1))
        {
            throw new IllegalStateException("the ring refused the node's first event");
        }
        servers.forEach(AcquirerServer::accept);
        final int issuerDialect = dialects.indexOf(Iso87.BINARY);
        for (int i = 0; i < config.issuers().size(); i++)
        {
            final IssuerConfig issuer = config.issuers().get(i);
            final SslContext tls = issuerTls.get(i);
            for (final LinkAddress address : issuer.links())
            {
                for (int c = 0; c < issuer.connections(); c++)
                {
                    final IssuerConnection connection = new IssuerConnection(issuer.id() + "#" + c, address.host(), address.port(), i,
                        issuerDialect, issuer.reconnect().initial(), issuer.reconnect().max(), tls, workers, ring, lanes, clock);
                    issuerConnections.add(connection);
                    connection.start();
                }
            }
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread thread = new Thread(r, "ticker");
            thread.setDaemon(true);
            return thread;
        });
        final long tickMicros = config.ring().tick().toNanos() / 1_000;
        ticker.scheduleAtFixedRate(() ->
        {
            // A full ring skips a tick: time-outs are then found by the next one.
            if (!ring.tryPublish(EventType.TICK, clock.nanoTime(), -1, -1))
            {
                ring.refused();
            }
        }, tickMicros, tickMicros, TimeUnit.MICROSECONDS);
        mbeanName = register();
        // A journal that fails stops the node: its acquirers and issuers see their links close and go elsewhere (another
        // node), rather than wait on a switch that can no longer answer. Off the ring's thread: closing drains the ring.
        ring.journalFailure().thenAcceptAsync(cause ->
        {
            LOG.error("switch node {} stopping: its journal failed ({}); start it again once the journal's disk is fixed, and recovery replays " +
                "the journal", config.nodeId(), cause.toString());
            try
            {
                close();
            }
            finally
            {
                // Whoever waits on failed() learns the node stopped even if closing it failed part way.
                failed.complete(cause);
            }
        });
    }

    /**
     * Each listener's max-connections bounds what its acquirers can take of the process's file descriptors only where
     * the process may open more than they add up to: where it may not, the switch runs out (accepts fail, the journal
     * cannot roll) before a cap closes anything. Said once at start; the node runs all the same.
     */
    private static void warnIfDescriptorsShort(final SwitchConfig config)
    {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os))
        {
            return;
        }
        long capped = 0;
        for (final ListenerConfig listener : config.listeners())
        {
            capped += listener.maxConnections();
        }
        final long limit = os.getMaxFileDescriptorCount();
        if (capped >= limit)
        {
            LOG.warn("the listeners' max-connections add up to {}, and this process may open {} files in all: the switch would run out of file " +
                "descriptors before a listener's cap closed anything; raise the process's limit (ulimit -n, LimitNOFILE) or lower max-connections",
                capped, limit);
        }
    }

    /** Shows this node over JMX; a node that cannot be shown (no platform server) runs all the same. */
    private ObjectName register()
    {
        try
        {
            final ObjectName name = new ObjectName("io.interchange:type=SwitchNode,node=" + ObjectName.quote(config.nodeId()) + ",instance=" +
                INSTANCES.incrementAndGet());
            ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
            return name;
        }
        catch (final JMException | RuntimeException ex)
        {
            LOG.warn("switch node not shown over JMX: {}", ex.toString());
            return null;
        }
    }

    @Override
    public long[] takeTimeInSwitch()
    {
        return TimeInSwitch.summary(ring.timeInSwitch().takeInterval());
    }

    @Override
    public long[] getTimeInSwitchSinceStart()
    {
        return TimeInSwitch.summary(ring.timeInSwitch().sinceStart());
    }

    /**
     * Starts a node on {@code config}, its state recovered from its journal first.
     *
     * @throws JournalDamagedException when the journal is damaged (see io.interchange.journal.JournalReader): the node
     *                                 does not start, and has written nothing to it.
     */
    public static SwitchNode start(final SwitchConfig config) throws InterruptedException
    {
        return new SwitchNode(config, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /**
     * As {@link #start(SwitchConfig)}, with the switch handler asking its HSM through {@code hsm}, given the node's
     * software HSM with its keys loaded: where a client of a network HSM would stand, and where a test puts an HSM
     * that is slow or stalls.
     */
    public static SwitchNode start(final SwitchConfig config, final UnaryOperator<Hsm> hsm) throws InterruptedException
    {
        return new SwitchNode(config, hsm, UnaryOperator.identity());
    }

    /**
     * As {@link #start(SwitchConfig)}, with the ring appending through {@code journaling}, given the node's Chronicle
     * Queue journal: where a test puts a journal whose disk fills up.
     */
    public static SwitchNode startJournalingThrough(final SwitchConfig config, final UnaryOperator<EventJournal> journaling) throws InterruptedException
    {
        return new SwitchNode(config, UnaryOperator.identity(), journaling);
    }

    /**
     * A switch handler as a node runs it: a software HSM with a fresh local master key, holding the configured terminal
     * master keys, issuer zone keys and acquirer hosts' zone master keys. A replay of the node's journal takes one too, so that its MACs, PIN blocks and
     * sign-on keys come out as the node's did.
     */
    public static SwitchHandler handler(final SwitchConfig config, final SwitchSetup setup)
    {
        return handler(config, setup, UnaryOperator.identity());
    }

    private static SwitchHandler handler(final SwitchConfig config, final SwitchSetup setup, final UnaryOperator<Hsm> through)
    {
        final KeySlots slots = new KeySlots(config.terminals().size(), config.issuers().size(), config.listeners().size());
        final Hsm hsm = SoftwareHsm.withRandomLmk(slots.capacity());
        KeyLoader.loadMasterKeys(hsm, slots, config.terminals());
        KeyLoader.loadIssuerKeys(hsm, slots, config.issuers());
        KeyLoader.loadAcquirerKeys(hsm, slots, config.listeners());
        return new SwitchHandler(setup, through.apply(hsm), slots);
    }

    /** A TLS context from files the config reader already made one of: failing now, they changed since. */
    private static SslContext tlsContext(final String link, final TlsConfig tls, final boolean server)
    {
        try
        {
            return server ? tls.serverContext() : tls.clientContext();
        }
        catch (final SSLException | IllegalArgumentException e)
        {
            // IllegalArgumentException: Netty's, for a certificate or key file it cannot read.
            throw new IllegalStateException(link + ": cannot make its TLS context: " + e.getMessage(), e);
        }
    }

    private static boolean allowed(final ListenerConfig listener, final InetAddress address)
    {
        return listener.allow().stream().anyMatch(cidr -> cidr.contains(address));
    }

    /** The dialect table of this node's ring and journal. */
    public List<Dialect> dialects()
    {
        return dialects;
    }

    /** The bound port of a listener (useful when it was configured as 0). */
    public int port(final String listener)
    {
        return server(listener).port();
    }

    private AcquirerServer server(final String listener)
    {
        for (final AcquirerServer server : servers)
        {
            if (server.name().equals(listener))
            {
                return server;
            }
        }
        throw new IllegalArgumentException("no listener '" + listener + "'");
    }

    /** Issuer links signed on and usable, as last seen by the switch handler. */
    public int signedOnLinks(final String issuerId)
    {
        for (int i = 0; i < config.issuers().size(); i++)
        {
            if (config.issuers().get(i).id().equals(issuerId))
            {
                return switchHandler.signedOnLinks(i);
            }
        }
        throw new IllegalArgumentException("no issuer '" + issuerId + "'");
    }

    /** Requests waiting for their issuers' answers right now, as the switch handler last published it. */
    public int inFlight()
    {
        return switchHandler.inFlight();
    }

    /** Advices owed to issuers right now (store and forward), as the switch handler last published it. */
    public int advicesOwed()
    {
        return switchHandler.advicesPending();
    }

    /** Advices queued since start. */
    public long advicesQueued()
    {
        return switchHandler.advicesQueued();
    }

    /**
     * Advices lost since start because their issuer's share of the advice queue was full (each is logged, a line a
     * second at most): only a recovery from a journal written with larger shares can lose any.
     */
    @Override
    public long getAdvicesLost()
    {
        return switchHandler.advicesLost();
    }

    /** {@link #getAdvicesLost}. */
    public long advicesLost()
    {
        return getAdvicesLost();
    }

    /**
     * Requests answered 91 since start, not forwarded, because their issuer's share of the advice queue had no room for
     * the 0420 they might owe (logged, a line a minute an issuer at most).
     */
    @Override
    public long getAdviceShareRefusals()
    {
        return switchHandler.adviceShareRefusals();
    }

    /** Connections open now on a listener from its allowed addresses: those holding a place under its max-connections. */
    public int openConnections(final String listener)
    {
        return server(listener).openConnections();
    }

    /** Connections a listener closed at accept since start because its max-connections were open (logged, a line every 10 s at most). */
    public long connectionsRefused(final String listener)
    {
        return server(listener).connectionsRefused();
    }

    /** Connections the listener closed at accept since start because they came from outside its allow-list. */
    public long strangersRefused(final String listener)
    {
        return server(listener).strangersRefused();
    }

    /** Connections closed at accept since start by every listener together, each because its max-connections were open. */
    @Override
    public long getConnectionsRefused()
    {
        return overListeners(AcquirerServer::connectionsRefused);
    }

    /** Connections closed at accept since start by every listener together, each because it came from outside its allow-list. */
    @Override
    public long getStrangersRefused()
    {
        return overListeners(AcquirerServer::strangersRefused);
    }

    private long overListeners(final ToLongFunction<AcquirerServer> count)
    {
        long total = 0;
        for (final AcquirerServer server : servers)
        {
            total += count.applyAsLong(server);
        }
        return total;
    }

    /** Events the switch handler failed on since start (a bug, each logged with its stack trace); 0 in a healthy switch. */
    public long handlerFailures()
    {
        return switchHandler.failures();
    }

    /** Issuer answers that matched nothing in flight since start: late, unreadable, or with a wrong MAC. */
    public long unmatchedAnswers()
    {
        return switchHandler.unmatchedAnswers();
    }

    /** Requests answered 91 since start for having waited past limits.request-deadline before the switch took them up. */
    public long requestsPastDeadline()
    {
        return switchHandler.requestsPastDeadline();
    }

    public SwitchConfig config()
    {
        return config;
    }

    public Ring ring()
    {
        return ring;
    }

    public EgressLanes egress()
    {
        return lanes;
    }

    /** How this node's journal is written, and so how it is read back (replay, clearing, tests). */
    public static JournalConfig journalConfig(final SwitchConfig config)
    {
        return new JournalConfig(config.journal().dir(), config.journal().durability(), config.businessDay().cutoff(),
            config.businessDay().zone(), config.keys().panEncryption(), config.keys().panHash(), Dialects.all());
    }

    public static SwitchSetup setup(final SwitchConfig config, final List<Dialect> dialects)
    {
        final List<SwitchSetup.Acquirer> acquirers = new ArrayList<>();
        for (final ListenerConfig listener : config.listeners())
        {
            acquirers.add(new SwitchSetup.Acquirer(listener.name(), dialects.indexOf(listener.dialect()), listener.framing().headerLength(),
                listener.acquirerId(), listener.mac(), !listener.hostKeyed() ? null :
                listener.macAlgorithm() == MacAlgorithm.CMAC ? KeyType.MAC_AES_CMAC : KeyType.MAC_ISO9797_ALG3, listener.keyChangeGrace().toNanos()));
        }
        final List<SwitchSetup.Issuer> issuers = new ArrayList<>();
        final List<String> issuerIds = new ArrayList<>();
        for (final IssuerConfig issuer : config.issuers())
        {
            issuers.add(new SwitchSetup.Issuer(issuer.id(), issuer.institutionId(), issuer.timeout(), issuer.standIn().enabled(),
                issuer.standIn().floorLimit(), issuer.standIn().onTimeOut(), issuer.echoInterval(), issuer.missedEchoes(), issuer.adviceWindow(),
                issuer.adviceShare(), issuer.macKey() != null, issuer.maxInFlight(config.limits().inFlight(), config.issuers().size()), issuer.matchRrn()));
            issuerIds.add(issuer.id());
        }
        final BinTable.Builder bins = BinTable.builder();
        for (final BinRange range : config.binTable())
        {
            bins.add(range.low(), range.high(), issuerIds.indexOf(range.issuer()), range.origin() == CardOrigin.FOREIGN);
        }
        final SwitchSetup.Acceptors.Builder acceptors = SwitchSetup.Acceptors.builder();
        for (final MerchantConfig merchant : config.merchants())
        {
            acceptors.merchant(merchant.id(), merchant.mcc(), merchant.status() == Status.ACTIVE, merchant.name());
        }
        for (final TerminalConfig terminal : config.terminals())
        {
            acceptors.terminal(terminal.id(), terminal.merchant(), terminal.status() == Status.ACTIVE);
        }
        return new SwitchSetup(dialects, dialects.indexOf(Iso87.BINARY), acquirers, issuers, bins.build(), acceptors.build(),
            SwitchSetup.Limits.of(config.limits().maxAmount(), config.limits().currencies(), config.limits().blockedMcc(),
                config.limits().maxTransactionsPerCardPerMinute(), config.limits().duplicateWindow(), config.limits().cardsPerMinute(),
                config.limits().requestDeadline()),
            config.businessDay().zone(), config.businessDay().cutoff(), config.limits().inFlight(), IN_FLIGHT_MAX_FRAME,
            config.limits().duplicateHistory(), config.limits().duplicateKeys(), config.limits().adviceQueue(),
            config.limits().preAuthorizations(), config.limits().posSales());
    }

    /**
     * Before the issuer links close and the ticks stop: the requests taken before the stop are answered, by their issuers
     * or with 91 at their time-outs (their 0420s queued and journaled), rather than left in flight with their terminals
     * answered by silence and their time-outs left to the next start. At most the longest issuer time-out and two ticks;
     * not after the journal failed, when nothing more is answered.
     */
    private void awaitAnswers()
    {
        long longest = 0;
        for (final IssuerConfig issuer : config.issuers())
        {
            longest = Math.max(longest, issuer.timeout().toNanos());
        }
        final long deadline = System.nanoTime() + longest + 2 * config.ring().tick().toNanos() + TimeUnit.MILLISECONDS.toNanos(100);
        // The ring first: requests read before the stop may still be in it, not yet in flight. Once it has handled all
        // it was given, the count the switch handler published is past them (ticks come and go between).
        while (!ring.journalFailure().isDone() && (ring.remainingCapacity() < ring.size() || switchHandler.inFlight() > 0) &&
            System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (switchHandler.inFlight() > 0 && !ring.journalFailure().isDone())
        {
            LOG.warn("stopping with {} requests still in flight: the next start times them out", switchHandler.inFlight());
        }
    }

    /**
     * Completes, with the cause, once the node has stopped itself because its journal failed (see
     * {@link io.interchange.engine.ring.Ring#journalFailure}); never completes otherwise.
     */
    public CompletableFuture<Throwable> failed()
    {
        return failed;
    }

    /** Closes the journal once the ring's threads have ended; one still in it (stuck in a write) keeps it open. */
    private void closeJournal()
    {
        if (!ring.stopped())
        {
            LOG.error("a ring thread is still running 10 s after the ring's close: the journal is left open, as closing it under "
                + "the thread's write would crash the process");
            return;
        }
        try
        {
            journal.close();
        }
        catch (final RuntimeException | InternalError ex)
        {
            // InternalError: what a mapped file's write to a full disk throws, as the failure that stopped the node may.
            LOG.warn("journal not closed cleanly: {}", ex.toString()); // one that failed may fail again here; the node stops all the same
        }
    }

    /**
     * Stops accepting and reading requests, waits for the requests it took to be answered (by their issuers, or 91 at
     * their time-outs: at most the longest issuer time-out), lets the ring drain (every published event is journaled and
     * answered), closes the links, then closes the journal. A second call
     * (a shutdown hook after the node stopped itself) waits for the first and does nothing.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final AcquirerServer server : servers)
        {
            server.close();
            server.stopReading();
        }
        awaitAnswers();
        ticker.shutdownNow();
        try
        {
            // A tick still being published would land behind the ring's drain and never be journaled.
            if (!ticker.awaitTermination(2, TimeUnit.SECONDS))
            {
                LOG.warn("ticker did not stop in 2 s");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        // The ring drains while the event loops and the issuer links still run, so egress can hand its last frames to them:
        // a request forwarded in the drain goes to its issuer, where closing the links first lost it, journaled as forwarded.
        ring.close();
        for (final IssuerConnection connection : issuerConnections)
        {
            connection.close();
        }
        servers.forEach(AcquirerServer::closeConnections);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        closeJournal();
        if (mbeanName != null)
        {
            try
            {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbeanName);
            }
            catch (final JMException ex)
            {
                LOG.warn("switch node still shown over JMX: {}", ex.toString());
            }
        }
        final long[] time = getTimeInSwitchSinceStart();
        LOG.info("time in the switch since start, receipt to hand-off to the links: {} messages, p50 {} us, p90 {} us, p99 {} us, p99.9 {} us, " +
            "max {} us", time[0], time[1] / 1_000, time[2] / 1_000, time[3] / 1_000, time[4] / 1_000, time[5] / 1_000);
        LOG.info("switch stopped: {} in flight, {} advices owed, {} advices lost to a full queue, {} requests answered 91 for want of room in their " +
            "issuer's share of it, {} ring refusals, {} frames lost to closed links, " +
            "{} requests forgotten by the duplicate history within a minute, {} requests taken with a host's keys before its key change, " +
            "{} requests answered 91 past their deadline, {} connections closed at a listener's max-connections, {} from outside its allow-list, " +
            "{} switch handler errors",
            switchHandler.inFlight(), switchHandler.advicesPending(), switchHandler.advicesLost(), switchHandler.adviceShareRefusals(), ring.refusedCount(),
            lanes.lostFrames(),
            switchHandler.historyForgotYoung(), switchHandler.previousKeysTaken(), switchHandler.requestsPastDeadline(), getConnectionsRefused(),
            getStrangersRefused(), switchHandler.failures());
    }
}
