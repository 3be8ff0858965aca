@{
    Synopsis    = 'Lists the runs of one or more experiments with their true state on disk.'
    Description = @'
Get-ScyllaRun reads ProjectScylla experiment folders and emits one ScyllaRun object per run, as the scan goes. Each run
carries its status (Completed, Results, Failed, Partial or Missing, classified exactly as ProjectScylla does, or
RateLimited for an agent a usage limit stopped), the reason, the status of each judge slot, the run's state and outcome
in checkpoint.json, and the score, grade, cost and duration from run_result.json when present.

Expected runs are tiers_to_run x subtests x 1..runs_per_subtest. The subtests come from -TierConfigPath, else from the
tier configuration found beside the experiment, else from the subtest folders on disk. Run folders on disk that the
configuration does not expect are listed too, with IsExpected set to $false.

A path that does not exist, or that holds no config/experiment.json, is a non-terminating error; the other paths are
still listed. Folders matched by a wildcard that are not experiments are skipped silently. A file that cannot be read
(a truncated checkpoint.json or run_result.json, say) is reported as a warning naming it, and the run is listed with
what could be read. The workspace of a run is never read.
'@
    Parameters  = @{
        Path           = 'Experiment folders to list. Wildcards are supported; matches that are not experiments are skipped. Default: the current folder.'
        LiteralPath    = 'Experiment folders, taken literally. Bound by property name from pipeline input: PSPath (Get-ChildItem output) or ExperimentPath (Scylla objects). Each experiment is listed once per call.'
        Tier           = 'Only these tiers (T0 to T6, case-insensitive). A tier the experiment lacks is an error (TierNotInExperiment) listing its tiers. Completes from the experiment in -Path.'
        Subtest        = 'Only these subtests (for example 01; a number finds the subtest of that number, so -Subtest 1 and -Subtest 01 find 01). A subtest the experiment lacks is an error (SubtestNotInExperiment) listing its subtests. Completes from the experiment in -Path.'
        RunNumber      = 'Only these run numbers (1-based). A run number the selected subtests lack is an error (RunNumberNotInExperiment). Completes from the experiment in -Path.'
        Status         = 'Only runs with these statuses: Completed, Missing, Failed, Partial, Results, RateLimited. A run the filter drops has only its folder and agent/ listed, none of its JSON files read, so a filtered scan is faster.'
        TierConfigPath = 'The tier configuration folder (holding tiers.yaml and subtests/) that defines the subtests.'
    }
    Defaults    = @{ Path = '.' }
    Outputs     = @{
        ScyllaRun = @'
One object per run. Its properties are flat, so Export-Csv and ConvertTo-Json keep them all. A run that a live Slurm
submission of Submit-ScyllaRerun holds also has ClusterJob (JobId_N), ClusterState (Submitted, Running) and
ClusterHost, and the table shows them before its reason.
'@
    }
    Examples    = @(
        @{
            Title   = 'List the runs of an experiment'
            Code    = @'
New-ScyllaSampleExperiment ./exp | Out-Null
Get-ScyllaRun ./exp
'@
            Remarks = 'Generates a sample experiment and shows every run with its status, score, judge slots and checkpoint state.'
        }
        @{
            Title   = 'Count runs by tier and status across experiments'
            Code    = @'
New-ScyllaSampleExperiment ./exp-a -TierCount 2 | Out-Null
New-ScyllaSampleExperiment ./exp-b -TierCount 3 | Out-Null
New-Item -ItemType Directory ./notes | Out-Null
Get-ScyllaRun ./* | Group-Object Tier, Status | Sort-Object Count
'@
            Remarks = 'Every folder here that is an experiment is listed; the others (notes) are skipped.'
        }
        @{
            Title   = 'Pick the broken runs of one tier'
            Code    = @'
New-ScyllaSampleExperiment ./exp | Out-Null
Get-ScyllaRun ./exp -Tier T1 -Status Missing, Failed, Partial
'@
            Remarks = 'These are the runs Invoke-ScyllaRerun would re-run.'
        }
    )
    Notes       = 'Statuses, layouts and error ids are explained in about_Scylla.'
}
