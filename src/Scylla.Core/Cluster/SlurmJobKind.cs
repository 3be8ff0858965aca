namespace Scylla.Core.Cluster;

/// <summary>What a job of a submission does (docs/cluster.md).</summary>
public enum SlurmJobKind
{
    /// <summary>An array with one task per run.</summary>
    Runs,

    /// <summary>The one job that rebuilds the result files after the arrays end.</summary>
    Results,
}
