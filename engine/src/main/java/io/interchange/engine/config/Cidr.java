package io.interchange.engine.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

import io.netty.util.NetUtil;

/**
 * An IPv4 or IPv6 network in CIDR notation, such as {@code 10.1.0.0/16} or {@code fd00::/8}; a bare address is
 * the network of that one address. An IPv4 network never contains an IPv6 address and the reverse, whatever the
 * prefix: {@code 0.0.0.0/0} is every IPv4 client, not every client. (Java reports an IPv4 client on a dual-stack
 * socket as an IPv4 address, so IPv4 networks are what match it.)
 *
 * @param network      the network's first address; no bit beyond the prefix is set.
 * @param prefixLength leading bits that must match: 0..32 for IPv4, 0..128 for IPv6.
 */
public record Cidr(InetAddress network, int prefixLength)
{
    public Cidr
    {
        Objects.requireNonNull(network, "network");
        final byte[] bytes = network.getAddress();
        final int bits = bytes.length * 8;
        if (prefixLength < 0 || prefixLength > bits)
        {
            throw new IllegalArgumentException("prefix /" + prefixLength + " is outside 0.." + bits + " for " + family(bytes));
        }
        for (int bit = prefixLength; bit < bits; bit++)
        {
            if ((bytes[bit >>> 3] & (0x80 >>> (bit & 7))) != 0)
            {
                // 10.0.0.1/8 is far more often a typo for 10.0.0.1/32 than a way to write 10.0.0.0/8: refuse both readings.
                throw new IllegalArgumentException(NetUtil.toAddressString(network) + " has bits set beyond its /" + prefixLength + " prefix");
            }
        }
    }

    /**
     * Reads {@code 192.168.1.0/24}, {@code 2001:db8::/32} or a bare address, without any name look-up.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}.
     */
    public static Cidr parse(final String text)
    {
        final int slash = text.indexOf('/');
        final String address = slash < 0 ? text : text.substring(0, slash);
        final byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null)
        {
            throw new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address");
        }
        final int prefixLength;
        if (slash < 0)
        {
            prefixLength = bytes.length * 8;
        }
        else
        {
            final String prefix = text.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9'))
            {
                throw new IllegalArgumentException("'/" + prefix + "' is not a prefix length");
            }
            prefixLength = Integer.parseInt(prefix);
        }
        try
        {
            return new Cidr(InetAddress.getByAddress(bytes), prefixLength);
        }
        catch (final UnknownHostException e)
        {
            // getByAddress throws only for a length other than 4 or 16, which NetUtil never returns.
            throw new IllegalStateException(e);
        }
    }

    /** Says whether {@code address} is in this network. */
    public boolean contains(final InetAddress address)
    {
        final byte[] candidate = address.getAddress();
        final byte[] bytes = network.getAddress();
        if (candidate.length != bytes.length)
        {
            return false;
        }
        final int whole = prefixLength >>> 3;
        for (int i = 0; i < whole; i++)
        {
            if (candidate[i] != bytes[i])
            {
                return false;
            }
        }
        final int rest = prefixLength & 7;
        if (rest == 0)
        {
            return true;
        }
        final int mask = (0xFF00 >>> rest) & 0xFF;
        return (candidate[whole] & mask) == (bytes[whole] & mask);
    }

    /** The CIDR notation, e.g. {@code 127.0.0.0/8}. */
    @Override
    public String toString()
    {
        return NetUtil.toAddressString(network) + "/" + prefixLength;
    }

    private static String family(final byte[] bytes)
    {
        return bytes.length == 4 ? "IPv4" : "IPv6";
    }
}
