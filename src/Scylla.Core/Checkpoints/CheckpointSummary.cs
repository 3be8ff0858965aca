using Scylla.Core.Experiments;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// What <c>Get-ScyllaCheckpoint</c> shows of one experiment's checkpoint: flat, so it exports cleanly.
/// </summary>
public sealed class CheckpointSummary
{
    public string ExperimentPath { get; internal init; } = string.Empty;

    public string Path { get; internal init; } = string.Empty;

    /// <summary>
    /// The version on disk; it is read as 3.1 (see <see cref="WriteVersion"/> for what a write keeps).
    /// </summary>
    public string Version { get; internal init; } = string.Empty;

    public string ExperimentId { get; internal init; } = string.Empty;

    public string Status { get; internal init; } = string.Empty;

    public string ExperimentState { get; internal init; } = string.Empty;

    public string ConfigHash { get; internal init; } = string.Empty;

    public int CompletedRuns { get; internal init; }

    public int Passed { get; internal init; }

    public int Failed { get; internal init; }

    public int AgentComplete { get; internal init; }

    /// <summary>Runs the checkpoint names with no outcome and the run state <c>rate_limited</c>.</summary>
    public int RateLimited { get; internal init; }

    /// <summary>Runs the checkpoint names with no outcome and any other state (to do, or under way).</summary>
    public int NotDone { get; internal init; }

    /// <summary>Every run the checkpoint names: CompletedRuns + RateLimited + NotDone.</summary>
    public int Runs { get; internal init; }

    public string StartedAt { get; internal init; } = string.Empty;

    public string LastUpdatedAt { get; internal init; } = string.Empty;

    public string LastHeartbeat { get; internal init; } = string.Empty;

    public int? Pid { get; internal init; }

    /// <summary>The version a write of this module keeps (2.0 stays 2.0; 3.0 becomes 3.1).</summary>
    public string WriteVersion { get; internal init; } = string.Empty;

    /// <summary>
    /// The checkpoint says <c>running</c> but its runner is gone (docs/checkpoints.md); the repair sets it to
    /// interrupted.
    /// </summary>
    public bool IsZombie { get; internal init; }

    /// <summary>The checkpoint's pid, else the one in <c>experiment.pid</c>.</summary>
    public int? RunnerPid { get; internal init; }

    /// <summary>Whether <see cref="RunnerPid"/> is a live process on this machine; null without a pid.</summary>
    public bool? RunnerAlive { get; internal init; }

    /// <summary>Time since <c>last_heartbeat</c>; null when it is empty or unreadable.</summary>
    public TimeSpan? HeartbeatAge { get; internal init; }

    /// <summary>
    /// Whether <c>config_hash</c> matches config/experiment.json as it is now; null when the config cannot be read.
    /// </summary>
    public bool? ConfigHashMatches { get; internal init; }

    /// <summary>
    /// Whose hash of the config matched: HEAD, January, January (before thinking_mode); null on drift.
    /// </summary>
    public string? ConfigHashEra { get; internal init; }

    public static CheckpointSummary From(Checkpoint checkpoint, string experimentPath, ExperimentConfig? config = null)
    {
        var statuses = checkpoint.CompletedRuns.Select(r => r.Status).ToList();
        var withoutOutcome = checkpoint.RunKeys
            .Where(k => checkpoint.GetRunStatus(k.Tier, k.Subtest, k.RunNumber) == null)
            .Select(k => checkpoint.GetRunState(k.Tier, k.Subtest, k.RunNumber)).ToList();
        var rateLimited = withoutOutcome.Count(s => s == RunStates.RateLimited);
        var health = CheckpointHealth.Check(checkpoint, experimentPath);
        var era = config == null ? null : Checkpoints.ConfigHash.MatchingEra(config, checkpoint.ConfigHash);
        return new CheckpointSummary
        {
            ExperimentPath = experimentPath,
            Path = CheckpointStore.PathFor(experimentPath),
            Version = checkpoint.SourceVersion,
            ExperimentId = checkpoint.ExperimentId,
            Status = checkpoint.Status,
            ExperimentState = checkpoint.ExperimentState,
            ConfigHash = checkpoint.ConfigHash,
            CompletedRuns = statuses.Count,
            Passed = statuses.Count(s => s == "passed"),
            Failed = statuses.Count(s => s == "failed"),
            AgentComplete = statuses.Count(s => s == "agent_complete"),
            RateLimited = rateLimited,
            NotDone = withoutOutcome.Count - rateLimited,
            Runs = statuses.Count + withoutOutcome.Count,
            StartedAt = checkpoint.StartedAt,
            LastUpdatedAt = checkpoint.LastUpdatedAt,
            LastHeartbeat = checkpoint.LastHeartbeat,
            Pid = checkpoint.Pid,
            WriteVersion = checkpoint.WriteVersion,
            IsZombie = health.IsZombie,
            RunnerPid = health.RunnerPid,
            RunnerAlive = health.RunnerAlive,
            HeartbeatAge = health.HeartbeatAge,
            ConfigHashMatches = config == null ? null : era != null,
            ConfigHashEra = era,
        };
    }
}
