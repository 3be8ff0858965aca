<#
.SYNOPSIS
    How fast Invoke-ScyllaRerun starts its agents and how fast a stop (what Ctrl+C does) ends them.
.DESCRIPTION
    Start spread: 8 Missing runs at -ThrottleLimit 8, each agent writing its start time; the figure is the time from the
    first agent start to the eighth (the agent is a bash script, so the figure includes bash's own start).
    Stop latency: 8 runs whose agents ignore SIGTERM, at -ThrottleLimit 8; once all 8 run, the pipeline is stopped the
    way Ctrl+C stops it (PowerShell.Stop), and the figure is the time until the cmdlet returns with every agent gone.
    The target is the grace period (5 s) plus at most 1 s, not 8 grace periods. Each figure is the median of -Repeat.

        ./build.sh build
        dotnet pwsh -NoProfile bench/Measure-RerunStartAndStop.ps1
#>
param(
    [int] $Runs = 8,
    [int] $Repeat = 3,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1')
)

$ErrorActionPreference = 'Stop'
$module = (Resolve-Path $ModulePath).ProviderPath
Import-Module $module
$fakes = (Resolve-Path (Join-Path $PSScriptRoot '../examples/fake-claude')).ProviderPath
$root = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-startstop-$PID"
New-Item -ItemType Directory $root | Out-Null

function New-Agent([string] $Name, [string] $Body) {
    $path = Join-Path $root "$Name.sh"
    Set-Content $path "#!/usr/bin/env bash`nif [ `"`${1:-}`" = --version ]; then echo bench; exit 0; fi`n$Body`n"
    chmod +x $path
    $path
}

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[math]::Floor($Values.Count / 2)] }

$starting = New-Agent 'starting' "date +%s.%N >> `"`$BENCH_LOG`"`nsleep 2`nexec '$fakes/agent.sh' `"`$@`""
$stubborn = New-Agent 'stubborn' "trap '' TERM`necho `$`$ >> `"`$BENCH_LOG`"`nwhile true; do sleep 0.2; done"

$spreads = foreach ($k in 1..$Repeat) {
    $experiment = (New-ScyllaSampleExperiment (Join-Path $root "start$k") -TierCount 1 -SubtestCount 1 -RunCount $Runs -Status Missing -WithRepository).FullName
    $env:BENCH_LOG = Join-Path $root "start$k.log"
    Invoke-ScyllaRerun -Path $experiment -ThrottleLimit $Runs -AgentPath $starting -JudgePath "$fakes/judge.sh" -TierConfigPath "$experiment/tier-config" | Out-Null
    $starts = Get-Content $env:BENCH_LOG | ForEach-Object { [double]$_ }
    if ($starts.Count -ne $Runs) { throw "expected $Runs agent starts, saw $($starts.Count)" }
    (($starts | Measure-Object -Maximum).Maximum - ($starts | Measure-Object -Minimum).Minimum)
}

$stops = foreach ($k in 1..$Repeat) {
    $experiment = (New-ScyllaSampleExperiment (Join-Path $root "stop$k") -TierCount 1 -SubtestCount 1 -RunCount $Runs -Status Missing -WithRepository).FullName
    $env:BENCH_LOG = Join-Path $root "stop$k.log"
    $ps = [powershell]::Create()
    $ps.AddCommand('Import-Module').AddArgument($module).AddStatement().AddCommand('Invoke-ScyllaRerun').AddParameters(@{
            Path = $experiment; ThrottleLimit = $Runs; AgentPath = $stubborn; JudgePath = "$fakes/judge.sh"; TierConfigPath = "$experiment/tier-config"
        }) | Out-Null
    $running = $ps.BeginInvoke()
    while (-not (Test-Path $env:BENCH_LOG) -or @(Get-Content $env:BENCH_LOG).Count -lt $Runs) { Start-Sleep -Milliseconds 50 }
    $elapsed = Measure-Command { $ps.Stop() }
    $alive = @(Get-Content $env:BENCH_LOG | Where-Object { (Test-Path "/proc/$_") -and ((Get-Content "/proc/$_/stat" -Raw) -notmatch "\) Z ") })
    if ($alive.Count -gt 0) { throw "agents still running after the stop: $alive" }
    $ps.Dispose()
    $elapsed.TotalSeconds
}

[pscustomobject]@{
    'Runs'                          = $Runs
    'FirstToLastAgentStart(s)'      = [math]::Round((Get-Median $spreads), 3)
    'StartSpreads(s)'               = ($spreads | ForEach-Object { [math]::Round($_, 3) }) -join ', '
    'StopLatency(s)'                = [math]::Round((Get-Median $stops), 2)
    'StopLatencies(s)'              = ($stops | ForEach-Object { [math]::Round($_, 2) }) -join ', '
} | Format-List | Out-String | Write-Host
Remove-Item Env:BENCH_LOG
Remove-Item $root -Recurse -Force
