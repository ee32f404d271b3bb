package io.interchange.engine.config;

import java.util.Objects;

/**
 * One address an issuer link connects to.
 *
 * @param host an IP address or host name.
 * @param port 1..65535.
 */
public record LinkAddress(String host, int port)
{
    public LinkAddress
    {
        Objects.requireNonNull(host, "host");
    }
}
