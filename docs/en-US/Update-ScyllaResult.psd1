@{
    Synopsis    = 'Rebuilds the subtest, tier and experiment result files of experiments from the runs on disk.'
    Description = @'
Update-ScyllaResult reads every run_NN/run_result.json of an experiment (in the flat tier folders, or in completed/ for
the phase layout; never runs under .failed/ or in_progress/) and rewrites the files the Python tool aggregates from
them: each subtest's report.json and report.md; each tier's result.json, best_subtest.json, report.json, report.md and
summary.md; and the experiment's result.json, tier_comparison.json, report.json, report.md and summary.md. The numbers
are computed as the Python tool computes them (exact mean and standard deviation, the same best-subtest ranking and
token tie-breaker), and the JSON keeps its byte format. Durations, start and end times and a tier's inherited baseline
cannot be recomputed from the runs; they are kept from the file being replaced. The first rebuild keeps the previous
result.json as result.json.backup.

A run_result.json that cannot be read or lacks a key is left out with a warning. A tier with no run result keeps its
old files. Each file is replaced atomically. Use -WhatIf to see which experiments would be rebuilt.

A rebuild reads and writes under the experiment's results lock (.scylla/results.lock), which the re-runs' own
rebuilds take too, so the files written last were built from the newest runs. While the experiment's own runner (the
Python tool) owns the experiment, on any host, nothing is written (ExperimentBusy) unless -Force.
'@
    Parameters  = @{
        Force       = "Write even while the experiment's own runner seems to own the experiment (ExperimentBusy)."
        Path        = 'Experiment folders. Wildcards are supported. Default: the current folder.'
        LiteralPath = 'Experiment folders, taken literally. Bound by property name (PSPath from Get-ChildItem, or ExperimentPath from ScyllaRun and RerunResult objects).'
        Tier        = "Rebuild only these tiers' files. The experiment's own files are still rebuilt from every tier."
    }
    Defaults    = @{ Path = '.' }
    Outputs     = @{ ResultRebuild = 'One object per experiment: the files written (Paths), the tiers with their best subtests, and any issues.' }
    Examples    = @(
        @{
            Title   = 'Rebuild the result files of an experiment'
            Code    = "New-ScyllaSampleExperiment ./exp | Out-Null`nUpdate-ScyllaResult ./exp"
            Remarks = 'Shows how many files were written and the best subtest of each tier.'
        }
        @{
            Title   = 'Rebuild what re-runs changed, after the re-runs'
            Code    = "New-ScyllaSampleExperiment ./exp | Out-Null`nGet-ScyllaRun ./exp -Status Missing | Update-ScyllaResult -WhatIf"
            Remarks = 'Each experiment the runs belong to is rebuilt once; -WhatIf only says which.'
        }
        @{
            Title   = 'List the files written for one tier'
            Code    = "New-ScyllaSampleExperiment ./exp | Out-Null`n(Update-ScyllaResult ./exp -Tier T0).Paths"
            Remarks = "T0's subtest and tier files, then the experiment's files."
        }
    )
}
