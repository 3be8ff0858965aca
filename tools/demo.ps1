# The README's demo: generate a sample experiment and show what Get-ScyllaRun sees in it.
param(
    [Parameter(Mandatory)]
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$experiment = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-demo-$(Get-Date -Format 'yyyyMMdd-HHmmss')"
New-ScyllaSampleExperiment $experiment -TierCount 7 -SubtestCount 2 -RunCount 3 | Out-Null
Write-Host "Sample experiment: $experiment`n"

# A console that is not a terminal reports 80 columns; the module's views are laid out for 120.
function Show { $input | Out-String -Width 120 | Write-Host }

Write-Host 'Runs by status:'
Get-ScyllaRun $experiment | Group-Object Status | Sort-Object Count -Descending | Format-Table Count, Name -AutoSize | Show

Write-Host 'The runs a re-run would pick up (Missing, Failed, Partial), tier T1:'
Get-ScyllaRun $experiment -Tier T1 -Status Missing, Failed, Partial | Show

Write-Host 'Checkpoint:'
Get-ScyllaCheckpoint $experiment | Show
