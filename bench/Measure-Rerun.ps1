<#
.SYNOPSIS
    Wall time of Invoke-ScyllaRerun over 8 Missing runs whose (scripted) agent sleeps 2 s, at -ThrottleLimit 1 and 4.
.DESCRIPTION
        ./build.sh build
        dotnet pwsh -NoProfile bench/Measure-Rerun.ps1
#>
param(
    [int] $Runs = 8,
    [int] $AgentSeconds = 2,
    [int[]] $ThrottleLimit = @(1, 4),
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).ProviderPath
$fakes = Join-Path $PSScriptRoot '../examples/fake-claude'
$root = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-rerun-$PID"
$env:SCYLLA_FAKE_AGENT_MODE = "sleep:$AgentSeconds"

$times = foreach ($limit in $ThrottleLimit) {
    $experiment = (New-ScyllaSampleExperiment (Join-Path $root "tl$limit") -TierCount 1 -SubtestCount 1 -RunCount $Runs -Status Missing -WithRepository).FullName
    $tierConfig = Join-Path $experiment 'tier-config'
    $elapsed = Measure-Command {
        $results = Get-ScyllaRun $experiment | Invoke-ScyllaRerun -TierConfigPath $tierConfig -ThrottleLimit $limit `
            -AgentPath (Join-Path $fakes 'agent.sh') -JudgePath (Join-Path $fakes 'judge.sh')
    }
    if (@($results | Where-Object Outcome -ne 'Succeeded').Count -gt 0) { throw "Some runs failed at -ThrottleLimit $limit." }
    [pscustomobject]@{ ThrottleLimit = $limit; Runs = $Runs; 'WallTime(s)' = [math]::Round($elapsed.TotalSeconds, 2) }
}

$times | Format-Table -AutoSize | Out-String | Write-Host
if ($times.Count -eq 2) { Write-Host ("Ratio (ThrottleLimit {0} / {1}): {2:0.00}" -f $times[0].ThrottleLimit, $times[1].ThrottleLimit, ($times[0].'WallTime(s)' / $times[1].'WallTime(s)')) }
Remove-Item Env:SCYLLA_FAKE_AGENT_MODE
Remove-Item $root -Recurse -Force
