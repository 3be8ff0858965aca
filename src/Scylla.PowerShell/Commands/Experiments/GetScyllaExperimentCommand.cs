using System.Management.Automation;
using Scylla.Core.Checkpoints;
using Scylla.Core.Cluster;
using Scylla.Core.Experiments;
using Scylla.Core.Status;
using Scylla.Core.Tiers;
using Scylla.PowerShell.Completion;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Experiments;

/// <summary>
/// <para type="synopsis">
/// Shows where experiments stand: run counts by status, judge slots, scores, cost, owner and completeness.
/// </para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScyllaExperiment", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ScyllaExperiment))]
public sealed class GetScyllaExperimentCommand : ExperimentPathCommand
{
    #region Parameters

    /// <summary>With -Path naming a results folder: its newest <c>&lt;timestamp&gt;-&lt;id&gt;</c> experiment.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Id { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(TierCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Tier { get; set; }

    /// <summary>One object per experiment (default), per tier (the default with -Tier) or per subtest.</summary>
    [Parameter]
    public StatusLevel? By { get; set; }

    /// <summary>The Fingerprint of an earlier call (empty: none); if unchanged, an incomplete one is Stuck.</summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyString]
    public string? PreviousFingerprint { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TierConfigPath { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var tierConfig = TierConfigPath == null
            ? null
            : SessionState.Path.GetUnresolvedProviderPathFromPSPath(TierConfigPath);
        var level = By ?? (Tier != null ? StatusLevel.Tier : StatusLevel.Experiment);
        foreach (var (resolved, fromWildcard) in NewExperimentPaths())
        {
            var path = resolved;
            if (Id != null)
            {
                if (NewestWithId(path, Id) is not { } newest)
                {
                    WriteError(ErrorRecords.Create("ExperimentIdNotFound", ErrorCategory.ObjectNotFound,
                        $"No folder '*-{Id}' under '{path}' holds an experiment "
                        + $"({Checkpoint.FileName} or {ExperimentConfig.RelativePath}).", path));
                    continue;
                }

                path = newest;
            }
            else if (fromWildcard && !File.Exists(System.IO.Path.Combine(path, ExperimentConfig.RelativePath)))
            {
                WriteVerbose($"Skipping '{path}': it matched the wildcard but has no {ExperimentConfig.RelativePath}.");
                continue;
            }

            ErrorRecords.Guard(this, path, "ExperimentReadFailed", () =>
            {
                var tiers = Tier?.Select(TierId.Parse).Distinct().ToList();
                var experiment = Experiment.Open(path, tierConfig);
                var statuses = ExperimentStatusReader.Read(
                    experiment, level, tiers, PreviousFingerprint, issue => WriteWarning(issue.Message));
                var submitted = ClusterActivity.Read(experiment.Path);
                foreach (var status in statuses)
                {
                    WriteObject(ClusterDisplay.Experiment(status, submitted));
                }
            });
        }
    }

    #endregion

    #region Private

    /// <summary>Upstream's resume rule: names ending in -id, greatest first, the first that is an experiment.</summary>
    private static string? NewestWithId(string root, string id) =>
        Directory.Exists(root)
            ? Directory.GetDirectories(root, "*-" + id)
                .Where(d => System.IO.Path.GetFileName(d).EndsWith("-" + id, StringComparison.Ordinal))
                .OrderByDescending(d => System.IO.Path.GetFileName(d), StringComparer.Ordinal)
                .FirstOrDefault(d => File.Exists(System.IO.Path.Combine(d, Checkpoint.FileName))
                    || File.Exists(System.IO.Path.Combine(d, ExperimentConfig.RelativePath)))
            : null;

    #endregion
}
