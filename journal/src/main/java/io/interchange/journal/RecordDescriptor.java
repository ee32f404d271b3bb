package io.interchange.journal;

import java.nio.ByteOrder;

/**
 * The layout of a journal record: one Chronicle Queue document per ring event. Little-endian, packed (no
 * alignment: records are copied, not read in place), version 4.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                            CRC-32C                            |  0  over bytes 4 .. Record Length
 *  +---------------------------------------------------------------+
 *  |                         Record Length                         |  4  whole record, this header included
 *  +---------------+---------------+-----------+-+-+---------------+
 *  |    Version    |  Event Type   | Reserved  |D|I| Output Count  |  8  I: an input part follows the decision;
 *  +---------------+---------------+-----------+-+-+---------------+     D: the wait follows the decision
 *  |                         Ring Sequence                         | 12
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |               Timestamp, epoch nanoseconds                    | 20  when the event entered the switch
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Link Id (-1: none)                        | 28
 *  +---------------+-----------------------------------------------+
 *  |Decision Length|   Decision, 0 .. 64 bytes, opaque          ...  32
 *  +---------------+-----------------------------------------------+
 *  |          Wait, microseconds, when D is set (since 4)          |     1 ms or more, an int, never negative
 *  +---------------------------------------------------------------+
 *  |                Input part, when I is set                   ...
 *  +---------------------------------------------------------------+
 *  |                Output parts 0 .. Output Count - 1          ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * A part, one message:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-----+-+-+-+-+-+---------------+-------------------------------+
 *  |Rsrvd|S|T|C|W|P|  PAN Length   |          Dialect Id           |  0  P: the message had a PAN; W: withheld;
 *  +-----+-+-+-+-+-+---------------+-------------------------------+     C: field 55 withheld (not BER-TLV);
 *  |                     Link Id (-1: none)                        |  4  T: the PAN was read from track 2;
 *  +---------------------------------------------------------------+     S: the input's PAN, not sealed again
 *  |                          Body Length                          |  8
 *  +---------------------------------------------------------------+
 *  |         PAN hash, 16 bytes: HMAC-SHA-256, truncated        ... 12  when P is set and S is not: PanCipher
 *  +---------------------------------------------------------------+
 *  |         GCM nonce, 12 bytes                                ...
 *  +---------------------------------------------------------------+
 *  |         PAN digits, AES-256-GCM, PAN Length bytes          ...
 *  +---------------------------------------------------------------+
 *  |         GCM tag, 16 bytes                                  ...
 *  +---------------------------------------------------------------+
 *  |         Body, Body Length bytes                            ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The body of a message that parsed is the message in its dialect, MTI onwards, less fields 2 and 34 (the PAN,
 * sealed above), 35, 36 and 45 (track data), 52 (PIN block) and any other field of the track code set (z), with
 * field 55 rebuilt without its sensitive tags ({@link IccStripper}) or, when C is set, left out ({@link KeptFields}).
 * The sealed PAN is field 2's; a message without field 2 whose track 2 (field 35) carries a card number, a swipe,
 * gets that one sealed (the digits before the separator, {@code io.interchange.codec.Track2}), with T set: the
 * message had no field 2, so none is given back ({@link JournalRecord#restoreMessage}), but clearing and replay
 * have the card. An output whose PAN is the input's, digit for digit (a forwarded request, a relayed answer: most
 * outputs), sets S and holds no sealed PAN of its own: it is the input part's, whose P is then set and S not. That
 * is 60 bytes less for most parts, and one seal less per output.
 *
 * <p>The body of a withheld message (W: the message did not parse, or it is a response to one that did not on that
 * one's link, whose key fields the switch echoed as it read them, so that a field read out of place may hold a card
 * number or track data) is this summary and never any of its bytes (an answer's Decode Error is NONE). An output of
 * no bytes, a link the switch closes with nothing sent on it (an issuer's whose link tests went unanswered, a
 * terminal's half-closed one whose last answer went to another link), is kept so too, its Message Length 0:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Message Length                         |  0  of the bytes withheld
 *  +---------------------------------------------------------------+
 *  |                         Error Offset                          |  4  from the start of the message
 *  +-------------------------------+-------------------------------+
 *  |     MTI (-1: unreadable)      |  Error Field (-1, 0 MTI, 1..) |  8
 *  +---------------+---------------+-------------------------------+
 *  | Decode Error  |  PAN Length   |                               | 12
 *  +---------------+---------------+                               +
 *  |          First six PAN digits (bytes 14 .. 19), ASCII         | 16  zeros unless PAN Length >= 13
 *  +---------------------------------------------------------------+
 *  |                  Last four PAN digits, ASCII                  | 20  zeros likewise
 *  +---------------------------------------------------------------+
 * </pre>
 * Decode Error is the ordinal of the codec's {@code DecodeError}; PAN Length 0 means field 2 was not read.
 *
 * <p>Versions. 2 adds T, a bit version 1 kept reserved (0): a version 1 record reads the same under version 2, and a
 * reader of version 1 refuses version 2 records rather than give a swipe's PAN back as a field 2 it never had. 3 adds
 * S, likewise reserved before: older records read the same, and a reader of version 2 refuses version 3 records,
 * whose parts it would misplace. 4 adds D, a header flag version 3 kept reserved (0), and the wait after the decision
 * when it is set: how long an acquirer's request waited between its link reading it and the switch taking it up, an
 * input of the switch's decision (limits.request-deadline) that replay must have. Only a wait of
 * {@link JournalEntry#MIN_WAIT_MICROS} or more is written, so an ordinary record is laid out as in version 3 and an
 * older record reads the same (no wait: 0); a reader of version 3 refuses version 4 records, whose parts a wait would
 * shift.
 */
final class RecordDescriptor
{
    static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int VERSION = 4;
    /** The oldest layout this version reads: version 1 is version 4 without D, T and S, version 2 without D and S, version 3 without D. */
    static final int OLDEST_READABLE_VERSION = 1;

    static final int CHECKSUM_OFFSET = 0;
    static final int LENGTH_OFFSET = 4;
    /** The checksum covers everything after itself. */
    static final int CHECKED_OFFSET = LENGTH_OFFSET;
    static final int VERSION_OFFSET = 8;
    static final int EVENT_TYPE_OFFSET = 9;
    static final int FLAGS_OFFSET = 10;
    static final int OUTPUT_COUNT_OFFSET = 11;
    static final int SEQUENCE_OFFSET = 12;
    static final int TIMESTAMP_OFFSET = 20;
    static final int LINK_ID_OFFSET = 28;
    static final int DECISION_LENGTH_OFFSET = 32;
    static final int DECISION_OFFSET = 33;
    static final int HEADER_LENGTH = DECISION_OFFSET;

    static final int FLAG_INPUT = 0x01;
    /** The decision is followed by the event's wait, {@link #WAIT_LENGTH} bytes of microseconds. Since version 4. */
    static final int FLAG_WAITED = 0x02;
    static final int WAIT_LENGTH = 4;
    static final int MAX_DECISION_LENGTH = 64;
    static final int MAX_OUTPUTS = 8;

    static final int PART_FLAGS_OFFSET = 0;
    static final int PART_PAN_LENGTH_OFFSET = 1;
    static final int PART_DIALECT_OFFSET = 2;
    static final int PART_LINK_ID_OFFSET = 4;
    static final int PART_BODY_LENGTH_OFFSET = 8;
    static final int PART_HEADER_LENGTH = 12;

    static final int PART_PAN = 0x01;
    static final int PART_WITHHELD = 0x02;
    static final int PART_ICC_WITHHELD = 0x04;
    /** With {@link #PART_PAN}: the PAN was read from track 2, for the message had no field 2. Since version 2. */
    static final int PART_PAN_FROM_TRACK = 0x08;
    /** With {@link #PART_PAN}, on an output: the PAN is the input part's, whose sealed form stands for both. Since version 3. */
    static final int PART_PAN_SHARED = 0x10;

    static final int SUMMARY_MESSAGE_LENGTH_OFFSET = 0;
    static final int SUMMARY_ERROR_OFFSET_OFFSET = 4;
    static final int SUMMARY_MTI_OFFSET = 8;
    static final int SUMMARY_ERROR_FIELD_OFFSET = 10;
    static final int SUMMARY_DECODE_ERROR_OFFSET = 12;
    static final int SUMMARY_PAN_LENGTH_OFFSET = 13;
    static final int SUMMARY_PAN_FIRST_OFFSET = 14;
    static final int SUMMARY_PAN_FIRST_LENGTH = 6;
    static final int SUMMARY_PAN_LAST_OFFSET = 20;
    static final int SUMMARY_PAN_LAST_LENGTH = 4;
    static final int SUMMARY_LENGTH = 24;
    /** Fewer digits than this and the masking rule (io.interchange.codec.Pan) shows none of them. */
    static final int MIN_MASKABLE_PAN = 13;

    private RecordDescriptor()
    {
    }

    /** Bytes between a part's header and its body: the sealed PAN, if it holds one. */
    static int sealedPanLength(final int partFlags, final int panLength)
    {
        return (partFlags & (PART_PAN | PART_PAN_SHARED)) == PART_PAN ? PanCipher.sealedLength(panLength) : 0;
    }
}
