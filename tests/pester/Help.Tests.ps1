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

    It 'shows the syntax Get-Command shows: switches without a type, nullable types unwrapped, -WhatIf, -Confirm' {
        $fromHelp = ($help.Syntax | Out-String -Width 1000) -split '\r?\n' | Where-Object { $_.Trim() } | ForEach-Object { $_.Trim() }
        $fromCommand = (Get-Command $name -Syntax) -split '\r?\n' | Where-Object { $_.Trim() } | ForEach-Object { $_.Trim() }

        $fromHelp | Should -Be $fromCommand
        $fromHelp | Should -Not -Match 'SwitchParameter|Nullable'
    }

    It 'has at least two examples, each running on its own in an empty folder' {
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.Examples.Example) {
            $scratch = New-Item -ItemType Directory (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))
            Push-Location $scratch
            try {
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
        foreach ($shipped in [regex]::Matches($about, '\b[\w-]+(?:/[\w.-]+)+\.(?:ps1|sh|md)\b').Value) {
            Join-Path (Split-Path $env:SCYLLA_MODULE) $shipped | Should -Exist -Because "about_Scylla names $shipped"
        }
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
