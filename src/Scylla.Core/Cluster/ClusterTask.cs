namespace Scylla.Core.Cluster;

/// <summary>A run's task in a live Slurm submission: its id (<c>JobId_N</c>), state, and host once it runs.</summary>
public sealed record ClusterTask(string RunId, string JobId, ClusterTaskState State, string? Host);
