@{
    Synopsis    = 'Plans a re-run before anything is spent: per tier and action the runs, agent and judge calls, and an estimated cost and duration.'
    Description = @'
Get-ScyllaRerunPlan takes the same runs and filters as Invoke-ScyllaRerun and emits one RerunPlan per experiment: what
the re-run would do with each run as it is on disk now (re-run the agent and the judges, resume at the judges,
regenerate result files, re-run judge slots, or refuse and why), summed per tier and action into Lines, with the total
runs, agent calls and judge calls.

The estimates come from the experiment's own Completed runs: per tier, the mean, lowest and highest cost_usd and agent
seconds of its recorded runs, and one judge call's seconds (the run's judge seconds over its judge count). A tier with
no Completed run takes the figures of every tier; an experiment with none gives no estimate (RunsWithoutEstimate). The
run files record no judge cost, so judge calls add time, not cost. Durations are agent and judge time one run after
another; -ThrottleLimit divides the wall time.

The plan reads what one Get-ScyllaRun of the experiment reads (one scan), and writes nothing. A run resumed at its
judges with neither its judge prompt nor its worktree is shown the agent's commit on its branch; the plan looks for
that commit in the base repository (opened once), and plans a run whose work is gone as the re-run takes it: its agent
runs again, or with -JudgeOnly it is refused (AgentWorkLost). Invoke-ScyllaRerun -WhatIf prints the same plan as text;
-MaxCost and -MaxRuns use its estimates to hold runs back.
'@
    Parameters  = @{
        ExperimentPath     = "The run's experiment folder; with -Tier, -Subtest and -RunNumber, bound by property name from ScyllaRun objects, CSV rows or any object with those properties."
        Path               = 'Experiment folders whose runs to plan for (wildcards supported), filtered by -Tier, -Subtest, -RunNumber and -Status.'
        LiteralPath        = 'Experiment folders, taken literally (no wildcards); bound from Get-ChildItem output.'
        Tier               = "The run's tier; with -Path or -LiteralPath, only these tiers."
        Subtest            = "The run's subtest; with -Path or -LiteralPath, only these subtests."
        RunNumber          = 'The run number; with -Path or -LiteralPath, only these run numbers.'
        Status             = 'With -Path: only runs with these statuses. Default: every status but Completed (every status with -JudgeOnly).'
        TierConfigPath     = 'The tier configuration folder; bound from the TierConfigPath of the runs.'
        JudgeOnly          = 'Plan as Invoke-ScyllaRerun -JudgeOnly would: only the Missing and Failed judge slots of runs with a valid agent result.'
        RepositoryPath     = "The base repository Invoke-ScyllaRerun would use instead of the one found beside the experiment: the plan reads it when a run's judges would need the agent's commit on its branch."
        SkipOwnershipCheck = 'Open a base repository owned by another user, as Invoke-ScyllaRerun -SkipOwnershipCheck does.'
    }
    Outputs     = @{ RerunPlan = 'One per experiment: Runs, Refused, AgentCalls, JudgeCalls, EstimatedCostUsd (CostLowUsd-CostHighUsd), EstimatedDuration (DurationLow-DurationHigh), Lines (one per tier and action) and PlannedRuns (one per run).' }
    Examples    = @(
        @{
            Title   = 'How much would re-running the broken runs cost?'
            Code    = "New-ScyllaSampleExperiment ./exp -TierCount 3 -SubtestCount 2 -RunCount 5 | Out-Null`nGet-ScyllaRerunPlan ./exp"
            Remarks = 'The totals; the estimate is from the Completed runs of the same experiment.'
        }
        @{
            Title   = 'Per tier and action'
            Code    = "New-ScyllaSampleExperiment ./exp -TierCount 3 -SubtestCount 2 -RunCount 5 | Out-Null`n(Get-ScyllaRerunPlan ./exp -Tier T1, T2).Lines"
            Remarks = 'One line per tier and action: runs, agent calls, judge calls, estimated cost and duration with their range.'
        }
        @{
            Title   = 'The same plan for piped runs'
            Code    = "New-ScyllaSampleExperiment ./exp -TierCount 2 -SubtestCount 1 -RunCount 4 | Out-Null`nGet-ScyllaRun ./exp -Status Failed | Get-ScyllaRerunPlan | Select-Object Runs, AgentCalls, EstimatedCostUsd"
            Remarks = 'Runs bind by property name, as they do to Invoke-ScyllaRerun.'
        }
    )
}
