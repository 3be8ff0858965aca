using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Scylla.Core.Experiments;
using Scylla.Core.IO;
using Scylla.Core.Json;
using Scylla.Core.Tiers;
using Scylla.Core.Workspaces;
using Scylla.Core.Runs;

namespace Scylla.Core.Execution;

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
        File.WriteAllText(Path.Combine(agentDirectory, RunFolder.Prompt), promptText);
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
        var replayPath = Path.Combine(agentDirectory, RunFolder.Replay);
        File.WriteAllText(replayPath, replay);
        MakeExecutable(replayPath);
    }

    /// <summary>Runs <c>bash replay.sh</c> in the workspace and writes every artifact; a timeout gives exit code -1.</summary>
    public static (AgentResult Result, double Seconds) Execute(string agentDirectory, string workspace, IReadOnlyList<string> command,
        string model, TimeSpan timeout, CancellationToken cancellationToken, Action<ProcessGroup>? started = null)
    {
        var stdoutPath = Path.Combine(agentDirectory, RunFolder.Stdout);
        var stderrPath = Path.Combine(agentDirectory, RunFolder.Stderr);
        var outcome = ProcessRunner.Run("bash", [Path.Combine(agentDirectory, RunFolder.Replay)], workspace,
            stdoutPath, stderrPath,
            timeout, cancellationToken, started: started);
        var stdout = ReadBounded(stdoutPath);
        var stderr = ReadBounded(stderrPath);
        var result = outcome.TimedOut
            ? new AgentResult(-1, string.Empty, $"Agent timed out after {timeout.TotalSeconds:0} seconds; its process group was killed.", TokenStats.Zero, 0, 0)
            : AgentResult.FromLog(outcome.ExitCode, stdout, stderr, stdoutPath);

        WriteCommandLog(agentDirectory, workspace, command, result.ExitCode, outcome.Duration, stdout, stderr);
        File.WriteAllText(Path.Combine(agentDirectory, RunFolder.Output), result.Stdout);
        WriteJson(Path.Combine(agentDirectory, RunFolder.Timing), new JsonObject
        {
            ["agent_duration_seconds"] = outcome.Duration.TotalSeconds,
            ["measured_at"] = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow),
        });
        WriteJson(Path.Combine(agentDirectory, RunFolder.Result), result.ToJson());
        File.WriteAllText(Path.Combine(agentDirectory, RunFolder.Model),
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

    /// <summary>How much of a log <see cref="ReadBounded"/> keeps.</summary>
    internal const int ReadLimit = 1 << 20;

    /// <summary>
    /// A log read back for result.json; past <see cref="ReadLimit"/> only the start is kept, so memory stays bounded. A
    /// FIFO or folder in its place is refused without blocking.
    /// </summary>
    internal static string ReadBounded(string path)
    {
        using var stream = SmallFile.OpenRegular(path);
        var buffer = new byte[(int)Math.Min(stream.Length, ReadLimit)];
        stream.ReadExactly(buffer);
        var text = Encoding.UTF8.GetString(buffer);
        return stream.Length > ReadLimit
            ? text + $"\n[truncated: {stream.Length} bytes in {Path.GetFileName(path)}]" : text;
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
        File.WriteAllText(Path.Combine(agentDirectory, RunFolder.CommandStdout), stdout);
        File.WriteAllText(Path.Combine(agentDirectory, RunFolder.CommandStderr), stderr);
        var environment = new JsonObject();
        foreach (var name in s_loggedVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = name.Contains("KEY") || name.Contains("TOKEN") || name.Contains("SECRET") ? "[REDACTED]" : value;
            }
        }

        var now = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow);
        WriteJson(Path.Combine(agentDirectory, RunFolder.CommandLog), new JsonObject
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
                ["stdout_file"] = RunFolder.CommandStdout,
                ["stderr_file"] = RunFolder.CommandStderr,
                ["duration_seconds"] = duration.TotalSeconds,
            }),
        });
    }
}
