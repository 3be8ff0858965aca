# Invoke-ScyllaRerun end to end: the built module, real git repositories, and the scripted agent and judge
# (examples/fake-claude) standing in for claude, run as real processes.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    $fakes = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/fake-claude')).ProviderPath
    $agent = Join-Path $fakes 'agent.sh'
    $judge = Join-Path $fakes 'judge.sh'

    function New-RerunExperiment([int] $Tiers = 2, [int] $Runs = 5, [string[]] $Status = @('Completed', 'Missing', 'Failed', 'Partial', 'Results'), [string] $Layout = 'Flat') {
        $path = Join-Path $TestDrive "exp-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-ScyllaSampleExperiment $path -TierCount $Tiers -SubtestCount 1 -RunCount $Runs -Status $Status -Layout $Layout -WithRepository | Out-Null
        $path
    }

    function Invoke-Rerun {
        [CmdletBinding()]
        param([Parameter(ValueFromPipeline)] $Run, [string] $Experiment, [hashtable] $Extra = @{})
        begin { $runs = @() }
        process { if ($Run) { $runs += $Run } }
        end {
            $runs | Invoke-ScyllaRerun -AgentPath $agent -JudgePath $judge -TierConfigPath (Join-Path $Experiment 'tier-config') @Extra
        }
    }

    function Get-TreeHash([string] $Path) {
        Get-ChildItem $Path -Recurse -File -Force | Sort-Object FullName | ForEach-Object { "$($_.FullName.Substring($Path.Length)) $((Get-FileHash $_.FullName).Hash)" }
    }

    function Read-Json([string] $Path) { Get-Content $Path -Raw | ConvertFrom-Json -AsHashtable -DateKind String }

    . (Join-Path $PSScriptRoot 'RerunHelpers.ps1')
}

Describe 'Invoke-ScyllaRerun' {
    AfterEach {
        Remove-Item Env:SCYLLA_FAKE_AGENT_MODE, Env:SCYLLA_FAKE_JUDGE_MODE, Env:SCYLLA_FAKE_AGENT_PIDFILE -ErrorAction Ignore
    }

    It 'turns Missing, Failed and Partial runs into Completed ones and leaves Completed runs byte-identical' {
        $e = New-RerunExperiment
        $completedBefore = Get-ScyllaRun $e -Status Completed | ForEach-Object { @{ Id = $_.RunId; Hash = (Get-TreeHash $_.Path) -join "`n" } }

        $results = Get-ScyllaRun $e -Status Missing, Failed, Partial | Invoke-Rerun -Experiment $e

        $results.Count | Should -Be 6
        $results.Outcome | Sort-Object -Unique | Should -Be 'Succeeded'
        $results.Action | Sort-Object -Unique | Should -Be 'RerunAgent'
        $after = Get-ScyllaRun $e -TierConfigPath (Join-Path $e 'tier-config')
        ($after | Where-Object Status -eq Completed).Count | Should -Be 8
        ($after | Where-Object Status -eq Results).Count | Should -Be 2
        foreach ($run in $completedBefore) {
            (Get-TreeHash (Get-ScyllaRun $e -Tier $run.Id.Substring(0, 2) | Where-Object RunId -eq $run.Id).Path) -join "`n" | Should -Be $run.Hash
        }
        $checkpoint = Read-Json (Join-Path $e 'checkpoint.json')
        foreach ($r in $results) {
            $checkpoint.run_states[$r.Tier][$r.Subtest]["$($r.RunNumber)"] | Should -Be 'worktree_cleaned'
            $checkpoint.completed_runs[$r.Tier][$r.Subtest]["$($r.RunNumber)"] | Should -Be 'passed'
        }
    }

    It 'runs under in_progress/ and promotes the run to completed/ in the phase layout' {
        $e = New-RerunExperiment -Tiers 1 -Runs 2 -Status Failed, Missing -Layout Phase
        Set-Content (Join-Path $e 'rubric.yaml') 'rubric: says hello'
        Set-Content (Join-Path $e 'criteria.md') 'criteria: prints the greeting'

        $runs = Get-ScyllaRun $e | Invoke-Rerun -Experiment $e -Extra @{ PassThru = $true }

        $runs.Status | Sort-Object -Unique | Should -Be 'Completed'
        $runs.Location | Sort-Object -Unique | Should -Be 'Completed'
        Get-ChildItem (Join-Path $e 'in_progress/T0/00') -Directory -Force | ForEach-Object Name | Should -Be '.failed'
        Test-Path (Join-Path $e 'in_progress/T0/00/.failed/run_01/agent/stderr.log') | Should -BeTrue
        $prompt = Get-Content (Join-Path $e 'completed/T0/00/run_01/judge_prompt.md') -Raw
        $prompt | Should -BeLike '*rubric: says hello*'
        $prompt | Should -BeLike '*criteria: prints the greeting*'
        git -C (Join-Path $e 'repo') worktree list --porcelain | Where-Object { $_ -like 'worktree *' } | Should -HaveCount 1
        git -C (Join-Path $e 'repo') log --format=%s -1 T0_00_run_01 | Should -Be '[scylla] Agent changes'
    }

    It 'writes files that match formats.md field for field (read back with plain JSON)' {
        $e = New-RerunExperiment -Tiers 1 -Runs 1 -Status Missing
        $run = Get-ScyllaRun $e | Invoke-Rerun -Experiment $e -Extra @{ PassThru = $true }
        $dir = $run.Path

        (Read-Json "$dir/agent/result.json").Keys | Should -Be @('exit_code', 'stdout', 'stderr', 'token_stats', 'cost_usd', 'api_calls')
        (Read-Json "$dir/agent/result.json").token_stats.Keys | Should -Be @('input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens')
        (Read-Json "$dir/agent/result.json").api_calls | Should -Be 3
        (Read-Json "$dir/agent/timing.json").Keys | Should -Be @('agent_duration_seconds', 'measured_at')
        (Read-Json "$dir/agent/command_log.json").Keys | Should -Be @('generated_at', 'total_commands', 'commands')
        (Read-Json "$dir/agent/command_log.json").commands[0].Keys | Should -Be @('timestamp', 'command', 'cwd', 'env_vars', 'exit_code', 'stdout_file', 'stderr_file', 'duration_seconds')
        (Read-Json "$dir/judge/judge_01/judgment.json").Keys | Should -Be @('score', 'passed', 'grade', 'reasoning', 'is_valid', 'criteria_scores')
        (Read-Json "$dir/judge/result.json").Keys | Should -Be @('score', 'passed', 'grade', 'reasoning', 'is_valid', 'criteria_scores')
        (Read-Json "$dir/judge/result.json").criteria_scores | Should -BeNullOrEmpty
        (Read-Json "$dir/judge/judge_01/timing.json").Keys | Should -Be @('judge_duration_seconds', 'measured_at')
        Get-Content "$dir/judge/judge_02/MODEL.md" | Should -Contain '**Model**: claude-judge-2'
        (Read-Json "$dir/run_result.json").Keys | Should -Be @('run_number', 'exit_code', 'token_stats', 'tokens_input', 'tokens_output', 'cost_usd', 'duration_seconds',
            'agent_duration_seconds', 'judge_duration_seconds', 'judge_score', 'judge_passed', 'judge_grade', 'judge_reasoning', 'judges', 'workspace_path', 'logs_path',
            'command_log_path', 'criteria_scores')
        (Read-Json "$dir/run_result.json").tokens_input | Should -Be 110
        (Read-Json "$dir/report.json").Keys | Should -Be @('run_number', 'score', 'grade', 'passed', 'cost_usd', 'duration_seconds', 'generated_at')
        (Get-Item "$dir/task_prompt.md").LinkTarget | Should -Be (Join-Path $e 'prompt.md')
        Test-Path "$dir/worktree_create.sh" | Should -BeTrue
        Get-Content "$dir/agent/prompt.md" -Raw | Should -Be (Get-Content (Join-Path $e 'prompt.md') -Raw)
    }

    It 'archives an existing run as .failed/run_NN, then run_NN_failed_1, never overwriting' {
        $e = New-RerunExperiment -Tiers 1 -Runs 1 -Status Failed
        Get-ScyllaRun $e | Invoke-Rerun -Experiment $e | Out-Null
        $run = Get-ScyllaRun $e
        Remove-Item "$($run.Path)/agent/output.txt" # make it Failed again

        $result = Get-ScyllaRun $e | Invoke-Rerun -Experiment $e

        $result.ArchivePath | Should -Be (Join-Path $e 'T0/00/.failed/run_01_failed_1')
        (Get-ChildItem (Join-Path $e 'T0/00/.failed')).Name | Should -Be @('run_01', 'run_01_failed_1')
        Test-Path (Join-Path $e 'T0/00/.failed/run_01/agent/stderr.log') | Should -BeTrue
    }

    It 'regenerates the result files of a Results run from its logs, without agent or judge' {
        $e = New-RerunExperiment -Tiers 1 -Runs 1 -Status Results
        $run = Get-ScyllaRun $e
        Remove-Item "$($run.Path)/agent/result.json"
        $env:SCYLLA_FAKE_AGENT_MODE = 'fail' # would fail loudly if the agent ran

        $result = $run | Invoke-Rerun -Experiment $e

        $result.Action | Should -Be 'Regenerate'
        $result.Outcome | Should -Be 'Succeeded'
        $agentResult = Read-Json "$($run.Path)/agent/result.json"
        $agentResult.exit_code | Should -Be 0
        $agentResult.stdout | Should -Be (Get-Content "$($run.Path)/agent/stdout.log" -Raw)
        $agentResult.token_stats.cache_read_tokens | Should -Be 9000
        $agentResult.api_calls | Should -Be 4
        $runResult = Read-Json "$($run.Path)/run_result.json"
        $runResult.judge_score | Should -Be (Read-Json "$($run.Path)/judge/result.json").score
        $runResult.tokens_input | Should -Be 9030
        $runResult.judge_duration_seconds | Should -Be 30.0
        $runResult.judges.Count | Should -Be 3
        Test-Path "$($run.Path)/agent/replay.sh" | Should -BeFalse
        (Get-ScyllaRun $e).Status | Should -Be 'Completed'
    }

    It 'rebuilds a damaged agent/result.json of a Results run from its logs, api_calls from num_turns' {
        $e = New-RerunExperiment -Tiers 1 -Runs 1 -Status Results
        $run = Get-ScyllaRun $e
        Set-Content "$($run.Path)/agent/result.json" '{"exit_code": 0, "tok'

        $result = $run | Invoke-Rerun -Experiment $e

        ($result.Action, $result.Outcome) | Should -Be @('Regenerate', 'Succeeded')
        $agentResult = Read-Json "$($run.Path)/agent/result.json"
        $agentResult.api_calls | Should -Be 4
        $agentResult.token_stats.cache_read_tokens | Should -Be 9000
        (Get-ScyllaRun $e).Status | Should -Be 'Completed'
    }

    It 'refuses a Completed run with a stable error id and says what to use instead' {
        $e = New-RerunExperiment -Tiers 1 -Runs 1 -Status Completed

        $result = Get-ScyllaRun $e | Invoke-Rerun -Experiment $e -ErrorVariable failures -ErrorAction SilentlyContinue

        $result.Outcome | Should -Be 'Skipped'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'RunAlreadyCompleted,*'
        $failures[0].Exception.Message | Should -BeLike '*-JudgeOnly*'
    }

    It 're-runs only the missing and failed judge slots with -JudgeOnly' {
        $e = New-RerunExperiment -Tiers 1 -Runs 1 -Status Completed
        $run = Get-ScyllaRun $e
        Remove-Item "$($run.Path)/judge/judge_02" -Recurse
        Set-Content "$($run.Path)/judge/judge_03/judgment.json" '{"score": 0.5, "is_valid": false}'
        $agentBefore = (Get-TreeHash "$($run.Path)/agent") -join "`n"
        $slot1Before = Get-FileHash "$($run.Path)/judge/judge_01/judgment.json"

        $result = Get-ScyllaRun $e | Invoke-Rerun -Experiment $e -Extra @{ JudgeOnly = $true }

        $result.Action | Should -Be 'RerunJudges'
        (Get-ScyllaRun $e).JudgeSlots | Should -Be 'Complete,Complete,Complete'
        (Get-TreeHash "$($run.Path)/agent") -join "`n" | Should -Be $agentBefore
        (Get-FileHash "$($run.Path)/judge/judge_01/judgment.json").Hash | Should -Be $slot1Before.Hash
        (Read-Json "$($run.Path)/run_result.json").judges.Count | Should -Be 3
        (Read-Json "$($run.Path)/judge/result.json").score | Should -Be (Read-Json "$($run.Path)/run_result.json").judge_score
    }

    It 'touches nothing with -WhatIf' {
        $e = New-RerunExperiment
        $before = (Get-TreeHash $e) -join "`n"

        Get-ScyllaRun $e | Invoke-Rerun -Experiment $e -Extra @{ WhatIf = $true }

        (Get-TreeHash $e) -join "`n" | Should -Be $before
    }

    It 'marks a rate-limited agent RateLimited, not Failed' {
        $e = New-RerunExperiment -Tiers 1 -Runs 1 -Status Missing
        $env:SCYLLA_FAKE_AGENT_MODE = 'ratelimit'

        $result = Get-ScyllaRun $e | Invoke-Rerun -Experiment $e -ErrorAction SilentlyContinue

        $result.Outcome | Should -Be 'RateLimited'
        (Read-Json (Join-Path $e 'checkpoint.json')).run_states.T0.'00'.'1' | Should -Be 'rate_limited'
    }

    It 'gives each of several runs stopped by the same limit its own error record' {
        $e = New-RerunExperiment -Tiers 1 -Runs 3 -Status Missing
        $env:SCYLLA_FAKE_AGENT_MODE = 'ratelimit'

        $results = Get-ScyllaRun $e | Invoke-Rerun -Experiment $e -ErrorVariable failures -ErrorAction SilentlyContinue

        @($results | Where-Object Outcome -eq 'RateLimited').Count | Should -Be 3
        @($failures | Where-Object FullyQualifiedErrorId -like 'RateLimited,*').Count | Should -Be 3
        @($failures.TargetObject.RunId | Sort-Object -Unique).Count | Should -Be 3
    }

    It 'kills the whole process group of an agent that outlives its timeout (a child ignores SIGTERM)' {
        $e = New-RerunExperiment -Tiers 1 -Runs 1 -Status Missing
        $env:SCYLLA_FAKE_AGENT_MODE = 'stubborn'
        $env:SCYLLA_FAKE_AGENT_PIDFILE = Join-Path $TestDrive 'stubborn.pid'

        $result = Get-ScyllaRun $e | Invoke-Rerun -Experiment $e -Extra @{ TimeoutSeconds = 2 } -ErrorVariable failures -ErrorAction SilentlyContinue

        $result.Outcome | Should -Be 'Failed'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AgentInfrastructureFailure,*'
        $child = [int](Get-Content $env:SCYLLA_FAKE_AGENT_PIDFILE)
        Test-ProcessRunning $child | Should -BeFalse
        Test-Path (Join-Path $e 'T0/00/.failed/run_01/agent/result.json') | Should -BeTrue
        (Get-ScyllaRun $e).Status | Should -Be 'Missing'
    }

    It 'runs T5 after the runs of the tier it inherits from, and skips T5 when that tier never completed' {
        $e = New-RerunExperiment -Tiers 6 -Runs 2 -Status Missing
        $t5Before = (Get-TreeHash (Join-Path $e 'T5')) -join "`n"

        $skipped = Get-ScyllaRun $e -Tier T5 | Invoke-Rerun -Experiment $e -ErrorVariable failures -ErrorAction SilentlyContinue
        $skipped.Outcome | Sort-Object -Unique | Should -Be 'Skipped'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ParentTiersIncomplete,*'
        (Get-TreeHash (Join-Path $e 'T5')) -join "`n" | Should -Be $t5Before

        # T0 completes (its best subtest and manifest exist), then T5 may inherit from it.
        Set-Content (Join-Path $e 'T0/result.json') '{"tier_id": "T0", "best_subtest": "00"}'
        Set-Content (Join-Path $e 'T0/00/config_manifest.json') '{"tier_id": "T0", "subtest_id": "00", "resources": {}}'
        $results = Get-ScyllaRun $e -Tier T5, T0 | Sort-Object { $_.Tier -ne 'T5' } | Invoke-Rerun -Experiment $e -Extra @{ ThrottleLimit = 4 }

        $results.Outcome | Sort-Object -Unique | Should -Be 'Succeeded'
        $t0Done = Get-ChildItem (Join-Path $e 'T0/00/run_0*/run_result.json') | ForEach-Object LastWriteTimeUtc | Sort-Object | Select-Object -Last 1
        $t5Started = Get-ChildItem (Join-Path $e 'T5/01/run_0*/agent/prompt.md') | ForEach-Object LastWriteTimeUtc | Sort-Object | Select-Object -First 1
        $t5Started | Should -BeGreaterThan $t0Done
    }

    It 'finishes an experiment from nothing in one call: T5 starts once both its parent tiers have a best subtest' {
        $e = New-RerunExperiment -Tiers 6 -Runs 2 -Status Missing

        $results = Get-ScyllaRun $e -Status Missing | Invoke-Rerun -Experiment $e -Extra @{ ThrottleLimit = 3 }

        $results.Outcome | Sort-Object -Unique | Should -Be 'Succeeded'
        (Get-ScyllaRun $e).Status | Sort-Object -Unique | Should -Be 'Completed'
        foreach ($parent in 'T0', 'T1') {
            (Read-Json (Join-Path $e "$parent/best_subtest.json")).winning_subtest | Should -Not -BeNullOrEmpty
            $parentDone = Get-ChildItem (Join-Path $e "$parent/*/run_0*/run_result.json") | ForEach-Object LastWriteTimeUtc | Sort-Object | Select-Object -Last 1
            $t5Started = Get-ChildItem (Join-Path $e 'T5/*/run_0*/agent/prompt.md') | ForEach-Object LastWriteTimeUtc | Sort-Object | Select-Object -First 1
            $t5Started | Should -BeGreaterThan $parentDone
        }
        foreach ($file in 'result.json', 'tier_comparison.json', 'report.json') { Join-Path $e $file | Should -Exist }
        (Read-Json (Join-Path $e 'T5/result.json')).tier_id | Should -Be 'T5'
    }

    It 'runs up to ThrottleLimit runs at once' {
        $e = New-RerunExperiment -Tiers 1 -Runs 8 -Status Missing
        $env:SCYLLA_FAKE_AGENT_MODE = 'sleep:2'

        $results = Get-ScyllaRun $e | Invoke-Rerun -Experiment $e -Extra @{ ThrottleLimit = 4 }

        $results.Outcome | Sort-Object -Unique | Should -Be 'Succeeded'
        $spans = Get-ChildItem (Join-Path $e 'T0/00/run_*/agent/timing.json') | ForEach-Object {
            $t = Read-Json $_.FullName
            $end = [datetimeoffset]::Parse($t.measured_at)
            [pscustomobject]@{ Start = $end.AddSeconds(-$t.agent_duration_seconds); End = $end }
        }
        # The most agents running at one instant: at each start, count the spans that contain it.
        $mostAtOnce = ($spans | ForEach-Object { $t = $_.Start; ($spans | Where-Object { $_.Start -le $t -and $_.End -gt $t }).Count } | Measure-Object -Maximum).Maximum
        $mostAtOnce | Should -BeGreaterThan 1
        $mostAtOnce | Should -BeLessOrEqual 4
    }
}
