namespace Scylla.Core.Checkpoints;

/// <summary>The values allowed in <c>completed_runs</c> (formats.md §3.5). Anything else is refused before a write.</summary>
public enum CompletedRunStatus
{
    /// <summary><c>passed</c>: judged and passed.</summary>
    Passed,

    /// <summary><c>failed</c>: judged and not passed, or failed.</summary>
    Failed,

    /// <summary><c>agent_complete</c>: the agent finished, not judged yet.</summary>
    AgentComplete,
}

public static class CompletedRunStatuses
{
    public static readonly IReadOnlyList<string> WireValues = ["passed", "failed", "agent_complete"];

    public static string ToWire(this CompletedRunStatus status) => WireValues[(int)status];

    /// <summary>Parses an on-disk value; the error text is upstream's own, so users recognise it.</summary>
    public static CompletedRunStatus Parse(string value)
    {
        var index = WireValues.ToList().IndexOf(value);
        return index >= 0
            ? (CompletedRunStatus)index
            : throw new ScyllaException("InvalidCheckpointStatus", ScyllaErrorKind.InvalidArgument,
                $"Invalid status: {value}. Must be 'passed', 'failed', or 'agent_complete'.");
    }
}
