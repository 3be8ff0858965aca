using System.Management.Automation;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Samples;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Samples;

/// <summary>
/// <para type="synopsis">Generates a sample experiment with a chosen mix of run statuses, for trying the module out.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "ScyllaSampleExperiment", SupportsShouldProcess = true)]
[OutputType(typeof(DirectoryInfo))]
public sealed class NewScyllaSampleExperimentCommand : PSCmdlet
{
    #region Parameters

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ExperimentId { get; set; } = "sample-001";

    [Parameter]
    public ExperimentLayout Layout { get; set; } = ExperimentLayout.Flat;

    [Parameter]
    [ValidateRange(1, 7)]
    public int TierCount { get; set; } = 7;

    [Parameter]
    [ValidateRange(1, 99)]
    public int SubtestCount { get; set; } = 2;

    [Parameter]
    [ValidateRange(1, 100000)]
    public int RunCount { get; set; } = 3;

    [Parameter]
    [ValidateRange(1, 99)]
    public int JudgeCount { get; set; } = 3;

    /// <summary>Run statuses handed out in turn, run after run.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public RunStatus[] Status { get; set; } = [.. SampleExperimentSpec.UpstreamStatuses];

    /// <summary>Also create a git base repository (repo/) at the task commit and a tier configuration (tier-config/).</summary>
    [Parameter]
    public SwitchParameter WithRepository { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        var runs = TierCount * SubtestCount * RunCount;
        if (!ShouldProcess(target, $"Create a sample experiment with {runs} runs"))
        {
            return;
        }

        ErrorRecords.Guard(this, target, "SampleWriteFailed", () =>
        {
            SampleExperimentGenerator.Generate(new SampleExperimentSpec
            {
                Path = target,
                ExperimentId = ExperimentId,
                Layout = Layout,
                TierCount = TierCount,
                SubtestsPerTier = SubtestCount,
                RunsPerSubtest = RunCount,
                JudgeCount = JudgeCount,
                StatusPattern = Status,
                WithRepository = WithRepository,
            });
            WriteObject(new DirectoryInfo(target));
        });
    }

    #endregion
}
