@{
    Synopsis    = 'Brings checkpoint.json in line with the run folders on disk, or builds a missing one.'
    Description = @'
Repair-ScyllaCheckpoint compares each run the checkpoint names, and each run folder on disk, with what the folder
proves. A judged run (a readable run_result.json with judge_passed, a valid agent result that is not a rate-limit
message) is recorded as passed or failed; a valid agent result without a usable run_result.json is recorded as
agent_complete; anything else (never ran, partial, failed, rate-limited, an infrastructure failure, a corrupt
run_result.json) never counts as done. Entries of run folders that are gone, and impossible pairs such as
replay_generated with failed, are corrected. experiment_dir is set to where the experiment is now (after a move or a
copy), and a zombie checkpoint (running, runner gone, heartbeat over 120 s old) is set to interrupted with every state
map kept.

A correction that moves a run backward (something recorded as done would be done again) is only reported, as a
warning, unless -Force is given. Before anything is written the checkpoint is copied to checkpoint.json.bak. A 2.0
checkpoint stays 2.0 unless -UpgradeFormat is given. A missing checkpoint is built from the run folders. -WhatIf
prints every correction. Each correction is emitted as a CheckpointChange.

A run-level correction is applied under the run's lease (the lock Invoke-ScyllaRerun holds while it re-runs the
run): a run another process holds, on this host or another, keeps its entry and gets a RunBusy error. While the
experiment's own runner (the Python tool) owns the experiment, on any host, nothing is written (ExperimentBusy) unless
-Force.
'@
    Parameters  = @{
        Path          = 'Experiment folders. Wildcards are supported. Default: the current folder.'
        LiteralPath   = 'Experiment folders, taken literally. Bound by property name (PSPath, or ExperimentPath from ScyllaRun objects).'
        Force         = 'Also apply the corrections that move a run backward, and write even while the experiment''s own runner seems to own the experiment (ExperimentBusy).'
        UpgradeFormat = 'Write a 2.0 checkpoint as 3.1 (January-era ProjectScylla tools then no longer load it).'
    }
    Defaults    = @{ Path = '.' }
    Outputs     = @{ CheckpointChange = 'One per correction, with Applied saying whether it was written.' }
    Examples    = @(
        @{
            Title   = 'See what a repair would correct'
            Code    = "New-ScyllaSampleExperiment ./exp | Out-Null`nRemove-Item ./exp/checkpoint.json`nRepair-ScyllaCheckpoint ./exp -WhatIf"
            Remarks = 'Lists the checkpoint that would be built from the run folders; nothing is written.'
        }
        @{
            Title   = 'Repair every experiment of a folder, backward corrections included'
            Code    = "New-ScyllaSampleExperiment ./exp | Out-Null`nRepair-ScyllaCheckpoint ./exp* -Force | Where-Object Applied"
            Remarks = 'The previous checkpoint of each is kept as checkpoint.json.bak.'
        }
    )
}
