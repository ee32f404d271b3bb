package io.interchange.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

class CidrTest
{
    /** Literals only: InetAddress.getByName does no look-up for them. */
    private static InetAddress ip(final String literal)
    {
        try
        {
            return InetAddress.getByName(literal);
        }
        catch (final UnknownHostException e)
        {
            throw new AssertionError(e);
        }
    }

    private static boolean contains(final String cidr, final String address)
    {
        return Cidr.parse(cidr).contains(ip(address));
    }

    @Test
    void shouldMatchEveryIpv4AddressWithSlashZeroButNoIpv6One()
    {
        assertTrue(contains("0.0.0.0/0", "8.8.8.8"));
        assertTrue(contains("0.0.0.0/0", "127.0.0.1"));
        assertTrue(contains("0.0.0.0/0", "255.255.255.255"));
        assertFalse(contains("0.0.0.0/0", "::1"));
    }

    @Test
    void shouldMatchOneIpv4AddressWithSlash32()
    {
        assertTrue(contains("127.0.0.1/32", "127.0.0.1"));
        assertFalse(contains("127.0.0.1/32", "127.0.0.2"));
        assertFalse(contains("127.0.0.1/32", "126.0.0.1"));
    }

    @Test
    void shouldMatchAnIpv4NetworkWithSlash24()
    {
        assertTrue(contains("192.168.1.0/24", "192.168.1.0"));
        assertTrue(contains("192.168.1.0/24", "192.168.1.255"));
        assertFalse(contains("192.168.1.0/24", "192.168.2.1"));
        assertFalse(contains("192.168.1.0/24", "192.168.0.255"));
    }

    @Test
    void shouldMatchPrefixesThatEndInsideAByte()
    {
        assertTrue(contains("10.0.0.0/13", "10.7.255.255"));
        assertFalse(contains("10.0.0.0/13", "10.8.0.0"));
        assertTrue(contains("2001:db8::/33", "2001:db8:7fff::1"));
        assertFalse(contains("2001:db8::/33", "2001:db8:8000::1"));
    }

    @Test
    void shouldMatchEveryIpv6AddressWithSlashZeroButNoIpv4One()
    {
        assertTrue(contains("::/0", "::1"));
        assertTrue(contains("::/0", "2001:db8::1"));
        assertTrue(contains("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertFalse(contains("::/0", "127.0.0.1"));
    }

    @Test
    void shouldMatchOneIpv6AddressWithSlash128()
    {
        assertTrue(contains("::1/128", "::1"));
        assertTrue(contains("::1/128", "0:0:0:0:0:0:0:1"));
        assertFalse(contains("::1/128", "::2"));
    }

    @Test
    void shouldMatchAnIpv6Network()
    {
        assertTrue(contains("2001:db8::/32", "2001:db8:ffff::1"));
        assertFalse(contains("2001:db8::/32", "2001:db9::"));
        assertTrue(contains("fe80::/64", "fe80::1234:5678"));
    }

    @Test
    void shouldReadABareAddressAsThatAddressAlone()
    {
        assertEquals(32, Cidr.parse("10.1.2.3").prefixLength());
        assertEquals(128, Cidr.parse("::1").prefixLength());
        assertTrue(contains("10.1.2.3", "10.1.2.3"));
        assertFalse(contains("10.1.2.3", "10.1.2.4"));
    }

    @Test
    void shouldWriteCidrNotation()
    {
        assertEquals("192.168.1.0/24", Cidr.parse("192.168.1.0/24").toString());
        assertEquals("2001:db8::/32", Cidr.parse("2001:0db8:0000::/32").toString());
        assertEquals(Cidr.parse("::1/128"), Cidr.parse("0:0:0:0:0:0:0:1"));
    }

    @Test
    void shouldRefuseBitsBeyondThePrefix()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.1/8"));
        assertEquals("10.0.0.1 has bits set beyond its /8 prefix", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("2001:db8::1/32"));
    }

    @Test
    void shouldRefusePrefixesLongerThanTheAddress()
    {
        assertEquals("prefix /33 is outside 0..32 for IPv4", assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage());
        assertEquals("prefix /129 is outside 0..128 for IPv6", assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::/129")).getMessage());
    }

    @Test
    void shouldRefuseWhatIsNotAnAddressWithoutLookingItUp()
    {
        assertEquals("'example.com' is not an IPv4 or IPv6 address",
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/24")).getMessage());
        assertEquals("'300.1.1.1' is not an IPv4 or IPv6 address", assertThrows(IllegalArgumentException.class, () -> Cidr.parse("300.1.1.1")).getMessage());
        assertEquals("'/' is not a prefix length", assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/")).getMessage());
        assertEquals("'/x8' is not a prefix length", assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x8")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/-1"));
    }
}
