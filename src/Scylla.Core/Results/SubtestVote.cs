using System.Text.Json.Nodes;

namespace Scylla.Core.Results;

/// <summary>One entry of <c>best_subtest.json</c>'s <c>votes</c> (upstream's <c>JudgeVote</c>).</summary>
public sealed record SubtestVote(string SubtestId, double Score, double Confidence, string Reasoning)
{
    internal JsonObject ToJson() => new()
    {
        ["subtest_id"] = SubtestId,
        ["score"] = Score,
        ["confidence"] = Confidence,
        ["reasoning"] = Reasoning,
    };
}
