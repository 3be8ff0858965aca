namespace Scylla.Core.Results;

/// <summary>A tier's subtests (those with at least one counted run, in id order) and its best subtest.</summary>
public sealed class TierAggregate
{
    internal TierAggregate(string tier, IReadOnlyList<SubtestAggregate> subtests)
    {
        Tier = tier;
        Subtests = subtests;
        Selection = subtests.Count > 0 ? BestSubtestSelection.Select(subtests) : null;
        TotalCost = PythonStatistics.Sum(subtests.Select(s => s.TotalCost));
        Tokens = TokenCounts.Sum(subtests.Select(s => s.Tokens));
    }

    public string Tier { get; }

    public IReadOnlyList<SubtestAggregate> Subtests { get; }

    /// <summary>Null when no subtest of the tier has a counted run.</summary>
    public BestSubtestSelection? Selection { get; }

    public string? BestSubtest => Selection?.WinningSubtest;

    public SubtestAggregate? Best => Subtests.FirstOrDefault(s => s.Subtest == BestSubtest);

    public double TotalCost { get; }

    public TokenCounts Tokens { get; }

    /// <summary>The best subtest's mean cost over its pass rate; infinite without a best subtest or a pass.</summary>
    public double CostOfPass =>
        Best is { PassRate: > 0 } best ? best.MeanCost / best.PassRate : double.PositiveInfinity;
}
