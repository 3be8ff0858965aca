<#
.SYNOPSIS
    Times New-ScyllaWorkspace against `git worktree add` on the same repository.
.DESCRIPTION
    Builds a repository of -Files files, then creates -Count workspaces with New-ScyllaWorkspace (worktree, reset to the
    task commit, tier configuration, configuration commit) and -Count worktrees with the git CLI (`git worktree add -b`
    only). Prints the mean time of one of each and their ratio.
        ./build.sh build
        dotnet pwsh -NoProfile bench/Measure-Workspace.ps1
#>
param(
    [ValidateRange(1, 98)]
    [int] $Count = 10,
    [int] $Files = 500,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1'),
    [string] $TierConfigPath = (Join-Path $PSScriptRoot '../../shared/fixtures/tier-config')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).ProviderPath
$root = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-workspace-$PID"
$experiment = (New-ScyllaSampleExperiment (Join-Path $root 'exp') -TierCount 4 -SubtestCount 1 -RunCount $Count -Status Missing).FullName
$repo = New-Item -ItemType Directory (Join-Path $experiment 'repo')
foreach ($i in 1..$Files) { Set-Content (Join-Path $repo "file_$i.py") "print($i)`n" }
git -C $repo init -q -b main
git -C $repo add -A
git -C $repo -c user.name=Bench -c user.email=bench@example.invalid commit -q -m 'task commit'
$commit = git -C $repo rev-parse HEAD
$config = Join-Path $experiment 'config/experiment.json'
(Get-Content $config -Raw).Replace('0000000000000000000000000000000000000000', $commit) | Set-Content $config -NoNewline

New-ScyllaWorkspace -Path $experiment -Tier T3 -Subtest 01 -RunNumber 1 -TierConfigPath $TierConfigPath | Out-Null # warm-up (JIT, libgit2 load)
$scylla = Measure-Command {
    New-ScyllaWorkspace -Path $experiment -Tier T3 -Subtest 01 -RunNumber (2..($Count + 1)) -TierConfigPath $TierConfigPath | Out-Null
}
$gitCli = Measure-Command {
    foreach ($i in 1..$Count) { git -C $repo worktree add -q -b "cli_$i" (Join-Path $root "cli/run_$i") $commit 2>$null }
}

[pscustomobject]@{
    Files                     = $Files
    Workspaces                = $Count
    'New-ScyllaWorkspace(ms)' = [math]::Round($scylla.TotalMilliseconds / $Count, 1)
    'git worktree add(ms)'    = [math]::Round($gitCli.TotalMilliseconds / $Count, 1)
    Ratio                     = [math]::Round($scylla.TotalMilliseconds / $gitCli.TotalMilliseconds, 2)
} | Format-List | Out-String | Write-Host
Remove-Item $root -Recurse -Force
