package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOUtil;
import org.jpos.iso.packager.ISO87APackager;
import org.jpos.iso.packager.ISO87BPackager;
import org.jpos.iso.ISOBasePackager;
import org.junit.jupiter.api.Test;

class JposSmokeTest
{
    private static ISOMsg purchase(final ISOBasePackager packager) throws Exception
    {
        final ISOMsg m = new ISOMsg("0200");
        m.setPackager(packager);
        m.set(2, "4761739001010119");
        m.set(3, "000000");
        m.set(4, "000000001000");
        m.set(7, "1126050912");
        m.set(11, "000123");
        m.set(12, "050912");
        m.set(13, "1126");
        m.set(14, "2512");
        m.set(22, "051");
        m.set(25, "00");
        m.set(28, "C00000150");
        m.set(35, "4761739001010119=25122011143804400000");
        m.set(37, "123456789012");
        m.set(41, "TERM0001");
        m.set(42, "MERCHANT0000001");
        m.set(49, "840");
        m.set(52, ISOUtil.hex2byte("0123456789ABCDEF"));
        m.set(64, ISOUtil.hex2byte("1122334455667788"));
        m.set(70, "301");
        m.set(97, "D0000000000001234");
        return m;
    }

    @Test
    void readsAndWritesWhatJposPacks() throws Exception
    {
        for (final boolean binary : new boolean[] {true, false})
        {
            final ISOMsg m = purchase(binary ? new ISO87BPackager() : new ISO87APackager());
            final byte[] packed = m.pack();
            final Dialect dialect = binary ? Iso87.BINARY : Iso87.ASCII;
            final MessageReader reader = new MessageReader(dialect);
            assertEquals(DecodeError.NONE, reader.wrap(packed, 0, packed.length), reader.toString());
            assertEquals(200, reader.mti());
            for (int f = 2; f <= 128; f++)
            {
                assertEquals(m.hasField(f), reader.has(f), "field " + f);
                if (m.hasField(f))
                {
                    final Object v = m.getValue(f);
                    final String expected = v instanceof byte[] ? ISOUtil.hexString((byte[])v) : (String)v;
                    assertEquals(expected, reader.getString(f), "field " + f);
                }
            }
            final UnsafeBuffer out = new UnsafeBuffer(new byte[1024]);
            final MessageWriter writer = new MessageWriter(dialect).wrap(out, 0).mti(200);
            for (int f = 2; f <= 128; f++)
            {
                if (reader.has(f))
                {
                    writer.putString(f, reader.getString(f));
                }
            }
            final int n = writer.finish();
            final byte[] ours = new byte[n];
            out.getBytes(0, ours);
            assertArrayEquals(packed, ours, ISOUtil.hexString(packed) + "\n" + ISOUtil.hexString(ours));
        }
    }
}
