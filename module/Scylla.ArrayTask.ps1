# One job of a Slurm submission made by Submit-ScyllaRerun (docs/cluster.md). An array task re-runs the run at index
# SLURM_ARRAY_TASK_ID of the plan with the module's own Invoke-ScyllaRerun, which owns the run through its lease; with
# -Results, the job that starts after the arrays rebuilds the experiment's result files once.
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PlanPath,
    [switch] $Results
)

$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText' # the task logs are files
Import-Module (Join-Path $PSScriptRoot 'Scylla.psd1')

# The plan names the programs a task starts, so only its owner may have written it (docs/cluster.md, "What the
# shared filesystem must provide").
$othersMayWrite = [System.IO.UnixFileMode]'GroupWrite, OtherWrite'
if ((Get-Item -LiteralPath $PlanPath).UnixFileMode -band $othersMayWrite) {
    throw "The plan '$PlanPath' is writable by other users; it was not run."
}
$plan = Get-Content -LiteralPath $PlanPath -Raw | ConvertFrom-Json -AsHashtable
$folder = Split-Path $PlanPath
$experiment = $plan.experiment

if ($Results) {
    Update-ScyllaResult -LiteralPath $experiment | Format-List | Out-Host
    [Scylla.Core.Cluster.ArrayTaskRecord]::Finished($folder)
    exit 0
}

$index = [int]$env:SLURM_ARRAY_TASK_ID
$jobId = "$($env:SLURM_ARRAY_JOB_ID)_$index"
$run = $plan.runs[$index]
$address = @{ ExperimentPath = $experiment; Tier = $run.tier; Subtest = $run.subtest; RunNumber = $run.run_number }
$rerun = $plan.rerun
[Scylla.Core.Cluster.ArrayTaskRecord]::Started($folder, $index, $jobId)
$outcome = 'Interrupted' # until Invoke-ScyllaRerun says otherwise: scancel's SIGTERM ends it early
$pause = [Scylla.Core.Cluster.SharedRateLimitPause]
try {
    while ($true) {
        # No agent starts while the experiment is paused for a rate limit, whichever host recorded the pause.
        while (($left = $pause::Remaining($experiment, [DateTimeOffset]::UtcNow)) -gt 0) {
            Write-Host "$jobId paused for a rate limit: $left left"
            Start-Sleep -Milliseconds ([Math]::Min($left.TotalMilliseconds, 5000))
        }

        $result = Invoke-ScyllaRerun @address @rerun -ErrorAction Continue
        $outcome = "$($result.Outcome)"
        $limit = $result.Error -as [Scylla.Core.Execution.RateLimitException]
        $wait = $plan.max_rate_limit_wait_seconds
        if (-not $limit -or $null -eq $wait) {
            break
        }

        # Paused for every task of every host, then this run again; a reset too far away ends it RateLimited.
        $now = [DateTimeOffset]::UtcNow
        if (-not $pause::Extend($experiment, $limit.ResetAt, $now, [TimeSpan]::FromSeconds($wait), $limit.LimitedBy)) {
            break
        }
    }

    $result | Format-List | Out-Host
}
finally {
    [Scylla.Core.Cluster.ArrayTaskRecord]::Ended($folder, $index, $jobId, $outcome)
}

# Skipped: another owner has the run, or it needs nothing; Slurm shows the other outcomes as a failed task.
exit $(if ($outcome -in 'Succeeded', 'Skipped') { 0 } else { 1 })
