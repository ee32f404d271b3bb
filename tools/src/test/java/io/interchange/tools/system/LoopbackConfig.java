package io.interchange.tools.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import io.interchange.engine.config.SwitchConfig;

/** A switch config for a system test: its listeners on ports the OS picks, its two issuers at the test's simulators. */
final class LoopbackConfig
{
    private LoopbackConfig()
    {
    }

    /**
     * @param base    the embedded defaults, or a test's config over them.
     * @param issuerA the port issuer-a's simulator listens on.
     * @param issuerB the port issuer-b's simulator listens on (the same as issuer-a's where one simulator plays both).
     * @param journal the journal's directory, in the test's temp dir.
     */
    static SwitchConfig of(final SwitchConfig base, final int issuerA, final int issuerB, final Path journal)
    {
        return base.withListenerPort("pos-iso87", 0).withListenerPort("pos-cups", 0).withIssuerPort("issuer-a", issuerA)
            .withIssuerPort("issuer-b", issuerB).withJournalDir(journal);
    }

    /**
     * A switch with one POS listener ({@link #posListener}) and issuer-a alone ({@link #issuerA}) at {@code issuerPort},
     * its ring on {@code threads}, and tables sized for a test's few messages (two nodes may run in one test JVM).
     */
    static String oneIssuer(final String threads, final int issuerPort)
    {
        return """
            interchange {
              ring { size = 256, threads = %s }
              listeners = [ %s ]
              issuers = [ %s ]
              bin-table = [ { low = "476173", high = "476173", issuer = "issuer-a" } ]
              limits { in-flight = 256, duplicate-history = 1024, duplicate-keys = 1024, advice-queue = 1024, pre-authorizations = 1024,
                cards-per-minute = 1024 }
            }
            """.formatted(threads, posListener(0), issuerA(issuerPort));
    }

    /**
     * The ISO 8583:1987 POS listener of the system tests that run the switch on settings of their own, as an element
     * of {@code interchange.listeners}: on 127.0.0.1 at {@code port} (0: any; one fixed where each restart must bind
     * the port its terminals know), no MAC.
     */
    static String posListener(final int port)
    {
        return "{ name = \"pos-iso87\", host = \"127.0.0.1\", port = " + port + ", dialect = \"iso87b\", framing = \"binary-2\", " +
            "acquirer-id = \"10000001\", allow = [\"127.0.0.1/32\"], idle-timeout = 60s, max-frame = 4096, mac = false }";
    }

    /**
     * Issuer-a of the system tests that run the switch on settings of their own, as an element of
     * {@code interchange.issuers}: one connection to 127.0.0.1 at {@code port}, a 5 s time-out, no stand-in.
     */
    static String issuerA(final int port)
    {
        return "{ id = \"issuer-a\", institution-id = \"20000001\", links = [ { host = \"127.0.0.1\", port = " + port + " } ], connections = 1, " +
            "timeout = 5s, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 1s }, stand-in { enabled = false, floor-limit = 0 } }";
    }

    /**
     * A port nothing listens on now, for a switch's listener that each restart must bind again, so the test must know
     * it before the first start (a port found free and let go: another process could take it meanwhile, so not for an
     * issuer that must stay down, which is a {@link ReservedPort}). Picked below the kernel's ephemeral range: a port
     * from bind(0) is one any process's next outgoing connection may take as its own, and the switch could then not
     * bind it; below the range only a listener that asks for that very port could.
     */
    static int freePort() throws IOException
    {
        final int below = ephemeralLow();
        if (below <= 11_000)
        {
            // Nearly every port is ephemeral here: nowhere safer to pick from than the kernel's own choice.
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
            {
                return socket.getLocalPort();
            }
        }
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int port = 10_000 + ThreadLocalRandom.current().nextInt(below - 10_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress()))
            {
                return socket.getLocalPort();
            }
            catch (final IOException taken)
            {
                // In use: try another.
            }
        }
        throw new IOException("no free port between 10000 and " + below + " on 127.0.0.1 in 100 tries");
    }

    /** The first port of the kernel's ephemeral range (Linux), or the IANA one's where it cannot be read. */
    private static int ephemeralLow()
    {
        try
        {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
        }
        catch (final IOException | RuntimeException unreadable)
        {
            return 49_152;
        }
    }
}
