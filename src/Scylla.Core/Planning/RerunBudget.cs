using Scylla.Core.Execution;

namespace Scylla.Core.Planning;

/// <summary>
/// -MaxCost and -MaxRuns (docs/planning.md): a run starts only while what was spent, plus the estimates of the runs
/// still going, plus its own estimate stays within the cost, and fewer runs than the limit were started. Once a run is
/// held back, no later run starts, so the batch ends cleanly with the rest reported. Safe to use from several threads.
/// </summary>
public sealed class RerunBudget(double? maxCostUsd, int? maxRuns)
{
    private readonly object _gate = new();
    private double _spentUsd;
    private double _runningUsd;
    private int _started;
    private string _errorId = string.Empty;

    /// <summary>Why runs are held back (the first refusal's words), or null while every run may start.</summary>
    public string? Exhausted { get; private set; }

    public double SpentUsd
    {
        get
        {
            lock (_gate)
            {
                return _spentUsd;
            }
        }
    }

    /// <summary>Starts a run estimated to cost <paramref name="estimateUsd"/>, or holds it and every later one back.
    /// </summary>
    public bool TryStart(double estimateUsd)
    {
        lock (_gate)
        {
            if (Exhausted == null && _started >= maxRuns)
            {
                (_errorId, Exhausted) = ("MaxRunsReached", $"-MaxRuns {maxRuns}: {_started} runs were started");
            }
            else if (Exhausted == null && _spentUsd + _runningUsd + estimateUsd > maxCostUsd)
            {
                _errorId = "MaxCostReached";
                Exhausted = FormattableString.Invariant(
                    $"-MaxCost {maxCostUsd:0.00}: {_spentUsd:0.00} USD spent, {_runningUsd:0.00} USD running, ")
                    + FormattableString.Invariant($"the next run estimated at {estimateUsd:0.00} USD");
            }

            if (Exhausted != null)
            {
                return false;
            }

            _started++;
            _runningUsd += estimateUsd;
            return true;
        }
    }

    /// <summary>What the re-run reports for a run it held back: Skipped, nothing touched, the limit as its error.
    /// </summary>
    public RerunResult HeldBack(PlannedRun run) => new()
    {
        ExperimentId = run.ExperimentId,
        ExperimentPath = run.ExperimentPath,
        Tier = run.Tier,
        Subtest = run.Subtest,
        RunNumber = run.RunNumber,
        Action = run.Action,
        Outcome = RerunOutcome.Skipped,
        Status = run.Status,
        Error = new ScyllaException(
            _errorId, ScyllaErrorKind.LimitsExceeded, $"{run.RunId} was not started: {Exhausted}."),
    };

    /// <summary>A started run ended: its recorded cost counts as spent; the estimate when it recorded none.</summary>
    public void Finish(double estimateUsd, double? recordedUsd)
    {
        lock (_gate)
        {
            _runningUsd -= estimateUsd;
            _spentUsd += recordedUsd ?? estimateUsd;
        }
    }
}
