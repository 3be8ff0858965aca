# The examples run as a scheduler runs them: a fresh `pwsh -NoProfile -NonInteractive -File`.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    $examples = (Resolve-Path (Join-Path $PSScriptRoot '../../examples')).ProviderPath

    # This pwsh, whether it runs as its own executable or as a dotnet tool (dotnet + pwsh.dll).
    function Invoke-Pwsh([string[]] $Arguments) {
        $host_ = [Environment]::ProcessPath
        if ((Split-Path $host_ -Leaf) -like 'dotnet*') { & $host_ ([Environment]::GetCommandLineArgs()[0]) @Arguments } else { & $host_ @Arguments }
        $LASTEXITCODE
    }
}

Describe 'examples/Invoke-NightlyRerun.ps1' {
    BeforeEach {
        $root = New-Item -ItemType Directory (Join-Path $TestDrive "nightly-$([guid]::NewGuid().ToString('N').Substring(0, 6))")
        $experiment = (New-ScyllaSampleExperiment (Join-Path $root 'exp') -TierCount 1 -SubtestCount 1 -RunCount 3 -Status Completed, Missing, Failed -WithRepository).FullName
        $arguments = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $examples 'Invoke-NightlyRerun.ps1'), '-Root', $root.FullName,
            '-ModulePath', $env:SCYLLA_MODULE, '-TierConfigPath', (Join-Path $experiment 'tier-config'),
            '-AgentPath', (Join-Path $examples 'fake-claude/agent.sh'), '-JudgePath', (Join-Path $examples 'fake-claude/judge.sh'))
    }

    AfterEach { Remove-Item Env:SCYLLA_FAKE_AGENT_MODE -ErrorAction Ignore }

    It 'exits 0 and logs each run when everything it attempted succeeded' {
        $exit = Invoke-Pwsh $arguments

        $exit | Should -Be 0
        $log = Get-Content (Join-Path $root 'scylla-nightly.log')
        ($log -join "`n") | Should -Match 'Found 2 run\(s\) to re-run\.'
        @($log | Select-String 'RerunAgent -> Succeeded').Count | Should -Be 2
        ($log -join "`n") | Should -Match 'Done: 2 succeeded, 0 did not\.'
        $log[-1] | Should -Match ': Complete \(3/3 runs completed, judge slots 9/9\)'
        (Get-ScyllaRun $experiment).Status | Sort-Object -Unique | Should -Be 'Completed'
    }

    It 'exits 1 when a run it attempted did not succeed' {
        $env:SCYLLA_FAKE_AGENT_MODE = 'ratelimit'

        $exit = Invoke-Pwsh $arguments

        $exit | Should -Be 1
        Get-Content (Join-Path $root 'scylla-nightly.log') | Select-String 'RateLimited' | Should -Not -BeNullOrEmpty
    }

    It 'exits 0 only when complete: 1 while progressing, 2 once nothing moved since the last night' {
        $stuck = New-Item -ItemType Directory (Join-Path $TestDrive "stuck-$([guid]::NewGuid().ToString('N').Substring(0, 6))")
        New-ScyllaSampleExperiment (Join-Path $stuck 'exp') -TierCount 1 -SubtestCount 1 -RunCount 2 -Status Completed, Results | Out-Null
        $arguments[$arguments.IndexOf('-Root') + 1] = $stuck.FullName

        Invoke-Pwsh $arguments | Should -Be 1
        Invoke-Pwsh $arguments | Should -Be 2
        Get-Content (Join-Path $stuck 'scylla-nightly.log') | Select-String ': Stuck \(1/2 runs completed' | Should -Not -BeNullOrEmpty
    }
}
