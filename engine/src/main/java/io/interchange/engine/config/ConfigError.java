package io.interchange.engine.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is wrong with a configuration, every problem found, one per line of the message:
 * {@code <file>:<line>: <key>: <what is wrong>}, e.g. {@code switch.conf:12: listeners[1].port: must be 0..65535, got 70000}.
 * Keys are written from inside {@code interchange { }}, with list positions counted from 0.
 *
 * <p>No line quotes key material (DESIGN.md §7): a value quoted back ({@code got '...'}, and Typesafe Config's
 * {@code Key '...'}) shows each run of 16 or more hex digits as its length. A key put where another value belongs, or
 * on a line that lacks its {@code =}, would otherwise go to the terminal and whatever log keeps the switch's output.
 */
public final class ConfigError extends RuntimeException
{
    private static final long serialVersionUID = 1L;
    private static final Pattern QUOTED = Pattern.compile("'[^'\n]*'");
    /** A DES key is 16 hex digits, the longest AES key 64; a card number (13 to 19 digits) is hidden with them. */
    private static final Pattern KEY_LIKE = Pattern.compile("[0-9A-Fa-f]{16,}");

    private final String[] problems;

    ConfigError(final List<String> problems)
    {
        this(problems.stream().map(ConfigError::withoutKeys).toArray(String[]::new));
    }

    private ConfigError(final String[] problems)
    {
        super(String.join("\n", problems));
        this.problems = problems;
    }

    /** The line with every run of 16 or more hex digits inside single quotes replaced by its length. */
    static String withoutKeys(final String line)
    {
        final Matcher quoted = QUOTED.matcher(line);
        final StringBuilder out = new StringBuilder(line.length());
        while (quoted.find())
        {
            final Matcher key = KEY_LIKE.matcher(quoted.group());
            final StringBuilder hidden = new StringBuilder();
            while (key.find())
            {
                key.appendReplacement(hidden, "<" + key.group().length() + " hex digits, not shown>");
            }
            key.appendTail(hidden);
            quoted.appendReplacement(out, Matcher.quoteReplacement(hidden.toString()));
        }
        quoted.appendTail(out);
        return out.toString();
    }

    /**
     * A config that does not fit what it must run with, found once it was read (the journal's issuers and listeners:
     * {@code EndpointOrder}): {@code problem} starts with the key; the caller knows the file.
     */
    public static ConfigError of(final String problem)
    {
        return new ConfigError(List.of(problem));
    }

    /** The problems, one line each, in the order they were found (the order of the file, mostly). */
    public List<String> problems()
    {
        return List.of(problems);
    }
}
