# Submit-ScyllaRerun against the real single-node Slurm that tools/Start-Slurm.sh starts before the suite (munged,
# slurmctld and slurmd on this machine): job arrays whose tasks run the module's Invoke-ScyllaRerun with the scripted
# agent and judge (examples/fake-claude) standing in for claude. The jobs inherit this process's environment (sbatch's
# default --export=ALL), which is how the tests steer the stand-ins.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    . (Join-Path $PSScriptRoot 'RerunHelpers.ps1') # first: this file's own Wait-Until takes a description
    $fakes = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/fake-claude')).ProviderPath
    $agent = Join-Path $fakes 'agent.sh'
    $judge = Join-Path $fakes 'judge.sh'
    # The run states of checkpoint format 3.1 (docs/checkpoints.md), the only values its loader accepts.
    $runStates = 'pending', 'dir_structure_created', 'worktree_created', 'symlinks_applied', 'config_committed',
    'baseline_captured', 'prompt_written', 'replay_generated', 'agent_complete', 'agent_changes_committed',
    'diff_captured', 'promoted_to_completed', 'judge_pipeline_run', 'judge_prompt_built', 'judge_complete',
    'run_finalized', 'report_written', 'checkpointed', 'worktree_cleaned', 'failed', 'rate_limited'

    function New-SlurmExperiment([int] $Tiers = 1, [int] $Runs = 4, [string[]] $Status = @('Missing')) {
        $path = Join-Path $TestDrive "exp-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $sample = @{ TierCount = $Tiers; SubtestCount = 1; RunCount = $Runs; Status = $Status }
        New-ScyllaSampleExperiment $path @sample -WithRepository | Out-Null
        $path
    }

    function Submit-Runs {
        [CmdletBinding()]
        param([Parameter(ValueFromPipeline)] $Run, [string] $Experiment, [hashtable] $Extra = @{})
        begin { $runs = @() }
        process { $runs += $Run }
        end {
            $tierConfig = Join-Path $Experiment 'tier-config'
            $runs | Submit-ScyllaRerun -AgentPath $agent -JudgePath $judge -TierConfigPath $tierConfig @Extra
        }
    }

    # Waits (up to 10 minutes, a bound on a hang, not a measurement) until Slurm lists none of the jobs.
    function Wait-SlurmJob([string[]] $JobId) {
        $deadline = [DateTime]::UtcNow.AddMinutes(10)
        while (@(squeue -h -o '%F' | Where-Object { $_.Trim() -in $JobId }).Count -gt 0) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Slurm jobs $($JobId -join ', ') did not end." }
            Start-Sleep -Milliseconds 500
        }
    }

    function Wait-Until([scriptblock] $Condition, [string] $What) {
        $deadline = [DateTime]::UtcNow.AddMinutes(5)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out waiting for $What." }
            Start-Sleep -Milliseconds 200
        }
    }

    # One line per agent start: the workspace it started in, as run ids (T0/00/run_01).
    function Get-AgentStart([string] $Log) {
        @(if (Test-Path $Log) { Get-Content $Log | ForEach-Object { ($_ -split '/')[-4..-2] -join '/' } })
    }

    function Read-Json([string] $Path) { Get-Content $Path -Raw | ConvertFrom-Json -AsHashtable -DateKind String }

    function Get-TaskRecord([string] $PlanPath) {
        Get-ChildItem (Join-Path (Split-Path $PlanPath) 'tasks') -Filter *.json -ErrorAction Ignore |
            ForEach-Object { Read-Json $_.FullName }
    }

    # What the Python tool's checkpoint loader requires (docs/checkpoints.md): a known version, run keys that int()
    # accepts, and only the values its enums know.
    function Assert-PythonReadableCheckpoint([string] $Experiment) {
        $checkpoint = Read-Json (Join-Path $Experiment 'checkpoint.json')
        $checkpoint.version | Should -BeIn '2.0', '3.0', '3.1'
        foreach ($map in 'completed_runs', 'run_states') {
            foreach ($tier in $checkpoint[$map].Values) {
                foreach ($subtest in $tier.Values) {
                    $subtest.Keys | Should -Match '^[1-9]\d*$'
                    $allowed = if ($map -eq 'completed_runs') { 'passed', 'failed', 'agent_complete' }
                    else { $runStates }
                    $subtest.Values | ForEach-Object { $_ | Should -BeIn $allowed }
                }
            }
        }
        $checkpoint
    }
}

Describe 'Submit-ScyllaRerun on a single-node Slurm' {
    BeforeEach {
        $log = Join-Path $TestDrive "agent-starts-$([guid]::NewGuid().ToString('N')).log"
        $env:SCYLLA_FAKE_AGENT_LOG = $log
    }

    AfterEach {
        Remove-Item Env:SCYLLA_FAKE_AGENT_LOG, Env:SCYLLA_FAKE_AGENT_MODE, Env:SCYLLA_FAKE_AGENT_PIDFILE `
            -ErrorAction Ignore
    }

    It 'completes Missing, Failed and RateLimited runs as one array, each agent once, then rebuilds the results' {
        $e = New-SlurmExperiment -Tiers 2 -Runs 4 -Status Completed, Missing, Failed, RateLimited
        $broken = Get-ScyllaRun $e | Where-Object Status -ne Completed
        $broken.Status | ForEach-Object { "$_" } | Sort-Object -Unique | Should -Be 'Failed', 'Missing', 'RateLimited'

        $jobs = $broken | Submit-Runs -Experiment $e -Extra @{ ThrottleLimit = 2; License = 'scylla_api:1' }

        $jobs.Kind | Should -Be 'Runs', 'Results'
        $jobs[0].ArraySize | Should -Be 6
        $jobs[0].Runs | Should -Be $broken.RunId
        $jobs[1].DependsOn | Should -Be $jobs[0].JobId
        Wait-SlurmJob $jobs.JobId
        $after = Get-ScyllaRun $e
        $after.Status | Sort-Object -Unique | Should -Be 'Completed'
        Get-AgentStart $log | Sort-Object | Should -Be ($broken.RunId | Sort-Object)
        (Get-TaskRecord $jobs[0].PlanPath).outcome | Sort-Object -Unique | Should -Be 'Succeeded'
        Join-Path (Split-Path $jobs[0].PlanPath) 'finished.json' | Should -Exist
        # The experiment's result.json counts every run as it is now: the cost of all eight.
        $cost = ($after | Measure-Object CostUsd -Sum).Sum
        (Read-Json (Join-Path $e 'result.json')).total_cost | Should -BeGreaterThan ($cost - 1e-9)
        (Read-Json (Join-Path $e 'result.json')).total_cost | Should -BeLessThan ($cost + 1e-9)
        $checkpoint = Assert-PythonReadableCheckpoint $e
        foreach ($run in $broken) {
            $checkpoint.completed_runs[$run.Tier][$run.Subtest]["$($run.RunNumber)"] | Should -Be 'passed'
            $checkpoint.run_states[$run.Tier][$run.Subtest]["$($run.RunNumber)"] | Should -Be 'worktree_cleaned'
        }
    }

    It 'leaves every run resumable after scancel mid-array, and a second submission completes the rest' {
        $e = New-SlurmExperiment -Runs 4 -Status Missing
        $pidFile = Join-Path $TestDrive "hang-$([guid]::NewGuid().ToString('N')).pid"
        $env:SCYLLA_FAKE_AGENT_MODE = 'hang'
        $env:SCYLLA_FAKE_AGENT_PIDFILE = $pidFile

        $first = Get-ScyllaRun $e | Submit-Runs -Experiment $e -Extra @{ ThrottleLimit = 1 }
        Wait-Until { (Test-Path $pidFile) -and (Get-Content $pidFile) } 'the first agent to start'
        $agentPid = [int](Get-Content $pidFile)
        $held = Get-ScyllaRun $e
        $held.ClusterState | Should -Be 'Running', 'Submitted', 'Submitted', 'Submitted'
        $held.ClusterJob | Should -Be (0..3 | ForEach-Object { "$($first[0].JobId)_$_" })
        $held[0].ClusterHost | Should -Be ([Environment]::MachineName)
        (Get-ScyllaRun $e | Format-Table | Out-String) | Should -BeLike "*``[Running job $($first[0].JobId)_0 on *"
        $status = Get-ScyllaExperiment $e
        $status.Running, $status.Submitted | Should -Be 1, 3
        scancel $first[0].JobId
        Wait-SlurmJob $first.JobId
        Get-ScyllaRun $e | Where-Object ClusterJob | Should -BeNullOrEmpty -Because 'the submission has ended'

        Test-ProcessRunning $agentPid | Should -BeFalse -Because 'scancel ends the agent with its task'
        $interrupted = Get-ScyllaRun $e -Tier T0 -RunNumber 1
        # scancel signals every process of the job at once: when the agent's SIGTERM lands before pwsh's, the engine
        # records the agent's exit as a failure (attempt archived) instead of keeping the last completed stage. Either
        # way the run is one the next submission picks up (docs/cluster.md, "Cancelling").
        $interrupted.Status | Should -BeIn 'Missing', 'Failed', 'Partial' -Because 'the next submission re-runs it'
        $interrupted.RunState | Should -Not -Be 'rate_limited'
        Get-AgentStart $log | Should -Be 'T0/00/run_01' -Because 'the tasks after it never started'
        Assert-PythonReadableCheckpoint $e | Out-Null

        Remove-Item Env:SCYLLA_FAKE_AGENT_MODE, Env:SCYLLA_FAKE_AGENT_PIDFILE
        $second = Get-ScyllaRun $e -Status Missing, Failed, Partial |
            Submit-Runs -Experiment $e -Extra @{ ThrottleLimit = 2 }
        $second[0].ArraySize | Should -Be 4
        Wait-SlurmJob $second.JobId

        (Get-ScyllaRun $e).Status | Sort-Object -Unique | Should -Be 'Completed'
        Get-AgentStart $log | Sort-Object |
            Should -Be 'T0/00/run_01', 'T0/00/run_01', 'T0/00/run_02', 'T0/00/run_03', 'T0/00/run_04'
        Assert-PythonReadableCheckpoint $e | Out-Null
    }

    It 'starts each agent once when two arrays over the same runs run at once' {
        $e = New-SlurmExperiment -Runs 4 -Status Missing, Failed
        $env:SCYLLA_FAKE_AGENT_MODE = 'sleep:2'
        $runs = Get-ScyllaRun $e

        # Throttle 1 each on a 2-CPU node: one task of each array at a time, both on the same runs in the same order.
        $first = $runs | Submit-Runs -Experiment $e -Extra @{ ThrottleLimit = 1 }
        $second = $runs | Submit-Runs -Experiment $e -Extra @{ ThrottleLimit = 1 }
        Wait-SlurmJob ($first.JobId + $second.JobId)

        (Get-ScyllaRun $e).Status | Sort-Object -Unique | Should -Be 'Completed'
        Get-AgentStart $log | Sort-Object | Should -Be ($runs.RunId | Sort-Object)
        $records = @(Get-TaskRecord $first[0].PlanPath) + @(Get-TaskRecord $second[0].PlanPath)
        @($records | Where-Object outcome -eq 'Succeeded').Count | Should -Be 4
        @($records | Where-Object outcome -eq 'Skipped').Count | Should -Be 4
        $records.host | Sort-Object -Unique | Should -Be (hostname -s)
    }

    It 'caps the agents of an account with licenses: tasks that need the whole pool never overlap' {
        $e = New-SlurmExperiment -Runs 4 -Status Missing
        $env:SCYLLA_FAKE_AGENT_MODE = 'sleep:1'

        # slurm.conf has Licenses=scylla_api:2; a task taking both leaves none for another, whatever the throttle.
        $jobs = Get-ScyllaRun $e | Submit-Runs -Experiment $e -Extra @{ ThrottleLimit = 4; License = 'scylla_api:2' }
        Wait-SlurmJob $jobs.JobId

        (Get-ScyllaRun $e).Status | Sort-Object -Unique | Should -Be 'Completed'
        $spans = Get-TaskRecord $jobs[0].PlanPath |
            ForEach-Object {
                [pscustomobject]@{ Start = [DateTimeOffset]$_.started_at; End = [DateTimeOffset]$_.ended_at }
            } |
            Sort-Object Start
        $spans.Count | Should -Be 4
        for ($i = 1; $i -lt $spans.Count; $i++) {
            $spans[$i].Start | Should -BeGreaterThan $spans[$i - 1].End `
                -Because 'a task starts only after the one before it gave the licenses back'
        }
    }

    It 'passes partition, time limit, licenses and extra arguments to sbatch' {
        $e = New-SlurmExperiment -Runs 1 -Status Missing
        $jobs = Get-ScyllaRun $e | Submit-Runs -Experiment $e -Extra @{
            Partition = 'debug'; TimeLimit = '0:10:00'; License = 'scylla_api:1'; ThrottleLimit = 3
            SbatchArgument = '--comment=scylla-test'
        }

        $job = scontrol show job $jobs[0].JobId | Out-String
        Wait-SlurmJob $jobs.JobId
        $job | Should -Match 'Partition=debug'
        $job | Should -Match 'TimeLimit=00:10:00'
        $job | Should -Match 'Licenses=scylla_api:1'
        $job | Should -Match 'Comment=scylla-test'
        $plan = Read-Json $jobs[0].PlanPath
        $plan.runs.Count | Should -Be 1
        $plan.rerun.AgentPath | Should -Be $agent
        $plan.jobs.job_id | Should -Be $jobs.JobId
        (Get-Item $jobs[0].PlanPath).UnixFileMode -eq [System.IO.UnixFileMode]'UserRead, UserWrite' | Should -BeTrue
    }

    It 'starts no agent while a rate-limit pause is recorded with the experiment, and goes on once it is over' {
        $e = New-SlurmExperiment -Runs 2 -Status Missing
        $pause = [Scylla.Core.Cluster.SharedRateLimitPause]
        $now = [DateTimeOffset]::UtcNow
        $pause::Extend($e, $now.AddHours(1), $now, [TimeSpan]::FromHours(2), 'agent') | Should -BeTrue

        $jobs = Get-ScyllaRun $e | Submit-Runs -Experiment $e -Extra @{ ThrottleLimit = 2; WaitOnRateLimit = $true }
        $logs = Join-Path (Split-Path $jobs[0].PlanPath) 'task_*.log'
        Wait-Until { @(Select-String -Path $logs -Pattern 'paused for a rate limit' -List).Count -eq 2 } `
            'both tasks to pause'
        Get-AgentStart $log | Should -BeNullOrEmpty
        # Another host's record that the limit is over (docs/cluster.md, "Per-account limits").
        $over = [DateTimeOffset]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ss.ffffff+00:00')
        Set-Content (Join-Path $e '.scylla/rate-limit-pause.json') "{`"until`": `"$over`", `"source`": `"agent`"}"
        Wait-SlurmJob $jobs.JobId

        (Get-ScyllaRun $e).Status | Sort-Object -Unique | Should -Be 'Completed'
        Get-AgentStart $log | Sort-Object | Should -Be 'T0/00/run_01', 'T0/00/run_02'
    }

    It 'pauses every task for the reset a rate-limited run names, then runs it again' {
        $e = New-SlurmExperiment -Runs 2 -Status Missing
        # A test fake: each run's first agent call meets a limit that lifts in 3 s, the next is the stand-in agent.
        $markers = New-Item -ItemType Directory (Join-Path $TestDrive "limited-$([guid]::NewGuid().ToString('N'))")
        $limitedOnce = Join-Path $markers 'agent.sh'
        Set-Content $limitedOnce @"
#!/bin/bash
marker='$markers'/`$(printf '%s' "`$PWD" | md5sum | cut -c1-16)
if [ ! -e "`$marker" ]; then
  touch "`$marker"
  echo '{"type":"result","is_error":true,"result":"API Error: rate limit exceeded, retry-after: 3"}'; exit 1
fi
exec '$agent' "`$@"
"@
        chmod +x $limitedOnce

        $jobs = Get-ScyllaRun $e | Submit-ScyllaRerun -AgentPath $limitedOnce -JudgePath $judge -WaitOnRateLimit `
            -TierConfigPath (Join-Path $e 'tier-config') -ThrottleLimit 2
        Wait-SlurmJob $jobs.JobId

        (Get-ScyllaRun $e).Status | Sort-Object -Unique | Should -Be 'Completed'
        Get-AgentStart $log | Sort-Object | Should -Be 'T0/00/run_01', 'T0/00/run_02'
        (Get-TaskRecord $jobs[0].PlanPath).outcome | Sort-Object -Unique | Should -Be 'Succeeded'
        (Read-Json (Join-Path $e '.scylla/rate-limit-pause.json')).source | Should -Be 'agent'
        Get-Content (Join-Path (Split-Path $jobs[0].PlanPath) 'task_*.log') -Raw |
            Should -BeLike '*paused for a rate limit*'
    }

    It 'ends a run RateLimited, recording no pause, when the limit lifts later than -MaxRateLimitWait' {
        $e = New-SlurmExperiment -Runs 1 -Status Missing
        $env:SCYLLA_FAKE_AGENT_MODE = 'ratelimit' # names no reset: a minute from now, past the 30 s allowed

        $jobs = Get-ScyllaRun $e |
            Submit-Runs -Experiment $e -Extra @{ WaitOnRateLimit = $true; MaxRateLimitWait = '00:00:30' }
        Wait-SlurmJob $jobs.JobId

        (Get-ScyllaRun $e).RunState | Should -Be 'rate_limited' -Because 'the limited attempt is archived, never judged'
        (Get-TaskRecord $jobs[0].PlanPath).outcome | Should -Be 'RateLimited'
        Join-Path $e '.scylla/rate-limit-pause.json' | Should -Not -Exist
    }

    It '-WhatIf shows the sbatch commands and the scripts and writes nothing' {
        $e = New-SlurmExperiment -Runs 2 -Status Missing
        $before = Get-ChildItem $e -Recurse -Force | ForEach-Object FullName

        # What-if lines go to the host, so a transcript catches them.
        $transcript = Join-Path $TestDrive 'whatif.txt'
        Start-Transcript $transcript | Out-Null
        try {
            $jobs = Get-ScyllaRun $e |
                Submit-Runs -Experiment $e -Extra @{ WhatIf = $true; License = 'scylla_api:1'; ThrottleLimit = 2 }
        }
        finally {
            Stop-Transcript | Out-Null
        }
        $shown = Get-Content $transcript -Raw

        $jobs | Should -BeNullOrEmpty
        $shown | Should -Match 'sbatch --parsable .* --array=0-1%2 --licenses=scylla_api:1 .*array\.sh'
        $shown | Should -Match 'sbatch --parsable .*--dependency=afterany:.*results\.sh'
        $shown | Should -Match 'Scylla\.ArrayTask\.ps1 -PlanPath'
        Get-ChildItem $e -Recurse -Force | ForEach-Object FullName | Should -Be $before
    }
}
