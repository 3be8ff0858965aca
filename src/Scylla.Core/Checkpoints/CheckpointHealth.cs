using System.Diagnostics;
using System.Globalization;
using Scylla.Core.IO;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// Upstream's zombie rule (formats of HEAD <c>health.is_zombie</c>): a checkpoint that says <c>running</c> while its
/// runner is gone. Used by <c>Get-ScyllaCheckpoint</c>, the repair, and any view of an experiment.
/// </summary>
public static class CheckpointHealth
{
    public const string PidFileName = "experiment.pid";

    /// <summary>A heartbeat older than this (strictly) is stale.</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(120);

    public static ZombieCheck Check(Checkpoint checkpoint, string experimentDirectory) =>
        Check(checkpoint, experimentDirectory, DateTimeOffset.UtcNow, IsProcessAlive);

    /// <summary>
    /// A zombie: status <c>running</c>, the runner's pid not alive (or unknown), and the heartbeat empty, unreadable or
    /// more than <see cref="HeartbeatTimeout"/> old at <paramref name="now"/> (a time without offset is UTC).
    /// </summary>
    public static ZombieCheck Check(
        Checkpoint checkpoint, string experimentDirectory, DateTimeOffset now, Func<int, bool> isAlive)
    {
        var pid = checkpoint.Pid ?? ReadPidFile(experimentDirectory);
        bool? alive = pid is { } p ? isAlive(p) : null;
        TimeSpan? age = TryParseTimestamp(checkpoint.LastHeartbeat, out var heartbeat) ? now - heartbeat : null;
        var stale = age is not { } known || known > HeartbeatTimeout;
        return new ZombieCheck(checkpoint.Status == "running" && alive != true && stale, pid, alive, age);
    }

    public static bool IsProcessAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Why the experiment's own runner (the Python tool) owns it now, on this host or another (docs/format.md, "Live
    /// runners"); null when nothing says so. A checkpoint <c>running</c> or <c>paused_rate_limit</c> with a heartbeat
    /// at most <see cref="HeartbeatTimeout"/> old counts whatever its pid (the pid may be another host's);
    /// <c>experiment.pid</c> counts when it names a live process here, or, with no checkpoint yet, when it is that
    /// young (a runner starting on another host).
    /// </summary>
    public static string? FindLiveRunner(
        string experimentDirectory, Checkpoint? checkpoint, DateTimeOffset now, Func<int, bool> isAlive)
    {
        if (checkpoint is { Status: "running" or "paused_rate_limit" } && TryParseTimestamp(checkpoint.LastHeartbeat,
            out var heartbeat) && now - heartbeat <= HeartbeatTimeout)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"its checkpoint says {checkpoint.Status} with a heartbeat " +
                $"{(now - heartbeat).TotalSeconds:0} s old " +
                $"(pid {checkpoint.Pid?.ToString(CultureInfo.InvariantCulture) ?? "none"}, " +
                $"on whichever host wrote it)");
        }

        if (ReadPidFile(experimentDirectory) is not { } pid)
        {
            return null;
        }

        if (pid != Environment.ProcessId && isAlive(pid))
        {
            return $"{PidFileName} names process {pid}, alive on this host";
        }

        var written = File.GetLastWriteTimeUtc(Path.Combine(experimentDirectory, PidFileName));
        return checkpoint == null && now - written <= HeartbeatTimeout
            ? $"{PidFileName} (process {pid}) is {(now - written).TotalSeconds:0} s old " +
                "and there is no checkpoint yet: " +
                "a runner may be starting on another host"
            : null;
    }

    /// <summary>
    /// The pid <c>experiment.pid</c> holds, or null when there is none, it is not a number, or it is not a small
    /// regular file (a FIFO or device there is read without blocking and ignored).
    /// </summary>
    public static int? ReadPidFile(string experimentDirectory)
    {
        try
        {
            var text = SmallFile.ReadText(Path.Combine(experimentDirectory, PidFileName)).Trim();
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ScyllaException)
        {
            return null;
        }
    }

    /// <summary>Python's <c>datetime.fromisoformat</c> for the forms upstream writes; no offset means UTC.</summary>
    private static bool TryParseTimestamp(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out time)
        && text.Trim().Length >= 10;
}
