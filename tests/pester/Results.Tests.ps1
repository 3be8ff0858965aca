# Update-ScyllaResult and Get-ScyllaExperiment against the built module.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE

    function New-TestExperiment([string] $Layout = 'Flat') {
        $path = Join-Path $TestDrive "exp-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-ScyllaSampleExperiment $path -TierCount 3 -SubtestCount 2 -RunCount 4 -Layout $Layout -Status Completed, Missing, Failed, Partial, Results, Completed
    }
}

Describe 'Get-ScyllaExperiment' {
    It 'counts runs by status exactly as Get-ScyllaRun | Group-Object Status does (<_> layout)' -ForEach 'Flat', 'Phase' {
        $experiment = New-TestExperiment $_

        $status = Get-ScyllaExperiment $experiment
        $groups = @{}
        Get-ScyllaRun $experiment | Group-Object Status | ForEach-Object { $groups[$_.Name] = $_.Count }

        foreach ($name in 'Completed', 'Missing', 'Failed', 'Partial', 'Results') {
            $status.$name | Should -Be ([int]$groups[$name]) -Because "$name runs"
        }
        $status.TotalRuns | Should -Be (Get-ScyllaRun $experiment).Count
        $status.ExpectedRuns | Should -Be 24
        $status.Completeness | Should -Be 'Progressing'
    }

    It 'gives the same counts per tier, and Stuck when nothing changed since the fingerprint' {
        $experiment = New-TestExperiment
        $first = Get-ScyllaExperiment $experiment

        $tiers = Get-ScyllaExperiment $experiment -By Tier -PreviousFingerprint $first.Fingerprint

        $tiers.Tier | Should -Be 'T0', 'T1', 'T2'
        foreach ($tier in $tiers) {
            $tier.Failed | Should -Be @(Get-ScyllaRun $experiment -Tier $tier.Tier -Status Failed).Count
            $tier.Completeness | Should -Be 'Stuck'
        }
        (Get-ScyllaExperiment $experiment -By Subtest).Count | Should -Be 6
    }

    It 'finds the newest experiment of an id under a results folder' {
        $root = New-Item -ItemType Directory (Join-Path $TestDrive 'results-root')
        New-ScyllaSampleExperiment (Join-Path $root '2026-01-01T00-00-00-test-001') -TierCount 1 -SubtestCount 1 -RunCount 1 | Out-Null
        New-ScyllaSampleExperiment (Join-Path $root '2026-02-01T00-00-00-test-001') -TierCount 1 -SubtestCount 1 -RunCount 2 | Out-Null

        $found = Get-ScyllaExperiment $root -Id test-001

        Split-Path -Leaf $found.ExperimentPath | Should -Be '2026-02-01T00-00-00-test-001'
        { Get-ScyllaExperiment $root -Id test-999 -ErrorAction Stop } | Should -Throw -ErrorId 'ExperimentIdNotFound,*'
    }

    It 'fits the default view in 120 columns and the compact one in 80' {
        $experiment = New-TestExperiment
        $wide = Get-ScyllaExperiment $experiment -By Subtest | Format-Table | Out-String -Width 300
        $compact = Get-ScyllaExperiment $experiment -By Subtest | Format-Table -View Compact | Out-String -Width 300

        ($wide -split "`n" | Measure-Object -Maximum Length).Maximum | Should -BeLessOrEqual 120
        ($compact -split "`n" | Measure-Object -Maximum Length).Maximum | Should -BeLessOrEqual 80
    }
}

Describe 'Update-ScyllaResult' {
    It 'rebuilds the tier and experiment files, and -WhatIf leaves every file byte-identical (<_> layout)' -ForEach 'Flat', 'Phase' {
        $experiment = New-TestExperiment $_
        $before = Get-ChildItem $experiment -Recurse -File | ForEach-Object { "$($_.FullName) $((Get-FileHash $_.FullName).Hash)" }

        Update-ScyllaResult $experiment -WhatIf

        Get-ChildItem $experiment -Recurse -File | ForEach-Object { "$($_.FullName) $((Get-FileHash $_.FullName).Hash)" } | Should -Be $before
        $rebuild = Get-ChildItem (Split-Path $experiment) -Filter (Split-Path -Leaf $experiment) | Update-ScyllaResult
        $tierFolder = if ($_ -eq 'Flat') { Join-Path $experiment 'T0' } else { Join-Path $experiment 'completed/T0' }
        $rebuild.Paths | Should -Contain (Join-Path $tierFolder 'best_subtest.json')
        $rebuild.Paths | Should -Contain (Join-Path $experiment 'tier_comparison.json')
        (Get-Content (Join-Path $tierFolder 'result.json') -Raw | ConvertFrom-Json).best_subtest | Should -Be $rebuild.Tiers[0].BestSubtest
        (Get-ScyllaExperiment $experiment).TiersWithBestSubtest | Should -Be 'T0,T1,T2'
    }

    It 'rebuilds each experiment once for the runs piped in, and -Tier limits the tier files' {
        $experiment = New-TestExperiment

        $rebuilds = @(Get-ScyllaRun $experiment | Update-ScyllaResult -Tier T1)

        $rebuilds.Count | Should -Be 1
        $rebuilds[0].Tiers.Tier | Should -Be 'T1'
        $rebuilds[0].Paths | Where-Object { $_ -like "*$([IO.Path]::DirectorySeparatorChar)T0$([IO.Path]::DirectorySeparatorChar)*" } | Should -BeNullOrEmpty
        $rebuilds[0].Paths | Should -Contain (Join-Path $experiment 'result.json')
        { Update-ScyllaResult $experiment -Tier T9 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidTierId,*'
    }
}
