using System.Diagnostics;
using System.Globalization;
using Scylla.Core.Checkpoints;

namespace Scylla.Core.Status;

/// <summary>
/// Whether a runner owns an experiment now (docs/results.md, "Who owns an experiment"): the pid from the checkpoint
/// (else <c>experiment.pid</c>), whether it is alive, the heartbeat's age, and upstream's zombie rule: status
/// <c>running</c>, a dead pid and a heartbeat that is missing, unreadable or older than two minutes.
/// </summary>
public sealed record RunnerState(int? Pid, bool IsAlive, TimeSpan? HeartbeatAge, bool IsZombie)
{
    public static readonly TimeSpan StaleHeartbeat = TimeSpan.FromSeconds(120);

    public static RunnerState Probe(Checkpoint? checkpoint, string experimentPath, DateTimeOffset now)
    {
        var pid = checkpoint?.Pid ?? PidFile(experimentPath);
        var alive = pid is { } id && IsRunning(id);
        TimeSpan? age = checkpoint != null
            && DateTimeOffset.TryParse(
                checkpoint.LastHeartbeat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var beat)
            ? now - beat
            : null;
        var zombie = checkpoint?.Status == "running" && !alive && (age == null || age > StaleHeartbeat);
        return new RunnerState(pid, alive, age, zombie);
    }

    private static int? PidFile(string experimentPath)
    {
        try
        {
            var path = Path.Combine(experimentPath, "experiment.pid");
            return File.Exists(path)
                && int.TryParse(
                    File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e)
            when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
