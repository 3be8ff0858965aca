# The examples run as a scheduler runs them: a fresh `pwsh -NoProfile -NonInteractive -File`.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    $examples = (Resolve-Path (Join-Path $PSScriptRoot '../../examples')).ProviderPath
}

Describe 'examples/Invoke-NightlyRerun.ps1, run as cron runs it' {
    BeforeAll {
        # cron: no terminal (setsid: a session of its own), no stdin, no profile, an environment of a few variables.
        function Invoke-Night([string] $Root, [string[]] $Extra = @(), [hashtable] $Environment = @{},
            [string] $ModulePath = $env:SCYLLA_MODULE) {
            # This pwsh, whether it runs as its own executable or as a dotnet tool (dotnet + pwsh.dll).
            $pwsh = @([Environment]::ProcessPath)
            if ((Split-Path $pwsh[0] -Leaf) -like 'dotnet*') { $pwsh += [Environment]::GetCommandLineArgs()[0] }
            $script = Join-Path $examples 'Invoke-NightlyRerun.ps1'
            $arguments = $pwsh + @('-NoProfile', '-NonInteractive', '-File', $script,
                '-Root', $Root, '-ModulePath', $ModulePath, '-TierConfigPath', $script:tierConfig,
                '-AgentPath', (Join-Path $examples 'fake-claude/agent.sh'),
                '-JudgePath', (Join-Path $examples 'fake-claude/judge.sh')) + $Extra
            $variables = @{ PATH = '/usr/bin:/bin'; HOME = $Root; DOTNET_ROOT = $env:DOTNET_ROOT } + $Environment
            $assignments = $variables.GetEnumerator() | Where-Object Value | ForEach-Object { "$($_.Key)=$($_.Value)" }
            $stdout = Join-Path $Root 'cron.out'
            $command = @('env', '-i') + $assignments + @('setsid', '--wait') + $arguments
            $quoted = ($command | ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }) -join ' '
            bash -c "$quoted </dev/null >'$stdout' 2>'$stdout.err'"
            [pscustomobject]@{
                ExitCode = $LASTEXITCODE
                Stdout   = @(Get-Content $stdout)
                Summary  = Get-Content (Join-Path $Root 'scylla-nightly.json') -Raw -ErrorAction Ignore |
                    ConvertFrom-Json
                JUnit    = [xml](Get-Content (Join-Path $Root 'scylla-nightly.junit.xml') -Raw -ErrorAction Ignore)
                Stderr   = Get-Content "$stdout.err" -Raw
            }
        }
    }

    BeforeEach {
        $name = "nightly-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $root = (New-Item -ItemType Directory (Join-Path $TestDrive $name)).FullName
        $experiment = (New-ScyllaSampleExperiment (Join-Path $root 'exp') -TierCount 1 -SubtestCount 1 -RunCount 4 `
                -Status Completed, Missing, Failed, Missing -WithRepository).FullName
        $script:tierConfig = Join-Path $experiment 'tier-config'
    }

    It 'exits 2, 3, then 0 over three nights (progressing, a failed run, complete), with summary line, JSON, JUnit' {
        # Night 1: one run allowed; it succeeds, two are held back.
        $night = Invoke-Night $root -Extra '-MaxRuns', '1'

        $night.ExitCode | Should -Be 2 -Because $night.Stderr
        $night.Stdout | Should -Be ('sample-001 Progressing: 2/4 runs completed, judge slots 6/12; ' +
            'tonight 3 attempted, 1 succeeded, 0 failed, ' +
            '2 held back, 0 rate-limited; blocking: T0/00/run_03 Failed, T0/00/run_04 Missing')
        $night.Summary.ExitCode | Should -Be 2
        $night.Summary.Experiments[0].Verdict | Should -Be 'Progressing'
        $night.Summary.Experiments[0].Blocking.RunId | Should -Be @('T0/00/run_03', 'T0/00/run_04')
        $night.Summary.Experiments[0].Results.ErrorId | Should -Be @($null, 'MaxRunsReached', 'MaxRunsReached')
        $night.JUnit.testsuites.failures | Should -Be '0'
        $night.JUnit.testsuites.testsuite.testcase.Count | Should -Be 4

        # Night 2: the agent crashes.
        $night = Invoke-Night $root -Environment @{ SCYLLA_FAKE_AGENT_MODE = 'fail' }

        $night.ExitCode | Should -Be 3 -Because $night.Stderr
        $night.Stdout | Should -Match ('^sample-001 Failed: 2/4 runs completed, .* 2 attempted, 0 succeeded, ' +
            '2 failed, ' +
            '.*; blocking: T0/00/run_03 \w+, T0/00/run_04 \w+$')
        $night.Summary.Experiments[0].Results.Failed | Should -Be @($true, $true)
        $failures = $night.JUnit.SelectNodes('//testcase/failure')
        $failures.Count | Should -Be 3 -Because 'two runs failed and the experiment is not complete'
        $failures[0].type | Should -Be 'AgentFailed'

        # Night 3: everything left completes.
        $night = Invoke-Night $root

        $night.ExitCode | Should -Be 0 -Because $night.Stderr
        $night.Stdout | Should -Be ('sample-001 Complete: 4/4 runs completed, judge slots 12/12; ' +
            'tonight 2 attempted, ' +
            '2 succeeded, 0 failed, 0 held back, 0 rate-limited')
        $night.Summary.Verdict | Should -Be 'Complete'
        @($night.Summary.Experiments[0].Blocking).Count | Should -Be 0
        $night.JUnit.SelectNodes('//failure').Count | Should -Be 0
        (Get-ScyllaRun $experiment).Status | Sort-Object -Unique | Should -Be 'Completed'
        @(Get-Content (Join-Path $root 'scylla-nightly.log') | Select-String ' Done: exit ').Count | Should -Be 3
    }

    It 'exits 4 when nothing could move and nothing changed since the last night' {
        Invoke-Night $root -Extra '-MaxRuns', '0' | ForEach-Object ExitCode |
            Should -Be 2 -Because 'the first night has no last night'

        $night = Invoke-Night $root -Extra '-MaxRuns', '0'

        $night.ExitCode | Should -Be 4
        $night.Stdout | Should -Match '^sample-001 Stuck: 1/4 runs completed'
        $night.JUnit.SelectSingleNode('//testcase[@name="complete"]/failure').type | Should -Be 'Stuck'
    }

    It 'exits 1 and says why when the module does not load' {
        $night = Invoke-Night $root -ModulePath (Join-Path $root 'no-such-module.psd1')

        $night.ExitCode | Should -Be 1
        $night.Stdout | Should -Match '^Fatal: '
    }
}
