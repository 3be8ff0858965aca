using System.Collections.Concurrent;
using System.Management.Automation;
using Scylla.Core;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;
using Scylla.PowerShell.Completion;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Execution;

/// <summary>
/// <para type="synopsis">Re-runs broken runs: the agent and judges for Failed, Partial and Missing runs, result files for Results runs.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ScyllaRerun", SupportsShouldProcess = true, DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(RerunResult), typeof(ScyllaRun))]
public sealed class InvokeScyllaRerunCommand : PSCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string PathSet = "Path";
    private const int OverallActivity = 1;

    private readonly List<(Experiment Experiment, ScyllaRun Run)> _runs = [];
    private readonly ExperimentCache _experiments = new();
    private readonly CancellationTokenSource _cancellation = new();

    #region Parameters

    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ScyllaRun[] InputObject { get; set; } = [];

    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(ParameterSetName = PathSet)]
    [ArgumentCompleter(typeof(TierCompleter))]
    public string[]? Tier { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [ArgumentCompleter(typeof(SubtestCompleter))]
    public string[]? Subtest { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [ArgumentCompleter(typeof(RunNumberCompleter))]
    [ValidateRange(1, int.MaxValue)]
    public int[]? RunNumber { get; set; }

    /// <summary>With -Path: the statuses to re-run (default: every status but Completed; with -JudgeOnly, every status).</summary>
    [Parameter(ParameterSetName = PathSet)]
    public RunStatus[]? Status { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TierConfigPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RepositoryPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? InstructionTemplatePath { get; set; }

    /// <summary>The agent executable (default: claude), called with claude's arguments.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string AgentPath { get; set; } = "claude";

    /// <summary>The judge executable (default: claude), called with claude's arguments.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string JudgePath { get; set; } = "claude";

    /// <summary>The judges' system prompt (default: the module's judge-system-prompt.md).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JudgeSystemPromptPath { get; set; }

    /// <summary>Re-run only the Missing and Failed judge slots of runs whose agent result is valid.</summary>
    [Parameter]
    public SwitchParameter JudgeOnly { get; set; }

    /// <summary>Overrides the experiment's timeout_seconds for the agent.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TimeoutSeconds { get; set; }

    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>Emit the refreshed ScyllaRun instead of the re-run result.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    public SwitchParameter SkipOwnershipCheck { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var tierConfig = WorkspaceParameters.Resolve(this, TierConfigPath);
        if (ParameterSetName == InputObjectSet)
        {
            foreach (var run in InputObject)
            {
                Add(run.ExperimentPath, tierConfig, experiment => [run]);
            }

            return;
        }

        var statuses = Status ?? (JudgeOnly ? Enum.GetValues<RunStatus>() : Enum.GetValues<RunStatus>().Where(s => s != RunStatus.Completed).ToArray());
        var query = new RunQuery { Tiers = Tier, Subtests = Subtest, RunNumbers = RunNumber, Statuses = statuses };
        foreach (var (path, _) in ExperimentPaths.Resolve(this, Path, literal: false))
        {
            Add(path, tierConfig, experiment => RunScanner.Scan(
                experiment, query.Resolve(experiment, e => WriteError(ErrorRecords.From(e))), issue => WriteWarning(issue.Message)));
        }
    }

    protected override void EndProcessing()
    {
        var options = new RerunOptions
        {
            AgentPath = ResolveExecutable(AgentPath),
            JudgePath = ResolveExecutable(JudgePath),
            JudgeSystemPromptPath = WorkspaceParameters.Resolve(this, JudgeSystemPromptPath)
                ?? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(InvokeScyllaRerunCommand).Assembly.Location)!, "judge-system-prompt.md"),
            JudgeOnly = JudgeOnly,
            AgentTimeout = TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Workspace = new WorkspaceOptions
            {
                RepositoryPath = WorkspaceParameters.Resolve(this, RepositoryPath),
                InstructionTemplatePath = WorkspaceParameters.Resolve(this, InstructionTemplatePath),
                SkipOwnershipCheck = SkipOwnershipCheck,
            },
        };

        var selected = _runs.Where(r => ShouldProcess($"{r.Run.RunId} in {r.Experiment.Path}", Describe(Rerunner.Plan(r.Run, JudgeOnly)))).ToList();
        if (selected.Count == 0)
        {
            return;
        }

        // Runs of the tiers T5 inherits from finish before the T5 runs that need them.
        var batches = selected.GroupBy(r => r.Run.Tier == "T5").OrderBy(g => g.Key).Select(g => g.ToList());
        var progress = new Progress(selected.Count);
        var interrupted = new List<string>();
        foreach (var batch in batches)
        {
            interrupted.AddRange(RunBatch(batch, options, progress));
        }

        if (_cancellation.IsCancellationRequested)
        {
            // The pipeline is stopping, so only the host can still be written to.
            Host.UI.WriteWarningLine($"Interrupted: {(interrupted.Count > 0 ? string.Join(", ", interrupted) : "no run had started")}. Each keeps the checkpoint state of its last completed stage; run Invoke-ScyllaRerun again to complete them.");
            return;
        }

        WriteProgress(new ProgressRecord(OverallActivity, "Re-running runs", "Done") { RecordType = ProgressRecordType.Completed });
    }

    protected override void StopProcessing() => _cancellation.Cancel();

    #endregion

    #region Private

    private void Add(string experimentPath, string? tierConfig, Func<Experiment, IEnumerable<ScyllaRun>> runs)
    {
        try
        {
            var experiment = _experiments.Open(experimentPath, tierConfig);
            _runs.AddRange(runs(experiment).Select(r => (experiment, r)));
        }
        catch (ScyllaException e)
        {
            WriteError(ErrorRecords.From(e, experimentPath));
        }
    }

    /// <summary>Runs a batch on up to ThrottleLimit workers. Workers never write to the pipeline: they queue what this thread writes.</summary>
    private List<string> RunBatch(List<(Experiment Experiment, ScyllaRun Run)> batch, RerunOptions options, Progress progress)
    {
        var pending = new ConcurrentQueue<(Experiment Experiment, ScyllaRun Run)>(batch);
        var events = new BlockingCollection<Action>();
        var interrupted = new ConcurrentBag<string>();
        var workers = Enumerable.Range(0, Math.Min(ThrottleLimit, batch.Count)).Select(worker => Task.Run(() =>
        {
            var activity = OverallActivity + 1 + worker;
            while (!_cancellation.IsCancellationRequested && pending.TryDequeue(out var item))
            {
                var (experiment, run) = item;
                var result = Rerunner.Execute(experiment, run, options, stage => events.Add(() => progress.Stage(this, activity, run.RunId, stage)), _cancellation.Token);
                if (result.Outcome == RerunOutcome.Interrupted)
                {
                    interrupted.Add(run.RunId);
                }

                events.Add(() => Report(experiment, run, result, activity, progress));
            }
        })).ToArray();
        Task.WhenAll(workers).ContinueWith(_ => events.CompleteAdding(), TaskScheduler.Default);

        foreach (var write in events.GetConsumingEnumerable())
        {
            if (!_cancellation.IsCancellationRequested)
            {
                write();
            }
        }

        Task.WaitAll(workers);
        return interrupted.Order(StringComparer.Ordinal).ToList();
    }

    private void Report(Experiment experiment, ScyllaRun run, RerunResult result, int activity, Progress progress)
    {
        progress.Done(this, activity, run.RunId);
        WriteVerbose($"{result.RunId}: {result.Action} -> {result.Outcome}{(result.ErrorMessage != null ? ": " + result.ErrorMessage : string.Empty)}");
        if (result.Outcome is not (RerunOutcome.Succeeded or RerunOutcome.Interrupted))
        {
            var category = result.Outcome == RerunOutcome.RateLimited ? ErrorCategory.LimitsExceeded : result.Outcome == RerunOutcome.Skipped ? ErrorCategory.InvalidOperation : ErrorCategory.NotSpecified;
            WriteError(ErrorRecords.Create(result.ErrorId ?? "RunFailed", category, $"{result.RunId}: {result.ErrorMessage}", run));
        }

        WriteObject(PassThru ? RunScanner.ReadRun(experiment, run.Tier, run.Subtest, run.RunNumber, issue => WriteWarning(issue.Message)) : result);
    }

    /// <summary>A path (it holds a separator) resolves against the session's location; a bare name is looked up in PATH.</summary>
    private string ResolveExecutable(string value) =>
        value.Contains('/') || value.Contains(System.IO.Path.DirectorySeparatorChar) ? SessionState.Path.GetUnresolvedProviderPathFromPSPath(value) : value;

    private static string Describe(RerunAction action) => action switch
    {
        RerunAction.RerunAgent => "Re-run the agent and the judges (the old run is archived to .failed/)",
        RerunAction.Regenerate => "Regenerate the missing result files from the logs",
        RerunAction.RerunJudges => "Re-run the missing and failed judge slots",
        _ => "Refuse: nothing to re-run",
    };

    /// <summary>The overall bar (runs done of total) and one child bar per running run, naming its stage.</summary>
    private sealed class Progress(int total)
    {
        private int _done;

        public void Stage(Cmdlet cmdlet, int activity, string runId, string stage)
        {
            cmdlet.WriteProgress(Overall());
            cmdlet.WriteProgress(new ProgressRecord(activity, runId, stage) { ParentActivityId = OverallActivity });
        }

        public void Done(Cmdlet cmdlet, int activity, string runId)
        {
            _done++;
            cmdlet.WriteProgress(new ProgressRecord(activity, runId, "Done") { ParentActivityId = OverallActivity, RecordType = ProgressRecordType.Completed });
            cmdlet.WriteProgress(Overall());
        }

        private ProgressRecord Overall() =>
            new(OverallActivity, "Re-running runs", $"{_done} of {total} done") { PercentComplete = (int)(100.0 * _done / total) };
    }

    #endregion
}
