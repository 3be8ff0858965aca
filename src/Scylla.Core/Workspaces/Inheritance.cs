using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.Experiments;
using Scylla.Core.Json;
using Scylla.Core.Tiers;
using Scylla.Core.Runs;

namespace Scylla.Core.Workspaces;

/// <summary>
/// T5's <c>inherit_best_from</c> (formats.md §7.2, HEAD rules): the resources of the best subtest of each parent tier,
/// looked up in completed/, then in_progress/, then the flat layout.
/// </summary>
public static class Inheritance
{
    public static JsonObject BuildMergedResources(Experiment experiment, IReadOnlyList<string> parentTiers)
    {
        var merged = new JsonObject();
        var failed = new List<string>();
        foreach (var tier in parentTiers)
        {
            var tierDirectories = TierDirectories(experiment, tier);
            var best = tierDirectories.Select(BestSubtest).FirstOrDefault(b => !string.IsNullOrEmpty(b));
            if (best == null)
            {
                failed.Add(tier);
                continue;
            }

            var manifest = tierDirectories.Select(d => Path.Combine(d, best,
                RunFolder.ConfigManifest)).FirstOrDefault(File.Exists)
                ?? tierDirectories.SelectMany(d => Directory.GetDirectories(d).Order(StringComparer.Ordinal))
                    .Select(d => Path.Combine(d, RunFolder.ConfigManifest)).FirstOrDefault(File.Exists);
            if (manifest != null && ReadObject(manifest)?["resources"] is JsonObject resources)
            {
                SubtestDefinition.ValidateResourceNames(manifest, resources);
                ResourceMerge.Into(merged, resources);
            }
        }

        if (failed.Count > 0 && failed.Count == parentTiers.Count)
        {
            var tiers = string.Join(", ", failed);
            throw new ScyllaException("ParentTiersIncomplete", ScyllaErrorKind.InvalidOperation,
                $"Cannot build merged baseline: all required tiers failed ({tiers}). At least one must complete for T5: parent tiers must complete first ({tiers} have no best subtest yet).");
        }

        return merged;
    }

    /// <summary>The best subtest T5 would inherit from <paramref name="tier"/>, or null while it has none.</summary>
    public static string? BestSubtestOnDisk(Experiment experiment, string tier) =>
        TierDirectories(experiment, tier).Select(BestSubtest).FirstOrDefault(b => !string.IsNullOrEmpty(b));

    private static List<string> TierDirectories(Experiment experiment, string tier) =>
        new[]
        {
            Path.Combine(experiment.Path, Experiment.CompletedFolder, tier),
            Path.Combine(experiment.Path, Experiment.InProgressFolder, tier),
            Path.Combine(experiment.Path, tier),
        }.Where(Directory.Exists).ToList();

    /// <summary><c>result.json</c>'s <c>best_subtest</c>; when that is empty, <c>best_subtest.json</c>'s <c>winning_subtest</c>.</summary>
    private static string? BestSubtest(string tierDirectory)
    {
        var best = ReadBestSubtestKey(Path.Combine(tierDirectory, RunFolder.Result));
        if (!string.IsNullOrEmpty(best))
        {
            return best;
        }

        var winner = ReadObject(Path.Combine(tierDirectory, Results.ResultBuilder.BestSubtestFile))?["winning_subtest"];
        return winner?.GetValueKind() == JsonValueKind.String ? winner.GetValue<string>() : null;
    }

    /// <summary>
    /// The top-level <c>best_subtest</c> when it is a string (the last one, as a Python dict keeps); null when it is
    /// not, or the file is missing or not a JSON object. A result file holds every run of its tier: it is read token by
    /// token and none of the rest is kept (docs/performance.md, "Result files").
    /// </summary>
    private static string? ReadBestSubtestKey(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        string? key = null, best = null;
        var isObject = true;
        try
        {
            using var stream = IO.SmallFile.OpenRegular(path);
            JsonPieces.Read(stream, (ref Utf8JsonReader reader) =>
            {
                if (reader.CurrentDepth == 0)
                {
                    isObject = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.EndObject;
                }
                else if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    key = reader.GetString();
                }
                else if (reader.CurrentDepth == 1 && key == "best_subtest")
                {
                    best = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                return isObject;
            });
        }
        catch (Exception e) when (e is JsonException or FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // an unreadable result counts as no result
        }

        return isObject ? best : null;
    }

    private static JsonObject? ReadObject(string path)
    {
        try
        {
            return File.Exists(path) ? PythonJson.Parse(IO.SmallFile.ReadText(path)) as JsonObject : null;
        }
        catch (Exception e) when (e is JsonException or FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // an unreadable result counts as no result
        }
    }
}
