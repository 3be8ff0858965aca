using System.Text.Json;
using System.Text.RegularExpressions;

namespace Scylla.Core.Execution;

/// <summary>Upstream's rate-limit classification (run-flow §6.6): the same output must give the same rate_limited/failed outcome.</summary>
public static partial class RateLimits
{
    private static readonly string[] s_resultWords =
        // "429" must stand as a word: claude's messages name the gateway's port ("inference gateway (127.0.0.1:42937)")
        ["rate limit", "rate_limit", "ratelimit", "overloaded", "429", "hit your limit", "resets", "weekly usage limit", "upgrade to continue", "failed to configure provider",
         // this module's: claude 2.1.328's caps name the window ("You've hit your 5-hour limit", "... Opus limit"), and
         // its 429 without a cap reads "Server is temporarily limiting requests" (docs/claude-cli-contract.md)
         "hit your", "temporarily limiting requests", "usage limit reached"];

    /// <summary>The HTTP statuses of a limit: 429 (rate limit, cap) and 529 (overloaded).</summary>
    private static readonly int[] s_limitStatuses = [429, 529];

    private static readonly (string Text, bool Raw, string Message)[] s_stderrPatterns =
    [
        ("weekly usage limit", false, "Weekly usage limit reached"),
        ("upgrade to continue", false, "Usage limit - upgrade required"),
        ("failed to configure provider", false, "Provider configuration failed"),
        ("429", true, "HTTP 429: Rate limit exceeded"),
        ("rate limit", false, "Rate limit detected in stderr"),
        ("ratelimit", false, "Rate limit detected in stderr"),
        ("hit your limit", false, "API limit hit"),
        ("overloaded", false, "API overloaded"),
        ("resets ", false, "Usage limit with scheduled reset"),
    ];

    /// <summary>The rate-limit message, or null when the output shows none.</summary>
    public static string? Detect(string stdout, string stderr) => Detect(stdout, stderr, wholeWord429: false);

    private static string? Detect(string stdout, string stderr, bool wholeWord429)
    {
        if (!string.IsNullOrWhiteSpace(stdout))
        {
            var candidates = ParseObject(stdout) is { } whole ? [whole] : stdout.Split('\n').Select(ParseObject).OfType<JsonElement>().ToList();
            foreach (var candidate in candidates)
            {
                if (IsTruthy(candidate, "is_error") && ErrorText(candidate) is { } text
                    && (s_resultWords.Any(word => Names(text, word)) || IsLimitStatus(candidate)))
                {
                    return text;
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(stderr))
        {
            var lower = stderr.ToLowerInvariant();
            foreach (var (text, raw, message) in s_stderrPatterns)
            {
                var found = raw && wholeWord429 ? WholeWord429().IsMatch(stderr) : (raw ? stderr : lower).Contains(text, StringComparison.Ordinal);
                if (found)
                {
                    return message;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// <see cref="Detect"/> for the agent, whose stderr holds paths (bash's <c>set -x</c> trace, bash's own errors): a path
    /// with "429" in it must not read as an HTTP 429 (upstream's known false positive), so trace lines are skipped and
    /// 429 must stand as a word.
    /// </summary>
    public static string? DetectForAgent(string stdout, string stderr) =>
        Detect(stdout, string.Join('\n', stderr.Split('\n').Where(line => !line.StartsWith('+'))), wholeWord429: true);

    /// <summary>Text quoted from agent or judge output, safe for a terminal: control characters (escape sequences) go.</summary>
    public static string Printable(string text) => ControlCharacters().Replace(text, string.Empty);

    private static bool Names(string text, string word) =>
        word == "429" ? WholeWord429().IsMatch(text) : text.Contains(word, StringComparison.OrdinalIgnoreCase);

    private static bool IsLimitStatus(JsonElement result) => result.TryGetProperty("api_error_status", out var status)
        && status.ValueKind == JsonValueKind.Number && status.TryGetInt32(out var code)
        && s_limitStatuses.Contains(code);

    internal static string? ErrorText(JsonElement element) =>
        element.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.String ? result.GetString()
        : element.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString()
        : null;

    internal static bool IsTruthy(JsonElement element, string key) =>
        element.TryGetProperty(key, out var value) && value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.Number => value.GetDouble() != 0,
            JsonValueKind.String => value.GetString()!.Length > 0,
            JsonValueKind.Object or JsonValueKind.Array => true,
            _ => false,
        };

    internal static JsonElement? ParseObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text.Trim());
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\x1B\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0B-\x1F\x7F]")]
    private static partial Regex ControlCharacters();

    [GeneratedRegex(@"(?<![\w.-])429(?![\w.-])")]
    private static partial Regex WholeWord429();
}
