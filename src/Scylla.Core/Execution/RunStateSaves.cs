using System.Runtime.ExceptionServices;
using Scylla.Core.Checkpoints;

namespace Scylla.Core.Execution;

/// <summary>
/// Saves one run's states in <c>checkpoint.json</c>, in order, on a thread of its own while the run goes on
/// (docs/performance.md, "Checkpoint updates"). States queued while a save is on its way are saved together by the
/// next one. After a save fails, nothing more is queued and the failure is thrown to the run.
/// </summary>
internal sealed class RunStateSaves(Action<IReadOnlyList<RunState>, CancellationToken> save)
{
    private readonly object _gate = new();
    private readonly List<RunState> _queued = [];
    private CancellationToken _token;
    private bool _saving;
    private ExceptionDispatchInfo? _failure;

    /// <summary>
    /// Queues <paramref name="states"/> to be saved; <paramref name="cancellationToken"/> stops the save's wait for the
    /// checkpoint's lock (the last one queued counts).
    /// </summary>
    public void Queue(IReadOnlyList<RunState> states, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _failure?.Throw();
            _queued.AddRange(states);
            _token = cancellationToken;
            if (!_saving)
            {
                // set once the thread exists (the gate keeps it waiting): a thread that cannot start hangs no Flush
                Task.Factory.StartNew(SaveQueued, CancellationToken.None, TaskCreationOptions.LongRunning,
                    TaskScheduler.Default);
                _saving = true;
            }
        }
    }

    /// <summary>Waits until every queued state is saved; throws what a save threw.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            Settle();
            _failure?.Throw();
        }
    }

    /// <summary>Waits until no save is on its way, whatever it ended in (the run's outcome says that).</summary>
    public void Settle()
    {
        lock (_gate)
        {
            while (_saving)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    private void SaveQueued()
    {
        while (true)
        {
            RunState[] states;
            CancellationToken token;
            lock (_gate)
            {
                if (_queued.Count == 0 || _failure != null)
                {
                    _saving = false;
                    Monitor.PulseAll(_gate);
                    return;
                }

                (states, token) = ([.. _queued], _token);
                _queued.Clear();
            }

            try
            {
                save(states, token);
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _failure = ExceptionDispatchInfo.Capture(e);
                }
            }
        }
    }
}
