package io.interchange.engine.config;

/**
 * Whether the switch decides for an issuer that does not answer in time (DESIGN.md §4), and up to what amount.
 *
 * @param enabled    false: a time-out is answered 91.
 * @param floorLimit the largest amount, in minor units, approved in stand-in; above it the answer is 91.
 */
public record StandInConfig(boolean enabled, long floorLimit)
{
}
