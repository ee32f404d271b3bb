package io.interchange.engine.config;

/**
 * Whether the switch decides for an issuer that cannot answer (DESIGN.md §4), and up to what amount.
 *
 * @param enabled    false: an issuer that is down, or does not answer in time, gets its terminals a 91.
 * @param floorLimit the largest amount, in minor units, approved in stand-in; above it the answer is 91.
 * @param onTimeOut  true: the switch stands in for a request the issuer did not answer in time too, not only while
 *                   the issuer is down. The request is reversed at the issuer all the same (0420, 39 = 68, for it may
 *                   have been approved), and the stand-in is advised after it (0220, or 0120 for a
 *                   pre-authorization). False (the default): a time-out is answered 91.
 */
public record StandInConfig(boolean enabled, long floorLimit, boolean onTimeOut)
{
}
