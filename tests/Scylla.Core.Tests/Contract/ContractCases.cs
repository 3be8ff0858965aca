using System.Globalization;
using System.Text.Json.Nodes;
using Scylla.Core.Execution;
using static Scylla.Core.Execution.AgentOutcomeKind;

namespace Scylla.Core.Tests.Contract;

/// <summary>
/// One answer of the Messages API the contract covers, and what the CLI's output must amount to. A case with
/// <see cref="ResetIn"/> sends the subscription headers <c>anthropic-ratelimit-unified-*</c> with a reset that far
/// away.
/// </summary>
public sealed record ContractCase(string Name, AgentOutcomeKind Expected, Func<long?, MockRequest, MockReply> Reply)
{
    public bool Subscriber { get; init; }

    public TimeSpan? ResetIn { get; init; }

    public string TimeZone { get; init; } = "UTC";

    /// <summary>No server listens: the base URL names a port nobody answers on.</summary>
    public bool NoServer { get; init; }

    /// <summary>Run as a judge (<c>--output-format stream-json --tools ""</c>, prompt on stdin) rather than as the
    /// agent.</summary>
    public bool AsJudge { get; init; }

    public override string ToString() => Name;
}

/// <summary>The cases of the contract suite (docs/claude-cli-contract.md lists them with the CLI's wording).</summary>
public static class ContractCases
{
    public const string Verdict = "{\"score\": 0.9, \"passed\": true, \"reasoning\": \"hello.py prints the greeting\"}";

    private const AgentOutcomeKind Limited = RateLimited;

    private const AgentOutcomeKind Infrastructure = InfrastructureFailure;

    public static readonly IReadOnlyList<ContractCase> All =
    [
        new("real-work-text", RealWork, (_, _) => new MockReply.Text("Done: nothing needed changing.")),
        new("real-work-tool-use", RealWork, (_, request) => request.HasToolResult
            ? new MockReply.Text("Created hello.py.")
            : new MockReply.ToolUse("Bash", new JsonObject
            {
                ["command"] = "printf 'print(\"Hello\")\\n' > hello.py", ["description"] = "write hello.py",
            })),
        new("real-work-non-streaming-fallback", RealWork, (_, request) => request.Stream
            ? new MockReply.Malformed()
            : new MockReply.Text("Answered without streaming.")),
        new("http-401-invalid-key", Infrastructure, (_, _) => Error(401, "authentication_error", "invalid x-api-key")),
        new("http-429-rate-limit", Limited, (_, _) => Error(429, "rate_limit_error",
            "Number of request tokens has exceeded your per-minute rate limit", ("retry-after", "17"))),
        new("http-429-server-limiting", Limited, (_, _) =>
            Error(429, "rate_limit_error", "Rate limited", ("anthropic-ratelimit-unified-status", "rejected")))
        {
            Subscriber = true,
        },
        new("http-500", Infrastructure, (_, _) => Error(500, "api_error", "Internal server error")),
        new("http-529-overloaded", Limited, (_, _) => Error(529, "overloaded_error", "Overloaded")),
        new("credit-balance-too-low", Infrastructure, (_, _) => Error(400, "invalid_request_error",
            "Your credit balance is too low to access the Anthropic API. "
            + "Please go to Plans & Billing to upgrade or purchase credits.")),
        new("spend-limit-reached", Infrastructure, (_, _) => Error(400, "invalid_request_error",
            "You have reached your specified API usage limits. You will regain access on 2027-01-01 at 00:00 UTC.")),
        Cap("cap-5-hour", "five_hour", TimeSpan.FromMinutes(90)),
        Cap("cap-5-hour-los-angeles", "five_hour", TimeSpan.FromMinutes(90)) with { TimeZone = "America/Los_Angeles" },
        Cap("cap-5-hour-no-reset", "five_hour", null),
        Cap("cap-weekly", "seven_day", TimeSpan.FromDays(3) + TimeSpan.FromMinutes(17)),
        Cap("cap-weekly-next-year", "seven_day", TimeSpan.FromDays(40)),
        Cap("cap-weekly-opus", "seven_day_opus", TimeSpan.FromDays(2)),
        new("hung-connection", Infrastructure, (_, _) => new MockReply.Hang()),
        new("malformed-stream", Infrastructure, (_, _) => new MockReply.Malformed()),
        new("cut-stream", Infrastructure, (_, _) => new MockReply.Cut()),
        new("connection-refused", Infrastructure, (_, _) => new MockReply.Hang()) { NoServer = true },
        new("judge-verdict", RealWork, (_, _) => new MockReply.Text(Verdict)) { AsJudge = true },
        Cap("judge-cap-5-hour", "five_hour", TimeSpan.FromMinutes(30)) with { AsJudge = true },
    ];

    public static ContractCase Named(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Names() => [.. All.Select(c => c.Name)];

    /// <summary>A subscription cap: HTTP 429 with the unified headers of <paramref name="claim"/>, and its reset when
    /// given.</summary>
    public static ContractCase Cap(string name, string claim, TimeSpan? resetIn) =>
        new(name, Limited, (reset, _) => Error(429, "rate_limit_error", "Rate limited",
            [
                ("anthropic-ratelimit-unified-status", "rejected"),
                ("anthropic-ratelimit-unified-representative-claim", claim),
                .. reset is { } epoch
                    ? new[] { ("anthropic-ratelimit-unified-reset", epoch.ToString(CultureInfo.InvariantCulture)) }
                    : [],
            ]))
        {
            Subscriber = true,
            ResetIn = resetIn,
        };

    public static MockReply.Error Error(int status, string type, string message,
        params (string Name, string Value)[] headers) =>
        new(status, type, message, headers.ToDictionary(h => h.Name, h => h.Value));
}
