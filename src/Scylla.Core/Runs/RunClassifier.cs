using System.Text.Json;
using Scylla.Core.IO;

namespace Scylla.Core.Runs;

/// <summary>A file that could not be read while classifying; the run is still classified from what could be read.</summary>
public sealed record ScanIssue(string Path, string Message);

/// <summary>What the classifier found in one run directory, with the values of its <c>run_result.json</c> when present.</summary>
public sealed record RunClassification(RunStatus Status, string Reason, IReadOnlyList<JudgeSlotStatus> JudgeSlots, RunResultValues? Result, IReadOnlyList<ScanIssue> Issues);

/// <summary>The <c>run_result.json</c> values a run listing shows.</summary>
public sealed record RunResultValues(
    double? Score, bool? Passed, string? Grade, double? CostUsd, double? DurationSeconds,
    double? AgentDurationSeconds = null, double? JudgeDurationSeconds = null);

/// <summary>
/// Upstream's classification rules, exactly: the agent side (formats.md §5.2) and the judge slots (§5.7, HEAD rules).
/// Only the run directory, <c>agent/</c> and <c>judge/</c> are listed, and only files the listings show are read;
/// <c>workspace/</c> never is.
/// </summary>
public static class RunClassifier
{
    /// <summary>The only names the rules ask about; a listing keeps no other (docs/performance.md).</summary>
    private static readonly string[] s_runEntries = [RunFolder.Agent, RunFolder.Judge, RunFolder.RunResult];

    private static readonly string[] s_agentEntries =
        [RunFolder.Output, RunFolder.Result, RunFolder.Timing, RunFolder.CommandLog, RunFolder.Stderr];

    /// <summary>The slot names for each judge count seen so far, grown on demand (a lost race recomputes).</summary>
    private static string[][] s_judgeEntries = [];

    public static string ReasonFor(RunStatus status) => status switch
    {
        RunStatus.Completed => "Completed (no action needed)",
        RunStatus.Missing => "Run never started",
        RunStatus.Failed => "Agent ran but failed",
        RunStatus.Partial => "Agent started but incomplete",
        _ => "Agent finished, missing result files",
    };

    public static RunClassification Classify(string runDirectory, int judgeCount) =>
        ClassifyIfWanted(runDirectory, judgeCount, _ => true)!;

    /// <summary>
    /// The classification, or null as soon as the listings show that its status cannot be one <paramref name="wanted"/>
    /// accepts: a run's JSON files are read only when they can change the answer (docs/performance.md, "The scan").
    /// </summary>
    public static RunClassification? ClassifyIfWanted(string runDirectory, int judgeCount, Func<RunStatus, bool> wanted)
    {
        var issues = new List<ScanIssue>();
        Action<string, string> unreadable = (path, message) => issues.Add(new ScanIssue(path, message));
        var run = DirectoryListing.Read(runDirectory, unreadable, s_runEntries);
        if (run == null)
        {
            return wanted(RunStatus.Missing)
                ? new RunClassification(
                    RunStatus.Missing, ReasonFor(RunStatus.Missing), NoSlots(judgeCount), null, issues)
                : null;
        }

        var agentDirectory = Path.Combine(runDirectory, RunFolder.Agent);
        var agent = run.IsDirectory(RunFolder.Agent)
            ? DirectoryListing.Read(agentDirectory, unreadable, s_agentEntries) ?? DirectoryListing.Empty
            : DirectoryListing.Empty;
        var status = ClassifyAgentSide(run, agent);
        var hasAgentResult = agent.Exists(RunFolder.Result);

        // The agent's result can only turn the listings' status into RateLimited or Failed.
        if (!wanted(status) && !(hasAgentResult && (wanted(RunStatus.RateLimited) || wanted(RunStatus.Failed))))
        {
            return null;
        }

        var agentResult = hasAgentResult
            ? ReadAgentResult(Path.Combine(agentDirectory, RunFolder.Result), issues)
            : default;
        if (agentResult.NoWork is { } noWork)
        {
            // Not a result at all: nothing may judge it, and a re-run starts the agent afresh
            // (docs/claude-cli-contract.md).
            var message = Execution.RateLimits.Printable(noWork.Message);
            var (noWorkStatus, reason) = noWork.Kind switch
            {
                Execution.AgentOutcomeKind.RateLimited => (RunStatus.RateLimited, $"Agent rate-limited: {message}"),
                Execution.AgentOutcomeKind.InfrastructureFailure =>
                    (RunStatus.Failed, $"Agent infrastructure failure: {message}"),
                _ => (RunStatus.Failed, $"Agent failed: {message}"),
            };
            reason += " (agent/result.json)";
            return wanted(noWorkStatus)
                ? new RunClassification(noWorkStatus, reason, NoSlots(judgeCount), null, issues)
                : null;
        }

        if (!wanted(status))
        {
            return null;
        }

        var agentValid = agentResult.Valid;
        var judgeDirectory = Path.Combine(runDirectory, RunFolder.Judge);
        var judge = agentValid && run.IsDirectory(RunFolder.Judge)
            ? DirectoryListing.Read(judgeDirectory, unreadable, JudgeEntries(judgeCount)) ?? DirectoryListing.Empty
            : DirectoryListing.Empty;
        var slots = new JudgeSlotStatus[judgeCount];
        for (var k = 1; k <= judgeCount; k++)
        {
            slots[k - 1] = ClassifySlot(agentValid, judge, runDirectory, k, issues);
        }

        var result = run.Exists(RunFolder.RunResult) ? ReadRunResult(Path.Combine(runDirectory, RunFolder.RunResult),
            issues) : null;
        var why = status == RunStatus.Completed ? null
            : agentValid && slots.Length > 0 && !slots.Contains(JudgeSlotStatus.Complete) && slots.Contains(JudgeSlotStatus.Failed)
                ? JudgeFailure(runDirectory, Array.IndexOf(slots, JudgeSlotStatus.Failed) + 1)
                : null;
        return new RunClassification(status, why ?? ReasonFor(status), slots, result, issues);
    }

    private static string[] JudgeEntries(int judgeCount)
    {
        var known = s_judgeEntries;
        if (judgeCount < known.Length)
        {
            return known[judgeCount];
        }

        var grown = Enumerable.Range(0, judgeCount + 1)
            .Select(count => Enumerable.Range(1, count).Select(SlotName).ToArray())
            .ToArray();
        s_judgeEntries = grown;
        return grown[judgeCount];
    }

    private static string SlotName(int slot) => RunFolder.JudgeSlot(slot);

    /// <summary>Every slot <c>AgentFailed</c>: nothing may judge a run without a valid agent result.</summary>
    private static JudgeSlotStatus[] NoSlots(int judgeCount) =>
        Enumerable.Repeat(JudgeSlotStatus.AgentFailed, judgeCount).ToArray();

    /// <summary>Why no judge gave a verdict, naming the evidence: the judge's error log, or its invalid judgment.</summary>
    private static string JudgeFailure(string runDirectory, int slot)
    {
        var slotPath = $"judge/judge_{slot:00}";
        return File.Exists(Path.Combine(runDirectory, RunFolder.Judge, RunFolder.JudgeSlot(slot), RunFolder.ErrorLog))
            ? $"Judge infrastructure failure: no valid judgment ({slotPath}/error.log)"
            : $"Invalid verdict: no valid judgment ({slotPath}/judgment.json)";
    }

    private static RunStatus ClassifyAgentSide(DirectoryListing run, DirectoryListing agent)
    {
        var hasOutput = agent.Exists(RunFolder.Output) && agent.Size(RunFolder.Output) > 0;
        var hasAgentResult = agent.Exists(RunFolder.Result);
        var hasRunResult = run.Exists(RunFolder.RunResult);
        var hasTimingAndLog = agent.Exists(RunFolder.Timing) && agent.Exists(RunFolder.CommandLog);

        if (hasOutput && hasAgentResult && run.Exists(RunFolder.Judge) && hasRunResult)
        {
            return RunStatus.Completed;
        }

        if (hasOutput && hasTimingAndLog && (!hasRunResult || !hasAgentResult))
        {
            return RunStatus.Results;
        }

        if (agent.Exists(RunFolder.Stderr) && !hasOutput)
        {
            return RunStatus.Failed;
        }

        if (run.Exists(RunFolder.Agent) && (!agent.Exists(RunFolder.Output) || !hasTimingAndLog))
        {
            return RunStatus.Partial;
        }

        return RunStatus.Missing;
    }

    private static JudgeSlotStatus ClassifySlot(bool agentValid, DirectoryListing judge, string runDirectory, int slot, List<ScanIssue> issues)
    {
        var slotName = SlotName(slot);
        if (!agentValid)
        {
            return JudgeSlotStatus.AgentFailed;
        }

        if (!judge.Exists(slotName))
        {
            return JudgeSlotStatus.Missing;
        }

        return IsValidJudgment(Path.Combine(runDirectory, RunFolder.Judge, slotName, RunFolder.Judgment), issues)
            ? JudgeSlotStatus.Complete : JudgeSlotStatus.Failed;
    }

    private static RunResultValues? ReadRunResult(string path, List<ScanIssue> issues) => ReadJsonObject(path, issues, root =>
    {
        double? Number(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        return new RunResultValues(
            Number("judge_score"),
            root.TryGetProperty("judge_passed", out var passed) && passed.ValueKind is JsonValueKind.True or JsonValueKind.False ? passed.GetBoolean() : null,
            root.TryGetProperty("judge_grade", out var grade) && grade.ValueKind == JsonValueKind.String ? grade.GetString() : null,
            Number("cost_usd"),
            Number("duration_seconds"),
            Number("agent_duration_seconds"),
            Number("judge_duration_seconds"));
    });

    /// <summary>
    /// formats.md §4.2: the file parses, has <c>exit_code</c>, <c>token_stats</c> and <c>cost_usd</c>, and records
    /// real work (<see cref="Execution.AgentOutcome"/>: no limit, API or infrastructure failure, or silent crash).
    /// </summary>
    internal static bool IsValidAgentResult(string path, List<ScanIssue> issues) => ReadAgentResult(path, issues).Valid;

    /// <summary>Whether the agent result is valid, and what it is instead of work when it is not real work.</summary>
    private static (bool Valid, Execution.AgentOutcome? NoWork) ReadAgentResult(string path, List<ScanIssue> issues) =>
        ReadJsonObject(path, issues, root =>
        {
            if (!root.TryGetProperty("exit_code", out var exitCode) || !root.TryGetProperty("token_stats", out var tokens) || !root.TryGetProperty("cost_usd", out _))
            {
                return (false, null);
            }

            var code = exitCode.ValueKind == JsonValueKind.Number && exitCode.TryGetInt32(out var n) ? n : 0;
            var counts = tokens.ValueKind == JsonValueKind.Object
                ? System.Text.Json.Nodes.JsonNode.Parse(tokens.GetRawText())
                : null;
            var outcome = Execution.AgentOutcome.Of(
                code, Text(root, "stdout"), Text(root, "stderr"), Execution.TokenStats.From(counts));
            return outcome.IsRealWork ? (true, (Execution.AgentOutcome?)null) : (false, outcome);
        });

    private static string Text(JsonElement root, string key) =>
        root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    /// <summary>formats.md §5.7 (HEAD): the file parses as an object with a <c>score</c> key and <c>is_valid</c> is not literally false.</summary>
    internal static bool IsValidJudgment(string path, List<ScanIssue> issues) => ReadJsonObject(path, issues, root =>
        root.TryGetProperty("score", out _) && !(root.TryGetProperty("is_valid", out var isValid) && isValid.ValueKind == JsonValueKind.False));

    /// <summary>
    /// <paramref name="read"/> applied to the file's root object; default when the file is absent or not an object, with an
    /// issue naming the file when it cannot be read, is not JSON or not an object.
    /// </summary>
    private static T? ReadJsonObject<T>(string path, List<ScanIssue> issues, Func<JsonElement, T> read)
    {
        try
        {
            var (value, isObject) = SmallFile.ReadJson(path, root =>
                root.ValueKind == JsonValueKind.Object ? (read(root), true) : (default(T), false));
            if (!isObject)
            {
                issues.Add(new ScanIssue(path, $"'{path}' is not a JSON object."));
            }

            return value;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // absent: the caller's classification rule says what that means
        }
        catch (JsonException e)
        {
            issues.Add(new ScanIssue(path, $"'{path}' is not valid JSON: {e.Message}"));
        }
        catch (ScyllaException e)
        {
            issues.Add(new ScanIssue(path, e.Message));
        }

        return default;
    }
}
