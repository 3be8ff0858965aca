# Invoke-ScyllaRerun under the faults of real use: concurrent processes, stale and edited objects, signals and kills of
# pwsh, stops downstream and terminating errors. Real pwsh processes, real git, scripted stand-ins for claude.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    $fakes = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/fake-claude')).ProviderPath
    $judge = Join-Path $fakes 'judge.sh'
    # This pwsh, whether it runs as its own executable or as a dotnet tool (dotnet + pwsh.dll).
    $pwsh = @([Environment]::ProcessPath)
    if ((Split-Path $pwsh[0] -Leaf) -like 'dotnet*') { $pwsh += [Environment]::GetCommandLineArgs()[0] }
    . (Join-Path $PSScriptRoot 'RerunHelpers.ps1')

    function New-RerunExperiment([int] $Runs = 4, [string[]] $Status = @('Failed')) {
        $path = Join-Path $TestDrive "exp-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-ScyllaSampleExperiment $path -TierCount 1 -SubtestCount 1 -RunCount $Runs -Status $Status -WithRepository | Out-Null
        $path
    }

    # An agent stand-in: logs "<run folder> <pid>" to $SCYLLA_TEST_LOG, runs $Body, then does the bundled agent's work.
    function New-Agent([string] $Body = '') {
        $path = Join-Path $TestDrive "agent-$([guid]::NewGuid().ToString('N').Substring(0, 8)).sh"
        Set-Content $path @"
#!/usr/bin/env bash
if [ "`${1:-}" = --version ]; then echo test-agent; exit 0; fi
run=`$(basename "`$(dirname "`$PWD")")
echo "`$run `$`$" >> "`$SCYLLA_TEST_LOG"
$Body
exec '$(Join-Path $fakes 'agent.sh')' "`$@"
"@
        chmod +x $path
        $path
    }
}

Describe 'Several processes re-running one experiment' {
    It 'runs each agent exactly once and archives each old attempt once, with <Count> processes' -TestCases @(@{ Count = 2 }, @{ Count = 3 }) {
        $e = New-RerunExperiment -Runs 6
        $log = Join-Path $TestDrive "agents-$Count.log"
        $agent = New-Agent 'sleep 0.5'
        $command = "Invoke-ScyllaRerun -Path '$e' -ThrottleLimit 2 -AgentPath '$agent' -JudgePath '$judge' -TierConfigPath '$e/tier-config' | Out-Null"

        $processes = 1..$Count | ForEach-Object { Start-Pwsh $command $log }
        $processes | ForEach-Object { $_.WaitForExit() }

        $started = @(Get-Content $log | ForEach-Object { ($_ -split ' ')[0] })
        $started | Sort-Object | Should -Be @('run_01', 'run_02', 'run_03', 'run_04', 'run_05', 'run_06')
        Get-Archives $e | Sort-Object | Should -Be @('run_01', 'run_02', 'run_03', 'run_04', 'run_05', 'run_06')
        $runs = Get-ScyllaRun $e -TierConfigPath "$e/tier-config"
        $runs.Status | Sort-Object -Unique | Should -Be 'Completed'
        $runs.CheckpointStatus | Sort-Object -Unique | Should -Be 'passed'
        $runs.JudgeSlots | Sort-Object -Unique | Should -Be 'Complete,Complete,Complete'
    }
}

Describe 'Objects are addresses' {
    It 'never re-runs a Completed run given by a stale object' {
        $e = New-RerunExperiment -Runs 2
        $stale = Get-ScyllaRun $e -TierConfigPath "$e/tier-config"
        $stale | Invoke-ScyllaRerun -AgentPath (Join-Path $fakes 'agent.sh') -JudgePath $judge | Out-Null

        $again = $stale | Invoke-ScyllaRerun -AgentPath (Join-Path $fakes 'agent.sh') -JudgePath $judge -ErrorAction SilentlyContinue -ErrorVariable errors

        $again.Outcome | Sort-Object -Unique | Should -Be 'Skipped'
        $errors.FullyQualifiedErrorId | ForEach-Object { ($_ -split ',')[0] } | Sort-Object -Unique | Should -Be 'RunAlreadyCompleted'
        Get-Archives $e | Sort-Object | Should -Be @('run_01', 'run_02')
    }

    It 'is read-only: no output object of the module can be edited' {
        $e = New-RerunExperiment -Runs 1
        $run = Get-ScyllaRun $e | Select-Object -First 1
        { $run.Status = 'Completed' } | Should -Throw
        { $run.Path = '/tmp' } | Should -Throw
        $result = $run | Invoke-ScyllaRerun -AgentPath (Join-Path $fakes 'agent.sh') -JudgePath $judge
        { $result.Outcome = 'Succeeded' } | Should -Throw
        { (Get-ScyllaCheckpoint $e).Status = 'running' } | Should -Throw
        { (Get-ScyllaExperiment $e).ExperimentPath = '/tmp' } | Should -Throw
    }

    It 'ignores every property of an edited copy but its address: no write outside the experiment' {
        $e = New-RerunExperiment -Runs 1 -Status Completed
        $outside = Join-Path $TestDrive 'outside'
        $copy = Get-ScyllaRun $e | Select-Object *
        $copy.Status = 'Failed'
        $copy.JudgeSlots = 'Missing,Missing,Missing'
        $copy.Path = $outside

        $result = $copy | Invoke-ScyllaRerun -JudgeOnly -AgentPath (Join-Path $fakes 'agent.sh') -JudgePath $judge -TierConfigPath "$e/tier-config" -ErrorAction SilentlyContinue -ErrorVariable errors

        $result.Outcome | Should -Be 'Skipped'
        ($errors[0].FullyQualifiedErrorId -split ',')[0] | Should -Be 'NothingToJudge'
        Test-Path $outside | Should -BeFalse
    }

    It 'gives back exactly the runs of CSV rows, Clixml and job output piped into Get-ScyllaRun' {
        $e = New-RerunExperiment -Runs 4
        $picked = Get-ScyllaRun $e | Select-Object -Skip 1 -First 2
        $csv = Join-Path $TestDrive 'picked.csv'
        $xml = Join-Path $TestDrive 'picked.xml'
        $picked | Export-Csv $csv
        $picked | Export-Clixml $xml
        $fromJob = Start-Job { Import-Module $using:env:SCYLLA_MODULE; Get-ScyllaRun $using:e -RunNumber 2, 3 } | Receive-Job -Wait -AutoRemoveJob

        foreach ($rows in (Import-Csv $csv), (Import-Clixml $xml), $fromJob) {
            ($rows | Get-ScyllaRun).RunId | Should -Be @('T0/00/run_02', 'T0/00/run_03')
        }
    }

    It 'takes CSV rows back: Import-Csv | Invoke-ScyllaRerun -WhatIf names exactly those runs' {
        $e = New-RerunExperiment -Runs 4
        $csv = Join-Path $TestDrive 'runs.csv'
        Get-ScyllaRun $e -TierConfigPath "$e/tier-config" | Select-Object -Skip 1 -First 2 | Export-Csv $csv

        # What-if lines go to the host, so they are read from a pwsh of their own.
        $p = Start-Pwsh "Import-Csv '$csv' | Invoke-ScyllaRerun -WhatIf -AgentPath '$fakes/agent.sh' -JudgePath '$judge'" (Join-Path $TestDrive 'csv.log')
        $lines = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()

        $lines | Should -Match 'T0/00/run_02'
        $lines | Should -Match 'T0/00/run_03'
        $lines | Should -Not -Match 'T0/00/run_01|T0/00/run_04'
        Get-Archives $e | Should -BeNullOrEmpty
    }
}

Describe 'Nothing a call started outlives it' {
    BeforeAll {
        # Writes its pid, then keeps writing into the workspace by its absolute path, ignoring SIGTERM, for a minute.
        $lingering = New-Agent @'
trap '' TERM
echo $$ > "$SCYLLA_TEST_LOG.pid"
for i in $(seq 1 600); do echo late > "$PWD/late-$$.txt"; sleep 0.1; done
'@
    }

    It 'ends the agents when pwsh gets <Signal>, before pwsh exits' -TestCases @(@{ Signal = 'TERM' }, @{ Signal = 'HUP' }) {
        $e = New-RerunExperiment -Runs 1
        $log = Join-Path $TestDrive "signal-$Signal.log"
        $p = Start-Pwsh "Invoke-ScyllaRerun -Path '$e' -AgentPath '$lingering' -JudgePath '$judge' -TierConfigPath '$e/tier-config'" $log
        Wait-Until { Test-Path "$log.pid" }
        $agentPid = [int](Get-Content "$log.pid")

        kill "-$Signal" $p.Id
        $p.WaitForExit()

        Test-ProcessRunning $agentPid | Should -BeFalse
    }

    It 'ends the agent a killed pwsh left behind before the next re-run touches the run' {
        $e = New-RerunExperiment -Runs 1
        $log = Join-Path $TestDrive 'kill9.log'
        $p = Start-Pwsh "Invoke-ScyllaRerun -Path '$e' -AgentPath '$lingering' -JudgePath '$judge' -TierConfigPath '$e/tier-config'" $log
        Wait-Until { Test-Path "$log.pid" }
        $orphan = [int](Get-Content "$log.pid")
        # The lease records the agent's process group just after it starts; a kill before that leaves nothing to find.
        # cat, not Get-Content: .NET asks for a shared flock before reading, which a held lease refuses
        Wait-Until { (cat "$e/.scylla/leases/T0-00-run_01.lock" 2>$null | ConvertFrom-Json).process_group }
        kill -KILL $p.Id
        $p.WaitForExit()
        Test-ProcessRunning $orphan | Should -BeTrue -Because 'kill -9 leaves the agent running (its own session)'

        $env:SCYLLA_TEST_LOG = Join-Path $TestDrive 'second.log'
        $result = Invoke-ScyllaRerun -Path $e -AgentPath (New-Agent) -JudgePath $judge -TierConfigPath "$e/tier-config"
        Start-Sleep -Seconds 1 # anything the orphan still wrote would now be on disk

        $result.Outcome | Should -Be 'Succeeded'
        Test-ProcessRunning $orphan | Should -BeFalse
        $run = Get-ScyllaRun $e -TierConfigPath "$e/tier-config"
        @(Get-ChildItem $run.Path -Recurse -Filter "late-$orphan.txt" -Force).Count | Should -Be 0
        git -C (Join-Path $e 'repo') log --all --name-only --format= | Should -Not -Contain "late-$orphan.txt" -Because 'nothing the orphan wrote was committed'
    }

    It 'leaves no agent running when a stop downstream ends the pipeline (Select-Object -First 1)' {
        $e = New-RerunExperiment -Runs 2
        $env:SCYLLA_TEST_LOG = Join-Path $TestDrive 'first.log'
        # run_01 finishes only once run_02's agent has started, so the stop always finds one running
        $agent = New-Agent ('if [ "$run" = run_02 ]; then echo $$ > "$SCYLLA_TEST_LOG.pid"; trap "" TERM; sleep 600; ' +
            'else for i in $(seq 600); do [ -s "$SCYLLA_TEST_LOG.pid" ] && break; sleep 0.1; done; fi')

        $first = Invoke-ScyllaRerun -Path $e -ThrottleLimit 2 -AgentPath $agent -JudgePath $judge -TierConfigPath "$e/tier-config" | Select-Object -First 1

        $first.RunId | Should -Be 'T0/00/run_01'
        Test-Path "$env:SCYLLA_TEST_LOG.pid" | Should -BeTrue -Because 'the slow agent had started'
        Test-ProcessRunning ([int](Get-Content "$env:SCYLLA_TEST_LOG.pid")) | Should -BeFalse
    }

    It 'leaves no agent running when -ErrorAction Stop turns a run''s error into a terminating one' {
        $e = New-RerunExperiment -Runs 2
        $env:SCYLLA_TEST_LOG = Join-Path $TestDrive 'stop.log'
        $agent = New-Agent 'if [ "$run" = run_02 ]; then echo $$ > "$SCYLLA_TEST_LOG.pid"; trap "" TERM; sleep 600; else sleep 1; exit 1; fi'

        { Invoke-ScyllaRerun -Path $e -ThrottleLimit 2 -AgentPath $agent -JudgePath $judge -TierConfigPath "$e/tier-config" -ErrorAction Stop } |
            Should -Throw -ErrorId 'AgentFailed*'

        Test-Path "$env:SCYLLA_TEST_LOG.pid" | Should -BeTrue -Because 'the slow agent had started'
        Test-ProcessRunning ([int](Get-Content "$env:SCYLLA_TEST_LOG.pid")) | Should -BeFalse
    }

    AfterEach { Remove-Item Env:SCYLLA_TEST_LOG -ErrorAction Ignore }
}

Describe 'Waiting on a rate limit' {
    It 'pauses the whole batch until the limit lifts, records the pause in the checkpoint, and completes every run' {
        $e = New-RerunExperiment -Runs 4
        $log = Join-Path $TestDrive 'wait.log'
        # run_02's first attempt meets a limit that lifts 3 s later; every agent start is logged with its time.
        $agent = New-Agent @'
date +%s.%N >> "$SCYLLA_TEST_LOG.starts"
if [ "$run" = run_02 ] && [ ! -e "$SCYLLA_TEST_LOG.limited" ]; then
  date +%s.%N > "$SCYLLA_TEST_LOG.limited"
  echo '{"type":"result","is_error":true,"result":"API Error: 429 rate limit exceeded, retry after 3 seconds"}'; exit 1
fi
sleep 1
'@
        $checkpoint = Join-Path $e 'checkpoint.json'
        $before = (Get-Content $checkpoint -Raw | ConvertFrom-Json).status
        $p = Start-Pwsh "Invoke-ScyllaRerun -Path '$e' -ThrottleLimit 2 -WaitOnRateLimit -AgentPath '$agent' -JudgePath '$judge' -TierConfigPath '$e/tier-config' | Out-Null" $log
        $seen = @()
        $pausedSeenAt = $null
        while (-not $p.HasExited) {
            $now = Get-Content $checkpoint -Raw -ErrorAction Ignore | ConvertFrom-Json -ErrorAction Ignore
            if ($now.status -eq 'paused_rate_limit') {
                $seen += $now
                $pausedSeenAt ??= [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000
            }
            Start-Sleep -Milliseconds 100
        }

        $runs = Get-ScyllaRun $e -TierConfigPath "$e/tier-config"
        $runs.Status | Sort-Object -Unique | Should -Be 'Completed'
        $seen.Count | Should -BeGreaterThan 0 -Because 'the checkpoint said paused_rate_limit during the pause'
        $seen[0].rate_limit_source | Should -Be 'agent'
        $seen[0].pause_count | Should -Be 1
        $resumeAt = [DateTimeOffset]::Parse($seen[0].rate_limit_until).ToUnixTimeMilliseconds() / 1000
        $starts = Get-Content "$log.starts" | ForEach-Object { [double]$_ }
        # From the moment the checkpoint shows the pause (a run already past its agent's start before the limit was
        # read may still start: on a loaded machine that can be well after the limited agent exited).
        @($starts | Where-Object { $_ -gt $pausedSeenAt -and $_ -lt $resumeAt - 0.2 }).Count |
            Should -Be 0 -Because 'no agent starts during the pause'
        $after = Get-Content $checkpoint -Raw | ConvertFrom-Json
        ($after.status, $after.rate_limit_until, $after.rate_limit_source, $after.pause_count) | Should -Be @($before, $null, $null, 1)
    }
}

Describe 'Outcomes agree with a fresh listing' {
    It 'reports <Case> as Failed (<Id>), and the next Get-ScyllaRun does not call the run Completed' -TestCases @(
        @{ Case = 'an agent that cannot start (exit 127)'; Body = 'exit 127'; Id = 'AgentFailed' }
        @{ Case = 'an agent that exits 1 with no output'; Body = 'exit 1'; Id = 'AgentFailed' }
    ) {
        $e = New-RerunExperiment -Runs 1
        $env:SCYLLA_TEST_LOG = Join-Path $TestDrive 'outcome.log'

        $result = Invoke-ScyllaRerun -Path $e -AgentPath (New-Agent $Body) -JudgePath $judge -TierConfigPath "$e/tier-config" -ErrorAction SilentlyContinue -ErrorVariable errors

        $result.Outcome | Should -Be 'Failed'
        ($errors[0].FullyQualifiedErrorId -split ',')[0] | Should -Be $Id
        $after = Get-ScyllaRun $e -TierConfigPath "$e/tier-config"
        $after.Status | Should -Not -Be 'Completed'
        $after.Status | Should -Be $result.Status
        $after.CheckpointStatus | Should -Be 'failed'
        Remove-Item Env:SCYLLA_TEST_LOG
    }

    It 'lists a rate-limited attempt as RateLimited, never judges it, and re-runs its agent by default' {
        $e = New-RerunExperiment -Runs 1 -Status RateLimited
        $run = Get-ScyllaRun $e -Status RateLimited
        $run.Reason | Should -BeLike "Agent rate-limited: You've hit your limit * resets 4pm (America/Los_Angeles) (agent/result.json)"

        $judged = $run | Invoke-ScyllaRerun -JudgeOnly -JudgePath $judge -ErrorAction SilentlyContinue -ErrorVariable errors
        $result = Invoke-ScyllaRerun -Path $e -AgentPath (Join-Path $fakes 'agent.sh') -JudgePath $judge -TierConfigPath "$e/tier-config"

        ($judged.Outcome, ($errors[0].FullyQualifiedErrorId -split ',')[0]) | Should -Be @('Skipped', 'AgentResultInvalid')
        $result.Outcome | Should -Be 'Succeeded'
        (Get-ScyllaRun $e).Status | Should -Be 'Completed'
        Get-Archives $e | Should -Be 'run_01'
    }

    It 'refuses a -JudgePath typo before touching anything' {
        $e = New-RerunExperiment -Runs 1
        # every file but the run's lease, the one thing a refused run may create (docs/format.md, Leases)
        function Get-Files {
            Get-ChildItem $e -Recurse -File -Force | Where-Object FullName -notlike '*/.scylla/*' | Get-FileHash |
                ForEach-Object { "$($_.Path) $($_.Hash)" }
        }
        $before = Get-Files

        $result = Invoke-ScyllaRerun -Path $e -AgentPath (Join-Path $fakes 'agent.sh') -JudgePath ./no-such-judge.sh -TierConfigPath "$e/tier-config" -ErrorAction SilentlyContinue -ErrorVariable errors

        $result.Outcome | Should -Be 'Skipped'
        ($errors[0].FullyQualifiedErrorId -split ',')[0] | Should -Be 'JudgeNotFound'
        Get-Files | Should -Be $before
    }
}
