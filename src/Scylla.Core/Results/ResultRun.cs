using System.Text.Json.Nodes;

namespace Scylla.Core.Results;

/// <summary>
/// One run's <c>run_result.json</c> as the aggregation sees it: the values it uses, and the object itself (without the
/// per-run extras upstream leaves out of tier results) for the <c>runs</c> array of <c>result.json</c>, when kept.
/// </summary>
internal sealed record ResultRun(
    int RunNumber,
    double Score,
    bool Passed,
    string Grade,
    double CostUsd,
    double DurationSeconds,
    double AgentSeconds,
    double JudgeSeconds,
    TokenCounts Tokens,
    JsonObject? Record);
