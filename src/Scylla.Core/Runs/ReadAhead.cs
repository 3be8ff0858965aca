using System.Runtime.ExceptionServices;

namespace Scylla.Core.Runs;

/// <summary>
/// Applies a function to a sequence on dedicated threads, a bounded distance ahead of the consumer, and yields the
/// results in input order (docs/performance.md, "The scan"). Dedicated threads, because the first scan of a process
/// would otherwise wait for the thread pool to grow; a fixed ring of slots, so no task or queue node is allocated per
/// item. The input is enumerated on the consumer's thread, so whatever it reports arrives there.
/// </summary>
internal sealed class ReadAhead<TIn, TOut> : IDisposable
{
    private readonly Func<TIn, TOut> _work;
    private readonly Slot[] _ring;
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim _queued = new(0);
    private long _claimed = -1;
    private volatile bool _stopping;

    private ReadAhead(Func<TIn, TOut> work, int workerCount, int distance)
    {
        _work = work;
        _ring = Enumerable.Range(0, distance).Select(_ => new Slot()).ToArray();
        _workers = Enumerable.Range(0, workerCount)
            .Select(_ => new Thread(Work) { IsBackground = true, Name = "Scylla scan" })
            .ToArray();
    }

    /// <summary>
    /// <paramref name="work"/> applied to each input, in order, with at most <paramref name="distance"/> inputs in
    /// flight. An exception of <paramref name="work"/> is rethrown when its item's turn comes; abandoning the
    /// enumeration stops the threads.
    /// </summary>
    public static IEnumerable<TOut> Apply(IEnumerable<TIn> inputs, Func<TIn, TOut> work, int workerCount, int distance)
    {
        using var readAhead = new ReadAhead<TIn, TOut>(work, workerCount, distance);
        long submitted = 0, taken = 0;
        foreach (var input in inputs)
        {
            if (submitted - taken == distance)
            {
                yield return readAhead.Take(taken++);
            }

            readAhead.Submit(submitted++, input);
        }

        while (taken < submitted)
        {
            yield return readAhead.Take(taken++);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        if (_workers[0].IsAlive)
        {
            _queued.Release(_workers.Length);
            foreach (var worker in _workers)
            {
                worker.Join();
            }
        }

        foreach (var slot in _ring)
        {
            slot.Done.Dispose();
        }

        _queued.Dispose();
    }

    private void Submit(long index, TIn input)
    {
        if (index == 0)
        {
            foreach (var worker in _workers)
            {
                worker.Start();
            }
        }

        var slot = _ring[index % _ring.Length];
        slot.Input = input;
        slot.Done.Reset();
        _queued.Release();
    }

    private TOut Take(long index)
    {
        var slot = _ring[index % _ring.Length];
        slot.Done.Wait();
        var (output, error) = (slot.Output, slot.Error);
        (slot.Input, slot.Output, slot.Error) = (default!, default!, null);
        error?.Throw();
        return output;
    }

    private void Work()
    {
        while (true)
        {
            _queued.Wait();
            if (_stopping)
            {
                return;
            }

            var slot = _ring[Interlocked.Increment(ref _claimed) % _ring.Length];
            try
            {
                slot.Output = _work(slot.Input);
            }
            catch (Exception e)
            {
                slot.Error = ExceptionDispatchInfo.Capture(e);
            }

            slot.Done.Set();
        }
    }

    private sealed class Slot
    {
        public readonly ManualResetEventSlim Done = new(false);

        public TIn Input = default!;

        public TOut Output = default!;

        public ExceptionDispatchInfo? Error;
    }
}
