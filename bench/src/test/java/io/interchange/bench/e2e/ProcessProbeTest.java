package io.interchange.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessProbeTest
{
    @Test
    void shouldReadTheCpuTicksOfALiveProcessAndMinusOneForOneThatHasGone() throws Exception
    {
        final long self = ProcessHandle.current().pid();
        final long before = ProcessProbe.cpuTicks(self);
        final long[] machineBefore = ProcessProbe.machineTicks();
        assertTrue(before >= 0, "this JVM has used some CPU");

        // Spin until this process has been charged five more ticks: on a shared machine wall time says nothing of CPU.
        final long deadline = System.nanoTime() + 30_000_000_000L;
        long spins = 0;
        while (ProcessProbe.cpuTicks(self) < before + 5 && System.nanoTime() < deadline)
        {
            spins++;
        }
        assertTrue(ProcessProbe.cpuTicks(self) >= before + 5, "spinning is charged to this process (" + spins + " spins)");
        final long[] machineAfter = ProcessProbe.machineTicks();
        assertTrue(machineAfter[0] >= machineBefore[0] + 2, "and the machine was busy too (its ticks are sampled, so not to the tick)");
        assertTrue(machineAfter[1] - machineBefore[1] >= machineAfter[0] - machineBefore[0], "total time counts busy time and idle time");

        final Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertEquals(-1, ProcessProbe.cpuTicks(gone.pid()));
    }
}
