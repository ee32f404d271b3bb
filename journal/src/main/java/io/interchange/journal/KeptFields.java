package io.interchange.journal;

import java.util.List;

import io.interchange.codec.Dialect;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.MessageReader;
import io.interchange.codec.SensitiveData;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * What the journal keeps of a message's fields (DESIGN.md §7), the one rule {@link JournalWriter} strips by: for the
 * writer, and for whoever must see a message now as the journal will give it back later. The switch's duplicate
 * check is one: a request recovered from the journal after a restart must compare as it did when it came in.
 * <ul>
 * <li>field 2, the PAN: sealed apart from the message ({@link RecordDescriptor}), given back as field 2 by
 *     {@link JournalRecord#restoreMessage};</li>
 * <li>field 34 (extended PAN), track data (35, 36, 45 and any field of the track code set, z) and the PIN block (52):
 *     never, not even encrypted; a swipe's PAN, read from track 2, is sealed apart but never comes back as a field;</li>
 * <li>field 55: rebuilt without its sensitive tags and its PAN ({@link IccStripper}), or left out whole when it is
 *     not BER-TLV (or would change length in a dialect that fixes it): {@link #keptIcc};</li>
 * <li>field 48 of a UnionPay POS batch upload (0320): never. The switch's upload is a transaction a message (fields 4
 *     and 61), but a magstripe terminal's 0320 lists up to eight of the batch's card numbers in 48, in clear
 *     ({@link SensitiveData#listsCards}, the rule dumps mask them by);</li>
 * <li>every other field: byte for byte as it came ({@link #isCopied}).</li>
 * </ul>
 * An instance keeps scratch for field 55: one per thread. Allocates nothing after construction.
 */
public final class KeptFields
{
    /** {@link #keptIcc}: the journal leaves field 55 out. */
    public static final int WITHHELD = -1;
    private static final int CARDS_IN_UPLOAD = SensitiveData.UPLOAD_CARDS;

    /** Per dialect, the fields never copied: the PANs (2 sealed apart, 34), track data and the PIN block. */
    private final boolean[][] dropped;
    /**
     * Per dialect, the fields copied as they are, as bitmap words (field 1 in the sign bit of the primary, 65 in that
     * of the secondary): all but the dropped ones and field 55, which is rebuilt.
     */
    private final long[] copiedPrimary;
    private final long[] copiedSecondary;
    // Per dialect: whether its batch uploads (0320) carry card numbers in field 48 (the UnionPay POS dialect's do).
    private final boolean[] cardsInUpload;
    private final UnsafeBuffer iccIn;
    private final UnsafeBuffer iccOut;
    private int sentIccLength;

    public KeptFields(final List<Dialect> dialects)
    {
        dropped = new boolean[dialects.size()][FieldSpec.MAX_FIELD + 1];
        copiedPrimary = new long[dialects.size()];
        copiedSecondary = new long[dialects.size()];
        cardsInUpload = new boolean[dialects.size()];
        int maxIcc = 1;
        for (int i = 0; i < dialects.size(); i++)
        {
            final Dialect dialect = dialects.get(i);
            for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
            {
                final FieldSpec spec = dialect.field(f);
                dropped[i][f] = spec != null && (SensitiveData.isPan(f) || SensitiveData.isProtected(spec));
                if (spec != null && !dropped[i][f] && f != SensitiveData.ICC_DATA)
                {
                    if (f <= 64)
                    {
                        copiedPrimary[i] |= Long.MIN_VALUE >>> (f - 1);
                    }
                    else
                    {
                        copiedSecondary[i] |= Long.MIN_VALUE >>> (f - 65);
                    }
                }
            }
            cardsInUpload[i] = SensitiveData.uploadsListCards(dialect);
            final FieldSpec icc = dialect.field(SensitiveData.ICC_DATA);
            if (icc != null)
            {
                maxIcc = Math.max(maxIcc, icc.maxLength());
            }
        }
        iccIn = new UnsafeBuffer(new byte[maxIcc]);
        // The stripper's room: the data plus two bytes per constructed object, of which there are at most half as many.
        iccOut = new UnsafeBuffer(new byte[2 * maxIcc + 16]);
    }

    /** True when the journal keeps the field byte for byte as it came: neither dropped, sealed apart, nor rebuilt (55). */
    public boolean isCopied(final int dialectId, final int field)
    {
        return field <= 64 ?
            (copiedPrimary[dialectId] & (Long.MIN_VALUE >>> (field - 1))) != 0 :
            (copiedSecondary[dialectId] & (Long.MIN_VALUE >>> (field - 65))) != 0;
    }

    /** True when the journal never writes the field into its copy of the message (2, sealed apart, among them). */
    public boolean isDropped(final int dialectId, final int field)
    {
        return dropped[dialectId][field];
    }

    /**
     * Field 55 of the message (present, not {@link #isDropped dropped}) as the journal keeps it, into
     * {@link #iccBuffer()} from 0: returns its length, or {@link #WITHHELD} when the journal leaves it out. Kept and
     * given back again, it comes out the same, so a message and its restored form give the same bytes here.
     */
    public int keptIcc(final MessageReader reader)
    {
        final int field = SensitiveData.ICC_DATA;
        final int length = reader.getBytes(field, iccIn, 0);
        sentIccLength = length;
        final int stripped = IccStripper.strip(iccIn, 0, length, iccOut, 0);
        if (stripped == IccStripper.NOT_TLV || (stripped != length && reader.spec(field).isFixed()))
        {
            return WITHHELD;
        }
        return stripped;
    }

    /** Where {@link #keptIcc} wrote; overwritten by the next call. */
    public DirectBuffer iccBuffer()
    {
        return iccOut;
    }

    /**
     * The bytes field 55 had as it came, at the last {@link #keptIcc}: when {@link #keptIcc} gives as many, nothing
     * was taken out and the field can be copied as it is.
     */
    int sentIccLength()
    {
        return sentIccLength;
    }

    /** The fields 1 to 64 copied as they are from a message of {@code mti}, as a primary bitmap word. */
    long copiedPrimary(final int dialectId, final int mti)
    {
        return cardsListed(dialectId, mti) ? copiedPrimary[dialectId] & ~(Long.MIN_VALUE >>> (CARDS_IN_UPLOAD - 1)) : copiedPrimary[dialectId];
    }

    /** As {@link #isCopied(int, int)}, for a message of {@code mti}: field 48 of a UnionPay POS batch upload is not. */
    public boolean isCopied(final int dialectId, final int mti, final int field)
    {
        return isCopied(dialectId, field) && !(field == CARDS_IN_UPLOAD && cardsListed(dialectId, mti));
    }

    /** A UnionPay POS batch upload, 0320 or its repeat 0321, whose field 48 may list card numbers. */
    private boolean cardsListed(final int dialectId, final int mti)
    {
        return SensitiveData.isBatchUpload(mti) && cardsInUpload[dialectId];
    }

    long copiedSecondary(final int dialectId)
    {
        return copiedSecondary[dialectId];
    }
}
