using System.Globalization;
using System.Text.Json.Nodes;
using Scylla.Core.Execution;

namespace Scylla.Core.Tests.Contract;

/// <summary>What one call of the CLI printed.</summary>
public sealed record CliOutput(int ExitCode, string Stdout, string Stderr)
{
    public AgentResult AsAgentResult() => AgentResult.Parse(ExitCode, Stdout, Stderr);
}

/// <summary>
/// The pinned Claude Code CLI that tools/Install-ClaudeCli.ps1 puts in .tools/claude-cli, and wrappers that point it at
/// a
/// <see cref="MockMessagesApi"/> (docs/claude-cli-contract.md). SCYLLA_OFFLINE=1 is the one switch that lets the live
/// tests pass without it; otherwise a missing CLI fails them.
/// </summary>
public static class ClaudeCli
{
    public const string Version = "2.1.328";

    public static string Executable { get; } =
        Path.Combine(Fixtures.RepositoryRoot, ".tools", "claude-cli", "node_modules", ".bin", "claude");

    public static bool Offline => Environment.GetEnvironmentVariable("SCYLLA_OFFLINE") == "1";

    /// <summary>Where the recorded outputs of this version live (refreshed with SCYLLA_REFRESH_FIXTURES=1).</summary>
    public static string FixtureDirectory { get; } =
        Path.Combine(Fixtures.RepositoryRoot, "tests", "Scylla.Core.Tests", "Data", "claude-cli", Version);

    public static bool Refreshing => Environment.GetEnvironmentVariable("SCYLLA_REFRESH_FIXTURES") == "1";

    /// <summary>False when offline; throws, failing the test, when the CLI should be there and is not.</summary>
    public static bool Available()
    {
        if (Offline)
        {
            return false;
        }

        if (!File.Exists(Executable))
        {
            throw new FileNotFoundException(
                $"The contract suite needs the Claude Code CLI {Version} at {Executable}: run "
                + "tools/Install-ClaudeCli.ps1 (./build.sh test does), or set SCYLLA_OFFLINE=1 to test over the "
                + "recorded fixtures only.");
        }

        return true;
    }

    /// <summary>
    /// A script that runs the CLI against <paramref name="baseUrl"/> with a dummy key (or, for subscription caps, a
    /// dummy
    /// OAuth token: the CLI words caps only for subscribers), no retries, no traffic but the API's, its own HOME, and
    /// IS_SANDBOX=1 unless <paramref name="sandbox"/> is false (root may then not skip permissions).
    /// </summary>
    public static string Wrapper(string directory, string baseUrl, bool subscriber = false, bool sandbox = true,
        string timeZone = "UTC", int apiTimeoutMs = 3000)
    {
        var home = Directory.CreateDirectory(Path.Combine(directory, "cli-home-" + Guid.NewGuid().ToString("N")[..6]))
            .FullName;
        var path = Path.Combine(home, "claude");
        var auth = subscriber
            ? "unset ANTHROPIC_API_KEY; export CLAUDE_CODE_OAUTH_TOKEN=dummy"
            : "unset CLAUDE_CODE_OAUTH_TOKEN; export ANTHROPIC_API_KEY=dummy";
        File.WriteAllText(path, $"""
            #!/usr/bin/env bash
            unset ANTHROPIC_AUTH_TOKEN IS_SANDBOX
            {auth}
            export ANTHROPIC_BASE_URL='{baseUrl}' CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 CLAUDE_CODE_MAX_RETRIES=0
            export API_TIMEOUT_MS={apiTimeoutMs} HOME='{home}' TZ='{timeZone}'
            {(sandbox ? "export IS_SANDBOX=1" : string.Empty)}
            exec '{Executable}' "$@"

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }

        return path;
    }

    /// <summary>Runs <paramref name="executable"/> as the agent runs (<c>--output-format json</c>) or as a judge
    /// does.</summary>
    public static CliOutput Run(string executable, string workingDirectory, IEnumerable<string> arguments,
        string? standardInput = null)
    {
        var logs = Path.Combine(workingDirectory, "cli-" + Guid.NewGuid().ToString("N")[..6]);
        var outcome = ProcessRunner.Run(executable, arguments, workingDirectory, logs + ".out", logs + ".err",
            TimeSpan.FromSeconds(120), CancellationToken.None, standardInput);
        var output = new CliOutput(outcome.ExitCode, File.ReadAllText(logs + ".out"), File.ReadAllText(logs + ".err"));
        File.Delete(logs + ".out");
        File.Delete(logs + ".err");
        return output;
    }

    public static string[] AgentArguments(string prompt) =>
        ["--model", "claude-sonnet-4-5", "--print", "--output-format", "json", "--dangerously-skip-permissions",
         prompt];

    /// <summary>The recorded output of one case, with when it was captured (reset times are relative to it).</summary>
    public static (CliOutput Output, DateTimeOffset CapturedAt, JsonObject Fixture) ReadFixture(string name)
    {
        var fixture = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, name + ".json")))!;
        var output = new CliOutput(
            fixture["exit_code"]!.GetValue<int>(), fixture["stdout"]!.ToString(), fixture["stderr"]!.ToString());
        var capturedAt = DateTimeOffset.Parse(fixture["captured_at"]!.ToString(), CultureInfo.InvariantCulture);
        return (output, capturedAt, fixture);
    }

    public static void WriteFixture(string name, CliOutput output, DateTimeOffset capturedAt, long? resetHeader)
    {
        Directory.CreateDirectory(FixtureDirectory);
        var fixture = new JsonObject
        {
            ["cli_version"] = Version,
            ["case"] = name,
            ["captured_at"] = capturedAt.ToString("O"),
            ["reset_header_epoch"] = resetHeader,
            ["exit_code"] = output.ExitCode,
            ["stdout"] = output.Stdout,
            ["stderr"] = output.Stderr,
        };
        File.WriteAllText(Path.Combine(FixtureDirectory, name + ".json"),
            fixture.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
