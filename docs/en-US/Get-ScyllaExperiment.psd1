@{
    Synopsis    = 'Shows where experiments stand: run counts by status, judge slots, scores, cost, owner and completeness.'
    Description = @'
Get-ScyllaExperiment emits one object per experiment (or, with -By Tier, -By Subtest or -Tier, one per tier or
subtest): the id, path and layout; the checkpoint version and status; whether a runner owns it now (a live pid, the
heartbeat's age) or it is a zombie (status running, a dead pid and a heartbeat older than two minutes); the expected
runs and how many runs are in each status (RateLimited included, so the counts add up to TotalRuns), counted exactly
as Get-ScyllaRun lists them; complete judge slots of those
expected; the pass rate, mean score, cost, tokens and agent and judge time of the runs with a result; and which tiers
have a best subtest in their result files (what T5 inherits from).

Completeness is Complete when every expected run is Completed with all its judge slots, Stuck when it is not and the
Fingerprint equals the one passed with -PreviousFingerprint (no run changed since that call), and Progressing
otherwise. A scheduled task keeps the Fingerprint between calls (see examples/Invoke-NightlyRerun.ps1).
'@
    Parameters  = @{
        Path                = 'Experiment folders, or with -Id the folder holding experiments. Wildcards are supported. Default: the current folder.'
        LiteralPath         = 'Experiment folders, taken literally. Bound by property name (PSPath from Get-ChildItem, or ExperimentPath from ScyllaRun objects).'
        Id                  = 'An experiment id: the newest folder named <timestamp>-<id> under -Path that holds an experiment is shown.'
        Tier                = 'Only these tiers. Implies -By Tier unless -By is given.'
        By                  = 'Experiment (default), Tier or Subtest: what each output object sums up.'
        PreviousFingerprint = 'The Fingerprint of an earlier call. When it is unchanged, an incomplete experiment without a live runner is Stuck.'
        TierConfigPath      = 'The tier configuration (tiers.yaml and subtests/) that says which subtests are expected.'
    }
    Defaults    = @{ Path = '.'; By = 'Experiment' }
    Outputs     = @{
        ScyllaExperiment = @'
One object per experiment, tier or subtest. While a Slurm submission of Submit-ScyllaRerun holds some of its runs, it
also has Submitted and Running (run counts) and ClusterHosts.
'@
    }
    Examples    = @(
        @{
            Title   = 'See where an experiment stands'
            Code    = "New-ScyllaSampleExperiment ./exp | Out-Null`nGet-ScyllaExperiment ./exp"
            Remarks = 'Format-Table -View Compact fits 80 columns.'
        }
        @{
            Title   = 'Per tier, and whether anything changed since the last look'
            Code    = "New-ScyllaSampleExperiment ./exp | Out-Null`n`$before = (Get-ScyllaExperiment ./exp).Fingerprint`nGet-ScyllaExperiment ./exp -By Tier -PreviousFingerprint `$before | Format-Table -View Compact"
            Remarks = 'No run changed between the two calls, so an incomplete experiment shows as Stuck.'
        }
    )
}
