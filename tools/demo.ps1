# The README's demo: generate a sample experiment (with a local git repository and tier configuration), show its runs,
# re-run the Missing and Failed ones with the bundled stand-ins for claude, and show the runs again.
param(
    [Parameter(Mandatory)]
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$fakes = Join-Path (Split-Path $PSScriptRoot -Parent) 'examples/fake-claude'

# A console that is not a terminal reports 80 columns; the module's views are laid out for 120.
function Show { $input | Out-String -Width 120 | Write-Host }

$experiment = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-demo-$(Get-Date -Format 'yyyyMMdd-HHmmss')"
New-ScyllaSampleExperiment $experiment -TierCount 3 -SubtestCount 1 -RunCount 5 -WithRepository | Out-Null
$tierConfig = Join-Path $experiment 'tier-config'
Write-Host "Sample experiment: $experiment`n"

Write-Host 'Before: runs by status'
Get-ScyllaRun $experiment | Group-Object Status | Sort-Object Name | Format-Table Count, Name -AutoSize | Show
Get-ScyllaRun $experiment | Show

Write-Host 'Re-running the Missing and Failed runs:  Get-ScyllaRun -Status Missing, Failed | Invoke-ScyllaRerun'
Get-ScyllaRun $experiment -Status Missing, Failed -TierConfigPath $tierConfig |
    Invoke-ScyllaRerun -TierConfigPath $tierConfig -AgentPath (Join-Path $fakes 'agent.sh') -JudgePath (Join-Path $fakes 'judge.sh') -ThrottleLimit 2 |
    Format-Table RunId, Action, Outcome, Score, Passed, ArchivePath -AutoSize | Show

Write-Host 'After: runs by status'
Get-ScyllaRun $experiment | Group-Object Status | Sort-Object Name | Format-Table Count, Name -AutoSize | Show
Get-ScyllaRun $experiment | Show
