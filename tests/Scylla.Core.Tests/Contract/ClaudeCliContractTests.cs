using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Scylla.Core.Execution;
using Scylla.Core.Runs;
using Scylla.Core.Samples;

namespace Scylla.Core.Tests.Contract;

/// <summary>
/// The real Claude Code CLI against <see cref="MockMessagesApi"/> (docs/claude-cli-contract.md): each answer of the API
/// gives the outcome it must, with the wording recorded in Data/claude-cli; and the recorded wordings, offline, give
/// the
/// same outcomes, reset times and listings.
/// </summary>
public sealed partial class ClaudeCliContractTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [MemberData(nameof(ContractCases.Names), MemberType = typeof(ContractCases))]
    public void The_real_CLI_gives_each_answer_its_outcome_and_the_recorded_wording(string name)
    {
        if (!ClaudeCli.Available())
        {
            return; // SCYLLA_OFFLINE=1: the recorded wordings are tested below
        }

        var contract = ContractCases.Named(name);
        var capturedAt = DateTimeOffset.UtcNow;
        long? reset = contract.ResetIn is { } resetIn ? (capturedAt + resetIn).ToUnixTimeSeconds() : null;
        using var api = new MockMessagesApi(request => contract.Reply(reset, request));
        var baseUrl = contract.NoServer ? $"http://127.0.0.1:{FreePort()}" : api.BaseUrl;
        var output = Call(contract, baseUrl, out var workspace);

        Assert.Equal(contract.Expected, Classify(contract, output).Kind);
        if (ClaudeCli.Refreshing)
        {
            ClaudeCli.WriteFixture(name, output, capturedAt, reset);
        }

        var (recorded, _, _) = ClaudeCli.ReadFixture(name);
        Assert.Equal(Wording(recorded), Wording(output));
        switch (name)
        {
            case "real-work-tool-use":
                Assert.True(File.Exists(Path.Combine(workspace, "hello.py")), "the CLI ran the Bash tool asked for");
                break;
            case "real-work-non-streaming-fallback":
                Assert.Contains(api.MessageRequests, r => !r.Stream);
                break;
            case "judge-verdict":
                Assert.All(api.MessageRequests, r => Assert.Equal(0, r.ToolCount)); // --tools "": a judge only judges
                Assert.Contains(api.MessageRequests,
                    r => r.System.Contains("You judge coding agents.", StringComparison.Ordinal));
                break;
        }
    }

    [Theory]
    [MemberData(nameof(ContractCases.Names), MemberType = typeof(ContractCases))]
    public void The_recorded_output_gives_the_outcome_and_the_reset_time_it_names(string name)
    {
        var contract = ContractCases.Named(name);
        var (output, capturedAt, fixture) = ClaudeCli.ReadFixture(name);

        var outcome = Classify(contract, output);

        Assert.Equal(contract.Expected, outcome.Kind);
        var reset = RateLimitReset.From(output.Stdout + "\n" + output.Stderr, capturedAt);
        if (fixture["reset_header_epoch"]?.GetValue<long>() is { } epoch)
        {
            // The CLI floors the reset to the minute: the time read lies after the limit, within the minute and the
            // margin.
            var lifts = DateTimeOffset.FromUnixTimeSeconds(epoch);
            Assert.NotNull(reset);
            Assert.InRange(reset!.Value, lifts, lifts + TimeSpan.FromMinutes(1) + RateLimitReset.Margin);
        }
        else if (outcome.Kind == AgentOutcomeKind.RateLimited && !name.Contains("429", StringComparison.Ordinal))
        {
            Assert.Null(reset); // "You've hit your 5-hour limit" names no time: the batch backs off instead
        }
    }

    /// <summary>A finished run planted with each recorded agent output: only real work keeps its verdict in the
    /// listing.</summary>
    [Theory]
    [MemberData(nameof(AgentCaseNames))]
    public void A_run_holding_a_recorded_output_lists_as_its_outcome_says(string name)
    {
        var (output, _, _) = ClaudeCli.ReadFixture(name);
        var experiment = _temp.Combine("exp");
        SampleExperimentGenerator.Generate(new SampleExperimentSpec
        {
            Path = experiment, TierCount = 1, SubtestsPerTier = 1, RunsPerSubtest = 1,
            StatusPattern = [RunStatus.Completed],
        });
        var agent = Path.Combine(experiment, "T0", "00", "run_01", "agent");
        File.WriteAllText(Path.Combine(agent, "output.txt"), output.Stdout);
        AgentRun.WriteJson(Path.Combine(agent, "result.json"), output.AsAgentResult().ToJson());

        var listed = Fixtures.Scan(experiment).Single();

        var expected = ContractCases.Named(name).Expected switch
        {
            AgentOutcomeKind.RealWork => RunStatus.Completed,
            AgentOutcomeKind.RateLimited => RunStatus.RateLimited,
            _ => RunStatus.Failed,
        };
        Assert.Equal(expected, listed.Status);
        var slot = expected == RunStatus.Completed ? "Complete" : "AgentFailed";
        Assert.Equal($"{slot},{slot},{slot}", listed.JudgeSlots);
    }

    public static TheoryData<string> AgentCaseNames() =>
        [.. ContractCases.All.Where(c => !c.AsJudge).Select(c => c.Name)];

    [Fact]
    public void As_root_without_IS_SANDBOX_the_CLI_refuses_to_skip_permissions_in_the_recorded_words()
    {
        CliOutput? live = null;
        if (ClaudeCli.Available() && Environment.UserName == "root")
        {
            using var api = new MockMessagesApi(_ => new MockReply.Text("unreachable"));
            var cli = ClaudeCli.Wrapper(_temp.Path, api.BaseUrl, sandbox: false);
            live = ClaudeCli.Run(cli, _temp.Path, ClaudeCli.AgentArguments("hi"));
            if (ClaudeCli.Refreshing)
            {
                ClaudeCli.WriteFixture("root-refusal", live, DateTimeOffset.UtcNow, null);
            }

            Assert.Empty(api.MessageRequests);
        }

        var (output, _, _) = ClaudeCli.ReadFixture("root-refusal");
        Assert.Equal(output, live ?? output);

        Assert.Equal(1, output.ExitCode);
        Assert.Contains("cannot be used with root/sudo privileges", output.Stderr, StringComparison.Ordinal);
        Assert.Equal(AgentOutcomeKind.AgentFailure, output.AsAgentResult().Outcome.Kind);
    }

    /// <summary>The CLI's runs: the agent in a workspace of its own, a judge with its prompt on stdin as Judging runs
    /// it.</summary>
    private CliOutput Call(ContractCase contract, string baseUrl, out string workspace)
    {
        workspace = Directory.CreateDirectory(_temp.Combine("workspace-" + contract.Name)).FullName;
        var cli = ClaudeCli.Wrapper(_temp.Path, baseUrl, contract.Subscriber, timeZone: contract.TimeZone,
            apiTimeoutMs: contract.Name == "hung-connection" ? 2000 : 30000);
        if (!contract.AsJudge)
        {
            return ClaudeCli.Run(cli, workspace, ClaudeCli.AgentArguments("Create hello.py that prints Hello."));
        }

        var system = _temp.Combine("judge-system.md");
        File.WriteAllText(system, "You judge coding agents. Answer with one JSON object.");
        string[] judge = ["--model", "claude-sonnet-4-5", "--print", "--output-format", "stream-json", "--verbose",
            "--dangerously-skip-permissions", "--tools", "", "--system-prompt-file", system];
        return ClaudeCli.Run(cli, workspace, judge, "Judge this run.");
    }

    private static AgentOutcome Classify(ContractCase contract, CliOutput output) => contract.AsJudge
        ? Judging.Outcome(output.ExitCode, output.Stdout, output.Stderr)
        : output.AsAgentResult().Outcome;

    /// <summary>
    /// What the contract holds the CLI to: exit code, and per result object is_error, api_error_status, subtype and the
    /// result text with what changes between runs (times, dates, ports, the judge's system-prompt path) masked.
    /// </summary>
    private static string Wording(CliOutput output)
    {
        var results = output.Stdout.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => !e.TryGetProperty("type", out var type) || type.GetString() == "result")
            .Select(e => string.Join(" | ", new[] { "is_error", "api_error_status", "subtype", "result" }
                .Select(key => e.TryGetProperty(key, out var value) ? value.ToString() : "-")));
        return Mask($"exit {output.ExitCode}\n{string.Join("\n", results)}");
    }

    private static string Mask(string text) =>
        Port().Replace(Clock().Replace(Date().Replace(text, "DATE"), "TIME"), "127.0.0.1:PORT");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}(?:, \d{4})?")]
    private static partial Regex Date();

    [GeneratedRegex(@"\b\d{1,2}(?::\d{2})?(?:am|pm)\b")]
    private static partial Regex Clock();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex Port();
}
