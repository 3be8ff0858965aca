# Reset-ScyllaRun, Repair-ScyllaCheckpoint and the Get-ScyllaCheckpoint health fields against the built module, on
# generated experiments (docs/checkpoints.md).
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE

    function New-TestExperiment([string[]] $Status = @('Completed', 'Failed', 'Results'), [int] $Runs = 3) {
        $path = Join-Path $TestDrive "exp-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-ScyllaSampleExperiment $path -TierCount 2 -SubtestCount 1 -RunCount $Runs -Status $Status | Out-Null
        $path
    }

    function Read-Checkpoint([string] $Experiment) { Get-Content (Join-Path $Experiment 'checkpoint.json') -Raw | ConvertFrom-Json -AsHashtable -DateKind String }

    function Get-FileHashText([string] $Path) { (Get-FileHash $Path -Algorithm SHA256).Hash }

    # The checkpoint as the January-era tools write it: their twelve keys, version 2.0.
    function ConvertTo-Version20([string] $Experiment) {
        $file = Join-Path $Experiment 'checkpoint.json'
        $current = Read-Checkpoint $Experiment
        $january = [ordered]@{}
        foreach ($key in 'version', 'experiment_id', 'experiment_dir', 'config_hash', 'completed_runs', 'started_at', 'last_updated_at', 'status', 'rate_limit_source', 'rate_limit_until', 'pause_count', 'pid') {
            $january[$key] = $current[$key]
        }
        $january.version = '2.0'
        $january | ConvertTo-Json -Depth 8 | Set-Content $file
    }
}

Describe 'Reset-ScyllaRun' {
    It 'refuses an unknown state listing the valid ones and leaves the file byte-identical' {
        $experiment = New-TestExperiment
        $before = Get-FileHashText (Join-Path $experiment 'checkpoint.json')

        { Reset-ScyllaRun $experiment -FromState judge_ready } | Should -Throw -ExpectedMessage '*pending, dir_structure_created*worktree_cleaned*'
        { Reset-ScyllaRun $experiment -FromTierState running } | Should -Throw -ErrorId 'UnknownTierState,*'
        Get-FileHashText (Join-Path $experiment 'checkpoint.json') | Should -Be $before
    }

    It 'lists every change with -WhatIf and writes nothing' {
        $experiment = New-TestExperiment
        $before = Get-FileHashText (Join-Path $experiment 'checkpoint.json')

        $changes = Reset-ScyllaRun $experiment -FromState pending -WhatIf

        $changes.Target | Should -Be @('T0/00/run_01', 'T1/01/run_01')
        $changes.Applied | Should -Not -Contain $true
        Get-FileHashText (Join-Path $experiment 'checkpoint.json') | Should -Be $before
    }

    It 're-judges piped runs: the agent is kept, the chosen slot and run_result.json go to .failed/' {
        $experiment = New-TestExperiment
        $agentResult = Get-FileHashText (Join-Path $experiment 'T0/00/run_01/agent/result.json')

        $change = Get-ScyllaRun $experiment -Tier T0 -Status Completed | Reset-ScyllaRun -FromState judge_pipeline_run -JudgeSlot 3

        $run = Get-ScyllaRun $experiment -Tier T0 -RunNumber 1
        $change.Applied | Should -BeTrue
        $run.RunState | Should -Be 'agent_complete'
        $run.CheckpointStatus | Should -Be 'agent_complete'
        $run.JudgeSlots | Should -Be 'Complete,Complete,Missing'
        Test-Path (Join-Path $experiment 'T0/00/.failed/run_01_judge_03/judgment.json') | Should -BeTrue
        Test-Path (Join-Path $experiment 'T0/00/.failed/run_01_run_result.json') | Should -BeTrue
        Get-FileHashText (Join-Path $experiment 'T0/00/run_01/agent/result.json') | Should -Be $agentResult
    }

    It 'refuses to re-judge a run without an agent result and goes on with the others' {
        $experiment = New-TestExperiment
        Set-ScyllaCheckpoint -Path $experiment -Tier T0 -Subtest 00 -RunNumber 2 -Status failed

        $changes = Reset-ScyllaRun $experiment -FromState agent_complete -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.FullyQualifiedErrorId | Should -Be 'AgentResultUnusable,Scylla.PowerShell.Commands.Checkpoints.ResetScyllaRunCommand'
        $changes.Target | Should -Be @('T0/00/run_01', 'T1/01/run_01')
        (Read-Checkpoint $experiment).completed_runs.T0.'00'.'2' | Should -Be 'failed'
    }

    It 'resets tiers and the experiment as ProjectScylla does' {
        $experiment = New-TestExperiment
        $checkpoint = Read-Checkpoint $experiment
        $checkpoint.tier_states = @{ T0 = 'complete'; T1 = 'config_loaded' }
        $checkpoint.experiment_state = 'complete'
        $checkpoint | ConvertTo-Json -Depth 8 | Set-Content (Join-Path $experiment 'checkpoint.json')

        Reset-ScyllaRun $experiment -FromTierState best_selected -FromExperimentState tiers_complete | Out-Null

        $after = Read-Checkpoint $experiment
        $after.tier_states.T0 | Should -Be 'pending'
        $after.tier_states.T1 | Should -Be 'config_loaded'
        $after.experiment_state | Should -Be 'tiers_running'
    }
}

Describe 'Repair-ScyllaCheckpoint' {
    It 'rebuilds a missing checkpoint from the run folders, -WhatIf first' {
        $experiment = New-TestExperiment
        $expected = (Read-Checkpoint $experiment).completed_runs
        Remove-Item (Join-Path $experiment 'checkpoint.json')

        $planned = Repair-ScyllaCheckpoint $experiment -WhatIf
        Test-Path (Join-Path $experiment 'checkpoint.json') | Should -BeFalse
        $applied = Repair-ScyllaCheckpoint $experiment

        $planned.Count | Should -Be $applied.Count
        $rebuilt = Read-Checkpoint $experiment
        $rebuilt.completed_runs.T0.'00'.'1' | Should -Be $expected.T0.'00'.'1'
        $rebuilt.completed_runs.T0.'00'.'3' | Should -Be 'agent_complete'
        $rebuilt.completed_runs.T0.'00'.ContainsKey('2') | Should -BeFalse
    }

    It 'reports a backward correction as a warning and applies it only with -Force, keeping a .bak' {
        $experiment = New-TestExperiment -Status Completed
        Set-Content (Join-Path $experiment 'T0/00/run_01/run_result.json') '{"judge_score": 0.5, "judge_pa'
        $before = Get-FileHashText (Join-Path $experiment 'checkpoint.json')

        $held = Repair-ScyllaCheckpoint $experiment -WarningVariable warnings -WarningAction SilentlyContinue
        $held.Applied | Should -Not -Contain $true
        $warnings | Should -HaveCount 1
        Get-FileHashText (Join-Path $experiment 'checkpoint.json') | Should -Be $before

        Repair-ScyllaCheckpoint $experiment -Force | Out-Null
        (Read-Checkpoint $experiment).completed_runs.T0.'00'.'1' | Should -Be 'agent_complete'
        Get-FileHashText (Join-Path $experiment 'checkpoint.json.bak') | Should -Be $before
    }

    It 'follows a moved 2.0 experiment, keeps it 2.0, and upgrades only when asked' {
        $experiment = New-TestExperiment
        ConvertTo-Version20 $experiment
        $moved = Join-Path $TestDrive "moved-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        Move-Item $experiment $moved

        $changes = Repair-ScyllaCheckpoint $moved

        $changes.Field | Should -Contain 'experiment_dir'
        $checkpoint = Read-Checkpoint $moved
        $checkpoint.experiment_dir | Should -Be $moved
        $checkpoint.version | Should -Be '2.0'
        (Get-ScyllaCheckpoint $moved).WriteVersion | Should -Be '2.0'
        Repair-ScyllaCheckpoint $moved -UpgradeFormat | Out-Null
        (Read-Checkpoint $moved).version | Should -Be '3.1'
    }

    It 'sets a zombie to interrupted and Get-ScyllaCheckpoint reports it first' {
        $experiment = New-TestExperiment -Status Completed
        $checkpoint = Read-Checkpoint $experiment
        $checkpoint.status = 'running'
        $checkpoint.pid = 2147483000
        $checkpoint.last_heartbeat = [DateTimeOffset]::UtcNow.AddMinutes(-10).ToString('o')
        $checkpoint | ConvertTo-Json -Depth 8 | Set-Content (Join-Path $experiment 'checkpoint.json')

        $summary = Get-ScyllaCheckpoint $experiment
        $summary.IsZombie | Should -BeTrue
        $summary.RunnerAlive | Should -BeFalse
        $summary.HeartbeatAge.TotalSeconds | Should -BeGreaterThan 590
        (Repair-ScyllaCheckpoint $experiment).NewValue | Should -Be 'interrupted'
        (Get-ScyllaCheckpoint $experiment).IsZombie | Should -BeFalse
    }
}

Describe 'Get-ScyllaCheckpoint config drift' {
    It 'matches the config as generated and sees an edit' {
        $experiment = New-TestExperiment
        (Get-ScyllaCheckpoint $experiment).ConfigHashMatches | Should -BeTrue

        $config = Join-Path $experiment 'config/experiment.json'
        (Get-Content $config -Raw) -replace '"timeout_seconds": 300', '"timeout_seconds": 900' | Set-Content $config

        $summary = Get-ScyllaCheckpoint $experiment
        $summary.ConfigHashMatches | Should -BeFalse
        $summary.ConfigHashEra | Should -BeNullOrEmpty
    }
}
