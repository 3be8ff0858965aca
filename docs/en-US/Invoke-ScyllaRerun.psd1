@{
    Synopsis    = 'Re-runs runs: agent and judges for Failed, Partial and Missing runs, result files for Results runs.'
    Description = @'
Invoke-ScyllaRerun re-executes exactly the runs it receives and leaves every other run untouched.

Failed, Partial and Missing runs: the old run folder is archived to .failed/run_NN (then run_NN_failed_1, ...; nothing is
deleted), the workspace is created and configured, the prompt and agent/replay.sh are written, the agent runs through
bash in the workspace (its own process group, stdin closed, the experiment's timeout), its changes are committed and
diffed, every judge runs (one retry on an unparseable answer), and the consensus, run_result.json, report.md and
report.json are written. Each stage is saved in checkpoint.json (run_states), ending at worktree_cleaned with passed or
failed in completed_runs. In the phase layout the run works under in_progress/ and is promoted to completed/.

Results runs: the missing result files are rebuilt from the logs; no agent and no judge run. Completed runs are refused
with an error unless -JudgeOnly, which re-runs only their Missing and Failed judge slots.

A failure in one run (agent crash, judge failure, parent tiers of a T5 run missing, git error) is a non-terminating
error for that run; the batch goes on. A rate limit makes the outcome RateLimited. T5 runs wait for the other runs of
the same call. Ctrl+C kills every agent and judge process the call started and leaves each run at its last completed
stage; the interrupted runs are named, and the next call completes them.
'@
    Parameters  = @{
        InputObject             = 'Runs to re-run, from Get-ScyllaRun.'
        Path                    = 'Experiment folders whose runs to re-run (wildcards supported), filtered by -Tier, -Subtest, -RunNumber and -Status.'
        Tier                    = 'With -Path: only these tiers.'
        Subtest                 = 'With -Path: only these subtests.'
        RunNumber               = 'With -Path: only these run numbers.'
        Status                  = 'With -Path: only runs with these statuses. Default: every status but Completed (every status with -JudgeOnly).'
        TierConfigPath          = 'The tier configuration folder used to create and configure the workspaces.'
        RepositoryPath          = 'The base repository to use instead of the one found beside the experiment.'
        InstructionTemplatePath = 'A JSON file replacing the default wording of the CLAUDE.md instructions (see New-ScyllaWorkspace).'
        AgentPath               = "The agent executable, called with claude's arguments and expected to answer like claude --output-format json."
        JudgePath               = "The judge executable, called with claude's arguments, the prompt on stdin, answering in stream-json."
        JudgeSystemPromptPath   = "The judges' system prompt file. Default: judge-system-prompt.md in the module folder."
        JudgeOnly               = 'Re-run only the Missing and Failed judge slots of runs whose agent result is valid, then recompute the consensus.'
        TimeoutSeconds          = "The agent's timeout, instead of the experiment's timeout_seconds."
        ThrottleLimit           = 'How many runs to re-run at once.'
        PassThru                = 'Emit the refreshed ScyllaRun of each run instead of the re-run result.'
        SkipOwnershipCheck      = 'Open a base repository owned by another user.'
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
            Remarks = 'One line per run naming its action (re-run the agent, regenerate, re-run judges, refuse).'
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
    )
}
