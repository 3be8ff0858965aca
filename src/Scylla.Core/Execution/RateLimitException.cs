namespace Scylla.Core.Execution;

/// <summary>A rate limit met by the agent or a judge: the run's outcome is RateLimited, not Failed.</summary>
public sealed class RateLimitException(string source, string message)
    : ScyllaException("RateLimited", ScyllaErrorKind.LimitsExceeded, $"Rate limit ({source}): {RateLimits.Printable(message)}")
{
    public string LimitedBy { get; } = source;

    /// <summary>When the limit lifts, as the limited output says; null when it does not say.</summary>
    public DateTimeOffset? ResetAt { get; init; }
}
