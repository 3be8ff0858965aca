using System.Management.Automation;
using Scylla.Core;
using Scylla.Core.Experiments;
using Scylla.Core.Planning;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>
/// The runs Invoke-ScyllaRerun, Get-ScyllaRerunPlan and Submit-ScyllaRerun are asked for, per experiment, in the order
/// the experiments came: by address from the pipeline, or by -Path and filters; then planned with one scan per
/// experiment.
/// </summary>
internal sealed class RerunSelections(PSCmdlet cmdlet)
{
    private readonly ExperimentCache _experiments = new();
    private readonly List<(Experiment Experiment, RerunSelection Selection, bool Warn)> _selections = [];

    /// <summary>The statuses -Path picks by default: every one but Completed; with -JudgeOnly, every one.</summary>
    public static RunStatus[] DefaultStatuses(bool judgeOnly) =>
        judgeOnly ? Enum.GetValues<RunStatus>()
            : Enum.GetValues<RunStatus>().Where(s => s != RunStatus.Completed).ToArray();

    /// <summary>Runs given by address: every combination of the tiers, subtests and run numbers.</summary>
    public void AddAddresses(
        string experimentPath, string? tierConfig, string[] tiers, string[] subtests, int[] runNumbers)
    {
        var path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(experimentPath);
        Add(path, tierConfig, warn: false, (_, selection) =>
        {
            foreach (var tier in tiers)
            {
                foreach (var (subtest, runNumber) in subtests.SelectMany(s => runNumbers.Select(n => (s, n))))
                {
                    selection.Add(tier.ToUpperInvariant(), subtest, runNumber);
                }
            }
        });
    }

    /// <summary>The runs <paramref name="query"/> finds in each experiment the paths name.</summary>
    public void AddQuery(string[] paths, bool literal, string? tierConfig, RunQuery query)
    {
        foreach (var (path, _) in ExperimentPaths.Resolve(cmdlet, paths, literal))
        {
            Add(path, tierConfig, warn: true, (experiment, selection) =>
                selection.Add(query.Resolve(experiment, e => cmdlet.WriteError(ErrorRecords.From(e)))));
        }
    }

    /// <summary>One plan per experiment; scan warnings are written for experiments chosen by -Path, as Get-ScyllaRun
    /// writes them.</summary>
    public List<(Experiment Experiment, RerunPlan Plan)> Plan(bool judgeOnly, WorkspaceOptions repository) =>
        _selections.Select(s => (s.Experiment, RerunPlanner.Build(s.Experiment, s.Selection, judgeOnly, issue =>
        {
            if (s.Warn)
            {
                cmdlet.WriteWarning(issue.Message);
            }
        }, repository)))
        .ToList();

    private void Add(string experimentPath, string? tierConfig, bool warn, Action<Experiment, RerunSelection> choose)
    {
        try
        {
            var experiment = _experiments.Open(experimentPath, tierConfig);
            var index = _selections.FindIndex(s => s.Experiment == experiment);
            if (index < 0)
            {
                _selections.Add((experiment, new RerunSelection(), warn));
                index = _selections.Count - 1;
            }
            else if (warn)
            {
                _selections[index] = _selections[index] with { Warn = true };
            }

            choose(experiment, _selections[index].Selection);
        }
        catch (ScyllaException e)
        {
            cmdlet.WriteError(ErrorRecords.From(e, experimentPath));
        }
    }
}
