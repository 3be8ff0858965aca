using System.Text.Json.Nodes;

namespace Scylla.Core.Execution;

/// <summary>Token counts with upstream's canonical key names.</summary>
public sealed record TokenStats(long Input, long Output, long CacheCreation, long CacheRead)
{
    public static readonly TokenStats Zero = new(0, 0, 0, 0);

    public JsonObject ToJson() => new()
    {
        ["input_tokens"] = Input,
        ["output_tokens"] = Output,
        ["cache_creation_tokens"] = CacheCreation,
        ["cache_read_tokens"] = CacheRead,
    };

    /// <summary>
    /// Reads canonical keys, falling back to the API's <c>cache_*_input_tokens</c> names (docs/format.md, "The agent's
    /// result"); anything but an object counts nothing.
    /// </summary>
    public static TokenStats From(JsonNode? node)
    {
        var counts = node as JsonObject;
        long Get(string key, string? alternative = null) =>
            counts?[key] is JsonValue v && v.TryGetValue(out long n) ? n
            : alternative != null && counts?[alternative] is JsonValue a && a.TryGetValue(out long m) ? m
            : 0;
        return new TokenStats(Get("input_tokens"), Get("output_tokens"),
            Get("cache_creation_tokens", "cache_creation_input_tokens"),
            Get("cache_read_tokens", "cache_read_input_tokens"));
    }
}
