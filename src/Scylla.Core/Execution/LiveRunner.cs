using Scylla.Core.Checkpoints;

namespace Scylla.Core.Execution;

/// <summary>
/// The gate every checkpoint-writing change passes (docs/format.md, "Live runners"): while the experiment's own runner
/// (the Python tool) owns the experiment, on this host or another, its whole-file checkpoint writes would erase ours.
/// </summary>
public static class LiveRunner
{
    /// <summary>
    /// Why a live runner owns the experiment (<see cref="CheckpointHealth.FindLiveRunner"/>), or null.
    /// </summary>
    public static string? Find(string experimentDirectory, Checkpoint? checkpoint) =>
        CheckpointHealth.FindLiveRunner(
            experimentDirectory, checkpoint, DateTimeOffset.UtcNow, ProcessGroup.IsProcessAlive);

    /// <summary>
    /// Throws <c>ExperimentBusy</c> when a live runner owns the experiment, unless <paramref name="force"/>. An
    /// unreadable checkpoint proves no runner; the change itself reports it.
    /// </summary>
    public static void Refuse(string experimentDirectory, bool force)
    {
        if (force)
        {
            return;
        }

        Checkpoint? checkpoint;
        try
        {
            checkpoint = CheckpointStore.ReadHeader(experimentDirectory);
        }
        catch (ScyllaException)
        {
            checkpoint = null;
        }

        if (Find(experimentDirectory, checkpoint) is { } why)
        {
            throw new ScyllaException("ExperimentBusy", ScyllaErrorKind.ResourceBusy,
                $"The experiment is being run by its own runner: {why}. " +
                "Its whole-file checkpoint writes would erase this change. " +
                "Wait for it to end, or pass -Force if that is not its runner.", experimentDirectory);
        }
    }
}
