package io.interchange.bench.e2e;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.VirtualMachine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Samples, at given instants, the bytes one JVM has allocated and the CPU time of a few processes, for bench/run-e2e
 * to turn into bytes and CPU per transaction over the measured part of a load run. One line per sample:
 *
 * <pre>
 * # millis allocated busy total cpu:switch cpu:issuer-a ...    (the header)
 * 1764150000123 123456789 91234 180012 2345 610 ...            (epoch ms, bytes, the machine's busy and total ticks,
 *                                                               then each process's utime + stime, in clock ticks)
 * </pre>
 *
 * It attaches when it starts (the target JVM loads its management agent then, not during the run) and prints
 * {@code attached} on standard output; then it waits for the start file, one line written by the caller when the
 * run starts: the start in epoch milliseconds and, optionally, more {@code NAME=PID} processes to read (the harness,
 * started after the probe). It samples at the offsets from that start asked for ({@code --at-ms}), usually two,
 * the ends of the window measured, so that reading costs the JVM nothing in between, and exits after the last.
 *
 * <p>Allocation: the probe attaches to the JVM ({@code --alloc-pid}) with the JDK's Attach API, starts its local
 * JMX agent (loopback only) and sums {@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes} over the live
 * threads: HotSpot's per-thread count of bytes allocated (TLAB refills and allocations outside TLABs; exact to a
 * TLAB's unused tail), the counter JMH's {@code -prof gc} reads for its own thread. Threads the probe itself puts
 * to work (RMI and JMX threads, the Attach Listener) are left out of the sum, so reading does not count as the
 * switch's allocation. What a thread that ends between two samples allocated since the first is lost: the switch's
 * threads (Netty event loops, ring handlers, journal) live as long as it does.
 *
 * <p>Time in the switch: when the JVM is an Interchange switch node (it shows
 * {@code io.interchange:type=SwitchNode,...} over JMX), the probe takes the node's time-in-switch histogram at the
 * first sample (throwing away what came before) and again at the last, and writes the window's count, p50, p90,
 * p99, p99.9 and max in nanoseconds to {@code --time-in-switch}: each message's time from its receipt to the
 * hand-off of its outputs to the links, the switch's own share of the latency the harness measures.
 *
 * <p>CPU: {@code /proc/PID/stat} utime + stime, all threads of the process, in clock ticks (USER_HZ, 100 on Linux).
 * A process that has gone reads as -1. The machine's time is the first line of {@code /proc/stat}, over all CPUs:
 * busy (user, nice, system, irq, softirq, steal), so that what else ran in the window shows, and total (busy, idle
 * and iowait), which falls short of the window times the CPUs when the host did not run this machine (a VM
 * throttled without reporting steal).
 */
@Command(name = "process-probe", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Prints a JVM's allocated bytes and processes' CPU ticks at the instants asked for.")
public final class ProcessProbe implements Callable<Integer>
{
    @Option(names = "--alloc-pid", required = true, paramLabel = "PID", description = "The JVM whose allocation is read (attached to).")
    private long allocPid;

    @Option(names = "--cpu", paramLabel = "NAME=PID", description = "A process whose CPU time is read from /proc; repeat for each.")
    private List<String> cpu = new ArrayList<>();

    @Option(names = "--start-file", required = true, paramLabel = "FILE",
        description = "Waited for: 'EPOCH_MS [NAME=PID]...', the start the offsets count from and more processes to read.")
    private Path startFile;

    @Option(names = "--at-ms", required = true, split = ",", paramLabel = "OFFSET", description = "When to sample, in ms after the start.")
    private List<Long> offsets = new ArrayList<>();

    @Option(names = "--wait-ms", defaultValue = "600000", paramLabel = "MS",
        description = "How long to wait for the start file (default: ${DEFAULT-VALUE}).")
    private long waitMillis;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where the samples go.")
    private Path out;

    @Option(names = "--time-in-switch", paramLabel = "FILE",
        description = "Where a switch node's time-in-switch over the window goes: count p50 p90 p99 p99.9 max, ns.")
    private Path timeOut;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new ProcessProbe()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final VirtualMachine vm = VirtualMachine.attach(Long.toString(allocPid));
        final String address = vm.startLocalManagementAgent();
        vm.detach();
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
             PrintWriter samples = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8)))
        {
            final MBeanServerConnection connection = connector.getMBeanServerConnection();
            final ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            allocated(threads);
            System.out.println("attached to " + allocPid);
            System.out.flush();

            final String[] start = awaitStart();
            final long startMillis = Long.parseLong(start[0]);
            final List<String> names = new ArrayList<>();
            final List<Long> pids = new ArrayList<>();
            final List<String> processes = new ArrayList<>(cpu);
            processes.addAll(List.of(start).subList(1, start.length));
            for (final String entry : processes)
            {
                final int eq = entry.indexOf('=');
                names.add(entry.substring(0, eq));
                pids.add(Long.parseLong(entry.substring(eq + 1)));
            }
            samples.println("# millis allocated busy total" + names.stream().map(name -> " cpu:" + name).reduce("", String::concat));
            samples.flush();
            final ObjectName node = switchNode(connection);
            final List<Long> instants = offsets.stream().sorted().map(offset -> startMillis + offset).toList();
            for (int i = 0; i < instants.size(); i++)
            {
                final long instant = instants.get(i);
                final long wait = instant - System.currentTimeMillis();
                if (wait > 0)
                {
                    Thread.sleep(wait);
                }
                final long now = System.currentTimeMillis();
                final long allocated;
                try
                {
                    allocated = allocated(threads);
                }
                catch (final IOException | RuntimeException ex)
                {
                    // The JVM has gone (or is going): the samples so far are the result.
                    System.err.println("process-probe: cannot read " + allocPid + " any more: " + ex);
                    return 1;
                }
                final StringBuilder line = new StringBuilder().append(now).append(' ').append(allocated);
                final long[] machine = machineTicks();
                line.append(' ').append(machine[0]).append(' ').append(machine[1]);
                for (final long pid : pids)
                {
                    line.append(' ').append(cpuTicks(pid));
                }
                samples.println(line);
                samples.flush();
                if (node != null && (i == 0 || i == instants.size() - 1))
                {
                    try
                    {
                        final long[] time = (long[])connection.invoke(node, "takeTimeInSwitch", null, null);
                        if (i > 0 && timeOut != null)
                        {
                            Files.writeString(timeOut, LongStream.of(time).mapToObj(Long::toString).collect(Collectors.joining(" ")) + "\n");
                        }
                    }
                    catch (final IOException | JMException | RuntimeException ex)
                    {
                        System.err.println("process-probe: cannot read the switch's time in switch: " + ex);
                    }
                }
            }
            return 0;
        }
    }

    /** The switch node the JVM shows over JMX, or null (the jPOS baseline). */
    private static ObjectName switchNode(final MBeanServerConnection connection) throws IOException, JMException
    {
        final Set<ObjectName> names = connection.queryNames(new ObjectName("io.interchange:type=SwitchNode,*"), null);
        return names.isEmpty() ? null : names.iterator().next();
    }

    /** The start file's tokens, once it has a whole line. */
    private String[] awaitStart() throws IOException, InterruptedException
    {
        final long deadline = System.currentTimeMillis() + waitMillis;
        while (true)
        {
            if (Files.exists(startFile))
            {
                final String text = Files.readString(startFile);
                if (text.endsWith("\n"))
                {
                    return text.trim().split("\\s+");
                }
            }
            if (System.currentTimeMillis() > deadline)
            {
                throw new IOException("no start in " + startFile + " within " + waitMillis + " ms");
            }
            Thread.sleep(2);
        }
    }

    private static long allocated(final ThreadMXBean threads) throws IOException
    {
        final long[] ids = threads.getAllThreadIds();
        final ThreadInfo[] infos = threads.getThreadInfo(ids, 0);
        final long[] bytes = threads.getThreadAllocatedBytes(ids);
        long sum = 0;
        for (int i = 0; i < ids.length; i++)
        {
            if (infos[i] != null && bytes[i] > 0 && !probesOwn(infos[i].getThreadName()))
            {
                sum += bytes[i];
            }
        }
        return sum;
    }

    /** Threads that run because the probe is attached and reading. */
    private static boolean probesOwn(final String thread)
    {
        return thread.startsWith("RMI ") || thread.startsWith("JMX ") || thread.equals("Attach Listener");
    }

    /**
     * The busy and the total time of all the machine's CPUs in clock ticks: user, nice, system, irq, softirq and
     * steal; and those with idle and iowait. -1 each when {@code /proc/stat} cannot be read.
     */
    static long[] machineTicks()
    {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat")))
        {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user)
            final String[] f = lines.findFirst().orElseThrow().trim().split(" +");
            final long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6]) +
                Long.parseLong(f[7]) + Long.parseLong(f[8]);
            return new long[] {busy, busy + Long.parseLong(f[4]) + Long.parseLong(f[5])};
        }
        catch (final IOException | RuntimeException ex)
        {
            return new long[] {-1, -1};
        }
    }

    /** utime + stime of the process in clock ticks, or -1 when it has gone. */
    static long cpuTicks(final long pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // After the name: state is field 3, utime field 14, stime field 15.
            return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
