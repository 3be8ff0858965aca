# Plan before spending: Invoke-ScyllaRerun -WhatIf and Get-ScyllaRerunPlan, and -MaxCost / -MaxRuns stopping a batch,
# with the built module and the scripted agent and judge (examples/fake-claude) as real processes.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    $fakes = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/fake-claude')).ProviderPath
    $rerun = @{ AgentPath = (Join-Path $fakes 'agent.sh'); JudgePath = (Join-Path $fakes 'judge.sh') }

    # Completed runs (each recorded 0.12 USD, 12.5 s of agent and 30 s of judges) alternating with Missing ones.
    function New-PlanExperiment([int] $Runs = 6) {
        $path = Join-Path $TestDrive "exp-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $sample = @{ TierCount = 1; SubtestCount = 1; RunCount = $Runs; Status = 'Completed', 'Missing' }
        (New-ScyllaSampleExperiment $path @sample -WithRepository).FullName
    }

    function Get-TreeHash([string] $Path) {
        Get-ChildItem $Path -Recurse -File -Force | Sort-Object FullName |
            ForEach-Object { "$($_.FullName.Substring($Path.Length)) $((Get-FileHash $_.FullName).Hash)" }
    }

    # What-if lines go to the host, so they are read from a pwsh of its own.
    function Invoke-PwshText([string] $Command) {
        $script = "`$ErrorActionPreference = 'Stop'; Import-Module '$env:SCYLLA_MODULE'; $Command"
        $pwsh = [Environment]::ProcessPath
        if ((Split-Path $pwsh -Leaf) -like 'dotnet*') {
            & $pwsh ([Environment]::GetCommandLineArgs()[0]) -NoProfile -NonInteractive -Command $script
        }
        else { & $pwsh -NoProfile -NonInteractive -Command $script }
    }
}

Describe 'Invoke-ScyllaRerun -WhatIf' {
    It 'prints the plan: totals, then one line per tier and action with calls, cost and time, and touches nothing' {
        $e = New-PlanExperiment
        $before = Get-TreeHash $e

        $text = Invoke-PwshText "Invoke-ScyllaRerun '$e' -TierConfigPath '$e/tier-config' -WhatIf -ThrottleLimit 3"

        $text[0] | Should -Be ("What if: sample-001 ($e): 3 runs to re-run, 3 agent calls, 9 judge calls; " +
            'estimated $0.36 ($0.36-$0.36), 2 min (2 min-2 min) of agent and judge time ' +
            '(about 43 s at -ThrottleLimit 3)')
        $text[1] | Should -Be ('What if:   T0 re-run the agent and the judges: 3 runs, 3 agent calls, 9 judge calls, ' +
            '$0.36 ($0.36-$0.36), ' +
            '2 min (2 min-2 min) (from T0 (3 runs)): T0/00/run_02, T0/00/run_04, T0/00/run_06')
        @($text).Count | Should -Be 2
        Get-TreeHash $e | Should -Be $before
    }

    It 'says with -Verbose why a -Path naming one Completed run re-runs nothing' {
        $e = New-PlanExperiment -Runs 2

        $text = Invoke-PwshText ("Invoke-ScyllaRerun '$e' -TierConfigPath '$e/tier-config' -RunNumber 1 -Verbose " +
            "-AgentPath '$($rerun.AgentPath)' -JudgePath '$($rerun.JudgePath)' 4>&1 | Out-String")

        ($text -join ' ') -replace '\s+', ' ' |
            Should -Match 'no run to re-run among those asked for; a Completed run is re-run only with -JudgeOnly'
    }
}

Describe 'Get-ScyllaRerunPlan' {
    It 'gives the same plan for -Path and for the piped runs, as objects' {
        $e = New-PlanExperiment

        $byPath = Get-ScyllaRerunPlan $e -TierConfigPath "$e/tier-config"
        $byPipe = Get-ScyllaRun $e -Status Missing -TierConfigPath "$e/tier-config" | Get-ScyllaRerunPlan

        foreach ($plan in $byPath, $byPipe) {
            $plan.Runs, $plan.AgentCalls, $plan.JudgeCalls, $plan.RunsWithoutEstimate | Should -Be @(3, 3, 9, 0)
            [math]::Round($plan.EstimatedCostUsd, 4) | Should -Be 0.36
            $plan.EstimatedDuration.TotalSeconds | Should -Be 127.5
            $plan.PlannedRuns.RunId | Should -Be @('T0/00/run_02', 'T0/00/run_04', 'T0/00/run_06')
        }
        $byPath.Lines.Action | Should -Be 'RerunAgent'
    }

    It 'keeps its key columns at 80 columns' {
        $e = New-PlanExperiment
        $plan = Get-ScyllaRerunPlan $e -TierConfigPath "$e/tier-config"

        $lines = $plan | Out-String -Width 80 -Stream | Where-Object { $_ }
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $lines[0] | Should -Match '^Experiment\s+Runs\s+Refused\s+Agent\s+Judge\s+Cost USD\s+Hours\s+NoEst$'
        $lines[2] | Should -Match '^sample-001\s+3\s+0\s+3\s+9\s+0\.36\s+0\.0\s+0$'
        $detail = $plan.Lines | Out-String -Width 80 -Stream | Where-Object { $_ -match '^T0 ' }
        $detail | Should -Match '^T0\s+RerunAgent\s+3\s+3\s+9\s+0\.36\s+0\.36-0\.36\s+0\.0$'
    }
}

Describe 'The plan of a run whose agent work is gone' {
    It 'names what the re-run does: its agent runs again, and -JudgeOnly is refused' {
        $e = New-PlanExperiment -Runs 4
        $config = "$e/tier-config"
        # Run 1 reset to its judges, run 3 short of a judge slot; neither keeps its judge prompt, and the sample's
        # workspaces are plain folders with no agent commit on a branch of the base repository.
        $null = Reset-ScyllaRun $e -Tier T0 -Subtest 00 -RunNumber 1 -FromState judge_pipeline_run
        Remove-Item "$e/T0/00/run_03/judge/judge_02" -Recurse
        Remove-Item "$e/T0/00/run_01/judge_prompt.md", "$e/T0/00/run_03/judge_prompt.md"

        $plan = Get-ScyllaRerunPlan $e -TierConfigPath $config -RunNumber 1
        $judgeOnly = Get-ScyllaRerunPlan $e -TierConfigPath $config -RunNumber 3 -JudgeOnly
        $text = Invoke-PwshText "Invoke-ScyllaRerun '$e' -TierConfigPath '$config' -RunNumber 1 -WhatIf"

        $plan.PlannedRuns | ForEach-Object { "$($_.RunId) $($_.Action) $($_.AgentCalls) $($_.JudgeCalls)" } |
            Should -Be 'T0/00/run_01 RerunAgent 1 3'
        $text[1] | Should -BeLike 'What if:   T0 re-run the agent and the judges: 1 runs, 1 agent calls, 3 judge calls*'
        $judgeOnly.PlannedRuns.Refusal.ErrorId | Should -Be 'AgentWorkLost'

        $rerun1 = Invoke-ScyllaRerun $e -TierConfigPath $config -RunNumber 1 @rerun
        $rerun3 = Invoke-ScyllaRerun $e -TierConfigPath $config -RunNumber 3 -JudgeOnly @rerun -ErrorAction Ignore
        "$($rerun1.Action) $($rerun1.Outcome)" | Should -Be 'RerunAgent Succeeded'
        "$($rerun3.Outcome) $($rerun3.ErrorId)" | Should -Be 'Skipped AgentWorkLost'
    }
}

Describe 'Invoke-ScyllaRerun -MaxCost and -MaxRuns' {
    It 'stops starting runs once spent plus the estimate would cross -MaxCost; the rest are reported and untouched' {
        $e = New-PlanExperiment
        # Estimate 0.12 per run; the stand-in agent spends 0.0123: 0.12, then 0.0123 + 0.12, then 0.0246 + 0.12 > 0.14.
        $results = Invoke-ScyllaRerun $e -TierConfigPath "$e/tier-config" @rerun -MaxCost 0.14 `
            -WarningVariable warnings -WarningAction SilentlyContinue

        ($results | ForEach-Object { "$($_.RunId) $($_.Outcome) $($_.ErrorId)" }) | Should -Be @(
            'T0/00/run_02 Succeeded ', 'T0/00/run_04 Succeeded ', 'T0/00/run_06 Skipped MaxCostReached')
        @($warnings).Count | Should -Be 1
        $warnings[0].Message | Should -Be ('-MaxCost 0.14: 0.02 USD spent, 0.00 USD running, the next run estimated ' +
            'at 0.12 USD; 1 runs were not started: T0/00/run_06.')
        (Get-ScyllaRun $e -RunNumber 6).Status | Should -Be 'Missing'
        (Get-ScyllaRun $e -RunNumber 2, 4).Status | Should -Be @('Completed', 'Completed')
        $checkpoint = Get-Content "$e/checkpoint.json" -Raw | ConvertFrom-Json -AsHashtable
        $checkpoint.completed_runs.T0.'00'.Keys | Should -Not -Contain '6'
    }

    It 'starts at most -MaxRuns runs' {
        $e = New-PlanExperiment

        $results = Invoke-ScyllaRerun $e -TierConfigPath "$e/tier-config" @rerun -MaxRuns 1 -WarningAction Ignore

        ($results | ForEach-Object { "$($_.Outcome) $($_.ErrorId)" }) |
            Should -Be @('Succeeded ', 'Skipped MaxRunsReached', 'Skipped MaxRunsReached')
        @(Get-ScyllaRun $e -Status Missing).Count | Should -Be 2
    }
}
