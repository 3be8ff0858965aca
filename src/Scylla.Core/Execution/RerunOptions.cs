using Scylla.Core.Workspaces;

namespace Scylla.Core.Execution;

/// <summary>Settings of a re-run batch.</summary>
public sealed record RerunOptions
{
    /// <summary>The agent executable: <c>claude</c>, or a stand-in with the same arguments and output.</summary>
    public string AgentPath { get; init; } = "claude";

    /// <summary>The judge executable: <c>claude</c>, or a stand-in with the same arguments and output.</summary>
    public string JudgePath { get; init; } = "claude";

    /// <summary>The judges' system prompt file.</summary>
    public required string JudgeSystemPromptPath { get; init; }

    public WorkspaceOptions Workspace { get; init; } = new();

    public bool JudgeOnly { get; init; }

    /// <summary>Re-run even when the experiment's own runner (the Python tool) is alive on this host.</summary>
    public bool IgnoreLiveRunner { get; init; }

    /// <summary>Overrides the experiment's <c>timeout_seconds</c> for the agent.</summary>
    public TimeSpan? AgentTimeout { get; init; }

    public TimeSpan JudgeTimeout { get; init; } = TimeSpan.FromSeconds(1200);

    /// <summary>How many judges of one run run at once; null: all of them.</summary>
    public int? JudgeThrottleLimit { get; init; }

    /// <summary>With a value, a rate limit pauses the batch until it lifts (at most this long), then the run goes on.</summary>
    public TimeSpan? WaitOnRateLimit { get; init; }

    /// <summary>How long a checkpoint update waits for another process's lock before that run fails.</summary>
    public TimeSpan CheckpointLockTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
