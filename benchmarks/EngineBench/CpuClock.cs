using System.Runtime.InteropServices;

/// <summary>CPU time of this process (all threads) and of the calling thread, from clock_gettime.</summary>
internal static partial class CpuClock
{
    private const int ProcessClock = 2, ThreadClock = 3; // CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double ProcessSeconds() => Read(ProcessClock);

    public static double ThreadSeconds() => Read(ThreadClock);

    private static double Read(int clock)
    {
        if (ClockGetTime(clock, out var t) != 0) throw new InvalidOperationException("clock_gettime failed");
        return t.Seconds + t.Nanoseconds * 1e-9;
    }
}
