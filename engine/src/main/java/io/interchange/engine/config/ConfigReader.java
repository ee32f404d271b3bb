package io.interchange.engine.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.interchange.codec.Dialect;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.FieldType;
import io.interchange.codec.ValueEncoding;
import io.interchange.codec.cups.WorkingKeys;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.KeyExchange;
import io.interchange.codec.frame.Framing;
import io.netty.util.NetUtil;
import io.interchange.journal.Durability;

/**
 * Reads a HOCON tree into a {@link SwitchConfig}, or fails with every problem at once. The walk below is the schema:
 * each object's keys are read in the order the defaults file lists them, and whatever an object holds beyond those
 * is an unknown key. Checks that span entries (duplicate ids, references, overlapping BIN ranges) run as soon as
 * the entries they need have been read, so problems come out roughly in file order.
 */
final class ConfigReader
{
    /** The embedded defaults, a resource next to this class. */
    static final String DEFAULTS_RESOURCE = "defaults.conf";
    /** How messages name the embedded defaults. */
    static final String DEFAULTS_ORIGIN = "classpath:io/interchange/engine/config/defaults.conf";

    private static final String ROOT = "interchange";

    /** The framings a file can name; the codec has the framings but not a registry of their names. */
    private static final Map<String, Framing> FRAMINGS = framings();

    /** Below this a frame cannot hold a header, an MTI and a bitmap with anything in it. */
    private static final int MIN_FRAME = 64;
    /** Field 4 is n12. */
    private static final long MAX_AMOUNT = 999_999_999_999L;
    /** A fee rate above 100 % is a typo. */
    private static final int MAX_BPS = 10_000;

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9]{4}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    /** RFC 1123: dot-separated labels of letters, digits and inner hyphens, each up to 63, the whole up to 253. */
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern HOST_NAME = Pattern.compile("(?=.{1,253}$)" + LABEL + "(?:\\." + LABEL + ")*");

    // Keys' lengths in hex digits: double-length DES (the retail MAC's key), DES key-encryption keys that may carry
    // it (double or triple length), AES keys (128, 192, 256 bits).
    private static final int[] DOUBLE_DES_HEX = {32};
    private static final int[] DES_KEK_HEX = {32, 48};
    private static final int[] AES_KEY_HEX = {32, 48, 64};

    private final Problems problems = new Problems();
    private final Config defaults;
    // The keys the defaults publish for the demo (its terminals' master keys, its issuers' zone keys), upper-case hex:
    // off loopback each is refused, as anyone can read them (PIN blocks under them are as good as clear).
    private final Set<String> demoKeys = new HashSet<>();

    private ConfigReader(final Config defaults)
    {
        this.defaults = defaults;
        for (final Config terminal : defaults.getConfigList(ROOT + ".terminals"))
        {
            demoKeys.add(terminal.getString("master-key").toUpperCase(Locale.ROOT));
        }
        for (final Config issuer : defaults.getConfigList(ROOT + ".issuers"))
        {
            for (final String name : List.of("pin-key", "mac-key"))
            {
                if (issuer.hasPath(name))
                {
                    demoKeys.add(issuer.getString(name).toUpperCase(Locale.ROOT));
                }
            }
        }
    }

    /** Parses the user's file with {@code parser}, lays it over the defaults, resolves substitutions and reads it. */
    static SwitchConfig read(final Supplier<Config> parser)
    {
        final Config defaults = defaultsTree();
        final Config merged;
        try
        {
            // Substitutions resolve after the merge, so a file can say ${interchange.node-id} or += onto a default
            // list; ${?NAME} also reads the environment, which is how real keys stay out of the file.
            merged = parser.get().withFallback(defaults).resolve();
        }
        catch (final ConfigException e)
        {
            throw new ConfigError(List.of(describe(e)));
        }
        return new ConfigReader(defaults).read(merged);
    }

    /** The embedded defaults, unresolved. */
    static Config defaultsTree()
    {
        try (InputStream in = ConfigReader.class.getResourceAsStream(DEFAULTS_RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException(DEFAULTS_ORIGIN + " is not on the class path");
            }
            final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return ConfigFactory.parseString(text, options(DEFAULTS_ORIGIN));
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot read " + DEFAULTS_ORIGIN, e);
        }
    }

    /** Parse options for a source that messages call {@code originName}. */
    static ConfigParseOptions options(final String originName)
    {
        return ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(originName).setAllowMissing(false);
    }

    /** A Typesafe Config exception as one of our lines: its message already starts with the origin, in its own format. */
    static String describe(final ConfigException e)
    {
        final ConfigOrigin origin = e.origin();
        final String message = e.getMessage();
        if (origin == null)
        {
            return message;
        }
        final String prefix = origin.description() + ": ";
        return Problems.where(origin) + ": " + (message.startsWith(prefix) ? message.substring(prefix.length()) : message);
    }

    private SwitchConfig read(final Config config)
    {
        final ConfigObject root = config.root();
        for (final String key : root.keySet())
        {
            if (!key.equals(ROOT))
            {
                problems.add(root.get(key).origin(), key, Section.unknown(key, Set.of(ROOT)) + " (everything the switch reads is inside interchange { })");
            }
        }
        final ConfigValue value = root.get(ROOT);
        if (value == null || value.valueType() != ConfigValueType.OBJECT)
        {
            problems.add(value == null ? root.origin() : value.origin(), ROOT, "expected an object { ... }");
            problems.throwIfAny();
        }
        final Section s = new Section(problems, (ConfigObject) value, "");

        final String nodeId = s.parsed("node-id", ConfigReader::nodeId);
        final BusinessDayConfig businessDay = s.section("business-day", this::businessDay);
        final RingConfig ring = s.section("ring", this::ring);
        final int beforeLoopback = problems.count();
        final boolean loopbackOnly = s.bool("loopback-only");
        // When loopback-only itself is wrong, checking addresses against it would only add noise.
        final Boolean loopback = problems.count() == beforeLoopback ? loopbackOnly : null;

        final List<ListenerConfig> listeners = new ArrayList<>();
        final Map<String, String> listenerNames = new LinkedHashMap<>();
        final Map<String, String> listenerAddresses = new LinkedHashMap<>();
        final Map<String, String> acquirers = new LinkedHashMap<>();
        final List<Section> listenerSections = s.sections("listeners");
        for (final Section l : listenerSections)
        {
            add(listeners, listener(l, loopback, listenerNames, listenerAddresses, acquirers));
        }

        final List<IssuerConfig> issuers = new ArrayList<>();
        final Map<String, String> issuerIds = new LinkedHashMap<>();
        final int beforeIssuers = problems.count();
        final List<Section> issuerSections = s.sections("issuers");
        for (final Section i : issuerSections)
        {
            add(issuers, issuer(i, loopback, issuerIds));
        }
        // With the issuers already wrong, a range naming one not read is a follow-on, not news: left unsaid.
        final boolean issuersRead = problems.count() == beforeIssuers;

        final List<BinRange> binTable = new ArrayList<>();
        final List<PlacedRange> placedRanges = new ArrayList<>();
        final List<Section> binSections = s.sections("bin-table");
        for (int i = 0; i < binSections.size(); i++)
        {
            final BinRange range = binRange(binSections.get(i), issuerIds, issuersRead);
            if (range != null)
            {
                binTable.add(range);
                placedRanges.add(new PlacedRange(range, binSections.get(i), i));
            }
        }
        checkOverlaps(placedRanges);

        final List<MerchantConfig> merchants = new ArrayList<>();
        final Map<String, String> merchantIds = new LinkedHashMap<>();
        for (final Section m : s.sections("merchants"))
        {
            add(merchants, merchant(m, merchantIds, listenerNames, acquirers));
        }

        final List<TerminalConfig> terminals = new ArrayList<>();
        final Map<String, String> terminalIds = new LinkedHashMap<>();
        for (final Section t : s.sections("terminals"))
        {
            add(terminals, terminal(t, terminalIds, merchantIds, loopback));
        }

        final LimitsConfig limits = s.section("limits", this::limits);
        final KeysConfig keys = s.section("keys", k -> keys(k, loopback));
        final JournalSettings journal = s.section("journal", this::journal);
        final ClearingConfig clearing = s.section("clearing", this::clearing);
        if (listeners.size() == listenerSections.size() && issuersRead && limits != null)
        {
            checkIdleTimeOuts(listeners, listenerSections, issuers, limits);
        }
        if (issuersRead && limits != null)
        {
            checkAdviceShares(issuers, issuerSections, limits);
        }
        s.finish();

        problems.throwIfAny();
        return new SwitchConfig(nodeId, businessDay, ring, loopbackOnly, listeners, issuers, binTable, merchants, terminals, limits, keys, journal, clearing);
    }

    private BusinessDayConfig businessDay(final Section s)
    {
        final int mark = problems.count();
        final LocalTime cutoff = s.parsed("cutoff", ConfigReader::timeOfDay);
        final ZoneId zone = s.parsed("zone", ConfigReader::zone);
        s.finish();
        return problems.count() == mark ? new BusinessDayConfig(cutoff, zone) : null;
    }

    private RingConfig ring(final Section s)
    {
        final int mark = problems.count();
        final int size = s.integer("size", 16, 1 << 22);
        if (problems.count() == mark && Integer.bitCount(size) != 1)
        {
            problems.add(s.origin("size"), s.key("size"), "must be a power of two, got " + size);
        }
        final Duration tick = s.duration("tick", Duration.ofMillis(1), Duration.ofSeconds(1));
        final String wait = s.string("wait-strategy");
        if (wait != null && !RingConfig.WAIT_STRATEGIES.contains(wait))
        {
            problems.add(s.origin("wait-strategy"), s.key("wait-strategy"),
                "must be one of " + String.join(", ", RingConfig.WAIT_STRATEGIES) + ", got " + wait);
        }
        final String threads = s.string("threads");
        if (threads != null && !RingConfig.THREADS.contains(threads))
        {
            problems.add(s.origin("threads"), s.key("threads"), "must be one of " + String.join(", ", RingConfig.THREADS) + ", got " + threads);
        }
        s.finish();
        return problems.count() == mark ? new RingConfig(size, tick, wait, threads) : null;
    }

    /**
     * A listener's idle time-out counts only what its terminals send, and a terminal waiting for its answer sends
     * nothing: the answer may take an issuer's time-out after the request waited up to limits.request-deadline in the
     * switch. An idle time-out no longer than that closes links under requests still with their issuer, whose answers
     * then find no link (an approval reversed as undeliverable, the terminal reversing on its own time-out).
     */
    private void checkIdleTimeOuts(
        final List<ListenerConfig> listeners, final List<Section> sections, final List<IssuerConfig> issuers, final LimitsConfig limits)
    {
        IssuerConfig slowest = null;
        for (final IssuerConfig issuer : issuers)
        {
            if (slowest == null || issuer.timeout().compareTo(slowest.timeout()) > 0)
            {
                slowest = issuer;
            }
        }
        if (slowest == null)
        {
            return;
        }
        final Duration longest = slowest.timeout().plus(limits.requestDeadline());
        for (int i = 0; i < listeners.size(); i++)
        {
            final Duration idle = listeners.get(i).idleTimeout();
            if (idle.compareTo(longest) <= 0)
            {
                problems.add(sections.get(i).origin("idle-timeout"), sections.get(i).key("idle-timeout"), "must be longer than the longest an " +
                    "answer may take, issuer " + slowest.id() + "'s timeout (" + Text.duration(slowest.timeout()) + ") plus limits.request-deadline (" +
                    Text.duration(limits.requestDeadline()) + "): a terminal waiting for its answer sends nothing, and would " +
                    "be closed as idle with its answer still to come; got " + Text.duration(idle));
            }
        }
    }

    /**
     * The issuers' own shares of the advice queue are taken out of it first and the rest split evenly among the issuers
     * without one: shares beyond the queue, or a rest that leaves an issuer no room at all (none of its requests could
     * be forwarded, for none would have room for the 0420 it may owe), would fail at the first request, not at start.
     */
    private void checkAdviceShares(final List<IssuerConfig> issuers, final List<Section> sections, final LimitsConfig limits)
    {
        long set = 0;
        int even = 0;
        int last = -1;
        for (int i = 0; i < issuers.size(); i++)
        {
            if (issuers.get(i).adviceShare() == IssuerConfig.EVEN_ADVICE_SHARE)
            {
                even++;
            }
            else
            {
                set += issuers.get(i).adviceShare();
                last = i;
            }
        }
        if (last >= 0 && set + even > limits.adviceQueue())
        {
            final Section s = sections.get(last);
            problems.add(s.origin("advice-share"), s.key("advice-share"), "the issuers' advice-shares (" + set + " together) " +
                (even == 0 ? "" : "and one advice at least for each of the " + even + " issuers without one ") + "must fit in limits.advice-queue (" +
                limits.adviceQueue() + ")");
        }
    }

    private ListenerConfig listener(
        final Section s,
        final Boolean loopbackOnly,
        final Map<String, String> names,
        final Map<String, String> addresses,
        final Map<String, String> acquirers)
    {
        final int mark = problems.count();
        final String name = s.parsed("name", ConfigReader::name);
        unique(s, "name", name, names);
        final String host = s.parsed("host", ConfigReader::host);
        checkLoopback(s, "host", host, loopbackOnly);
        final int beforePort = problems.count();
        final int port = s.integer("port", 0, 65_535);
        if (host != null && port != 0 && problems.count() == beforePort)
        {
            final String address = host + ":" + port;
            final String first = addresses.putIfAbsent(address, s.path());
            if (first != null)
            {
                problems.add(s.origin("port"), s.key("port"), address + " is already bound by " + first);
            }
        }
        final Dialect dialect = s.parsed("dialect", ConfigReader::dialect);
        final Framing framing = s.parsed("framing", ConfigReader::framing);
        final String acquirerId = s.parsed("acquirer-id", text -> digits(text, 11, "an acquiring institution id (field 32)"));
        if (acquirerId != null)
        {
            acquirers.putIfAbsent(acquirerId, s.path());
        }
        final int beforeAllow = problems.count();
        final List<Cidr> allow = s.parsedList("allow", ConfigReader::cidr);
        if (allow.isEmpty() && problems.count() == beforeAllow)
        {
            problems.add(s.origin("allow"), s.key("allow"), "allows no one to connect; for this machine alone, say [\"127.0.0.1/32\", \"::1/128\"]");
        }
        final Duration idleTimeout = s.duration("idle-timeout", Duration.ofSeconds(1), Duration.ofDays(1));
        final int maxFrame = s.integer("max-frame", MIN_FRAME, framing == null ? 65_535 : framing.lengthHeader().maxLength());
        final boolean mac = s.bool("mac");
        final int beforeKey = problems.count();
        final MacAlgorithm requested = s.optionalChoice("mac-algorithm", MacAlgorithm.class, null);
        // An algorithm that is not one leaves the key's length open: one mistake, one line.
        final boolean aes = requested == MacAlgorithm.CMAC || problems.count() != beforeKey;
        final String masterKey = s.optionalParsed("master-key", text -> aes ? key(text, AES_KEY_HEX) : tripleDesKey(key(text, DES_KEK_HEX)));
        final MacAlgorithm macAlgorithm = dialect != null && problems.count() == beforeKey && (mac || masterKey != null || requested != null) ?
            macKeys(s, dialect, mac, requested, masterKey) : null;
        final TlsConfig tls = s.optionalSection("tls", t -> tls(t, true));
        Duration keyChangeGrace = ListenerConfig.DEFAULT_KEY_CHANGE_GRACE;
        if (s.has("key-change-grace"))
        {
            keyChangeGrace = s.duration("key-change-grace", Duration.ZERO, Duration.ofHours(1));
            if (masterKey == null && problems.count() == beforeKey)
            {
                problems.add(s.origin("key-change-grace"), s.key("key-change-grace"), "is for acquirer hosts that change keys (mac = true with " +
                    "master-key): how long after a key change requests MACed with the keys before it are still taken");
            }
        }
        final boolean halfClose = s.optionalBool("half-close", false);
        final int maxConnections = s.optionalInteger("max-connections", 1, ListenerConfig.MAX_MAX_CONNECTIONS, ListenerConfig.DEFAULT_MAX_CONNECTIONS);
        s.finish();
        return problems.count() == mark ?
            new ListenerConfig(name, host, port, dialect, framing, acquirerId, allow, idleTimeout, maxFrame, mac, macAlgorithm, masterKey, tls,
                keyChangeGrace, halfClose, maxConnections) : null;
    }

    private IssuerConfig issuer(final Section s, final Boolean loopbackOnly, final Map<String, String> ids)
    {
        final int mark = problems.count();
        final String id = s.parsed("id", ConfigReader::name);
        unique(s, "id", id, ids);
        final String institutionId = s.parsed("institution-id", text -> digits(text, 11, "an institution id"));
        final int beforeLinks = problems.count();
        final List<LinkAddress> links = new ArrayList<>();
        for (final Section link : s.sections("links"))
        {
            final int linkMark = problems.count();
            final String host = link.parsed("host", ConfigReader::host);
            checkLoopback(link, "host", host, loopbackOnly);
            final int port = link.integer("port", 1, 65_535);
            link.finish();
            if (problems.count() == linkMark)
            {
                links.add(new LinkAddress(host, port));
            }
        }
        if (links.isEmpty() && problems.count() == beforeLinks)
        {
            problems.add(s.origin("links"), s.key("links"), "names no address to connect to");
        }
        final int beforeConnections = problems.count();
        final int connections = s.integer("connections", 1, 64);
        if (problems.count() == beforeConnections && links.size() * connections > IssuerConfig.MAX_LINKS)
        {
            problems.add(s.origin("connections"), s.key("connections"), connections + " to each of " + links.size() + " link addresses make " +
                links.size() * connections + " links; the switch keeps at most " + IssuerConfig.MAX_LINKS + " an issuer");
        }
        final Duration timeout = s.duration("timeout", Duration.ofMillis(1), Duration.ofMinutes(5));
        final Duration echoInterval = s.duration("echo-interval", Duration.ofSeconds(1), Duration.ofHours(1));
        final int missedEchoes = s.integer("missed-echoes", 1, 100);
        final int maxInFlight = s.optionalInteger("max-in-flight", 1, 1 << 20, IssuerConfig.DEFAULT_SHARE);
        final int adviceWindow = s.optionalInteger("advice-window", 1, 4_096, IssuerConfig.DEFAULT_ADVICE_WINDOW);
        final int adviceShare = s.optionalInteger("advice-share", 1, 1 << 20, IssuerConfig.EVEN_ADVICE_SHARE);
        final boolean matchRrn = s.optionalBool("match-rrn", true);
        final ReconnectConfig reconnect = s.section("reconnect", this::reconnect);
        final StandInConfig standIn = s.section("stand-in", this::standIn);
        final String pinKey = s.optionalParsed("pin-key", text -> tripleDesKey(key(text, DOUBLE_DES_HEX)));
        notDemoKey(s, "pin-key", pinKey, loopbackOnly);
        final int beforeKey = problems.count();
        final MacAlgorithm requested = s.optionalChoice("mac-algorithm", MacAlgorithm.class, null);
        final boolean aes = requested == MacAlgorithm.CMAC || problems.count() != beforeKey;
        final String macKey = s.optionalParsed("mac-key", text -> aes ? key(text, AES_KEY_HEX) : tripleDesKey(key(text, DOUBLE_DES_HEX)));
        notDemoKey(s, "mac-key", macKey, loopbackOnly);
        if (requested != null && macKey == null && problems.count() == beforeKey)
        {
            problems.add(s.origin("mac-algorithm"), s.key("mac-algorithm"), "is used only with a mac-key: without one the issuer's link is not MACed");
        }
        final MacAlgorithm macAlgorithm = macKey == null ? null : requested == null ? MacAlgorithm.RETAIL : requested;
        final TlsConfig tls = s.optionalSection("tls", t -> tls(t, false));
        s.finish();
        return problems.count() == mark
            ? new IssuerConfig(id, institutionId, links, connections, timeout, echoInterval, missedEchoes, maxInFlight, adviceWindow, adviceShare, matchRrn,
                reconnect, standIn, pinKey, macKey, macAlgorithm, tls)
            : null;
    }

    /**
     * A link's TLS: PEM files that must be readable now, parse, be valid today, fit together (the private key the
     * certificate's, the certificate one for this side) and make a TLS context, so that a wrong path or a file that is
     * not what it should be stops the start with its key, not every handshake after it. A listener (the server side)
     * must have a certificate and its key; an issuer link may (a client certificate).
     */
    private TlsConfig tls(final Section s, final boolean server)
    {
        final int mark = problems.count();
        final Date now = new Date();
        final Path certificate = server ? s.parsed("certificate", ConfigReader::readable) : s.optionalParsed("certificate", ConfigReader::readable);
        final Path privateKey = server ? s.parsed("private-key", ConfigReader::readable) : s.optionalParsed("private-key", ConfigReader::readable);
        final Path trust = s.optionalParsed("trust", text -> readable(text, path -> TlsFiles.certificates(path, false, now)));
        final Path crl = s.optionalParsed("crl", ConfigReader::readable);
        final int beforeNames = problems.count();
        final List<String> peerNames = server && s.has("peer-names") ? s.parsedList("peer-names", ConfigReader::peerName) : List.of();
        if (server && s.has("peer-names") && peerNames.isEmpty() && problems.count() == beforeNames)
        {
            problems.add(s.origin("peer-names"), s.key("peer-names"), "names no acquirer; to take any certificate the CA signed, leave it out");
        }
        s.finish();
        if (problems.count() != mark)
        {
            return null;
        }
        if ((certificate == null) != (privateKey == null))
        {
            final String missing = certificate == null ? "certificate" : "private-key";
            problems.add(s.origin(certificate == null ? "private-key" : "certificate"), s.key(missing),
                "is missing: a certificate and its private key go together");
            return null;
        }
        if (certificate != null)
        {
            final X509Certificate leaf;
            try
            {
                leaf = TlsFiles.certificates(certificate, true, now).get(0);
                TlsFiles.usableAs(leaf, server, certificate);
            }
            catch (final IllegalArgumentException e)
            {
                problems.add(s.origin("certificate"), s.key("certificate"), e.getMessage());
                return null;
            }
            try
            {
                TlsFiles.belongsTo(TlsFiles.privateKey(privateKey, leaf.getPublicKey().getAlgorithm()), leaf, privateKey, certificate);
            }
            catch (final IllegalArgumentException e)
            {
                problems.add(s.origin("private-key"), s.key("private-key"), e.getMessage());
                return null;
            }
        }
        if (!peerNames.isEmpty() && trust == null)
        {
            problems.add(s.origin("peer-names"), s.key("peer-names"), "needs trust: without it no acquirer is asked for a certificate to name");
            return null;
        }
        if (crl != null)
        {
            if (trust == null)
            {
                problems.add(s.origin("crl"), s.key("crl"), "needs trust: only revocation lists its CAs signed are taken");
                return null;
            }
            try
            {
                Revocations.load(crl, TlsFiles.certificates(trust, false, now), now);
            }
            catch (final IllegalArgumentException e)
            {
                problems.add(s.origin("crl"), s.key("crl"), e.getMessage());
                return null;
            }
        }
        final TlsConfig tls = new TlsConfig(certificate, privateKey, trust, peerNames, crl);
        try
        {
            if (server)
            {
                tls.serverContext();
            }
            else
            {
                tls.clientContext();
            }
        }
        catch (final SSLException | IllegalArgumentException e)
        {
            problems.add(s.origin(certificate != null ? "certificate" : "trust"), s.path(), "cannot make a TLS context of these files: " + reason(e));
            return null;
        }
        return tls;
    }

    /** The innermost message of a failure: for a PEM file, what was wrong with it. */
    private static String reason(final Throwable failure)
    {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause)
        {
            cause = cause.getCause();
        }
        return cause == failure ? String.valueOf(failure.getMessage()) : failure.getMessage() + " (" + cause.getMessage() + ")";
    }

    private static String peerName(final String text)
    {
        if (text.isBlank() || text.length() > 255)
        {
            throw new IllegalArgumentException("must be a certificate's common name or DNS name, 1 to 255 characters");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    private static Path readable(final String text)
    {
        return readable(text, path -> null);
    }

    /** A readable file's path, after {@code check} has read it (and thrown IllegalArgumentException for what is wrong). */
    private static Path readable(final String text, final Function<Path, ?> check)
    {
        final Path path = path(text);
        if (!Files.isRegularFile(path))
        {
            throw new IllegalArgumentException(path.toAbsolutePath() + " is not a file");
        }
        if (!Files.isReadable(path))
        {
            throw new IllegalArgumentException(path.toAbsolutePath() + " cannot be read");
        }
        check.apply(path);
        return path;
    }

    private ReconnectConfig reconnect(final Section s)
    {
        final int mark = problems.count();
        final Duration initial = s.duration("initial", Duration.ofMillis(1), Duration.ofHours(1));
        final Duration max = s.duration("max", Duration.ofMillis(1), Duration.ofHours(1));
        if (initial != null && max != null && max.compareTo(initial) < 0)
        {
            problems.add(s.origin("max"), s.key("max"), "must be at least initial (" + Text.duration(initial) + "), got " + Text.duration(max));
        }
        s.finish();
        return problems.count() == mark ? new ReconnectConfig(initial, max) : null;
    }

    private StandInConfig standIn(final Section s)
    {
        final int mark = problems.count();
        final boolean enabled = s.bool("enabled");
        final long floorLimit = s.number("floor-limit", 0, MAX_AMOUNT);
        final boolean onTimeOut = s.optionalBool("on-time-out", false);
        s.finish();
        return problems.count() == mark ? new StandInConfig(enabled, floorLimit, onTimeOut) : null;
    }

    private BinRange binRange(final Section s, final Map<String, String> issuerIds, final boolean issuersRead)
    {
        final int mark = problems.count();
        final String low = s.parsed("low", ConfigReader::bin);
        final String high = s.parsed("high", ConfigReader::bin);
        if (low != null && high != null)
        {
            if (high.length() != low.length())
            {
                problems.add(s.origin("high"), s.key("high"), "must have as many digits as low (" + low.length() + "), got " + high.length());
            }
            else if (high.compareTo(low) < 0)
            {
                problems.add(s.origin("high"), s.key("high"), "must not be below low (" + low + "), got " + high);
            }
        }
        final String issuer = s.string("issuer");
        if (issuer != null && !issuerIds.containsKey(issuer) && issuersRead)
        {
            problems.add(s.origin("issuer"), s.key("issuer"), "unknown issuer '" + issuer + "'; issuers: " + String.join(", ", issuerIds.keySet()));
        }
        // Optional: most switches see only domestic cards, and a table written before the split still reads.
        final CardOrigin origin = s.optionalChoice("origin", CardOrigin.class, CardOrigin.DOMESTIC);
        s.finish();
        return problems.count() == mark ? new BinRange(low, high, issuer, origin) : null;
    }

    /**
     * Ranges of one length must not overlap, or a card would have two issuers; a longer range may sit inside a
     * shorter one, as the more specific route. Sorted by length and low end, a range overlaps an earlier one of its
     * length exactly when it starts at or below the highest end seen so far.
     */
    private void checkOverlaps(final List<PlacedRange> ranges)
    {
        final List<PlacedRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingInt((PlacedRange p) -> p.value().length()).thenComparing(p -> p.value().low()));
        PlacedRange reach = null;
        for (final PlacedRange current : sorted)
        {
            if (reach != null && reach.value().length() == current.value().length() && reach.value().high().compareTo(current.value().low()) >= 0)
            {
                // Named at whichever comes later in the file: the entry added to a table that worked without it.
                final PlacedRange later = current.index() > reach.index() ? current : reach;
                final PlacedRange other = later == current ? reach : current;
                problems.add(later.section().origin(), later.section().path(), "overlaps " + other.section().path() + " (" +
                    other.value().low() + ".." + other.value().high() + " -> " + other.value().issuer() + ")");
            }
            if (reach == null || reach.value().length() != current.value().length() || current.value().high().compareTo(reach.value().high()) > 0)
            {
                reach = current;
            }
        }
    }

    private MerchantConfig merchant(
        final Section s,
        final Map<String, String> ids,
        final Map<String, String> listenerNames,
        final Map<String, String> acquirers)
    {
        final int mark = problems.count();
        final String id = s.parsed("id", text -> ans(text, 15, 15, "a merchant id (field 42)"));
        unique(s, "id", id, ids);
        final String name = s.parsed("name", text -> ans(text, 1, 40, "a merchant name and location (field 43)"));
        final int mcc = s.integer("mcc", 0, 9_999);
        final Status status = s.choice("status", Status.class);
        final String acquirer = s.optionalString("acquirer");
        final String account = s.optionalParsed("settlement-account", text -> ans(text, 1, 34, "a settlement account (an IBAN has at most 34)"));
        if (acquirer != null && !listenerNames.containsKey(acquirer) && !acquirers.containsKey(acquirer))
        {
            problems.add(s.origin("acquirer"), s.key("acquirer"), "'" + acquirer + "' is neither a listener's name nor its acquirer-id; listeners: " +
                String.join(", ", listenerNames.keySet()) + "; acquirer ids: " + String.join(", ", acquirers.keySet()));
        }
        s.finish();
        return problems.count() == mark ? new MerchantConfig(id, name, mcc, status, acquirer, account) : null;
    }

    private TerminalConfig terminal(final Section s, final Map<String, String> ids, final Map<String, String> merchantIds, final Boolean loopbackOnly)
    {
        final int mark = problems.count();
        final String id = s.parsed("id", text -> ans(text, 8, 8, "a terminal id (field 41)"));
        unique(s, "id", id, ids);
        final String merchant = s.string("merchant");
        if (merchant != null && !merchantIds.containsKey(merchant))
        {
            problems.add(s.origin("merchant"), s.key("merchant"), "unknown merchant '" + merchant + "'");
        }
        final Status status = s.choice("status", Status.class);
        // 16 hex digits is the single-length key older UnionPay POS terminals hold, taken as it is; a longer one must be as
        // strong as its length.
        final String masterKey = s.optionalParsed("master-key", text -> tripleDesKey(key(text, 16, 32, 48)));
        notDemoKey(s, "master-key", masterKey, loopbackOnly);
        s.finish();
        return problems.count() == mark ? new TerminalConfig(id, merchant, status, masterKey) : null;
    }

    private LimitsConfig limits(final Section s)
    {
        final int mark = problems.count();
        final long maxAmount = s.number("max-amount", 1, MAX_AMOUNT);
        final int beforeCurrencies = problems.count();
        final List<Integer> currencies = s.integers("currencies", 1, 999);
        if (currencies.isEmpty() && problems.count() == beforeCurrencies)
        {
            problems.add(s.origin("currencies"), s.key("currencies"), "accepts no currency, so every request would be declined");
        }
        final List<Integer> blockedMcc = s.integers("blocked-mcc", 0, 9_999);
        final int maxPerMinute = s.integer("max-transactions-per-card-per-minute", 1, 1_000_000);
        final Duration duplicateWindow = s.duration("duplicate-window", Duration.ofSeconds(1), Duration.ofDays(7));
        final int duplicateHistory = s.integer("duplicate-history", 1_024, 1 << 21);
        final int duplicateKeys = s.optionalInteger("duplicate-keys", 0, 1 << 26, LimitsConfig.DEFAULT_DUPLICATE_KEYS);
        final int inFlight = s.integer("in-flight", 256, 1 << 20);
        final int adviceQueue = s.integer("advice-queue", 256, 1 << 20);
        final int cardsPerMinute = s.optionalInteger("cards-per-minute", 1_024, 1 << 22, LimitsConfig.DEFAULT_CARDS_PER_MINUTE);
        final int preAuthorizations = s.optionalInteger("pre-authorizations", 0, 1 << 24, LimitsConfig.DEFAULT_PRE_AUTHORIZATIONS);
        final int posSales = s.optionalInteger("pos-sales", 0, 1 << 24, LimitsConfig.DEFAULT_POS_SALES);
        // Not below the shortest wait the journal keeps (1 ms): a request refused for its wait must show it in its record.
        final Duration requestDeadline = s.duration("request-deadline", Duration.ofMillis(1), Duration.ofMinutes(5));
        if (problems.count() == mark && duplicateHistory < 2L * inFlight)
        {
            // A request in flight keeps its history entry (its reversal advice is built from it), so the history
            // must hold every request in flight and room besides.
            problems.add(s.origin("duplicate-history"), s.key("duplicate-history"),
                "must be at least twice in-flight (" + inFlight + "), got " + duplicateHistory);
        }
        if (problems.count() == mark && adviceQueue < inFlight)
        {
            // Every request in flight keeps room in its issuer's share of the queue for the 0420 its time-out owes: a
            // smaller queue would refuse requests (91) before the in-flight table is full, the shares split evenly.
            problems.add(s.origin("advice-queue"), s.key("advice-queue"), "must be at least in-flight (" + inFlight + "), got " + adviceQueue +
                ": each request in flight keeps room in its issuer's share of the queue for the 0420 it may owe");
        }
        s.finish();
        return problems.count() == mark ?
            new LimitsConfig(maxAmount, currencies, blockedMcc, maxPerMinute, duplicateWindow, duplicateHistory, duplicateKeys, inFlight,
                adviceQueue, cardsPerMinute, preAuthorizations, posSales, requestDeadline) : null;
    }

    /**
     * Where a listener's MAC keys come from, and whether its dialect can carry them: a UnionPay POS terminal gets its
     * keys at sign-on, in field 62 under its own master key; an ISO 8583:1987 acquirer host by key change (0800/101),
     * in field 48 under the listener's zone master key. A dialect without room for them would fail every sign-on or
     * key change at run time; a master key nothing uses is a mistake in the file.
     */
    private MacAlgorithm macKeys(final Section s, final Dialect dialect, final boolean mac, final MacAlgorithm requested, final String masterKey)
    {
        if (!mac)
        {
            if (masterKey != null)
            {
                problems.add(s.origin("master-key"), s.key("master-key"), "is used only with mac = true: it is what the acquirer host's key " +
                    "change (0800/101) sends the MAC and PIN keys under");
            }
            if (requested != null)
            {
                problems.add(s.origin("mac-algorithm"), s.key("mac-algorithm"), "is used only with mac = true");
            }
        }
        else if (carriesWorkingKeys(dialect))
        {
            if (masterKey != null)
            {
                problems.add(s.origin("master-key"), s.key("master-key"), "is for ISO 8583:1987 acquirer hosts; on " + dialect.name() +
                    " each terminal signs on with a master key of its own (terminals[].master-key)");
            }
            if (requested != null)
            {
                problems.add(s.origin("mac-algorithm"), s.key("mac-algorithm"), "is for ISO 8583:1987 acquirer hosts; " + dialect.name() +
                    " terminals MAC with the UnionPay ECB MAC");
            }
        }
        else if (!carriesKeyExchange(dialect))
        {
            problems.add(s.origin("mac"), s.key("mac"), "true needs a dialect that carries the working keys: in a binary field " +
                WorkingKeys.FIELD + " of " + WorkingKeys.WITH_TRACK_KEY + " bytes at sign-on (cups), or in a text field " + KeyExchange.FIELD +
                " of " + KeyExchange.TEXT_LENGTH + " characters at key change, with field 64 (iso87b); " + dialect.name() + " has neither");
        }
        else if (masterKey == null)
        {
            problems.add(s.origin("mac"), s.key("mac"), "true on " + dialect.name() + " needs master-key: the zone master key (" +
                (requested == MacAlgorithm.CMAC ? "AES, 32, 48 or 64" : "32 or 48") + " hex digits) shared with the acquirer host, under which " +
                "its key change (0800/101) gets the MAC and PIN keys");
        }
        else
        {
            return requested == null ? MacAlgorithm.RETAIL : requested;
        }
        return null;
    }

    /**
     * A double or triple length DES key that is as strong as its length: triple DES with two equal neighbouring
     * 8-byte parts (K1 = K2, or K2 = K3) is single DES, which a key under it would be no safer than.
     */
    private static String tripleDesKey(final String hex)
    {
        final byte[] key = HexFormat.of().parseHex(hex);
        for (int part = 8; part + 8 <= key.length; part += 8)
        {
            boolean same = true;
            for (int i = 0; i < 8; i++)
            {
                // DES ignores each byte's low bit (parity): parts that differ only there are the same key.
                same &= (key[part - 8 + i] & 0xFE) == (key[part + i] & 0xFE);
            }
            if (same)
            {
                throw new IllegalArgumentException("has two equal 8-byte parts next to each other, which makes it single DES: use a key " +
                    "made at random");
            }
        }
        return hex;
    }

    /** A key as upper-case hex, of one of the lengths in hex digits. */
    private static String key(final String text, final int... hexDigits)
    {
        return HexFormat.of().withUpperCase().formatHex(hex(text, hexDigits));
    }

    private static boolean carriesWorkingKeys(final Dialect dialect)
    {
        final FieldSpec keys = dialect.field(WorkingKeys.FIELD);
        return keys != null && keys.type() == FieldType.B && keys.maxLength() >= WorkingKeys.WITH_TRACK_KEY && dialect.defines(64);
    }

    private static boolean carriesKeyExchange(final Dialect dialect)
    {
        final FieldSpec keys = dialect.field(KeyExchange.FIELD);
        return keys != null && (keys.type() == FieldType.AN || keys.type() == FieldType.ANS) && keys.maxLength() >= KeyExchange.TEXT_LENGTH &&
            dialect.defines(64) && dialect.defines(70) && dialect.field(64).type() == FieldType.B && dialect.bitmapEncoding() == ValueEncoding.BINARY;
    }

    private ClearingConfig clearing(final Section s)
    {
        final int mark = problems.count();
        final int valueDate = s.integer("value-date-days", 0, 30);
        final MerchantDiscount discount = s.section("merchant-discount", this::merchantDiscount);
        final int interchange = s.integer("interchange-fee-bps", 0, MAX_BPS);
        final int[] switchFee = s.section("switch-fee", f ->
        {
            final int[] bps = {f.integer("acquirer-bps", 0, MAX_BPS), f.integer("issuer-bps", 0, MAX_BPS)};
            f.finish();
            return bps;
        });
        s.finish();
        return problems.count() == mark ?
            new ClearingConfig(valueDate, discount.defaultBps(), discount.groups(), interchange, switchFee[0], switchFee[1]) : null;
    }

    private MerchantDiscount merchantDiscount(final Section s)
    {
        final int mark = problems.count();
        final int defaultBps = s.integer("default-bps", 0, MAX_BPS);
        final List<ClearingConfig.DiscountGroup> groups = new ArrayList<>();
        final Map<String, String> names = new LinkedHashMap<>();
        final Map<Integer, String> grouped = new LinkedHashMap<>();
        for (final Section g : s.sections("groups"))
        {
            final int before = problems.count();
            final String name = g.parsed("name", ConfigReader::name);
            unique(g, "name", name, names);
            final List<Integer> mccs = g.integers("mcc", 0, 9_999);
            for (final int mcc : mccs)
            {
                final String other = grouped.putIfAbsent(mcc, name);
                if (other != null)
                {
                    problems.add(g.origin("mcc"), g.key("mcc"), "MCC " + mcc + " is already in group '" + other + "'");
                }
            }
            final int bps = g.integer("bps", 0, MAX_BPS);
            g.finish();
            if (problems.count() == before)
            {
                groups.add(new ClearingConfig.DiscountGroup(name, mccs, bps));
            }
        }
        s.finish();
        return problems.count() == mark ? new MerchantDiscount(defaultBps, groups) : null;
    }

    private KeysConfig keys(final Section s, final Boolean loopbackOnly)
    {
        final int mark = problems.count();
        final byte[] panEncryption = key(s, "pan-encryption", loopbackOnly);
        final byte[] panHash = key(s, "pan-hash", loopbackOnly);
        s.finish();
        return problems.count() == mark ? new KeysConfig(panEncryption, panHash) : null;
    }

    /** A 32-byte key; off loopback, the demo key published in the defaults is refused. */
    private byte[] key(final Section s, final String name, final Boolean loopbackOnly)
    {
        final byte[] key = s.parsed(name, text -> hex(text, 64));
        if (key != null && Boolean.FALSE.equals(loopbackOnly))
        {
            final byte[] demo = HexFormat.of().parseHex(defaults.getString(ROOT + ".keys." + name));
            if (MessageDigest.isEqual(key, demo))
            {
                problems.add(s.origin(name), s.key(name), "is the published demo key; with loopback-only = false set a key of your own");
            }
        }
        return key;
    }

    /** Off loopback, a key of the demo's (upper-case hex, as keys are read) is refused where it is set. */
    private void notDemoKey(final Section s, final String name, final String key, final Boolean loopbackOnly)
    {
        if (key != null && Boolean.FALSE.equals(loopbackOnly) && demoKeys.contains(key))
        {
            problems.add(s.origin(name), s.key(name), "is a demo key published in the defaults; with loopback-only = false set a key of your own");
        }
    }

    private JournalSettings journal(final Section s)
    {
        final int mark = problems.count();
        final Path dir = s.parsed("dir", ConfigReader::path);
        final Durability durability = s.choice("durability", Durability.class);
        s.finish();
        return problems.count() == mark ? new JournalSettings(dir, durability) : null;
    }

    private void unique(final Section s, final String name, final String value, final Map<String, String> seen)
    {
        if (value == null)
        {
            return;
        }
        final String first = seen.putIfAbsent(value, s.path());
        if (first != null)
        {
            problems.add(s.origin(name), s.key(name), "duplicate '" + value + "', already the " + name + " of " + first);
        }
    }

    private void checkLoopback(final Section s, final String name, final String host, final Boolean loopbackOnly)
    {
        if (host != null && Boolean.TRUE.equals(loopbackOnly) && !isLoopback(host))
        {
            problems.add(s.origin(name), s.key(name), "'" + host + "' is not a loopback address, and loopback-only = true");
        }
    }

    private static Map<String, Framing> framings()
    {
        final Map<String, Framing> framings = new LinkedHashMap<>();
        framings.put("binary-2", Framing.BINARY_2);
        framings.put("ascii-4", Framing.ASCII_4);
        framings.put("unionpay-pos", Framing.UNIONPAY_POS);
        return Collections.unmodifiableMap(framings);
    }

    private static <T> void add(final List<T> list, final T item)
    {
        if (item != null)
        {
            list.add(item);
        }
    }

    private static String nodeId(final String text)
    {
        if (!NODE_ID.matcher(text).matches())
        {
            throw new IllegalArgumentException("must be 4 letters or digits, got '" + text + "'");
        }
        return text;
    }

    private static String name(final String text)
    {
        if (!NAME.matcher(text).matches())
        {
            throw new IllegalArgumentException("must be 1 to 32 letters, digits, '.', '_' or '-', got '" + text + "'");
        }
        return text;
    }

    private static LocalTime timeOfDay(final String text)
    {
        try
        {
            return LocalTime.parse(text);
        }
        catch (final DateTimeParseException e)
        {
            throw new IllegalArgumentException("expected a time of day such as \"23:00\", got '" + text + "'", e);
        }
    }

    private static ZoneId zone(final String text)
    {
        try
        {
            return ZoneId.of(text);
        }
        catch (final DateTimeException e)
        {
            throw new IllegalArgumentException("unknown time zone '" + text + "'; use a region such as \"Asia/Shanghai\", or \"UTC\"", e);
        }
    }

    private static Dialect dialect(final String text)
    {
        final Dialect dialect = Dialects.byName(text);
        if (dialect == null)
        {
            throw new IllegalArgumentException("unknown dialect '" + text + "'; known: " + String.join(", ", Dialects.names()));
        }
        return dialect;
    }

    private static Framing framing(final String text)
    {
        final Framing framing = FRAMINGS.get(text);
        if (framing == null)
        {
            throw new IllegalArgumentException("unknown framing '" + text + "'; known: " + String.join(", ", FRAMINGS.keySet()));
        }
        return framing;
    }

    /** An IP address or a host name; no look-up happens here, a name is resolved when the link binds or connects. */
    private static String host(final String text)
    {
        if (NetUtil.createByteArrayFromIpAddressString(text) == null && !HOST_NAME.matcher(text).matches())
        {
            throw new IllegalArgumentException("'" + text + "' is neither an IP address nor a host name");
        }
        return text;
    }

    /** Without a look-up: a loopback IP address, or the name localhost, which resolves to loopback by definition (RFC 6761). */
    static boolean isLoopback(final String host)
    {
        final byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
        if (address == null)
        {
            return host.equalsIgnoreCase("localhost");
        }
        try
        {
            return InetAddress.getByAddress(address).isLoopbackAddress();
        }
        catch (final UnknownHostException e)
        {
            // getByAddress throws only for a length other than 4 or 16, which NetUtil never returns.
            throw new IllegalStateException(e);
        }
    }

    private static Cidr cidr(final String text)
    {
        return Cidr.parse(text);
    }

    private static String digits(final String text, final int maxLength, final String what)
    {
        if (text.isEmpty() || text.length() > maxLength || !Text.isDigits(text))
        {
            throw new IllegalArgumentException("must be 1 to " + maxLength + " digits, " + what + ", got '" + text + "'");
        }
        return text;
    }

    private static String bin(final String text)
    {
        if (text.length() < 6 || text.length() > 11 || !Text.isDigits(text))
        {
            throw new IllegalArgumentException("must be 6 to 11 digits, got '" + text + "'");
        }
        return text;
    }

    /** ISO 8583 "ans": printable ASCII, space included. */
    private static String ans(final String text, final int minLength, final int maxLength, final String what)
    {
        final String size = minLength == maxLength ? String.valueOf(maxLength) : minLength + " to " + maxLength;
        if (text.length() < minLength || text.length() > maxLength)
        {
            throw new IllegalArgumentException("must be " + size + " characters, " + what + ", got " + text.length() + " ('" + text + "')");
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E)
            {
                throw new IllegalArgumentException("must be printable ASCII, " + what + ", got U+" +
                    String.format(Locale.ROOT, "%04X", (int) c) + " at position " + (i + 1));
            }
        }
        return text;
    }

    /** Hex digits, either case, of one of the {@code lengths} (in digits). */
    private static byte[] hex(final String text, final int... lengths)
    {
        boolean fits = false;
        final List<String> allowed = new ArrayList<>();
        for (final int length : lengths)
        {
            fits |= text.length() == length;
            allowed.add(String.valueOf(length));
        }
        if (!fits)
        {
            throw new IllegalArgumentException("must be " + String.join(", ", allowed).replaceFirst(", (\\d+)$", " or $1") +
                " hex digits, got " + text.length());
        }
        for (int i = 0; i < text.length(); i++)
        {
            if (Character.digit(text.charAt(i), 16) < 0)
            {
                throw new IllegalArgumentException("must be hex digits, got '" + text.charAt(i) + "' at position " + (i + 1));
            }
        }
        return HexFormat.of().parseHex(text);
    }

    private static Path path(final String text)
    {
        if (text.isBlank())
        {
            throw new IllegalArgumentException("must not be empty");
        }
        try
        {
            return Path.of(text);
        }
        catch (final InvalidPathException e)
        {
            throw new IllegalArgumentException("is not a path: " + e.getReason(), e);
        }
    }

    /** A BIN range, the entry it was read from and its position, for the overlap check. */
    /** clearing.merchant-discount as read, before it joins the rest of ClearingConfig. */
    private record MerchantDiscount(int defaultBps, List<ClearingConfig.DiscountGroup> groups)
    {
    }

    private record PlacedRange(BinRange value, Section section, int index)
    {
    }
}
