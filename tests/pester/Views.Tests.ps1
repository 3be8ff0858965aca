# The default views at the widths terminals have, and what ConvertTo-Json makes of the output objects.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    $experiment = (New-ScyllaSampleExperiment "$TestDrive/exp" -TierCount 2 -SubtestCount 1 -RunCount 5).FullName
    $runs = Get-ScyllaRun $experiment
}

Describe 'The ScyllaRun table' {
    It 'shows every reason whole on its run''s line at <_> columns' -ForEach 80, 120 {
        $width = $_
        $lines = $runs | Out-String -Width $width -Stream

        $rows = $lines | Where-Object { $_ -notlike '*Experiment: *' } # the group header holds the whole path
        $rows | ForEach-Object { $_.Length | Should -BeLessOrEqual $width }
        foreach ($run in $runs) {
            $line = @($lines | Where-Object { $_ -match "^$([regex]::Escape($run.RunId))\s" })
            $line.Count | Should -Be 1 -Because "$($run.RunId) has one line"
            $line[0] | Should -Match "\s$([regex]::Escape($run.Reason))$" -Because 'the reason is not cut nor wrapped'
        }
        @($runs.Reason | Sort-Object -Unique).Count | Should -Be 5 -Because 'every classifier reason was rendered'
    }

    It 'keeps the checkpoint''s columns in the Checkpoint view, readable at 120 columns' {
        $lines = $runs | Format-Table -View Checkpoint | Out-String -Width 120 -Stream

        ($lines | Where-Object { $_ -match '^RunId\s+Status\s+Checkpoint\s+RunState\s+Reason$' }).Count | Should -Be 1
        $completed = '^T0/00/run_01\s+Completed\s+(passed|failed)\s+report_written\s+Completed \(no action needed\)$'
        $lines | Where-Object { $_ -match $completed } |
            Should -Not -BeNullOrEmpty
    }

    It 'fits the checkpoint summary into 80 columns with every header' {
        $summary = Get-ScyllaCheckpoint $experiment | Out-String -Width 80 -Stream
        $summary | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $header = '^ExperimentId\s+Version\s+Status\s+Runs\s+Passed\s+Failed\s+Updated$'
        $row = '^sample-001\s+3\.1\s+\S+\s+2\s+\d\s+\d\s+\d{4}-\d\d-\d\d \d\d:\d\d$'
        ($summary | Where-Object { $_ -match $header }).Count | Should -Be 1
        $summary | Where-Object { $_ -match $row } | Should -Not -BeNullOrEmpty
    }
}

Describe 'The ScyllaExperiment table' {
    It 'keeps Done, Judges, Pass, Score, Cost and Completeness whole at <_> columns' -ForEach 80, 120 {
        $width = $_
        foreach ($by in 'Experiment', 'Tier', 'Subtest') {
            $lines = Get-ScyllaExperiment $experiment -By $by | Out-String -Width $width -Stream | Where-Object { $_ }

            $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual $width }
            $lines[0] | Should -Match '^Experiment\s+Done\s+Judges\s+Pass\s+Score\s+Cost\s+Completeness$'
            $lines[2] | Should -Match ('^sample-001\S*\s+\d+/\d+\s+\d+/\d+\s+\d+\.\d%\s+' +
                '\d\.\d\d\s+\d+\.\d\d\s+(Progressing|Stuck|Complete)$')
        }
        (Get-ScyllaExperiment $experiment -By Subtest | Out-String -Width $width -Stream) -match '^sample-001/T1/01 ' |
            Should -Not -BeNullOrEmpty -Because 'a subtest row names its experiment, tier and subtest'
    }

    It 'shows the runs in each status in the Counts view at 120 columns' {
        $lines = Get-ScyllaExperiment $experiment | Format-Table -View Counts | Out-String -Width 120 -Stream |
            Where-Object { $_ }

        $lines[0] |
            Should -Match '^Experiment\s+Owner\s+Done\s+Miss\s+Fail\s+Part\s+Res\s+Rate\s+Judges\s+Completeness$'
        $lines[2] | Should -Match '^sample-001\s+.+?\s+2/10\s+2\s+2\s+2\s+2\s+\d*\s+12/30\s+Progressing$'
    }

    It 'shows a run that never started without judge letters' {
        $lines = $runs | Where-Object Status -eq Missing | Out-String -Width 120 -Stream

        $lines | Where-Object { $_ -match '^T0/00/run_02\s+Missing\s+---\s+Run never started$' } |
            Should -Not -BeNullOrEmpty
    }
}

Describe 'ConvertTo-Json of the output objects' {
    It 'writes ScyllaRun statuses and locations as names, and the names filter and group as before' {
        $json = $runs | ConvertTo-Json | ConvertFrom-Json

        $json.Status | Should -Be (@('Completed', 'Missing', 'Failed', 'Partial', 'Results') * 2)
        $json.Location | Sort-Object -Unique | Should -Be 'Flat'
        $runs[0].Status | Should -BeOfType [Scylla.Core.Runs.RunStatus] -Because 'the property stays an enum'
        (Get-ScyllaRun $experiment -Status $json[1].Status).RunId | Should -Be @('T0/00/run_02', 'T1/01/run_02')
        ($runs | Group-Object Status | Sort-Object Name).Name | Should -Be @('Completed', 'Failed', 'Missing', 'Partial', 'Results')
    }

    It 'writes the checkpoint summary''s status as its text' {
        $summary = Get-ScyllaCheckpoint $experiment | ConvertTo-Json | ConvertFrom-Json -AsHashtable

        $summary.Status | Should -BeOfType [string]
        $summary.Version | Should -Be '3.1'
    }
}
