using System.Management.Automation;
using System.Text.Json.Nodes;
using Scylla.Core;
using Scylla.Core.Cluster;
using Scylla.Core.Tiers;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Submits re-runs to Slurm: one job array per experiment, one task per run.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Submit, "ScyllaRerun", SupportsShouldProcess = true, DefaultParameterSetName = RunSet)]
[OutputType(typeof(SlurmJob))]
public sealed class SubmitScyllaRerunCommand : RerunOptionsCommand
{
    #region Parameters

    /// <summary>How many tasks of the array run at once (<c>%N</c>).</summary>
    [Parameter]
    [ValidateRange(1, 100000)]
    public int ThrottleLimit { get; set; } = 4;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Partition { get; set; }

    /// <summary>Each task's time limit, in Slurm's syntax (minutes, H:MM:SS, D-HH:MM:SS).</summary>
    [Parameter]
    [ValidatePattern(@"^(\d+-)?\d+(:\d{1,2}){0,2}$")]
    public string? TimeLimit { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Account { get; set; }

    /// <summary>Slurm licenses each task holds (<c>name:count</c>): the cluster-wide cap per API account.</summary>
    [Parameter]
    [ValidatePattern(@"^[\w.-]+(:\d+)?$")]
    public string[] License { get; set; } = [];

    [Parameter]
    [ValidateNotNull]
    public string[] SbatchArgument { get; set; } = [];

    /// <summary>How the nodes start pwsh (default: the pwsh running this command).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? PwshPath { get; set; }

    #endregion

    #region Overrides

    protected override void EndProcessing()
    {
        var settings = new SlurmSettings
        {
            Throttle = ThrottleLimit,
            Partition = Partition,
            TimeLimit = TimeLimit,
            Account = Account,
            Licenses = License,
            ExtraArguments = SbatchArgument,
            PwshCommand = PwshPath ?? CurrentPwsh(),
        };

        foreach (var (experiment, plan) in PlanSelectedRuns())
        {
            // Each run as the engine would plan it now: a run it would refuse (Completed, no valid agent result for
            // -JudgeOnly) gets no task, and its refusal is reported here.
            foreach (var refused in plan.PlannedRuns.Where(r => r.Refusal != null))
            {
                WriteError(ErrorRecords.From(refused.Refusal!, refused.Reference));
            }

            var runs = plan.PlannedRuns.Where(r => r.Refusal == null).Select(r => r.Reference).ToList();
            if (runs.Count == 0)
            {
                continue;
            }

            var submission = new SlurmSubmission(new ArrayPlan
            {
                SubmissionId = ArrayPlan.NewSubmissionId(DateTimeOffset.UtcNow),
                ExperimentPath = experiment.Path,
                ModulePath = ModuleManifest(),
                Runs = runs,
                RerunParameters = RerunParameters(
                    experiment.Catalog.Source == TierCatalogSource.Explicit ? experiment.Catalog.Directory : null),
                MaxRateLimitWait = WaitOnRateLimit ? MaxRateLimitWait : null,
            }, settings);
            var description = submission.Describe();
            if (!ShouldProcess(description, description, "Submit-ScyllaRerun"))
            {
                continue;
            }

            try
            {
                WriteObject(submission.Submit(), enumerateCollection: true);
            }
            catch (Exception e) when (e is ScyllaException or IOException or UnauthorizedAccessException)
            {
                WriteError(e is ScyllaException s ? ErrorRecords.From(s, experiment.Path)
                    : ErrorRecords.FromIO("SubmitFailed", e, experiment.Path));
            }
        }
    }

    #endregion

    #region Private

    /// <summary>The Invoke-ScyllaRerun parameters each task passes, paths made absolute (no shared location).</summary>
    private JsonObject RerunParameters(string? tierConfig)
    {
        var parameters = new JsonObject
        {
            [nameof(AgentPath)] = ResolveExecutable(AgentPath),
            [nameof(JudgePath)] = ResolveExecutable(JudgePath),
        };
        void Set(string name, JsonNode? value)
        {
            if (value != null)
            {
                parameters[name] = value;
            }
        }

        Set(nameof(TierConfigPath), tierConfig);
        Set(nameof(RepositoryPath), WorkspaceParameters.Resolve(this, RepositoryPath));
        Set(nameof(InstructionTemplatePath), WorkspaceParameters.Resolve(this, InstructionTemplatePath));
        Set(nameof(JudgeSystemPromptPath), WorkspaceParameters.Resolve(this, JudgeSystemPromptPath));
        Set(nameof(TimeoutSeconds), TimeoutSeconds);
        Set(nameof(JudgeTimeoutSeconds), JudgeTimeoutSeconds);
        Set(nameof(JudgeThrottleLimit), JudgeThrottleLimit);
        Set(nameof(JudgeOnly), JudgeOnly.IsPresent ? true : null);
        Set(nameof(Force), Force.IsPresent ? true : null);
        Set(nameof(SkipOwnershipCheck), SkipOwnershipCheck.IsPresent ? true : null);

        return parameters;
    }

    /// <summary>The pwsh running this command: its own executable, or dotnet and pwsh.dll for a dotnet tool.</summary>
    private static string[] CurrentPwsh()
    {
        var process = Environment.ProcessPath!;
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        var isDotnetTool = System.IO.Path.GetFileNameWithoutExtension(process) == "dotnet"
            && !string.IsNullOrEmpty(entry);
        return isDotnetTool ? [process, entry!] : [process];
    }

    /// <summary>The manifest of this module, which every task imports by absolute path.</summary>
    private static string ModuleManifest() => System.IO.Path.Combine(
        System.IO.Path.GetDirectoryName(typeof(SubmitScyllaRerunCommand).Assembly.Location)!, "Scylla.psd1");

    #endregion
}
