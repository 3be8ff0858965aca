using Scylla.Core.Results;

namespace Scylla.Core.Status;

/// <summary>
/// What <see cref="ScyllaExperiment"/> shows of a set of counted runs, without the runs: the totals of each subtest
/// are added in the order the aggregates add them, so every value is the one they give to the last bit.
/// </summary>
internal sealed class ScoreTotals
{
    private readonly ExactSum _scores = new();

    public int RunCount { get; private set; }

    public int Passed { get; private set; }

    public double CostUsd { get; private set; }

    public TokenCounts Tokens { get; private set; }

    public double AgentSeconds { get; private set; }

    public double JudgeSeconds { get; private set; }

    public double? PassRate => RunCount == 0 ? null : (double)Passed / RunCount;

    public double? MeanScore => RunCount == 0 ? null : _scores.Mean(RunCount);

    /// <summary>One subtest's runs, in run order (the order of its sums in the result files).</summary>
    public static ScoreTotals Of(IReadOnlyList<ResultRun> runs)
    {
        var totals = new ScoreTotals();
        foreach (var run in runs)
        {
            totals.RunCount++;
            totals.Passed += run.Passed ? 1 : 0;
            totals._scores.Add(run.Score);
            totals.CostUsd += run.CostUsd;
            totals.Tokens += run.Tokens;
            totals.AgentSeconds += run.AgentSeconds;
            totals.JudgeSeconds += run.JudgeSeconds;
        }

        return totals;
    }

    /// <summary>Adds a subtest's totals, as the experiment's and tiers' sums add up their subtests'.</summary>
    public void Add(ScoreTotals subtest)
    {
        RunCount += subtest.RunCount;
        Passed += subtest.Passed;
        _scores.Add(subtest._scores);
        CostUsd += subtest.CostUsd;
        Tokens += subtest.Tokens;
        AgentSeconds += subtest.AgentSeconds;
        JudgeSeconds += subtest.JudgeSeconds;
    }
}
