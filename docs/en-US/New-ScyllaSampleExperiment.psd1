@{
    Synopsis    = 'Generates a sample experiment with a chosen mix of run statuses, to try the module out.'
    Description = @'
New-ScyllaSampleExperiment writes an experiment folder the way ProjectScylla lays one out: config/experiment.json,
prompt.md, a checkpoint, and tiers x subtests x runs run folders holding the files each status leaves behind. Statuses
are handed out in turn from -Status. With -WithRepository it also creates a git base repository (repo/) whose commit
becomes the task commit, and a small tier configuration (tier-config/), so the runs can be re-run offline.
'@
    Parameters  = @{
        Path           = 'The folder to create. It must not exist or must be empty.'
        ExperimentId   = 'The experiment id written to experiment.json.'
        Layout         = 'Flat (E/T0/00/run_01) or Phase (E/in_progress/... and E/completed/...).'
        TierCount      = 'How many tiers, from T0 (1 to 7).'
        SubtestCount   = 'How many subtests per tier.'
        RunCount       = 'How many runs per subtest.'
        JudgeCount     = 'How many judges (judge_models entries).'
        Status         = 'The run statuses to hand out in turn.'
        WithRepository = 'Also create a git base repository (repo/) and a tier configuration (tier-config/).'
    }
    Defaults    = @{ ExperimentId = 'sample-001'; Layout = 'Flat'; TierCount = '7'; SubtestCount = '2'; RunCount = '3'; JudgeCount = '3'; Status = 'Completed, Missing, Failed, Partial, Results' }
    Outputs     = @{ DirectoryInfo = 'The experiment folder; pipe it to Get-ScyllaRun.' }
    Examples    = @(
        @{
            Title   = 'A sample experiment with every status'
            Code    = @'
New-ScyllaSampleExperiment ./exp | Get-ScyllaRun | Group-Object Status
'@
            Remarks = '7 tiers x 2 subtests x 3 runs.'
        }
        @{
            Title   = 'A sample that can be re-run offline'
            Code    = @'
New-ScyllaSampleExperiment ./demo -TierCount 2 -SubtestCount 1 -RunCount 4 -Status Missing, Failed -WithRepository
'@
            Remarks = 'Its repo/ and tier-config/ folders let Invoke-ScyllaRerun work on it.'
        }
    )
}
