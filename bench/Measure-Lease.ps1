<#
.SYNOPSIS
    The run lease's cost against the cheapest re-run of a run (docs/format.md, "Leases"; docs/performance.md).
.DESCRIPTION
    On one sample experiment of -Count runs: takes and releases each run's lease -Count times in turn, first when the
    lease file is new, then when it exists (the usual case), and re-runs each run with the bundled offline stand-ins
    for claude (a run that does almost nothing, so the floor of a real run). Prints the medians and the lease's share
    of the re-run (target: under 1 %). A real agent run takes minutes, so the share there is far smaller.
        ./build.sh build
        dotnet pwsh -NoProfile bench/Measure-Lease.ps1 -Count 20
#>
param(
    [ValidateRange(1, 98)]
    [int] $Count = 20,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).ProviderPath
$fakes = Join-Path $PSScriptRoot '../examples/fake-claude'
$root = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-lease-$PID"
$experiment = (New-ScyllaSampleExperiment (Join-Path $root 'exp') -TierCount 1 -SubtestCount 1 -RunCount $Count `
        -Status Failed -WithRepository).FullName
$runs = 1..$Count | ForEach-Object { [Scylla.Core.Runs.RunReference]::new($experiment, 'T0', '00', $_) }

function Measure-Lease {
    $runs | ForEach-Object {
        $run = $_
        (Measure-Command { [Scylla.Core.Execution.RunLease]::Acquire($run).Dispose() }).TotalMilliseconds
    }
}

$null = Measure-Lease # warms up (JIT); creates every lease file
Remove-Item (Join-Path $experiment '.scylla') -Recurse -Force
$created = Measure-Lease
$existing = Measure-Lease
$rerun = $runs | ForEach-Object {
    (Measure-Command {
            $null = Invoke-ScyllaRerun -Path $experiment -RunNumber $_.RunNumber -AgentPath "$fakes/agent.sh" `
                -JudgePath "$fakes/judge.sh" -TierConfigPath "$experiment/tier-config"
        }).TotalMilliseconds
}

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][math]::Floor(($Values.Count - 1) / 2)] }
$leaseMs = Get-Median $existing
$rerunMs = Get-Median $rerun
[pscustomobject]@{
    Runs                 = $Count
    LeaseNewFileMs       = [math]::Round((Get-Median $created), 3)
    LeaseExistingFileMs  = [math]::Round($leaseMs, 3)
    RerunOfflineMs       = [math]::Round($rerunMs, 1)
    LeaseShareOfRerun    = '{0:P2}' -f ($leaseMs / $rerunMs)
    Target               = 'under 1 %'
}
Remove-Item $root -Recurse -Force
