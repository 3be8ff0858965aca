using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Scylla.Core.IO;

namespace Scylla.Core.Execution;

/// <summary>What the agent did: <c>agent/result.json</c> (docs/format.md, "The agent's result").</summary>
public sealed record AgentResult(
    int ExitCode, string Stdout, string Stderr, TokenStats Tokens, double CostUsd, int ApiCalls)
{
    /// <summary>Real work, a limit, an API or infrastructure failure, or the agent's own failure.</summary>
    public AgentOutcome Outcome => AgentOutcome.Of(ExitCode, Stdout, Stderr, Tokens);

    public JsonObject ToJson() => new()
    {
        ["exit_code"] = ExitCode,
        ["stdout"] = Stdout,
        ["stderr"] = Stderr,
        ["token_stats"] = Tokens.ToJson(),
        ["cost_usd"] = CostUsd,
        ["api_calls"] = ApiCalls,
    };

    /// <summary>
    /// Reads the CLI's output by upstream's rules (docs/format.md, "The agent's result"): the counters of the one JSON
    /// object stdout holds, else text patterns over stdout and stderr.
    /// </summary>
    public static AgentResult Parse(int exitCode, string stdout, string stderr) =>
        Parse(exitCode, stdout, stderr, RateLimits.ParseObject(stdout));

    /// <summary>
    /// The result of the output in <paramref name="stdoutPath"/>, of which <paramref name="stdout"/> is what was read
    /// back (only the start of a long one): the counters come from the whole output, as upstream reads them.
    /// </summary>
    internal static AgentResult FromLog(int exitCode, string stdout, string stderr, string stdoutPath) =>
        Parse(exitCode, stdout, stderr, new FileInfo(stdoutPath).Length > AgentRun.ReadLimit
            ? WholeObject(stdoutPath) : RateLimits.ParseObject(stdout));

    /// <summary>
    /// Whether <paramref name="json"/> has every key upstream's loader reads back, each of its kind; anything less is a
    /// damaged file, rebuilt from the agent's logs.
    /// </summary>
    internal static bool IsComplete(JsonObject? json) =>
        json != null
        && Kind(json, "exit_code") == JsonValueKind.Number
        && Kind(json, "stdout") == JsonValueKind.String
        && Kind(json, "stderr") == JsonValueKind.String
        && Kind(json, "token_stats") == JsonValueKind.Object
        && Kind(json, "cost_usd") == JsonValueKind.Number
        && Kind(json, "api_calls") == JsonValueKind.Number;

    private static JsonValueKind? Kind(JsonObject json, string key) => json[key]?.GetValueKind();

    private static AgentResult Parse(int exitCode, string stdout, string stderr, JsonElement? json)
    {
        var text = stdout + "\n" + stderr;
        if (json is not { } root)
        {
            return new AgentResult(exitCode, stdout, stderr, TokensFromText(text), 0, ApiCallsFromText(stdout, text));
        }

        // Upstream takes usage.get(...): no usage counts nothing, a usage that is no object fails over to the text.
        var tokens = !root.TryGetProperty("usage", out var usage) ? TokenStats.Zero
            : usage.ValueKind == JsonValueKind.Object ? TokenStats.From(JsonNode.Parse(usage.GetRawText()))
            : TokensFromText(text);
        var cost = root.TryGetProperty("total_cost_usd", out var c) && c.ValueKind == JsonValueKind.Number
            ? c.GetDouble() : 0;
        var apiCalls = Turns(root) ?? ApiCallsFromText(stdout, text);
        return new AgentResult(exitCode, stdout, stderr, tokens, cost, apiCalls);
    }

    /// <summary><c>num_turns</c> when it is a positive whole number (3.0 is 3, as upstream's model reads it).</summary>
    private static int? Turns(JsonElement root) =>
        root.TryGetProperty("num_turns", out var turns) && turns.ValueKind == JsonValueKind.Number
        && turns.TryGetDouble(out var n) && n > 0 && n <= int.MaxValue && n == Math.Floor(n) ? (int)n : null;

    /// <summary>The first match of each token pattern; a later pattern overrides the earlier ones.</summary>
    private static TokenStats TokensFromText(string text)
    {
        long input = 0, output = 0;
        if (AgentPatterns.InputTokens().Match(text) is { Success: true } inputMatch)
        {
            input = Number(inputMatch.Groups[1]);
        }

        if (AgentPatterns.OutputTokens().Match(text) is { Success: true } outputMatch)
        {
            output = Number(outputMatch.Groups[1]);
        }

        foreach (var pair in new[] { AgentPatterns.TokenPair().Match(text), AgentPatterns.TokenTotal().Match(text) })
        {
            if (pair.Success)
            {
                (input, output) = (Number(pair.Groups[1]), Number(pair.Groups[2]));
            }
        }

        return new TokenStats(input, output, 0, 0);
    }

    /// <summary>A stated count, else the response markers, else 1 for an answer of more than 100 characters.</summary>
    private static int ApiCallsFromText(string stdout, string text)
    {
        var stated = AgentPatterns.ApiCalls().Match(text);
        if (stated.Success)
        {
            return (int)Number(stated.Groups[1].Success ? stated.Groups[1] : stated.Groups[2]);
        }

        var markers = AgentPatterns.ResponseMarkers().Count(text);
        var answer = stdout.Trim();
        return markers > 0 ? markers : answer.Length > 100 && answer.EnumerateRunes().Count() > 100 ? 1 : 0;
    }

    private static long Number(Group digits) => long.Parse(digits.Value, CultureInfo.InvariantCulture);

    /// <summary>
    /// The JSON object a long output file holds; read whole only when it can be one (it starts with <c>{</c> and is
    /// within the size bound), so a flood of text is never loaded.
    /// </summary>
    private static JsonElement? WholeObject(string path)
    {
        using (var stream = SmallFile.OpenRegular(path))
        {
            int first;
            do
            {
                first = stream.ReadByte();
            }
            while (first is ' ' or '\t' or '\n' or '\r');
            if (first != '{' || stream.Length > SmallFile.MaxBytes)
            {
                return null;
            }
        }

        try
        {
            return SmallFile.ReadJson(path,
                root => root.ValueKind == JsonValueKind.Object ? root.Clone() : (JsonElement?)null);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Upstream's text patterns (<c>_parse_token_stats</c>, <c>_parse_api_calls</c>), the same in every era.
/// </summary>
internal static partial class AgentPatterns
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    [GeneratedRegex(@"input\s+tokens?:?\s*(\d+)", Options)]
    public static partial Regex InputTokens();

    [GeneratedRegex(@"output\s+tokens?:?\s*(\d+)", Options)]
    public static partial Regex OutputTokens();

    [GeneratedRegex(@"(\d+)\s*(?:input|in)\s*[,/]\s*(\d+)\s*(?:output|out)", Options)]
    public static partial Regex TokenPair();

    [GeneratedRegex(@"\((\d+)\s*input,\s*(\d+)\s*output\)", Options)]
    public static partial Regex TokenTotal();

    [GeneratedRegex(@"(?:API\s+calls?:?\s*(\d+)|(\d+)\s+API\s+calls?)", Options)]
    public static partial Regex ApiCalls();

    [GeneratedRegex("(?:Response|Completion):", Options)]
    public static partial Regex ResponseMarkers();
}
