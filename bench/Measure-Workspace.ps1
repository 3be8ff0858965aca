<#
.SYNOPSIS
    New-ScyllaWorkspace against `git worktree add` plus the same configuration commit (docs/performance.md).
.DESCRIPTION
    Builds a repository of -Files files (default 20,000) in nested folders, each a few lines long, as a real task
    repository is. Then, -Count times in turn: New-ScyllaWorkspace for one run (worktree at the
    task commit, tier configuration, configuration commit), and the git CLI doing the same work: `git worktree add -b`
    at the task commit, copying in the files the first workspace's configuration commit added, `git add -A` and
    `git commit`. Prints the median time of each and their ratio (target: at most 1.2).
        ./build.sh build
        dotnet pwsh -NoProfile bench/Measure-Workspace.ps1
#>
param(
    [ValidateRange(1, 98)]
    [int] $Count = 6,
    [int] $Files = 20000,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/Scylla/Scylla.psd1'),
    [string] $TierConfigPath = (Join-Path $PSScriptRoot '../../shared/fixtures/tier-config')
)

$ErrorActionPreference = 'Stop'
Import-Module (Resolve-Path $ModulePath).ProviderPath
$root = Join-Path ([System.IO.Path]::GetTempPath()) "scylla-bench-workspace-$PID"
$experiment = (New-ScyllaSampleExperiment (Join-Path $root 'exp') -TierCount 4 -SubtestCount 1 -RunCount ($Count + 1) `
        -Status Missing).FullName
$repo = New-Item -ItemType Directory (Join-Path $experiment 'repo')
# src/pkg_NN/mod_N/file_N.py: 3 levels of folders, 20 packages of 10 modules each, a dozen lines per file.
$body = (1..12 | ForEach-Object { "def f$_(x):`n    return x + $_`n" }) -join ''
foreach ($i in 1..$Files) {
    $folder = Join-Path $repo "src/pkg_$($i % 20)/mod_$($i % 10)"
    if ($i -le 200) { $null = New-Item -ItemType Directory -Force $folder }
    [System.IO.File]::WriteAllText((Join-Path $folder "file_$i.py"), "# file $i`n$body")
}
git -C $repo init -q -b main
git -C $repo add -A
git -C $repo -c user.name=Bench -c user.email=bench@example.invalid commit -q -m 'task commit'
$commit = git -C $repo rev-parse HEAD
$config = Join-Path $experiment 'config/experiment.json'
(Get-Content $config -Raw).Replace('0000000000000000000000000000000000000000', $commit) | Set-Content $config -NoNewline

# The first workspace warms up (JIT, libgit2) and shows what the configuration commit adds.
$first = New-ScyllaWorkspace -Path $experiment -Tier T3 -Subtest 01 -RunNumber 1 -TierConfigPath $TierConfigPath
$configFiles = @(git -C $first.Path diff --name-only --no-renames "$commit" HEAD)
if ($configFiles.Count -eq 0) { throw 'The configuration commit added nothing to copy.' }

$scylla = @(); $gitCli = @()
foreach ($i in 1..$Count) {
    $scylla += (Measure-Command {
            $null = New-ScyllaWorkspace -Path $experiment -Tier T3 -Subtest 01 -RunNumber ($i + 1) `
                -TierConfigPath $TierConfigPath
        }).TotalMilliseconds
    $gitCli += (Measure-Command {
            $worktree = Join-Path $root "cli/run_$i"
            git -C $repo worktree add -q -b "cli_$i" $worktree $commit 2>$null
            foreach ($file in $configFiles) {
                $target = Join-Path $worktree $file
                $null = New-Item -ItemType Directory -Force (Split-Path $target)
                Copy-Item -LiteralPath (Join-Path $first.Path $file) $target
            }
            git -C $worktree add -A
            git -C $worktree -c user.name=Bench -c user.email=bench@example.invalid commit -q -m 'configuration'
        }).TotalMilliseconds
}

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][math]::Floor(($Values.Count - 1) / 2)] }
[pscustomobject]@{
    Files                     = $Files
    Workspaces                = $Count
    ConfigurationFiles        = $configFiles.Count
    'New-ScyllaWorkspace(ms)' = [math]::Round((Get-Median $scylla), 1)
    'git worktree add + configuration commit(ms)' = [math]::Round((Get-Median $gitCli), 1)
    Ratio                     = [math]::Round((Get-Median $scylla) / (Get-Median $gitCli), 2)
} | Format-List | Out-String | Write-Host
Remove-Item $root -Recurse -Force
