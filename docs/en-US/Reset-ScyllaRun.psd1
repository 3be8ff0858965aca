@{
    Synopsis    = 'Sends runs, tiers or the experiment back to a state in checkpoint.json, so the next re-run resumes there.'
    Description = @'
Reset-ScyllaRun -FromState <run state> moves the selected runs that are at or past that state (and failed or
rate_limited runs) back, so the next Invoke-ScyllaRerun resumes at the named stage. A state up to replay_generated
re-runs the agent: the run goes to pending, its completed_runs entry is removed and its run folder is moved into the
subtest's .failed/ folder, so Get-ScyllaRun lists it as Missing and a plain Invoke-ScyllaRerun runs it. A state from
agent_complete on
keeps the agent's result and re-runs only the judges: the run goes to agent_complete, and its judge slot folders
(all, or those named by -JudgeSlot) and run_result.json are moved into the subtest's .failed/ folder, never deleted.
A run whose agent result is missing, invalid or a rate-limit message cannot be re-judged and is reported as an error.
The run's subtest and tier go back to pending and the experiment to tiers_running.

Runs are piped from Get-ScyllaRun (bound by ExperimentPath, Tier, Subtest and RunNumber) or chosen in -Path with the
filters -Tier, -Subtest, -RunNumber and -CheckpointStatus. -FromTierState and -FromExperimentState reset tier states
and the experiment state as ProjectScylla does. An unknown state name is refused, listing the valid ones, before any
file is touched. -WhatIf lists every change. Each change is emitted as a CheckpointChange. docs/checkpoints.md says
where this differs from ProjectScylla's own reset.

Each run is changed under its lease (the lock Invoke-ScyllaRerun holds while it re-runs the run): a run another
process holds, on this host or another, is skipped with a RunBusy error. While the experiment's own runner (the Python
tool) owns the experiment, on any host, nothing is written (ExperimentBusy) unless -Force.
'@
    Parameters  = @{
        Force       = "Write even while the experiment's own runner seems to own the experiment (ExperimentBusy)."
        Path                = 'The experiment folder whose runs the filters choose. Default: the current folder.'
        ExperimentPath      = "The experiment of a piped run (bound by property name from Get-ScyllaRun)."
        Tier                = 'Only runs of these tiers (T0 to T6). Bound by property name from piped runs.'
        Subtest             = 'Only runs of these subtests. Bound by property name from piped runs.'
        RunNumber           = 'Only these run numbers. Bound by property name from piped runs.'
        CheckpointStatus    = 'Only runs recorded as passed, failed or agent_complete, or in the run state failed or rate_limited.'
        FromState           = 'The run state to resume at, from pending to worktree_cleaned (tab completion lists them in order).'
        JudgeSlot           = 'Re-judge only these judge slots (1 is the first of judge_models); needs a judge-stage -FromState.'
        FromTierState       = 'Also set tiers at or past this tier state back to pending (pending, config_loaded, ... complete).'
        FromExperimentState = 'Also set the experiment state back to this state if it is at or past it.'
    }
    Defaults    = @{ Path = '.' }
    Outputs     = @{ CheckpointChange = 'One per change: the run, tier or experiment, the old and new value, and whether it was applied.' }
    Examples    = @(
        @{
            Title   = 'See which runs a judge re-run would reset'
            Code    = "New-ScyllaSampleExperiment ./exp | Out-Null`nReset-ScyllaRun ./exp -FromState judge_pipeline_run -WhatIf"
            Remarks = 'Nothing is written; each run that would go back to agent_complete is listed.'
        }
        @{
            Title   = 'Re-judge slot 2 of the completed runs of T0, then run the agents of failed runs again'
            Code    = "New-ScyllaSampleExperiment ./exp | Out-Null`nGet-ScyllaRun ./exp -Tier T0 -Status Completed | Reset-ScyllaRun -FromState judge_pipeline_run -JudgeSlot 2`nReset-ScyllaRun ./exp -FromState pending -CheckpointStatus failed"
            Remarks = 'Slot 2 and run_result.json of each run go to .failed/; the next Invoke-ScyllaRerun judges only that slot.'
        }
    )
}
