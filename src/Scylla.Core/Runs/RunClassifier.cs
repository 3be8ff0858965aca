using System.Text.Json;
using Scylla.Core.IO;

namespace Scylla.Core.Runs;

/// <summary>A file that could not be read while classifying; the run is still classified from what could be read.</summary>
public sealed record ScanIssue(string Path, string Message);

/// <summary>What the classifier found in one run directory.</summary>
public sealed record RunClassification(RunStatus Status, string Reason, IReadOnlyList<JudgeSlotStatus> JudgeSlots, IReadOnlyList<ScanIssue> Issues);

/// <summary>
/// Upstream's classification rules, exactly: the agent side (formats.md §5.2) and the judge slots (§5.7, HEAD rules).
/// Only the run directory, <c>agent/</c> and <c>judge/</c> are looked at; <c>workspace/</c> never is.
/// </summary>
public static class RunClassifier
{
    public static string ReasonFor(RunStatus status) => status switch
    {
        RunStatus.Completed => "Completed (no action needed)",
        RunStatus.Missing => "Run never started",
        RunStatus.Failed => "Agent ran but failed",
        RunStatus.Partial => "Agent started but incomplete",
        _ => "Agent finished, missing result files",
    };

    public static string ReasonFor(JudgeSlotStatus status, int slot) => status switch
    {
        JudgeSlotStatus.Complete => $"Judge {slot} complete (no action needed)",
        JudgeSlotStatus.Missing => $"Judge {slot} never ran (judge_{slot:00}/ missing)",
        JudgeSlotStatus.Failed => $"Judge {slot} ran but failed (no valid judgment.json)",
        _ => "Agent failed, cannot judge",
    };

    public static RunClassification Classify(string runDirectory, int judgeCount)
    {
        var issues = new List<ScanIssue>();
        Action<string, string> unreadable = (path, message) => issues.Add(new ScanIssue(path, message));
        var run = DirectoryListing.Read(runDirectory, unreadable);
        var status = ClassifyAgentSide(run, runDirectory, unreadable);
        var slots = ClassifyJudgeSlots(run, runDirectory, judgeCount, issues);
        return new RunClassification(status, ReasonFor(status), slots, issues);
    }

    private static RunStatus ClassifyAgentSide(DirectoryListing? run, string runDirectory, Action<string, string> unreadable)
    {
        if (run == null)
        {
            return RunStatus.Missing;
        }

        var agent = run.IsDirectory("agent") ? DirectoryListing.Read(Path.Combine(runDirectory, "agent"), unreadable) ?? DirectoryListing.Empty : DirectoryListing.Empty;
        var hasOutput = agent.Exists("output.txt") && agent.Size("output.txt") > 0;
        var hasAgentResult = agent.Exists("result.json");
        var hasRunResult = run.Exists("run_result.json");
        var hasTimingAndLog = agent.Exists("timing.json") && agent.Exists("command_log.json");

        if (hasOutput && hasAgentResult && run.Exists("judge") && hasRunResult)
        {
            return RunStatus.Completed;
        }

        if (hasOutput && hasTimingAndLog && (!hasRunResult || !hasAgentResult))
        {
            return RunStatus.Results;
        }

        if (agent.Exists("stderr.log") && !hasOutput)
        {
            return RunStatus.Failed;
        }

        if (run.Exists("agent") && (!agent.Exists("output.txt") || !hasTimingAndLog))
        {
            return RunStatus.Partial;
        }

        return RunStatus.Missing;
    }

    private static JudgeSlotStatus[] ClassifyJudgeSlots(DirectoryListing? run, string runDirectory, int judgeCount, List<ScanIssue> issues)
    {
        var slots = new JudgeSlotStatus[judgeCount];
        if (run == null || !IsValidAgentResult(Path.Combine(runDirectory, "agent", "result.json"), issues))
        {
            Array.Fill(slots, JudgeSlotStatus.AgentFailed);
            return slots;
        }

        var judge = run.IsDirectory("judge") ? DirectoryListing.Read(Path.Combine(runDirectory, "judge"), (path, message) => issues.Add(new ScanIssue(path, message))) ?? DirectoryListing.Empty : DirectoryListing.Empty;
        for (var k = 1; k <= judgeCount; k++)
        {
            var slotName = $"judge_{k:00}";
            slots[k - 1] = !judge.Exists(slotName) ? JudgeSlotStatus.Missing
                : IsValidJudgment(Path.Combine(runDirectory, "judge", slotName, "judgment.json"), issues) ? JudgeSlotStatus.Complete
                : JudgeSlotStatus.Failed;
        }

        return slots;
    }

    /// <summary>
    /// formats.md §4.2: the file parses, has <c>exit_code</c>, <c>token_stats</c> and <c>cost_usd</c>, and is not an
    /// infrastructure failure (exit code -1 with all four canonical token counts 0).
    /// </summary>
    internal static bool IsValidAgentResult(string path, List<ScanIssue> issues)
    {
        if (ReadJsonObject(path, issues) is not { } root)
        {
            return false;
        }

        if (!root.TryGetProperty("exit_code", out var exitCode) || !root.TryGetProperty("token_stats", out var tokens) || !root.TryGetProperty("cost_usd", out _))
        {
            return false;
        }

        var isInfrastructureFailure = exitCode.ValueKind == JsonValueKind.Number && exitCode.GetDouble() == -1;
        if (!isInfrastructureFailure)
        {
            return true;
        }

        string[] canonical = ["input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens"];
        return tokens.ValueKind == JsonValueKind.Object && canonical.Any(key =>
            tokens.TryGetProperty(key, out var count) && count.ValueKind == JsonValueKind.Number && count.GetDouble() != 0);
    }

    /// <summary>formats.md §5.7 (HEAD): the file parses as an object with a <c>score</c> key and <c>is_valid</c> is not literally false.</summary>
    internal static bool IsValidJudgment(string path, List<ScanIssue> issues) =>
        ReadJsonObject(path, issues) is { } root
        && root.TryGetProperty("score", out _)
        && !(root.TryGetProperty("is_valid", out var isValid) && isValid.ValueKind == JsonValueKind.False);

    /// <summary>The file's root object; null (with an issue for malformed JSON) when it is absent, unreadable or not an object.</summary>
    internal static JsonElement? ReadJsonObject(string path, List<ScanIssue> issues)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            issues.Add(new ScanIssue(path, $"Cannot read '{path}': {e.Message}"));
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException e)
        {
            issues.Add(new ScanIssue(path, $"'{path}' is not valid JSON: {e.Message}"));
            return null;
        }
    }
}
