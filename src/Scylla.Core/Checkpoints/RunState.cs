using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// A run's <c>run_states</c> value (docs/format.md, "Run states"), in sequence order: a later member means further along.
/// <see cref="Failed"/> and <see cref="RateLimited"/> stand outside the sequence.
/// </summary>
[JsonConverter(typeof(StringEnumConverter))] // ConvertTo-Json writes the name (see RunStatus)
public enum RunState
{
    Pending,
    DirStructureCreated,
    WorktreeCreated,
    SymlinksApplied,
    ConfigCommitted,
    BaselineCaptured,
    PromptWritten,
    ReplayGenerated,
    AgentComplete,
    AgentChangesCommitted,
    DiffCaptured,
    PromotedToCompleted,
    JudgePipelineRun,
    JudgePromptBuilt,
    JudgeComplete,
    RunFinalized,
    ReportWritten,
    Checkpointed,
    WorktreeCleaned,
    Failed,
    RateLimited,
}
