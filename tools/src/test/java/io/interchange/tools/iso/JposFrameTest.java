package io.interchange.tools.iso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import io.interchange.tools.Cli;
import org.jpos.iso.BaseChannel;
import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOPackager;
import org.jpos.iso.ISOUtil;
import org.jpos.iso.channel.ASCIIChannel;
import org.jpos.iso.channel.NACChannel;
import org.jpos.iso.packager.ISO87APackager;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.Test;

/** jPOS as the oracle: frames its channels put on a real socket decode, and what we encode is what it packs. */
class JposFrameTest
{
    private static final String TPDU_AND_HEADER = "6000020000" + "603100310701";

    private interface ChannelFactory
    {
        BaseChannel connectTo(int port);
    }

    private static ISOMsg purchase(final ISOPackager packager) throws ISOException
    {
        final ISOMsg m = new ISOMsg("0200");
        m.setPackager(packager);
        m.set(2, Cards.PAN);
        m.set(3, "000000");
        m.set(4, "000000001000");
        m.set(7, "1126050912");
        m.set(11, "000123");
        m.set(14, "2512");
        m.set(22, "051");
        m.set(28, "C00000150");
        m.set(35, Cards.TRACK2);
        m.set(37, "123456789012");
        m.set(41, "TERM0001");
        m.set(42, "MERCHANT0000001");
        m.set(49, "840");
        m.set(52, ISOUtil.hex2byte(Cards.PIN_BLOCK));
        m.set(64, ISOUtil.hex2byte("1122334455667788"));
        m.set(70, "301");
        return m;
    }

    /** The bytes a jPOS channel writes for one message, read from the other end of a loopback socket. */
    private static byte[] sentBy(final ChannelFactory factory, final ISOMsg m) throws IOException, ISOException
    {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final BaseChannel channel = factory.connectTo(server.getLocalPort());
            channel.connect();
            try (Socket peer = server.accept())
            {
                channel.send(m);
                channel.disconnect();
                return peer.getInputStream().readAllBytes();
            }
        }
    }

    private static void assertPurchase(final Cli.Result result)
    {
        final Dump dump = Dump.parse(result.out());
        assertEquals("0200", dump.header("MTI"));
        assertEquals(Cards.MASKED_PAN, dump.value(2));
        assertEquals("000000", dump.value(3));
        assertEquals("000000001000", dump.value(4));
        assertEquals("1126050912", dump.value(7));
        assertEquals("C00000150", dump.value(28));
        assertEquals("[protected, 37 digits]", dump.value(35));
        assertEquals("\"MERCHANT0000001\"", dump.value(42));
        assertEquals("[protected, 8 bytes]", dump.value(52));
        assertEquals("1122334455667788", dump.value(64));
        assertEquals("301", dump.value(70));
        assertFalse(result.out().contains(Cards.PAN), result::toString);
        assertFalse(result.out().contains(Cards.PIN_BLOCK), result::toString);
    }

    @Test
    void shouldDecodeFrameSentByJposNacChannel() throws Exception
    {
        final ISOMsg m = purchase(new ISO87BPackager());
        final byte[] frame = sentBy(port -> new NACChannel("127.0.0.1", port, new ISO87BPackager(), null), m);
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "iso87b", "--framing", "binary-2", ISOUtil.hexString(frame))
            .expectSuccess();
        assertPurchase(result);
        assertEquals(String.format("%04X           %d bytes follow", frame.length - 2, frame.length - 2),
            Dump.parse(result.out()).header("length"));
    }

    @Test
    void shouldDecodeFrameSentByJposNacChannelWithTpduAndHeader() throws Exception
    {
        final ISOMsg m = purchase(new ISO87BPackager());
        final byte[] frame = sentBy(port -> new NACChannel("127.0.0.1", port, new ISO87BPackager(), ISOUtil.hex2byte(TPDU_AND_HEADER)), m);
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "iso87b", "--framing", "unionpay-pos", ISOUtil.hexString(frame))
            .expectSuccess();
        assertPurchase(result);
        final Dump dump = Dump.parse(result.out());
        assertEquals("6000020000     id 60, destination 0002, source 0000", dump.header("TPDU"));
        assertEquals("603100310701", dump.header("header"));
    }

    @Test
    void shouldDecodeFrameSentByJposAsciiChannel() throws Exception
    {
        final ISOMsg m = purchase(new ISO87APackager());
        final byte[] frame = sentBy(port -> new ASCIIChannel("127.0.0.1", port, new ISO87APackager()), m);
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "iso87a", "--framing", "ascii-4", ISOUtil.hexString(frame))
            .expectSuccess();
        assertPurchase(result);
    }

    @Test
    void shouldEncodeWhatJposPacks() throws Exception
    {
        final String[] fields = {
            "0=0200", "2=" + Cards.PAN, "3=000000", "4=1000", "7=1126050912", "11=123", "14=2512", "22=051", "28=C150",
            "35=" + Cards.TRACK2, "37=123456789012", "41=TERM0001", "42=MERCHANT0000001", "49=840", "52=" + Cards.PIN_BLOCK,
            "64=1122334455667788", "70=301",
        };
        assertEquals(ISOUtil.hexString(purchase(new ISO87BPackager()).pack()), IsoRoundTripTest.encode("iso87b", fields));
        assertEquals(ISOUtil.hexString(purchase(new ISO87APackager()).pack()), IsoRoundTripTest.encode("iso87a", fields));
    }
}
