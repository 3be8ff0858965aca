<#
.SYNOPSIS
    Time of one checkpoint update at 1,000 and 100,000 runs, split into where it goes (-Phases), and the re-run
    overhead per run with a checkpoint of that size.
.DESCRIPTION
    (a) Phases: the steps an update from scratch takes (lock, read, parse, change, serialise, write + fsync, rename),
        each timed alone, the best of -Repeat, on a v3.1 checkpoint of each size.
    (b) Update: CheckpointStore.Update of one run state, as the re-run stages call it, the median of -Repeat
        consecutive updates (the first one of a process is reported apart: it parses the file).
    (c) Re-run: Invoke-ScyllaRerun -Path of -Runs runs (scripted agent and judges, no sleep) in an experiment whose
        checkpoint names -Sizes runs in all, -Rounds times, the sizes taking turns; the median time per run, and its
        ratio to the smallest size. The first round runs Missing runs, the next ones runs reset to pending.
        ./build.sh build
        dotnet pwsh -NoProfile -Command '& ./bench/Measure-CheckpointUpdate.ps1 -Sizes 1000, 100000'
#>
param(
    [int[]] $Sizes = @(1000, 100000),
    [int] $Repeat = 20,
    [int] $Runs = 6,
    [int] $Rounds = 5,
    [switch] $Phases,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).ProviderPath
$fakes = Join-Path $PSScriptRoot '../examples/fake-claude'
$root = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-checkpoint-$PID"

# Adds completed runs to the checkpoint until it names $Total runs: tiers T0..T6, ten runs per subtest, in the layout
# ProjectScylla's HEAD writes (json.dump, indent 2).
function Add-CompletedRuns([string] $Experiment, [int] $Total) {
    $file = Join-Path $Experiment 'checkpoint.json'
    $checkpoint = Get-Content $file -Raw | ConvertFrom-Json -AsHashtable -DateKind String
    $named = @($checkpoint.run_states.Values | ForEach-Object { $_.Values } | ForEach-Object { $_.Keys }).Count
    $subtest = 0
    while ($named -lt $Total) {
        $tier = "T$($subtest % 7)"
        $id = 'x{0:d5}' -f $subtest
        foreach ($map in 'run_states', 'completed_runs') {
            if (-not $checkpoint[$map].ContainsKey($tier)) { $checkpoint[$map][$tier] = [ordered]@{} }
            $checkpoint[$map][$tier][$id] = [ordered]@{}
        }
        for ($run = 1; $run -le 10 -and $named -lt $Total; $run++, $named++) {
            $checkpoint.run_states[$tier][$id]["$run"] = 'worktree_cleaned'
            $checkpoint.completed_runs[$tier][$id]["$run"] = if ($run % 3) { 'passed' } else { 'failed' }
        }
        $subtest++
    }
    $checkpoint | ConvertTo-Json -Depth 8 -Compress | Set-Content $file -NoNewline
    (Get-Item $file).Length
}

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int]($Values.Count / 2)] }

$rows = foreach ($size in $Sizes) {
    $experiment = (New-ScyllaSampleExperiment (Join-Path $root "n$size") -TierCount 1 -SubtestCount 1 -RunCount $Runs `
        -Status Missing -WithRepository).FullName
    Repair-ScyllaCheckpoint $experiment | Out-Null
    $bytes = Add-CompletedRuns $experiment $size
    $config = [Scylla.Core.Experiments.ExperimentConfig]::Load($experiment)
    $file = Join-Path $experiment 'checkpoint.json'
    $row = [ordered]@{ Runs = $size; FileKiB = [int]($bytes / 1KB) }

    if ($Phases) {
        $best = @{}
        for ($k = 0; $k -lt $Repeat; $k++) {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $lockPath = Join-Path $experiment '.checkpoint.lock'
            $lock = [Scylla.Core.IO.FileLock]::Acquire($lockPath, [timespan]::FromSeconds(5))
            $t = @{ Lock = $watch.Elapsed.TotalMilliseconds }
            $watch.Restart(); $text = [System.IO.File]::ReadAllText($file); $t.Read = $watch.Elapsed.TotalMilliseconds
            $watch.Restart(); $checkpoint = [Scylla.Core.Checkpoints.Checkpoint]::Parse($text, $file)
            $t.Parse = $watch.Elapsed.TotalMilliseconds
            $watch.Restart(); $checkpoint.AdvanceRun('T0', '00', 1, 'dir_structure_created')
            $t.Change = $watch.Elapsed.TotalMilliseconds
            $watch.Restart(); $json = $checkpoint.ToJson(); $t.Serialise = $watch.Elapsed.TotalMilliseconds
            $temp = "$file.bench"
            $watch.Restart()
            $stream = [System.IO.FileStream]::new($temp, 'Create', 'Write', 'None')
            $data = [System.Text.Encoding]::UTF8.GetBytes($json); $stream.Write($data, 0, $data.Length)
            $t.Write = $watch.Elapsed.TotalMilliseconds
            $watch.Restart(); $stream.Flush($true); $stream.Dispose(); $t.Fsync = $watch.Elapsed.TotalMilliseconds
            $watch.Restart(); [System.IO.File]::Move($temp, $file, $true); $t.Rename = $watch.Elapsed.TotalMilliseconds
            $lock.Dispose()
            foreach ($phase in $t.Keys) { $best[$phase] = [math]::Min($best[$phase] ?? [double]::MaxValue, $t[$phase]) }
        }
        foreach ($phase in 'Lock', 'Read', 'Parse', 'Change', 'Serialise', 'Write', 'Fsync', 'Rename') {
            $row["${phase}Ms"] = [math]::Round($best[$phase], 2)
        }
    }

    $change = [Action[Scylla.Core.Checkpoints.Checkpoint]] { param($c) $c.AdvanceRun('T0', '00', 2, 'prompt_written') }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    [Scylla.Core.Checkpoints.CheckpointStore]::Update($experiment, $config, $change) | Out-Null
    $row.FirstUpdateMs = [math]::Round($watch.Elapsed.TotalMilliseconds, 1)
    $times = for ($k = 0; $k -lt $Repeat; $k++) {
        $watch.Restart()
        [Scylla.Core.Checkpoints.CheckpointStore]::Update($experiment, $config, $change) | Out-Null
        $watch.Elapsed.TotalMilliseconds
    }
    $row.UpdateMs = [math]::Round((Get-Median $times), 2)

    $row.Experiment = $experiment
    [pscustomobject] $row
}

# The re-runs alternate between the sizes, round after round, so a busy machine slows both alike; each round first
# resets the runs the previous one completed (Reset-ScyllaRun archives them), then re-runs them.
$times = @{}
for ($round = 0; $round -lt $Rounds; $round++) {
    foreach ($row in $rows) {
        Reset-ScyllaRun $row.Experiment -Tier T0 -Subtest 00 -FromState pending | Out-Null
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $results = Invoke-ScyllaRerun -Path $row.Experiment -TierConfigPath (Join-Path $row.Experiment 'tier-config') `
            -AgentPath (Join-Path $fakes 'agent.sh') -JudgePath (Join-Path $fakes 'judge.sh')
        $elapsed = $watch.Elapsed.TotalMilliseconds
        if (@($results | Where-Object Outcome -eq Succeeded).Count -ne $Runs) {
            throw "Not all runs succeeded at $($row.Runs) runs: $($results | Out-String)"
        }
        $times[$row.Runs] += @($elapsed / $Runs)
    }
}

$base = Get-Median $times[$rows[0].Runs]
$rows | ForEach-Object {
    $perRun = Get-Median $times[$_.Runs]
    $_.PSObject.Properties.Remove('Experiment')
    $_ | Add-Member RerunMsPerRun ([math]::Round($perRun, 0)) -PassThru |
        Add-Member RerunRatio ([math]::Round($perRun / $base, 2)) -PassThru
} | Format-List
Remove-Item $root -Recurse -Force -ErrorAction Ignore
