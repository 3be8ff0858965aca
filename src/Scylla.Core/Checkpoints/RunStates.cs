namespace Scylla.Core.Checkpoints;

/// <summary>
/// The run states of a v3.1 checkpoint in sequence order (formats of HEAD), and what each means to a re-run. The
/// re-run engine and the checkpoint commands read a run's next step from here only.
/// </summary>
public static class RunStates
{
    public const string Pending = "pending";
    public const string AgentComplete = "agent_complete";
    public const string ReportWritten = "report_written";
    public const string Failed = "failed";
    public const string RateLimited = "rate_limited";

    /// <summary>The run states in sequence; <c>failed</c> and <c>rate_limited</c> are outside it.</summary>
    public static readonly IReadOnlyList<string> Sequence =
    [
        Pending, "dir_structure_created", "worktree_created", "symlinks_applied", "config_committed",
        "baseline_captured", "prompt_written", "replay_generated", AgentComplete, "agent_changes_committed", "diff_captured",
        "promoted_to_completed", "judge_pipeline_run", "judge_prompt_built", "judge_complete", "run_finalized",
        ReportWritten, "checkpointed", "worktree_cleaned",
    ];

    /// <summary>The states a run ends in outside the sequence.</summary>
    public static readonly IReadOnlyList<string> Terminal = [Failed, RateLimited];

    /// <summary>The first state whose run keeps its agent result and resumes at the judges.</summary>
    private static readonly int s_firstJudgeStage = IndexOf(AgentComplete);

    /// <summary>The first state whose run is finished.</summary>
    private static readonly int s_firstDoneStage = IndexOf("judge_complete");

    /// <summary>
    /// The position of <paramref name="state"/> in <see cref="Sequence"/>, or -1 (terminal, unknown, null).
    /// </summary>
    public static int IndexOf(string? state) => state == null ? -1 : Sequence.ToList().IndexOf(state);

    /// <summary>
    /// Where a re-run of a run in <paramref name="state"/> starts: up to <c>replay_generated</c> (and no state,
    /// <c>failed</c>, <c>rate_limited</c> or a name this version does not know) the agent runs again; from
    /// <c>agent_complete</c> to <c>judge_prompt_built</c> only the judges do; from <c>judge_complete</c> on it is done.
    /// </summary>
    public static RunResumePoint ResumePoint(string? state)
    {
        var index = IndexOf(state);
        return index >= s_firstDoneStage ? RunResumePoint.Done
            : index >= s_firstJudgeStage ? RunResumePoint.Judges
            : RunResumePoint.Agent;
    }

    /// <summary>A run state named by a user, checked; an unknown name is refused listing the valid ones.</summary>
    public static string Validate(string state) =>
        Sequence.Contains(state) ? state
        : throw new ScyllaException("UnknownRunState", ScyllaErrorKind.InvalidArgument,
            $"'{state}' is not a run state. Valid run states, in order: {string.Join(", ", Sequence)}.");
}
