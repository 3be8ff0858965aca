using Scylla.Core.Experiments;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>Opens each experiment once per pipeline, however many of its runs come through.</summary>
internal sealed class ExperimentCache
{
    private readonly Dictionary<(string Path, string? TierConfig), Experiment> _experiments = [];

    public Experiment Open(string path, string? tierConfigPath = null)
    {
        var full = Path.GetFullPath(path);
        if (!_experiments.TryGetValue((full, tierConfigPath), out var experiment))
        {
            experiment = Experiment.Open(full, tierConfigPath);
            _experiments[(full, tierConfigPath)] = experiment;
        }

        return experiment;
    }
}
