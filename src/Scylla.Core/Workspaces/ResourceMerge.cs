using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scylla.Core.Workspaces;

/// <summary>
/// Merges resource specs (formats.md §7.3). Where upstream uses Python sets (unordered), the result keeps first-seen order,
/// so it is the same on every run.
/// </summary>
public static class ResourceMerge
{
    /// <summary>Merges <paramref name="incoming"/> into <paramref name="merged"/>, key by key; other keys are dropped as upstream does.</summary>
    public static void Into(JsonObject merged, JsonObject incoming)
    {
        var namesBefore = ServerNames(merged["mcp_servers"]).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in incoming)
        {
            if (value == null)
            {
                continue;
            }

            switch (key)
            {
                case "claude_md":
                    merged[key] = value.DeepClone();
                    break;
                case "skills":
                    MergeLists(Section(merged, key), value as JsonObject, ["categories", "names"], sort: false);
                    break;
                case "agents":
                    MergeLists(Section(merged, key), value as JsonObject, ["names"], sort: false);
                    MergeLists(Section(merged, key), value as JsonObject, ["levels"], sort: true);
                    break;
                case "tools":
                    MergeTools(Section(merged, key), value as JsonObject);
                    break;
                case "mcp_servers" when value is JsonArray servers:
                    var list = merged["mcp_servers"] as JsonArray ?? (JsonArray)(merged["mcp_servers"] = new JsonArray());
                    foreach (var server in servers.Where(s => !namesBefore.Contains(ServerName(s))))
                    {
                        list.Add(server?.DeepClone());
                    }

                    break;
            }
        }
    }

    /// <summary>A T5 subtest's final resources: the merged parents, then each of its own resource types added or merged in.</summary>
    public static JsonObject WithOwn(JsonObject mergedParents, JsonObject own)
    {
        var final = (JsonObject)mergedParents.DeepClone();
        foreach (var (key, value) in own)
        {
            if (!final.ContainsKey(key))
            {
                final[key] = value?.DeepClone();
            }
            else
            {
                Into(final, new JsonObject { [key] = value?.DeepClone() });
            }
        }

        return final;
    }

    public static IEnumerable<string> ServerNames(JsonNode? servers) =>
        (servers as JsonArray ?? []).Select(ServerName).Where(n => n.Length > 0);

    public static string ServerName(JsonNode? server) => server switch
    {
        JsonObject o => o["name"]?.ToString() ?? string.Empty,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => string.Empty,
    };

    private static JsonObject Section(JsonObject merged, string key) =>
        merged[key] as JsonObject ?? (JsonObject)(merged[key] = new JsonObject());

    private static void MergeLists(JsonObject target, JsonObject? source, string[] keys, bool sort)
    {
        foreach (var key in keys)
        {
            if (source?[key] is not JsonArray incoming)
            {
                continue;
            }

            var existing = target[key] as JsonArray ?? [];
            var union = existing.Concat(incoming).Where(v => v != null).DistinctBy(v => v!.ToJsonString()).ToList();
            if (sort)
            {
                union = union.OrderBy(v => v!.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : double.MaxValue).ToList();
            }

            target[key] = new JsonArray(union.Select(v => v!.DeepClone()).ToArray());
        }
    }

    private static void MergeTools(JsonObject target, JsonObject? source)
    {
        var incoming = source?["enabled"];
        var existing = target["enabled"];
        if (IsAll(incoming) || IsAll(existing))
        {
            target["enabled"] = "all";
        }
        else if (incoming is JsonArray newList && (existing is JsonArray || existing == null))
        {
            MergeLists(target, new JsonObject { ["enabled"] = newList.DeepClone() }, ["enabled"], sort: false);
        }
    }

    private static bool IsAll(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String && node.GetValue<string>() == "all";
}
