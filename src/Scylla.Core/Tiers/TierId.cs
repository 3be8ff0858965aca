using System.Text.RegularExpressions;

namespace Scylla.Core.Tiers;

/// <summary>Tier ids T0..T6 and subtest ids, validated so neither can name a path outside the experiment.</summary>
public static partial class TierId
{
    public static readonly IReadOnlyList<string> All = ["T0", "T1", "T2", "T3", "T4", "T5", "T6"];

    public static bool IsValid(string? value) => value != null && All.Contains(value);

    /// <summary>Upstream's <c>TierID.from_string</c>: upper-cased, no trimming.</summary>
    public static string Parse(string value)
    {
        var upper = value.ToUpperInvariant();
        return IsValid(upper)
            ? upper
            : throw new ScyllaException("InvalidTierId", ScyllaErrorKind.InvalidArgument, $"'{upper}' is not a valid TierID. Valid tiers: {string.Join(", ", All)}.");
    }

    /// <summary>A subtest id is a directory name: letters, digits, '-' and '_' only (so never '..' or a separator).</summary>
    public static bool IsValidSubtestId(string? value) => value != null && SubtestIdPattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SubtestIdPattern();
}
