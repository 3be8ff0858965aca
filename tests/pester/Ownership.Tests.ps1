# Who owns a run (docs/format.md, "Leases" and "Live runners"), tried as users of clusters and shared servers would:
# two hosts sharing one experiment, another local user attacking the lease, and every run-changing cmdlet racing a
# re-run. The hosts are simulated as root: separate mount and UTS namespaces, each with a private /tmp and a hostname.
BeforeDiscovery {
    # Namespaces and another user need root; CI runs as root.
    $canNamespace = (id -u) -eq '0' -and (Get-Command unshare -ErrorAction Ignore) -and
        (Get-Command setpriv -ErrorAction Ignore)
}

BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    $fakes = (Resolve-Path (Join-Path $PSScriptRoot '../../examples/fake-claude')).ProviderPath
    $judge = Join-Path $fakes 'judge.sh'
    $pwsh = @([Environment]::ProcessPath)
    if ((Split-Path $pwsh[0] -Leaf) -like 'dotnet*') { $pwsh += [Environment]::GetCommandLineArgs()[0] }
    . (Join-Path $PSScriptRoot 'RerunHelpers.ps1')

    # Outside /tmp, so both simulated hosts (each with a private /tmp) see the same files; readable by nobody.
    $shared = Join-Path ([IO.Path]::GetFullPath("$PSScriptRoot/../../out")) `
        "ownership-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $shared -Force | Out-Null
    chmod 755 $shared

    function New-RerunExperiment([int] $Runs = 4) {
        $path = Join-Path $shared "exp-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-ScyllaSampleExperiment $path -TierCount 1 -SubtestCount 1 -RunCount $Runs -Status Failed -WithRepository |
            Out-Null
        $path
    }

    # Logs "<run> <host>" to $SCYLLA_TEST_LOG, runs $Body, then does the bundled agent's work.
    function New-Agent([string] $Body = '') {
        $path = Join-Path $shared "agent-$([guid]::NewGuid().ToString('N').Substring(0, 8)).sh"
        Set-Content $path @"
#!/usr/bin/env bash
if [ "`${1:-}" = --version ]; then echo test-agent; exit 0; fi
run=`$(basename "`$(dirname "`$PWD")")
echo "`$run `$(hostname)" >> "`$SCYLLA_TEST_LOG"
$Body
exec '$(Join-Path $fakes 'agent.sh')' "`$@"
"@
        chmod 755 $path
        $path
    }

    # Every file under $Path (links by target), with its hash: what "nothing changed" is checked against.
    function Get-Tree([string] $Path) {
        Get-ChildItem $Path -Recurse -Force -ErrorAction Ignore | Sort-Object FullName | ForEach-Object {
            $what = if ($_.LinkTarget) { "-> $($_.LinkTarget)" } elseif ($_.PSIsContainer) { 'dir' } else {
                (Get-FileHash $_.FullName).Hash
            }
            "$($_.FullName) $what"
        }
    }

    function Invoke-AsNobody([string] $Command) {
        setpriv --reuid=nobody --regid=nogroup --clear-groups bash -c $Command 2>&1
    }
}

AfterAll {
    Remove-Item $shared -Recurse -Force -ErrorAction Ignore
}

Describe 'Two hosts sharing one experiment' -Skip:(-not $canNamespace) {
    It 'runs every agent once, archives nothing twice, and reports what a fresh Get-ScyllaRun says (trial <Trial>)' `
        -TestCases @(1..5 | ForEach-Object { @{ Trial = $_ } }) {
        $e = New-RerunExperiment -Runs 6
        $log = Join-Path $shared "agents-$Trial.log"
        $agent = New-Agent 'sleep 0.3'
        $results = @{}
        $hosts = 'host-a', 'host-b' | ForEach-Object {
            $results[$_] = Join-Path $shared "results-$Trial-$_.json"
            $command = "Invoke-ScyllaRerun -Path '$e' -ThrottleLimit 2 -AgentPath '$agent' -JudgePath '$judge' " +
                "-TierConfigPath '$e/tier-config' -ErrorAction SilentlyContinue | " +
                "Select-Object RunId, Outcome, Status, ErrorId, @{ n = 'Host'; e = { hostname } } | ConvertTo-Json | " +
                "Set-Content '$($results[$_])'"
            Start-Pwsh $command $log -HostName $_
        }
        $hosts | ForEach-Object { $_.WaitForExit() }

        $ran = @(Get-Content $log)
        @($ran | ForEach-Object { ($_ -split ' ')[0] }) | Sort-Object |
            Should -Be @(1..6 | ForEach-Object { 'run_{0:00}' -f $_ })
        @($ran | ForEach-Object { ($_ -split ' ')[1] }) | Sort-Object -Unique | Should -BeIn @('host-a', 'host-b')
        Get-Archives $e | Sort-Object | Should -Be @(1..6 | ForEach-Object { 'run_{0:00}' -f $_ })
        $reported = @($results.Values | ForEach-Object { Get-Content $_ -Raw | ConvertFrom-Json })
        $fresh = Get-ScyllaRun $e -TierConfigPath "$e/tier-config"
        foreach ($run in $fresh) {
            $run.Status | Should -Be 'Completed'
            $mine = @($reported | Where-Object RunId -eq $run.RunId)
            $mine.Count | Should -Be 2 -Because 'each host reports every run'
            @($mine | Where-Object Outcome -ne 'Skipped').Outcome |
                Should -Be 'Succeeded' -Because "$($run.RunId) ran once"
            @($mine | Where-Object Outcome -eq 'Skipped').ErrorId | Should -BeIn @('RunBusy', 'RunAlreadyCompleted')
            @($mine | Where-Object Outcome -ne 'Skipped').Status | Should -Be $run.Status
        }
    }

    It 'refuses a re-run while the Python runner''s heartbeat from the other host is fresh' {
        $e = New-RerunExperiment -Runs 1
        # The runner on host-a: its pid means nothing on host-b; its heartbeat, renewed a second ago, does.
        $checkpoint = Get-Content "$e/checkpoint.json" -Raw | ConvertFrom-Json -AsHashtable
        $checkpoint.status = 'running'
        $checkpoint.pid = 4194000
        $checkpoint.last_heartbeat = [DateTimeOffset]::UtcNow.AddSeconds(-1).ToString('yyyy-MM-ddTHH:mm:ss.ffffffzzz')
        $checkpoint | ConvertTo-Json -Depth 20 | Set-Content "$e/checkpoint.json"
        $before = Get-Tree $e | Where-Object { $_ -notlike "*/.scylla*" }
        $out = Join-Path $shared 'busy.json'

        $p = Start-Pwsh ("Invoke-ScyllaRerun -Path '$e' -AgentPath '$(New-Agent)' -JudgePath '$judge' " +
            "-TierConfigPath '$e/tier-config' -ErrorAction SilentlyContinue | Select-Object Outcome, ErrorId | " +
            "ConvertTo-Json | Set-Content '$out'") `
            (Join-Path $shared 'busy.log') -HostName 'host-b'
        $p.WaitForExit()

        $result = Get-Content $out -Raw | ConvertFrom-Json
        ($result.Outcome, $result.ErrorId) | Should -Be @('Skipped', 'ExperimentBusy')
        Get-Tree $e | Where-Object { $_ -notlike "*/.scylla*" } | Should -Be $before
    }
}

Describe 'Another local user against the lease' -Skip:(-not $canNamespace) {
    BeforeAll {
        # What the attacker aims at: a root-only file, and a root process in a session of its own.
        $secret = Join-Path $shared 'root-only'
        Set-Content $secret 'root data'
        chmod 600 $secret
        $victim = Start-Process setsid -ArgumentList 'sleep', '600' -PassThru
        Wait-Until {
            (Get-Content "/proc/$($victim.Id)/stat" -Raw) -match '\) \S+ \d+ (\d+)' -and
                $Matches[1] -eq "$($victim.Id)"
        }
    }

    AfterAll { Stop-Process -Id $victim.Id -ErrorAction Ignore }

    It 'can neither plant, forge, hold nor delete anything in an experiment it cannot write to' {
        $e = New-RerunExperiment -Runs 1
        Set-ScyllaCheckpoint -Path $e -Tier T0 -Subtest 00 -RunNumber 1 -Status failed # the lease file exists now
        $lock = "$e/.scylla/leases/T0-00-run_01.lock"
        $forged = '{"host": "' + (hostname) + '", "pid": 999999, "uid": 0, "process_group": ' + $victim.Id + '}'

        $attempts = @(
            "ln -s $secret $e/.scylla/leases/T0-00-run_02.lock"
            "echo '$forged' > $lock"
            "exec 9<$lock && flock -n 9 && sleep 5"
            "rm -f $lock"
            "ln -sf $secret $e/.checkpoint.lock"
        ) | ForEach-Object { Invoke-AsNobody $_; $LASTEXITCODE }
        $env:SCYLLA_TEST_LOG = Join-Path $shared 'nobody.log'
        $result = Invoke-ScyllaRerun -Path $e -AgentPath (New-Agent) -JudgePath $judge -TierConfigPath "$e/tier-config"

        $attempts | Where-Object { $_ -is [int] } | Should -Not -Contain 0
        $result.Outcome | Should -Be 'Succeeded'
        Get-Content $secret | Should -Be 'root data'
        Test-Path "/proc/$($victim.Id)" | Should -BeTrue -Because 'no process of another user is signalled'
    }

    It 'gets at worst that run skipped (LeaseUnsafe) where it may write to the experiment: <Plant>' -TestCases @(
        @{ Plant = 'a link for the lease folder'; Command = 'ln -s {secret} {e}/.scylla' }
        @{ Plant = 'its own lease folder with a forged record'
            Command = 'mkdir -p {e}/.scylla/leases && echo ''{forged}'' > {e}/.scylla/leases/T0-00-run_01.lock' }
        @{ Plant = 'a link for the checkpoint lock'; Command = 'ln -s {secret} {e}/.checkpoint.lock' }
    ) {
        $e = New-RerunExperiment -Runs 1
        chmod 1777 $e # a shared scratch folder: anyone may add files
        $forged = '{"host": "' + (hostname) + '", "boot_id": "' + (Get-Content /proc/sys/kernel/random/boot_id) +
            '", "pid": 999999, "uid": 0, "process_group": ' + $victim.Id + ', "process_group_start": 0}'
        Invoke-AsNobody ($Command -replace '\{secret\}', $secret -replace '\{e\}', $e -replace '\{forged\}', $forged) |
            Out-Null
        $agent = New-Agent
        $outside = Get-Tree $shared | Where-Object { $_ -notlike "$e/*" -and $_ -notlike "*.log *" }

        $result = Invoke-ScyllaRerun -Path $e -AgentPath $agent -JudgePath $judge -TierConfigPath "$e/tier-config" `
            -ErrorAction SilentlyContinue

        ($result.Outcome, $result.ErrorId) | Should -Be @('Skipped', 'LeaseUnsafe')
        $result.Error.Message | Should -BeLike '*T0/00/run_01*'
        Get-Content $secret | Should -Be 'root data'
        Test-Path "/proc/$($victim.Id)" | Should -BeTrue
        Get-Tree $shared | Where-Object { $_ -notlike "$e/*" -and $_ -notlike "*.log *" } | Should -Be $outside
    }
}

Describe 'Every run-changing cmdlet racing a re-run of the same run' {
    BeforeAll {
        $e = New-RerunExperiment -Runs 1
        $log = Join-Path $shared 'race.log'
        # The judges hold the run (past its agent, so every cmdlet has a state to change) until every cmdlet was tried.
        $release = Join-Path $shared 'race.release'
        $judging = Join-Path $shared 'race.judging'
        $slowJudge = Join-Path $shared 'race-judge.sh'
        Set-Content $slowJudge @"
#!/usr/bin/env bash
if [ "`${1:-}" = --version ]; then exec '$judge' "`$@"; fi
touch '$judging'
for i in `$(seq 600); do [ -e '$release' ] && break; sleep 0.1; done
exec '$judge' "`$@"
"@
        chmod 755 $slowJudge
        $out = Join-Path $shared 'race.json'
        $rerun = Start-Pwsh ("Invoke-ScyllaRerun -Path '$e' -AgentPath '$(New-Agent)' -JudgePath '$slowJudge' " +
            "-TierConfigPath '$e/tier-config' | Select-Object Outcome, Status, ErrorId | ConvertTo-Json | " +
            "Set-Content '$out'") $log
        Wait-Until { Test-Path $judging }
    }

    It '<Name> is skipped with RunBusy' -TestCases @(
        @{ Name = 'Reset-ScyllaRun'; Call = { Reset-ScyllaRun $e -FromState pending } }
        @{ Name = 'Set-ScyllaCheckpoint'; Call = {
                Set-ScyllaCheckpoint -Path $e -Tier T0 -Subtest 00 -RunNumber 1 -Status passed } }
        @{ Name = 'Repair-ScyllaCheckpoint'; Call = {
                # a record the disk contradicts (written behind the module's back), so the repair has a run to correct
                $checkpoint = Get-Content "$e/checkpoint.json" -Raw | ConvertFrom-Json -AsHashtable
                $checkpoint.completed_runs = @{ T0 = @{ '00' = @{ '1' = 'passed' } } }
                $checkpoint | ConvertTo-Json -Depth 20 | Set-Content "$e/checkpoint.json"
                Repair-ScyllaCheckpoint $e -Force } }
        @{ Name = 'New-ScyllaWorkspace'; Call = {
                New-ScyllaWorkspace -Path $e -Tier T0 -Subtest 00 -RunNumber 1 -TierConfigPath "$e/tier-config" } }
        @{ Name = 'Remove-ScyllaWorkspace'; Call = {
                Remove-ScyllaWorkspace -Path $e -Tier T0 -Subtest 00 -RunNumber 1 -Force } }
    ) {
        $ErrorActionPreference = 'Continue'
        $errors = @(& $Call 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -BeGreaterThan 0
        $errors | ForEach-Object { $_.FullyQualifiedErrorId } | Should -BeLike 'RunBusy*'
    }

    It 'loses nothing: the re-run ends Succeeded and a fresh Get-ScyllaRun agrees' {
        Update-ScyllaResult $e | Out-Null # serialized with the re-run's own rebuild, never refused
        Set-Content $release ''
        $rerun.WaitForExit()

        $result = Get-Content $out -Raw | ConvertFrom-Json
        $fresh = Get-ScyllaRun $e -TierConfigPath "$e/tier-config"
        ($result.Outcome, $result.Status) | Should -Be @('Succeeded', 'Completed')
        $fresh.Status | Should -Be 'Completed'
        @(Get-Content $log).Count | Should -Be 1 -Because 'the agent ran once'
    }
}
