namespace Scylla.Core.Cluster;

/// <summary>Where a submitted run is in its Slurm array.</summary>
public enum ClusterTaskState
{
    /// <summary>In a live submission, its task not started yet.</summary>
    Submitted,

    /// <summary>Its task started and has not ended.</summary>
    Running,
}
