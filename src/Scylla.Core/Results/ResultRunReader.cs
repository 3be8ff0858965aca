using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.Experiments;
using Scylla.Core.IO;
using Scylla.Core.Json;
using Scylla.Core.Runs;
using Scylla.Core.Tiers;

namespace Scylla.Core.Results;

/// <summary>
/// Finds the runs that count towards results (docs/results.md): every <c>run_NN/run_result.json</c> with the keys the
/// Python tool requires, in the flat tier folders or in <c>completed/</c>; never under <c>.failed/</c> or
/// <c>in_progress/</c>.
/// </summary>
internal static class ResultRunReader
{
    /// <summary>Keys upstream's regeneration reads without a default; a run missing one is left out.</summary>
    private static readonly string[] s_requiredKeys =
        ["run_number", "exit_code", "token_stats", "cost_usd", "duration_seconds", "judge_score", "judge_passed",
         "judge_grade", "judge_reasoning", "workspace_path", "logs_path"];

    /// <summary>Keys of <c>run_result.json</c> that upstream's run model does not carry into tier results.</summary>
    private static readonly string[] s_droppedKeys = ["process_metrics", "progress_tracking", "changes"];

    /// <summary>The folder that holds a tier's results: <c>E/T0</c> (flat) or <c>E/completed/T0</c> (phase).</summary>
    public static string TierDirectory(Experiment experiment, string tier) => experiment.Layout == ExperimentLayout.Flat
        ? Path.Combine(experiment.Path, tier)
        : Path.Combine(experiment.Path, Experiment.CompletedFolder, tier);

    /// <summary>The tiers with a results folder on disk, in tier order.</summary>
    public static IEnumerable<string> TiersOnDisk(Experiment experiment) =>
        TierId.All.Where(t => Directory.Exists(TierDirectory(experiment, t)));

    /// <summary>The subtest folders of a tier, in id order (dot-folders such as <c>.failed</c> excluded).</summary>
    public static List<string> Subtests(Experiment experiment, string tier, Action<ScanIssue> report) =>
        (DirectoryListing.Read(TierDirectory(experiment, tier), Unreadable(report))?.Directories ?? [])
            .Where(TierId.IsValidSubtestId)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The counted runs of one subtest, ordered by run number.</summary>
    public static List<ResultRun> Runs(Experiment experiment, string tier, string subtest, Action<ScanIssue> report)
    {
        var subtestDirectory = Path.Combine(TierDirectory(experiment, tier), subtest);
        var runs = new List<ResultRun>();
        foreach (var name in (DirectoryListing.Read(subtestDirectory, Unreadable(report))?.Directories ?? []).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(subtestDirectory, name, "run_result.json");
            if (Experiment.TryParseRunDirectoryName(name, out _) && File.Exists(file) && Read(file, report) is { } run)
            {
                runs.Add(run);
            }
        }

        return runs.OrderBy(r => r.RunNumber).ToList();
    }

    /// <summary>Reads one <c>run_result.json</c>; an unreadable or incomplete one is reported and counts as no result.</summary>
    public static ResultRun? Read(string path, Action<ScanIssue> report)
    {
        JsonObject? record;
        try
        {
            record = PythonJson.Parse(File.ReadAllText(path)) as JsonObject;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            report(new ScanIssue(path, $"Leaving '{path}' out of the results: it cannot be read ({e.Message})."));
            return null;
        }

        var missing = record == null ? "an object" : s_requiredKeys.FirstOrDefault(k => !record.ContainsKey(k));
        if (record == null || missing != null
            || Number(record, "run_number") is not { } runNumber
            || record["token_stats"] is not JsonObject tokens
            || Number(record, "cost_usd") is not { } cost
            || Number(record, "duration_seconds") is not { } duration
            || Number(record, "judge_score") is not { } score
            || Flag(record, "judge_passed") is not { } passed
            || Text(record, "judge_grade") is not { } grade)
        {
            report(new ScanIssue(path, $"Leaving '{path}' out of the results: {(missing != null ? $"it has no '{missing}'" : "a value has the wrong type")}."));
            return null;
        }

        foreach (var key in s_droppedKeys)
        {
            record.Remove(key);
        }

        return new ResultRun((int)runNumber, score, passed, grade, cost, duration,
            Number(record, "agent_duration_seconds") ?? 0.0, Number(record, "judge_duration_seconds") ?? 0.0,
            TokenCounts.From(tokens), record);
    }

    private static double? Number(JsonObject record, string key) =>
        record[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private static bool? Flag(JsonObject record, string key) => record[key]?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static string? Text(JsonObject record, string key) =>
        record[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static Action<string, string> Unreadable(Action<ScanIssue> report) => (path, message) => report(new ScanIssue(path, message));
}
