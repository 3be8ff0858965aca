using System.Text.Json.Nodes;
using Scylla.Core.Experiments;
using Scylla.Core.IO;
using Scylla.Core.Json;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// Writing a checkpoint in the version it was found in (docs/checkpoints.md): a 2.0 file keeps the January-era key set
/// and order first, so those tools load it, and carries the v3.1 stage maps after it. January-era code ignores keys it
/// does not know; HEAD rebuilds the maps from <c>completed_runs</c> when it migrates a 2.0 file.
/// </summary>
internal static class CheckpointFormat
{
    /// <summary>The keys of a 2.0 checkpoint, in the order January-era code writes them.</summary>
    private static readonly string[] s_version20Keys =
    [
        "version", "experiment_id", "experiment_dir", "config_hash", "completed_runs", "started_at", "last_updated_at",
        "status", "rate_limit_source", "rate_limit_until", "pause_count", "pid",
    ];

    /// <summary>The fields of <paramref name="data"/> (held as 3.1) in a 2.0 file's order; nothing is copied.</summary>
    public static IEnumerable<KeyValuePair<string, JsonNode?>> AsVersion20(JsonObject data)
    {
        yield return new("version", "2.0");
        foreach (var key in s_version20Keys.Skip(1))
        {
            yield return new(key, data[key]);
        }

        foreach (var field in data.Where(p => !s_version20Keys.Contains(p.Key)))
        {
            yield return field;
        }
    }

    /// <summary>
    /// Whether the experiment was written by January-era code: its <c>experiment.json</c> has <c>parallel_subtests</c>
    /// (dropped in March) and no <c>skip_agent_teams</c> (written from 5 February on), so its tools read only 2.0.
    /// </summary>
    public static bool IsJanuaryEra(ExperimentConfig config)
    {
        try
        {
            return config.SourcePath != null
                && PythonJson.Parse(SmallFile.ReadText(config.SourcePath)) is JsonObject raw
                && raw.ContainsKey("parallel_subtests") && !raw.ContainsKey("skip_agent_teams");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException
            or ScyllaException)
        {
            return false;
        }
    }
}
