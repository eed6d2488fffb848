using System.Diagnostics;

namespace AmpPlayer;

/// <summary>How long each sample took: one model step plus the skip connection, timed one by one.</summary>
/// <param name="Samples">Samples timed (frames × channels).</param>
/// <param name="MeanNs">Mean nanoseconds per sample, the clock reads included.</param>
/// <param name="P50Ns">Median.</param>
/// <param name="P99Ns">99th percentile.</param>
/// <param name="MaxNs">The slowest sample (usually the machine taking the core away, not the model).</param>
/// <param name="RealTimeFactor">Total processing time over the audio's duration; below 1 keeps up with real time.</param>
/// <param name="BytesAllocated">Bytes allocated on the processing thread while timed (0 when the loop is allocation-free).</param>
public sealed record LatencyReport(int Samples, double MeanNs, double P50Ns, double P99Ns, double MaxNs, double RealTimeFactor, long BytesAllocated)
{
    /// <summary>Summarises clock ticks per sample (sorted in place) for audio of <paramref name="seconds"/>.</summary>
    public static LatencyReport FromTicks(long[] ticks, double seconds, long bytesAllocated)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        if (ticks.Length == 0)
        {
            throw new ArgumentException("No samples were timed.", nameof(ticks));
        }

        Array.Sort(ticks);
        double toNs = 1e9 / Stopwatch.Frequency;
        double totalNs = 0;
        foreach (long t in ticks) totalNs += t * toNs;
        double At(double q) => ticks[Math.Min(ticks.Length - 1, (int)(q * ticks.Length))] * toNs;
        return new LatencyReport(ticks.Length, totalNs / ticks.Length, At(0.5), At(0.99), ticks[^1] * toNs, totalNs / 1e9 / seconds, bytesAllocated);
    }
}
