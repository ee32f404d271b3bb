package io.interchange.codec;

/**
 * What {@link MessageReader} works out once per dialect from its specs. Shared, never written after
 * construction: a switch keeps a reader in every ring slot, and these tables would otherwise be most of each.
 */
final class ReaderTables
{
    final FieldSpec[] specs = new FieldSpec[FieldSpec.MAX_FIELD + 1];

    // For the fixed fields that make up most of a message: their length on the wire (-1 for other fields) and
    // the mask of their BCD digits (0 for text and binary, which need no check). Such a field is accepted with
    // a bounds check and one read; any other, or one that fails, goes the general way through FieldCodec,
    // which also names the fault.
    final int[] quickLengths = new int[FieldSpec.MAX_FIELD + 1];
    final long[] quickDigits = new long[FieldSpec.MAX_FIELD + 1];
    final int[] prefixLengths = new int[FieldSpec.MAX_FIELD + 1];

    // The same for variable fields with a BCD prefix (LL and LLL of the binary dialects): how
    // FieldCodec.decodeVariable reads them without going through the spec's enums, 0 for the others.
    final int[] variablePlans = new int[FieldSpec.MAX_FIELD + 1];

    ReaderTables(final Dialect dialect)
    {
        for (int i = 0; i <= FieldSpec.MAX_FIELD; i++)
        {
            final FieldSpec spec = dialect.field(i);
            specs[i] = spec;
            quickLengths[i] = -1;
            if (spec != null && spec.isFixed())
            {
                final boolean unchecked = spec.type() == FieldType.AN || spec.type() == FieldType.ANS ||
                    (spec.type() == FieldType.B && spec.encoding() == ValueEncoding.BINARY);
                final int bytes = spec.packedLength(spec.maxLength());
                if (unchecked)
                {
                    quickLengths[i] = bytes;
                }
                else if (spec.type() == FieldType.N && spec.encoding().isBcd() && bytes <= Long.BYTES)
                {
                    quickLengths[i] = bytes;
                    quickDigits[i] = FieldCodec.digitMask(spec.encoding(), spec.maxLength());
                }
            }
            prefixLengths[i] = spec != null ? spec.prefixLength() : 0;
            variablePlans[i] = FieldCodec.variablePlan(spec);
        }
    }
}
