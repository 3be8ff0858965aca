# End-to-end tests of the built module (out/Scylla), run by tools/build.ps1 in a fresh pwsh -NoProfile -NonInteractive.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    # The real experiment beside the clone; only tests tagged Shared read it (README, "Tests").
    $dryrun = Join-Path $PSScriptRoot '../../../shared/fixtures/dryrun-experiment'

    function New-TestExperiment([string] $Name = "exp-$([guid]::NewGuid().ToString('N').Substring(0, 8))", [string[]] $Status = @('Completed', 'Missing', 'Failed', 'Partial', 'Results')) {
        New-ScyllaSampleExperiment (Join-Path $TestDrive $Name) -TierCount 2 -SubtestCount 2 -RunCount 5 -Status $Status
    }

    function Get-FileHashText([string] $Path) { (Get-FileHash $Path -Algorithm SHA256).Hash }
}

Describe 'The module' {
    It 'exports exactly the intended cmdlets' {
        (Get-Command -Module Scylla).Name | Sort-Object |
            Should -Be @('Export-ScyllaReport', 'Get-ScyllaCheckpoint', 'Get-ScyllaExperiment', 'Get-ScyllaRerunPlan',
                'Get-ScyllaRun', 'Get-ScyllaWorkspace', 'Invoke-ScyllaRerun', 'New-ScyllaSampleExperiment',
                'New-ScyllaWorkspace', 'Remove-ScyllaWorkspace', 'Repair-ScyllaCheckpoint', 'Reset-ScyllaRun',
                'Set-ScyllaCheckpoint', 'Submit-ScyllaRerun', 'Update-ScyllaResult')
    }
}

Describe 'Get-ScyllaRun' {
    It 'lists the 7 dryrun runs, all Completed, with their scores' -Tag Shared {
        $runs = Get-ScyllaRun $dryrun

        $runs.Count | Should -Be 7
        $runs.Status | Sort-Object -Unique | Should -Be 'Completed'
        $runs.RunId | Should -Be @('T0/00/run_01', 'T1/01/run_01', 'T2/01/run_01', 'T3/01/run_01', 'T4/01/run_01', 'T5/01/run_01', 'T6/01/run_01')
        $runs[0].Score | Should -Be 0.9733333333333333
        $runs.Score | ForEach-Object { $_ | Should -BeGreaterThan 0.9 }
    }

    It 'groups by status as the pipeline asks' {
        $groups = New-TestExperiment | Get-ScyllaRun | Group-Object Status -AsHashTable -AsString

        $groups.Keys | Sort-Object | Should -Be @('Completed', 'Failed', 'Missing', 'Partial', 'Results')
        $groups['Missing'].Count | Should -Be 4
    }

    It 'takes directories from Get-ChildItem by property name' {
        New-TestExperiment 'pair/a' | Out-Null
        New-TestExperiment 'pair/b' | Out-Null

        $runs = Get-ChildItem (Join-Path $TestDrive 'pair') -Directory | Get-ScyllaRun -Status Failed

        $runs.Count | Should -Be 8
        ($runs.ExperimentPath | Sort-Object -Unique).Count | Should -Be 2
    }

    It 'reports a missing path as a non-terminating error naming it and lists the other paths' {
        $missing = Join-Path $TestDrive 'no-such-experiment'

        $runs = Get-ScyllaRun $missing, (New-TestExperiment) -ErrorVariable failures -ErrorAction SilentlyContinue

        $runs.Count | Should -Be 20
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,Scylla.PowerShell.Commands.Runs.GetScyllaRunCommand'
        $failures[0].Exception.Message | Should -BeLike "*$missing*"
    }

    It 'reports a folder without config/experiment.json' {
        $empty = New-Item -ItemType Directory (Join-Path $TestDrive 'empty')

        Get-ScyllaRun $empty.FullName -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ExperimentConfigNotFound,*'
    }

    It 'keeps every property through Export-Csv and ConvertTo-Json' {
        $runs = New-TestExperiment | Get-ScyllaRun
        $csv = Join-Path $TestDrive 'runs.csv'
        $runs | Export-Csv $csv

        $fromCsv = Import-Csv $csv
        $fromJson = $runs | ConvertTo-Json -EnumsAsStrings | ConvertFrom-Json

        # Each value read back, converted to the property's own type, equals the original.
        function ConvertBack($Value, $Original) {
            if ($null -eq $Original) { return $Value }
            if ($Original -is [bool] -and $Value -is [string]) { return [bool]::Parse($Value) } # 'False' would cast to $true
            [System.Management.Automation.LanguagePrimitives]::ConvertTo($Value, $Original.GetType())
        }
        $names = $runs[0].PSObject.Properties.Name
        foreach ($i in 0..($runs.Count - 1)) {
            foreach ($name in $names) {
                $original = $runs[$i].$name
                $expected = if ($null -eq $original) { '' } else { $original }
                ConvertBack $fromCsv[$i].$name $original | Should -Be $expected -Because "CSV column $name of $($runs[$i].RunId)"
                ConvertBack $fromJson[$i].$name $original | Should -Be $original -Because "JSON property $name of $($runs[$i].RunId)"
            }
        }
    }

    It 'has a default table view that fits 120 columns' {
        $lines = New-TestExperiment | Get-ScyllaRun | Out-String -Width 120 -Stream

        $lines | Where-Object { $_ -match 'T1/01/run_01' } | Should -Not -BeNullOrEmpty
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        ($lines | Where-Object { $_ -match '^RunId\s+Status\s+Score' }).Count | Should -Be 1
    }
}

Describe 'Set-ScyllaCheckpoint' {
    It 'changes nothing with -WhatIf' {
        $experiment = New-TestExperiment
        $checkpoint = Join-Path $experiment 'checkpoint.json'
        $before = Get-FileHashText $checkpoint

        Get-ScyllaRun $experiment | Set-ScyllaCheckpoint -Status failed -WhatIf

        Get-FileHashText $checkpoint | Should -Be $before
    }

    It 'refuses the status completed with the valid values, before writing' {
        $experiment = New-TestExperiment
        $checkpoint = Join-Path $experiment 'checkpoint.json'
        $before = Get-FileHashText $checkpoint

        { Get-ScyllaRun $experiment -Tier T0 | Set-ScyllaCheckpoint -Status completed } |
            Should -Throw -ExpectedMessage '*passed,failed,agent_complete*'
        Get-FileHashText $checkpoint | Should -Be $before
    }

    It 'marks piped runs and keeps the file readable by plain JSON' {
        $experiment = New-TestExperiment

        Get-ScyllaRun $experiment -Status Failed | Set-ScyllaCheckpoint -Status failed

        $json = Get-Content (Join-Path $experiment 'checkpoint.json') -Raw | ConvertFrom-Json -AsHashtable
        $json.version | Should -Be '3.1'
        $json.completed_runs.T0.'00'.'3' | Should -Be 'failed'
        $json.run_states.T0.'00'.'3' | Should -Be 'report_written'
    }

    It 'loses no update when two processes write one checkpoint at once' {
        $experiment = New-ScyllaSampleExperiment (Join-Path $TestDrive 'concurrent') -TierCount 2 -SubtestCount 3 -RunCount 150 -Status Missing
        $writer = {
            param($Module, $Experiment, $Subtest)
            Import-Module $Module
            Set-ScyllaCheckpoint -Path $Experiment -Tier T1 -Subtest $Subtest -RunNumber (1..150) -Status passed -ErrorAction Stop
            $PID
        }

        $jobs = '01', '02' | ForEach-Object { Start-Job $writer -ArgumentList $env:SCYLLA_MODULE, $experiment, $_ }
        $pids = $jobs | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop

        ($pids | Sort-Object -Unique).Count | Should -Be 2 -Because 'the writers are two processes'
        $json = Get-Content (Join-Path $experiment 'checkpoint.json') -Raw | ConvertFrom-Json -AsHashtable
        foreach ($subtest in '01', '02') {
            foreach ($n in 1..150) { $json.completed_runs.T1.$subtest."$n" | Should -Be 'passed' }
        }
    }
}

Describe 'Get-ScyllaCheckpoint' {
    It 'reads the v2.0 dryrun checkpoint' -Tag Shared {
        $summary = Get-ScyllaCheckpoint $dryrun

        $summary.Version | Should -Be '2.0'
        $summary.CompletedRuns | Should -Be 7
        $summary.ConfigHash | Should -Be '8553442b41f0adc8'
    }

    It 'names the supported versions when a checkpoint has another' {
        $experiment = New-TestExperiment
        Set-Content (Join-Path $experiment 'checkpoint.json') '{"version": "1.0"}'

        Get-ScyllaCheckpoint $experiment -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -BeLike 'UnsupportedCheckpointVersion,*'
        $failures[0].Exception.Message | Should -BeLike '*"2.0", "3.0" and "3.1"*'
    }
}

Describe 'A user default tier configuration that is not one' {
    It 'is reported as a warning, not ignored silently' {
        $experiment = (New-ScyllaSampleExperiment (Join-Path $TestDrive 'no-tier-config') -TierCount 1 -SubtestCount 1 `
                -RunCount 1).FullName
        $env:SCYLLA_TIER_CONFIG = Join-Path $TestDrive 'not-a-tier-config'
        try {
            $runs = Get-ScyllaRun $experiment -WarningVariable warnings -WarningAction SilentlyContinue
        }
        finally {
            Remove-Item Env:SCYLLA_TIER_CONFIG
        }

        @($runs).Count | Should -Be 1
        @($warnings).Count | Should -Be 1
        $warnings[0].Message |
            Should -BeLike "`$SCYLLA_TIER_CONFIG is '*not-a-tier-config', which is not a tier configuration folder*"
    }
}
