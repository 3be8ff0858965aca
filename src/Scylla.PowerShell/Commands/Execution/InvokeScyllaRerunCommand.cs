using System.Collections.Concurrent;
using System.Management.Automation;
using Scylla.Core;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Planning;
using Scylla.Core.Results;
using Scylla.Core.Runs;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Execution;

/// <summary>
/// <para type="synopsis">Re-runs broken runs: the agent and judges for Failed, Partial and Missing runs, result files for Results runs.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ScyllaRerun", SupportsShouldProcess = true, DefaultParameterSetName = RunSet)]
[OutputType(typeof(RerunResult), typeof(ScyllaRun))]
public sealed class InvokeScyllaRerunCommand : RerunOptionsCommand
{
    private const int OverallActivity = 1;

    private readonly HashSet<(string Experiment, string ErrorId, string Message)> _reported = [];
    private readonly CancellationTokenSource _cancellation = new();

    #region Parameters

    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>Emit the refreshed ScyllaRun instead of the re-run result.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Start no run once spent plus the estimates of the running runs and the next would cross it (USD).
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double? MaxCost { get; set; }

    /// <summary>Start at most this many runs; the rest are reported as not started.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? MaxRuns { get; set; }

    #endregion

    #region Overrides

    protected override void EndProcessing()
    {
        var rerunner = new Rerunner(new RerunOptions
        {
            AgentPath = ResolveExecutable(AgentPath),
            JudgePath = ResolveExecutable(JudgePath),
            JudgeSystemPromptPath = WorkspaceParameters.Resolve(this, JudgeSystemPromptPath)
                ?? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(InvokeScyllaRerunCommand).Assembly.Location)!, "judge-system-prompt.md"),
            JudgeOnly = JudgeOnly,
            IgnoreLiveRunner = Force,
            AgentTimeout = TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            JudgeTimeout = TimeSpan.FromSeconds(JudgeTimeoutSeconds ?? 1200),
            JudgeThrottleLimit = JudgeThrottleLimit,
            WaitOnRateLimit = WaitOnRateLimit ? MaxRateLimitWait : null,
            Workspace = RepositoryOptions,
        });

        var plans = PlanSelectedRuns();
        foreach (var (experiment, _) in plans.Where(p => p.Plan.PlannedRuns.Count == 0))
        {
            WriteVerbose($"{experiment.Path}: no run to re-run among those asked for; a Completed run is re-run " +
                "only with -JudgeOnly (its Missing and Failed judge slots), or named by -Status Completed (to be " +
                "refused with the reason).");
        }

        if (IsWhatIf())
        {
            // One line per tier and action, not one per run: a dry run of 21,000 runs stays readable
            // (docs/planning.md).
            foreach (var line in plans.SelectMany(p => p.Plan.Describe(ThrottleLimit)))
            {
                ShouldProcess(line, line, "Re-run");
            }

            return;
        }

        var selected = plans.SelectMany(p => p.Plan.PlannedRuns.Select(run => (p.Experiment, Run: run)))
            .Where(r => ShouldProcess($"{r.Run.RunId} in {r.Experiment.Path}", Describe(r.Run))).ToList();
        if (selected.Count == 0)
        {
            return;
        }

        // Runs of the tiers T5 inherits from finish, and their tiers' results are rebuilt (best_subtest.json among them),
        // before the T5 runs that need them start; T5's own results are rebuilt at the end.
        var batches = selected.GroupBy(r => r.Run.Tier == "T5").OrderBy(g => g.Key).Select(g => g.ToList());
        var progress = new Progress(selected.Count);
        var interrupted = new List<string>();
        var budget = new RerunBudget(MaxCost, MaxRuns);
        var heldBack = new List<(Experiment Experiment, PlannedRun Run)>();
        foreach (var batch in batches.TakeWhile(_ => !_cancellation.IsCancellationRequested))
        {
            var (stopped, touched, notStarted) = RunBatch(rerunner, batch, progress, budget);
            interrupted.AddRange(stopped);
            heldBack.AddRange(notStarted);
            RebuildResults(touched);
        }

        ReportHeldBack(heldBack, budget, progress);

        if (_cancellation.IsCancellationRequested)
        {
            // The pipeline is stopping, so only the host can still be written to.
            Host.UI.WriteWarningLine($"Interrupted: {(interrupted.Count > 0 ? string.Join(", ", interrupted) : "no run had started")}. " +
                "Each keeps the checkpoint state of its last completed stage; run Invoke-ScyllaRerun again to complete them.");
            return;
        }

        WriteProgress(new ProgressRecord(OverallActivity, "Re-running runs", "Done") { RecordType = ProgressRecordType.Completed });
    }

    protected override void StopProcessing() => _cancellation.Cancel();

    #endregion

    #region Private

    /// <summary>
    /// Runs a batch on up to ThrottleLimit workers, each on its own thread. Workers never write to the pipeline: they queue
    /// what this thread writes. However this thread leaves (the batch ends, Ctrl+C, SIGTERM, a stop downstream, an error
    /// turned terminating by -ErrorAction Stop), it leaves only after every worker and every process they started ended.
    /// </summary>
    private (List<string> Interrupted, ILookup<Experiment, string> Touched, List<(Experiment, PlannedRun)> HeldBack)
        RunBatch(
        Rerunner rerunner, List<(Experiment Experiment, PlannedRun Run)> batch, Progress progress, RerunBudget budget)
    {
        var pending = new ConcurrentQueue<(Experiment Experiment, PlannedRun Run)>(batch);
        var events = new BlockingCollection<Action>();
        var interrupted = new ConcurrentBag<string>();
        var touched = new ConcurrentBag<(Experiment Experiment, string Tier)>();
        var heldBack = new ConcurrentQueue<(Experiment, PlannedRun)>();
        var workers = Enumerable.Range(0, Math.Min(ThrottleLimit, batch.Count)).Select(worker => new Thread(() =>
        {
            var activity = OverallActivity + 1 + worker;
            while (!_cancellation.IsCancellationRequested && pending.TryDequeue(out var item))
            {
                var (experiment, planned) = item;
                var estimate = planned.CostUsd?.Mean ?? 0;
                if (planned.Refusal == null && !budget.TryStart(estimate))
                {
                    heldBack.Enqueue(item);
                    continue;
                }

                var run = planned.Reference;
                var result = rerunner.Execute(experiment, run, stage => events.Add(() => progress.Stage(this, activity, run.RunId, stage)), _cancellation.Token);
                if (planned.Refusal == null)
                {
                    budget.Finish(estimate, result.Outcome == RerunOutcome.Skipped ? 0 : result.CostUsd);
                }

                if (result.Outcome == RerunOutcome.Interrupted)
                {
                    interrupted.Add(run.RunId);
                }

                if (result.Outcome != RerunOutcome.Skipped)
                {
                    touched.Add((experiment, run.Tier));
                }

                events.Add(() => Report(experiment, run, result, activity, progress));
            }
        }) { IsBackground = true, Name = $"Scylla re-run worker {worker + 1}" }).ToList();

        using var signals = new TerminationSignals(() =>
        {
            _cancellation.Cancel();
            ProcessGroup.StopAll(ProcessGroup.KillGrace);
            workers.ForEach(w => w.Join(TimeSpan.FromSeconds(10)));
        });
        workers.ForEach(w => w.Start());
        var ended = Task.Run(() =>
        {
            workers.ForEach(w => w.Join());
            events.CompleteAdding();
        });
        var drained = false;
        try
        {
            foreach (var write in events.GetConsumingEnumerable())
            {
                if (!_cancellation.IsCancellationRequested)
                {
                    write();
                }
            }

            drained = true;
        }
        finally
        {
            if (!drained)
            {
                _cancellation.Cancel(); // this thread is leaving early: stop the workers and what they started
            }

            ended.Wait();
        }

        var order = batch.Select((item, index) => (item.Run, index)).ToDictionary(p => p.Run, p => p.index);
        return (interrupted.Order(StringComparer.Ordinal).ToList(),
            touched.Distinct().ToLookup(t => t.Experiment, t => t.Tier),
            heldBack.OrderBy(h => order[h.Item2]).ToList());
    }

    /// <summary>The runs -MaxCost or -MaxRuns held back: one warning, and one result each (Skipped, not an error).
    /// </summary>
    private void ReportHeldBack(
        List<(Experiment Experiment, PlannedRun Run)> heldBack, RerunBudget budget, Progress progress)
    {
        if (heldBack.Count == 0 || _cancellation.IsCancellationRequested)
        {
            return;
        }

        var more = heldBack.Count > 10 ? $" and {heldBack.Count - 10} more." : ".";
        WriteWarning($"{budget.Exhausted}; {heldBack.Count} runs were not started: " +
            string.Join(", ", heldBack.Take(10).Select(h => h.Run.RunId)) + more);
        foreach (var (experiment, run) in heldBack)
        {
            progress.Done(this, OverallActivity + 1, run.RunId);
            WriteObject(PassThru ? ReadRun(experiment, run.Reference) : budget.HeldBack(run));
        }
    }

    /// <summary>Rebuilds the subtest, tier and experiment result files of the tiers whose runs changed (docs/results.md).</summary>
    private void RebuildResults(ILookup<Experiment, string> touched)
    {
        if (_cancellation.IsCancellationRequested)
        {
            return; // stopped: the next call rebuilds what its runs change
        }

        foreach (var tiers in touched)
        {
            try
            {
                var rebuilt = ResultBuilder.RebuildExperiment(tiers.Key, tiers.ToList());
                rebuilt.Issues.ToList().ForEach(issue => WriteWarning(issue.Message));
                WriteVerbose($"{tiers.Key.Path}: rebuilt {rebuilt.Paths.Count} result files for {string.Join(", ", tiers)}.");
            }
            catch (ScyllaException e)
            {
                WriteError(ErrorRecords.From(e, tiers.Key.Path));
            }
        }
    }

    private void Report(Experiment experiment, RunReference run, RerunResult result, int activity, Progress progress)
    {
        progress.Done(this, activity, run.RunId);
        WriteVerbose($"{result.RunId}: {result.Action?.ToString() ?? "refused"} -> {result.Outcome}{(result.ErrorMessage != null ? ": " + result.ErrorMessage : string.Empty)}");
        if (result is { Outcome: not (RerunOutcome.Succeeded or RerunOutcome.Interrupted), Error: { } error }
            && (result.Outcome != RerunOutcome.Skipped || _reported.Add((experiment.Path, error.ErrorId, error.Message))))
        {
            // An experiment-wide refusal (no tier configuration, a busy experiment) has one message: written once;
            // a run that ran and failed has its own record, even when several runs met the same limit.
            WriteError(ErrorRecords.From(error, run));
        }

        WriteObject(PassThru ? ReadRun(experiment, run) : result);
    }

    private ScyllaRun ReadRun(Experiment experiment, RunReference run) =>
        RunScanner.ReadRun(experiment, run.Tier, run.Subtest, run.RunNumber, issue => WriteWarning(issue.Message));

    private bool IsWhatIf() => MyInvocation.BoundParameters.TryGetValue("WhatIf", out var given)
        ? ((SwitchParameter)given).IsPresent
        : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

    private static string Describe(PlannedRun plan) => plan.Action switch
    {
        RerunAction.RerunAgent => "Re-run the agent and the judges (the old attempt is archived to .failed/)",
        RerunAction.ResumeJudges => "Resume at the judges (the agent's work is kept)",
        RerunAction.Regenerate => "Regenerate the missing result files from the logs",
        RerunAction.RerunJudges => "Re-run the missing and failed judge slots",
        _ => $"Refuse ({plan.Refusal?.ErrorId}): {plan.Refusal?.Message}",
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
