using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Samples;

namespace Scylla.Core.Tests.Contract;

/// <summary>
/// Re-runs with the real Claude Code CLI as agent and judges, against <see cref="MockMessagesApi"/>: for each way the
/// API
/// fails, the re-run's outcome, the listing, the checkpoint and the archive on disk, and that no judge ran; the happy
/// path
/// judged by judges without tools; a limit waited out to the end of the minute the CLI shows.
/// </summary>
public sealed class ClaudeCliRerunTests : IDisposable
{
    private const string JudgeSystemPrompt = "You judge coding agents. Answer with one JSON object.";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> FailureNames() =>
        [.. ContractCases.All.Where(c => !c.AsJudge && c.Expected != AgentOutcomeKind.RealWork).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(FailureNames))]
    public void An_API_failure_is_archived_listed_and_recorded_as_what_it_is_and_never_judged(string name)
    {
        if (!ClaudeCli.Available())
        {
            return; // SCYLLA_OFFLINE=1: ClaudeCliContractTests lists the recorded outputs instead
        }

        var contract = ContractCases.Named(name);
        long? reset = contract.ResetIn is { } resetIn ? (DateTimeOffset.UtcNow + resetIn).ToUnixTimeSeconds() : null;
        using var api = new MockMessagesApi(request =>
            IsJudge(request) ? new MockReply.Text(ContractCases.Verdict) : contract.Reply(reset, request));
        var experiment = NewExperiment();
        var baseUrl = contract.NoServer ? "http://127.0.0.1:9" : api.BaseUrl;
        var cli = ClaudeCli.Wrapper(_temp.Path, baseUrl, contract.Subscriber,
            apiTimeoutMs: name == "hung-connection" ? 2000 : 30000);

        var result = new Rerunner(Options(cli))
            .Execute(Open(experiment), Address(experiment), _ => { }, CancellationToken.None);

        var limited = contract.Expected == AgentOutcomeKind.RateLimited;
        var listed = Scan(experiment);
        Assert.Equal(limited ? RerunOutcome.RateLimited : RerunOutcome.Failed, result.Outcome);
        Assert.Equal(limited ? "RateLimited" : "AgentInfrastructureFailure", result.ErrorId);
        Assert.Equal(RunStatus.Missing, listed.Status); // the attempt went to .failed/ whole: the agent starts afresh
        Assert.Equal(listed.Status, result.Status);
        var state = CheckpointStore.TryLoad(experiment)!.GetRunState("T0", "00", 1);
        Assert.Equal(limited ? "rate_limited" : "failed", state);
        var archived = ArchivedAttempt(experiment);
        var agentResult = JsonNode.Parse(File.ReadAllText(Path.Combine(archived, "agent", "result.json")))!;
        Assert.Equal(1, agentResult["exit_code"]!.GetValue<int>());
        Assert.Contains("\"is_error\":true", agentResult["stdout"]!.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(Path.Combine(archived, "judge")));
        Assert.DoesNotContain(api.MessageRequests, IsJudge);
        Assert.False(File.Exists(Path.Combine(archived, "run_result.json")));
    }

    [Fact]
    public void Real_work_is_judged_by_judges_without_tools_whose_replay_repeats_the_call_and_keeps_the_response()
    {
        if (!ClaudeCli.Available())
        {
            return;
        }

        using var api = new MockMessagesApi(request => IsJudge(request) ? new MockReply.Text(ContractCases.Verdict)
            : ContractCases.Named("real-work-tool-use").Reply(null, request));
        var experiment = NewExperiment();
        var cli = ClaudeCli.Wrapper(_temp.Path, api.BaseUrl);

        var result = new Rerunner(Options(cli))
            .Execute(Open(experiment), Address(experiment), _ => { }, CancellationToken.None);

        Assert.Equal(RerunOutcome.Succeeded, result.Outcome);
        Assert.Equal(RunStatus.Completed, Scan(experiment).Status);
        Assert.Equal(0.9, result.Score);
        var judgeRequests = api.MessageRequests.Where(IsJudge).ToList();
        Assert.Equal(3, judgeRequests.Count);
        Assert.All(judgeRequests, r => Assert.Contains(JudgeSystemPrompt, r.System, StringComparison.Ordinal));

        var slot = Path.Combine(experiment, "T0", "00", "run_01", "judge", "judge_01");
        var response = File.ReadAllText(Path.Combine(slot, "response.txt"));
        var replay = ClaudeCli.Run("bash", _temp.Path, [Path.Combine(slot, "replay.sh")]);
        Assert.Equal(0, replay.ExitCode);
        Assert.Contains("hello.py prints the greeting", replay.Stdout, StringComparison.Ordinal);
        Assert.Equal(response, File.ReadAllText(Path.Combine(slot, "response.txt")));
        var replayed = api.MessageRequests.Where(IsJudge).Last();
        Assert.Contains(judgeRequests, r => r.System == replayed.System
            && r.Body!["messages"]!.ToJsonString() == replayed.Body!["messages"]!.ToJsonString()); // the same call
    }

    [Fact]
    public void A_resume_at_the_judges_of_an_API_failure_reruns_the_agent_instead()
    {
        if (!ClaudeCli.Available())
        {
            return;
        }

        using var api = new MockMessagesApi(request => IsJudge(request) ? new MockReply.Text(ContractCases.Verdict)
            : ContractCases.Named("real-work-tool-use").Reply(null, request));
        var experiment = NewExperiment(RunStatus.Completed);
        var run = Path.Combine(experiment, "T0", "00", "run_01");
        var (refused, _, _) = ClaudeCli.ReadFixture("connection-refused");
        AgentRun.WriteJson(Path.Combine(run, "agent", "result.json"), refused.AsAgentResult().ToJson());
        File.WriteAllText(Path.Combine(run, "agent", "output.txt"), refused.Stdout);
        File.Delete(Path.Combine(run, "run_result.json"));
        CheckpointStore.Update(experiment, ExperimentConfig.Load(experiment),
            c => c.AdvanceRun("T0", "00", 1, "agent_complete"));

        var result = new Rerunner(Options(ClaudeCli.Wrapper(_temp.Path, api.BaseUrl)))
            .Execute(Open(experiment), Address(experiment), _ => { }, CancellationToken.None);

        Assert.Equal(RerunAction.RerunAgent, result.Action);
        Assert.Equal(RerunOutcome.Succeeded, result.Outcome);
        Assert.False(IsJudge(api.MessageRequests[0]), "the agent ran before any judge");
        var archived = Path.Combine(ArchivedAttempt(experiment), "agent", "result.json");
        Assert.True(File.Exists(archived), "the failed attempt is archived");
    }

    /// <summary>
    /// The limit lifts a few seconds from now; the CLI shows that time floored to the minute, so the batch waits to the
    /// end
    /// of that minute plus the margin, runs again after the limit, and ends Completed with one pause recorded.
    /// </summary>
    [Fact]
    public void Waiting_on_a_minute_floored_reset_resumes_after_the_limit_and_ends_Completed()
    {
        if (!ClaudeCli.Available())
        {
            return;
        }

        DateTimeOffset? limitLifts = null; // five seconds after the agent's first call
        var cap = ContractCases.Named("cap-5-hour");
        var work = ContractCases.Named("real-work-tool-use");
        using var api = new MockMessagesApi(request =>
        {
            var lifts = limitLifts ??= DateTimeOffset.UtcNow.AddSeconds(5);
            return DateTimeOffset.UtcNow < lifts ? cap.Reply(lifts.ToUnixTimeSeconds(), request)
                : IsJudge(request) ? new MockReply.Text(ContractCases.Verdict) : work.Reply(null, request);
        });
        var experiment = NewExperiment();
        var options = Options(ClaudeCli.Wrapper(_temp.Path, api.BaseUrl, subscriber: true))
            with { WaitOnRateLimit = TimeSpan.FromMinutes(5) };

        var result = new Rerunner(options)
            .Execute(Open(experiment), Address(experiment), _ => { }, CancellationToken.None);

        Assert.Equal(RerunOutcome.Succeeded, result.Outcome);
        Assert.Equal(RunStatus.Completed, Scan(experiment).Status);
        var agentRequests = api.MessageRequests.Where(r => !IsJudge(r)).ToList();
        Assert.Equal(2, agentRequests.Count(r => !r.HasToolResult)); // refused once, then run after the limit
        Assert.True(agentRequests.Last(r => !r.HasToolResult).ReceivedAt >= limitLifts,
            "the agent ran again only after the limit lifted");
        var checkpoint = JsonNode.Parse(File.ReadAllText(CheckpointStore.PathFor(experiment)))!;
        Assert.Equal(1, checkpoint["pause_count"]!.GetValue<int>());
        var archived = File.ReadAllText(Path.Combine(ArchivedAttempt(experiment), "agent", "result.json"));
        Assert.Contains("You've hit your 5-hour limit", archived, StringComparison.Ordinal);
    }

    [Fact]
    public void As_root_a_CLI_that_refuses_to_skip_permissions_refuses_the_run_before_anything_is_touched()
    {
        Documentation.AssertDocumented("AgentRefusesRoot");
        if (!ClaudeCli.Available() || Environment.UserName != "root"
            || Environment.GetEnvironmentVariable("IS_SANDBOX") == "1")
        {
            return; // only root meets the refusal; IS_SANDBOX=1 in this process is the documented way past it
        }

        using var api = new MockMessagesApi(_ => new MockReply.Text("unreachable"));
        var experiment = NewExperiment();
        var before = Tree(experiment);

        var result = new Rerunner(Options(ClaudeCli.Wrapper(_temp.Path, api.BaseUrl, sandbox: false)))
            .Execute(Open(experiment), Address(experiment), _ => { }, CancellationToken.None);

        Assert.Equal(RerunOutcome.Skipped, result.Outcome);
        Assert.Equal("AgentRefusesRoot", result.ErrorId);
        Assert.Contains("IS_SANDBOX=1", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(before, Tree(experiment));
        Assert.Empty(api.MessageRequests);
    }

    /// <summary>Every file of the experiment with its hash, but for the run's lease record (docs/format.md,
    /// "Leases").</summary>
    private static List<string> Tree(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(root, f))
        .Where(f => !f.StartsWith(Path.Combine(".scylla", "leases"), StringComparison.Ordinal))
        .Order()
        .Select(f => $"{f} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(root, f))))}")
        .ToList();

    private static bool IsJudge(MockRequest request) => request.ToolCount == 0;

    private string NewExperiment(RunStatus status = RunStatus.Failed)
    {
        var path = _temp.Combine("exp-" + Guid.NewGuid().ToString("N")[..6]);
        SampleExperimentGenerator.Generate(new SampleExperimentSpec
        {
            Path = path, TierCount = 1, SubtestsPerTier = 1, RunsPerSubtest = 1, StatusPattern = [status],
            WithRepository = true,
        });
        return path;
    }

    private RerunOptions Options(string cli)
    {
        var systemPrompt = _temp.Combine("judge-system.md");
        File.WriteAllText(systemPrompt, JudgeSystemPrompt);
        return new RerunOptions
        {
            AgentPath = cli, JudgePath = cli, JudgeSystemPromptPath = systemPrompt,
            AgentTimeout = TimeSpan.FromMinutes(2),
        };
    }

    private static Experiment Open(string path) =>
        Experiment.Open(path, Path.Combine(path, SampleExperimentGenerator.TierConfigFolder));

    private static RunReference Address(string path) => new(path, "T0", "00", 1);

    private static ScyllaRun Scan(string experiment) =>
        Fixtures.Scan(experiment, tierConfig: Path.Combine(experiment, SampleExperimentGenerator.TierConfigFolder))
            .Single();

    /// <summary>The archived attempt the re-run made: the one whose agent ran (the generated runs hold no
    /// result.json).</summary>
    private static string ArchivedAttempt(string experiment) =>
        Directory.GetDirectories(Path.Combine(experiment, "T0", "00", ".failed")).Single(d =>
            File.Exists(Path.Combine(d, "agent", "result.json"))
            && File.ReadAllText(Path.Combine(d, "agent", "result.json"))
                .Contains("is_error", StringComparison.Ordinal));
}
