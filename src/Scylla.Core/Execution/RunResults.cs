using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.IO;
using Scylla.Core.Json;
using Scylla.Core.Runs;

namespace Scylla.Core.Execution;

/// <summary>One judge slot in <c>run_result.json</c>.</summary>
public sealed record JudgeEntry(int Slot, string Model, Judgment Judgment);

/// <summary>
/// Writes a run's result files: <c>run_result.json</c> in JAN <c>RunResult</c> key order (read by JAN and HEAD alike),
/// <c>report.json</c> and <c>report.md</c>; and regenerates missing result files from a run's logs (formats.md §6.4).
/// </summary>
public static class RunResults
{
    public static JsonObject Build(string runDirectory, int runNumber, AgentResult agent, double agentSeconds, double judgeSeconds, Judgment consensus, IReadOnlyList<JudgeEntry> judges) => new()
    {
        ["run_number"] = runNumber,
        ["exit_code"] = agent.ExitCode,
        ["token_stats"] = agent.Tokens.ToJson(),
        ["tokens_input"] = agent.Tokens.Input + agent.Tokens.CacheRead,
        ["tokens_output"] = agent.Tokens.Output,
        ["cost_usd"] = agent.CostUsd,
        ["duration_seconds"] = agentSeconds + judgeSeconds,
        ["agent_duration_seconds"] = agentSeconds,
        ["judge_duration_seconds"] = judgeSeconds,
        ["judge_score"] = consensus.Score,
        ["judge_passed"] = consensus.Passed,
        ["judge_grade"] = consensus.Grade,
        ["judge_reasoning"] = consensus.Reasoning,
        ["judges"] = JudgesJson(judges),
        ["workspace_path"] = Path.Combine(runDirectory, RunFolder.Workspace),
        ["logs_path"] = Path.Combine(runDirectory, RunFolder.Agent),
        ["command_log_path"] = Path.Combine(runDirectory, RunFolder.Agent, RunFolder.CommandLog),
        ["criteria_scores"] = consensus.CriteriaScores?.DeepClone() ?? new JsonObject(),
    };

    /// <summary>The <c>judges</c> array of <c>run_result.json</c>, one entry per slot.</summary>
    public static JsonArray JudgesJson(IReadOnlyList<JudgeEntry> judges) => new(judges.Select(j => (JsonNode)new JsonObject
    {
        ["model"] = j.Model,
        ["score"] = j.Judgment.Score,
        ["passed"] = j.Judgment.Passed,
        ["grade"] = j.Judgment.Grade,
        ["reasoning"] = j.Judgment.Reasoning,
        ["judge_number"] = j.Slot,
        ["is_valid"] = j.Judgment.IsValid,
        ["criteria_scores"] = j.Judgment.CriteriaScores?.DeepClone(),
    }).ToArray());

    /// <summary>Writes <c>run_result.json</c>, <c>report.json</c> and <c>report.md</c>.</summary>
    public static void Write(string runDirectory, string runId, JsonObject runResult)
    {
        AgentRun.WriteJson(Path.Combine(runDirectory, RunFolder.RunResult), runResult);
        var score = runResult["judge_score"]!.GetValue<double>();
        var passed = runResult["judge_passed"]!.GetValue<bool>();

        // cost_usd, duration_seconds and run_number default to 0, as HEAD's reader of run_result.json does
        var cost = Seconds(runResult, "cost_usd");
        var duration = Seconds(runResult, "duration_seconds");
        AgentRun.WriteJson(Path.Combine(runDirectory, RunFolder.ReportJson), new JsonObject
        {
            ["run_number"] = runResult["run_number"]?.DeepClone() ?? 0,
            ["score"] = score,
            ["grade"] = runResult["judge_grade"]!.DeepClone(),
            ["passed"] = passed,
            ["cost_usd"] = cost,
            ["duration_seconds"] = duration,
            ["generated_at"] = Judging.Now(),
        });
        var judges = (runResult["judges"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(j => $"| {j["judge_number"]} | {j["model"]} | {j["score"]?.GetValue<double>():0.000} | {j["grade"]} | [judgment](./judge/judge_{j["judge_number"]!.GetValue<int>():00}/judgment.json) |");
        File.WriteAllText(Path.Combine(runDirectory, RunFolder.ReportMarkdown), string.Join('\n',
        [
            $"# Run Report: {runId}", "",
            "| | |", "|---|---|",
            $"| Score | {score.ToString("0.000", CultureInfo.InvariantCulture)} |",
            $"| Grade | {runResult["judge_grade"]} |",
            $"| Result | {(passed ? "✓ PASS" : "✗ FAIL")} |",
            $"| Cost | ${cost.ToString("0.0000", CultureInfo.InvariantCulture)} |",
            $"| Duration | {duration.ToString("0.0", CultureInfo.InvariantCulture)} s |",
            $"| Exit code | {runResult["exit_code"]} |", "",
            "## Judges", "", "| Slot | Model | Score | Grade | |", "|---|---|---|---|---|", .. judges, "",
            "## Reasoning", "", runResult["judge_reasoning"]?.ToString() ?? string.Empty, "",
            "Task: [task_prompt.md](./task_prompt.md) · Agent output: [output.txt](./agent/output.txt) · Agent result: [result.json](./agent/result.json)", "",
        ]));
    }

    /// <summary>The judge entries recorded in the slots on disk (numeric <c>judge_NN</c> only, with <c>judgment.json</c> and <c>MODEL.md</c>).</summary>
    public static List<JudgeEntry> ReadJudges(string runDirectory, IReadOnlyList<string> judgeModels)
    {
        var entries = new List<JudgeEntry>();
        for (var k = 1; k <= judgeModels.Count; k++)
        {
            var slot = Path.Combine(runDirectory, RunFolder.Judge, RunFolder.JudgeSlot(k));
            var judgment = ReadObject(Path.Combine(slot, RunFolder.Judgment));
            if (judgment?["score"] is JsonValue score && score.TryGetValue(out double value))
            {
                entries.Add(new JudgeEntry(k, ModelOf(Path.Combine(slot, RunFolder.Model)) ?? judgeModels[k - 1],
                    new Judgment(
                    value,
                    judgment["passed"]?.GetValueKind() == JsonValueKind.True,
                    Grades.FromScore(Math.Clamp(value, 0, 1)),
                    judgment["reasoning"]?.ToString() ?? string.Empty,
                    judgment["is_valid"]?.GetValueKind() != JsonValueKind.False,
                    judgment["criteria_scores"]?.DeepClone())));
            }
        }

        return entries;
    }

    /// <summary>
    /// Regenerates what a Results run is missing, in one pass (docs/format.md, "The agent's result"):
    /// <c>agent/result.json</c> when it is missing or damaged, from the agent's logs as the agent's run writes it; then
    /// <c>run_result.json</c> from the agent result, <c>judge/result.json</c> and the timings. Returns the run result.
    /// </summary>
    public static JsonObject Regenerate(string runDirectory, int runNumber, IReadOnlyList<string> judgeModels)
    {
        var agentDirectory = Path.Combine(runDirectory, RunFolder.Agent);
        var agentResultPath = Path.Combine(agentDirectory, RunFolder.Result);
        var agentJson = ReadObject(agentResultPath);
        if (!AgentResult.IsComplete(agentJson) && RebuildAgentResult(agentDirectory) is { } rebuilt)
        {
            agentJson = rebuilt;
            AgentRun.WriteJson(agentResultPath, rebuilt);
        }

        var judgeResultPath = Path.Combine(runDirectory, RunFolder.Judge, RunFolder.Result);
        var judgeResult = ReadObject(judgeResultPath) ?? RebuildConsensus(runDirectory, judgeModels, judgeResultPath);
        var runResultPath = Path.Combine(runDirectory, RunFolder.RunResult);
        if (ReadObject(runResultPath) is { } existing)
        {
            return existing;
        }

        judgeResult = judgeResult
            ?? throw new ScyllaException("JudgeResultMissing", ScyllaErrorKind.InvalidOperation,
                $"'{Path.Combine(runDirectory, RunFolder.Judge, RunFolder.Result)}' is missing, " +
                "so run_result.json cannot be rebuilt from the logs. Re-run the judges with -JudgeOnly.", runDirectory);
        agentJson = agentJson
            ?? throw new ScyllaException("AgentResultInvalid", ScyllaErrorKind.InvalidOperation,
                $"'{agentResultPath}' is missing or unreadable and the agent's output (agent/stdout.log, " +
                "agent/output.txt) is gone, so run_result.json cannot be rebuilt. Re-run the agent.", agentResultPath);
        var agent = new AgentResult(
            agentJson["exit_code"] is JsonValue x && x.TryGetValue(out int exit) ? exit : 1,
            agentJson["stdout"]?.ToString() ?? string.Empty,
            agentJson["stderr"]?.ToString() ?? string.Empty,
            TokenStats.From(agentJson["token_stats"]),
            agentJson["cost_usd"] is JsonValue c && c.TryGetValue(out double cost) ? cost : 0.0,
            agentJson["api_calls"] is JsonValue a && a.TryGetValue(out int calls) ? calls : 0);
        var agentSeconds = Seconds(ReadObject(Path.Combine(agentDirectory, RunFolder.Timing)),
            "agent_duration_seconds");
        var judgeSeconds = ReadObject(Path.Combine(runDirectory, RunFolder.Judge, RunFolder.Timing)) is { } judgeTiming
            ? Seconds(judgeTiming, "judge_duration_seconds")
            : Enumerable.Range(1, judgeModels.Count).Sum(k => Seconds(ReadObject(Path.Combine(runDirectory,
                RunFolder.Judge, RunFolder.JudgeSlot(k), RunFolder.Timing)), "judge_duration_seconds"));
        var score = judgeResult["score"] is JsonValue s && s.TryGetValue(out double sc) ? sc : 0.0;
        var consensus = new Judgment(
            score,
            judgeResult["passed"]?.GetValueKind() == JsonValueKind.True,
            judgeResult["grade"]?.ToString() ?? "F",
            judgeResult["reasoning"]?.ToString() ?? string.Empty,
            judgeResult["is_valid"]?.GetValueKind() != JsonValueKind.False,
            judgeResult["criteria_scores"]?.DeepClone());
        var runResult = Build(runDirectory, runNumber, agent, agentSeconds, judgeSeconds, consensus, ReadJudges(runDirectory, judgeModels));
        AgentRun.WriteJson(runResultPath, runResult);
        return runResult;
    }

    /// <summary>
    /// <c>agent/result.json</c> as the agent's run wrote it, from its logs (<c>stdout.log</c>, else <c>output.txt</c>,
    /// and the command log's exit code); null when the output is gone.
    /// </summary>
    private static JsonObject? RebuildAgentResult(string agentDirectory)
    {
        var stdoutPath = new[] { RunFolder.Stdout, RunFolder.Output }.Select(name => Path.Combine(agentDirectory, name))
            .FirstOrDefault(File.Exists);
        if (stdoutPath == null)
        {
            return null;
        }

        var stderrPath = Path.Combine(agentDirectory, RunFolder.Stderr);
        var commands = ReadObject(Path.Combine(agentDirectory, RunFolder.CommandLog))?["commands"] as JsonArray ?? [];
        var agentCommand = commands.OfType<JsonObject>()
            .FirstOrDefault(c => c["command"] is JsonArray { Count: > 0 } argv
                && argv[0]?.ToString().Contains("claude", StringComparison.Ordinal) == true)
            ?? commands.OfType<JsonObject>().LastOrDefault();
        var exitCode = agentCommand?["exit_code"] is JsonValue e && e.TryGetValue(out int code) ? code : 0;
        var stderr = File.Exists(stderrPath) ? AgentRun.ReadBounded(stderrPath) : string.Empty;
        return AgentResult.FromLog(exitCode, AgentRun.ReadBounded(stdoutPath), stderr, stdoutPath).ToJson();
    }

    /// <summary>
    /// <c>judge/result.json</c> rebuilt from the slots when every slot holds a judgment and one is valid (the consensus
    /// the judges already gave); null otherwise.
    /// </summary>
    private static JsonObject? RebuildConsensus(string runDirectory, IReadOnlyList<string> judgeModels, string path)
    {
        var judges = ReadJudges(runDirectory, judgeModels);
        if (judges.Count == 0 || judges.Count < judgeModels.Count || judges.All(j => !j.Judgment.IsValid))
        {
            return null;
        }

        var consensus = Judging.Consensus(judges.Select(j => j.Judgment).ToList()).ToJson(withCriteria: false);
        AgentRun.WriteJson(path, consensus);
        return consensus;
    }

    internal static JsonObject? ReadObject(string path)
    {
        try
        {
            return File.Exists(path) ? PythonJson.Parse(SmallFile.ReadText(path)) as JsonObject : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double Seconds(JsonObject? timing, string key) => timing?[key] is JsonValue v && v.TryGetValue(out double seconds) ? seconds : 0.0;

    /// <summary>
    /// The model the file names; null when it is absent or not a small regular file (a FIFO never blocks).
    /// </summary>
    private static string? ModelOf(string modelFile)
    {
        try
        {
            return SmallFile.ReadText(modelFile).Split('\n')
                .FirstOrDefault(l => l.StartsWith("**Model**:", StringComparison.Ordinal))
                ?["**Model**:".Length..].Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or ScyllaException)
        {
            return null;
        }
    }
}
