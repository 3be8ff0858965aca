using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.IO;
using Scylla.Core.Json;
using Scylla.Core.Tiers;

namespace Scylla.Core.Experiments;

/// <summary>
/// <c>config/experiment.json</c> with upstream's load rules and defaults (formats.md §2). Keys we do not model are
/// kept and written back after the known ones.
/// </summary>
public sealed class ExperimentConfig
{
    public const string RelativePath = "config/experiment.json";

    /// <summary>HEAD's model-id aliases (formats.md §2.2), matched after trim and lower-casing.</summary>
    private static readonly Dictionary<string, string> s_modelAliases = new(StringComparer.Ordinal)
    {
        ["opus"] = "claude-opus-4-6",
        ["sonnet"] = "claude-sonnet-4-6",
        ["haiku"] = "claude-haiku-4-5",
        ["opus-4.6"] = "claude-opus-4-6",
        ["sonnet-4.6"] = "claude-sonnet-4-6",
        ["haiku-4.5"] = "claude-haiku-4-5",
        ["opus-4.5"] = "claude-opus-4-5",
        ["sonnet-4.5"] = "claude-sonnet-4-5",
    };

    private static readonly string[] s_keyOrder =
    [
        "experiment_id", "task_repo", "task_commit", "task_prompt_file", "language", "models", "runs_per_subtest",
        "tiers_to_run", "judge_models", "timeout_seconds", "max_turns", "max_subtests", "skip_agent_teams",
        "thinking_mode", "use_containers",
    ];

    /// <summary>Far above any real experiment; a larger count is a typo that would plan billions of runs.</summary>
    public const int MaxRunsPerSubtest = 1000;

    /// <summary>One week: an agent timeout beyond it is a typo (and would overflow the millisecond timers).</summary>
    public const int MaxTimeoutSeconds = 7 * 24 * 3600;

    private static readonly string[] s_integerKeys = ["runs_per_subtest", "timeout_seconds", "max_turns", "max_subtests"];

    private readonly JsonObject _raw;

    private ExperimentConfig(JsonObject raw, string? sourcePath)
    {
        _raw = raw;
        SourcePath = sourcePath;
        ExperimentId = RequiredString("experiment_id");
        TaskRepo = RequiredString("task_repo");
        TaskCommit = RequiredString("task_commit");
        TaskPromptFile = RequiredString("task_prompt_file");
        Language = RequiredString("language");
        Models = NotEmpty("models", NormalizeModels(OptionalStrings("models") ?? ["claude-sonnet-4-6"]));
        RunsPerSubtest = Bounded("runs_per_subtest", OptionalInt("runs_per_subtest") ?? 10, 0, MaxRunsPerSubtest);
        TiersToRun = (OptionalStrings("tiers_to_run") ?? []).Select(ParseTier).ToArray();
        JudgeModels = NotEmpty("judge_models", NormalizeModels(!raw.ContainsKey("judge_models") && raw.ContainsKey("judge_model")
            ? [RequiredString("judge_model")]
            : OptionalStrings("judge_models") ?? ["claude-opus-4-6"]));
        TimeoutSeconds = Bounded("timeout_seconds", OptionalInt("timeout_seconds") ?? 3600, 1, MaxTimeoutSeconds);
        MaxTurns = OptionalInt("max_turns") is { } turns ? Bounded("max_turns", turns, 1, int.MaxValue) : null;
        MaxSubtests = OptionalInt("max_subtests");
        SkipAgentTeams = OptionalBool("skip_agent_teams") ?? false;
        ThinkingMode = OptionalString("thinking_mode") ?? "None";
        UseContainers = OptionalBool("use_containers") ?? false;
    }

    public string? SourcePath { get; }

    public string ExperimentId { get; }

    public string TaskRepo { get; }

    public string TaskCommit { get; }

    public string TaskPromptFile { get; }

    public string Language { get; }

    public IReadOnlyList<string> Models { get; }

    public int RunsPerSubtest { get; }

    /// <summary>A missing <c>tiers_to_run</c> means no tiers, as upstream loads it.</summary>
    public IReadOnlyList<string> TiersToRun { get; }

    public IReadOnlyList<string> JudgeModels { get; }

    public int TimeoutSeconds { get; }

    public int? MaxTurns { get; }

    public int? MaxSubtests { get; }

    public bool SkipAgentTeams { get; }

    public string ThinkingMode { get; }

    public bool UseContainers { get; }

    public static ExperimentConfig Load(string experimentDirectory)
    {
        var path = Path.Combine(experimentDirectory, RelativePath);
        string text;
        try
        {
            text = SmallFile.ReadText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ScyllaException("ExperimentConfigNotFound", ScyllaErrorKind.NotFound,
                $"'{experimentDirectory}' is not a Scylla experiment: {RelativePath} was not found.", experimentDirectory);
        }

        return Parse(text, path);
    }

    public static ExperimentConfig Parse(string json, string? sourcePath = null)
    {
        JsonNode? node;
        try
        {
            node = PythonJson.Parse(json);
        }
        catch (JsonException e)
        {
            throw Invalid(sourcePath, $"it is not valid JSON ({e.Message})", e);
        }

        if (node is not JsonObject obj)
        {
            throw Invalid(sourcePath, "it is not a JSON object");
        }

        RefuseNonFiniteNumbers(json, obj, sourcePath);
        return new ExperimentConfig(obj, sourcePath);
    }

    /// <summary>The file as upstream HEAD writes it, followed by every other key the file had, in its order.</summary>
    public string ToJson()
    {
        var output = new JsonObject
        {
            ["experiment_id"] = ExperimentId,
            ["task_repo"] = TaskRepo,
            ["task_commit"] = TaskCommit,
            ["task_prompt_file"] = TaskPromptFile,
            ["language"] = Language,
            ["models"] = StringArray(Models),
            ["runs_per_subtest"] = RunsPerSubtest,
            ["tiers_to_run"] = StringArray(TiersToRun),
            ["judge_models"] = StringArray(JudgeModels),
            ["timeout_seconds"] = TimeoutSeconds,
            ["max_turns"] = MaxTurns,
            ["max_subtests"] = MaxSubtests,
            ["skip_agent_teams"] = SkipAgentTeams,
            ["thinking_mode"] = ThinkingMode,
            ["use_containers"] = UseContainers,
        };
        foreach (var (key, value) in _raw.Where(p => !s_keyOrder.Contains(p.Key)))
        {
            output[key] = value?.DeepClone();
        }

        return PythonJson.Serialize(output);
    }

    /// <summary>A key as the file has it (no default, no alias expanded), or null; for the January-era hash.</summary>
    internal JsonNode? RawValue(string key) => _raw[key];

    internal static JsonArray StringArray(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    private static IReadOnlyList<string> NormalizeModels(IEnumerable<string> models) =>
        models.Select(m => s_modelAliases.TryGetValue(m.Trim().ToLowerInvariant(), out var canonical) ? canonical : m).ToArray();

    private string ParseTier(string value)
    {
        try
        {
            return TierId.Parse(value);
        }
        catch (ScyllaException e)
        {
            throw Invalid(SourcePath, $"tiers_to_run: {e.Message}");
        }
    }

    private string RequiredString(string key) =>
        OptionalString(key) ?? throw Invalid(SourcePath, $"the required key '{key}' is missing");

    private string? OptionalString(string key) => Node(key, JsonValueKind.String) is { } n ? As(key, n, x => x.GetValue<string>()) : null;

    /// <summary>
    /// An integer read as upstream's model (pydantic, lax mode) reads it: a whole number also when written as a float
    /// (<c>300.0</c>) or a string (<c>"300"</c>), true and false as 1 and 0; a fraction or anything else is refused.
    /// </summary>
    private int? OptionalInt(string key)
    {
        if (!_raw.TryGetPropertyValue(key, out var node) || node == null)
        {
            return null;
        }

        var kind = node.GetValueKind();
        var text = kind switch
        {
            JsonValueKind.Number => node.ToJsonString(),
            JsonValueKind.String => node.GetValue<string>().Trim(),
            JsonValueKind.True => "1",
            JsonValueKind.False => "0",
            _ => null,
        };
        const NumberStyles styles = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        return decimal.TryParse(text, styles, CultureInfo.InvariantCulture, out var number)
            && number == decimal.Truncate(number) && number is >= int.MinValue and <= int.MaxValue
            && (kind != JsonValueKind.String || !text!.Contains('e', StringComparison.OrdinalIgnoreCase))
            ? (int)number
            : throw Invalid(SourcePath, $"'{key}' has the wrong type: it must be a whole number, not {node.ToJsonString()}");
    }

    /// <summary>A boolean read as pydantic's lax mode reads one: also 0 and 1, and the strings yes/no, on/off, true/false, 1/0.</summary>
    private bool? OptionalBool(string key)
    {
        if (!_raw.TryGetPropertyValue(key, out var node) || node == null)
        {
            return null;
        }

        var text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>().Trim().ToLowerInvariant() : node.ToJsonString();
        return text switch
        {
            "true" or "1" or "1.0" or "yes" or "on" or "y" or "t" => true,
            "false" or "0" or "0.0" or "no" or "off" or "n" or "f" => false,
            _ => throw Invalid(SourcePath, $"'{key}' has the wrong type: it must be true or false, not {node.ToJsonString()}"),
        };
    }

    private int Bounded(string key, int value, int min, int max) => value >= min && value <= max
        ? value
        : throw Invalid(SourcePath, $"'{key}' is {value}; it must be between {min} and {max}");

    private IReadOnlyList<string> NotEmpty(string key, IReadOnlyList<string> models) => models.Count > 0
        ? models
        : throw Invalid(SourcePath, $"'{key}' is empty; at least one model is needed");

    /// <summary>
    /// Python writes NaN and Infinity as bare tokens, which the parser reads as null; for the counts and timeouts a null
    /// would mean the default, so a non-finite number there is refused (upstream refuses it too).
    /// </summary>
    private static void RefuseNonFiniteNumbers(string json, JsonObject parsed, string? sourcePath)
    {
        if (!json.Contains("NaN", StringComparison.Ordinal) && !json.Contains("Infinity", StringComparison.Ordinal))
        {
            return;
        }

        var marked = PythonJson.Parse(json, nonFiniteMarker: true) as JsonObject;
        foreach (var key in s_integerKeys.Where(k => parsed[k] == null && marked?[k]?.GetValueKind() == JsonValueKind.String))
        {
            throw Invalid(sourcePath, $"'{key}' is {PythonJson.NonFiniteToken(marked![key]!)}, not a whole number");
        }
    }

    private IReadOnlyList<string>? OptionalStrings(string key) =>
        Node(key, JsonValueKind.Array) is { } n
            ? As(key, n, x => x.AsArray().Select(item => item?.GetValueKind() == JsonValueKind.String ? item.GetValue<string>() : throw new FormatException()).ToArray())
            : null;

    /// <summary>An optional key: absent or null gives null; a value of another JSON type is an error naming the key.</summary>
    private JsonNode? Node(string key, JsonValueKind kind)
    {
        if (!_raw.TryGetPropertyValue(key, out var node) || node == null)
        {
            return null;
        }

        var actual = node.GetValueKind();
        return actual == kind || (kind == JsonValueKind.True && actual == JsonValueKind.False) ? node : throw WrongType(key, node);
    }

    private T As<T>(string key, JsonNode node, Func<JsonNode, T> read)
    {
        try
        {
            return read(node);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw WrongType(key, node, e);
        }
    }

    private ScyllaException WrongType(string key, JsonNode node, Exception? inner = null) =>
        Invalid(SourcePath, $"'{key}' has the wrong type ({node.ToJsonString()})", inner);

    private static ScyllaException Invalid(string? path, string reason, Exception? inner = null) =>
        new("InvalidExperimentConfig", ScyllaErrorKind.InvalidData, $"{path ?? RelativePath} is not a valid experiment configuration: {reason}.", path, inner);
}
