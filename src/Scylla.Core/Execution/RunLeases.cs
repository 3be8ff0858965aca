using Scylla.Core.Runs;

namespace Scylla.Core.Execution;

/// <summary>
/// The leases of several runs held together for one change (docs/format.md, "Leases"), each taken once however many
/// times its run is named; all released on dispose.
/// </summary>
public sealed class RunLeases : IDisposable
{
    private readonly Dictionary<RunReference, RunLease?> _leases = [];

    /// <summary>
    /// Takes the run's lease, or hands <paramref name="refused"/> the reason (<c>RunBusy</c>, <c>LeaseUnsafe</c>) and
    /// returns false. A run already taken (or refused) by this set answers as it did the first time.
    /// </summary>
    public bool TryAdd(RunReference run, Action<ScyllaException> refused)
    {
        if (_leases.TryGetValue(run, out var known))
        {
            return known != null;
        }

        try
        {
            _leases[run] = RunLease.Acquire(run);
            return true;
        }
        catch (ScyllaException e)
        {
            _leases[run] = null;
            refused(e);
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var lease in _leases.Values)
        {
            lease?.Dispose();
        }
    }
}
