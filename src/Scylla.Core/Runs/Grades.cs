namespace Scylla.Core.Runs;

/// <summary>Upstream's letter grades (formats.md §4.4).</summary>
public static class Grades
{
    public static string FromScore(double score)
    {
        if (score is < 0 or > 1 || double.IsNaN(score))
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, "score must be in [0.0, 1.0]");
        }

        return score == 1.0 ? "S" : score >= 0.8 ? "A" : score >= 0.6 ? "B" : score >= 0.4 ? "C" : score >= 0.2 ? "D" : "F";
    }
}
