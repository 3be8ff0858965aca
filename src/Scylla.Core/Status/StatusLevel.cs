namespace Scylla.Core.Status;

/// <summary>What one <see cref="ScyllaExperiment"/> object sums up.</summary>
public enum StatusLevel
{
    Experiment,
    Tier,
    Subtest,
}
