using System.Globalization;

namespace Workflows.Benchmarks;

/// <summary>
/// The machine's CPU time from /proc/stat, to say how much of it the hypervisor gave to other guests while a phase
/// ran. pgbench's row locks (8 clients on 10 branches) make it suffer more than the service when the host is
/// oversubscribed, so a ratio measured under heavy steal flatters the service: the figure is printed with it.
/// </summary>
public readonly record struct MachineTime(long Total, long Steal)
{
    public static MachineTime Now()
    {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice", in clock ticks
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return new MachineTime(fields.Sum(), fields[7]);
    }

    /// <summary>Above this share stolen in any part, the run's ratio is marked as not comparable.</summary>
    public const double ComparableUpTo = 5;

    /// <summary>The share of the machine's CPU time stolen since <paramref name="start"/>, in percent.</summary>
    public double StolenSince(MachineTime start) =>
        Total == start.Total ? 0 : 100.0 * (Steal - start.Steal) / (Total - start.Total);

    public static string Describe(double stolenPercent) => $"CPU stolen by the hypervisor: {stolenPercent:F0} %";
}
