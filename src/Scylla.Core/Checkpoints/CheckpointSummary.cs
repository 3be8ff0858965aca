namespace Scylla.Core.Checkpoints;

/// <summary>What <c>Get-ScyllaCheckpoint</c> shows of one experiment's checkpoint: flat, so it exports cleanly.</summary>
public sealed class CheckpointSummary
{
    public required string ExperimentPath { get; init; }

    public required string Path { get; init; }

    /// <summary>The version on disk; it is read as, and would be rewritten as, 3.1.</summary>
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

    public static CheckpointSummary From(Checkpoint checkpoint, string experimentPath)
    {
        var statuses = checkpoint.CompletedRuns.Select(r => r.Status).ToList();
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
        };
    }
}
