@{
    Synopsis    = "Records a run's status in checkpoint.json, or clears it."
    Description = @'
Set-ScyllaCheckpoint writes a run's entry in completed_runs: passed, failed or agent_complete, the only values
ProjectScylla accepts. Any other value (for example completed) is refused before anything is written, with an error
that lists the valid values. The run's state in run_states is kept consistent with it, as ProjectScylla does. -Clear
removes the run's entry and sets its state back to pending (its subtest and tier are reopened).

Runs come from Get-ScyllaRun through the pipeline, or are named with -Path, -Tier, -Subtest and -RunNumber. A missing
checkpoint is created. Every write takes the experiment's lock file, re-reads the checkpoint and replaces it atomically,
so several processes can update one experiment at once without losing updates. A 2.0 file is written back as 2.0 (so
January-era tools still load it), 3.0 and 3.1 as 3.1; fields this module does not know are kept.

Each run is changed under its lease (the lock Invoke-ScyllaRerun holds while it re-runs the run): a run another
process holds, on this host or another, is skipped with a RunBusy error. While the experiment's own runner (the Python
tool) owns the experiment, on any host, nothing is written (ExperimentBusy) unless -Force.
'@
    Parameters  = @{
        Force       = "Write even while the experiment's own runner seems to own the experiment (ExperimentBusy)."
        ExperimentPath = "The run's experiment folder; with -Tier, -Subtest and -RunNumber, bound by property name from ScyllaRun objects, CSV rows or any object with those properties."
        Path        = 'The experiment folder of the runs named by -Tier, -Subtest and -RunNumber.'
        Tier        = 'The tier of the runs to update (T0 to T6).'
        Subtest     = 'The subtest of the runs to update (for example 01; -Subtest 1 finds 01). A run the experiment lacks is refused before writing.'
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
