package io.interchange.tools.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used so far by this process (its operating-system bean), by some of its threads (the thread bean), and
 * by other processes on the machine whose ids the run was given (Linux {@code /proc/PID/stat}: user plus system
 * time, fields 14 and 15, in clock ticks of 1/100 s as the kernel's user interface counts them). A reading is in
 * nanoseconds, or -1 when it cannot be had (the process has gone, the JVM does not say).
 */
final class CpuMeter
{
    /** USER_HZ: what /proc counts CPU time in, 100 a second on every Linux architecture. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final int UTIME = 14;
    private static final int STIME = 15;
    private static final int NAME_LENGTH = 60;

    private CpuMeter()
    {
    }

    /** This process's CPU time. */
    static long ownNanos()
    {
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean bean)
        {
            return bean.getProcessCpuTime();
        }
        return -1;
    }

    static long ownPid()
    {
        return ProcessHandle.current().pid();
    }

    /** A thread of this process's CPU time. */
    static long threadNanos(final long threadId)
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isThreadCpuTimeSupported() ? threads.getThreadCpuTime(threadId) : -1;
    }

    /** Another process's CPU time, from /proc. */
    static long processNanos(final long pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // pid (comm) state ppid ...: the name may hold spaces and parentheses, so fields count from its last ')'.
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
            final int first = 3;
            return (Long.parseLong(fields[UTIME - first]) + Long.parseLong(fields[STIME - first])) * NANOS_PER_TICK;
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /**
     * What to call a process in the report: its command, then what it runs, for a JVM its jar or main class and the
     * first arguments after it ({@code java: interchange.jar switch --config sw.conf}), at most
     * {@value #NAME_LENGTH} characters.
     */
    static String name(final long pid)
    {
        String comm = "?";
        try
        {
            comm = Files.readString(Path.of("/proc", Long.toString(pid), "comm"), StandardCharsets.UTF_8).strip();
            final String[] args = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8).split("\0");
            final StringBuilder name = new StringBuilder(comm).append(':');
            int first = 1;
            for (int i = 1; i < args.length; i++)
            {
                // The JVM's own options and a class path come first: what it runs is the first word after them.
                if (args[i].equals("-jar") || args[i].equals("-cp") || args[i].equals("-classpath"))
                {
                    first = args[i].equals("-jar") ? i + 1 : i + 2;
                    break;
                }
                if (!args[i].startsWith("-") && !args[i].startsWith("@"))
                {
                    first = i;
                    break;
                }
            }
            for (int i = first; i < args.length && name.length() < NAME_LENGTH; i++)
            {
                name.append(' ').append(i == first ? program(args[i]) : args[i]);
            }
            return name.length() > NAME_LENGTH ? name.substring(0, NAME_LENGTH - 3) + "..." : name.toString();
        }
        catch (final IOException | RuntimeException ex)
        {
            // A name is a nicety: the pid says which process it is.
            return comm;
        }
    }

    /** A jar or script by its file name, a main class by its simple name. */
    private static String program(final String arg)
    {
        if (arg.endsWith(".jar") || arg.indexOf('/') >= 0)
        {
            return Path.of(arg).getFileName().toString();
        }
        return arg.substring(arg.lastIndexOf('.') + 1);
    }
}
