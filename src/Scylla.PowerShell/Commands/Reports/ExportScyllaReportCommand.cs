using System.Management.Automation;
using Scylla.Core;
using Scylla.Core.Experiments;
using Scylla.Core.Reports;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Reports;

/// <summary>
/// <para type="synopsis">Writes one self-contained HTML report per experiment: a subtest x tier matrix of runs done
/// and passed, cost and time per tier, and the runs that need action.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "ScyllaReport", DefaultParameterSetName = PathSet, SupportsShouldProcess = true,
    ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportScyllaReportCommand : ExperimentPathCommand
{
    /// <summary>The folder the reports are written to, one <c>&lt;experiment folder name&gt;.html</c> each.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = ".";

    /// <summary>The tier configuration that says which subtests are expected.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    [AllowEmptyString]
    public string? TierConfigPath { get; set; }

    protected override void ProcessRecord()
    {
        var destination = SessionState.Path.GetUnresolvedProviderPathFromPSPath(DestinationPath);
        var tierConfig = WorkspaceParameters.Resolve(this, TierConfigPath);
        foreach (var (path, fromWildcard) in NewExperimentPaths(tierConfig ?? string.Empty))
        {
            if (fromWildcard && !File.Exists(System.IO.Path.Combine(path, ExperimentConfig.RelativePath)))
            {
                WriteVerbose($"Skipping '{path}': it matched the wildcard but has no {ExperimentConfig.RelativePath}.");
                continue;
            }

            var name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(path));
            var file = System.IO.Path.Combine(destination, name + ".html");
            ErrorRecords.Guard(this, path, "ReportWriteFailed", () =>
            {
                var experiment = Experiment.Open(path, tierConfig);
                if (!ShouldProcess(file, $"Write the HTML report of {experiment.Config.ExperimentId}"))
                {
                    return;
                }

                Directory.CreateDirectory(destination);
                var runs = HtmlReport.Write(
                    experiment, file, DateTimeOffset.UtcNow, issue => WriteWarning(issue.Message));
                WriteVerbose($"{file}: {runs} runs of {experiment.Path}.");
                WriteObject(InvokeProvider.Item.Get(file), enumerateCollection: true); // as Get-Item shows it
            });
        }
    }
}
