using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Scylla.Core.Experiments;
using Scylla.Core.IO;
using Scylla.Core.Json;
using Scylla.Core.Tiers;
using Scylla.Core.Workspaces;

namespace Scylla.Core.Execution;

/// <summary>Token counts with upstream's canonical key names.</summary>
public sealed record TokenStats(long Input, long Output, long CacheCreation, long CacheRead)
{
    public static readonly TokenStats Zero = new(0, 0, 0, 0);

    public JsonObject ToJson() => new()
    {
        ["input_tokens"] = Input,
        ["output_tokens"] = Output,
        ["cache_creation_tokens"] = CacheCreation,
        ["cache_read_tokens"] = CacheRead,
    };

    /// <summary>Reads canonical keys, falling back to the API's <c>cache_*_input_tokens</c> names (formats.md §6.2).</summary>
    public static TokenStats From(JsonNode? node)
    {
        long Get(string key, string? alternative = null) =>
            node?[key] is JsonValue v && v.TryGetValue(out long n) ? n
            : alternative != null && node?[alternative] is JsonValue a && a.TryGetValue(out long m) ? m
            : 0;
        return new TokenStats(Get("input_tokens"), Get("output_tokens"), Get("cache_creation_tokens", "cache_creation_input_tokens"), Get("cache_read_tokens", "cache_read_input_tokens"));
    }
}

/// <summary>What the agent did: <c>agent/result.json</c> (formats.md §4.2).</summary>
public sealed record AgentResult(int ExitCode, string Stdout, string Stderr, TokenStats Tokens, double CostUsd, int ApiCalls)
{
    /// <summary>Real work, a limit, an API or infrastructure failure, or the agent's own failure.</summary>
    public AgentOutcome Outcome => AgentOutcome.Of(ExitCode, Stdout, Stderr, Tokens);

    public JsonObject ToJson() => new()
    {
        ["exit_code"] = ExitCode,
        ["stdout"] = Stdout,
        ["stderr"] = Stderr,
        ["token_stats"] = Tokens.ToJson(),
        ["cost_usd"] = CostUsd,
        ["api_calls"] = ApiCalls,
    };

    /// <summary>Parses the CLI's output (run-flow §6.3): a single JSON object when possible, else text patterns.</summary>
    public static AgentResult Parse(int exitCode, string stdout, string stderr)
    {
        var json = RateLimits.ParseObject(stdout);
        TokenStats tokens;
        double cost = 0;
        int apiCalls;
        if (json is { } root)
        {
            tokens = TokenStats.From(root.TryGetProperty("usage", out var usage) ? JsonNode.Parse(usage.GetRawText()) : null);
            cost = root.TryGetProperty("total_cost_usd", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : 0;
            apiCalls = root.TryGetProperty("num_turns", out var turns) && turns.ValueKind == JsonValueKind.Number && turns.GetInt32() > 0 ? turns.GetInt32() : CountApiCalls(stdout);
        }
        else
        {
            tokens = TokensFromText(stdout + "\n" + stderr);
            apiCalls = CountApiCalls(stdout);
        }

        return new AgentResult(exitCode, stdout, stderr, tokens, cost, apiCalls);
    }

    private static TokenStats TokensFromText(string text)
    {
        long input = 0, output = 0;
        foreach (Match m in AgentPatterns.InputTokens().Matches(text)) { input = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture); }
        foreach (Match m in AgentPatterns.OutputTokens().Matches(text)) { output = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture); }
        return new TokenStats(input, output, 0, 0);
    }

    private static int CountApiCalls(string stdout)
    {
        var explicitCount = AgentPatterns.ApiCalls().Match(stdout);
        if (explicitCount.Success)
        {
            return int.Parse(explicitCount.Groups[1].Success ? explicitCount.Groups[1].Value : explicitCount.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        var markers = AgentPatterns.ResponseMarkers().Matches(stdout).Count;
        return markers > 0 ? markers : stdout.Trim().Length > 100 ? 1 : 0;
    }
}

internal static partial class AgentPatterns
{
    [GeneratedRegex(@"input\s+tokens?:?\s*(\d+)", RegexOptions.IgnoreCase)]
    public static partial Regex InputTokens();

    [GeneratedRegex(@"output\s+tokens?:?\s*(\d+)", RegexOptions.IgnoreCase)]
    public static partial Regex OutputTokens();

    [GeneratedRegex(@"API calls:\s*(\d+)|(\d+)\s+API calls", RegexOptions.IgnoreCase)]
    public static partial Regex ApiCalls();

    [GeneratedRegex("Response:|Completion:")]
    public static partial Regex ResponseMarkers();
}

/// <summary>
/// Prepares and runs the agent of one run (run-flow §6): <c>agent/prompt.md</c>, the command log, <c>replay.sh</c> run with
/// bash in the workspace, and the artifacts afterwards.
/// </summary>
public static class AgentRun
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> s_versions = new(StringComparer.Ordinal);

    private static readonly string[] s_loggedVariables = ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "PATH", "HOME", "USER", "SHELL", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV"];

    /// <summary>The thinking keyword put before the prompt (formats.md Appendix A).</summary>
    public static string PromptText(string taskPrompt, string thinkingMode) => thinkingMode switch
    {
        "Low" => "think\n\n" + taskPrompt,
        "High" => "think hard\n\n" + taskPrompt,
        "UltraThink" => "ultrathink\n\n" + taskPrompt,
        _ => taskPrompt,
    };

    /// <summary>The agent's argument list (run-flow §6.1); the prompt is the absolute path of <c>agent/prompt.md</c>.</summary>
    public static List<string> Command(string executable, ExperimentConfig config, SubtestDefinition subtest, string promptPath)
    {
        var command = new List<string> { executable, "--model", config.Models[0], "--print", "--output-format", "json", "--dangerously-skip-permissions" };
        if (subtest.SystemPromptMode == "none")
        {
            command.AddRange(["--system-prompt", string.Empty]);
        }

        if (subtest.Resources["agents"]?["names"] is JsonArray { Count: > 0 } names && names[0]?.ToString() is { } agent)
        {
            command.AddRange(["--agent", agent.EndsWith(".md", StringComparison.Ordinal) ? agent[..^3] : agent]);
        }

        if (config.MaxTurns is { } maxTurns)
        {
            command.AddRange(["--max-turns", maxTurns.ToString(CultureInfo.InvariantCulture)]);
        }

        command.Add(promptPath);
        return command;
    }

    /// <summary>Writes <c>agent/prompt.md</c>, <c>agent/command_log.json</c> (pre-logged, exit 0) and <c>agent/replay.sh</c>.</summary>
    public static void Prepare(string agentDirectory, string workspace, string promptText, IReadOnlyList<string> command)
    {
        File.WriteAllText(Path.Combine(agentDirectory, "prompt.md"), promptText);
        WriteCommandLog(agentDirectory, workspace, command, exitCode: 0, TimeSpan.Zero, string.Empty, string.Empty);
        var now = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow);
        var replay = new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append($"# Generated: {now}\n# Total commands: 1\n#\n# This script executes commands for the test run.\n# All output is captured to stdout/stderr logs.\n#\n")
            .Append("set -e  # Exit on first error\nset -x  # Print commands as they execute\n\n")
            .Append("# Environment variables (secrets redacted)\n# Uncomment and fill in as needed:\n")
            .Append("# export ANTHROPIC_API_KEY='your-anthropic-api-key-here'\n# export OPENAI_API_KEY='your-openai-api-key-here'\n\n")
            .Append("# Commands\n\n")
            .Append($"# Command 1/1 at {now}\n# Duration: 0.00s, Exit: 0\n")
            .Append("cd ").Append(WorkspaceManager.ShellQuote(workspace)).Append('\n')
            .Append(string.Join(' ', command.Select(WorkspaceManager.ShellQuote))).Append('\n')
            .ToString();
        var replayPath = Path.Combine(agentDirectory, "replay.sh");
        File.WriteAllText(replayPath, replay);
        MakeExecutable(replayPath);
    }

    /// <summary>Runs <c>bash replay.sh</c> in the workspace and writes every artifact; a timeout gives exit code -1.</summary>
    public static (AgentResult Result, double Seconds) Execute(string agentDirectory, string workspace, IReadOnlyList<string> command,
        string model, TimeSpan timeout, CancellationToken cancellationToken, Action<ProcessGroup>? started = null)
    {
        var stdoutPath = Path.Combine(agentDirectory, "stdout.log");
        var stderrPath = Path.Combine(agentDirectory, "stderr.log");
        var outcome = ProcessRunner.Run("bash", [Path.Combine(agentDirectory, "replay.sh")], workspace, stdoutPath, stderrPath,
            timeout, cancellationToken, started: started);
        var stdout = ReadBounded(stdoutPath);
        var stderr = ReadBounded(stderrPath);
        var result = outcome.TimedOut
            ? new AgentResult(-1, string.Empty, $"Agent timed out after {timeout.TotalSeconds:0} seconds; its process group was killed.", TokenStats.Zero, 0, 0)
            : AgentResult.Parse(outcome.ExitCode, stdout, stderr);

        WriteCommandLog(agentDirectory, workspace, command, result.ExitCode, outcome.Duration, stdout, stderr);
        File.WriteAllText(Path.Combine(agentDirectory, "output.txt"), result.Stdout);
        WriteJson(Path.Combine(agentDirectory, "timing.json"), new JsonObject
        {
            ["agent_duration_seconds"] = outcome.Duration.TotalSeconds,
            ["measured_at"] = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow),
        });
        WriteJson(Path.Combine(agentDirectory, "result.json"), result.ToJson());
        File.WriteAllText(Path.Combine(agentDirectory, "MODEL.md"),
            $"# Agent Model Information\n\n**Model**: {model}\n**Claude Code Version**: {Version(command[0])}\n**Timestamp**: {PythonJson.IsoTimestamp(DateTimeOffset.UtcNow)}\n\n"
            + $"## Configuration\n- Model ID: {model}\n- Output Format: text\n- Permissions: dangerously-skip-permissions (for testing)\n\n## Environment\n- Generated by Scylla.PowerShell\n");
        return (result, outcome.Duration.TotalSeconds);
    }

    /// <summary>
    /// <c>&lt;executable&gt; --version</c>, or "unknown" when it fails (a scripted fake may not answer); asked once per
    /// executable and modification time, not once per run.
    /// </summary>
    public static string Version(string executable)
    {
        var key = $"{executable}|{(File.Exists(executable) ? File.GetLastWriteTimeUtc(executable).Ticks : 0)}";
        return s_versions.GetOrAdd(key, _ => AskVersion(executable));
    }

    private static string AskVersion(string executable)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"scylla-version-{Guid.NewGuid():N}");
        try
        {
            var outcome = ProcessRunner.Run(executable, ["--version"], Path.GetTempPath(), temp + ".out", temp + ".err", TimeSpan.FromSeconds(10), CancellationToken.None);
            var text = File.ReadAllText(temp + ".out").Trim();
            return outcome.ExitCode == 0 && text.Length > 0 ? text.Split('\n')[0] : "unknown";
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
        finally
        {
            File.Delete(temp + ".out");
            File.Delete(temp + ".err");
        }
    }

    /// <summary>A log read back for parsing and for result.json; past 1 MiB only the start is kept, so memory stays bounded.</summary>
    internal static string ReadBounded(string path, int limit = 1 << 20)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[(int)Math.Min(stream.Length, limit)];
        stream.ReadExactly(buffer);
        var text = Encoding.UTF8.GetString(buffer);
        return stream.Length > limit ? text + $"\n[truncated: {stream.Length} bytes in {Path.GetFileName(path)}]" : text;
    }

    internal static void WriteJson(string path, JsonObject content) => AtomicFile.WriteAllText(path, PythonJson.Serialize(content));

    internal static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
    }

    private static void WriteCommandLog(string agentDirectory, string workspace, IReadOnlyList<string> command, int exitCode, TimeSpan duration, string stdout, string stderr)
    {
        File.WriteAllText(Path.Combine(agentDirectory, "cmd_0000_stdout.log"), stdout);
        File.WriteAllText(Path.Combine(agentDirectory, "cmd_0000_stderr.log"), stderr);
        var environment = new JsonObject();
        foreach (var name in s_loggedVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = name.Contains("KEY") || name.Contains("TOKEN") || name.Contains("SECRET") ? "[REDACTED]" : value;
            }
        }

        var now = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow);
        WriteJson(Path.Combine(agentDirectory, "command_log.json"), new JsonObject
        {
            ["generated_at"] = now,
            ["total_commands"] = 1,
            ["commands"] = new JsonArray(new JsonObject
            {
                ["timestamp"] = now,
                ["command"] = ExperimentConfig.StringArray(command),
                ["cwd"] = workspace,
                ["env_vars"] = environment,
                ["exit_code"] = exitCode,
                ["stdout_file"] = "cmd_0000_stdout.log",
                ["stderr_file"] = "cmd_0000_stderr.log",
                ["duration_seconds"] = duration.TotalSeconds,
            }),
        });
    }
}
