using System.Diagnostics;
using System.Globalization;

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

    /// <summary>The pid <c>experiment.pid</c> holds, or null when there is none or it is not a number.</summary>
    internal static int? ReadPidFile(string experimentDirectory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(experimentDirectory, PidFileName)).Trim();
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
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
