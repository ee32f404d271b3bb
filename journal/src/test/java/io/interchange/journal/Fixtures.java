package io.interchange.journal;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

import io.interchange.codec.Dialect;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;

/** Keys, a config and the messages the tests journal: a purchase whose every sensitive value is distinctive. */
final class Fixtures
{
    static final int ISO87B = 0;
    static final int ISO87A = 1;
    static final int CUPS = 2;
    static final List<Dialect> DIALECTS = List.of(Iso87.BINARY, Iso87.ASCII, UnionPayPos.DIALECT);

    static final LocalTime CUTOFF = LocalTime.of(23, 0);
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    static final String PAN = "4761739001010119";
    static final String TRACK_2 = PAN + "=25122011143804400";
    /** Track 1 (ISO/IEC 7813 format B); the CUPS dialect has no field 45. */
    static final String TRACK_1 = "B" + PAN + "^ZHANG/WEI^2512201100000000000000443000000";
    static final String PIN_BLOCK = "3A7F19C2E45B8D06";
    /** Track 2 equivalent data (tag 57): the PAN, D, expiry, service code and its own discretionary data. */
    static final String TAG_57 = PAN + "D25122015550001230";
    /** Contactless track 2 (tag 9F6B), F padded. */
    static final String TAG_9F6B = PAN + "D25122019876543F";

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Fixtures()
    {
    }

    static byte[] key(final int first)
    {
        final byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(first + 7 * i);
        }
        return key;
    }

    static JournalConfig config(final Path directory)
    {
        return JournalConfig.of(directory, CUTOFF, SHANGHAI, key(1), key(2), DIALECTS);
    }

    static long nanos(final String instant)
    {
        final Instant i = Instant.parse(instant);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    static byte[] hex(final String hex)
    {
        return HEX.parseHex(hex);
    }

    static String hex(final byte[] bytes)
    {
        return HEX.formatHex(bytes);
    }

    /** Field 55: the full chip data, or (stripped) what the journal keeps of it, in the same order. */
    static byte[] icc(final boolean stripped)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        tlv(out, "82", "3900");
        tlv(out, "9F26", "1122334455667788");
        if (!stripped)
        {
            tlv(out, "5A", PAN);
            tlv(out, "57", TAG_57);
        }
        tlv(out, "95", "0000008000");
        if (!stripped)
        {
            tlv(out, "9F6B", TAG_9F6B);
        }
        tlv(out, "5F34", "01");
        return out.toByteArray();
    }

    private static void tlv(final ByteArrayOutputStream out, final String tag, final String value)
    {
        final byte[] v = hex(value);
        out.writeBytes(hex(tag));
        out.write(v.length);
        out.writeBytes(v);
    }

    /**
     * A chip purchase with PIN (0200) in the dialect: with {@code sensitive}, as the terminal sends it; without, as
     * the journal restores it (no track 1 or 2, no PIN block, chip data stripped), for comparison.
     */
    static byte[] purchase(final int dialectId, final String stan, final boolean sensitive)
    {
        return purchase(dialectId, stan, sensitive, true);
    }

    /**
     * A magnetic-stripe purchase with PIN (0200) that carries the card number only in track 2, as a UnionPay POS
     * swipe does: no field 2 and no chip data. Without {@code sensitive}, as the journal restores it: no field 2 either.
     */
    static byte[] swipe(final int dialectId, final String stan, final boolean sensitive)
    {
        return purchase(dialectId, stan, sensitive, false);
    }

    private static byte[] purchase(final int dialectId, final String stan, final boolean sensitive, final boolean chip)
    {
        return build(dialectId, 200, w ->
        {
            if (chip)
            {
                w.putString(2, PAN);
            }
            w.putString(3, "000000").putString(4, "000000001000");
            if (dialectId != CUPS)
            {
                w.putString(7, "0310150912");
            }
            w.putString(11, stan).putString(12, "150912").putString(13, "0310").putString(14, "2512").putString(22, "051").putString(25, "00");
            if (sensitive)
            {
                w.putString(35, TRACK_2);
            }
            w.putString(37, "123456789012").putString(41, "TERM0001").putString(42, "MERCHANT0000001");
            if (sensitive && dialectId != CUPS)
            {
                w.putString(45, TRACK_1);
            }
            w.putString(49, "156");
            if (sensitive)
            {
                w.putString(52, PIN_BLOCK);
            }
            final byte[] icc = icc(!sensitive);
            if (chip && dialectId == CUPS)
            {
                w.putBytes(55, icc);
            }
            else if (chip)
            {
                w.putText(55, new UnsafeBuffer(icc), 0, icc.length);
            }
            w.putString(64, "1122334455667788");
        });
    }

    /** The approval (0210) of the purchase. */
    static byte[] approval(final int dialectId, final String stan)
    {
        return build(dialectId, 210, w ->
        {
            w.putString(2, PAN).putString(3, "000000").putString(4, "000000001000");
            if (dialectId != CUPS)
            {
                w.putString(7, "0310150912");
            }
            w.putString(11, stan).putString(12, "150912").putString(13, "0310").putString(37, "123456789012").putString(38, "A1B2C3")
                .putString(39, "00").putString(41, "TERM0001").putString(42, "MERCHANT0000001").putString(49, "156");
        });
    }

    /** A sign-on (0800): no PAN at all. */
    static byte[] signOn(final String stan)
    {
        return build(ISO87B, 800, w -> w.putString(7, "0310150912").putString(11, stan).putString(70, "001"));
    }

    static byte[] build(final int dialectId, final int mti, final Consumer<MessageWriter> fields)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2048]);
        final MessageWriter writer = new MessageWriter(DIALECTS.get(dialectId)).wrap(buffer, 0).mti(mti);
        fields.accept(writer);
        return Arrays.copyOf(buffer.byteArray(), writer.finish());
    }
}
