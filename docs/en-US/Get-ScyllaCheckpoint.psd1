@{
    Synopsis    = 'Reads the checkpoint.json of one or more experiments and summarizes it.'
    Description = @'
Get-ScyllaCheckpoint reads checkpoint.json (versions 2.0, 3.0 and 3.1, with ProjectScylla's migrations) and emits one
summary per experiment: the version on disk, the experiment's status and state, the config hash, and how many runs are
recorded as passed, failed or agent_complete, rate_limited (run state, no outcome) or not done, adding up to Runs. A
checkpoint.json that cannot be parsed is read from checkpoint.json.bak, with a warning. It also says whether the checkpoint is a zombie (IsZombie: status running,
runner gone, heartbeat over 120 s old; see RunnerPid, RunnerAlive, HeartbeatAge) and whether config_hash still matches
config/experiment.json in either era's hashing (ConfigHashMatches, ConfigHashEra). Runs piped from Get-ScyllaRun are grouped by experiment, so each
checkpoint is summarized once.

A missing checkpoint, an unreadable one, or one of another version is a non-terminating error naming the file.
'@
    Parameters  = @{
        Path        = 'Experiment folders. Wildcards are supported. Default: the current folder.'
        LiteralPath = 'Experiment folders, taken literally. Bound by property name (PSPath, or ExperimentPath from ScyllaRun objects).'
    }
    Defaults    = @{ Path = '.' }
    Outputs     = @{ CheckpointSummary = 'One summary per experiment.' }
    Examples    = @(
        @{
            Title   = 'Summarize an experiment''s checkpoint'
            Code    = @'
New-ScyllaSampleExperiment ./exp | Out-Null
Get-ScyllaCheckpoint ./exp
'@
            Remarks = 'Shows the version, status, state and run counts.'
        }
        @{
            Title   = 'Summarize the checkpoints of the experiments some runs belong to'
            Code    = @'
New-ScyllaSampleExperiment ./exp-a | Out-Null
New-ScyllaSampleExperiment ./exp-b | Out-Null
Get-ScyllaRun ./exp-* -Status Failed | Get-ScyllaCheckpoint
'@
            Remarks = 'Each experiment is summarized once, however many of its runs come through the pipeline.'
        }
    )
}
