package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class MessageScannerTest
{
    @Test
    void shouldFindMtiStanAndMaskedPanWithoutReadingTheRest()
    {
        for (final Dialect dialect : new Dialect[] {Iso87.BINARY, Iso87.ASCII})
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
            final int length = new MessageWriter(dialect).wrap(buffer, 0).mti(200)
                .putString(2, "4761739001010119").putLong(4, 1000).putLong(11, 654321).putString(41, "TERM0001").finish();
            // Spoil field 41: the scanner stops at field 11 and must not notice.
            buffer.putByte(length - 1, (byte)0);
            final MessageScanner scanner = new MessageScanner(dialect);
            assertEquals(DecodeError.NONE, scanner.scan(buffer, 0, length - 3), dialect.name());
            assertEquals(200, scanner.mti());
            assertEquals(654321, scanner.stan());
            assertEquals("476173******0119", scanner.appendMaskedPan(new StringBuilder()).toString());
        }
    }

    @Test
    void shouldReportAStanItCouldNotReach()
    {
        final byte[] bytes = Hex.bytes("0800 0020000000000000 0001");
        final MessageScanner scanner = new MessageScanner(Iso87.BINARY);
        assertEquals(DecodeError.TRUNCATED, scanner.scan(new UnsafeBuffer(bytes), 0, bytes.length));
        assertEquals(800, scanner.mti());
        assertEquals(-1, scanner.stan());
        assertFalse(scanner.hasPan());
    }
}
