using System.Globalization;
using Scylla.Core.Checkpoints;

namespace Scylla.Core.Execution;

/// <summary>
/// Whether the experiment's own runner (the Python tool) is alive on this host (docs/format.md, "Live runners"): the
/// checkpoint says running with a live pid and a fresh heartbeat, or <c>experiment.pid</c> names a live process.
/// </summary>
public static class LiveRunner
{
    public const string PidFileName = "experiment.pid";

    /// <summary>A heartbeat older than this no longer proves anything (upstream's zombie threshold).</summary>
    public static readonly TimeSpan HeartbeatLimit = TimeSpan.FromSeconds(120);

    /// <summary>The live runner's pid, or null.</summary>
    public static int? Find(string experimentDirectory, Checkpoint? checkpoint)
    {
        if (checkpoint is { Status: "running" or "paused_rate_limit", Pid: { } pid } && IsOther(pid)
            && HeartbeatAge(checkpoint.LastHeartbeat) is { } age && age < HeartbeatLimit)
        {
            return pid;
        }

        var pidFile = Path.Combine(experimentDirectory, PidFileName);
        try
        {
            return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var owner)
                && IsOther(owner) ? owner : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>How old an ISO heartbeat is (a naive time is UTC, as upstream reads it); null when it cannot be read.</summary>
    public static TimeSpan? HeartbeatAge(string heartbeat) =>
        DateTimeOffset.TryParse(heartbeat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? DateTimeOffset.UtcNow - at
            : null;

    private static bool IsOther(int pid) => pid != Environment.ProcessId && ProcessGroup.IsProcessAlive(pid);
}
