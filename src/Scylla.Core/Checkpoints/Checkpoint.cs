using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.Experiments;
using Scylla.Core.Json;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// <c>checkpoint.json</c>, loaded with upstream's migrations (formats.md §3.6) and held as v3.1. Fields we do not model
/// are kept and written after the known ones.
/// </summary>
public sealed class Checkpoint
{
    public const string FileName = "checkpoint.json";

    public static readonly IReadOnlyList<string> SupportedVersions = ["2.0", "3.0", "3.1"];

    /// <summary>The run states that make a run count as complete (formats.md §3.7), in sequence order.</summary>
    private static readonly string[] s_completeRunStates = ["run_complete", "run_finalized", "report_written", "checkpointed", "worktree_cleaned"];

    private static readonly Dictionary<string, string> s_v30RunStateRenames = new(StringComparer.Ordinal)
    {
        ["workspace_configured"] = "config_committed",
        ["agent_ready"] = "replay_generated",
        ["judge_ready"] = "judge_prompt_built",
        ["run_complete"] = "report_written",
    };

    /// <summary>v3.1 fields in upstream's order, with the defaults a missing key takes.</summary>
    private static readonly (string Key, Func<JsonNode?> Default)[] s_fields =
    [
        ("version", () => "3.1"),
        ("experiment_id", () => ""),
        ("experiment_dir", () => ""),
        ("config_hash", () => ""),
        ("experiment_state", () => "initializing"),
        ("tier_states", () => new JsonObject()),
        ("subtest_states", () => new JsonObject()),
        ("run_states", () => new JsonObject()),
        ("completed_runs", () => new JsonObject()),
        ("started_at", () => ""),
        ("last_updated_at", () => ""),
        ("last_heartbeat", () => ""),
        ("status", () => "running"),
        ("rate_limit_source", () => null),
        ("rate_limit_until", () => null),
        ("pause_count", () => 0),
        ("pid", () => null),
    ];

    private readonly JsonObject _data;

    private readonly CheckpointWriter _writer = new();

    private Checkpoint(JsonObject data, string sourceVersion)
    {
        _data = data;
        SourceVersion = sourceVersion;
        WriteVersion = sourceVersion == "2.0" ? "2.0" : "3.1";
    }

    /// <summary>Why this checkpoint was read from <c>checkpoint.json.bak</c>, not the file itself; or null.</summary>
    public string? LoadWarning { get; internal set; }

    /// <summary>The version the file had on disk before migration.</summary>
    public string SourceVersion { get; }

    /// <summary>
    /// The version <see cref="ToJson"/> writes: a 2.0 file stays 2.0, so January-era tools still load it
    /// (docs/checkpoints.md); 3.0 and 3.1 are written as 3.1.
    /// </summary>
    public string WriteVersion { get; private set; }

    public string ExperimentId => Text("experiment_id");

    public string ExperimentDirectory => Text("experiment_dir");

    public string ConfigHash => Text("config_hash");

    public string ExperimentState => Text("experiment_state");

    public string Status => Text("status");

    public string StartedAt => Text("started_at");

    public string LastUpdatedAt => Text("last_updated_at");

    public string LastHeartbeat => Text("last_heartbeat");

    public int? Pid => _data["pid"] is JsonValue v && v.TryGetValue(out int pid) ? pid : null;

    /// <summary>
    /// Every run the checkpoint names in <c>run_states</c> or <c>completed_runs</c>, once each; a key that is no number
    /// names no run.
    /// </summary>
    public IEnumerable<(string Tier, string Subtest, int RunNumber)> RunKeys =>
        (from map in new[] { Map("run_states"), Map("completed_runs") }
         from tier in map
         from subtest in (tier.Value as JsonObject ?? [])
         from run in (subtest.Value as JsonObject ?? [])
         where int.TryParse(run.Key, CultureInfo.InvariantCulture, out _)
         select (tier.Key, subtest.Key, int.Parse(run.Key, CultureInfo.InvariantCulture))).Distinct();

    /// <summary>The <c>tier_states</c> entries, in file order.</summary>
    public IEnumerable<(string Tier, string State)> TierStates =>
        Map("tier_states").Select(t => (t.Key, t.Value?.ToString() ?? string.Empty));

    /// <summary>Every <c>completed_runs</c> entry, in file order.</summary>
    public IEnumerable<(string Tier, string Subtest, int RunNumber, string Status)> CompletedRuns =>
        from tier in Map("completed_runs")
        from subtest in (tier.Value as JsonObject ?? [])
        from run in (subtest.Value as JsonObject ?? [])
        select (tier.Key, subtest.Key, int.Parse(run.Key, CultureInfo.InvariantCulture), run.Value?.ToString() ?? string.Empty);

    public static Checkpoint Parse(string json, string path)
    {
        JsonNode? node;
        try
        {
            node = PythonJson.Parse(json);
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"it is not valid JSON ({e.Message})", e);
        }

        if (node is not JsonObject data)
        {
            throw Invalid(path, "it is not a JSON object");
        }

        var versionNode = data["version"];
        var version = versionNode == null ? "1.0" : versionNode.GetValueKind() == JsonValueKind.String ? versionNode.GetValue<string>() : versionNode.ToJsonString();
        if (versionNode?.GetValueKind() is not (null or JsonValueKind.String) || !SupportedVersions.Contains(version))
        {
            throw new ScyllaException("UnsupportedCheckpointVersion", ScyllaErrorKind.InvalidData,
                $"Incompatible checkpoint version {version} in '{path}'. Supported versions are \"2.0\", \"3.0\" and \"3.1\" (as JSON strings).", path);
        }

        ValidateShape(data, path);
        try
        {
            Migrate(data, version);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw Invalid(path, e.Message, e);
        }

        return new Checkpoint(Normalize(data), version);
    }

    /// <summary>A new checkpoint as upstream's rerun tool creates one when none exists (formats.md §5.5).</summary>
    /// <remarks>An experiment of the January era gets a 2.0 checkpoint with that era's hash (docs/checkpoints.md).</remarks>
    public static Checkpoint CreateNew(ExperimentConfig config, string experimentDirectory)
    {
        var now = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow);
        var january = CheckpointFormat.IsJanuaryEra(config);
        var data = new JsonObject
        {
            ["experiment_id"] = config.ExperimentId,
            ["experiment_dir"] = experimentDirectory,
            ["config_hash"] = january ? Checkpoints.ConfigHash.ForJan(config) : Checkpoints.ConfigHash.ForHead(config),
            ["started_at"] = now,
            ["last_updated_at"] = now,
            ["status"] = "rerunning",
            ["pid"] = Environment.ProcessId,
        };
        return new Checkpoint(Normalize(data), january ? "2.0" : "3.1");
    }

    /// <summary>A copy of the top-level fields that are not maps (status, pid, heartbeat): cheap at any size.</summary>
    internal Checkpoint HeaderCopy()
    {
        var fields = _data.Where(f => f.Value is not JsonObject)
            .Select(f => KeyValuePair.Create(f.Key, f.Value?.DeepClone()));
        return new(new JsonObject(fields), SourceVersion) { LoadWarning = LoadWarning };
    }

    public string? GetRunStatus(string tier, string subtest, int runNumber) =>
        Level(Level(Map("completed_runs"), tier), subtest)?[Key(runNumber)]?.ToString();

    public string? GetRunState(string tier, string subtest, int runNumber) =>
        Level(Level(Map("run_states"), tier), subtest)?[Key(runNumber)]?.ToString();

    /// <summary>
    /// Records a run's outcome and moves its run state to match (formats.md §3.7): <c>agent_complete</c> to the state
    /// of that name; <c>passed</c>/<c>failed</c> to <c>report_written</c>, unless the run is already at a later complete state.
    /// </summary>
    public void MarkRunCompleted(string tier, string subtest, int runNumber, CompletedRunStatus status)
    {
        RunsOf("completed_runs", tier, subtest)[Key(runNumber)] = status.ToWire();
        var currentState = GetRunState(tier, subtest, runNumber);
        var state = status == CompletedRunStatus.AgentComplete ? "agent_complete"
            : Array.IndexOf(s_completeRunStates, currentState) >= Array.IndexOf(s_completeRunStates, "report_written") ? currentState!
            : "report_written";
        SetRunState(tier, subtest, runNumber, state);
    }

    /// <summary>
    /// Forgets a run's outcome: removes its <c>completed_runs</c> entry and sets it back to <c>pending</c>, with its subtest,
    /// tier and the experiment reopened the way upstream's reset does (formats.md §3.10).
    /// </summary>
    public void ClearRun(string tier, string subtest, int runNumber)
    {
        ExistingRunsOf("completed_runs", tier, subtest)?.Remove(Key(runNumber));
        SetRunState(tier, subtest, runNumber, "pending");
        ReopenSubtest(tier, subtest);
    }

    /// <summary>Whether <see cref="ClearRun"/> would change nothing but <c>last_updated_at</c>.</summary>
    public bool IsRunCleared(string tier, string subtest, int runNumber) =>
        GetRunStatus(tier, subtest, runNumber) == null && GetRunState(tier, subtest, runNumber) == "pending"
        && Level(Level(_data, "subtest_states"), tier)?[subtest]?.ToString() == "pending"
        && Level(_data, "tier_states")?[tier]?.ToString() == "pending"
        && Text("experiment_state") == "tiers_running";

    /// <summary>Sets a run's state and status as given; a null removes that entry (used by reset and repair).</summary>
    public void SetRunEntry(string tier, string subtest, int runNumber, string? state, string? status)
    {
        if (state == null)
        {
            ExistingRunsOf("run_states", tier, subtest)?.Remove(Key(runNumber));
        }
        else
        {
            SetRunState(tier, subtest, runNumber, state);
        }

        if (status == null)
        {
            ExistingRunsOf("completed_runs", tier, subtest)?.Remove(Key(runNumber));
        }
        else
        {
            RunsOf("completed_runs", tier, subtest)[Key(runNumber)] = CompletedRunStatuses.Parse(status).ToWire();
        }
    }

    /// <summary>A subtest that has a run to do again: it, its tier and the experiment reopen as upstream's reset does.</summary>
    public void ReopenSubtest(string tier, string subtest)
    {
        var subtests = EnsureLevel(Map("subtest_states"), tier);
        _writer.Changed(subtests);
        subtests[subtest] = "pending";
        SetTierState(tier, "pending");
    }

    /// <summary>Sets a tier's state; a tier going back to <c>pending</c> reopens the experiment (<c>tiers_running</c>).</summary>
    public void SetTierState(string tier, string state)
    {
        Map("tier_states")[tier] = state;
        if (state == "pending")
        {
            SetField("experiment_state", "tiers_running");
        }
    }

    /// <summary>Sets a top-level text field (<c>experiment_state</c>, <c>status</c>, <c>experiment_dir</c>).</summary>
    public void SetField(string key, string value)
    {
        _data[key] = value;
        _data["last_updated_at"] = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow);
    }

    /// <summary>A rate-limit pause as upstream records it (formats.md §3.11); returns the status it replaces.</summary>
    public string RecordRateLimitPause(string source, DateTimeOffset until)
    {
        var before = Status;
        SetField("status", "paused_rate_limit");
        _data["rate_limit_until"] = PythonJson.IsoTimestamp(until);
        _data["rate_limit_source"] = source;
        _data["pause_count"] = (_data["pause_count"] is JsonValue v && v.TryGetValue(out int count) ? count : 0) + 1;
        return before;
    }

    /// <summary>The pause is over: the fields go back to null and the status to <paramref name="status"/>.</summary>
    public void RecordRateLimitResume(string status)
    {
        SetField("status", status);
        _data["rate_limit_until"] = null;
        _data["rate_limit_source"] = null;
    }

    /// <summary>Writes this checkpoint as 3.1 from now on, whatever version it was read as.</summary>
    public void UpgradeFormat() => WriteVersion = "3.1";

    /// <summary>Serializes as <see cref="WriteVersion"/> and stamps <c>last_updated_at</c>, as upstream's save does.</summary>
    public string ToJson()
    {
        using var memory = new MemoryStream();
        WriteTo(memory);
        return System.Text.Encoding.UTF8.GetString(memory.GetBuffer(), 0, (int)memory.Length);
    }

    /// <summary>
    /// <see cref="ToJson"/> as UTF-8 to <paramref name="stream"/>, re-serialising only the maps changed since the last
    /// write.
    /// </summary>
    internal void WriteTo(Stream stream)
    {
        _data["last_updated_at"] = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow);
        _writer.Write(stream, WriteVersion == "2.0" ? CheckpointFormat.AsVersion20(_data) : _data);
    }

    /// <summary>
    /// Moves a run to <paramref name="state"/> and syncs <c>completed_runs</c> as upstream's <c>set_run_state</c> does (formats.md §3.7):
    /// a complete state keeps an existing passed/failed (else passed), <c>agent_complete</c> and <c>failed</c> set their own status.
    /// </summary>
    public void AdvanceRun(string tier, string subtest, int runNumber, string state)
    {
        SetRunState(tier, subtest, runNumber, state);
        var existing = GetRunStatus(tier, subtest, runNumber);
        var status = s_completeRunStates.Contains(state) ? (existing is "passed" or "failed" ? existing : "passed")
            : state == "agent_complete" ? "agent_complete"
            : state == "failed" ? "failed"
            : null;
        if (status != null)
        {
            RunsOf("completed_runs", tier, subtest)[Key(runNumber)] = status;
        }
    }

    private void SetRunState(string tier, string subtest, int runNumber, string state)
    {
        RunsOf("run_states", tier, subtest)[Key(runNumber)] = state;
        _data["last_updated_at"] = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow);
    }

    private static void Migrate(JsonObject data, string version)
    {
        NormalizeRunKeys(data);
        if (version == "2.0")
        {
            foreach (var (tier, subtests) in Map(data, "completed_runs"))
            {
                foreach (var (subtest, runs) in subtests!.AsObject())
                {
                    foreach (var (run, status) in runs!.AsObject())
                    {
                        var state = status?.ToString() == "agent_complete" ? "agent_complete" : "run_complete";
                        EnsureLevel(EnsureLevel(Map(data, "run_states"), tier), subtest)[run] = state;
                        EnsureLevel(Map(data, "subtest_states"), tier)[subtest] = "runs_in_progress";
                        Map(data, "tier_states")[tier] = "subtests_running";
                    }
                }
            }

            data["experiment_state"] = "tiers_running";
            data["last_heartbeat"] = data["last_updated_at"]?.DeepClone() ?? "";
            version = "3.0";
        }

        if (version == "3.0")
        {
            foreach (var subtests in Map(data, "run_states").Select(t => t.Value!.AsObject()))
            {
                foreach (var runs in subtests.Select(s => s.Value!.AsObject()))
                {
                    foreach (var run in runs.Select(r => r.Key).ToList())
                    {
                        if (s_v30RunStateRenames.TryGetValue(runs[run]?.ToString() ?? string.Empty, out var renamed))
                        {
                            runs[run] = renamed;
                        }
                    }
                }
            }
        }

        data["version"] = "3.1";
    }

    /// <summary>
    /// The state maps nest tier, subtest and run objects down to string states; anything else (a null tier, a number
    /// for a subtest) is refused with the key that holds it, before any code walks the maps.
    /// </summary>
    private static void ValidateShape(JsonObject data, string path)
    {
        foreach (var (key, depth) in new[] { ("tier_states", 1), ("subtest_states", 2), ("run_states", 3), ("completed_runs", 3) })
        {
            if (data[key] is { } node)
            {
                ValidateLevel(node, key, depth, path);
            }
        }
    }

    private static void ValidateLevel(JsonNode? node, string key, int depth, string path)
    {
        if (depth == 0)
        {
            if (node?.GetValueKind() != JsonValueKind.String)
            {
                throw Invalid(path, $"'{key}' must be a string state, not {node?.ToJsonString() ?? "null"}");
            }

            return;
        }

        if (node is not JsonObject level)
        {
            throw Invalid(path, $"'{key}' must be an object, not {node?.ToJsonString() ?? "null"}");
        }

        foreach (var (child, value) in level)
        {
            ValidateLevel(value, $"{key}.{child}", depth - 1, path);
        }
    }

    /// <summary>Run keys are integers (older files wrote "01" or repeated a key); rewrite each once, last value winning.</summary>
    private static void NormalizeRunKeys(JsonObject data)
    {
        foreach (var subtests in Map(data, "completed_runs").Select(t => t.Value?.AsObject() ?? throw new FormatException("completed_runs must map tiers to objects")))
        {
            foreach (var (subtest, runs) in subtests.ToList())
            {
                var normalized = new JsonObject();
                var entries = runs?.AsObject()
                    ?? throw new FormatException("completed_runs must map subtests to objects");
                foreach (var (run, status) in entries.ToList())
                {
                    var number = int.Parse(run, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture);
                    entries.Remove(run); // moved, not copied (docs/performance.md, "Memory")
                    normalized[Key(number)] = status;
                }

                subtests[subtest] = normalized;
            }
        }
    }

    /// <summary>Known fields first, in upstream's order, with defaults for missing ones; then the fields we do not model.</summary>
    private static JsonObject Normalize(JsonObject data)
    {
        // Nodes are moved, not copied: a checkpoint of 100,000 runs is large (docs/performance.md, "Memory").
        var result = new JsonObject();
        foreach (var (key, defaultValue) in s_fields)
        {
            result[key] = data.Remove(key, out var value) ? value : defaultValue();
        }

        foreach (var (key, value) in data.ToList())
        {
            data.Remove(key);
            result[key] = value;
        }

        return result;
    }

    /// <summary>A subtest's runs in <paramref name="map"/>, created if missing, about to change.</summary>
    private JsonObject RunsOf(string map, string tier, string subtest)
    {
        var subtests = EnsureLevel(Map(map), tier);
        var runs = EnsureLevel(subtests, subtest);
        _writer.Changed(subtests);
        _writer.Changed(runs);
        return runs;
    }

    /// <summary>A subtest's runs in <paramref name="map"/> if it has any, about to change.</summary>
    private JsonObject? ExistingRunsOf(string map, string tier, string subtest)
    {
        var subtests = Level(Map(map), tier);
        var runs = Level(subtests, subtest);
        _writer.Changed(subtests);
        _writer.Changed(runs);
        return runs;
    }

    private string Text(string key) => _data[key]?.ToString() ?? string.Empty;

    private JsonObject Map(string key) => Map(_data, key);

    private static JsonObject Map(JsonObject data, string key) =>
        data[key] as JsonObject ?? (JsonObject)(data[key] = new JsonObject());

    private static JsonObject? Level(JsonObject? parent, string key) => parent?[key] as JsonObject;

    private static JsonObject EnsureLevel(JsonObject parent, string key) =>
        parent[key] as JsonObject ?? (JsonObject)(parent[key] = new JsonObject());

    private static string Key(int runNumber) => runNumber.ToString(CultureInfo.InvariantCulture);

    private static ScyllaException Invalid(string path, string reason, Exception? inner = null) =>
        new("InvalidCheckpoint", ScyllaErrorKind.InvalidData, $"Checkpoint '{path}' cannot be read: {reason}.", path, inner);
}
