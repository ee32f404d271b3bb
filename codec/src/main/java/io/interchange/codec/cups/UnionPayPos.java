package io.interchange.codec.cups;

import io.interchange.codec.Dialect;
import io.interchange.codec.FieldFormat;
import io.interchange.codec.FieldFormat.Layout;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.ValueEncoding;

/**
 * The UnionPay (CUPS) POS terminal dialect: BCD MTI, one binary bitmap, BCD numbers and LL/LLL prefixes,
 * variable numbers left aligned with a trailing zero nibble, as the CUPS POS terminal specification lays them
 * out. Fixed numbers are right aligned (a leading zero nibble when odd) but for field 22, the entry mode, which the
 * table packs left aligned: 021 goes as 02 10. On the wire each message follows a 2-byte binary length, a 5-byte TPDU and a 6-byte application header
 * (see {@link io.interchange.codec.frame.Framing#UNIONPAY_POS}).
 *
 * <p>Tracks 2 and 3 are {@link io.interchange.codec.FieldType#ZE}: a terminal that holds a track key enciphers a block of
 * each ({@link TrackBlock}), so the decoder takes any nibble there and the switch checks the characters once deciphered.
 *
 * <p>Private fields: 48 carries batch-settlement totals ({@link SettlementTotals}), 60 the transaction type,
 * batch number and network-management code ({@link Field60}), 62 the working keys of a sign-on answer
 * ({@link WorkingKeys}).
 */
public final class UnionPayPos
{
    static final String[][] FIELDS = {
        {"2", "n ..19", "PRIMARY ACCOUNT NUMBER"},
        {"3", "n 6", "PROCESSING CODE"},
        {"4", "n 12", "AMOUNT, TRANSACTION"},
        {"11", "n 6", "SYSTEM TRACE AUDIT NUMBER"},
        {"12", "n 6", "TIME, LOCAL TRANSACTION"},
        {"13", "n 4", "DATE, LOCAL TRANSACTION"},
        {"14", "n 4", "DATE, EXPIRATION"},
        {"15", "n 4", "DATE, SETTLEMENT"},
        {"22", "n 3", "POINT OF SERVICE ENTRY MODE"},
        {"23", "n 3", "CARD SEQUENCE NUMBER"},
        {"25", "n 2", "POINT OF SERVICE CONDITION CODE"},
        {"26", "n 2", "POINT OF SERVICE PIN CAPTURE CODE"},
        {"32", "n ..11", "ACQUIRING INSTITUTION IDENTIFICATION CODE"},
        {"35", "ze ..37", "TRACK 2 DATA"},
        {"36", "ze ...104", "TRACK 3 DATA"},
        {"37", "an 12", "RETRIEVAL REFERENCE NUMBER"},
        {"38", "an 6", "AUTHORIZATION IDENTIFICATION RESPONSE"},
        {"39", "an 2", "RESPONSE CODE"},
        {"41", "ans 8", "CARD ACCEPTOR TERMINAL IDENTIFICATION"},
        {"42", "ans 15", "CARD ACCEPTOR IDENTIFICATION CODE"},
        {"44", "an ..25", "ADDITIONAL RESPONSE DATA"},
        {"48", "n ...322", "ADDITIONAL DATA - PRIVATE (SETTLEMENT TOTALS)"},
        {"49", "an 3", "CURRENCY CODE, TRANSACTION"},
        {"52", "b 8", "PERSONAL IDENTIFICATION NUMBER DATA"},
        {"53", "n 16", "SECURITY RELATED CONTROL INFORMATION"},
        {"54", "an ...20", "BALANCE AMOUNT"},
        {"55", "b ...255", "ICC SYSTEM RELATED DATA"},
        {"58", "ans ...100", "PBOC ELECTRONIC DATA"},
        {"60", "n ...17", "RESERVED PRIVATE (TYPE, BATCH, NETWORK CODE)"},
        {"61", "n ...29", "ORIGINAL MESSAGE"},
        {"62", "b ...512", "RESERVED PRIVATE (KEYS)"},
        {"63", "ans ...163", "RESERVED PRIVATE"},
        {"64", "b 8", "MESSAGE AUTHENTICATION CODE"},
    };

    /** POINT OF SERVICE ENTRY MODE: n3 left aligned, a trailing zero nibble (field 23, also n3, is right aligned). */
    static final int ENTRY_MODE = 22;

    /** The dialect's name: {@link io.interchange.codec.SensitiveData} knows its batch uploads by it. */
    public static final String NAME = "cups";

    public static final Dialect DIALECT = build();

    private UnionPayPos()
    {
    }

    private static Dialect build()
    {
        final Dialect.Builder builder = Dialect.builder(NAME).mti(ValueEncoding.BCD_LEFT).bitmap(ValueEncoding.BINARY);
        for (final String[] row : FIELDS)
        {
            final FieldSpec spec = FieldFormat.parse(Integer.parseInt(row[0]), row[1], row[2], Layout.BINARY);
            builder.field(spec.id() != ENTRY_MODE ? spec : new FieldSpec(spec.id(), spec.name(), spec.type(), spec.maxLength(),
                spec.prefixDigits(), spec.lengthEncoding(), ValueEncoding.BCD_RIGHT, spec.padding()));
        }
        return builder.build();
    }
}
