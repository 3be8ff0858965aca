# Offline help: every exported cmdlet and parameter is documented, about_Scylla covers every error id, and every
# example runs as written.
BeforeDiscovery {
    Import-Module $env:SCYLLA_MODULE
    $cmdlets = (Get-Command -Module Scylla -CommandType Cmdlet).Name
}

BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    $repository = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
}

Describe 'Help of <_>' -ForEach $cmdlets {
    BeforeAll {
        $name = $_
        $help = Get-Help $name -Full
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$name *" -Because 'an undocumented cmdlet shows its syntax as synopsis'
        ($help.Description.Text -join ' ').Length | Should -BeGreaterThan 100
    }

    It 'documents every parameter' {
        $parameters = (Get-Command $name).Parameters.Keys | Where-Object { $_ -notin $common }
        foreach ($parameter in $parameters) {
            $entry = $help.Parameters.Parameter | Where-Object Name -eq $parameter
            ($entry.Description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$parameter of $name needs a description"
            $entry.PipelineInput | Should -Not -BeNullOrEmpty
        }
    }

    It 'has at least two examples that run as written' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.Examples.Example) {
            $scratch = New-Item -ItemType Directory (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))
            Copy-Item (Join-Path $repository 'examples') $scratch -Recurse
            Push-Location $scratch
            try {
                if ($example.Code -notmatch 'New-ScyllaSampleExperiment \./exp') {
                    New-ScyllaSampleExperiment ./exp -TierCount 2 -SubtestCount 1 -RunCount 3 -Status Missing, Failed, Completed -WithRepository | Out-Null
                    Get-ScyllaRun ./exp -Status Missing | New-ScyllaWorkspace -TierConfigPath ./exp/tier-config | Out-Null
                }

                $Error.Clear()
                & ([scriptblock]::Create($example.Code)) *> $null
                @($Error | Where-Object { $_.FullyQualifiedErrorId -notlike 'RunAlreadyCompleted,*' }) | Should -BeNullOrEmpty -Because "this example of $name runs as written:`n$($example.Code)"
            }
            finally {
                Pop-Location
            }
        }
    }
}

Describe 'about_Scylla and the README' {
    It 'is available offline and explains every error id the module raises' {
        $about = Get-Help about_Scylla | Out-String
        $about | Should -BeLike '*RUN STATUSES*'
        $about | Should -BeLike '*LAYOUTS*'
        $sources = Get-ChildItem (Join-Path $repository 'src') -Recurse -Filter *.cs | Get-Content -Raw
        $ids = [regex]::Matches($sources -join "`n", '(?:ScyllaException|new|ErrorRecords\.(?:Create|FromIO)|ErrorRecord\(e,)\(?"([A-Z][A-Za-z]+)",') | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique
        $ids.Count | Should -BeGreaterThan 30
        $readme = Get-Content (Join-Path $repository 'README.md') -Raw
        foreach ($id in $ids) {
            $about | Should -Match "\b$id\b" -Because "error id $id is documented in about_Scylla"
            $readme | Should -Match "``$id``" -Because "error id $id is in the README's Troubleshooting table"
        }
    }
}
