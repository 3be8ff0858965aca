using Scylla.Core.Experiments;

namespace Scylla.Core.Runs;

/// <summary>
/// A run's address: its experiment folder and ids. This is all the engine takes from a caller; the run's state and its
/// folder are always read again from disk (docs/format.md, "Re-runs").
/// </summary>
public sealed record RunReference(string ExperimentPath, string Tier, string Subtest, int RunNumber)
{
    public string RunId => Experiment.RunId(Tier, Subtest, RunNumber);

    public override string ToString() => RunId;
}
