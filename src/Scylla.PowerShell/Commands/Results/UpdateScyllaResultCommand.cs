using System.Management.Automation;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Results;
using Scylla.Core.Tiers;
using Scylla.PowerShell.Completion;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Results;

/// <summary>
/// <para type="synopsis">Rebuilds the subtest, tier and experiment result files from the runs on disk.</para>
/// </summary>
[Cmdlet(VerbsData.Update, "ScyllaResult", DefaultParameterSetName = PathSet, SupportsShouldProcess = true,
    ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ResultRebuild))]
public sealed class UpdateScyllaResultCommand : ExperimentPathCommand
{
    #region Parameters

    /// <summary>Rebuild only these tiers' files (the experiment's own are always rebuilt from every tier).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(TierCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Tier { get; set; }

    /// <summary>Write even while the experiment's own runner seems to own it (see ExperimentBusy).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        foreach (var (path, fromWildcard) in NewExperimentPaths())
        {
            if (fromWildcard && !File.Exists(System.IO.Path.Combine(path, ExperimentConfig.RelativePath)))
            {
                WriteVerbose($"Skipping '{path}': it matched the wildcard but has no {ExperimentConfig.RelativePath}.");
                continue;
            }

            ErrorRecords.Guard(this, path, "ResultWriteFailed", () =>
            {
                var tiers = Tier?.Select(TierId.Parse).Distinct().ToList();
                var experiment = Experiment.Open(path);
                var which = tiers == null ? "every tier with runs" : $"tiers {string.Join(", ", tiers)}";
                if (!ShouldProcess(experiment.Path, $"Rebuild the result files of {which} and of the experiment"))
                {
                    return;
                }

                LiveRunner.Refuse(experiment.Path, Force);
                var rebuild = ResultBuilder.RebuildExperiment(experiment, tiers);
                foreach (var issue in rebuild.Issues)
                {
                    WriteWarning(issue.Message);
                }

                WriteVerbose($"Wrote {rebuild.Paths.Count} file(s) under '{experiment.Path}'.");
                WriteObject(rebuild);
            });
        }
    }

    #endregion
}
