# Installs the pinned Claude Code CLI that the contract suite runs (docs/claude-cli-contract.md) into .tools/claude-cli,
# never globally. Idempotent: an install of the pinned version is kept. SCYLLA_OFFLINE=1 skips it; the contract tests
# then run over the recorded fixtures only. Without that switch a failed install fails the build.
param([string] $Version = '2.1.328')

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot -Parent
$prefix = Join-Path $root '.tools/claude-cli'
$claude = Join-Path $prefix 'node_modules/.bin/claude'

if ($env:SCYLLA_OFFLINE -eq '1') {
    Write-Host 'SCYLLA_OFFLINE=1: the Claude Code CLI is not installed; the live contract tests are skipped.'
    return
}

function Get-InstalledVersion {
    if (-not (Test-Path $claude)) { return $null }
    $text = & $claude --version 2>$null
    if ($LASTEXITCODE -eq 0 -and "$text" -match '^(\S+)') { $Matches[1] } else { $null }
}

if ((Get-InstalledVersion) -eq $Version) { return }

if (-not (Get-Command npm -ErrorAction Ignore)) {
    throw ('npm is needed to install the Claude Code CLI for the contract suite (apt-get install -y npm), ' +
        'or set SCYLLA_OFFLINE=1.')
}

Write-Host "Installing @anthropic-ai/claude-code@$Version into $([System.IO.Path]::GetRelativePath($root, $prefix)) ..."
New-Item -ItemType Directory -Force $prefix | Out-Null
# The native binary arrives as an optional dependency of the package, so optional dependencies must stay on.
npm install --prefix $prefix --no-audit --no-fund --no-save --include=optional "@anthropic-ai/claude-code@$Version" |
    Out-Host
if ($LASTEXITCODE -ne 0) {
    throw ("npm could not install @anthropic-ai/claude-code@$Version (exit code $LASTEXITCODE); " +
        'set SCYLLA_OFFLINE=1 to test offline.')
}
$installed = Get-InstalledVersion
if ($installed -ne $Version) { throw "The installed Claude Code CLI reports version '$installed', not $Version." }
