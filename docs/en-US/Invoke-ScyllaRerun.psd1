@{
    Synopsis    = 'Re-runs runs: agent and judges for Failed, Partial and Missing runs, result files for Results runs.'
    Description = @'
Invoke-ScyllaRerun re-executes exactly the runs it receives and leaves every other run untouched. It takes runs by
address (ExperimentPath, Tier, Subtest, RunNumber: a ScyllaRun, a CSV row, any object with those properties) and reads
each run again from disk before it plans: a run that is Completed now is refused whatever the object said.

Each run is owned by one process on one host at a time (a lease in the experiment's .scylla/leases folder, which every
host sharing the experiment sees); a run another process holds is skipped with a RunBusy error. An experiment whose
own runner (the Python tool) owns it, on this host or another, is refused with ExperimentBusy unless -Force.
Everything that can refuse a run (checkpoint version, tier configuration, task prompt, base repository and task
commit, agent and judge executables, T5 parents) is checked before its first write, so a refused run leaves every file
as it was (its lease file aside).

Failed, Partial and Missing runs: the old attempt is archived to .failed/run_NN (then run_NN_failed_1, ...; nothing is
deleted), the workspace is created and configured, the prompt and agent/replay.sh are written, the agent runs through
bash in the workspace (its own process group, stdin closed, the experiment's timeout), its changes are committed and
diffed, every judge runs (one retry on an unparseable answer), and the consensus, run_result.json, report.md and
report.json are written. Each stage is saved in checkpoint.json (run_states), ending at worktree_cleaned with passed or
failed in completed_runs. In the phase layout the run works under in_progress/ and is promoted to completed/. An agent
that hits a rate limit, never reaches the API or fails without output has its attempt archived; the outcome says so.

A run stopped after its agent finished resumes at its judges and keeps the agent's work. Results runs whose judges all
answered get their missing result files rebuilt from the logs. Completed runs are refused with an error unless
-JudgeOnly, which re-runs only their Missing and Failed judge slots.

The outcome is what a fresh Get-ScyllaRun says: Succeeded only when the run is now Completed with no Failed judge slot.
A failure in one run is a non-terminating error for that run; the batch goes on. T5 runs wait for the other runs of
the same call. Ctrl+C, SIGTERM, SIGHUP, a pipeline stopped downstream and a terminating error all end every agent and
judge process the call started (SIGTERM, one shared grace period, SIGKILL) before the cmdlet returns; each run keeps
its last completed stage, and the next call completes it.
'@
    Parameters  = @{
        ExperimentPath          = "The run's experiment folder; with -Tier, -Subtest and -RunNumber, bound by property name from ScyllaRun objects, CSV rows or any object with those properties."
        Path                    = 'Experiment folders whose runs to re-run (wildcards supported), filtered by -Tier, -Subtest, -RunNumber and -Status.'
        LiteralPath             = 'Experiment folders, taken literally (no wildcards); bound from Get-ChildItem output.'
        Tier                    = "The run's tier; with -Path or -LiteralPath, only these tiers."
        Subtest                 = "The run's subtest; with -Path or -LiteralPath, only these subtests (-Subtest 1 finds 01); values the experiment lacks are errors."
        RunNumber               = 'The run number; with -Path or -LiteralPath, only these run numbers.'
        Force                   = 'Re-run even when the checkpoint (a fresh heartbeat) or experiment.pid shows a live runner of the experiment.'
        Status                  = 'With -Path: only runs with these statuses. Default: every status but Completed (every status with -JudgeOnly).'
        TierConfigPath          = 'The tier configuration folder used to create and configure the workspaces; bound from the TierConfigPath of the runs.'
        RepositoryPath          = 'The base repository to use instead of the one found beside the experiment.'
        InstructionTemplatePath = 'A JSON file replacing the default wording of the CLAUDE.md instructions (see New-ScyllaWorkspace).'
        AgentPath               = "The agent executable, called with claude's arguments and expected to answer like claude --output-format json."
        JudgePath               = "The judge executable, called with claude's arguments, the prompt on stdin, answering in stream-json."
        JudgeSystemPromptPath   = "The judges' system prompt file. Default: judge-system-prompt.md in the module folder."
        JudgeOnly               = 'Re-run only the Missing and Failed judge slots of runs whose agent result is valid, then recompute the consensus.'
        TimeoutSeconds          = "The agent's timeout, instead of the experiment's timeout_seconds."
        JudgeTimeoutSeconds     = 'How long one judge may take before it is ended and its slot marked Failed. Default: 1200.'
        ThrottleLimit           = 'How many runs to re-run at once.'
        WaitOnRateLimit         = 'On a rate limit or usage cap, pause the whole batch (no agent or judge starts; the checkpoint says paused_rate_limit) until the limit lifts, then try the limited run again.'
        MaxRateLimitWait        = 'The longest pause -WaitOnRateLimit accepts (default 6 hours); a limit that lifts later ends the run RateLimited.'
        JudgeThrottleLimit      = "How many judges of one run run at once. Default: all of the run's judges; the consensus and files are the same either way."
        PassThru                = 'Emit the refreshed ScyllaRun of each run instead of the re-run result.'
        SkipOwnershipCheck      = 'Open a base repository owned by another user.'
        MaxCost                 = 'A budget in USD: no run starts once what the call spent (the re-run runs recorded cost_usd), plus the estimates of the runs still going, plus its own estimate (see Get-ScyllaRerunPlan) would cross it. The runs held back are reported as Skipped with MaxCostReached and one warning; the batch ends cleanly.'
        MaxRuns                 = 'Start at most this many runs; the rest are reported as Skipped with MaxRunsReached and one warning.'
    }
    Defaults    = @{ AgentPath = 'claude'; JudgePath = 'claude'; ThrottleLimit = '1' }
    Outputs     = @{
        RerunResult = 'One per run: run id, action, outcome (Succeeded, Failed, Skipped, RateLimited, Interrupted), score, passed, duration, archive path, error id and message.'
        ScyllaRun   = 'With -PassThru, each run as it is afterwards.'
    }
    Examples    = @(
        @{
            Title   = 'Re-run the broken runs of an experiment, four at a time'
            Code    = @'
$fakes = Join-Path (Get-Module Scylla).ModuleBase 'examples/fake-claude'
New-ScyllaSampleExperiment ./exp -TierCount 2 -SubtestCount 1 -RunCount 4 -Status Missing, Failed -WithRepository |
    Out-Null
Get-ScyllaRun ./exp -Status Missing, Failed |
    Invoke-ScyllaRerun -ThrottleLimit 4 -TierConfigPath ./exp/tier-config -AgentPath $fakes/agent.sh `
        -JudgePath $fakes/judge.sh
'@
            Remarks = @'
The stand-ins for claude in the module folder (examples/fake-claude) work offline. Without -AgentPath and -JudgePath
the runs use claude.
'@
        }
        @{
            Title   = 'The dry run'
            Code    = @'
New-ScyllaSampleExperiment ./exp -TierCount 1 -SubtestCount 1 -RunCount 5 -WithRepository | Out-Null
Invoke-ScyllaRerun -Path ./exp -TierConfigPath ./exp/tier-config -WhatIf
'@
            Remarks = @'
The plan, not one line per run: the total runs, agent calls, judge calls, estimated cost and time of the experiment,
then one line per tier and action (re-run the agent, resume at the judges, regenerate, re-run judges, refused) naming
its first runs. Get-ScyllaRerunPlan gives the same as objects.
'@
        }
        @{
            Title   = 'Summarize a batch'
            Code    = @'
$fakes = Join-Path (Get-Module Scylla).ModuleBase 'examples/fake-claude'
$sample = @{ TierCount = 1; SubtestCount = 1; RunCount = 3; Status = 'Completed', 'Missing', 'Failed' }
New-ScyllaSampleExperiment ./exp @sample -WithRepository | Out-Null
Get-ScyllaRun ./exp |
    Invoke-ScyllaRerun -TierConfigPath ./exp/tier-config -AgentPath $fakes/agent.sh -JudgePath $fakes/judge.sh `
        -ErrorAction SilentlyContinue |
    Group-Object Outcome
'@
            Remarks = 'Completed runs are Skipped with an error (silenced here); the others Succeeded, Failed or RateLimited.'
        }
        @{
            Title   = 'Spend at most 1 USD tonight'
            Code    = @'
$fakes = Join-Path (Get-Module Scylla).ModuleBase 'examples/fake-claude'
New-ScyllaSampleExperiment ./exp -TierCount 1 -SubtestCount 1 -RunCount 6 -Status Completed, Missing -WithRepository |
    Out-Null
Invoke-ScyllaRerun ./exp -TierConfigPath ./exp/tier-config -AgentPath $fakes/agent.sh -JudgePath $fakes/judge.sh `
    -MaxCost 0.14 -WarningAction SilentlyContinue | Group-Object Outcome, ErrorId -NoElement
'@
            Remarks = @'
Each Completed run of the sample recorded 0.12 USD, the estimate of a run; the stand-in agent spends 0.0123 USD. The
first two Missing runs start (0.12, then 0.0123 + 0.12); the third would cross 0.14 (0.0246 + 0.12), so it is held
back (Skipped, MaxCostReached), with one warning naming the runs not started.
'@
        }
    )
}
