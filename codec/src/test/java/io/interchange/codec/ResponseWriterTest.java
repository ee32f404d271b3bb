package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ResponseWriterTest
{
    private final UnsafeBuffer requestBuffer = new UnsafeBuffer(new byte[512]);
    private final UnsafeBuffer responseBuffer = new UnsafeBuffer(new byte[512]);
    private final MessageReader request = new MessageReader(Iso87.BINARY);
    private final MessageReader response = new MessageReader(Iso87.BINARY);
    private final MessageWriter writer = new MessageWriter(Iso87.BINARY);

    private void purchase()
    {
        final int length = new MessageWriter(Iso87.BINARY).wrap(requestBuffer, 0).mti(200)
            .putString(2, "4761739001010119").putString(3, "000000").putLong(4, 1000).putLong(11, 123)
            .putString(35, "4761739001010119=2512").putString(41, "TERM0001").putString(42, "MERCHANT0000001")
            .putString(49, "840").putString(52, "0123456789ABCDEF").putString(64, "1122334455667788")
            .finish();
        assertEquals(DecodeError.NONE, request.wrap(requestBuffer, 0, length));
    }

    @Test
    void shouldEchoWhatAResponseCarriesAndDropTrackPinAndMac()
    {
        purchase();
        final int length = new ResponseWriter(ResponseWriter.FINANCIAL_ECHO).begin(request, writer.wrap(responseBuffer, 0))
            .putString(38, "A1B2C3").putString(39, "00").finish();
        assertEquals(DecodeError.NONE, response.wrap(responseBuffer, 0, length));
        assertEquals(210, response.mti());
        for (final int f : new int[] {2, 3, 4, 11, 41, 42, 49})
        {
            assertEquals(request.getString(f), response.getString(f), "field " + f);
        }
        assertEquals("A1B2C3", response.getString(38));
        assertEquals("00", response.getString(39));
        assertFalse(response.has(35));
        assertFalse(response.has(52));
        assertFalse(response.has(64));
    }

    @Test
    void shouldLetTheResponderReplaceAnEchoedField()
    {
        purchase();
        final int length = new ResponseWriter(ResponseWriter.FINANCIAL_ECHO).begin(request, writer.wrap(responseBuffer, 0))
            .putLong(4, 500).putString(39, "10").finish();
        response.wrap(responseBuffer, 0, length);
        assertEquals(500, response.getLong(4));
        assertEquals(123, response.getLong(11));
    }

    @Test
    void shouldAnswerWithJustAResponseCode()
    {
        purchase();
        final int length = new ResponseWriter(11, 41).respond(request, writer.wrap(responseBuffer, 0), "30");
        response.wrap(responseBuffer, 0, length);
        assertEquals("30", response.getString(39));
        assertEquals(123, response.getLong(11));
        assertFalse(response.has(2));
    }

    @Test
    void shouldTranslateBetweenDialects()
    {
        purchase();
        final MessageWriter asciiWriter = new MessageWriter(Iso87.ASCII);
        final int length = new ResponseWriter(ResponseWriter.FINANCIAL_ECHO).respond(request, asciiWriter.wrap(responseBuffer, 0), "00");
        final MessageReader asciiResponse = new MessageReader(Iso87.ASCII);
        assertEquals(DecodeError.NONE, asciiResponse.wrap(responseBuffer, 0, length));
        assertEquals("4761739001010119", asciiResponse.getString(2));
        assertEquals(1000, asciiResponse.getLong(4));
    }

    @Test
    void shouldKeepFieldsInWireOrder()
    {
        writer.wrap(responseBuffer, 0).mti(210).putLong(11, 1);
        assertThrows(IllegalStateException.class, () -> writer.putString(4, "1"));
        assertThrows(IllegalArgumentException.class, () -> writer.putString(39, "123"));
        assertThrows(IllegalArgumentException.class, () -> writer.putString(41, "1234567890"));
    }
}
