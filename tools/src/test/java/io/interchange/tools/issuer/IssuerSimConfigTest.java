package io.interchange.tools.issuer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class IssuerSimConfigTest
{
    @Test
    void shouldListenOnLoopbackOnly()
    {
        assertEquals("localhost", IssuerSimConfig.defaults().withHost("localhost").host());
        assertEquals("::1", IssuerSimConfig.defaults().withHost("::1").host());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> IssuerSimConfig.defaults().withHost("192.0.2.1"));
        assertTrue(ex.getMessage().contains("not a loopback address"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IssuerSimConfig.defaults().withHost("0.0.0.0"));
    }

    @Test
    void shouldRefuseOutOfRangeSettings()
    {
        assertThrows(IllegalArgumentException.class, () -> IssuerSimConfig.defaults().withPort(65_536));
        assertThrows(IllegalArgumentException.class, () -> IssuerSimConfig.defaults().withRememberedTransactions(0));
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withNoAnswer(1.5));
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withNoAnswer(0.6).withGarbage(0.6));
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withDisconnect(Double.NaN));
    }

    @Test
    void shouldReadLatencyAsTheCommandLineWritesIt()
    {
        assertEquals(Latency.NONE, Latency.parse("0"));
        assertEquals(new Latency.Fixed(Duration.ofMillis(5)), Latency.parse("5ms"));
        assertEquals(new Latency.Uniform(Duration.ofNanos(250_000), Duration.ofSeconds(2)), Latency.parse("250us..2s"));
        assertEquals(new Latency.Exponential(Duration.ofMillis(7)), Latency.parse("exp:7ms"));
        for (final String text : new String[] {"0", "5ms", "250us..2s", "exp:7ms", "15ns"})
        {
            assertEquals(text, Latency.parse(text).toString());
        }
        for (final String bad : new String[] {"5", "fast", "5 ms", "20ms..1ms", "exp:", "-3ms", "..5ms"})
        {
            assertThrows(IllegalArgumentException.class, () -> Latency.parse(bad), bad);
        }
    }

    @Test
    void shouldDrawLatencyWithinItsRangeAndAroundItsMean()
    {
        final SplitMix64 random = new SplitMix64(1);
        final Latency uniform = Latency.parse("1ms..3ms");
        final Latency exponential = Latency.parse("exp:2ms");
        long sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            final long nanos = uniform.sampleNanos(random);
            assertTrue(nanos >= 1_000_000 && nanos <= 3_000_000, String.valueOf(nanos));
            final long tail = exponential.sampleNanos(random);
            assertTrue(tail >= 0, String.valueOf(tail));
            sum += tail;
        }
        final long mean = sum / 10_000;
        assertTrue(mean > 1_800_000 && mean < 2_200_000, "mean " + mean);
    }
}
