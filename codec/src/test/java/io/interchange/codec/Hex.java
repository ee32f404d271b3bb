package io.interchange.codec;

import java.util.HexFormat;

/** Test helper: hex with spaces allowed, for byte layouts written the way specs draw them. */
public final class Hex
{
    private Hex()
    {
    }

    public static byte[] bytes(final String hex)
    {
        return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }

    public static String of(final byte[] bytes, final int offset, final int length)
    {
        return HexFormat.of().withUpperCase().formatHex(bytes, offset, offset + length);
    }
}
