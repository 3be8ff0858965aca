using System.Text.Json;
using System.Text.RegularExpressions;

namespace Scylla.Core.Execution;

/// <summary>What one call of the CLI (agent or judge) amounts to (docs/claude-cli-contract.md, "Outcomes").</summary>
public enum AgentOutcomeKind
{
    /// <summary>The model answered: the only outcome that is ever judged.</summary>
    RealWork,

    /// <summary>A rate limit, an overloaded API or a subscription cap: re-run once it lifts.</summary>
    RateLimited,

    /// <summary>The API or what lies between (key, credit, spend cap, server error, connection, timeout)
    /// failed.</summary>
    InfrastructureFailure,

    /// <summary>The CLI itself failed: non-zero exit, no output, no token used, and no API error.</summary>
    AgentFailure,
}

/// <summary>
/// The one classifier of the CLI's output, used by the re-run (after the agent and each judge) and by the listing
/// (on <c>agent/result.json</c>), so both give the same files the same status. The CLI reports an API failure as a
/// normal result object with <c>is_error: true</c>, exit code 1, zero usage and, when the API answered,
/// <c>api_error_status</c> (captured wordings: tests/Scylla.Core.Tests/Data/claude-cli).
/// </summary>
public sealed partial record AgentOutcome(AgentOutcomeKind Kind, string Message)
{
    public static readonly AgentOutcome Real = new(AgentOutcomeKind.RealWork, string.Empty);

    public bool IsRealWork => Kind == AgentOutcomeKind.RealWork;

    /// <summary>Classifies <c>--output-format json</c> or <c>stream-json</c> output with its exit code and token
    /// counts.</summary>
    public static AgentOutcome Of(int exitCode, string stdout, string stderr, TokenStats tokens)
    {
        var noTokens = tokens.Input == 0 && tokens.Output == 0 && tokens.CacheCreation == 0 && tokens.CacheRead == 0;
        if (exitCode == 0 && !noTokens)
        {
            return Real; // every failure captured exits non-zero or uses no token; a scan need not parse the output
        }

        var result = ResultObject(stdout);
        var isError = result is { } r && RateLimits.IsTruthy(r, "is_error");
        if (exitCode == -1 && noTokens)
        {
            return new(AgentOutcomeKind.InfrastructureFailure, "exit code -1 and no tokens");
        }

        if ((exitCode != 0 || isError) && RateLimits.DetectForAgent(stdout, stderr) is { } limit)
        {
            return new(AgentOutcomeKind.RateLimited, limit);
        }

        if (isError && (HasApiErrorStatus(result!.Value) || TerminalReason(result.Value) == "api_error" || noTokens))
        {
            var text = RateLimits.ErrorText(result.Value) ?? "is_error with no message";
            return new(AgentOutcomeKind.InfrastructureFailure, text);
        }

        if (exitCode != 0 && result == null
            && ConnectionError().Match(stdout + "\n" + stderr) is { Success: true } connection)
        {
            return new(AgentOutcomeKind.InfrastructureFailure, connection.Value);
        }

        if (exitCode != 0 && noTokens && stdout.Trim().Length == 0)
        {
            return new(AgentOutcomeKind.AgentFailure, $"exit code {exitCode} and no output");
        }

        return Real;
    }

    /// <summary>The result object: the whole of <c>json</c> output, or the last <c>"type":"result"</c> line of a
    /// stream.</summary>
    private static JsonElement? ResultObject(string stdout)
    {
        if (RateLimits.ParseObject(stdout) is { } whole)
        {
            return whole;
        }

        return Enumerable.Reverse(stdout.Split('\n')).Select(RateLimits.ParseObject)
            .FirstOrDefault(e => e is { } evt && evt.TryGetProperty("type", out var type)
                && type.ValueKind == JsonValueKind.String && type.GetString() == "result");
    }

    private static bool HasApiErrorStatus(JsonElement result) =>
        result.TryGetProperty("api_error_status", out var status) && status.ValueKind == JsonValueKind.Number;

    private static string? TerminalReason(JsonElement result) =>
        result.TryGetProperty("terminal_reason", out var reason) && reason.ValueKind == JsonValueKind.String
            ? reason.GetString()
            : null;

    /// <summary>Connection failures as Node and the CLI name them, for output that is not a result object.</summary>
    [GeneratedRegex(@"\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|Connection refused|API Error:[^\n]*)")]
    private static partial Regex ConnectionError();
}
