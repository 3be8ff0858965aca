@{
    Synopsis    = "Records a run's status in checkpoint.json, or clears it."
    Description = @'
Set-ScyllaCheckpoint writes a run's entry in completed_runs: passed, failed or agent_complete, the only values
ProjectScylla accepts. Any other value (for example completed) is refused before anything is written, with an error
that lists the valid values. The run's state in run_states is kept consistent with it, as ProjectScylla does. -Clear
removes the run's entry and sets its state back to pending (its subtest and tier are reopened).

Runs come from Get-ScyllaRun through the pipeline, or are named with -Path, -Tier, -Subtest and -RunNumber. A missing
checkpoint is created. Every write takes the experiment's lock file, re-reads the checkpoint and replaces it atomically,
so several processes can update one experiment at once without losing updates. The file is written as version 3.1 and
keeps fields this module does not know.
'@
    Parameters  = @{
        InputObject = 'Runs to update, from Get-ScyllaRun.'
        Path        = 'The experiment folder of the runs named by -Tier, -Subtest and -RunNumber.'
        Tier        = 'The tier of the runs to update (T0 to T6).'
        Subtest     = 'The subtest of the runs to update (for example 01).'
        RunNumber   = 'The run numbers to update.'
        Status      = 'The status to record: passed, failed or agent_complete.'
        Clear       = "Remove the runs' entries instead; their state goes back to pending."
        PassThru    = 'Emit the updated ScyllaRun of each run.'
    }
    Outputs     = @{ ScyllaRun = 'With -PassThru, each run as it is after the update.' }
    Examples    = @(
        @{
            Title   = 'See what would change, then change it'
            Code    = @'
New-ScyllaSampleExperiment ./exp | Out-Null
Get-ScyllaRun ./exp -Tier T1 | Set-ScyllaCheckpoint -Status failed -WhatIf
Get-ScyllaRun ./exp -Tier T1 | Set-ScyllaCheckpoint -Status failed
'@
            Remarks = '-WhatIf prints one line per run and writes nothing.'
        }
        @{
            Title   = 'Clear two runs by name'
            Code    = @'
New-ScyllaSampleExperiment ./exp | Out-Null
Set-ScyllaCheckpoint -Path ./exp -Tier T0 -Subtest 00 -RunNumber 1, 2 -Clear -PassThru
'@
            Remarks = 'The runs are back to pending; the updated runs are emitted.'
        }
    )
}
