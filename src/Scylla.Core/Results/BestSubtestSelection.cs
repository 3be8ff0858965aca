using System.Text.Json.Nodes;

namespace Scylla.Core.Results;

/// <summary>
/// Which subtest of a tier is best (upstream's <c>select_best_subtest</c>, docs/results.md): the highest median score;
/// when the top two are closer than <see cref="TieThreshold"/>, the one of them that used fewer tokens.
/// </summary>
public sealed class BestSubtestSelection
{
    public const double TieThreshold = 0.05;

    private BestSubtestSelection(
        string winner, double score, IReadOnlyList<SubtestVote> votes, double margin, SubtestVote? tiebreaker)
    {
        WinningSubtest = winner;
        WinningScore = score;
        Votes = votes;
        Margin = margin;
        TiebreakerResult = tiebreaker;
    }

    public string WinningSubtest { get; }

    public double WinningScore { get; }

    public IReadOnlyList<SubtestVote> Votes { get; }

    public double Margin { get; }

    public bool TiebreakerNeeded => TiebreakerResult != null;

    public SubtestVote? TiebreakerResult { get; }

    /// <summary>What the winner's <c>selection_reason</c> says.</summary>
    public string SelectionReason =>
        TiebreakerResult?.Reasoning ?? $"Highest median score ({PythonFormat.Fixed(WinningScore, 3)})";

    /// <summary>Selects among <paramref name="subtests"/> (in id order, which breaks equal medians).</summary>
    internal static BestSubtestSelection Select(IReadOnlyList<SubtestAggregate> subtests)
    {
        if (subtests.Count == 1)
        {
            var only = subtests[0];
            var vote = new SubtestVote(only.Subtest, only.MedianScore, 1.0, "Only sub-test in tier");
            return new BestSubtestSelection(only.Subtest, only.MedianScore, [vote], 1.0, null);
        }

        // OrderByDescending is stable, like Python's sorted(reverse=True).
        var ranked = subtests.OrderByDescending(s => s.MedianScore).ToList();
        var votes = ranked.Select(s => new SubtestVote(s.Subtest, s.MedianScore, s.Consistency,
            $"Pass rate: {PythonFormat.Percent(s.PassRate, 1)}, Mean score: {PythonFormat.Fixed(s.MeanScore, 3)}, "
            + $"Consistency: {PythonFormat.Fixed(s.Consistency, 3)}")).ToList();
        var (first, second) = (ranked[0], ranked[1]);
        var margin = first.MedianScore - second.MedianScore;
        if (margin >= TieThreshold)
        {
            return new BestSubtestSelection(first.Subtest, first.MedianScore, votes, margin, null);
        }

        var winner = first.Tokens.Total <= second.Tokens.Total ? first : second;
        var tiebreaker = new SubtestVote(winner.Subtest, winner.MedianScore, 1.0,
            $"Tie broken by token usage: {Math.Min(first.Tokens.Total, second.Tokens.Total)} tokens "
            + $"({first.Subtest}={first.Tokens.Total}, {second.Subtest}={second.Tokens.Total}). Lower is better.");
        return new BestSubtestSelection(winner.Subtest, winner.MedianScore, votes, margin, tiebreaker);
    }

    /// <summary><c>best_subtest.json</c>, keys in upstream's order.</summary>
    internal JsonObject ToJson() => new()
    {
        ["winning_subtest"] = WinningSubtest,
        ["winning_score"] = WinningScore,
        ["votes"] = new JsonArray(Votes.Select(v => (JsonNode)v.ToJson()).ToArray()),
        ["margin"] = Margin,
        ["tiebreaker_needed"] = TiebreakerNeeded,
        ["tiebreaker_result"] = TiebreakerResult?.ToJson(),
    };
}
