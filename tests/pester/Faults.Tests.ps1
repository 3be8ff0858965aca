# Fault injection against the built module: a corpus of broken experiments, and agents that misbehave.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    $fakes = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/fake-claude')).ProviderPath

    function Get-TreeHash([string] $Path) {
        Get-ChildItem $Path -Recurse -Force -File -FollowSymlink:$false -ErrorAction SilentlyContinue | Where-Object { -not $_.LinkTarget } |
            Sort-Object FullName | ForEach-Object { "$($_.FullName) $((Get-FileHash $_.FullName).Hash)" }
    }

    . (Join-Path $PSScriptRoot 'RerunHelpers.ps1')
}

Describe 'A corpus of broken experiments' {
    BeforeAll {
        $corpus = New-Item -ItemType Directory (Join-Path $TestDrive 'corpus')
        function New-Broken([string] $Name) { (New-ScyllaSampleExperiment (Join-Path $corpus $Name) -TierCount 1 -SubtestCount 1 -RunCount 5 -Status Completed).FullName }

        $truncated = New-Broken 'truncated-checkpoint'
        Set-Content (Join-Path $truncated 'checkpoint.json') '{"version": "3.1", "completed_runs": {' -NoNewline
        $notJson = New-Broken 'config-not-json'
        Set-Content (Join-Path $notJson 'config/experiment.json') 'experiment_id = nope'
        $unknown = New-Broken 'unknown-version'
        Set-Content (Join-Path $unknown 'checkpoint.json') '{"version": "9.0"}'
        $runs = New-Broken 'broken-runs'
        $r = Join-Path $runs 'T0/00'
        Set-Content "$r/run_01/run_result.json" '{"judge_score": 0.' -NoNewline
        Set-Content "$r/run_05/judge/judge_01/judgment.json" 'not json'
        Set-Content "$r/run_02/agent/result.json" '{"exit_code": 0, "token_stats": {' -NoNewline
        Remove-Item "$r/run_03/agent/output.txt"
        New-Item -ItemType SymbolicLink -Path "$r/run_03/agent/output.txt" -Target "$r/run_03/agent/output.txt" | Out-Null # a loop
        Remove-Item "$r/run_04" -Recurse
        Set-Content "$r/run_04" 'a run directory that is a file'
        $tierConfig = New-Item -ItemType Directory (Join-Path $TestDrive 'tiers/subtests/t0')
        Set-Content (Join-Path $tierConfig '..-escape.yaml') 'name: escape'
        Set-Content (Join-Path $tierConfig '00-ok.yaml') 'name: ok'
        $before = Get-TreeHash $corpus
    }

    It 'lists every readable run, reports each broken file once with its path, throws nothing and modifies nothing' {
        $listed = Get-ScyllaRun (Join-Path $corpus '*') -TierConfigPath (Join-Path $TestDrive 'tiers') -WarningVariable warnings -ErrorVariable failures -WarningAction SilentlyContinue -ErrorAction SilentlyContinue

        $listed.Count | Should -Be 15 # 3 readable experiments x 5 runs; the one whose config is not JSON is reported
        @($failures).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'InvalidExperimentConfig,*'
        $failures[0].Exception.Message | Should -BeLike "*$notJson*"
        $broken = @(
            (Join-Path $truncated 'checkpoint.json'), (Join-Path $unknown 'checkpoint.json'),
            "$r/run_01/run_result.json", "$r/run_05/judge/judge_01/judgment.json", "$r/run_02/agent/result.json",
            "$r/run_03/agent/output.txt") # the link loop: it counts as absent, and is reported
        foreach ($file in $broken) {
            @($warnings | Where-Object { $_.Message -like "*$file*" }).Count | Should -Be 1 -Because "$file is reported once"
        }
        @($warnings).Count | Should -Be $broken.Count
        ($listed | Where-Object { $_.ExperimentPath -eq $runs }).Status | Should -Be @('Completed', 'Completed', 'Failed', 'Missing', 'Completed')
        (Get-TreeHash $corpus) | Should -Be $before
    }

    It 'reports broken checkpoints from Get-ScyllaCheckpoint and plans a dry run without touching anything' {
        Get-ScyllaCheckpoint (Join-Path $corpus '*') -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures.FullyQualifiedErrorId | Sort-Object | Should -Be @('InvalidCheckpoint,Scylla.PowerShell.Commands.Checkpoints.GetScyllaCheckpointCommand', 'UnsupportedCheckpointVersion,Scylla.PowerShell.Commands.Checkpoints.GetScyllaCheckpointCommand')

        Get-ScyllaRun $runs -WarningAction SilentlyContinue | Invoke-ScyllaRerun -WhatIf -WarningAction SilentlyContinue
        (Get-TreeHash $corpus) | Should -Be $before
    }
}

Describe 'Agents that misbehave' {
    BeforeEach {
        $e = (New-ScyllaSampleExperiment (Join-Path $TestDrive "exp-$([guid]::NewGuid().ToString('N').Substring(0, 8))") -TierCount 1 -SubtestCount 1 -RunCount 1 -Status Missing -WithRepository).FullName
        $rerun = @{ TierConfigPath = (Join-Path $e 'tier-config'); AgentPath = (Join-Path $fakes 'agent.sh'); JudgePath = (Join-Path $fakes 'judge.sh'); ErrorAction = 'SilentlyContinue' }
    }

    AfterEach {
        Remove-Item Env:SCYLLA_FAKE_AGENT_MODE, Env:SCYLLA_FAKE_AGENT_PIDFILE -ErrorAction Ignore
    }

    It 'ends an agent that never exits at the 2 s timeout, leaving no process behind' {
        $env:SCYLLA_FAKE_AGENT_MODE = 'hang'
        $env:SCYLLA_FAKE_AGENT_PIDFILE = Join-Path $TestDrive 'hang.pid'

        $result = Get-ScyllaRun $e | Invoke-ScyllaRerun @rerun -TimeoutSeconds 2

        $result.Outcome | Should -Be 'Failed'
        $result.ErrorId | Should -Be 'AgentInfrastructureFailure'
        Test-ProcessRunning ([int](Get-Content $env:SCYLLA_FAKE_AGENT_PIDFILE)) | Should -BeFalse
        Write-Host "    hang: re-run ended after $([math]::Round($result.DurationSeconds, 1)) s (timeout 2 s + 5 s TERM grace at most)"
    }

    It 'streams 100 MB of agent stdout to disk with bounded memory' {
        $env:SCYLLA_FAKE_AGENT_MODE = 'flood'
        [GC]::Collect()
        $before = [System.Diagnostics.Process]::GetCurrentProcess().WorkingSet64

        $result = Get-ScyllaRun $e | Invoke-ScyllaRerun @rerun

        $run = Get-ScyllaRun $e
        $stdout = Get-Item (Join-Path $run.Path 'agent/stdout.log')
        $grown = ([System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 - $before) / 1MB
        $stdout.Length | Should -BeGreaterThan 100MB
        (Get-Item (Join-Path $run.Path 'agent/result.json')).Length | Should -BeLessThan 3MB
        $grown | Should -BeLessThan 150 -Because 'the output is streamed to a file and only its first MiB is read back'
        Write-Host "    flood: stdout.log $([math]::Round($stdout.Length / 1MB)) MiB, peak working set grew $([math]::Round($grown)) MiB, outcome $($result.Outcome)"
    }
}
