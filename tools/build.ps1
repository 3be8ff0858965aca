# Build, test and demo tasks for Scylla.PowerShell. Run through ./build.sh, which restores pwsh first.
param(
    [ValidateSet('build', 'test', 'demo', 'package')]
    [string] $Task = 'build'
)

$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$root = Split-Path $PSScriptRoot -Parent
$moduleDir = Join-Path $root 'out/Scylla'

function Invoke-Native([string] $What, [scriptblock] $Command) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

# The one version source: <Version> in Directory.Build.props (the assemblies get it from MSBuild, the manifest from here).
function Get-ProjectVersion {
    $version = ([xml](Get-Content (Join-Path $root 'Directory.Build.props') -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
    if ($version -notmatch '^(\d+\.\d+\.\d+)(?:-([0-9A-Za-z]+))?$') { throw "Directory.Build.props: <Version> '$version' is not N.N.N or N.N.N-label." }
    [pscustomobject]@{ Full = $version; ModuleVersion = $Matches[1]; Prerelease = "$($Matches[2])" }
}

# Publishes the cmdlets into $Destination (for one runtime, or portable with runtimes/<rid>/native for each platform),
# adds the manifest with its version stamped, the views, the examples and the help.
function Build-Module([string] $Destination = $moduleDir, [string] $RuntimeIdentifier = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier) {
    Write-Host "Building the module into $([System.IO.Path]::GetRelativePath($root, $Destination)) ..."
    # One runtime: ReadyToRun code, so a fresh process JITs less (docs/performance.md, "Start-up"). The portable build
    # serves four runtimes with one set of dlls, so it stays IL.
    $runtime = if ($RuntimeIdentifier) { @('-r', $RuntimeIdentifier, '-p:PublishReadyToRun=true') } else { @() }
    Remove-Item $Destination -Recurse -Force -ErrorAction Ignore
    Invoke-Native 'dotnet publish' { dotnet publish (Join-Path $root 'src/Scylla.PowerShell') -c Release @runtime --self-contained false -o $Destination --nologo -v quiet }
    $version = Get-ProjectVersion
    $manifest = (Get-Content (Join-Path $root 'Scylla.psd1') -Raw) -replace "(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'.*$", "`${1}'$($version.ModuleVersion)'" `
        -replace "(?m)^(\s*Prerelease\s*=\s*)'[^']*'.*$", "`${1}'$($version.Prerelease)'"
    Set-Content (Join-Path $Destination 'Scylla.psd1') $manifest -NoNewline
    Copy-Item (Join-Path $root 'module/*') $Destination -Recurse
    Copy-Item (Join-Path $root 'examples') $Destination -Recurse # the scheduled-task example and the claude stand-ins
    Copy-Item (Join-Path $root 'LICENSE') $Destination
    Write-Host 'Building the help from docs/en-US ...'
    dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Build-Help.ps1') -ModulePath (Join-Path $Destination 'Scylla.psd1') `
        -SourcePath (Join-Path $root 'docs/en-US') -OutputPath (Join-Path $Destination 'en-US')
    if ($LASTEXITCODE -ne 0) { throw 'Building the help failed.' }
}

# The platforms the package carries libgit2 for (README, "Install"); the other runtimes LibGit2Sharp ships are dropped.
$packageRuntimes = 'linux-x64', 'linux-arm64', 'osx-x64', 'osx-arm64'

# Builds out/Scylla.<version>.nupkg, the package Install-PSResource installs: the portable module without pdbs.
# Publish-PSResource writes it into a local repository registered in a throw-away configuration: a child pwsh whose
# HOME, XDG_DATA_HOME (PSResourceGet) and XDG_CONFIG_HOME (NuGet) are folders under out/package, all existing (.NET
# reports a missing one as '' and the settings would land in the current folder). The user's own are never touched.
function New-ModulePackage {
    $packageRoot = Join-Path $root 'out/package'
    $staging = Join-Path $packageRoot 'Scylla'
    Remove-Item $packageRoot -Recurse -Force -ErrorAction Ignore
    Build-Module -Destination $staging -RuntimeIdentifier '' | Out-Host
    Get-ChildItem (Join-Path $staging 'runtimes') -Directory | Where-Object Name -notin $packageRuntimes | Remove-Item -Recurse -Force
    Get-ChildItem $staging -Recurse -Filter *.pdb | Remove-Item
    foreach ($rid in $packageRuntimes) {
        if (-not (Get-ChildItem (Join-Path $staging "runtimes/$rid/native") -Filter 'libgit2*' -ErrorAction Ignore)) { throw "The package lacks libgit2 for $rid." }
    }

    $repository = New-Item -ItemType Directory (Join-Path $packageRoot 'repository')
    $settings = New-Item -ItemType Directory (Join-Path $packageRoot 'psresourceget')
    $script = @"
`$ErrorActionPreference = 'Stop'
`$env:HOME = '$settings'
`$env:XDG_DATA_HOME = (New-Item -ItemType Directory '$settings/data').FullName
`$env:XDG_CONFIG_HOME = (New-Item -ItemType Directory '$settings/config').FullName
Set-Location '$settings'
Register-PSResourceRepository -Name ScyllaBuild -Uri '$repository' -Trusted
Publish-PSResource -Path '$staging' -Repository ScyllaBuild
"@
    dotnet pwsh -NoProfile -NonInteractive -Command $script | Out-Host
    if ($LASTEXITCODE -ne 0) { throw 'Publish-PSResource failed.' }
    $package = Get-ChildItem $repository -Filter 'Scylla.*.nupkg' | Select-Object -First 1
    if (-not $package) { throw "Publish-PSResource wrote no package into $repository." }
    $target = Join-Path $root "out/$($package.Name)"
    Move-Item $package.FullName $target -Force
    Write-Host "Package: $([System.IO.Path]::GetRelativePath($root, $target))"
    $target
}

# The real experiment and tier configuration beside the clone (CI's layout). Tests that read them form the Shared suite:
# xunit classes with [Trait("Suite", "Shared")] and Pester tests with -Tag Shared (README, "Tests").
$shared = Join-Path (Split-Path $root -Parent) 'shared'
$hasShared = Test-Path (Join-Path $shared 'fixtures')

# Runs one xunit project with a test filter and returns its totals, read from the TRX file it writes.
function Invoke-XunitSuite([string] $Project, [string] $Filter, [string] $Label, [switch] $NoBuild) {
    $resultsDir = Join-Path $root 'out/test-results'
    $name = "$(Split-Path $Project -Leaf)-$Label.trx"
    $results = Join-Path $resultsDir $name
    Remove-Item $results -ErrorAction Ignore
    $build = @(if ($NoBuild) { '--no-build' })
    dotnet test (Join-Path $root $Project) -c Release --nologo @build --filter $Filter --results-directory $resultsDir `
        --logger "trx;LogFileName=$name" --logger 'console;verbosity=minimal' | Out-Host
    if (-not (Test-Path $results)) { throw "$Project produced no test results (did it build?)." }
    $counters = ([xml](Get-Content $results -Raw)).TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout }
}

# Runs Pester against the built module in a fresh pwsh, so the published layout is what gets tested.
# Returns the totals of the tests tagged Shared and of the others; without ../shared those tests are excluded.
function Invoke-PesterSuite([string] $Package) {
    Invoke-Native 'restoring Pester' { dotnet restore (Join-Path $root 'tools/pester.proj') --packages (Join-Path $root '.packages') --nologo -v quiet }
    $pester = Get-ChildItem (Join-Path $root '.packages/pester/*/tools/Pester.psd1') | Select-Object -First 1
    $summary = Join-Path $root 'out/test-results/pester.json'
    New-Item -ItemType Directory -Force (Split-Path $summary) | Out-Null
    Remove-Item $summary -ErrorAction Ignore
    $excluded = if ($hasShared) { '@()' } else { "@('Shared')" }
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($pester.FullName)'
`$config = New-PesterConfiguration
`$config.Run.Path = '$(Join-Path $root 'tests/pester')'
`$config.Run.PassThru = `$true
`$config.Filter.ExcludeTag = $excluded
`$config.Output.Verbosity = 'Normal'
`$config.Output.RenderMode = 'Plaintext'
`$env:SCYLLA_MODULE = '$(Join-Path $moduleDir 'Scylla.psd1')'
`$env:SCYLLA_PACKAGE = '$Package'
`$result = Invoke-Pester -Configuration `$config
`$sharedTests = @(`$result.Tests | Where-Object { `$_.Tag -contains 'Shared' -and `$_.ShouldRun })
`$sharedPassed = @(`$sharedTests | Where-Object Result -eq 'Passed').Count
`$sharedFailed = @(`$sharedTests | Where-Object Result -eq 'Failed').Count
@{
    Passed = `$result.PassedCount - `$sharedPassed
    Failed = `$result.FailedCount - `$sharedFailed + `$result.FailedBlocksCount + `$result.FailedContainersCount
    SharedPassed = `$sharedPassed
    SharedFailed = `$sharedFailed
} | ConvertTo-Json | Set-Content '$summary'
"@
    dotnet pwsh -NoProfile -NonInteractive -Command $script | Out-Host
    if (-not (Test-Path $summary)) { throw 'Pester produced no summary.' }
    Get-Content $summary -Raw | ConvertFrom-Json
}

function Format-Counts($Passed, $Failed) { "$Passed passed, $Failed failed" }

switch ($Task) {
    'build' {
        Build-Module
    }
    'package' {
        New-ModulePackage | Out-Null
    }
    'demo' {
        Build-Module
        dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tools/demo.ps1') -ModulePath (Join-Path $moduleDir 'Scylla.psd1')
        exit $LASTEXITCODE
    }
    'test' {
        Invoke-Native 'installing chromium' { bash (Join-Path $PSScriptRoot 'Install-Chromium.sh') }
        Build-Module
        # the contract suite's pinned claude (SCYLLA_OFFLINE=1 skips)
        & (Join-Path $PSScriptRoot 'Install-ClaudeCli.ps1')
        Invoke-Native 'starting Slurm' { bash (Join-Path $PSScriptRoot 'Start-Slurm.sh') }
        $xunitProjects = 'tests/Scylla.Core.Tests', 'tests/Scylla.PowerShell.Tests'
        $rows = [System.Collections.Generic.List[object]]::new()
        foreach ($project in $xunitProjects) {
            $counts = Invoke-XunitSuite $project 'Suite!=Shared' 'own'
            $rows.Add([pscustomobject]@{ Suite = $project; Passed = $counts.Passed; Failed = $counts.Failed })
        }
        $pester = Invoke-PesterSuite (New-ModulePackage)
        $rows.Add([pscustomobject]@{ Suite = 'tests/pester'; Passed = [int]$pester.Passed; Failed = [int]$pester.Failed })
        if ($hasShared) {
            $sharedCounts = @(foreach ($project in $xunitProjects) { Invoke-XunitSuite $project 'Suite=Shared' 'shared' -NoBuild })
            $sharedPassed = ($sharedCounts | Measure-Object Passed -Sum).Sum + [int]$pester.SharedPassed
            $sharedFailed = ($sharedCounts | Measure-Object Failed -Sum).Sum + [int]$pester.SharedFailed
            $rows.Add([pscustomobject]@{ Suite = 'shared (../shared fixtures)'; Passed = $sharedPassed; Failed = $sharedFailed })
        }

        $rows | ForEach-Object { [pscustomobject]@{ Suite = $_.Suite; Result = Format-Counts $_.Passed $_.Failed } } | Format-Table -AutoSize | Out-Host
        if (-not $hasShared) {
            Write-Host "shared (../shared fixtures): skipped: ../shared not found ($shared)"
        }

        $passed = ($rows | Measure-Object Passed -Sum).Sum
        $failed = ($rows | Measure-Object Failed -Sum).Sum
        $sharedMissingInCi = $env:CI -eq 'true' -and -not $hasShared
        if ($sharedMissingInCi) {
            Write-Host 'CI=true but the Shared suite did not run: CI must have ../shared beside the clone.'
        }

        Write-Host (Format-Counts $passed $failed)
        exit ($(if ($failed -gt 0 -or $passed -eq 0 -or $sharedMissingInCi) { 1 } else { 0 }))
    }
}
