package io.interchange.engine.switching;

import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import io.interchange.codec.Dialect;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.MessageReader;
import io.interchange.codec.SensitiveData;
import io.interchange.codec.Track2;
import io.interchange.journal.KeptFields;

/**
 * What tells a retransmission from another request under the same key (DESIGN.md §4: the same bytes get the original
 * answer again, other content gets 94): a 64-bit hash of the request's content as the journal keeps it. After a
 * restart the switch knows the day's requests again from its journal, which never held their track data or PIN
 * block; a hash of the bytes as they came would make every card-present retransmission "other content" then. So
 * what goes in is what the journal gives back ({@link KeptFields}), and a request hashes the same when it comes in and
 * when it is recovered:
 * <ul>
 * <li>the MTI without its repeat digit (an 0221 repeats an 0220);</li>
 * <li>the card number as the switch read it, and from where: field 2, or track 2 for a swipe that sends no field 2
 *     (the journal seals either);</li>
 * <li>each field the journal copies as it came: its number and its bytes on the wire;</li>
 * <li>field 55 as the journal keeps it, its sensitive tags and PAN taken out, unless the journal leaves it out.</li>
 * </ul>
 * Left out, besides what the journal never holds (34, 35, 36, 45, 52, any field of the track code set, 55's sensitive
 * tags), is the MAC (64, 128): it covers those, so it could not be checked again from the journal, and it is a
 * matter of the terminal's keys, not of the request (a terminal that signs on again MACs its retransmission with a
 * new key). Nothing is given away by that: where terminals MAC, a request reaches the duplicate check only once its
 * MAC held (else A0), so what is hashed is what the terminal MACed. A request that differs only in what is left out
 * (the same card, amount, key and all, another PIN block) is the same request: it gets the original answer, before a
 * restart as after it, and is never sent to the issuer twice.
 *
 * <p>Not a cryptographic hash: the key already matched. Allocates nothing once it has seen the longest request; one
 * per switch handler (it holds scratch).
 */
final class RequestContent
{
    private static final int MAC = 64;
    private static final int SECONDARY_MAC = 128;
    private static final long ICC_BIT = Long.MIN_VALUE >>> (SensitiveData.ICC_DATA - 1);

    private final KeptFields kept;
    /** Per dialect, the fields hashed as they lie on the wire, as bitmap words: those the journal copies, less the MACs. */
    private final long[] asIsPrimary;
    private final long[] asIsSecondary;
    /** What is hashed, gathered: the card number, then the runs of fields hashed as they are, then field 55 as kept. */
    private final ExpandableArrayBuffer gathered = new ExpandableArrayBuffer(1_024);

    RequestContent(final List<Dialect> dialects)
    {
        kept = new KeptFields(dialects);
        asIsPrimary = new long[dialects.size()];
        asIsSecondary = new long[dialects.size()];
        for (int d = 0; d < dialects.size(); d++)
        {
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                if (f == MAC || f == SECONDARY_MAC || !kept.isCopied(d, f))
                {
                    continue;
                }
                if (f <= 64)
                {
                    asIsPrimary[d] |= Long.MIN_VALUE >>> (f - 1);
                }
                else
                {
                    asIsSecondary[d] |= Long.MIN_VALUE >>> (f - 65);
                }
            }
        }
    }

    /**
     * The hash of the request, in the dialect of index {@code dialectId}, whose card number the switch read as the
     * ASCII digits {@code pan[0, panLength)}, from track 2 when {@code panFromTrack}, else from field 2.
     *
     * <p>Consecutive fields lie back to back on the wire, so the fields hashed as they are go in a run at a time, one
     * copy for each stretch between fields left out (as the journal copies them): a request that came with its track
     * data and PIN block between them gathers the same bytes as the one recovered without. Then the bitmap of the
     * fields that went in, and the lengths, so that the bytes read one way only.
     */
    long hash(final int dialectId, final MessageReader request, final DirectBuffer pan, final int panLength, final boolean panFromTrack)
    {
        gathered.checkLimit(panLength + request.length());
        gathered.putBytes(0, pan, 0, panLength);
        final long primary = request.decodedPrimary() & asIsPrimary[dialectId];
        final long secondary = request.decodedSecondary() & asIsSecondary[dialectId];
        int length = gatherRuns(request, 0, primary, request.decodedPrimary() & ~primary, panLength);
        length = gatherRuns(request, 64, secondary, request.decodedSecondary() & ~secondary, length);
        final int fieldsLength = length - panLength;
        int iccLength = KeptFields.WITHHELD;
        if (request.has(SensitiveData.ICC_DATA) && !kept.isDropped(dialectId, SensitiveData.ICC_DATA))
        {
            iccLength = kept.keptIcc(request);
            if (iccLength != KeptFields.WITHHELD)
            {
                gathered.putBytes(length, kept.iccBuffer(), 0, iccLength);
                length += iccLength;
            }
        }

        // The MTI less its repeat digit (an 0221 repeats an 0220), where the card number came from, and the lengths of
        // the three stretches gathered (under 2^16 each: a message is shorter); then which fields went in.
        final long shape = (long)(request.mti() / 10) << 48 | (long)(panFromTrack ? Track2.FIELD : SensitiveData.PAN) << 40 |
            (long)panLength << 32 | (long)fieldsLength << 16 | (iccLength & 0xFFFF);
        long h = mix(0x9E3779B97F4A7C15L, shape);
        h = mix(h, iccLength == KeptFields.WITHHELD ? primary : primary | ICC_BIT);
        h = mix(h, secondary);
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            h = mix(h, gathered.getLong(i));
        }
        for (; i < length; i++)
        {
            h = (h ^ (gathered.getByte(i) & 0xFF)) * 0x94D049BB133111EBL;
        }
        return h ^ (h >>> 29);
    }

    /**
     * Appends to {@link #gathered} at {@code at} the bytes of the fields in {@code todo}, those of one bitmap word
     * ({@code base} 0 or 64), a run of consecutive ones at a time: a run ends at the next field present that is not
     * hashed as it is ({@code stops}). Returns where the next bytes go.
     */
    private int gatherRuns(final MessageReader request, final int base, final long todo, final long stops, final int at)
    {
        int position = at;
        long left = todo;
        while (left != 0)
        {
            final int leading = Long.numberOfLeadingZeros(left);
            final long bit = Long.MIN_VALUE >>> leading;
            // The run goes from this field to the last one to hash before the next stop (the highest of the lower bits).
            final long after = stops & (bit - 1);
            final long stop = Long.highestOneBit(after);
            final long run = after == 0 ? left : left & ~(stop | (stop - 1));
            final int first = base + leading + 1;
            final int last = base + Long.SIZE - Long.numberOfTrailingZeros(run);
            final int start = request.rawOffset(first);
            final int length = request.rawOffset(last) + request.rawLength(last) - start;
            gathered.putBytes(position, request.buffer(), start, length);
            position += length;
            left &= ~run;
        }
        return position;
    }

    /** A multiply-xorshift mix, as in SplittableRandom's. */
    private static long mix(final long h, final long value)
    {
        final long x = (h ^ value) * 0xBF58476D1CE4E5B9L;
        return x ^ (x >>> 31);
    }
}
