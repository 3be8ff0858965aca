<#
.SYNOPSIS
    The dry run against the scan: Invoke-ScyllaRerun -WhatIf and Get-ScyllaRerunPlan over an experiment of -Runs runs,
    each against Get-ScyllaRun over the same runs, warm, alternating, medians (docs/performance.md; target: at most
    1.5).
.DESCRIPTION
    7 tiers x 50 subtests x 60 runs by default (21,000 runs), every status represented.
        ./build.sh build
        dotnet pwsh -NoProfile bench/Measure-RerunPlan.ps1
        dotnet pwsh -NoProfile bench/Measure-RerunPlan.ps1 -SubtestCount 10 -Repeat 3
#>
param(
    [ValidateRange(1, 99)]
    [int] $SubtestCount = 50,
    [ValidateRange(1, 1000)]
    [int] $RunCount = 60,
    [ValidateRange(1, 50)]
    [int] $Repeat = 5,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).ProviderPath
$runs = 7 * $SubtestCount * $RunCount
$experiment = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-plan/runs-$runs"
if (-not (Test-Path (Join-Path $experiment 'checkpoint.json'))) {
    Remove-Item $experiment -Recurse -Force -ErrorAction Ignore
    $took = Measure-Command {
        $null = New-ScyllaSampleExperiment $experiment -TierCount 7 -SubtestCount $SubtestCount -RunCount $RunCount
    }
    Write-Host ('Generated {0} runs in {1:0.0} s: {2}' -f $runs, $took.TotalSeconds, $experiment)
}

$cases = [ordered]@{
    'Get-ScyllaRun'         = { Get-ScyllaRun $experiment | Out-Null }
    'Invoke -WhatIf'        = { Invoke-ScyllaRerun $experiment -WhatIf | Out-Null }
    'Get-ScyllaRerunPlan'   = { Get-ScyllaRerunPlan $experiment | Out-Null }
}
$null = Get-ScyllaRun $experiment # warm: the file system cache and the JIT
$times = @{}
foreach ($name in $cases.Keys) { $times[$name] = [System.Collections.Generic.List[double]]::new() }
for ($i = 0; $i -lt $Repeat; $i++) {
    foreach ($name in $cases.Keys) {
        $times[$name].Add((Measure-Command $cases[$name]).TotalSeconds)
    }
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object; $sorted[[int][math]::Floor($sorted.Count / 2)]
}
$scan = Get-Median $times['Get-ScyllaRun']
$(foreach ($name in $cases.Keys) {
    $median = Get-Median $times[$name]
    [pscustomobject]@{
        Case      = $name
        Runs      = $runs
        MedianS   = [math]::Round($median, 2)
        RunsPerS  = [math]::Round($runs / $median)
        VsScan    = [math]::Round($median / $scan, 2)
        Target    = if ($name -eq 'Get-ScyllaRun') { '' } else { '<= 1.5' }
    }
}) | Format-Table -AutoSize
