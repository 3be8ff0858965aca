<#
.SYNOPSIS
    A Slurm job array against Invoke-ScyllaRerun on one host, side by side (docs/cluster.md; docs/performance.md).
.DESCRIPTION
    Two identical sample experiments of -Count Missing runs. One is re-run by Invoke-ScyllaRerun -ThrottleLimit
    -Throttle in this process; the other is submitted with Submit-ScyllaRerun -ThrottleLimit -Throttle to the Slurm this
    host runs (tools/Start-Slurm.sh), timed from the submission to the end of its results job. Both use the bundled
    offline stand-ins for claude (an agent run that takes -AgentSeconds), so the ratio shows what a task adds: Slurm's
    scheduling, and a pwsh that starts and imports the module per run. A real agent run takes minutes, so its share
    there is far smaller.
        ./build.sh build; bash tools/Start-Slurm.sh
        dotnet pwsh -NoProfile bench/Measure-SlurmArray.ps1 -Count 12 -Throttle 2 -AgentSeconds 5
#>
param(
    [ValidateRange(1, 98)]
    [int] $Count = 12,
    [ValidateRange(1, 64)]
    [int] $Throttle = 2,
    [ValidateRange(0, 600)]
    [int] $AgentSeconds = 5,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).ProviderPath
$fakes = (Resolve-Path (Join-Path $PSScriptRoot '../examples/fake-claude')).ProviderPath
$root = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-slurm-$PID"
$env:SCYLLA_FAKE_AGENT_MODE = "sleep:$AgentSeconds"
$common = @{ AgentPath = "$fakes/agent.sh"; JudgePath = "$fakes/judge.sh"; ThrottleLimit = $Throttle }

function New-Experiment([string] $Name) {
    (New-ScyllaSampleExperiment (Join-Path $root $Name) -TierCount 1 -SubtestCount 1 -RunCount $Count -Status Missing `
            -WithRepository).FullName
}

try {
    $local = New-Experiment 'local'
    $localTime = Measure-Command {
        $null = Invoke-ScyllaRerun -Path $local -TierConfigPath "$local/tier-config" @common
    }

    $cluster = New-Experiment 'cluster'
    $clusterTime = Measure-Command {
        $jobs = Submit-ScyllaRerun -Path $cluster -TierConfigPath "$cluster/tier-config" @common
        while (squeue -h -o '%F' | Where-Object { $_.Trim() -in $jobs.JobId }) { Start-Sleep -Milliseconds 250 }
    }

    $completed = @(Get-ScyllaRun $local, $cluster -Status Completed).Count
    [pscustomobject]@{
        Runs                 = $Count
        Throttle             = $Throttle
        AgentSeconds         = $AgentSeconds
        InvokeSeconds        = [Math]::Round($localTime.TotalSeconds, 1)
        SlurmArraySeconds    = [Math]::Round($clusterTime.TotalSeconds, 1)
        SlurmToInvokeRatio   = [Math]::Round($clusterTime.TotalSeconds / $localTime.TotalSeconds, 2)
        SlurmOverheadPerTask = [Math]::Round(($clusterTime - $localTime).TotalSeconds * $Throttle / $Count, 2)
        Completed            = "$completed of $(2 * $Count)"
    } | Format-List
}
finally {
    Remove-Item $root -Recurse -Force -ErrorAction Ignore
}
