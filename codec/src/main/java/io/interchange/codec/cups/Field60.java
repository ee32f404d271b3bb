package io.interchange.codec.cups;

import io.interchange.codec.MessageReader;

/**
 * UnionPay POS field 60, read in place: 60.1 transaction type (n2: 22 sale, 23 void, 25 refund, 10/11 pre-auth
 * and its void, 20/21 completion and its void, 01 balance inquiry, 00 management), 60.2 batch number (n6),
 * 60.3 network-management information code (n3: 001, 003 and 004 sign-on, 002 sign-off, 201 batch settlement, 201-207 batch
 * upload). Later sub-fields are carried but not interpreted here.
 */
public final class Field60
{
    public static final int FIELD = 60;

    public static final int TYPE_MANAGEMENT = 0;
    public static final int TYPE_BALANCE_INQUIRY = 1;
    public static final int TYPE_PRE_AUTH = 10;
    public static final int TYPE_PRE_AUTH_VOID = 11;
    public static final int TYPE_COMPLETION = 20;
    public static final int TYPE_COMPLETION_VOID = 21;
    public static final int TYPE_SALE = 22;
    public static final int TYPE_VOID = 23;
    public static final int TYPE_REFUND = 25;

    public static final int NETWORK_SIGN_OFF = 2;
    /** Sign-on for double-length working keys and a track key (TDK): field 62 of {@link WorkingKeys#WITH_TRACK_KEY} bytes. */
    public static final int NETWORK_SIGN_ON = 4;
    /** Sign-on for single-length working keys: field 62 of {@link WorkingKeys#SINGLE_LENGTH} bytes. */
    public static final int NETWORK_SIGN_ON_SINGLE_LENGTH = 1;
    /** Sign-on for double-length working keys without a track key: field 62 of {@link WorkingKeys#DOUBLE_LENGTH} bytes. */
    public static final int NETWORK_SIGN_ON_DOUBLE_LENGTH = 3;
    public static final int NETWORK_BATCH_SETTLEMENT = 201;

    private Field60()
    {
    }

    /** 60.1, or -1 when the field is absent or too short. */
    public static int transactionType(final MessageReader reader)
    {
        return digits(reader, 0, 2);
    }

    /** 60.2, or -1 when absent. */
    public static int batchNumber(final MessageReader reader)
    {
        return digits(reader, 2, 6);
    }

    /** 60.3, or -1 when absent. */
    public static int networkCode(final MessageReader reader)
    {
        return digits(reader, 8, 3);
    }

    /** The text form of 60.1-60.3, for the writer. Allocates: not for the ring. */
    public static String format(final int type, final int batch, final int networkCode)
    {
        return String.format("%02d%06d%03d", type, batch, networkCode);
    }

    private static int digits(final MessageReader reader, final int from, final int count)
    {
        if (!reader.has(FIELD) || reader.units(FIELD) < from + count)
        {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++)
        {
            value = value * 10 + (reader.charAt(FIELD, i) - '0');
        }
        return value;
    }
}
