package io.interchange.engine.config;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * When one business day ends and the next begins (DESIGN.md §6): cutoff to cutoff, in one time zone.
 *
 * @param cutoff the local time at which the day closes ({@code business-day.cutoff}, "23:00").
 * @param zone   the zone the cutoff is read in ({@code business-day.zone}).
 */
public record BusinessDayConfig(LocalTime cutoff, ZoneId zone)
{
    public BusinessDayConfig
    {
        Objects.requireNonNull(cutoff, "cutoff");
        Objects.requireNonNull(zone, "zone");
    }
}
