@{
    Synopsis    = 'Submits re-runs to Slurm: one job array per experiment, one task per run, then one job that rebuilds the results.'
    Description = @'
Submit-ScyllaRerun takes runs as Invoke-ScyllaRerun takes them (by address from the pipeline, or -Path with filters),
checks each against the run on disk now (a run the engine would refuse, such as a Completed one, gets no task and an
error), and hands them to Slurm without waiting: one job array per experiment (sbatch --array=0-N%ThrottleLimit), one
task per run. Each task starts pwsh -NoProfile -NonInteractive, imports this module by its absolute path and runs
Invoke-ScyllaRerun on its one run, so the engine's lease decides who owns a run: two arrays over the same runs re-run
each run once. T5 runs form a second array that starts after the first (they build on the other tiers' best
subtests). A last job, started after the arrays whatever their exit (--dependency=afterany), rebuilds the result
files once with Update-ScyllaResult.

The plan (plan.json: the runs, task index = position, and the Invoke-ScyllaRerun parameters), the batch scripts and
the task logs live with the experiment in .scylla/slurm/<submission>/, readable and writable by their owner only, so
the experiment folder must be on a filesystem every node shares. Paths given to this command are made absolute
before they go into the plan.

-License (sbatch --licenses) caps the agents of one API account across the whole cluster: each task holds one
license while it runs, so with Licenses=claude_team:8 in slurm.conf at most eight run at once, whoever submitted
them. With -WaitOnRateLimit, a task whose run meets a rate limit records the reset time with the experiment
(.scylla/rate-limit-pause.json); no task on any host starts its run before that time, and the limited run is tried
again. scancel sends SIGTERM: Invoke-ScyllaRerun ends the agent and judges and each run keeps its last completed
stage, so submitting again completes them.

Slurm, not this command, decides when tasks start. Get-ScyllaRun shows the job and host of submitted runs
(ClusterJob). -WhatIf prints the sbatch commands and the batch scripts and submits nothing. docs/cluster.md in the
repository covers what the shared filesystem must provide and what to do without Slurm.
'@
    Parameters  = @{
        ExperimentPath          = "The run's experiment folder; with -Tier, -Subtest and -RunNumber, bound by property name from ScyllaRun objects, CSV rows or any object with those properties."
        Path                    = 'Experiment folders whose runs to submit (wildcards supported), filtered by -Tier, -Subtest, -RunNumber and -Status.'
        LiteralPath             = 'Experiment folders, taken literally (no wildcards); bound from Get-ChildItem output.'
        Tier                    = "The run's tier; with -Path or -LiteralPath, only these tiers."
        Subtest                 = "The run's subtest; with -Path or -LiteralPath, only these subtests."
        RunNumber               = 'The run number; with -Path or -LiteralPath, only these run numbers.'
        Status                  = 'With -Path: only runs with these statuses. Default: every status but Completed (every status with -JudgeOnly).'
        TierConfigPath          = "The tier configuration folder each task's Invoke-ScyllaRerun uses; bound from the TierConfigPath of the runs."
        RepositoryPath          = 'The base repository to use instead of the one found beside the experiment (on the shared filesystem).'
        InstructionTemplatePath = 'A JSON file replacing the default wording of the CLAUDE.md instructions (see New-ScyllaWorkspace).'
        AgentPath               = 'The agent executable on the nodes: a path (made absolute here) or a name looked up in the PATH of each task.'
        JudgePath               = 'The judge executable on the nodes: a path (made absolute here) or a name looked up in the PATH of each task.'
        JudgeSystemPromptPath   = "The judges' system prompt file. Default: judge-system-prompt.md in the module folder."
        JudgeOnly               = 'Re-run only the Missing and Failed judge slots of runs whose agent result is valid.'
        TimeoutSeconds          = "The agent's timeout, instead of the experiment's timeout_seconds."
        JudgeTimeoutSeconds     = 'How long one judge may take before it is ended and its slot marked Failed. Default: 1200.'
        JudgeThrottleLimit      = "How many judges of one run run at once. Default: all of the run's judges."
        ThrottleLimit           = 'How many tasks of one array run at once (the %N of sbatch --array). The cap across arrays and users is -License.'
        WaitOnRateLimit         = 'On a rate limit, record the reset time with the experiment so that no task on any host starts before it, then try the run again.'
        MaxRateLimitWait        = 'The longest shared pause -WaitOnRateLimit accepts (default 6 hours); a limit that lifts later ends the run RateLimited.'
        Force                   = 'Re-run even when the checkpoint or experiment.pid shows a live runner of the experiment on the task''s host.'
        SkipOwnershipCheck      = 'Open a base repository owned by another user.'
        Partition               = 'The Slurm partition of the jobs (sbatch --partition).'
        TimeLimit               = "Each task's time limit in Slurm's syntax (sbatch --time): minutes, H:MM:SS or D-HH:MM:SS. Leave room for the agent's timeout and the judges."
        Account                 = 'The Slurm account the jobs are charged to (sbatch --account).'
        License                 = 'Slurm licenses each task holds (sbatch --licenses), as name or name:count; configured in slurm.conf (Licenses=claude_team:8), they cap the agents of one API account across the cluster.'
        SbatchArgument          = 'More sbatch arguments, passed as they are to every job (for example --qos=low or --mem=4G).'
        PwshPath                = 'How the nodes start pwsh: an executable, or an executable and its first argument (dotnet and pwsh.dll). Default: the pwsh running this command.'
    }
    Defaults    = @{ AgentPath = 'claude'; JudgePath = 'claude'; ThrottleLimit = '4'; MaxRateLimitWait = '06:00:00' }
    Outputs     = @{
        SlurmJob = 'One per job submitted: JobId, Kind (Runs or Results), ArraySize, Runs (run ids), DependsOn, SubmissionId and PlanPath.'
    }
    Examples    = @(
        @{
            Title   = 'Show what would be submitted'
            Code    = @'
New-ScyllaSampleExperiment ./exp -TierCount 2 -SubtestCount 1 -RunCount 3 -Status Missing, Failed -WithRepository |
    Out-Null
Get-ScyllaRun ./exp -Status Missing, Failed |
    Submit-ScyllaRerun -ThrottleLimit 8 -License claude_team:1 -TimeLimit 2:00:00 -WhatIf
'@
            Remarks = 'Prints the sbatch commands (the array, then the results job after it) and the batch scripts; submits nothing.'
        }
        @{
            Title   = 'Re-run every broken run of an experiment on the cluster, pausing together on a rate limit'
            Code    = @'
New-ScyllaSampleExperiment ./exp -TierCount 1 -SubtestCount 1 -RunCount 4 -WithRepository | Out-Null
Submit-ScyllaRerun -Path ./exp -Partition debug -WaitOnRateLimit -SbatchArgument '--mem=2G' -WhatIf
'@
            Remarks = @'
Without -WhatIf it returns at once with the jobs (JobId, ArraySize, Runs); squeue shows them and Get-ScyllaRun shows
each run's job and host while it runs.
'@
        }
    )
}
