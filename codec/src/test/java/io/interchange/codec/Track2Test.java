package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Iso87;

/**
 * Where the card number in track 2 ends, read the same from BCD (ISO 87 binary, UnionPay POS) and ASCII tracks, and
 * from a dialect that carries track 2 as plain text, where a terminal may send the separator as the letter D.
 */
class Track2Test
{
    private static final Dialect TEXT_TRACK = Iso87.ASCII.with("iso87a-text-track",
        FieldFormat.parse(Track2.FIELD, "ans ..37", "TRACK 2 DATA", FieldFormat.Layout.ASCII));

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "4761739001010119=30122011143804400000, 16",
        "4761739001010119D30122011143804400000, 16",
        "476173900101=3012, 12",
        "6228480000000000000=3012201, 19",
        "1=3012, 1",
        // No card number: nothing before the separator, no separator, or more than 19 digits before it.
        "=30122011143804400000, -1",
        "476173900101011930122011143804400000, -1",
        "47617390010101193012=2011143804400000, -1",
    })
    void shouldFindThePanBeforeTheSeparator(final String track, final int panLength)
    {
        for (final Dialect dialect : new Dialect[] {Iso87.BINARY, Iso87.ASCII, UnionPayPos.DIALECT, TEXT_TRACK})
        {
            if (track.indexOf('D') >= 0 && dialect.field(Track2.FIELD).type() == FieldType.Z)
            {
                continue; // the track code set has no D: its separator nibble reads as '='
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
            final MessageWriter writer = new MessageWriter(dialect).wrap(buffer, 0).mti(200).putString(Track2.FIELD, track);
            final MessageReader reader = new MessageReader(dialect);
            assertEquals(DecodeError.NONE, reader.wrap(buffer, 0, writer.finish()));
            assertEquals(panLength, Track2.panLength(reader, Track2.FIELD), dialect.name() + " " + track);
        }
    }
}
