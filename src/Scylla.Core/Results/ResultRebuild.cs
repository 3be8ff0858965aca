using Scylla.Core.Runs;

namespace Scylla.Core.Results;

/// <summary>What one rebuild wrote (or, when planned, would write), and what it found.</summary>
public sealed class ResultRebuild
{
    internal ResultRebuild(string experimentPath, bool planned, IReadOnlyList<string> paths,
        IReadOnlyList<TierAggregate> tiers, IReadOnlyList<ScanIssue> issues)
    {
        ExperimentPath = experimentPath;
        Planned = planned;
        Paths = paths;
        Tiers = tiers;
        Issues = issues;
    }

    public string ExperimentPath { get; }

    /// <summary>True for <see cref="ResultBuilder.Plan"/>: nothing was written.</summary>
    public bool Planned { get; }

    /// <summary>The files written (or to be written), in write order.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>The tiers that were rebuilt, each with its subtests and best subtest.</summary>
    public IReadOnlyList<TierAggregate> Tiers { get; }

    /// <summary>Run results left out (unreadable, incomplete) and folders that could not be read.</summary>
    public IReadOnlyList<ScanIssue> Issues { get; }

    /// <summary>The best subtest of <paramref name="tier"/> after the rebuild, or null when it has none.</summary>
    public string? BestSubtest(string tier) => Tiers.FirstOrDefault(t => t.Tier == tier)?.BestSubtest;

    /// <summary>Whether <paramref name="tier"/> now has a best subtest, which T5 inheritance needs.</summary>
    public bool HasBestSubtest(string tier) => BestSubtest(tier) != null;
}
