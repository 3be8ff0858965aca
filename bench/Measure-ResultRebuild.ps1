<#
.SYNOPSIS
    Times Update-ScyllaResult on a large generated experiment next to a Get-ScyllaRun of the same experiment.
.DESCRIPTION
    Generates (once, in the temp folder) an experiment of 7 tiers x 50 subtests x (Runs / 350) runs, every run
    Completed, then times in this process, after a warm-up, the best of -Repeat runs of:
        (a) Get-ScyllaRun <experiment> | Measure-Object
        (b) Update-ScyllaResult <experiment>         (reads every run_result.json, writes every result file)
        (c) Get-ScyllaExperiment <experiment>        (a run scan plus a read of every run_result.json)
    and the peak resident memory of a fresh pwsh running each of (b) and (c) once, from /usr/bin/time -f %M, next to
    that of a fresh pwsh that only imports the module (target for (b): under 200 MiB at 21,000 runs).
        ./build.sh build
        dotnet pwsh -NoProfile bench/Measure-ResultRebuild.ps1 -Runs 21000
#>
param(
    [ValidateRange(350, 1000000)]
    [int] $Runs = 21000,
    [ValidateRange(1, 20)]
    [int] $Repeat = 3,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).ProviderPath

$runsPerSubtest = [math]::Max(1, [int]($Runs / 350))
$experiment = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-results-$($runsPerSubtest * 350)"
if (-not (Test-Path (Join-Path $experiment 'checkpoint.json'))) {
    Remove-Item $experiment -Recurse -Force -ErrorAction Ignore
    $generation = Measure-Command {
        New-ScyllaSampleExperiment $experiment -TierCount 7 -SubtestCount 50 -RunCount $runsPerSubtest -Status Completed |
            Out-Null
    }
    Write-Host ("Generated {0} in {1:0.0} s" -f $experiment, $generation.TotalSeconds)
}

function Measure-Best([scriptblock] $Work) {
    & $Work | Out-Null # warm-up
    $times = 1..$Repeat | ForEach-Object { (Measure-Command { & $Work | Out-Null }).TotalSeconds }
    ($times | Measure-Object -Minimum).Minimum
}

$count = (Get-ScyllaRun $experiment | Measure-Object).Count
$scan = Measure-Best { Get-ScyllaRun $experiment | Measure-Object }
$rebuild = Measure-Best { Update-ScyllaResult $experiment }
$status = Measure-Best { Get-ScyllaExperiment $experiment }
$written = (Update-ScyllaResult $experiment).Paths.Count
$resultSize = (Get-Item (Join-Path $experiment 'result.json')).Length / 1MB

function Row([string] $Measure, [double] $Seconds) {
    [pscustomobject]@{ Measure = $Measure; Runs = $count; Seconds = [math]::Round($Seconds, 2); Ratio = [math]::Round($Seconds / $scan, 2) }
}

Row 'Get-ScyllaRun | Measure-Object' $scan
Row "Update-ScyllaResult ($written files, result.json $([math]::Round($resultSize, 1)) MB)" $rebuild
Row 'Get-ScyllaExperiment' $status

# Peak memory of a whole process, as /usr/bin/time reports it (KiB), for one call in a fresh pwsh.
function Measure-PeakMiB([string] $Command) {
    $pwsh = Join-Path $PSHOME 'pwsh'
    $module = (Resolve-Path $ModulePath).ProviderPath
    $script = "Import-Module '$module'; $Command | Out-Null"
    $report = & /usr/bin/time -f '%M' $pwsh -NoProfile -NonInteractive -Command $script 2>&1 | Select-Object -Last 1
    [math]::Round([double]"$report" / 1024, 0)
}

if (Test-Path /usr/bin/time) {
    $baseline = Measure-PeakMiB '$null'
    $rebuildPeak = Measure-PeakMiB "Update-ScyllaResult '$experiment'"
    $statusPeak = Measure-PeakMiB "Get-ScyllaExperiment '$experiment'"
    Write-Host ("Peak memory of a fresh pwsh at {0} runs: Update-ScyllaResult {1} MiB (target under 200), " +
        "Get-ScyllaExperiment {2} MiB, importing the module only {3} MiB.") -f $count, $rebuildPeak, $statusPeak,
        $baseline
}
