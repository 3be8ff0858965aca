using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scylla.Core.Results;

/// <summary>Upstream's <c>TokenStats</c>: the four token counts, summed over runs, subtests and tiers.</summary>
public readonly record struct TokenCounts(
    long InputTokens, long OutputTokens, long CacheCreationTokens, long CacheReadTokens)
{
    /// <summary>Every token processed; the tie-breaker between two subtests compares this.</summary>
    public long Total => InputTokens + CacheReadTokens + OutputTokens + CacheCreationTokens;

    public static TokenCounts operator +(TokenCounts a, TokenCounts b) => new(
        a.InputTokens + b.InputTokens, a.OutputTokens + b.OutputTokens,
        a.CacheCreationTokens + b.CacheCreationTokens, a.CacheReadTokens + b.CacheReadTokens);

    public static TokenCounts Sum(IEnumerable<TokenCounts> counts) =>
        counts.Aggregate(default(TokenCounts), (a, b) => a + b);

    /// <summary>Reads a <c>token_stats</c> object; a missing count is 0 (as upstream's <c>from_dict</c>).</summary>
    internal static TokenCounts From(JsonElement stats) => new(
        Count(stats, "input_tokens"), Count(stats, "output_tokens"),
        Count(stats, "cache_creation_tokens"), Count(stats, "cache_read_tokens"));

    internal JsonObject ToJson() => new()
    {
        ["input_tokens"] = InputTokens,
        ["output_tokens"] = OutputTokens,
        ["cache_creation_tokens"] = CacheCreationTokens,
        ["cache_read_tokens"] = CacheReadTokens,
    };

    private static long Count(JsonElement stats, string key) =>
        stats.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number
        ? value.TryGetInt64(out var whole) ? whole : (long)value.GetDouble()
        : 0;
}
