package io.interchange.codec;

/**
 * What the writer does with a value shorter than a fixed field (ISO 8583:1987 §4.3: numeric fields are right
 * justified with leading zeros, alphanumeric fields left justified with trailing spaces).
 */
public enum Padding
{
    /** The value must fill the field exactly. */
    NONE,
    /** Leading zeros. */
    ZERO_LEFT,
    /** Trailing spaces. */
    SPACE_RIGHT
}
