using Scylla.Core.Experiments;

namespace Scylla.Core.Status;

/// <summary>
/// Where an experiment (or one of its tiers or subtests, see <see cref="Level"/>) stands: run counts by status (the
/// same as <c>Get-ScyllaRun | Group-Object Status</c>), judge slots, the numbers of the runs with a result, and who
/// owns it. Every property is flat so Export-Csv and ConvertTo-Json keep everything.
/// </summary>
public sealed class ScyllaExperiment
{
    public required StatusLevel Level { get; init; }

    public required string ExperimentId { get; init; }

    public required string ExperimentPath { get; init; }

    /// <summary>Null at the experiment level.</summary>
    public string? Tier { get; init; }

    /// <summary>Null above the subtest level.</summary>
    public string? Subtest { get; init; }

    public required ExperimentLayout Layout { get; init; }

    public string? CheckpointVersion { get; init; }

    public string? CheckpointStatus { get; init; }

    public int? RunnerPid { get; init; }

    /// <summary>True while the runner's process is alive: someone owns the experiment now.</summary>
    public required bool RunnerAlive { get; init; }

    public double? HeartbeatAgeSeconds { get; init; }

    /// <summary>Status running, a dead runner and a stale heartbeat (docs/results.md).</summary>
    public required bool IsZombie { get; init; }

    public required int ExpectedRuns { get; init; }

    /// <summary>Every run listed, expected or not (what Get-ScyllaRun lists).</summary>
    public required int TotalRuns { get; init; }

    public required int Completed { get; init; }

    public required int Missing { get; init; }

    public required int Failed { get; init; }

    public required int Partial { get; init; }

    public required int Results { get; init; }

    /// <summary>Judge slots that are Complete, over the expected runs.</summary>
    public required int JudgeSlotsComplete { get; init; }

    public required int JudgeSlotsExpected { get; init; }

    /// <summary>Runs with a counted run_result.json (what the result files aggregate).</summary>
    public required int ScoredRuns { get; init; }

    public double? PassRate { get; init; }

    public double? MeanScore { get; init; }

    public required double CostUsd { get; init; }

    public required long Tokens { get; init; }

    public required double AgentSeconds { get; init; }

    public required double JudgeSeconds { get; init; }

    /// <summary>The tiers whose result files name a best subtest (what T5 inherits from), comma-separated.</summary>
    public required string TiersWithBestSubtest { get; init; }

    /// <summary>The best subtest the tier's result files name (tier level only).</summary>
    public string? BestSubtest { get; init; }

    public required Completeness Completeness { get; init; }

    /// <summary>Changes whenever a run's status, judge slots or checkpoint state change (see Completeness).</summary>
    public required string Fingerprint { get; init; }

    public override string ToString() =>
        Tier == null ? ExperimentId : Subtest == null ? $"{ExperimentId}/{Tier}" : $"{ExperimentId}/{Tier}/{Subtest}";
}
