namespace Scylla.Core.Checkpoints;

/// <summary>
/// How a change moves a run's next step (<see cref="RunResumePoint"/>): later, earlier, or not at all.
/// </summary>
public enum CheckpointChangeDirection
{
    /// <summary>The next step does not change (a field fixed, a status corrected, the experiment's status).</summary>
    Same,

    /// <summary>Less work left (for example a finished run recorded).</summary>
    Forward,

    /// <summary>More work left: something recorded as done will be done again.</summary>
    Backward,
}
