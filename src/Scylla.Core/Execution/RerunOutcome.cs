using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace Scylla.Core.Execution;

/// <summary>How a re-run of one run ended. <see cref="Succeeded"/> means a fresh scan now calls the run Completed.</summary>
[JsonConverter(typeof(StringEnumConverter))] // ConvertTo-Json writes the name (see RunStatus)
public enum RerunOutcome
{
    Succeeded,
    Failed,
    Skipped,
    RateLimited,
    Interrupted,
}
