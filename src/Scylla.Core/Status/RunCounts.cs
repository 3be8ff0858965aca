using Scylla.Core.Runs;

namespace Scylla.Core.Status;

/// <summary>What <see cref="ScyllaExperiment"/> counts of a group of scanned runs; no run is kept.</summary>
internal sealed class RunCounts
{
    public int ExpectedRuns { get; private set; }

    public int TotalRuns { get; private set; }

    public int Completed { get; private set; }

    public int Missing { get; private set; }

    public int Failed { get; private set; }

    public int Partial { get; private set; }

    public int Results { get; private set; }

    public int RateLimited { get; private set; }

    /// <summary>Complete judge slots of the expected runs.</summary>
    public int JudgeSlotsComplete { get; private set; }

    public void Add(ScyllaRun run, int completeSlots)
    {
        TotalRuns++;
        if (run.IsExpected)
        {
            ExpectedRuns++;
            JudgeSlotsComplete += completeSlots;
        }

        switch (run.Status)
        {
            case RunStatus.Completed: Completed++; break;
            case RunStatus.Missing: Missing++; break;
            case RunStatus.Failed: Failed++; break;
            case RunStatus.Partial: Partial++; break;
            case RunStatus.Results: Results++; break;
            case RunStatus.RateLimited: RateLimited++; break;
        }
    }
}
