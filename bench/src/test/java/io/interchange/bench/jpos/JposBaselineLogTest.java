package io.interchange.bench.jpos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.CardStatus;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;

/**
 * The jPOS baseline's {@code --log-messages} trail: "PAN masked, track data and PIN block wiped" (ProtectedLogListener).
 * A frame that does not unpack (the load harness's default mix sends 2 % malformed, among them a track 2 that declares
 * 99 digits) makes jPOS's BaseChannel.receive log the whole frame as a hex dump ("--- data ---"), a String that
 * ProtectedLogListener passes through: {@link RawFrameWithholder} takes it out, where the PAN, track 2 and the PIN
 * block landed in q2.log in clear.
 */
class JposBaselineLogTest
{
    private static final String PAN = "4761730000000011";
    private static final String TRACK_2 = PAN + "=30121010000000000000";
    private static final String PIN_BLOCK = "0412AC89ABCDEF67";

    @Test
    void shouldNotWriteAMalformedFramesCardDataToTheProtectedLog(@TempDir final Path dir) throws Exception
    {
        try (IssuerSimulator issuerA = new IssuerSimulator(book(PAN), IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(book("6228480000000015"), IssuerSimConfig.defaults()).start())
        {
            final int port = freePort();
            final Path logFile;
            try (JposSwitch baseline = JposSwitch.start(new JposSwitch.Settings(port,
                List.of(new JposSwitch.Issuer("issuer-a", List.of("476173"), issuerA.port()),
                    new JposSwitch.Issuer("issuer-b", List.of("622848"), issuerB.port())), 2, 5_000, true), dir))
            {
                logFile = baseline.dir().resolve("log").resolve("q2.log");
                final byte[] frame = malformedPurchase();
                try (Socket socket = new Socket(JposSwitch.LOOPBACK, port))
                {
                    final DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                    out.writeShort(frame.length);
                    out.write(frame);
                    out.flush();
                    // jPOS closes the session on the unpack error; wait for it so the log event is written.
                    socket.setSoTimeout(10_000);
                    try
                    {
                        while (socket.getInputStream().read() >= 0)
                        {
                            // drain
                        }
                    }
                    catch (final IOException ignored)
                    {
                        // reset or time-out: either way jPOS has handled the frame
                    }
                }
            }
            final String log = Files.readString(logFile);
            assertTrue(log.contains("raw frame withheld"), () -> "the malformed frame's event, its dump withheld:\n" + log);
            final String dumped = hexDumpBytes(log);
            assertFalse(dumped.contains(PAN.toLowerCase()),
                () -> "q2.log holds the clear PAN (BCD) in a hex dump of the malformed frame:\n" + excerpt(log));
            assertFalse(dumped.contains(PIN_BLOCK.toLowerCase()), "q2.log holds the clear PIN block");
        }
    }

    /** A jPOS-packed ISO 8583:1987 binary 0200 with 2, 35 and 52, its field 35 length prefix then set to 99 (max 37). */
    private static byte[] malformedPurchase() throws Exception
    {
        final ISOMsg m = new ISOMsg("0200");
        m.setPackager(new ISO87BPackager());
        m.set(2, PAN);
        m.set(3, "000000");
        m.set(4, "000000001000");
        m.set(7, "0310140000");
        m.set(11, "000042");
        m.set(14, "3012");
        m.set(22, "051");
        m.set(25, "00");
        m.set(35, TRACK_2);
        m.set(41, "TERM0001");
        m.set(42, "MERCHANT0000001");
        m.set(49, "840");
        m.set(52, HexFormat.of().parseHex(PIN_BLOCK));
        final byte[] packed = m.pack();
        // field 35: its one-byte BCD length 0x37, then the track's BCD, which starts with the PAN; the second PAN in the frame.
        final byte[] pan = HexFormat.of().parseHex(PAN);
        final int first = indexOf(packed, pan, 0);
        final int second = indexOf(packed, pan, first + 1);
        assertEquals(0x37, packed[second - 1] & 0xFF, "field 35's length prefix");
        packed[second - 1] = (byte)0x99;
        return packed;
    }

    /** Every byte of every jPOS hex dump line ({@code 0000  02 00 72 ...}) in the log, as one lower-case hex string. */
    private static String hexDumpBytes(final String log)
    {
        final Pattern line = Pattern.compile("^\\s*[0-9A-Fa-f]{4}  ((?:[0-9A-Fa-f]{2} {1,2}){1,16})", Pattern.MULTILINE);
        final Matcher m = line.matcher(log);
        final StringBuilder sb = new StringBuilder();
        while (m.find())
        {
            sb.append(m.group(1).replace(" ", "").toLowerCase());
        }
        return sb.toString();
    }

    private static String excerpt(final String log)
    {
        final int at = log.indexOf("--- data ---");
        return at < 0 ? log : log.substring(Math.max(0, at - 300), Math.min(log.length(), at + 900));
    }

    private static int indexOf(final byte[] haystack, final byte[] needle, final int from)
    {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static CardBook book(final String pan)
    {
        return CardBook.of(List.of(new CardAccount(pan, CardStatus.ACTIVE, 3012, 100_000, 500_000, 0)));
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(JposSwitch.LOOPBACK)))
        {
            return socket.getLocalPort();
        }
    }
}
