<#
.SYNOPSIS
    Times Update-ScyllaResult on large generated experiments next to a Get-ScyllaRun of the same experiment.
.DESCRIPTION
    For each of -Runs, generates (once, in the temp folder) an experiment of 7 tiers x 50 subtests x (Runs / 350) runs,
    every run Completed, then times in this process, after a warm-up, the best of -Repeat runs of:
        (a) Get-ScyllaRun <experiment> | Measure-Object
        (b) Update-ScyllaResult <experiment>         (reads every run_result.json, writes every result file)
        (c) Get-ScyllaExperiment <experiment>        (a run scan plus a read of every run_result.json)
    and the peak resident memory of a fresh pwsh running each of (b) and (c) once, from /usr/bin/time -f %M, next to
    that of a fresh pwsh that only imports the module (target for (b) and (c): under 200 MiB at 21,000 runs, and
    about the same at every size).
        ./build.sh build
        dotnet pwsh -NoProfile -Command '& bench/Measure-ResultRebuild.ps1 -Runs 3500, 21000'
#>
param(
    [ValidateRange(350, 1000000)]
    [int[]] $Runs = @(3500, 21000),
    [ValidateRange(1, 20)]
    [int] $Repeat = 3,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).ProviderPath

function Get-Experiment([int] $Count) {
    $runsPerSubtest = [math]::Max(1, [int]($Count / 350))
    $path = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-results-$($runsPerSubtest * 350)"
    if (-not (Test-Path (Join-Path $path 'checkpoint.json'))) {
        Remove-Item $path -Recurse -Force -ErrorAction Ignore
        $generation = Measure-Command {
            New-ScyllaSampleExperiment $path -TierCount 7 -SubtestCount 50 -RunCount $runsPerSubtest -Status Completed |
                Out-Null
        }
        Write-Host ("Generated {0} in {1:0.0} s" -f $path, $generation.TotalSeconds)
    }
    $path
}

function Measure-Best([scriptblock] $Work) {
    & $Work | Out-Null # warm-up
    $times = 1..$Repeat | ForEach-Object { (Measure-Command { & $Work | Out-Null }).TotalSeconds }
    ($times | Measure-Object -Minimum).Minimum
}

# Peak memory of a whole process, as /usr/bin/time reports it (KiB), for one call in a fresh pwsh.
function Measure-PeakMiB([string] $Command) {
    $pwsh = Join-Path $PSHOME 'pwsh'
    $module = (Resolve-Path $ModulePath).ProviderPath
    $script = "Import-Module '$module'; $Command | Out-Null"
    $report = & /usr/bin/time -f '%M' $pwsh -NoProfile -NonInteractive -Command $script 2>&1 | Select-Object -Last 1
    [int][math]::Round([double]"$report" / 1024, 0)
}

$timings = [System.Collections.Generic.List[object]]::new()
$peaks = foreach ($size in $Runs) {
    $experiment = Get-Experiment $size
    $count = (Get-ScyllaRun $experiment | Measure-Object).Count
    $scan = Measure-Best { Get-ScyllaRun $experiment | Measure-Object }
    $rebuild = Measure-Best { Update-ScyllaResult $experiment }
    $status = Measure-Best { Get-ScyllaExperiment $experiment }
    $written = (Update-ScyllaResult $experiment).Paths.Count
    $resultSize = [math]::Round((Get-Item (Join-Path $experiment 'result.json')).Length / 1MB, 1)
    foreach ($row in @(
            @('Get-ScyllaRun | Measure-Object', $scan),
            @("Update-ScyllaResult ($written files, result.json $resultSize MB)", $rebuild),
            @('Get-ScyllaExperiment', $status))) {
        $timings.Add([pscustomobject]@{
                Measure = $row[0]; Runs = $count; Seconds = [math]::Round($row[1], 2)
                Ratio = [math]::Round($row[1] / $scan, 2)
            })
    }

    if (Test-Path /usr/bin/time) {
        [pscustomobject]@{
            Runs = $count
            'Update-ScyllaResult MiB' = Measure-PeakMiB "Update-ScyllaResult '$experiment'"
            'Get-ScyllaExperiment MiB' = Measure-PeakMiB "Get-ScyllaExperiment '$experiment'"
            'Import only MiB' = Measure-PeakMiB '$null'
        }
    }
}

$timings | Format-Table -AutoSize | Out-Host
if ($peaks) {
    Write-Host 'Peak memory of a fresh pwsh (target: under 200 MiB at 21,000 runs, about the same at every size):'
    $peaks | Format-Table -AutoSize | Out-Host
}
