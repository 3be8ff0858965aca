namespace Scylla.Core.Checkpoints;

/// <summary>
/// Wire names of <see cref="RunState"/> and what each state means to a re-run (docs/format.md, "Run states"). The re-run
/// engine and the checkpoint commands read a run's next step from here only.
/// </summary>
public static class RunStates
{
    public const string Pending = "pending";
    public const string AgentComplete = "agent_complete";
    public const string ReportWritten = "report_written";
    public const string Failed = "failed";
    public const string RateLimited = "rate_limited";

    private static readonly string[] s_wireNames =
    [
        Pending, "dir_structure_created", "worktree_created", "symlinks_applied", "config_committed", "baseline_captured",
        "prompt_written", "replay_generated", AgentComplete, "agent_changes_committed", "diff_captured",
        "promoted_to_completed", "judge_pipeline_run", "judge_prompt_built", "judge_complete", "run_finalized",
        ReportWritten, "checkpointed", "worktree_cleaned", Failed, RateLimited,
    ];

    /// <summary>The v3.0 names that v3.1 renamed, and what they became.</summary>
    private static readonly Dictionary<string, RunState> s_v30Names = new(StringComparer.Ordinal)
    {
        ["workspace_configured"] = RunState.ConfigCommitted,
        ["agent_ready"] = RunState.ReplayGenerated,
        ["judge_ready"] = RunState.JudgePromptBuilt,
        ["run_complete"] = RunState.ReportWritten,
    };

    /// <summary>The run states in sequence; <c>failed</c> and <c>rate_limited</c> are outside it.</summary>
    public static readonly IReadOnlyList<string> Sequence = s_wireNames[..((int)RunState.WorktreeCleaned + 1)];

    /// <summary>The states a run ends in outside the sequence.</summary>
    public static readonly IReadOnlyList<string> Terminal = [Failed, RateLimited];

    public static string ToWire(this RunState state) => s_wireNames[(int)state];

    /// <summary>The state a wire name (v3.1, or a v3.0 name it migrates from) stands for; null for anything else.</summary>
    public static RunState? Parse(string? wire)
    {
        if (wire == null)
        {
            return null;
        }

        var index = Array.IndexOf(s_wireNames, wire);
        return index >= 0 ? (RunState)index : s_v30Names.TryGetValue(wire, out var renamed) ? renamed : null;
    }

    /// <summary>The run's result files are written: the run counts as done.</summary>
    public static bool IsComplete(this RunState state) => state is >= RunState.RunFinalized and <= RunState.WorktreeCleaned;

    /// <summary>The agent finished and the judges have not: a re-run resumes at the judges and keeps the agent's work.</summary>
    public static bool AwaitsJudges(this RunState state) => state is >= RunState.AgentComplete and <= RunState.JudgePromptBuilt;

    /// <summary>The position of <paramref name="state"/> in <see cref="Sequence"/>, or -1 (terminal, unknown, null).</summary>
    public static int IndexOf(string? state) => state == null ? -1 : Array.IndexOf(s_wireNames, state, 0, Sequence.Count);

    /// <summary>
    /// Where a re-run of a run in <paramref name="state"/> starts: up to <c>replay_generated</c> (and no state,
    /// <c>failed</c>, <c>rate_limited</c> or a name this version does not know) the agent runs again; from
    /// <c>agent_complete</c> to <c>judge_prompt_built</c> only the judges do; from <c>judge_complete</c> on it is done.
    /// </summary>
    public static RunResumePoint ResumePoint(string? state) => Parse(state) switch
    {
        { } s when s is >= RunState.JudgeComplete and <= RunState.WorktreeCleaned => RunResumePoint.Done,
        { } s when s.AwaitsJudges() => RunResumePoint.Judges,
        _ => RunResumePoint.Agent,
    };

    /// <summary>A run state named by a user, checked; an unknown name is refused listing the valid ones.</summary>
    public static string Validate(string state) =>
        Sequence.Contains(state) ? state
        : throw new ScyllaException("UnknownRunState", ScyllaErrorKind.InvalidArgument,
            $"'{state}' is not a run state. Valid run states, in order: {string.Join(", ", Sequence)}.");
}
