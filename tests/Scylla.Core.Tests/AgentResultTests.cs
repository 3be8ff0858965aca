using System.Text.Json.Nodes;
using Scylla.Core.Execution;
using Scylla.Core.Tests.Contract;

namespace Scylla.Core.Tests;

/// <summary>
/// Every path that writes <c>agent/result.json</c> (the agent's run, and its regeneration from the agent's logs when
/// the file is missing or damaged) and the counters each writes, by upstream's rule (docs/format.md, "The agent's
/// result"), on files on disk.
/// </summary>
public sealed class AgentResultTests : IDisposable
{
    private static readonly string s_fakeAgent = Path.Combine(Fixtures.RepositoryRoot, "examples", "fake-claude",
        "agent.sh");

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> RecordedOutputs() =>
        [.. Directory.GetFiles(ClaudeCli.FixtureDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!)
            .Order()];

    [Theory]
    [MemberData(nameof(RecordedOutputs))]
    public void Regeneration_from_what_claude_printed_takes_api_calls_from_num_turns(string name)
    {
        var (output, _, _) = ClaudeCli.ReadFixture(name);
        var run = ResultsRun(output.Stdout, output.Stderr, output.ExitCode);

        var regenerated = Regenerate(run);

        var printed = RateLimits.ParseObject(output.Stdout);
        var expected = printed is { } json && json.TryGetProperty("num_turns", out var turns) ? turns.GetInt32()
            : output.Stdout.Trim().Length > 100 ? 1 : 0; // a stream (judge cases) or nothing: upstream's fallback
        Assert.Equal(expected, regenerated["api_calls"]!.GetValue<int>());
        Assert.Equal(output.Stdout, regenerated["stdout"]!.GetValue<string>());
        Assert.Equal(output.ExitCode, regenerated["exit_code"]!.GetValue<int>());
    }

    [Fact]
    public void Regeneration_reads_output_txt_when_stdout_log_is_gone()
    {
        var run = ResultsRun(Claude(turns: 6), "+ claude\n");
        File.Delete(Path.Combine(run, "agent", "stdout.log"));

        var regenerated = Regenerate(run);

        Assert.Equal(6, regenerated["api_calls"]!.GetValue<int>());
        Assert.Equal(new TokenStats(29, 656, 23106, 112686), TokenStats.From(regenerated["token_stats"]));
        Assert.Equal(0.13, regenerated["cost_usd"]!.GetValue<double>());
    }

    [Fact]
    public void A_regenerated_agent_result_is_the_file_the_agent_run_wrote()
    {
        var (run, _) = FreshRun(s_fakeAgent);
        var agentResult = Path.Combine(run, "agent", "result.json");
        var written = File.ReadAllText(agentResult);
        File.Delete(agentResult);

        RunResults.Regenerate(run, 1, ["judge"]);

        Assert.Equal(3, JsonNode.Parse(written)!["api_calls"]!.GetValue<int>()); // the fake agent's num_turns
        Assert.Equal(written, File.ReadAllText(agentResult));
    }

    /// <summary>
    /// Past 1 MiB only the start of the output is kept in <c>result.json</c>; its counters still come from the whole
    /// output, as upstream reads them, and regeneration writes the same file.
    /// </summary>
    [Fact]
    public void Counters_of_an_output_over_1_MiB_come_from_the_whole_output()
    {
        var script = _temp.Combine("long-answer.sh");
        File.WriteAllText(script, "#!/bin/bash\nif [ \"$1\" = --version ]; then echo 1.0; exit 0; fi\n"
            + "printf '{\"type\":\"result\",\"num_turns\":7,\"total_cost_usd\":0.5,\"usage\":{\"input_tokens\":11,"
            + "\"output_tokens\":22,\"cache_creation_input_tokens\":33,\"cache_read_input_tokens\":44},\"result\":\"'\n"
            + "head -c 2097152 /dev/zero | tr '\\0' a\nprintf '\"}\\n'\n");
        AgentRun.MakeExecutable(script);

        var (run, result) = FreshRun(script);

        var agentResult = Path.Combine(run, "agent", "result.json");
        var written = JsonNode.Parse(File.ReadAllText(agentResult))!;
        Assert.Equal((7, 0.5), (written["api_calls"]!.GetValue<int>(), written["cost_usd"]!.GetValue<double>()));
        Assert.Equal(new TokenStats(11, 22, 33, 44), TokenStats.From(written["token_stats"]));
        Assert.True(result.Stdout.Length < (1 << 20) + 100, "the text kept in result.json stays bounded");
        var text = File.ReadAllText(agentResult);
        File.Delete(agentResult);
        RunResults.Regenerate(run, 1, ["judge"]);
        Assert.Equal(text, File.ReadAllText(agentResult));
    }

    [Fact]
    public void An_output_past_the_size_bound_is_regenerated_from_its_start()
    {
        var run = ResultsRun(string.Empty, string.Empty);
        using (var log = File.OpenWrite(Path.Combine(run, "agent", "stdout.log")))
        {
            log.SetLength(65L << 20); // sparse: 65 MiB of NUL, past the 64 MiB any whole read allows
        }

        var regenerated = Regenerate(run);

        Assert.Equal(1, regenerated["api_calls"]!.GetValue<int>());
        Assert.EndsWith("\n[truncated: 68157440 bytes in stdout.log]", regenerated["stdout"]!.GetValue<string>());
    }

    public static TheoryData<string> DamagedResults() =>
    [
        "{\"exit_code\": 0, \"tok",
        "[]",
        "{\"exit_code\": 0, \"stdout\": \"\", \"stderr\": \"\", \"token_stats\": {}, \"cost_usd\": 0.0}",
        "{\"exit_code\": 0, \"token_stats\": 5, \"cost_usd\": 0, \"stdout\": \"\", \"stderr\": \"\", \"api_calls\": 1}",
    ];

    [Theory]
    [MemberData(nameof(DamagedResults))]
    public void A_damaged_agent_result_is_rebuilt_from_the_logs(string damaged)
    {
        var run = ResultsRun(Claude(turns: 5), "+ claude\n");
        File.WriteAllText(Path.Combine(run, "agent", "result.json"), damaged);

        var runResult = RunResults.Regenerate(run, 1, ["judge"]);

        var rebuilt = ReadAgentResult(run);
        Assert.Equal(5, rebuilt["api_calls"]!.GetValue<int>());
        Assert.Equal(Claude(turns: 5), rebuilt["stdout"]!.GetValue<string>());
        Assert.Equal(23106L, TokenStats.From(rebuilt["token_stats"]).CacheCreation);
        Assert.Equal(29 + 112686, runResult["tokens_input"]!.GetValue<long>());
        Assert.True(File.Exists(Path.Combine(run, "run_result.json")));
    }

    [Fact]
    public void A_damaged_agent_result_without_logs_to_rebuild_it_from_is_refused_by_name()
    {
        var run = ResultsRun(Claude(turns: 5), "+ claude\n");
        File.WriteAllText(Path.Combine(run, "agent", "result.json"), "{\"exit_code\": 0, \"tok");
        File.Delete(Path.Combine(run, "agent", "stdout.log"));
        File.Delete(Path.Combine(run, "agent", "output.txt"));

        var error = Assert.Throws<ScyllaException>(() => RunResults.Regenerate(run, 1, ["judge"]));

        Assert.Equal("AgentResultInvalid", error.ErrorId);
        Assert.Contains(Path.Combine(run, "agent", "result.json"), error.Message);
        Documentation.AssertDocumented(error.ErrorId);
    }

    /// <summary>
    /// The re-run's paths that rebuild results (Regenerate, and -JudgeOnly rebuilding a lost consensus): a missing or
    /// damaged agent result is rebuilt with the sample agent's num_turns (4), a complete one is left byte for byte.
    /// </summary>
    [Theory]
    [InlineData("Results", "missing", false)]
    [InlineData("Results", "damaged", false)]
    [InlineData("Results", "no api_calls", false)]
    [InlineData("Results", "complete", false)]
    [InlineData("Completed", "complete, consensus lost", true)]
    public void A_rerun_that_rebuilds_results_writes_the_agents_num_turns(string status, string agentResult,
        bool judgeOnly)
    {
        var path = Fixtures.Generate(_temp, [Enum.Parse<Runs.RunStatus>(status)], tiers: 1, subtests: 1, runs: 1);
        var run = Fixtures.Scan(path).Single().Path;
        var file = Path.Combine(run, "agent", "result.json");
        var before = File.ReadAllText(file);
        switch (agentResult)
        {
            case "missing":
                File.Delete(file);
                break;
            case "damaged":
                File.WriteAllText(file, "{\"exit_code\": 0, \"tok");
                break;
            case "no api_calls":
                var partial = JsonNode.Parse(before)!.AsObject();
                partial.Remove("api_calls");
                File.WriteAllText(file, partial.ToJsonString());
                break;
            case "complete, consensus lost":
                File.Delete(Path.Combine(run, "judge", "result.json"));
                break;
        }

        var result = new Rerunner(new RerunOptions
            {
                AgentPath = "/nonexistent/agent", JudgePath = "/nonexistent/judge",
                JudgeSystemPromptPath = s_fakeAgent, JudgeOnly = judgeOnly,
            })
            .Execute(Experiments.Experiment.Open(path), new Runs.RunReference(path, "T0", "00", 1), _ => { },
                CancellationToken.None);

        Assert.True(result.Outcome == RerunOutcome.Succeeded, $"{result.Outcome}: {result.ErrorMessage}");
        Assert.Equal(RerunAction.Regenerate, result.Action);
        Assert.Equal(4, ReadAgentResult(run)["api_calls"]!.GetValue<int>());
        if (agentResult.StartsWith("complete", StringComparison.Ordinal))
        {
            Assert.Equal(before, File.ReadAllText(file));
        }
    }

    /// <summary>
    /// Output that is not one JSON object with a positive <c>num_turns</c>: upstream's fallback over stdout and stderr
    /// (<c>_parse_api_calls</c>, the same in every era), down to a genuine 0 for a short answer.
    /// </summary>
    [Theory]
    [InlineData("Done.", "+ claude\nAPI calls: 3\n", 3)]
    [InlineData("Made 1 API call.", "", 1)]
    [InlineData("API calls 7", "", 7)]
    [InlineData("api CALLS:\t4", "", 4)]
    [InlineData("response: a\nRESPONSE: b", "", 2)]
    [InlineData("ok", "Completion: x\n", 1)]
    [InlineData("{\"type\":\"result\",\"num_turns\":0,\"result\":\"Response: a\"}", "", 1)]
    [InlineData("{\"type\":\"result\",\"result\":\"done\"}", "", 0)]
    [InlineData("short answer", "+ claude\n", 0)]
    [InlineData("", "error: the agent crashed\n", 0)]
    public void Api_calls_of_other_output_follow_upstreams_fallback(string stdout, string stderr, int expected)
    {
        var run = ResultsRun(stdout, stderr);

        Assert.Equal(expected, Regenerate(run)["api_calls"]!.GetValue<int>());
    }

    [Fact]
    public void Length_counts_characters_as_python_does()
    {
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 60)); // 60 characters, 120 UTF-16 units
        var run = ResultsRun(emoji, string.Empty);

        Assert.Equal(0, Regenerate(run)["api_calls"]!.GetValue<int>());
        Assert.Equal(1, AgentResult.Parse(0, emoji + emoji, string.Empty).ApiCalls);
    }

    [Fact]
    public void A_stream_of_json_lines_is_not_one_object_and_counts_as_upstream_counts_it()
    {
        var (output, _, _) = ClaudeCli.ReadFixture("judge-verdict");
        var run = ResultsRun(output.Stdout, output.Stderr);

        var regenerated = Regenerate(run);

        Assert.Equal(1, regenerated["api_calls"]!.GetValue<int>());
        Assert.Equal(TokenStats.Zero, TokenStats.From(regenerated["token_stats"]));
    }

    [Fact]
    public void Num_turns_written_as_a_whole_float_counts()
    {
        var run = ResultsRun("{\"num_turns\": 3.0, \"usage\": {}}", string.Empty);

        Assert.Equal(3, Regenerate(run)["api_calls"]!.GetValue<int>());
    }

    /// <summary>Upstream's token fallback: the first match of each pattern, later patterns overriding.</summary>
    [Theory]
    [InlineData("Input tokens: 5\nOutput tokens: 6\nInput tokens: 9", "", 5, 6)]
    [InlineData("Total: 1801 tokens (1234 input, 567 output)", "", 1234, 567)]
    [InlineData("used 12 in / 34 out", "", 12, 34)]
    [InlineData("input tokens: 1", "output tokens 2\n", 1, 2)]
    [InlineData("{\"usage\": null}", "input tokens: 8", 8, 0)]
    public void Tokens_of_text_output_follow_upstreams_fallback(string stdout, string stderr, long input, long output)
    {
        var run = ResultsRun(stdout, stderr);

        Assert.Equal(new TokenStats(input, output, 0, 0), TokenStats.From(Regenerate(run)["token_stats"]));
    }

    private static string Claude(int turns) =>
        $"{{\"type\":\"result\",\"num_turns\":{turns},\"total_cost_usd\":0.13,\"usage\":{{\"input_tokens\":29,"
        + "\"output_tokens\":656,\"cache_creation_input_tokens\":23106,\"cache_read_input_tokens\":112686},"
        + "\"result\":\"Created hello.py\"}";

    /// <summary>A run whose agent finished and whose <c>agent/result.json</c> is missing: the Results shape.</summary>
    private string ResultsRun(string stdout, string stderr, int exitCode = 0)
    {
        var run = _temp.Combine("T0", "00", $"run_{Guid.NewGuid():N}");
        var agent = Directory.CreateDirectory(Path.Combine(run, "agent")).FullName;
        Directory.CreateDirectory(Path.Combine(run, "judge"));
        File.WriteAllText(Path.Combine(agent, "stdout.log"), stdout);
        File.WriteAllText(Path.Combine(agent, "output.txt"), stdout);
        File.WriteAllText(Path.Combine(agent, "stderr.log"), stderr);
        File.WriteAllText(Path.Combine(agent, "timing.json"), "{\"agent_duration_seconds\": 12.5}");
        File.WriteAllText(Path.Combine(agent, "command_log.json"),
            $"{{\"commands\": [{{\"command\": [\"claude\", \"--print\"], \"exit_code\": {exitCode}}}]}}");
        File.WriteAllText(Path.Combine(run, "judge", "result.json"),
            "{\"score\": 0.9, \"passed\": true, \"grade\": \"A\", \"reasoning\": \"fine\"}");
        return run;
    }

    private static JsonNode Regenerate(string run)
    {
        RunResults.Regenerate(run, 1, ["judge"]);
        return ReadAgentResult(run);
    }

    private static JsonNode ReadAgentResult(string run) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(run, "agent", "result.json")))!;

    /// <summary>The agent's run as a re-run runs it: <c>replay.sh</c> prepared, then run in the workspace.</summary>
    private (string Run, AgentResult Result) FreshRun(string executable)
    {
        var run = _temp.Combine("T0", "00", $"run_{Guid.NewGuid():N}");
        var agent = Directory.CreateDirectory(Path.Combine(run, "agent")).FullName;
        var workspace = Directory.CreateDirectory(Path.Combine(run, "workspace")).FullName;
        Directory.CreateDirectory(Path.Combine(run, "judge"));
        File.WriteAllText(Path.Combine(run, "judge", "result.json"),
            "{\"score\": 0.9, \"passed\": true, \"grade\": \"A\", \"reasoning\": \"fine\"}");
        var command = new List<string> { executable, "--print", Path.Combine(agent, "prompt.md") };
        AgentRun.Prepare(agent, workspace, "Write hello.py", command);
        var (result, _) = AgentRun.Execute(agent, workspace, command, "model", TimeSpan.FromMinutes(1),
            CancellationToken.None);
        return (run, result);
    }
}
