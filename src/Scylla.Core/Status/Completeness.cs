namespace Scylla.Core.Status;

/// <summary>Where an experiment stands for a scheduled task (docs/results.md, "Completeness").</summary>
public enum Completeness
{
    /// <summary>Every expected run is Completed with every judge slot Complete.</summary>
    Complete,

    /// <summary>Not complete, and a run changed since the fingerprint given (or none was given).</summary>
    Progressing,

    /// <summary>Not complete, and no run changed since the fingerprint given.</summary>
    Stuck,
}
