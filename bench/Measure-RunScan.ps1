<#
.SYNOPSIS
    Get-ScyllaRun against a listing floor, as ratios measured side by side in one run (docs/performance.md).
.DESCRIPTION
    The floor lists every run folder, its agent/ and judge/, and reads nothing: compiled C#, built here, run both as
    its own process and inside this one. Every figure alternates the things it compares and takes medians:
      - whole process: `pwsh -c "Import-Module; Get-ScyllaRun -Status Missing, Failed"` against a bare `pwsh -c 1`
        plus 1.5x the floor process (target: at most 1);
      - first against warm scan in one fresh process (target: at most 1.3);
      - warm unfiltered scan against the floor in this process (target: at most 1.3);
      - warm `-Status Missing, Failed` against warm unfiltered;
      - with -ProjectScyllaSource, the whole-process scan against ProjectScylla's own classifier as a whole process
        (bench/Measure-PythonClassifier.py; interpreter start and imports included);
      - at each of -Sizes runs, in a fresh process: scan time and peak working set, beside that of a process that only
        imported the module (target: under 150 MiB at 100,000 runs).
        ./build.sh build
        dotnet pwsh -NoProfile bench/Measure-RunScan.ps1
        dotnet pwsh -NoProfile -Command '& ./bench/Measure-RunScan.ps1 -Runs 21000 -Sizes 1000, 10000, 100000'
#>
param(
    [ValidateRange(200, 1000000)]
    [int] $Runs = 21000,
    [int[]] $Sizes = @(1000, 10000, 100000),
    [ValidateRange(1, 50)]
    [int] $Repeat = 5,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1'),
    # ProjectScylla's src/ folder: its own classifier then runs as a whole process beside the scan.
    [string] $ProjectScyllaSource
)

$ErrorActionPreference = 'Stop'
$module = (Resolve-Path $ModulePath).ProviderPath
Import-Module $module
# This pwsh again; a dotnet tool runs as `dotnet pwsh.dll`.
$pwsh = (Get-Process -Id $PID).Path
[string[]] $pwshArguments = @()
if ([System.IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') {
    $pwshArguments += [Environment]::GetCommandLineArgs()[0]
}
$pwshArguments += '-NoProfile', '-NonInteractive', '-Command'
$work = Join-Path ([System.IO.Path]::GetTempPath()) 'scylla-bench-scan'
$null = New-Item -ItemType Directory -Force $work

# 4 tiers x 50 subtests; the sample generator gives every fifth run each status.
function Get-Experiment([int] $Count) {
    $runsPerSubtest = [math]::Max(1, [int][math]::Ceiling($Count / 200))
    $path = Join-Path $work "runs-$($runsPerSubtest * 200)"
    if (-not (Test-Path (Join-Path $path 'checkpoint.json'))) {
        Remove-Item $path -Recurse -Force -ErrorAction Ignore
        $took = Measure-Command {
            $null = New-ScyllaSampleExperiment $path -TierCount 4 -SubtestCount 50 -RunCount $runsPerSubtest
        }
        Write-Host ('Generated {0} runs in {1:0.0} s: {2}' -f ($runsPerSubtest * 200), $took.TotalSeconds, $path)
    }
    $path
}

$floorSource = @'
using System.Diagnostics;
using System.IO;
public static class ListingFloor
{
    // Lists every run folder, its agent/ and judge/; returns the entries seen, so nothing is optimized away.
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
Add-Type -TypeDefinition $floorSource

# The same floor as a process of its own.
$floorProject = Join-Path $work 'floor'
$floorDll = Join-Path $floorProject 'bin/floor.dll'
if (-not (Test-Path $floorDll)) {
    $null = New-Item -ItemType Directory -Force $floorProject
    Set-Content (Join-Path $floorProject 'floor.csproj') @'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><AssemblyName>floor</AssemblyName>
  </PropertyGroup>
</Project>
'@
    $main = 'public static class Program { public static void Main(string[] a) => ' +
        'System.Console.WriteLine(ListingFloor.Run(a[0])); }'
    Set-Content (Join-Path $floorProject 'Floor.cs') "$floorSource`n$main"
    dotnet build $floorProject -c Release -o (Join-Path $floorProject 'bin') -nologo -v q | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'The floor program did not build.' }
}

function Measure-Process([string] $File, [string[]] $Arguments) {
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $output = & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File failed: $output" }
    $clock.Elapsed.TotalSeconds
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    if ($sorted.Count % 2) { $sorted[[int](($sorted.Count - 1) / 2)] }
    else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

function Format-Row([string] $Figure, [double] $Value, [double] $Against, [string] $Target) {
    [pscustomobject]@{
        Figure = $Figure; 'Measured(s)' = [math]::Round($Value, 3); 'Against(s)' = [math]::Round($Against, 3)
        Ratio = [math]::Round($Value / $Against, 2); Target = $Target
    }
}

$experiment = Get-Experiment $Runs
$count = (Get-ScyllaRun $experiment | Measure-Object).Count
[ListingFloor]::Run($experiment) | Out-Null # the page cache is warm for everything that follows
Write-Host "Experiment of $count runs: $experiment"

# Whole processes, alternating.
$filteredCommand = "Import-Module '$module'; Get-ScyllaRun '$experiment' -Status Missing, Failed | Measure-Object"
$whole = @{ Scan = @(); Bare = @(); Floor = @(); Python = @() }
$python = @((Join-Path $PSScriptRoot 'Measure-PythonClassifier.py'), $ProjectScyllaSource, $experiment, 'Missing,Failed')
foreach ($i in 1..$Repeat) {
    $whole.Scan += Measure-Process $pwsh ($pwshArguments + $filteredCommand)
    $whole.Bare += Measure-Process $pwsh ($pwshArguments + '1')
    $whole.Floor += Measure-Process 'dotnet' @($floorDll, $experiment)
    if ($ProjectScyllaSource) { $whole.Python += Measure-Process 'python3' $python }
}
$bare = Get-Median $whole.Bare
$floorProcess = Get-Median $whole.Floor

# First against warm, each in a fresh process (the first scan is once per process).
$firstAndWarm = "Import-Module '$module'; 1..4 | ForEach-Object { " +
    "(Measure-Command { Get-ScyllaRun '$experiment' | Measure-Object }).TotalSeconds }"
$firsts = @(); $warms = @()
foreach ($i in 1..$Repeat) {
    $times = [double[]](& $pwsh @pwshArguments $firstAndWarm)
    $firsts += $times[0]; $warms += Get-Median $times[1..3]
}

# Warm, in this process, alternating.
$inProcess = @{ Unfiltered = @(); Filtered = @(); Floor = @() }
foreach ($i in 1..$Repeat) {
    $inProcess.Unfiltered += (Measure-Command { Get-ScyllaRun $experiment | Measure-Object }).TotalSeconds
    $inProcess.Filtered += (Measure-Command {
            Get-ScyllaRun $experiment -Status Missing, Failed | Measure-Object
        }).TotalSeconds
    $inProcess.Floor += (Measure-Command { [ListingFloor]::Run($experiment) }).TotalSeconds
}
$unfiltered = Get-Median $inProcess.Unfiltered

@(
    Format-Row 'Whole process -Status Missing, Failed / (pwsh -c 1 + 1.5 x floor process)' (Get-Median $whole.Scan) `
        ($bare + 1.5 * $floorProcess) '<= 1'
    Format-Row 'First scan / warm scan, one fresh process' (Get-Median $firsts) (Get-Median $warms) '<= 1.3'
    Format-Row 'Warm unfiltered scan / floor in this process' $unfiltered (Get-Median $inProcess.Floor) '<= 1.3'
    Format-Row 'Warm -Status Missing, Failed / warm unfiltered' (Get-Median $inProcess.Filtered) $unfiltered ''
    if ($ProjectScyllaSource) {
        Format-Row 'Whole process -Status Missing, Failed / the Python classifier' (Get-Median $whole.Scan) `
            (Get-Median $whole.Python) '<= 1'
    }
) | Format-Table -AutoSize | Out-String -Width 160 | Write-Host
Write-Host ('pwsh -c 1: {0:0.000} s; floor process: {1:0.000} s' -f $bare, $floorProcess)

# Memory at each size: a fresh process scans once; beside it, one that only imports the module.
$peak = '[System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB'
$baseline = Get-Median @(1..3 | ForEach-Object { [double](& $pwsh @pwshArguments "Import-Module '$module'; $peak") })
$bySize = foreach ($size in $Sizes) {
    $path = Get-Experiment $size
    $line = & $pwsh @pwshArguments (
        "Import-Module '$module'; " +
        "`$s = (Measure-Command { `$n = (Get-ScyllaRun '$path' | Measure-Object).Count }).TotalSeconds; " +
        "'{0} {1} {2}' -f `$n, `$s, ($peak)")
    $runCount, $seconds, $peakMiB = ([string]$line).Split(' ')
    [pscustomobject]@{
        Runs                  = [int]$runCount
        'Scan(s)'             = [math]::Round([double]$seconds, 2)
        'PeakWorkingSet(MiB)' = [math]::Round([double]$peakMiB, 1)
        'ModuleOnly(MiB)'     = [math]::Round($baseline, 1)
        'ScanAdds(MiB)'       = [math]::Round([double]$peakMiB - $baseline, 1)
    }
}
$bySize | Format-Table -AutoSize | Out-String | Write-Host
