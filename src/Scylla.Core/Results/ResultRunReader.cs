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
        var names = DirectoryListing.Read(subtestDirectory, Unreadable(report))?.Directories ?? [];
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(subtestDirectory, name, RunFolder.RunResult);
            if (Experiment.TryParseRunDirectoryName(name, out _) && File.Exists(file)
                && Read(file, report) is { } run)
            {
                runs.Add(run);
            }
        }

        return runs.OrderBy(r => r.RunNumber).ToList();
    }

    /// <summary>Reads one <c>run_result.json</c>; an unreadable or incomplete one is reported as no result.</summary>
    public static ResultRun? Read(string path, Action<ScanIssue> report)
    {
        try
        {
            var text = SmallFile.ReadText(path);
            using var document = PythonJson.ParseDocument(text);
            var root = document.RootElement;
            var missing = root.ValueKind != JsonValueKind.Object
                ? "an object"
                : s_requiredKeys.FirstOrDefault(k => !root.TryGetProperty(k, out _));
            if (missing != null
                || Number(root, "run_number") is not { } runNumber
                || root.GetProperty("token_stats").ValueKind != JsonValueKind.Object
                || Number(root, "cost_usd") is not { } cost
                || Number(root, "duration_seconds") is not { } duration
                || Number(root, "judge_score") is not { } score
                || root.GetProperty("judge_passed").ValueKind is not (JsonValueKind.True or JsonValueKind.False)
                || root.GetProperty("judge_grade").ValueKind != JsonValueKind.String)
            {
                var why = missing != null ? $"it has no '{missing}'" : "a value has the wrong type";
                report(new ScanIssue(path, $"Leaving '{path}' out of the results: {why}."));
                return null;
            }

            var passed = root.GetProperty("judge_passed").GetBoolean();
            var grade = root.GetProperty("judge_grade").GetString()!;
            var agentSeconds = Number(root, "agent_duration_seconds") ?? 0.0;
            var judgeSeconds = Number(root, "judge_duration_seconds") ?? 0.0;
            var tokens = TokenCounts.From(root.GetProperty("token_stats"));
            return new ResultRun(
                (int)runNumber, score, passed, grade, cost, duration, agentSeconds, judgeSeconds, tokens, path);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or ScyllaException)
        {
            report(new ScanIssue(path, $"Leaving '{path}' out of the results: it cannot be read ({e.Message})."));
            return null;
        }
    }

    /// <summary>
    /// A counted run's record as tier results embed it: the object without the per-run extras upstream leaves out.
    /// The file is read again while the result file is written (under the results lock), one run at a time.
    /// </summary>
    public static JsonObject ReadRecord(ResultRun run)
    {
        var changed = $"'{run.Path}' changed while its results were being written; rebuild the results again.";
        JsonNode? parsed;
        try
        {
            parsed = PythonJson.Parse(SmallFile.ReadText(run.Path));
        }
        catch (JsonException e)
        {
            throw new IOException(changed, e);
        }

        if (parsed is not JsonObject record)
        {
            throw new IOException(changed);
        }

        foreach (var key in s_droppedKeys)
        {
            record.Remove(key);
        }

        return record;
    }

    private static double? Number(JsonElement record, string key) =>
        record.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static Action<string, string> Unreadable(Action<ScanIssue> report) =>
        (path, message) => report(new ScanIssue(path, message));
}
