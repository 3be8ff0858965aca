# The release: one version source, and the .nupkg built by ./build.sh package installed as a user would install it.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    $repository = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $props = [xml](Get-Content (Join-Path $repository 'Directory.Build.props') -Raw)
    $version = $props.Project.PropertyGroup.Version | Where-Object { $_ }
}

Describe 'The version' {
    It 'is the one of Directory.Build.props in the built manifest and assemblies' {
        $manifest = Import-PowerShellDataFile $env:SCYLLA_MODULE

        $manifest.ModuleVersion | Should -Be ($version -replace '-.*$')
        $manifest.PrivateData.PSData.Prerelease | Should -Be "$(if ($version -match '-(.+)$') { $Matches[1] })"
        $dll = Join-Path (Split-Path $env:SCYLLA_MODULE) 'Scylla.PowerShell.dll'
        [System.Diagnostics.FileVersionInfo]::GetVersionInfo($dll).ProductVersion | Should -BeLike "$version*"
        (Get-Content (Join-Path $repository 'Scylla.psd1') -Raw) | Should -Match "ModuleVersion\s*=\s*'0\.0\.0'" `
            -Because 'the source manifest holds no version of its own'
    }
}

Describe 'The package' {
    It 'carries libgit2 for each supported platform and no pdbs' {
        $env:SCYLLA_PACKAGE | Should -Exist -Because 'tools/build.ps1 builds the package before the Pester suite'
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($env:SCYLLA_PACKAGE)
        try { $entries = $zip.Entries.FullName } finally { $zip.Dispose() }

        $entries | Where-Object { $_ -like 'runtimes/*' } | ForEach-Object { $_ -replace '/libgit2-\w+\.', '/libgit2.' } |
            Sort-Object |
            Should -Be @('runtimes/linux-arm64/native/libgit2.so', 'runtimes/linux-x64/native/libgit2.so',
                'runtimes/osx-arm64/native/libgit2.dylib', 'runtimes/osx-x64/native/libgit2.dylib')
        $entries | Where-Object { $_ -like '*.pdb' } | Should -BeNullOrEmpty
        $entries | Should -Contain 'Scylla.psd1'
        $entries | Should -Contain 'LICENSE'
        $entries |
            Should -Not -Contain 'Newtonsoft.Json.dll' -Because 'pwsh loads its own; the examples run without a copy'
        $entries | Should -Contain 'en-US/Scylla.PowerShell.dll-Help.xml'
    }

    It 'installs with Install-PSResource from a local repository, imports and lists the runs of a sample' {
        $feed = New-Item -ItemType Directory (Join-Path $TestDrive 'feed')
        Copy-Item $env:SCYLLA_PACKAGE $feed
        $data = New-Item -ItemType Directory (Join-Path $TestDrive 'data')
        $experiment = Join-Path $TestDrive 'exp'

        # A separate pwsh whose settings and CurrentUser modules live under $data, not the user's: PSResourceGet keeps
        # its repositories under XDG_DATA_HOME, NuGet its settings under XDG_CONFIG_HOME (both must exist, or .NET
        # reports no folder and the files land in the current folder), modules install under HOME.
        $result = Start-Job -ArgumentList $feed.FullName, $data.FullName, $experiment {
            param($Feed, $Data, $Experiment)
            $ErrorActionPreference = 'Stop'
            $env:HOME = $Data
            $env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path $Data '.local/share')).FullName
            $env:XDG_CONFIG_HOME = (New-Item -ItemType Directory -Force (Join-Path $Data '.config')).FullName
            Set-Location $Data
            Register-PSResourceRepository -Name ScyllaTest -Uri $Feed -Trusted
            Install-PSResource Scylla -Repository ScyllaTest -Scope CurrentUser -TrustRepository
            $installed = Get-InstalledPSResource Scylla -Scope CurrentUser
            Import-Module (Join-Path $installed.InstalledLocation "Scylla/$($installed.Version)/Scylla.psd1")
            $tierConfig = "$Experiment/tier-config"
            New-ScyllaSampleExperiment $Experiment -TierCount 2 -SubtestCount 1 -RunCount 2 -Status Completed, Missing -WithRepository |
                Out-Null
            $workspace = Get-ScyllaRun $Experiment -Tier T1 -RunNumber 2 -TierConfigPath $tierConfig |
                New-ScyllaWorkspace -TierConfigPath $tierConfig
            [pscustomobject]@{
                ModuleBase = (Get-Module Scylla).ModuleBase
                Version    = "$((Get-Module Scylla).Version)"
                Runs       = @(Get-ScyllaRun $Experiment).Count
                Branch     = $workspace.Branch
                Pdbs       = @(Get-ChildItem (Get-Module Scylla).ModuleBase -Recurse -Filter *.pdb).Count
            }
        } | Receive-Job -Wait -AutoRemoveJob

        $result.ModuleBase | Should -BeLike "$($data.FullName)*"
        $result.Version | Should -Be ($version -replace '-.*$')
        $result.Runs | Should -Be 4
        $result.Branch | Should -Be 'T1_01_run_02' -Because 'libgit2 loads from runtimes/<rid>/native of the installed module'
        $result.Pdbs | Should -Be 0
        Join-Path $data '.local/share/PSResourceGet/PSResourceRepository.xml' | Should -Exist -Because 'settings stay in the test'
    }

    It 'runs every help example as written from the installed module, the stand-ins for claude executable again' {
        $feed = New-Item -ItemType Directory (Join-Path $TestDrive 'examples-feed')
        Copy-Item $env:SCYLLA_PACKAGE $feed
        $data = New-Item -ItemType Directory (Join-Path $TestDrive 'examples-data')

        $result = Start-Job -ArgumentList $feed.FullName, $data.FullName {
            param($Feed, $Data)
            $ErrorActionPreference = 'Stop'
            $env:HOME = $Data
            $env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path $Data '.local/share')).FullName
            $env:XDG_CONFIG_HOME = (New-Item -ItemType Directory -Force (Join-Path $Data '.config')).FullName
            Set-Location $Data
            Register-PSResourceRepository -Name ScyllaExamples -Uri $Feed -Trusted
            Install-PSResource Scylla -Repository ScyllaExamples -Scope CurrentUser -TrustRepository
            $installed = Get-InstalledPSResource Scylla -Scope CurrentUser
            $moduleBase = Join-Path $installed.InstalledLocation "Scylla/$($installed.Version)"
            $agent = Join-Path $moduleBase 'examples/fake-claude/agent.sh'
            $modeBefore = (Get-Item $agent).UnixFileMode
            Import-Module (Join-Path $moduleBase 'Scylla.psd1')
            $failures = foreach ($command in Get-Command -Module Scylla -CommandType Cmdlet) {
                foreach ($example in (Get-Help $command.Name -Examples).Examples.Example) {
                    $scratch = New-Item -ItemType Directory (Join-Path $Data ([guid]::NewGuid().ToString('N')))
                    Push-Location $scratch
                    try {
                        $Error.Clear()
                        & ([scriptblock]::Create($example.Code)) *> $null
                        $errors = @($Error | Where-Object { $_.FullyQualifiedErrorId -notlike 'RunAlreadyCompleted,*' })
                        if ($errors) {
                            "$($command.Name) $($example.Title): $($errors[0].FullyQualifiedErrorId) $($errors[0])"
                        }
                    }
                    catch { "$($command.Name) $($example.Title): $_" }
                    finally { Pop-Location }
                }
            }
            [pscustomobject]@{
                ModuleBase = (Get-Module Scylla).ModuleBase
                ModeBefore = "$modeBefore"
                ModeAfter  = "$((Get-Item $agent).UnixFileMode)"
                Examples   = @(Get-Command -Module Scylla -CommandType Cmdlet |
                        ForEach-Object { (Get-Help $_.Name -Examples).Examples.Example }).Count
                Failures   = @($failures)
            }
        } | Receive-Job -Wait -AutoRemoveJob

        $result.ModuleBase | Should -BeLike "$($data.FullName)*"
        $result.ModeAfter | Should -Match 'UserExecute' `
            -Because "the package kept no file modes (before the import: $($result.ModeBefore))"
        $result.Examples | Should -BeGreaterThan 25
        $result.Failures | Should -BeNullOrEmpty
    }
}
