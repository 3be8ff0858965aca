namespace Scylla.Core.Checkpoints;

/// <summary>Where the next re-run of a run starts, as its <c>run_states</c> value says (docs/checkpoints.md).</summary>
public enum RunResumePoint
{
    /// <summary>The agent runs again (nothing recorded, an early stage, <c>failed</c>, <c>rate_limited</c>).</summary>
    Agent,

    /// <summary>
    /// The agent's result is kept and only the judges run (<c>agent_complete</c> to <c>judge_prompt_built</c>).
    /// </summary>
    Judges,

    /// <summary>The run is finished (<c>judge_complete</c> and later).</summary>
    Done,
}
