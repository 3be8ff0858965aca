using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace Scylla.Core.Execution;

/// <summary>What a re-run does with a run: which path it takes through the stages (docs/format.md, "Re-runs").</summary>
[JsonConverter(typeof(StringEnumConverter))] // ConvertTo-Json writes the name (see RunStatus)
public enum RerunAction
{
    /// <summary>Failed, Partial or Missing: archive the attempt and run the agent and the judges again.</summary>
    RerunAgent,

    /// <summary>The agent finished and judging did not: keep the agent's work and run the missing judges.</summary>
    ResumeJudges,

    /// <summary>Results with every judge slot complete: rebuild the missing result files; no agent, no judge.</summary>
    Regenerate,

    /// <summary>-JudgeOnly: run the Missing and Failed judge slots again and recompute the consensus.</summary>
    RerunJudges,
}
