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
    Write-Host 'Building the help from docs/en-US ...'
    dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Build-Help.ps1') -ModulePath (Join-Path $moduleDir 'Scylla.psd1') `
        -SourcePath (Join-Path $root 'docs/en-US') -OutputPath (Join-Path $moduleDir 'en-US')
    if ($LASTEXITCODE -ne 0) { throw 'Building the help failed.' }
}

# Runs one xunit project and returns its totals, read from the TRX file it writes.
function Invoke-XunitSuite([string] $Project) {
    $resultsDir = Join-Path $root 'out/test-results'
    $name = "$(Split-Path $Project -Leaf).trx"
    $results = Join-Path $resultsDir $name
    Remove-Item $results -ErrorAction Ignore
    dotnet test (Join-Path $root $Project) -c Release --nologo --results-directory $resultsDir --logger "trx;LogFileName=$name" --logger 'console;verbosity=minimal' | Out-Host
    if (-not (Test-Path $results)) { throw "$Project produced no test results (did it build?)." }
    $counters = ([xml](Get-Content $results -Raw)).TestRun.ResultSummary.Counters
    [pscustomobject]@{ Suite = $Project; Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout }
}

# Runs Pester against the built module in a fresh pwsh, so the published layout is what gets tested.
function Invoke-PesterSuite {
    Invoke-Native 'restoring Pester' { dotnet restore (Join-Path $root 'tools/pester.proj') --packages (Join-Path $root '.packages') --nologo -v quiet }
    $pester = Get-ChildItem (Join-Path $root '.packages/pester/*/tools/Pester.psd1') | Select-Object -First 1
    $summary = Join-Path $root 'out/test-results/pester.json'
    New-Item -ItemType Directory -Force (Split-Path $summary) | Out-Null
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$($pester.FullName)'
`$config = New-PesterConfiguration
`$config.Run.Path = '$(Join-Path $root 'tests/pester')'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Normal'
`$config.Output.RenderMode = 'Plaintext'
`$env:SCYLLA_MODULE = '$(Join-Path $moduleDir 'Scylla.psd1')'
`$result = Invoke-Pester -Configuration `$config
@{ Passed = `$result.PassedCount; Failed = `$result.FailedCount + `$result.FailedBlocksCount + `$result.FailedContainersCount } | ConvertTo-Json | Set-Content '$summary'
"@
    dotnet pwsh -NoProfile -NonInteractive -Command $script | Out-Host
    if (-not (Test-Path $summary)) { throw 'Pester produced no summary.' }
    $counts = Get-Content $summary -Raw | ConvertFrom-Json
    [pscustomobject]@{ Suite = 'tests/pester'; Passed = [int]$counts.Passed; Failed = [int]$counts.Failed }
}

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
        $suites = @(
            Invoke-XunitSuite 'tests/Scylla.Core.Tests'
            Invoke-XunitSuite 'tests/Scylla.PowerShell.Tests'
            Invoke-PesterSuite
        )
        $suites | Format-Table -AutoSize | Out-Host
        $passed = ($suites | Measure-Object Passed -Sum).Sum
        $failed = ($suites | Measure-Object Failed -Sum).Sum
        Write-Host "$passed passed, $failed failed"
        exit ($(if ($failed -gt 0 -or $passed -eq 0) { 1 } else { 0 }))
    }
}
