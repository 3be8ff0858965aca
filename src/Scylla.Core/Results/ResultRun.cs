namespace Scylla.Core.Results;

/// <summary>
/// One run's <c>run_result.json</c> as the aggregation sees it: the values it uses and the file's path; result files
/// that embed the run read the file again as they are written (<see cref="ResultRunReader.ReadRecord"/>).
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
    string Path);
