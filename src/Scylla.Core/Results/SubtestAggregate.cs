namespace Scylla.Core.Results;

/// <summary>
/// The statistics of one subtest over its counted runs, computed as upstream's <c>aggregate_run_results</c>
/// (docs/results.md): pass rate, mean/median/sample standard deviation of the judge score, consistency, costs, tokens
/// and grades.
/// </summary>
public sealed class SubtestAggregate
{
    /// <summary>Grades from worst to best; the order of min_grade and max_grade.</summary>
    internal static readonly string[] GradeOrder = ["F", "D", "C", "B", "A", "S"];

    internal SubtestAggregate(string tier, string subtest, IReadOnlyList<ResultRun> runs)
    {
        Tier = tier;
        Subtest = subtest;
        Runs = runs;
        var scores = runs.Select(r => r.Score).ToList();
        var costs = runs.Select(r => r.CostUsd).ToList();
        Passed = runs.Count(r => r.Passed);
        PassRate = (double)Passed / runs.Count;
        MeanScore = PythonStatistics.Mean(scores);
        MedianScore = PythonStatistics.Median(scores);
        StdDevScore = scores.Count > 1 ? PythonStatistics.SampleStdDev(scores) : 0.0;
        var variation = MeanScore > 0 ? StdDevScore / MeanScore : 1.0;
        Consistency = Math.Max(0.0, 1.0 - variation);
        MeanCost = PythonStatistics.Mean(costs);
        TotalCost = PythonStatistics.Sum(costs);
        Tokens = TokenCounts.Sum(runs.Select(r => r.Tokens));
        AgentSeconds = PythonStatistics.Sum(runs.Select(r => r.AgentSeconds));
        JudgeSeconds = PythonStatistics.Sum(runs.Select(r => r.JudgeSeconds));

        var grades = runs.Select(r => r.Grade).Where(g => g.Length > 0).ToList();
        if (grades.Count > 0)
        {
            // First-seen order, as a Python dict fills; the modal grade is the first of the most frequent.
            GradeDistribution = grades.GroupBy(g => g)
                .Select(g => new KeyValuePair<string, int>(g.Key, g.Count())).ToList();
            ModalGrade = GradeDistribution.First(g => g.Value == GradeDistribution.Max(x => x.Value)).Key;
            var ranks = grades.Select(g => Array.IndexOf(GradeOrder, g)).Where(i => i >= 0).ToList();
            MinGrade = ranks.Count > 0 ? GradeOrder[ranks.Min()] : null;
            MaxGrade = ranks.Count > 0 ? GradeOrder[ranks.Max()] : null;
        }
    }

    public string Tier { get; }

    public string Subtest { get; }

    internal IReadOnlyList<ResultRun> Runs { get; }

    public int RunCount => Runs.Count;

    public int Passed { get; }

    public double PassRate { get; }

    public double MeanScore { get; }

    public double MedianScore { get; }

    public double StdDevScore { get; }

    public double Consistency { get; }

    public double MeanCost { get; }

    public double TotalCost { get; }

    public TokenCounts Tokens { get; }

    public double AgentSeconds { get; }

    public double JudgeSeconds { get; }

    /// <summary>Grade to count in first-seen order; null when no run has a grade.</summary>
    public IReadOnlyList<KeyValuePair<string, int>>? GradeDistribution { get; }

    public string? ModalGrade { get; }

    public string? MinGrade { get; }

    public string? MaxGrade { get; }
}
