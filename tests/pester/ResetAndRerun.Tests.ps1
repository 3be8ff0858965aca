# A reset followed by a real Invoke-ScyllaRerun, and the judge-only paths on run files in the shapes ProjectScylla
# writes (docs/checkpoints.md, "Reset"): the next plain re-run does exactly what the reset said.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    $fakes = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/fake-claude')).ProviderPath

    function New-CompletedExperiment([int] $Runs = 2, [string[]] $Status = @('Completed')) {
        $path = Join-Path $TestDrive "exp-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-ScyllaSampleExperiment $path -TierCount 1 -SubtestCount 1 -RunCount $Runs -Status $Status -WithRepository |
            Out-Null
        $path
    }

    function Get-Tools([string] $Experiment) {
        @{
            AgentPath = Join-Path $fakes 'agent.sh'
            JudgePath = Join-Path $fakes 'judge.sh'
            TierConfigPath = Join-Path $Experiment 'tier-config'
        }
    }

    function Read-Json([string] $Path) { Get-Content $Path -Raw | ConvertFrom-Json -AsHashtable -DateKind String }

    function Get-FileHashText([string] $Path) { (Get-FileHash $Path -Algorithm SHA256).Hash }
}

Describe 'A reset, then a plain Invoke-ScyllaRerun' {
    It 'runs the agent again after a reset to pending of a Completed run (-Path)' {
        $e = New-CompletedExperiment
        $tools = Get-Tools $e

        $change = Reset-ScyllaRun $e -RunNumber 1 -FromState pending

        $change.Applied | Should -BeTrue
        $change.ArchivedPaths | Should -BeLike '*/T0/00/.failed/run_01'
        $due = Get-ScyllaRun $e -RunNumber 1
        $due.Status | Should -Be 'Missing'
        $due.RunState | Should -Be 'pending'
        (Get-ScyllaRun $e -Status Missing).RunId | Should -Be 'T0/00/run_01'

        $results = Invoke-ScyllaRerun -Path $e @tools

        $results.RunId | Should -Be 'T0/00/run_01'
        $results.Action | Should -Be 'RerunAgent'
        $results.Outcome | Should -Be 'Succeeded'
        $after = Get-ScyllaRun $e -RunNumber 1
        $after.Status | Should -Be 'Completed'
        $after.RunState | Should -Be 'worktree_cleaned'
        $after.CheckpointStatus | Should -Be 'passed'
        Test-Path (Join-Path $e 'T0/00/.failed/run_01/run_result.json') | Should -BeTrue
    }

    It 'runs the agent again after a piped reset of a Completed run (piped re-run)' {
        $e = New-CompletedExperiment
        $tools = Get-Tools $e

        Get-ScyllaRun $e -RunNumber 2 | Reset-ScyllaRun -FromState prompt_written | Out-Null
        $results = Get-ScyllaRun $e -RunNumber 2 | Invoke-ScyllaRerun @tools

        $results.Action | Should -Be 'RerunAgent'
        $results.Outcome | Should -Be 'Succeeded'
        (Get-ScyllaRun $e -RunNumber 2).Status | Should -Be 'Completed'
    }

    It 'runs the agent of a Results run reset to pending, not a regeneration' {
        $e = New-CompletedExperiment -Runs 1 -Status Results
        $tools = Get-Tools $e

        Set-ScyllaCheckpoint -Path $e -Tier T0 -Subtest 00 -RunNumber 1 -Status agent_complete
        (Reset-ScyllaRun $e -FromState pending -CheckpointStatus agent_complete).Applied | Should -BeTrue
        $results = Invoke-ScyllaRerun -Path $e @tools

        $results.Action | Should -Be 'RerunAgent'
        $results.Outcome | Should -Be 'Succeeded'
    }

    It 'runs only the judges after a judge-stage reset, keeping the agent result byte-identical' {
        $e = New-CompletedExperiment
        $tools = Get-Tools $e
        $agentResult = Get-FileHashText (Join-Path $e 'T0/00/run_01/agent/result.json')

        Reset-ScyllaRun $e -RunNumber 1 -FromState judge_complete | Out-Null
        (Get-ScyllaRun $e -Status Completed).RunId | Should -Be 'T0/00/run_02'
        $results = Invoke-ScyllaRerun -Path $e @tools

        $results.RunId | Should -Be 'T0/00/run_01'
        $results.Action | Should -Be 'ResumeJudges'
        $results.Outcome | Should -Be 'Succeeded'
        Get-FileHashText (Join-Path $e 'T0/00/run_01/agent/result.json') | Should -Be $agentResult
        (Get-ScyllaRun $e -RunNumber 1).RunState | Should -Be 'worktree_cleaned'
    }

    It 'lets Repair-ScyllaCheckpoint resolve a pending state over a finished run folder (written by an older reset)' {
        $e = New-CompletedExperiment
        $file = Join-Path $e 'checkpoint.json'
        $judged = Read-Json (Join-Path $e 'T0/00/run_01/run_result.json')
        $verdict = if ($judged.judge_passed) { 'passed' } else { 'failed' }
        $checkpoint = Read-Json $file
        $checkpoint.run_states.T0.'00'.'1' = 'pending'
        $checkpoint.completed_runs.T0.'00'.Remove('1')
        $checkpoint | ConvertTo-Json -Depth 8 | Set-Content $file

        $changes = Repair-ScyllaCheckpoint $e

        $changes.Target | Should -Be 'T0/00/run_01'
        $changes.Direction | Should -Be 'Forward'
        $run = Get-ScyllaRun $e -RunNumber 1
        $run.RunState | Should -Be 'report_written'
        $run.CheckpointStatus | Should -Be $verdict
    }
}

Describe 'Invoke-ScyllaRerun -JudgeOnly on ProjectScylla-shaped run files' {
    It 're-judges a slot of a run whose run_result.json has no cost_usd (HEAD defaults it to 0)' {
        $e = New-CompletedExperiment -Runs 1
        $tools = Get-Tools $e
        $runFolder = Join-Path $e 'T0/00/run_01'
        $runResult = Read-Json (Join-Path $runFolder 'run_result.json')
        $runResult.Remove('cost_usd')
        $runResult.Remove('duration_seconds')
        $runResult | ConvertTo-Json -Depth 8 | Set-Content (Join-Path $runFolder 'run_result.json')
        Remove-Item (Join-Path $runFolder 'judge/judge_03') -Recurse

        $results = Get-ScyllaRun $e | Invoke-ScyllaRerun @tools -JudgeOnly

        $results.Outcome | Should -Be 'Succeeded'
        $results.Action | Should -Be 'RerunJudges'
        (Get-ScyllaRun $e).JudgeSlots | Should -Be 'Complete,Complete,Complete'
        (Read-Json (Join-Path $runFolder 'report.json')).cost_usd | Should -Be 0
    }

    It 'rebuilds judge/result.json from complete slots when it is missing' {
        $e = New-CompletedExperiment -Runs 1
        $tools = Get-Tools $e
        $runFolder = Join-Path $e 'T0/00/run_01'
        $expected = Read-Json (Join-Path $runFolder 'judge/result.json')
        $slotScores = 1..3 | ForEach-Object { (Read-Json (Join-Path $runFolder "judge/judge_0$_/judgment.json")).score }
        Remove-Item (Join-Path $runFolder 'judge/result.json')

        $results = Get-ScyllaRun $e | Invoke-ScyllaRerun @tools -JudgeOnly

        $results.Outcome | Should -Be 'Succeeded'
        $results.Action | Should -Be 'Regenerate'
        $rebuilt = Read-Json (Join-Path $runFolder 'judge/result.json')
        $rebuilt.score | Should -Be (($slotScores | Measure-Object -Average).Average)
        $rebuilt.passed | Should -Be $expected.passed
        Test-Path (Join-Path $runFolder 'judge/judge_04') | Should -BeFalse
    }

    It 'still refuses a run whose slots and consensus are all there' {
        $e = New-CompletedExperiment -Runs 1
        $tools = Get-Tools $e

        Get-ScyllaRun $e | Invoke-ScyllaRerun @tools -JudgeOnly -ErrorVariable refused -ErrorAction SilentlyContinue |
            Out-Null

        $refused.FullyQualifiedErrorId | Should -BeLike 'NothingToJudge,*'
    }
}
