using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Scylla.Core.Experiments;
using Scylla.Core.Json;

namespace Scylla.Core.Checkpoints;

/// <summary>The checkpoint's <c>config_hash</c> (formats.md §3.9): SHA-256 of Python's sorted <c>json.dumps</c>, first 16 hex digits.</summary>
public static class ConfigHash
{
    public static string Compute(JsonObject input)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(PythonJson.SerializeSorted(input)));
        return Convert.ToHexString(digest).ToLowerInvariant()[..16];
    }

    /// <summary>HEAD's hash: every model field except the ephemeral ones (what a new v3.1 checkpoint carries).</summary>
    public static string ForHead(ExperimentConfig config)
    {
        var input = PersistedFields(config);
        input["skip_agent_teams"] = config.SkipAgentTeams;
        input["criteria_file"] = null;
        input["rubric_file"] = null;
        input["off_peak"] = false;
        return Compute(input);
    }

    /// <summary>
    /// JAN's hash: the persisted keys without <c>parallel_subtests</c> and <c>max_subtests</c>, with the model names
    /// as the file gives them (January's loader expands no alias) and January's defaults.
    /// </summary>
    public static string ForJan(ExperimentConfig config) => Compute(JanuaryFields(config));

    /// <summary>What January's <c>to_dict</c> gives for the hash, <c>thinking_mode</c> included.</summary>
    private static JsonObject JanuaryFields(ExperimentConfig config)
    {
        var input = PersistedFields(config);
        input["tiers_to_run"] = ExperimentConfig.StringArray(config.TiersToRun);
        input["models"] = config.RawValue("models")?.DeepClone() ?? new JsonArray("claude-sonnet-4-5-20250929");
        input["judge_models"] = config.RawValue("judge_models")?.DeepClone()
            ?? (config.RawValue("judge_model") is { } single ? new JsonArray(single.DeepClone())
                : new JsonArray("claude-opus-4-5-20251101"));
        return input;
    }

    /// <summary>
    /// Which era's hash of <paramref name="config"/> equals <paramref name="storedHash"/>: "HEAD", "January", "January
    /// (before thinking_mode)" for files written before that key existed, or null when none does (the config drifted).
    /// </summary>
    public static string? MatchingEra(ExperimentConfig config, string storedHash)
    {
        var withoutThinkingMode = JanuaryFields(config);
        withoutThinkingMode.Remove("thinking_mode");
        return storedHash == ForHead(config) ? "HEAD"
            : storedHash == ForJan(config) ? "January"
            : storedHash == Compute(withoutThinkingMode) ? "January (before thinking_mode)"
            : null;
    }

    /// <summary>The fields both versions hash (key order does not matter: the hash input is sorted).</summary>
    private static JsonObject PersistedFields(ExperimentConfig config) => new()
    {
        ["experiment_id"] = config.ExperimentId,
        ["task_repo"] = config.TaskRepo,
        ["task_commit"] = config.TaskCommit,
        ["task_prompt_file"] = NormalizePath(config.TaskPromptFile),
        ["language"] = config.Language,
        ["models"] = ExperimentConfig.StringArray(config.Models),
        ["runs_per_subtest"] = config.RunsPerSubtest,
        ["judge_models"] = ExperimentConfig.StringArray(config.JudgeModels),
        ["timeout_seconds"] = config.TimeoutSeconds,
        ["max_turns"] = config.MaxTurns,
        ["thinking_mode"] = config.ThinkingMode,
        ["use_containers"] = config.UseContainers,
    };

    /// <summary>What Python's <c>str(Path(p))</c> does to a POSIX path: drops empty and '.' parts, keeps '..'.</summary>
    public static string NormalizePath(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        // POSIX keeps exactly two leading slashes; one, or three and more, become one.
        var root = path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("///", StringComparison.Ordinal) ? "//"
            : path.StartsWith('/') ? "/" : string.Empty;
        var parts = path.Split('/').Where(p => p.Length > 0 && p != ".");
        var joined = root + string.Join('/', parts);
        return joined.Length == 0 ? "." : joined;
    }
}
