using System.Collections.Concurrent;
using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>The scan's read-ahead: order kept, errors at their turn, nothing running once the consumer stops.</summary>
public sealed class ReadAheadTests
{
    [Fact]
    public void Results_come_in_input_order_whatever_order_the_workers_finish_in()
    {
        var workers = new ConcurrentDictionary<Thread, bool>();

        var results = ReadAhead<int, int>.Apply(Enumerable.Range(0, 500), i =>
        {
            workers[Thread.CurrentThread] = true;
            Thread.SpinWait((i * 7919 % 13) * 1000); // uneven work, so later items often finish first
            return i * 2;
        }, workerCount: 3, distance: 16).ToList();

        Assert.Equal(Enumerable.Range(0, 500).Select(i => i * 2), results);
        Assert.DoesNotContain(Thread.CurrentThread, workers.Keys);
    }

    [Fact]
    public void The_input_is_enumerated_on_the_consumers_thread()
    {
        var consumer = Environment.CurrentManagedThreadId;
        var producers = new List<int>();
        IEnumerable<int> Inputs()
        {
            for (var i = 0; i < 100; i++)
            {
                producers.Add(Environment.CurrentManagedThreadId);
                yield return i;
            }
        }

        Assert.Equal(100, ReadAhead<int, int>.Apply(Inputs(), i => i, workerCount: 2, distance: 8).Count());
        Assert.All(producers, id => Assert.Equal(consumer, id));
    }

    [Fact]
    public void An_error_of_the_work_is_thrown_at_its_items_turn_after_the_items_before_it()
    {
        var yielded = new List<int>();

        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var result in ReadAhead<int, int>.Apply(Enumerable.Range(0, 50),
                i => i == 20 ? throw new InvalidOperationException("item 20") : i, workerCount: 2, distance: 8))
            {
                yielded.Add(result);
            }
        });

        Assert.Equal("item 20", error.Message);
        Assert.Equal(Enumerable.Range(0, 20), yielded);
    }

    [Fact]
    public void A_consumer_that_stops_early_leaves_no_worker_running_and_no_work_after_it()
    {
        var workers = new ConcurrentDictionary<Thread, bool>();
        var started = 0;

        foreach (var result in ReadAhead<int, int>.Apply(Enumerable.Range(0, 10_000), i =>
        {
            workers[Thread.CurrentThread] = true;
            Interlocked.Increment(ref started);
            return i;
        }, workerCount: 2, distance: 8))
        {
            if (result == 3)
            {
                break;
            }
        }

        var startedAtStop = Volatile.Read(ref started);
        Thread.Sleep(200);

        Assert.NotEmpty(workers.Keys);
        Assert.All(workers.Keys, worker => Assert.False(worker.IsAlive));
        Assert.Equal(startedAtStop, Volatile.Read(ref started));
        Assert.InRange(startedAtStop, 4, 4 + 8); // the items taken and at most one ring ahead
    }
}
