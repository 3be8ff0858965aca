using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Scylla.Core.IO;
using Scylla.Core.Json;
using Scylla.Core.Runs;

namespace Scylla.Core.Execution;

/// <summary>One judge's verdict, or the consensus (formats.md §4.4).</summary>
public sealed record Judgment(double Score, bool Passed, string Grade, string Reasoning, bool IsValid, JsonNode? CriteriaScores)
{
    public static Judgment Failed(string error) => new(0.0, false, "F", $"Judge failed: {error}", false, new JsonObject());

    public JsonObject ToJson(bool withCriteria = true) => new()
    {
        ["score"] = Score,
        ["passed"] = Passed,
        ["grade"] = Grade,
        ["reasoning"] = Reasoning,
        ["is_valid"] = IsValid,
        ["criteria_scores"] = withCriteria ? CriteriaScores?.DeepClone() : null,
    };
}

/// <summary>What the judges are given and how their answers become a consensus (run-flow §7).</summary>
public static partial class Judging
{
    private const string ParseReminder = "\n\nReply with one JSON object and nothing else.";

    /// <summary>The judge prompt: the experiment's rubric and criteria, the task, the agent's output, the workspace state and its patch.</summary>
    public static string BuildPrompt(string experimentPath, string taskPrompt, string agentOutput, string patch)
    {
        var sections = new List<string>();
        var rubric = Path.Combine(experimentPath, "rubric.yaml");
        if (File.Exists(rubric))
        {
            sections.Add($"## Rubric\n\n```yaml\n{SmallFile.ReadText(rubric)}\n```");
        }

        var criteria = Path.Combine(experimentPath, "criteria.md");
        if (File.Exists(criteria))
        {
            sections.Add($"## Criteria\n\n{SmallFile.ReadText(criteria)}");
        }

        sections.Add($"## Task given to the agent\n\n{taskPrompt}");
        sections.Add($"## The agent's output\n\n{agentOutput}");
        sections.Add("## The workspace after the agent\n\nThe agent's changes are committed on the run's branch; nothing is left uncommitted.");
        if (patch != Workspaces.RepositorySession.NoChanges)
        {
            sections.Add($"## The agent's changes (patch)\n\nFiles the agent created are in the patch too; read the workspace for more.\n\n```diff\n{patch}\n```");
        }

        sections.Add("---\n\nJudge the agent's work against the rubric and the criteria of your system prompt.");
        return string.Join("\n\n", sections);
    }

    /// <summary>
    /// Runs one judge slot and writes its files (run-flow §7.3). A parse failure is retried once with a reminder; a rate
    /// limit propagates; any other failure is recorded in the slot and returned as an invalid judgment.
    /// </summary>
    public static Judgment RunSlot(string slotDirectory, string judgeExecutable, string model, string systemPromptPath, string prompt, string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(slotDirectory);
        var stopwatch = Stopwatch.StartNew();
        // --tools "" offers the model no tool; claude 2.1.328 ignores --allowedTools "" (docs/claude-cli-contract.md).
        string[] arguments = ["--model", model, "--print", "--output-format", "stream-json", "--verbose",
            "--dangerously-skip-permissions", "--tools", "", "--system-prompt-file", systemPromptPath];
        string stdout = string.Empty, stderr = string.Empty;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var outcome = ProcessRunner.Run(judgeExecutable, arguments, workingDirectory,
                    Path.Combine(slotDirectory, RunFolder.Stdout), Path.Combine(slotDirectory, RunFolder.Stderr),
                    timeout, cancellationToken, attempt == 1 ? prompt : prompt + ParseReminder);
                stdout = AgentRun.ReadBounded(Path.Combine(slotDirectory, RunFolder.Stdout));
                stderr = AgentRun.ReadBounded(Path.Combine(slotDirectory, RunFolder.Stderr));
                if (outcome.TimedOut)
                {
                    throw new InvalidOperationException($"Judge timed out after {timeout.TotalSeconds:0} seconds");
                }

                var judged = Outcome(outcome.ExitCode, stdout, stderr);
                if (judged.Kind == AgentOutcomeKind.RateLimited)
                {
                    throw new RateLimitException("judge", judged.Message)
                    {
                        ResetAt = RateLimitReset.From(stdout + "\n" + stderr, DateTimeOffset.UtcNow),
                    };
                }

                if (!judged.IsRealWork || outcome.ExitCode != 0)
                {
                    // An API failure is never a verdict: the slot fails and keeps no score.
                    var error = RateLimits.Printable(ErrorMessage(stdout, stderr));
                    throw new InvalidOperationException($"Judge CLI failed (exit {outcome.ExitCode}): {error}");
                }

                var response = ResponseText(stdout);
                try
                {
                    var judgment = ParseVerdict(response);
                    File.WriteAllText(Path.Combine(slotDirectory, RunFolder.Response), response);
                    AgentRun.WriteJson(Path.Combine(slotDirectory, RunFolder.Judgment), judgment.ToJson());
                    WriteSlotFiles(slotDirectory, judgeExecutable, arguments, model,
                        new JsonObject
                        {
                            ["judge_duration_seconds"] = stopwatch.Elapsed.TotalSeconds, ["measured_at"] = Now(),
                        });
                    return judgment;
                }
                catch (FormatException) when (attempt == 1)
                {
                    // one more try, reminding the judge of the format
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IOException)
        {
            File.WriteAllText(Path.Combine(slotDirectory, RunFolder.ErrorLog), $"Judge failed: {e.Message}\n");
            WriteSlotFiles(slotDirectory, judgeExecutable, arguments, model, new JsonObject
            {
                ["judge_duration_seconds"] = 0.0, ["measured_at"] = Now(), ["failed"] = true, ["error"] = e.Message });
            return Judgment.Failed(e.Message);
        }
        finally
        {
            DeleteIfEmpty(Path.Combine(slotDirectory, RunFolder.Stdout));
            DeleteIfEmpty(Path.Combine(slotDirectory, RunFolder.Stderr));
        }
    }

    /// <summary>The text of a stream-json answer: the assistant's text blocks, or the last non-blank <c>result</c>.</summary>
    public static string ResponseText(string ndjson)
    {
        var text = new StringBuilder();
        string? result = null;
        foreach (var line in ndjson.Split('\n'))
        {
            if (RateLimits.ParseObject(line) is not { } evt || !evt.TryGetProperty("type", out var type))
            {
                continue;
            }

            if (type.GetString() == "assistant" && evt.TryGetProperty("message", out var message) && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
            {
                foreach (var block in content.EnumerateArray().Where(b => b.TryGetProperty("type", out var t) && t.GetString() == "text" && b.TryGetProperty("text", out _)))
                {
                    text.Append(block.GetProperty("text").GetString());
                }
            }
            else if (type.GetString() == "result" && evt.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(r.GetString()))
            {
                result = r.GetString();
            }
        }

        return result ?? text.ToString();
    }

    /// <summary>
    /// The verdict in a judge's answer (run-flow §7.3), read as the Python tool reads it: <c>score</c> through Python's
    /// <c>float(score or 0.0)</c> (numbers, numeric strings, booleans; NaN and Infinity clamp as Python's min/max do),
    /// <c>passed</c> by truthiness, then the score clamped to [0, 1]; the grade always comes from the score.
    /// </summary>
    public static Judgment ParseVerdict(string response)
    {
        response = response.Trim();
        if (response.Length == 0)
        {
            throw new FormatException("Judge returned an empty response.");
        }

        var fenced = FencedJson().Match(response);
        var json = fenced.Success && fenced.Groups[1].Value.Trim().StartsWith('{') ? fenced.Groups[1].Value.Trim() : FirstBraced(response);
        JsonObject? verdict = null;
        try
        {
            verdict = json == null ? null : PythonJson.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            // not JSON: reported below
        }

        if (verdict == null)
        {
            throw new FormatException($"Judge response does not contain valid JSON. Response: {response[..Math.Min(500, response.Length)]}");
        }

        if (!verdict.ContainsKey("score"))
        {
            throw new FormatException($"Judge response has no 'score'. Response: {response[..Math.Min(500, response.Length)]}");
        }

        var score = Math.Max(0.0, PythonMin(1.0, NonFiniteScore(json!) ?? PythonFloat(verdict["score"])));
        var passed = IsTruthy(verdict["passed"]);
        var reasoning = IsTruthy(verdict["reasoning"]) ? PythonText(verdict["reasoning"]!) : "No reasoning provided";
        var criteria = IsTruthy(verdict["categories"]) ? verdict["categories"]!.DeepClone() : verdict["criteria_scores"]?.DeepClone();
        return new Judgment(score, passed, Grades.FromScore(score), reasoning, true, criteria);
    }

    /// <summary>
    /// The consensus (run-flow §7.4): mean of the valid scores, strict majority of passes, grade from the mean, reasoning and
    /// criteria of the valid judge closest to the mean (first on a tie), valid only when every judge is.
    /// </summary>
    public static Judgment Consensus(IReadOnlyList<Judgment> judges)
    {
        var valid = judges.Where(j => j.IsValid).ToList();
        if (valid.Count == 0)
        {
            return new Judgment(0.0, false, "F", "All judges failed to produce valid results", false, new JsonObject());
        }

        var score = valid.Average(j => j.Score);
        var closest = valid.MinBy(j => Math.Abs(j.Score - score))!;
        return new Judgment(score, valid.Count(j => j.Passed) > valid.Count / 2.0, Grades.FromScore(score), closest.Reasoning, judges.All(j => j.IsValid), closest.CriteriaScores);
    }

    /// <summary>Python's <c>float(value or 0.0)</c>; a string that is not a number is a parse failure, as it is upstream.</summary>
    private static double PythonFloat(JsonNode? value)
    {
        if (!IsTruthy(value))
        {
            return 0.0;
        }

        return value!.GetValueKind() switch
        {
            JsonValueKind.Number => value.GetValue<double>(),
            JsonValueKind.True => 1.0,
            JsonValueKind.String when double.TryParse(value.GetValue<string>().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => n,
            JsonValueKind.String when PythonSpecialFloat(value.GetValue<string>()) is { } special => special,
            _ => throw new FormatException($"Judge response has a 'score' that is not a number: {value.ToJsonString()}"),
        };
    }

    private static double? PythonSpecialFloat(string text) => text.Trim().ToLowerInvariant() switch
    {
        "nan" or "+nan" or "-nan" => double.NaN,
        "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
        "-inf" or "-infinity" => double.NegativeInfinity,
        _ => null,
    };

    /// <summary>A bare NaN or Infinity score token, which the JSON reader turns into null.</summary>
    private static double? NonFiniteScore(string json) => NonFiniteScoreToken().Match(json) is { Success: true } m
        ? m.Groups[1].Value switch { "NaN" => double.NaN, "-Infinity" => double.NegativeInfinity, _ => double.PositiveInfinity }
        : null;

    /// <summary>Python's <c>min(bound, x)</c>: a NaN x loses every comparison, so the bound is returned.</summary>
    private static double PythonMin(double bound, double x) => x < bound ? x : bound;

    private static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        _ => value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.Number => value.GetValue<double>() != 0,
            JsonValueKind.String => value.GetValue<string>().Length > 0,
            _ => false,
        },
    };

    private static string PythonText(JsonNode value) => value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();

    internal static string Now() => PythonJson.IsoTimestamp(DateTimeOffset.UtcNow);

    /// <summary>
    /// The slot's MODEL.md, timing.json and replay.sh. The replay runs the judge's first call again exactly
    /// (executable, every argument, the system prompt file, judge_prompt.md on stdin, the run folder as working
    /// directory) and prints the answer, so response.txt keeps what the judge wrote.
    /// </summary>
    private static void WriteSlotFiles(string slotDirectory, string judgeExecutable, IEnumerable<string> arguments,
        string model, JsonObject timing)
    {
        File.WriteAllText(Path.Combine(slotDirectory, RunFolder.Model),
            $"# Judge Model Information\n\n**Model**: {model}\n" +
            $"**Claude Code Version**: {AgentRun.Version(judgeExecutable)}\n**Timestamp**: {Now()}\n");
        var replay = Path.Combine(slotDirectory, RunFolder.Replay);
        var command = string.Join(' ',
            new[] { judgeExecutable }.Concat(arguments).Select(Workspaces.WorkspaceManager.ShellQuote));
        File.WriteAllText(replay, "#!/usr/bin/env bash\n"
            + "# Runs this judge again as it ran; its answer goes to stdout (response.txt is left as it is).\n"
            + "set -euo pipefail\n"
            + "JUDGE_DIR=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n"
            + "cd \"$JUDGE_DIR/../..\"\n"
            + $"{command} < {RunFolder.JudgePrompt}\n");
        AgentRun.MakeExecutable(replay);
        AgentRun.WriteJson(Path.Combine(slotDirectory, RunFolder.Timing), timing);
    }

    /// <summary>What a judge's call amounts to: the agent's classifier over its stream.</summary>
    internal static AgentOutcome Outcome(int exitCode, string stdout, string stderr) =>
        AgentOutcome.Of(exitCode, stdout, exitCode == 0 ? string.Empty : stderr, ResultTokens(stdout));

    /// <summary>The token counts of a stream's result line (the judge's usage), zero when it has none.</summary>
    private static TokenStats ResultTokens(string ndjson)
    {
        foreach (var line in Enumerable.Reverse(ndjson.Split('\n')))
        {
            if (RateLimits.ParseObject(line) is { } evt && evt.TryGetProperty("usage", out var usage)
                && usage.ValueKind == JsonValueKind.Object)
            {
                return TokenStats.From(JsonNode.Parse(usage.GetRawText()));
            }
        }

        return TokenStats.Zero;
    }

    private static string ErrorMessage(string stdout, string stderr)
    {
        foreach (var line in stdout.Split('\n'))
        {
            if (RateLimits.ParseObject(line) is { } evt && RateLimits.IsTruthy(evt, "is_error") && RateLimits.ErrorText(evt) is { } text)
            {
                return text;
            }
        }

        return stderr.Trim().Length > 0 ? stderr.Trim() : "No error message";
    }

    /// <summary>From the first '{' to its matching '}' by counting braces (as upstream: braces in strings are not special).</summary>
    private static string? FirstBraced(string text)
    {
        var start = text.IndexOf('{');
        if (start < 0)
        {
            return null;
        }

        var depth = 0;
        for (var i = start; i < text.Length; i++)
        {
            depth += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
            if (depth == 0)
            {
                return text[start..(i + 1)];
            }
        }

        return null;
    }

    private static void DeleteIfEmpty(string path)
    {
        if (File.Exists(path) && new FileInfo(path).Length == 0)
        {
            File.Delete(path);
        }
    }

    [GeneratedRegex(@"```(?:json)?\s*\n?(.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedJson();

    [GeneratedRegex(@"""score""\s*:\s*(NaN|-?Infinity)\b")]
    private static partial Regex NonFiniteScoreToken();
}
