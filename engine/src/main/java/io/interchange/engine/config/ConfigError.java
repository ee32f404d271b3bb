package io.interchange.engine.config;

import java.util.List;

/**
 * What is wrong with a configuration, every problem found, one per line of the message:
 * {@code <file>:<line>: <key>: <what is wrong>}, e.g. {@code switch.conf:12: listeners[1].port: must be 0..65535, got 70000}.
 * Keys are written from inside {@code interchange { }}, with list positions counted from 0.
 */
public final class ConfigError extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String[] problems;

    ConfigError(final List<String> problems)
    {
        super(String.join("\n", problems));
        this.problems = problems.toArray(new String[0]);
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
