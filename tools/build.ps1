# Build, test and demo tasks for Scylla.PowerShell. Run through ./build.sh, which restores pwsh first.
param(
    [ValidateSet('build', 'test', 'demo')]
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

function Build-Module {
    Write-Host 'Building the module into out/Scylla ...'
    $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    Remove-Item $moduleDir -Recurse -Force -ErrorAction Ignore
    Invoke-Native 'dotnet publish' { dotnet publish (Join-Path $root 'src/Scylla.PowerShell') -c Release -r $rid --self-contained false -o $moduleDir --nologo -v quiet }
    Copy-Item (Join-Path $root 'Scylla.psd1') $moduleDir
    Copy-Item (Join-Path $root 'module/*') $moduleDir -Recurse
    Copy-Item (Join-Path $root 'examples') $moduleDir -Recurse # the scheduled-task example and the claude stand-ins
    Write-Host 'Building the help from docs/en-US ...'
    dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Build-Help.ps1') -ModulePath (Join-Path $moduleDir 'Scylla.psd1') `
        -SourcePath (Join-Path $root 'docs/en-US') -OutputPath (Join-Path $moduleDir 'en-US')
    if ($LASTEXITCODE -ne 0) { throw 'Building the help failed.' }
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
function Invoke-PesterSuite {
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
    'demo' {
        Build-Module
        dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tools/demo.ps1') -ModulePath (Join-Path $moduleDir 'Scylla.psd1')
        exit $LASTEXITCODE
    }
    'test' {
        Build-Module
        $xunitProjects = 'tests/Scylla.Core.Tests', 'tests/Scylla.PowerShell.Tests'
        $rows = [System.Collections.Generic.List[object]]::new()
        foreach ($project in $xunitProjects) {
            $counts = Invoke-XunitSuite $project 'Suite!=Shared' 'own'
            $rows.Add([pscustomobject]@{ Suite = $project; Passed = $counts.Passed; Failed = $counts.Failed })
        }
        $pester = Invoke-PesterSuite
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
