using Scylla.Core.Checkpoints;

namespace Scylla.Core.Execution;

/// <summary>
/// Whether the experiment's own runner (the Python tool) is alive on this host (docs/format.md, "Live runners"): the
/// checkpoint says running with a live pid and a fresh heartbeat, or <c>experiment.pid</c> names a live process. The
/// pid and heartbeat are read as the zombie rule reads them (<see cref="CheckpointHealth"/>).
/// </summary>
public static class LiveRunner
{
    /// <summary>The live runner's pid, or null.</summary>
    public static int? Find(string experimentDirectory, Checkpoint? checkpoint)
    {
        if (checkpoint is { Status: "running" or "paused_rate_limit" }
            && CheckpointHealth.Check(checkpoint, experimentDirectory) is { RunnerPid: { } pid, HeartbeatAge: { } age }
            && IsOther(pid) && age <= CheckpointHealth.HeartbeatTimeout)
        {
            return pid;
        }

        return CheckpointHealth.ReadPidFile(experimentDirectory) is { } owner && IsOther(owner) ? owner : null;
    }

    private static bool IsOther(int pid) => pid != Environment.ProcessId && ProcessGroup.IsProcessAlive(pid);
}
