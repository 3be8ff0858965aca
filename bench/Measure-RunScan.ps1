<#
.SYNOPSIS
    Times Get-ScyllaRun over a large generated experiment against a floor, and reports peak memory.
.DESCRIPTION
    (a) Get-ScyllaRun <experiment> | Measure-Object, in this process.
    (b) The floor: for every run, list its run directory, agent/ and judge/ and nothing else (compiled C#, so
        PowerShell's own overhead does not flatter the ratio).
    Each is run 5 times after a warm-up; the best time is reported. Run it at two sizes, in separate processes,
    to see whether peak memory grows with the experiment:
        ./build.sh build
        dotnet pwsh -NoProfile bench/Measure-RunScan.ps1 -Runs 5000
        dotnet pwsh -NoProfile bench/Measure-RunScan.ps1 -Runs 20000
#>
param(
    [ValidateRange(100, 1000000)]
    [int] $Runs = 20000,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).ProviderPath

# 4 tiers x 50 subtests x (Runs / 200) runs, all five statuses in turn.
$runsPerSubtest = [math]::Max(1, [int]($Runs / 200))
$experiment = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-$($runsPerSubtest * 200)"
if (-not (Test-Path (Join-Path $experiment 'checkpoint.json'))) {
    Remove-Item $experiment -Recurse -Force -ErrorAction Ignore
    $generation = Measure-Command { New-ScyllaSampleExperiment $experiment -TierCount 4 -SubtestCount 50 -RunCount $runsPerSubtest | Out-Null }
    Write-Host ("Generated {0} in {1:0.0} s" -f $experiment, $generation.TotalSeconds)
}

Add-Type -TypeDefinition @'
using System.IO;
public static class ListingFloor
{
    // Lists every run directory, its agent/ and judge/ (entries counted so the work is not optimized away).
    public static long Run(string experiment)
    {
        long entries = 0;
        foreach (var tier in Directory.EnumerateDirectories(experiment, "T*"))
        foreach (var subtest in Directory.EnumerateDirectories(tier))
        foreach (var run in Directory.EnumerateDirectories(subtest, "run_*"))
        {
            foreach (var _ in Directory.EnumerateFileSystemEntries(run)) entries++;
            foreach (var sub in new[] { "agent", "judge" })
            {
                var path = Path.Combine(run, sub);
                if (Directory.Exists(path)) foreach (var _ in Directory.EnumerateFileSystemEntries(path)) entries++;
            }
        }
        return entries;
    }
}
'@

function Measure-Best([scriptblock] $Action, [int] $Times = 5) {
    (1..$Times | ForEach-Object { (Measure-Command $Action).TotalSeconds } | Measure-Object -Minimum).Minimum
}

$baselineMiB = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB
$heapBeforeMiB = [GC]::GetTotalMemory($true) / 1MB
[ListingFloor]::Run($experiment) | Out-Null # warm the page cache for both
$count = (Get-ScyllaRun $experiment | Measure-Object).Count
$scan = Measure-Best { Get-ScyllaRun $experiment | Measure-Object | Out-Null }
$peakMiB = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB
$heapAfterMiB = [GC]::GetTotalMemory($true) / 1MB
$floor = Measure-Best { [ListingFloor]::Run($experiment) | Out-Null }

[pscustomobject]@{
    Runs              = $count
    'GetScyllaRun(s)' = [math]::Round($scan, 3)
    'Floor(s)'        = [math]::Round($floor, 3)
    Ratio             = [math]::Round($scan / $floor, 2)
    'PeakMemory(MiB)' = [math]::Round($peakMiB, 1)
    'BeforeScan(MiB)' = [math]::Round($baselineMiB, 1)
    'HeapRetained(MiB)' = [math]::Round($heapAfterMiB - $heapBeforeMiB, 1)
} | Format-List | Out-String | Write-Host
