using System.Text.Json.Nodes;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Samples;

namespace Scylla.Core.Tests;

/// <summary>Rate limits and judge failures are outcomes, never scores: the listing, the parse and the consensus.</summary>
public sealed class RateLimitAndJudgingTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Agent results as claude writes them when a limit stops it (exit code 1, is_error, no tokens).</summary>
    [Theory]
    [InlineData("{\"type\":\"result\",\"is_error\":true,\"result\":\"Claude AI usage limit reached|1767225600\"}", "Claude AI usage limit reached|1767225600")]
    [InlineData("{\"type\":\"result\",\"is_error\":true,\"result\":\"5-hour limit reached \u2219 resets 4pm (America/Los_Angeles)\"}", "5-hour limit reached \u2219 resets 4pm (America/Los_Angeles)")]
    [InlineData("{\"type\":\"result\",\"is_error\":true,\"result\":\"You've hit your weekly usage limit\"}", "You've hit your weekly usage limit")]
    [InlineData("", "HTTP 429: Rate limit exceeded")]
    public void A_rate_limited_agent_result_lists_as_RateLimited_with_its_evidence_and_no_judge_slot(string stdout, string message)
    {
        var run = CompletedRun();
        WriteAgentResult(run, exitCode: 1, stdout, stderr: stdout.Length == 0 ? "API Error: 429 Too Many Requests\u001b[0m" : string.Empty);

        var listed = Fixtures.Scan(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(run))!)!).Single();

        Assert.Equal(RunStatus.RateLimited, listed.Status);
        Assert.Equal($"Agent rate-limited: {message} (agent/result.json)", listed.Reason);
        Assert.Equal("AgentFailed,AgentFailed,AgentFailed", listed.JudgeSlots);
    }

    [Theory]
    [InlineData("infrastructure", "Agent infrastructure failure: exit code -1 and no tokens (agent/result.json)",
        RunStatus.Failed)]
    [InlineData("invalid", "Invalid verdict: no valid judgment (judge/judge_01/judgment.json)", RunStatus.Results)]
    [InlineData("judges failed", "Judge infrastructure failure: no valid judgment (judge/judge_01/error.log)",
        RunStatus.Results)]
    public void The_reason_of_a_run_that_is_not_done_names_the_failure_and_its_evidence(
        string failure, string reason, RunStatus status)
    {
        var run = CompletedRun();
        File.Delete(Path.Combine(run, "run_result.json"));
        if (failure == "infrastructure")
        {
            WriteAgentResult(run, exitCode: -1, string.Empty, "timed out");
        }
        else
        {
            foreach (var slot in Directory.GetDirectories(Path.Combine(run, "judge"), "judge_*"))
            {
                File.WriteAllText(Path.Combine(slot, "judgment.json"), "{\"score\": 0.0, \"is_valid\": false}");
                if (failure == "judges failed")
                {
                    File.WriteAllText(Path.Combine(slot, "error.log"), "Judge failed: exit 2\n");
                }
            }
        }

        var classified = RunClassifier.Classify(run, 3);

        // a judge failure keeps upstream's status; an agent that did no work is Failed
        Assert.Equal(status, classified.Status);
        Assert.Equal(reason, classified.Reason);
    }

    [Fact]
    public void A_successful_agent_whose_output_mentions_limits_is_not_rate_limited()
    {
        var run = CompletedRun();
        WriteAgentResult(run, exitCode: 0, "{\"type\":\"result\",\"is_error\":false,\"result\":\"I added a rate limit to the API; it resets hourly\"}", string.Empty);

        Assert.Equal(RunStatus.Completed, RunClassifier.Classify(run, 3).Status);
    }

    [Theory]
    [InlineData("{\"score\": \"0.95\", \"passed\": true}", 0.95, true)]
    [InlineData("{\"score\": NaN, \"passed\": 1}", 1.0, true)] // Python: max(0, min(1, nan)) is 1.0
    [InlineData("{\"score\": -Infinity, \"passed\": \"\"}", 0.0, false)]
    [InlineData("{\"score\": null, \"passed\": \"no\"}", 0.0, true)] // Python: float(None or 0.0); bool("no") is True
    [InlineData("{\"score\": true}", 1.0, false)]
    public void Verdicts_are_read_as_the_Python_tool_reads_them(string response, double score, bool passed)
    {
        var verdict = Judging.ParseVerdict(response);

        Assert.Equal((score, passed, true), (verdict.Score, verdict.Passed, verdict.IsValid));
    }

    [Fact]
    public void A_score_that_is_no_number_is_a_parse_failure() =>
        Assert.Throws<FormatException>(() => Judging.ParseVerdict("{\"score\": \"high\"}"));

    [Fact]
    public void The_consensus_takes_its_reasoning_and_criteria_from_a_valid_judge()
    {
        var failed = new Judgment(0.5, false, "F", "Judge failed: boom", false, new JsonObject { ["bad"] = 1 });
        var consensus = Judging.Consensus([failed, new Judgment(0.9, true, "A", "fine", true, new JsonObject { ["good"] = 1 })]);

        Assert.Equal(("fine", "{\"good\":1}"), (consensus.Reasoning, consensus.CriteriaScores!.ToJsonString()));
    }

    [Fact]
    public void Control_characters_in_quoted_output_are_removed() =>
        Assert.Equal("red text\tand\nmore", RateLimits.Printable("\u001b[31mred\u001b[0m text\tand\nmore\u0007"));

    /// <summary>
    /// The reset times claude's messages name, read as "not before the end of the minute shown" plus the margin; "now"
    /// is Tuesday 2026-12-01 10:00 UTC (02:00 in Los Angeles). The 2.1.328 wordings are the recorded ones
    /// (Data/claude-cli).
    /// </summary>
    [Theory]
    [InlineData("API Error: 429 Too Many Requests. Retry-After: 17", "2026-12-01T10:00:17+00:00")]
    [InlineData("rate limit exceeded, retry after 3 seconds", "2026-12-01T10:00:03+00:00")]
    [InlineData("Claude AI usage limit reached|1764590400", "2025-12-01T12:00:00+00:00")]
    [InlineData("You've hit your 5-hour limit · resets 1:34pm (UTC)", "2026-12-01T13:35:05+00:00")]
    [InlineData("You've hit your 5-hour limit · resets 4pm (America/Los_Angeles)", "2026-12-02T00:01:05+00:00")]
    [InlineData("You've hit your weekly limit · resets Dec 10, 6:56pm (UTC)", "2026-12-10T18:57:05+00:00")]
    [InlineData("You've hit your weekly limit · resets Jan 16, 2027, 4pm (UTC)", "2027-01-16T16:01:05+00:00")]
    [InlineData("You've hit your weekly limit · resets Jan 3, 9am (UTC)", "2027-01-03T09:01:05+00:00")]
    [InlineData("You've hit your limit · resets Dec 12 at 12pm (America/Los_Angeles)", "2026-12-12T20:01:05+00:00")]
    [InlineData("You've hit your limit · resets Sep 12 at 12pm (America/Los_Angeles)", "2027-09-12T19:01:05+00:00")]
    [InlineData("Weekly limit reached ∙ resets Mon 9:30am (Europe/Berlin)", "2026-12-07T08:31:05+00:00")]
    [InlineData("resets 11pm", "2026-12-01T23:01:05+00:00")]
    // passed 7 hours ago: a 5-hour window's reset is tomorrow's
    [InlineData("resets 3am (UTC)", "2026-12-02T03:01:05+00:00")]
    public void Reset_times_are_read_from_claudes_messages(string output, string expected)
    {
        var now = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

        Assert.Equal(DateTimeOffset.Parse(expected), RateLimitReset.From(output, now));
    }

    [Fact]
    public void A_reset_time_that_has_just_passed_is_the_limit_still_in_force_never_the_next_day()
    {
        // 13:34 shown, the limit lifted at 13:34:30 by the API's clock but not yet by its own: refused again at
        // 13:35:06.
        var now = new DateTimeOffset(2026, 12, 1, 13, 35, 6, TimeSpan.Zero);

        var reset = RateLimitReset.From("You've hit your 5-hour limit · resets 1:34pm (UTC)", now);

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 13, 35, 5, TimeSpan.Zero), reset);
        var gate = new RateLimitGate(TimeSpan.FromMinutes(5));
        Assert.True(gate.Pause(reset, now, out var until, out _));
        Assert.InRange(until - now, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)); // a short re-probe
    }

    [Fact]
    public void A_limit_that_names_no_time_has_no_reset() =>
        Assert.Null(RateLimitReset.From("You've hit your 5-hour limit", DateTimeOffset.UtcNow));

    [Fact]
    public void The_gate_refuses_a_pause_longer_than_the_longest_wait()
    {
        var now = DateTimeOffset.UtcNow;
        var gate = new RateLimitGate(TimeSpan.FromMinutes(5));

        Assert.False(gate.Pause(now.AddHours(1), now, out _, out _));
        Assert.True(gate.Pause(now.AddSeconds(1), now, out var until, out var started));
        Assert.Equal(now.AddSeconds(1), until);
        Assert.True(started);
    }

    [Fact]
    public void Runs_that_meet_one_limit_share_one_pause_and_do_not_double_the_backoff()
    {
        var now = DateTimeOffset.UtcNow;
        var gate = new RateLimitGate(TimeSpan.FromHours(1));

        Assert.True(gate.Pause(null, now, out var first, out var firstStarted));
        Assert.True(gate.Pause(null, now.AddSeconds(2), out var second, out var secondStarted));
        Assert.True(gate.Pause(null, first.AddSeconds(1), out var next, out var nextStarted));

        Assert.True(firstStarted);
        Assert.False(secondStarted); // joined the pause in force: no pause of its own, no backoff step
        Assert.Equal(first, second);
        Assert.True(nextStarted);
        Assert.Equal(2 * (first - now), next - first.AddSeconds(1)); // the second pause doubles the first, once
    }

    private string CompletedRun()
    {
        var path = _temp.Combine("exp");
        SampleExperimentGenerator.Generate(new SampleExperimentSpec
        {
            Path = path, TierCount = 1, SubtestsPerTier = 1, RunsPerSubtest = 1, StatusPattern = [RunStatus.Completed],
        });
        return Path.Combine(path, "T0", "00", Experiment.RunDirectoryName(1));
    }

    private static void WriteAgentResult(string run, int exitCode, string stdout, string stderr) =>
        File.WriteAllText(Path.Combine(run, "agent", "result.json"), new JsonObject
        {
            ["exit_code"] = exitCode, ["stdout"] = stdout, ["stderr"] = stderr, ["cost_usd"] = 0.0,
            ["token_stats"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
        }.ToJsonString());
}
