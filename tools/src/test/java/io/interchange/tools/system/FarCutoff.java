package io.interchange.tools.system;

import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A business-day setting whose cutoff is twelve hours from now, for tests that settle or clear "the day they ran in":
 * with the default 23:00 UTC cutoff a run that crossed it would split its records over two business days.
 */
final class FarCutoff
{
    private FarCutoff()
    {
    }

    /** A config line, to put after the test's own. */
    static String line()
    {
        final String cutoff = LocalTime.now(ZoneOffset.UTC).plusHours(12).format(DateTimeFormatter.ofPattern("HH:mm"));
        return "interchange.business-day { cutoff = \"" + cutoff + "\", zone = \"UTC\" }\n";
    }
}
