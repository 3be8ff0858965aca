using Scylla.Core.Experiments;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// What <c>Get-ScyllaCheckpoint</c> shows of one experiment's checkpoint: flat, so it exports cleanly.
/// </summary>
public sealed class CheckpointSummary
{
    public required string ExperimentPath { get; init; }

    public required string Path { get; init; }

    /// <summary>
    /// The version on disk; it is read as 3.1 (see <see cref="WriteVersion"/> for what a write keeps).
    /// </summary>
    public required string Version { get; init; }

    public required string ExperimentId { get; init; }

    public required string Status { get; init; }

    public required string ExperimentState { get; init; }

    public required string ConfigHash { get; init; }

    public required int CompletedRuns { get; init; }

    public required int Passed { get; init; }

    public required int Failed { get; init; }

    public required int AgentComplete { get; init; }

    public required string StartedAt { get; init; }

    public required string LastUpdatedAt { get; init; }

    public required string LastHeartbeat { get; init; }

    public int? Pid { get; init; }

    /// <summary>The version a write of this module keeps (2.0 stays 2.0; 3.0 becomes 3.1).</summary>
    public required string WriteVersion { get; init; }

    /// <summary>
    /// The checkpoint says <c>running</c> but its runner is gone (docs/checkpoints.md); the repair sets it to
    /// interrupted.
    /// </summary>
    public required bool IsZombie { get; init; }

    /// <summary>The checkpoint's pid, else the one in <c>experiment.pid</c>.</summary>
    public int? RunnerPid { get; init; }

    /// <summary>Whether <see cref="RunnerPid"/> is a live process on this machine; null without a pid.</summary>
    public bool? RunnerAlive { get; init; }

    /// <summary>Time since <c>last_heartbeat</c>; null when it is empty or unreadable.</summary>
    public TimeSpan? HeartbeatAge { get; init; }

    /// <summary>
    /// Whether <c>config_hash</c> matches config/experiment.json as it is now; null when the config cannot be read.
    /// </summary>
    public bool? ConfigHashMatches { get; init; }

    /// <summary>
    /// Whose hash of the config matched: HEAD, January, January (before thinking_mode); null on drift.
    /// </summary>
    public string? ConfigHashEra { get; init; }

    public static CheckpointSummary From(Checkpoint checkpoint, string experimentPath, ExperimentConfig? config = null)
    {
        var statuses = checkpoint.CompletedRuns.Select(r => r.Status).ToList();
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
