using Scylla.Core.Checkpoints;
using Scylla.Core.Execution;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;

namespace Scylla.Core.Planning;

/// <summary>
/// The path a re-run takes for a run as read, and the judge slots it runs; or why it refuses (docs/format.md,
/// "Re-runs"). The plan and the re-run both decide here, so a dry run names what the re-run does.
/// </summary>
internal static class RerunDecision
{
    public static (RerunAction Action, IReadOnlyList<int> Slots) For(ScyllaRun run, bool judgeOnly)
    {
        var slots = run.JudgeSlots.Split(',').Select(s => Enum.Parse<JudgeSlotStatus>(s)).ToList();
        var agentValid = !slots.Contains(JudgeSlotStatus.AgentFailed);
        var open = slots.Select((status, index) => (status, slot: index + 1))
            .Where(s => s.status is JudgeSlotStatus.Missing or JudgeSlotStatus.Failed).Select(s => s.slot).ToList();
        var awaitsJudges = RunStates.Parse(run.RunState) is { } state && state.AwaitsJudges();
        if (judgeOnly && !awaitsJudges)
        {
            return !agentValid ? throw Refusal("AgentResultInvalid", $"{run.RunId} has no valid agent result, so its " +
                    "judges cannot run; re-run its agent (without -JudgeOnly) instead.")
                : open.Count == 0 && !File.Exists(Path.Combine(run.Path, RunFolder.Judge, RunFolder.Result))
                    ? (RerunAction.Regenerate, []) // every slot judged, the consensus lost: rebuilt from the slots
                : open.Count == 0 ? throw Refusal("NothingToJudge",
                    $"Every judge slot of {run.RunId} is complete; there is nothing to re-judge.")
                : (RerunAction.RerunJudges, open);
        }

        if (run.Status == RunStatus.Completed)
        {
            throw Refusal("RunAlreadyCompleted", $"{run.RunId} is Completed and needs no re-run. " +
                "To re-run judge slots that are Missing or Failed, use -JudgeOnly.");
        }

        var resume = agentValid && (awaitsJudges || (run.Status == RunStatus.Results && open.Count > 0));
        return resume ? (RerunAction.ResumeJudges, open)
            : run.Status == RunStatus.Results ? (RerunAction.Regenerate, [])
            : (RerunAction.RerunAgent, Enumerable.Range(1, slots.Count).ToList());
    }

    /// <summary>
    /// The decision of <see cref="For"/> once the agent's work is looked for (docs/planning.md, "The agent's work"):
    /// when the path's judges need a patch no stage of it captures, <paramref name="agentWorkFound"/> looks in the
    /// places <see cref="AgentWorkPlaces"/> names. Without the work the agent runs again, with every judge slot, and
    /// -JudgeOnly is refused; <paramref name="lost"/> then says why. Returns the stages the decided path takes.
    /// </summary>
    public static (RerunAction Action, IReadOnlyList<int> Slots, IReadOnlyList<RerunStage> Stages) WithAgentWork(
        ScyllaRun run, RerunAction action, IReadOnlyList<int> slots, int slotCount, Func<bool> agentWorkFound,
        out string? lost)
    {
        lost = null;
        var stages = RerunStages.PathFor(action, RunStates.Parse(run.RunState),
            () => WorktreeRegistrations.IsLive(run.WorkspacePath));
        if (!stages.Contains(RerunStages.BuildJudgePrompt) || stages.Contains(RerunStages.CaptureDiff)
            || agentWorkFound())
        {
            return (action, slots, stages);
        }

        lost = $"{run.RunId} has no judge prompt, no worktree, and no agent commit on its branch: "
            + "the agent's work is gone";
        return action == RerunAction.RerunJudges
            ? throw Refusal("AgentWorkLost", lost + "; re-run its agent (without -JudgeOnly).")
            : (RerunAction.RerunAgent, Enumerable.Range(1, slotCount).ToList(), RerunStages.All);
    }

    internal static ScyllaException Refusal(string id, string message) =>
        new(id, ScyllaErrorKind.InvalidOperation, message);
}
