package io.interchange.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.frame.Framing;

class LoadOptionsTest
{
    @Test
    void shouldDefaultToAModerateOpenLoopAgainstTheEmbeddedSwitch()
    {
        final LoadOptions o = LoadOptions.defaults();
        assertEquals("127.0.0.1", o.host());
        assertEquals(8583, o.port());
        assertEquals(LoadMode.OPEN, o.mode());
        assertEquals(1_000, o.rate());
        assertEquals(Duration.ofSeconds(5), o.warmup());
        assertEquals(Duration.ofSeconds(30), o.duration());
        assertEquals(List.of("476173", "622848"), o.bins());
        assertEquals(Mix.DEFAULT, o.mix());
        assertEquals(Framing.BINARY_2, o.framing());
        assertEquals(false, o.settle(), "a switch keeps its batches across runs: settling is asked for");
        assertEquals(true, o.withSettle(true).withPort(9000).withConnections(2).settle(), "and kept by every with");
    }

    @Test
    void shouldRefuseAnythingButLoopback()
    {
        assertEquals("host '10.1.2.3' is not a loopback address: load runs go to 127.0.0.1, ::1 or localhost only",
            assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withHost("10.1.2.3")).getMessage());
        LoadOptions.defaults().withHost("localhost");
        LoadOptions.defaults().withHost("::1");
    }

    @Test
    void shouldKeepAtLeastOneTerminalAndAtMostOneEventLoopPerConnection()
    {
        final LoadOptions o = LoadOptions.defaults().withThreads(3).withConnections(40);
        assertEquals(40, o.terminals());
        assertEquals(3, o.eventLoops());
        assertEquals(2, LoadOptions.defaults().withThreads(3).withConnections(2).eventLoops());
        assertEquals("terminals 3 is not 4 (one per connection) to 100000",
            assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withTerminals(3)).getMessage());
    }

    @Test
    void shouldSayWhichValueIsOutOfRange()
    {
        assertEquals("rate 0 is not 1-10000000 requests a second",
            assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withRate(0)).getMessage());
        assertEquals("window 0 is not 1-65536", assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withWindow(0)).getMessage());
        assertEquals("port 0 is not 1-65535", assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withPort(0)).getMessage());
        assertEquals("duration PT0S is not at least 1ms",
            assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withDuration(Duration.ZERO)).getMessage());
        assertEquals("dialect cups is not iso87b or iso87a",
            assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withDialect(UnionPayPos.DIALECT, Framing.BINARY_2)).getMessage());
        assertEquals("framing with a fixed header (TPDU) is not supported",
            assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().withDialect(LoadOptions.defaults().dialect(), Framing.UNIONPAY_POS))
                .getMessage());
    }
}
