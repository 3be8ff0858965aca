using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace Scylla.Core.Runs;

// The JsonConverter attributes make pwsh's ConvertTo-Json write these enums by name ("Missing", not 1); the engine
// never serializes them with Newtonsoft.Json itself.

/// <summary>A run's state on the agent side (formats.md §5.1), in upstream's declaration order.</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum RunStatus
{
    /// <summary>Agent output, agent result, judge folder and run result are all present.</summary>
    Completed,

    /// <summary>The run never started, or its directory cannot be classified.</summary>
    Missing,

    /// <summary>The agent ran but wrote no output.</summary>
    Failed,

    /// <summary>The agent started but did not finish.</summary>
    Partial,

    /// <summary>The agent finished; result files are missing and can be regenerated from its logs.</summary>
    Results,

    /// <summary>
    /// The agent's result is a rate-limit or usage-cap error (this module's addition; upstream counts it as a result).
    /// A re-run archives it and runs the agent again.
    /// </summary>
    RateLimited,
}

/// <summary>The state of one judge slot (formats.md §5.6).</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum JudgeSlotStatus
{
    Complete,
    Missing,
    Failed,
    AgentFailed,
}

/// <summary>Where a run directory lives.</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum RunLocation
{
    /// <summary><c>E/T0/00/run_01</c>.</summary>
    Flat,

    /// <summary><c>E/in_progress/T0/00/run_01</c>.</summary>
    InProgress,

    /// <summary><c>E/completed/T0/00/run_01</c>.</summary>
    Completed,
}
