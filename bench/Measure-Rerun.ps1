<#
.SYNOPSIS
    Wall time of Invoke-ScyllaRerun over 8 Missing runs whose (scripted) agent sleeps 2 s, at each -ThrottleLimit, against
    the ideal (agent time x runs / limit); with -JudgeSeconds, 3 judges that sleep that long, judged in parallel (the
    default) and one at a time (-JudgeThrottleLimit 1).
.DESCRIPTION
        ./build.sh build
        dotnet pwsh -NoProfile bench/Measure-Rerun.ps1 -ThrottleLimit 1, 2, 4, 8
        dotnet pwsh -NoProfile bench/Measure-Rerun.ps1 -Runs 4 -ThrottleLimit 4 -AgentSeconds 0 -JudgeSeconds 2
#>
param(
    [int] $Runs = 8,
    [int] $AgentSeconds = 2,
    [int[]] $ThrottleLimit = @(1, 4),
    [int] $JudgeSeconds = 0,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).ProviderPath
$fakes = Join-Path $PSScriptRoot '../examples/fake-claude'
$root = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-rerun-$PID"
$env:SCYLLA_FAKE_AGENT_MODE = "sleep:$AgentSeconds"
if ($JudgeSeconds -gt 0) { $env:SCYLLA_FAKE_JUDGE_MODE = "sleep:$JudgeSeconds" }

$cases = foreach ($limit in $ThrottleLimit) {
    @{ ThrottleLimit = $limit; JudgeThrottleLimit = $null }
    if ($JudgeSeconds -gt 0) { @{ ThrottleLimit = $limit; JudgeThrottleLimit = 1 } }
}
$times = foreach ($case in $cases) {
    $limit = $case.ThrottleLimit
    $name = "tl$limit-j$($case.JudgeThrottleLimit)"
    $experiment = (New-ScyllaSampleExperiment (Join-Path $root $name) -TierCount 1 -SubtestCount 1 -RunCount $Runs -Status Missing -WithRepository).FullName
    $tierConfig = Join-Path $experiment 'tier-config'
    $judging = if ($case.JudgeThrottleLimit) { @{ JudgeThrottleLimit = $case.JudgeThrottleLimit } } else { @{} }
    $elapsed = Measure-Command {
        $results = Get-ScyllaRun $experiment | Invoke-ScyllaRerun -TierConfigPath $tierConfig -ThrottleLimit $limit `
            -AgentPath (Join-Path $fakes 'agent.sh') -JudgePath (Join-Path $fakes 'judge.sh') @judging
    }
    if (@($results | Where-Object Outcome -ne 'Succeeded').Count -gt 0) { throw "Some runs failed at -ThrottleLimit $limit." }
    $judgeTime = if ($case.JudgeThrottleLimit) { 3 * $JudgeSeconds } else { $JudgeSeconds }
    $ideal = [math]::Ceiling($Runs / $limit) * ($AgentSeconds + $judgeTime)
    [pscustomobject]@{
        ThrottleLimit = $limit; Judges = $(if ($case.JudgeThrottleLimit) { 'one at a time' } else { 'at once' }); Runs = $Runs
        'WallTime(s)' = [math]::Round($elapsed.TotalSeconds, 2); 'Ideal(s)' = $ideal
        'Ratio' = $(if ($ideal -gt 0) { [math]::Round($elapsed.TotalSeconds / $ideal, 2) } else { $null })
        'OverheadPerRun(s)' = [math]::Round(($elapsed.TotalSeconds - $ideal) * $limit / $Runs, 2)
    }
}

$times | Format-Table -AutoSize | Out-String | Write-Host
Remove-Item Env:SCYLLA_FAKE_AGENT_MODE, Env:SCYLLA_FAKE_JUDGE_MODE -ErrorAction Ignore
Remove-Item $root -Recurse -Force
