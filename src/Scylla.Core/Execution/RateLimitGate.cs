namespace Scylla.Core.Execution;

/// <summary>
/// The batch-wide pause of <c>-WaitOnRateLimit</c> (docs/format.md, "Rate limits"): once a run meets a limit, no agent
/// or
/// judge of the batch starts until the limit lifts; runs already past those stages go on. Runs that meet the limit
/// while
/// the batch is paused join that pause: one limit is one pause, however many runs it stopped.
/// </summary>
public sealed class RateLimitGate(TimeSpan longestWait)
{
    /// <summary>The first wait when the output names no reset time; it doubles with each pause that follows.</summary>
    private static readonly TimeSpan s_unknownBackoff = TimeSpan.FromSeconds(30);

    /// <summary>The first wait when the limit is still in force past the reset time it named: a short
    /// re-probe.</summary>
    private static readonly TimeSpan s_reprobeBackoff = TimeSpan.FromSeconds(5);

    private readonly object _lock = new();
    private DateTimeOffset _until = DateTimeOffset.MinValue;
    private int _backoffs;

    /// <summary>
    /// Pauses the batch until <paramref name="reset"/>, or for a doubling backoff when it is unknown or already past;
    /// false when that is further away than the longest wait allowed, and the run then ends RateLimited.
    /// <paramref name="started"/> is false when the batch was already paused and the run joined that pause.
    /// </summary>
    public bool Pause(DateTimeOffset? reset, DateTimeOffset now, out DateTimeOffset until, out bool started)
    {
        lock (_lock)
        {
            started = _until <= now;
            var firstWait = reset == null ? s_unknownBackoff : s_reprobeBackoff;
            var target = reset > now ? reset.Value
                : started ? now + firstWait * Math.Pow(2, Math.Min(_backoffs++, 6))
                : _until;
            if (target - now > longestWait)
            {
                until = target;
                return false;
            }

            _until = target > _until ? target : _until;
            until = _until;
            return true;
        }
    }

    /// <summary>Blocks while the batch is paused, telling <paramref name="remaining"/> each second how long is
    /// left.</summary>
    public void WaitWhilePaused(CancellationToken cancellationToken, Action<TimeSpan> remaining)
    {
        while (true)
        {
            TimeSpan left;
            lock (_lock)
            {
                left = _until - DateTimeOffset.UtcNow;
            }

            if (left <= TimeSpan.Zero)
            {
                return;
            }

            remaining(left);
            cancellationToken.WaitHandle.WaitOne(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
