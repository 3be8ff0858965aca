using System.Management.Automation;
using Scylla.Core;
using Scylla.Core.Cluster;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.PowerShell.Completion;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Runs;

/// <summary>
/// <para type="synopsis">Lists the runs of one or more experiments with their true state on disk.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScyllaRun", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ScyllaRun))]
public sealed class GetScyllaRunCommand : ExperimentPathCommand
{
    #region Parameters

    /// <summary>Only these tiers; bound by property name too, so piped runs (or CSV rows of them) give exactly those runs.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TierCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Tier { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(SubtestCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Subtest { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunNumberCompleter))]
    [ValidateRange(1, int.MaxValue)]
    public int[]? RunNumber { get; set; }

    [Parameter]
    public RunStatus[]? Status { get; set; }

    /// <summary>The tier configuration; bound from the TierConfigPath a run was listed with (none when it had none).</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? TierConfigPath { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var query = new RunQuery { Tiers = Tier, Subtests = Subtest, RunNumbers = RunNumber, Statuses = Status };
        var tierConfig = WorkspaceParameters.Resolve(this, TierConfigPath);
        var filters = string.Join('|', string.Join(',', Tier ?? []), string.Join(',', Subtest ?? []), string.Join(',', RunNumber ?? []));
        foreach (var (path, fromWildcard) in NewExperimentPaths(filters))
        {
            if (fromWildcard && !File.Exists(System.IO.Path.Combine(path, ExperimentConfig.RelativePath)))
            {
                WriteVerbose($"Skipping '{path}': it matched the wildcard but has no {ExperimentConfig.RelativePath}.");
                continue;
            }

            Experiment experiment;
            try
            {
                experiment = Experiment.Open(path, tierConfig);
            }
            catch (ScyllaException e)
            {
                WriteError(ErrorRecords.From(e, path));
                continue;
            }

            WriteVerbose($"Scanning '{experiment.Path}': {experiment.Layout} layout, subtests from {Describe(experiment)}.");
            ErrorRecords.Guard(this, experiment.Path, "ExperimentReadFailed", () =>
            {
                var resolved = query.Resolve(experiment, e => WriteError(ErrorRecords.From(e)));
                var submitted = ClusterActivity.Read(experiment.Path);
                foreach (var run in RunScanner.Scan(experiment, resolved, issue => WriteWarning(issue.Message)))
                {
                    WriteObject(ClusterDisplay.Run(run, submitted));
                }
            });
        }
    }

    #endregion

    #region Private

    private static string Describe(Experiment experiment) => experiment.Catalog.Source switch
    {
        Core.Tiers.TierCatalogSource.Disk => "the subtest folders on disk (no tier configuration found)",
        var source => $"the {source.ToString().ToLowerInvariant()} tier configuration '{experiment.Catalog.Directory}'",
    };

    #endregion
}
