namespace Scylla.Core.Checkpoints;

/// <summary>Wire names of <see cref="RunState"/> and what each state means for a re-run (docs/format.md, "Run states").</summary>
public static class RunStates
{
    private static readonly string[] s_wireNames =
    [
        "pending", "dir_structure_created", "worktree_created", "symlinks_applied", "config_committed", "baseline_captured",
        "prompt_written", "replay_generated", "agent_complete", "agent_changes_committed", "diff_captured",
        "promoted_to_completed", "judge_pipeline_run", "judge_prompt_built", "judge_complete", "run_finalized",
        "report_written", "checkpointed", "worktree_cleaned", "failed", "rate_limited",
    ];

    /// <summary>The v3.0 names that v3.1 renamed, and what they became.</summary>
    private static readonly Dictionary<string, RunState> s_v30Names = new(StringComparer.Ordinal)
    {
        ["workspace_configured"] = RunState.ConfigCommitted,
        ["agent_ready"] = RunState.ReplayGenerated,
        ["judge_ready"] = RunState.JudgePromptBuilt,
        ["run_complete"] = RunState.ReportWritten,
    };

    public static IReadOnlyList<string> WireNames => s_wireNames;

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
}
