using System.Text.Json.Nodes;
using Scylla.Core.Execution;

namespace Scylla.Core.Tests;

public sealed class ExecutionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Agent_output_gives_canonical_tokens_cost_and_api_calls()
    {
        const string stdout = "{\"type\":\"result\",\"num_turns\":5,\"total_cost_usd\":0.13,\"usage\":{\"input_tokens\":29,\"output_tokens\":656,\"cache_creation_input_tokens\":23106,\"cache_read_input_tokens\":112686}}";

        var result = AgentResult.Parse(0, stdout, "+ claude");

        Assert.Equal(new TokenStats(29, 656, 23106, 112686), result.Tokens);
        Assert.Equal((0.13, 5), (result.CostUsd, result.ApiCalls));
        Assert.Equal("{\"input_tokens\":29,\"output_tokens\":656,\"cache_creation_tokens\":23106,\"cache_read_tokens\":112686}", result.Tokens.ToJson().ToJsonString());
    }

    [Fact]
    public void Text_output_falls_back_to_token_patterns_and_length()
    {
        var result = AgentResult.Parse(1, "Input tokens: 12\nOutput tokens: 34\n" + new string('x', 120), string.Empty);

        Assert.Equal(new TokenStats(12, 34, 0, 0), result.Tokens);
        Assert.Equal(1, result.ApiCalls);
        Assert.True(result.Outcome.IsRealWork);
        Assert.Equal(AgentOutcomeKind.InfrastructureFailure, AgentResult.Parse(-1, string.Empty, "crash").Outcome.Kind);
    }

    [Theory]
    [InlineData("{\"is_error\": true, \"result\": \"API Error: Rate limit reached\"}", "", "API Error: Rate limit reached")]
    [InlineData("{\"is_error\": false, \"result\": \"rate limit discussed\"}", "", null)]
    [InlineData("noise\n{\"is_error\": true, \"result\": \"You've hit your limit · resets 3pm\"}", "", "You've hit your limit · resets 3pm")]
    [InlineData("", "Error: HTTP 429 Too Many Requests", "HTTP 429: Rate limit exceeded")]
    [InlineData("", "The API is OVERLOADED", "API overloaded")]
    [InlineData("", "weekly usage limit reached; upgrade to continue", "Weekly usage limit reached")]
    [InlineData("", "segmentation fault", null)]
    public void Rate_limits_are_classified_like_upstream(string stdout, string stderr, string? expected) =>
        Assert.Equal(expected, RateLimits.Detect(stdout, stderr));

    [Fact]
    public void The_agents_shell_trace_is_not_read_as_a_rate_limit()
    {
        const string trace = "+ cd /tmp/run-4290/workspace\n+ claude --print /tmp/run-4290/agent/prompt.md\n";

        Assert.Equal("HTTP 429: Rate limit exceeded", RateLimits.Detect(string.Empty, trace)); // upstream's false positive
        Assert.Null(RateLimits.DetectForAgent(string.Empty, trace));
        Assert.Equal("HTTP 429: Rate limit exceeded", RateLimits.DetectForAgent(string.Empty, trace + "Error: 429 Too Many Requests\n"));
        Assert.Null(RateLimits.DetectForAgent(string.Empty, "/tmp/ab4293/agent/replay.sh: line 20: ./agent.sh: No such file or directory\n"));
    }

    [Fact]
    public void A_stream_json_answer_yields_the_assistant_text_or_the_last_result()
    {
        const string assistantOnly = "{\"type\":\"system\"}\n{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"tool_use\"},{\"type\":\"text\",\"text\":\"b\"}]}}\n";

        Assert.Equal("ab", Judging.ResponseText(assistantOnly));
        Assert.Equal("final", Judging.ResponseText(assistantOnly + "{\"type\":\"result\",\"result\":\"first\"}\n{\"type\":\"result\",\"result\":\"final\"}\n{\"type\":\"result\",\"result\":\"  \"}"));
    }

    [Fact]
    public void A_verdict_is_read_from_a_fenced_block_and_its_grade_comes_from_the_score()
    {
        var verdict = Judging.ParseVerdict("Here you go:\n```json\n{\"score\": 1.7, \"passed\": true, \"grade\": \"F\", \"categories\": {\"x\": 1}}\n```");

        Assert.Equal((1.0, true, "S", "No reasoning provided"), (verdict.Score, verdict.Passed, verdict.Grade, verdict.Reasoning));
        Assert.Equal("{\"x\":1}", verdict.CriteriaScores!.ToJsonString());
    }

    [Fact]
    public void A_verdict_without_a_fence_is_the_first_braced_object()
    {
        var verdict = Judging.ParseVerdict("Score follows {\"score\": 0.45, \"reasoning\": \"ok {fine}\", \"criteria_scores\": {\"a\": 2}} trailing");

        Assert.Equal((0.45, false, "C", "ok {fine}"), (verdict.Score, verdict.Passed, verdict.Grade, verdict.Reasoning));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no json here")]
    [InlineData("{\"passed\": true}")]
    public void Unusable_verdicts_are_parse_failures(string response) => Assert.Throws<FormatException>(() => Judging.ParseVerdict(response));

    [Fact]
    public void Consensus_is_the_mean_with_a_strict_majority_and_the_closest_reasoning()
    {
        var judges = new[]
        {
            new Judgment(0.75, true, "A", "high", true, new JsonObject { ["k"] = 1 }),
            new Judgment(0.25, false, "D", "low", true, null),
            Judgment.Failed("boom"),
        };

        var consensus = Judging.Consensus(judges);

        Assert.Equal(0.5, consensus.Score);
        Assert.False(consensus.Passed); // 1 of 2 valid judges: not a strict majority
        Assert.Equal(("C", false), (consensus.Grade, consensus.IsValid));
        Assert.Equal(("high", "{\"k\":1}"), (consensus.Reasoning, consensus.CriteriaScores!.ToJsonString())); // equally close: the first slot wins

        var three = Judging.Consensus([judges[1], new Judgment(0.5, true, "C", "mid", true, null), new Judgment(1.0, true, "S", "top", true, null)]);
        Assert.Equal(("mid", true, true), (three.Reasoning, three.Passed, three.IsValid)); // mean 0.583: 0.5 is closest; 2 of 3 passed
    }

    [Fact]
    public void Consensus_of_no_valid_judge_is_a_failed_judgment()
    {
        var consensus = Judging.Consensus([Judgment.Failed("a"), Judgment.Failed("b")]);

        Assert.Equal((0.0, false, "F", "All judges failed to produce valid results", false), (consensus.Score, consensus.Passed, consensus.Grade, consensus.Reasoning, consensus.IsValid));
    }

    [Fact]
    public void Archives_are_named_run_NN_then_run_NN_failed_k_and_never_overwrite()
    {
        var subtest = Directory.CreateDirectory(_temp.Combine("T1", "01")).FullName;
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var run = Directory.CreateDirectory(Path.Combine(subtest, "run_02")).FullName;
            File.WriteAllText(Path.Combine(run, "attempt.txt"), i.ToString());
            names.Add(Path.GetFileName(RunArchive.Archive(run, Directory.Move)));
        }

        Assert.Equal(["run_02", "run_02_failed_1", "run_02_failed_2"], names);
        Assert.Equal("0", File.ReadAllText(Path.Combine(subtest, ".failed", "run_02", "attempt.txt")));
    }

    [Fact]
    public void The_thinking_keyword_goes_before_the_prompt()
    {
        Assert.Equal("think hard\n\nTask", AgentRun.PromptText("Task", "High"));
        Assert.Equal("ultrathink\n\nTask", AgentRun.PromptText("Task", "UltraThink"));
        Assert.Equal("Task", AgentRun.PromptText("Task", "None"));
    }
}
