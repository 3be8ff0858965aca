namespace Scylla.Core.Execution;

/// <summary>
/// The batch-wide pause of <c>-WaitOnRateLimit</c> (docs/format.md, "Rate limits"): once a run meets a limit, no agent or
/// judge of the batch starts until the limit lifts; runs already past those stages go on.
/// </summary>
public sealed class RateLimitGate(TimeSpan longestWait)
{
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromSeconds(30);
    private readonly object _lock = new();
    private DateTimeOffset _until = DateTimeOffset.MinValue;
    private int _backoffs;

    /// <summary>Pauses the batch until <paramref name="reset"/> (a doubling backoff when unknown); false when that is
    /// further away than the longest wait allowed, and the run then ends RateLimited.</summary>
    public bool Pause(DateTimeOffset? reset, DateTimeOffset now, out DateTimeOffset until)
    {
        lock (_lock)
        {
            var target = reset ?? now + s_firstBackoff * Math.Pow(2, Math.Min(_backoffs++, 6));
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

    /// <summary>Blocks while the batch is paused, telling <paramref name="remaining"/> each second how long is left.</summary>
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
