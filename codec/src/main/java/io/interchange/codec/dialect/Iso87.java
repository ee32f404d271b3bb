package io.interchange.codec.dialect;

import io.interchange.codec.Dialect;
import io.interchange.codec.FieldFormat;
import io.interchange.codec.FieldFormat.Layout;
import io.interchange.codec.ValueEncoding;

/**
 * ISO 8583:1987, the data elements of ISO 8583:1987 §4.3 as jPOS's ISO87BPackager and ISO87APackager define
 * them, laid out two ways: {@link #BINARY} (BCD numbers, binary bitmap and data) and {@link #ASCII} (ASCII
 * numbers, hex bitmap, binary as hex). Where jPOS departs from the standard we follow jPOS, since it is the
 * peer our users interoperate with: field 36 is ans, 65 is a 1-byte field, 93 is an 6, 96 is b 16.
 */
public final class Iso87
{
    /** Field number, format in ISO notation (b counts bytes), name. */
    static final String[][] FIELDS = {
        {"2", "n ..19", "PRIMARY ACCOUNT NUMBER"},
        {"3", "n 6", "PROCESSING CODE"},
        {"4", "n 12", "AMOUNT, TRANSACTION"},
        {"5", "n 12", "AMOUNT, SETTLEMENT"},
        {"6", "n 12", "AMOUNT, CARDHOLDER BILLING"},
        {"7", "n 10", "TRANSMISSION DATE AND TIME"},
        {"8", "n 8", "AMOUNT, CARDHOLDER BILLING FEE"},
        {"9", "n 8", "CONVERSION RATE, SETTLEMENT"},
        {"10", "n 8", "CONVERSION RATE, CARDHOLDER BILLING"},
        {"11", "n 6", "SYSTEM TRACE AUDIT NUMBER"},
        {"12", "n 6", "TIME, LOCAL TRANSACTION"},
        {"13", "n 4", "DATE, LOCAL TRANSACTION"},
        {"14", "n 4", "DATE, EXPIRATION"},
        {"15", "n 4", "DATE, SETTLEMENT"},
        {"16", "n 4", "DATE, CONVERSION"},
        {"17", "n 4", "DATE, CAPTURE"},
        {"18", "n 4", "MERCHANT TYPE"},
        {"19", "n 3", "ACQUIRING INSTITUTION COUNTRY CODE"},
        {"20", "n 3", "PAN EXTENDED COUNTRY CODE"},
        {"21", "n 3", "FORWARDING INSTITUTION COUNTRY CODE"},
        {"22", "n 3", "POINT OF SERVICE ENTRY MODE"},
        {"23", "n 3", "CARD SEQUENCE NUMBER"},
        {"24", "n 3", "NETWORK INTERNATIONAL IDENTIFIER"},
        {"25", "n 2", "POINT OF SERVICE CONDITION CODE"},
        {"26", "n 2", "POINT OF SERVICE PIN CAPTURE CODE"},
        {"27", "n 1", "AUTHORIZATION IDENTIFICATION RESPONSE LENGTH"},
        {"28", "x+n 8", "AMOUNT, TRANSACTION FEE"},
        {"29", "x+n 8", "AMOUNT, SETTLEMENT FEE"},
        {"30", "x+n 8", "AMOUNT, TRANSACTION PROCESSING FEE"},
        {"31", "x+n 8", "AMOUNT, SETTLEMENT PROCESSING FEE"},
        {"32", "n ..11", "ACQUIRING INSTITUTION IDENTIFICATION CODE"},
        {"33", "n ..11", "FORWARDING INSTITUTION IDENTIFICATION CODE"},
        {"34", "ans ..28", "PRIMARY ACCOUNT NUMBER, EXTENDED"},
        {"35", "z ..37", "TRACK 2 DATA"},
        {"36", "ans ...104", "TRACK 3 DATA"},
        {"37", "an 12", "RETRIEVAL REFERENCE NUMBER"},
        {"38", "an 6", "AUTHORIZATION IDENTIFICATION RESPONSE"},
        {"39", "an 2", "RESPONSE CODE"},
        {"40", "an 3", "SERVICE RESTRICTION CODE"},
        {"41", "ans 8", "CARD ACCEPTOR TERMINAL IDENTIFICATION"},
        {"42", "ans 15", "CARD ACCEPTOR IDENTIFICATION CODE"},
        {"43", "ans 40", "CARD ACCEPTOR NAME/LOCATION"},
        {"44", "ans ..25", "ADDITIONAL RESPONSE DATA"},
        {"45", "ans ..76", "TRACK 1 DATA"},
        {"46", "ans ...999", "ADDITIONAL DATA - ISO"},
        {"47", "ans ...999", "ADDITIONAL DATA - NATIONAL"},
        {"48", "ans ...999", "ADDITIONAL DATA - PRIVATE"},
        {"49", "an 3", "CURRENCY CODE, TRANSACTION"},
        {"50", "an 3", "CURRENCY CODE, SETTLEMENT"},
        {"51", "an 3", "CURRENCY CODE, CARDHOLDER BILLING"},
        {"52", "b 8", "PERSONAL IDENTIFICATION NUMBER DATA"},
        {"53", "n 16", "SECURITY RELATED CONTROL INFORMATION"},
        {"54", "ans ...120", "ADDITIONAL AMOUNTS"},
        {"55", "ans ...999", "RESERVED ISO"},
        {"56", "ans ...999", "RESERVED ISO"},
        {"57", "ans ...999", "RESERVED NATIONAL"},
        {"58", "ans ...999", "RESERVED NATIONAL"},
        {"59", "ans ...999", "RESERVED NATIONAL"},
        {"60", "ans ...999", "RESERVED PRIVATE"},
        {"61", "ans ...999", "RESERVED PRIVATE"},
        {"62", "ans ...999", "RESERVED PRIVATE"},
        {"63", "ans ...999", "RESERVED PRIVATE"},
        {"64", "b 8", "MESSAGE AUTHENTICATION CODE"},
        {"65", "b 1", "BITMAP, EXTENDED"},
        {"66", "n 1", "SETTLEMENT CODE"},
        {"67", "n 2", "EXTENDED PAYMENT CODE"},
        {"68", "n 3", "RECEIVING INSTITUTION COUNTRY CODE"},
        {"69", "n 3", "SETTLEMENT INSTITUTION COUNTRY CODE"},
        {"70", "n 3", "NETWORK MANAGEMENT INFORMATION CODE"},
        {"71", "n 4", "MESSAGE NUMBER"},
        {"72", "n 4", "MESSAGE NUMBER, LAST"},
        {"73", "n 6", "DATE, ACTION"},
        {"74", "n 10", "CREDITS, NUMBER"},
        {"75", "n 10", "CREDITS, REVERSAL NUMBER"},
        {"76", "n 10", "DEBITS, NUMBER"},
        {"77", "n 10", "DEBITS, REVERSAL NUMBER"},
        {"78", "n 10", "TRANSFER, NUMBER"},
        {"79", "n 10", "TRANSFER, REVERSAL NUMBER"},
        {"80", "n 10", "INQUIRIES, NUMBER"},
        {"81", "n 10", "AUTHORIZATIONS, NUMBER"},
        {"82", "n 12", "CREDITS, PROCESSING FEE AMOUNT"},
        {"83", "n 12", "CREDITS, TRANSACTION FEE AMOUNT"},
        {"84", "n 12", "DEBITS, PROCESSING FEE AMOUNT"},
        {"85", "n 12", "DEBITS, TRANSACTION FEE AMOUNT"},
        {"86", "n 16", "CREDITS, AMOUNT"},
        {"87", "n 16", "CREDITS, REVERSAL AMOUNT"},
        {"88", "n 16", "DEBITS, AMOUNT"},
        {"89", "n 16", "DEBITS, REVERSAL AMOUNT"},
        {"90", "n 42", "ORIGINAL DATA ELEMENTS"},
        {"91", "an 1", "FILE UPDATE CODE"},
        {"92", "an 2", "FILE SECURITY CODE"},
        {"93", "an 6", "RESPONSE INDICATOR"},
        {"94", "an 7", "SERVICE INDICATOR"},
        {"95", "an 42", "REPLACEMENT AMOUNTS"},
        {"96", "b 16", "MESSAGE SECURITY CODE"},
        {"97", "x+n 16", "AMOUNT, NET SETTLEMENT"},
        {"98", "ans 25", "PAYEE"},
        {"99", "n ..11", "SETTLEMENT INSTITUTION IDENTIFICATION CODE"},
        {"100", "n ..11", "RECEIVING INSTITUTION IDENTIFICATION CODE"},
        {"101", "ans ..17", "FILE NAME"},
        {"102", "ans ..28", "ACCOUNT IDENTIFICATION 1"},
        {"103", "ans ..28", "ACCOUNT IDENTIFICATION 2"},
        {"104", "ans ...100", "TRANSACTION DESCRIPTION"},
        {"105", "ans ...999", "RESERVED ISO"},
        {"106", "ans ...999", "RESERVED ISO"},
        {"107", "ans ...999", "RESERVED ISO"},
        {"108", "ans ...999", "RESERVED ISO"},
        {"109", "ans ...999", "RESERVED ISO"},
        {"110", "ans ...999", "RESERVED ISO"},
        {"111", "ans ...999", "RESERVED ISO"},
        {"112", "ans ...999", "RESERVED NATIONAL"},
        {"113", "ans ...999", "RESERVED NATIONAL"},
        {"114", "ans ...999", "RESERVED NATIONAL"},
        {"115", "ans ...999", "RESERVED NATIONAL"},
        {"116", "ans ...999", "RESERVED NATIONAL"},
        {"117", "ans ...999", "RESERVED NATIONAL"},
        {"118", "ans ...999", "RESERVED NATIONAL"},
        {"119", "ans ...999", "RESERVED NATIONAL"},
        {"120", "ans ...999", "RESERVED PRIVATE"},
        {"121", "ans ...999", "RESERVED PRIVATE"},
        {"122", "ans ...999", "RESERVED PRIVATE"},
        {"123", "ans ...999", "RESERVED PRIVATE"},
        {"124", "ans ...999", "RESERVED PRIVATE"},
        {"125", "ans ...999", "RESERVED PRIVATE"},
        {"126", "ans ...999", "RESERVED PRIVATE"},
        {"127", "ans ...999", "RESERVED PRIVATE"},
        {"128", "b 8", "MESSAGE AUTHENTICATION CODE"},
    };

    /** BCD MTI and numbers, binary bitmap: byte for byte what jPOS ISO87BPackager packs. */
    public static final Dialect BINARY = build("iso87b", ValueEncoding.BCD_LEFT, ValueEncoding.BINARY, Layout.BINARY);

    /** ASCII MTI and numbers, hex bitmap: byte for byte what jPOS ISO87APackager packs. */
    public static final Dialect ASCII = build("iso87a", ValueEncoding.ASCII, ValueEncoding.HEX, Layout.ASCII);

    private Iso87()
    {
    }

    static Dialect build(final String name, final ValueEncoding mti, final ValueEncoding bitmap, final Layout layout)
    {
        final Dialect.Builder builder = Dialect.builder(name).mti(mti).bitmap(bitmap);
        for (final String[] row : FIELDS)
        {
            builder.field(FieldFormat.parse(Integer.parseInt(row[0]), row[1], row[2], layout));
        }
        return builder.build();
    }
}
