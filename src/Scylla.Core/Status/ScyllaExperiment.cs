using Scylla.Core.Experiments;

namespace Scylla.Core.Status;

/// <summary>
/// Where an experiment (or one of its tiers or subtests, see <see cref="Level"/>) stands: run counts by status (the
/// same as <c>Get-ScyllaRun | Group-Object Status</c>), judge slots, the numbers of the runs with a result, and who
/// owns it. Every property is flat so Export-Csv and ConvertTo-Json keep everything.
/// </summary>
public sealed class ScyllaExperiment
{
    public StatusLevel Level { get; internal init; }

    public string ExperimentId { get; internal init; } = string.Empty;

    public string ExperimentPath { get; internal init; } = string.Empty;

    /// <summary>Null at the experiment level.</summary>
    public string? Tier { get; internal init; }

    /// <summary>Null above the subtest level.</summary>
    public string? Subtest { get; internal init; }

    public ExperimentLayout Layout { get; internal init; }

    public string? CheckpointVersion { get; internal init; }

    public string? CheckpointStatus { get; internal init; }

    public int? RunnerPid { get; internal init; }

    /// <summary>True while the experiment's own runner owns it, on this host or another (docs/format.md, "Live runners").</summary>
    public bool RunnerAlive { get; internal init; }

    public double? HeartbeatAgeSeconds { get; internal init; }

    /// <summary>Status running, a dead runner and a stale heartbeat (docs/results.md).</summary>
    public bool IsZombie { get; internal init; }

    public int ExpectedRuns { get; internal init; }

    /// <summary>Every run listed, expected or not (what Get-ScyllaRun lists).</summary>
    public int TotalRuns { get; internal init; }

    public int Completed { get; internal init; }

    public int Missing { get; internal init; }

    public int Failed { get; internal init; }

    public int Partial { get; internal init; }

    public int Results { get; internal init; }

    /// <summary>Runs whose agent met a rate limit or usage cap; with the five above they add up to TotalRuns.</summary>
    public int RateLimited { get; internal init; }

    /// <summary>Judge slots that are Complete, over the expected runs.</summary>
    public int JudgeSlotsComplete { get; internal init; }

    public int JudgeSlotsExpected { get; internal init; }

    /// <summary>Runs with a counted run_result.json (what the result files aggregate).</summary>
    public int ScoredRuns { get; internal init; }

    public double? PassRate { get; internal init; }

    public double? MeanScore { get; internal init; }

    public double CostUsd { get; internal init; }

    public long Tokens { get; internal init; }

    public double AgentSeconds { get; internal init; }

    public double JudgeSeconds { get; internal init; }

    /// <summary>The tiers whose result files name a best subtest (what T5 inherits from), comma-separated.</summary>
    public string TiersWithBestSubtest { get; internal init; } = string.Empty;

    /// <summary>The best subtest the tier's result files name (tier level only).</summary>
    public string? BestSubtest { get; internal init; }

    public Completeness Completeness { get; internal init; }

    /// <summary>Changes whenever a run's status, judge slots or checkpoint state change (see Completeness).</summary>
    public string Fingerprint { get; internal init; } = string.Empty;

    public override string ToString() =>
        Tier == null ? ExperimentId : Subtest == null ? $"{ExperimentId}/{Tier}" : $"{ExperimentId}/{Tier}/{Subtest}";
}
