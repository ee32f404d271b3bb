package io.interchange.engine.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.typesafe.config.ConfigFactory;

/**
 * Everything the switch is configured with, read from a HOCON file over the embedded defaults
 * ({@code io/interchange/engine/config/defaults.conf}, a demo that runs on one machine) and checked completely before
 * anything starts: a value that is here is valid, and references between entries (terminal to merchant, BIN range to
 * issuer) hold. Immutable; the {@code with...} methods return changed copies, for tests that bind ephemeral ports.
 *
 * @param nodeId       four letters or digits that name this node (the node= key of its JMX name).
 * @param businessDay  when the business day closes.
 * @param ring         the Disruptor ring.
 * @param loopbackOnly whether every listener and issuer link is on a loopback address (the demo keys are allowed only then).
 * @param listeners    the acquirer-facing ports, names unique.
 * @param issuers      the issuer hosts, ids unique.
 * @param binTable     card ranges to issuers; ranges of one length do not overlap.
 * @param merchants    card acceptors, ids unique.
 * @param terminals    their terminals, ids unique, each naming a merchant.
 * @param limits       the switch's own checks.
 * @param keys         the journal's PAN keys.
 * @param journal      where the journal lives and what an append survives.
 * @param clearing     end-of-day clearing: fees, value date, merchants' settlement accounts.
 */
public record SwitchConfig(
    String nodeId,
    BusinessDayConfig businessDay,
    RingConfig ring,
    boolean loopbackOnly,
    List<ListenerConfig> listeners,
    List<IssuerConfig> issuers,
    List<BinRange> binTable,
    List<MerchantConfig> merchants,
    List<TerminalConfig> terminals,
    LimitsConfig limits,
    KeysConfig keys,
    JournalSettings journal,
    ClearingConfig clearing)
{
    public SwitchConfig
    {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(businessDay, "businessDay");
        Objects.requireNonNull(ring, "ring");
        listeners = List.copyOf(listeners);
        issuers = List.copyOf(issuers);
        binTable = List.copyOf(binTable);
        merchants = List.copyOf(merchants);
        terminals = List.copyOf(terminals);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(clearing, "clearing");
    }

    /** The embedded defaults alone: the demo. */
    public static SwitchConfig defaults()
    {
        return ConfigReader.read(ConfigFactory::empty);
    }

    /**
     * The file's values over the embedded defaults. Lists in the file replace the defaults' lists whole; to add to
     * one, write {@code merchants += { ... }}. {@code ${?NAME}} reads an environment variable.
     *
     * @throws ConfigError naming the file, line, key and reason of every problem found.
     */
    public static SwitchConfig load(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            throw new ConfigError(List.of(file + (Files.exists(file) ? ": not a file" : ": no such file")));
        }
        return ConfigReader.read(() -> ConfigFactory.parseFile(file.toFile(), ConfigReader.options(file.toString())));
    }

    /**
     * As {@link #load}, from text that messages call {@code originName}.
     *
     * @throws ConfigError naming {@code originName}, line, key and reason of every problem found.
     */
    public static SwitchConfig parse(final String hocon, final String originName)
    {
        return ConfigReader.read(() -> ConfigFactory.parseString(hocon, ConfigReader.options(originName)));
    }

    /** The listener called {@code name}. */
    public ListenerConfig listener(final String name)
    {
        for (final ListenerConfig listener : listeners)
        {
            if (listener.name().equals(name))
            {
                return listener;
            }
        }
        throw new IllegalArgumentException("no listener '" + name + "'");
    }

    /** The issuer whose id is {@code id}. */
    public IssuerConfig issuer(final String id)
    {
        for (final IssuerConfig issuer : issuers)
        {
            if (issuer.id().equals(id))
            {
                return issuer;
            }
        }
        throw new IllegalArgumentException("no issuer '" + id + "'");
    }

    /** A copy where listener {@code name} binds {@code port}; 0 lets the system pick a free one. */
    public SwitchConfig withListenerPort(final String name, final int port)
    {
        final ListenerConfig changed = listener(name).withPort(port);
        final List<ListenerConfig> copy = new ArrayList<>(listeners);
        copy.replaceAll(listener -> listener.name().equals(name) ? changed : listener);
        return new SwitchConfig(nodeId, businessDay, ring, loopbackOnly, copy, issuers, binTable, merchants, terminals, limits, keys, journal, clearing);
    }

    /**
     * A copy where issuer {@code id} has one link, to its first link's host at {@code port}: what a test does once
     * a simulator has bound.
     */
    public SwitchConfig withIssuerPort(final String id, final int port)
    {
        return withIssuerLinks(id, List.of(new LinkAddress(issuer(id).links().get(0).host(), port)));
    }

    /** A copy where issuer {@code id} connects to {@code links}. */
    public SwitchConfig withIssuerLinks(final String id, final List<LinkAddress> links)
    {
        final IssuerConfig changed = issuer(id).withLinks(links);
        final List<IssuerConfig> copy = new ArrayList<>(issuers);
        copy.replaceAll(issuer -> issuer.id().equals(id) ? changed : issuer);
        return new SwitchConfig(nodeId, businessDay, ring, loopbackOnly, listeners, copy, binTable, merchants, terminals, limits, keys, journal, clearing);
    }

    /** A copy whose journal is in {@code dir}, such as a test's temporary directory. */
    public SwitchConfig withJournalDir(final Path dir)
    {
        final JournalSettings changed = new JournalSettings(dir, journal.durability());
        return new SwitchConfig(nodeId, businessDay, ring, loopbackOnly, listeners, issuers, binTable, merchants, terminals, limits, keys, changed, clearing);
    }
}
