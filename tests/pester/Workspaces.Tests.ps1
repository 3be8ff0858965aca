# The workspace cmdlets against the built module, on a real git repository checked with the git CLI.
BeforeAll {
    $ErrorActionPreference = 'Stop'
    Import-Module $env:SCYLLA_MODULE
    # A two-subtest tier configuration: T3/01 links the level-2 agents, T5/01 inherits the best of T0.
    $tierConfig = Join-Path $TestDrive 'tier-config'
    $files = @{
        'tiers.yaml'                     = "tiers:`n" + ((0..6 | ForEach-Object { "  T${_}: {name: 'Tier $_', description: 'Test tier $_'}`n" }) -join '')
        'agents/L2/test-designer.md'     = "# Test designer`n`nPlans the tests first.`n"
        'subtests/t3/01-designer.yaml'   = "name: Designer agent`nresources:`n  agents:`n    levels: [2]`n"
        'subtests/t5/01-best-of-t0.yaml' = "name: Best of T0`ninherit_best_from: [T0]`n"
    }
    foreach ($name in $files.Keys) {
        $file = Join-Path $tierConfig $name
        New-Item -ItemType Directory -Force (Split-Path $file) | Out-Null
        Set-Content $file $files[$name] -NoNewline
    }

    # A sample experiment whose repo/ is a git repository; commit 1 is the task commit, commit 2 moves HEAD past it.
    function New-GitExperiment([string] $Name) {
        $experiment = (New-ScyllaSampleExperiment (Join-Path $TestDrive $Name) -TierCount 4 -SubtestCount 1 -RunCount 2 -Status Missing).FullName
        $repo = New-Item -ItemType Directory (Join-Path $experiment 'repo')
        git -C $repo init -q -b main
        Set-Content (Join-Path $repo 'README.md') 'task'
        git -C $repo add -A
        git -C $repo -c user.name=Test -c user.email=test@example.invalid commit -q -m 'task commit'
        $taskCommit = git -C $repo rev-parse HEAD
        Set-Content (Join-Path $repo 'README.md') 'later'
        git -C $repo -c user.name=Test -c user.email=test@example.invalid commit -q -am 'after'
        $config = Join-Path $experiment 'config/experiment.json'
        (Get-Content $config -Raw).Replace('0000000000000000000000000000000000000000', $taskCommit) | Set-Content $config -NoNewline
        [pscustomobject]@{ Path = $experiment; Repo = $repo.FullName; TaskCommit = $taskCommit }
    }
}

Describe 'Workspaces' {
    It 'loads libgit2 from an ordinary module folder in a fresh pwsh, then creates and removes a worktree' {
        $e = New-GitExperiment 'installed'
        $modules = New-Item -ItemType Directory (Join-Path $TestDrive 'Modules')
        Copy-Item (Split-Path $env:SCYLLA_MODULE) (Join-Path $modules 'Scylla') -Recurse

        $result = Start-Job -ArgumentList $modules.FullName, $e.Path, $tierConfig {
            param($Modules, $Experiment, $TierConfig)
            $ErrorActionPreference = 'Stop'
            $env:PSModulePath = $Modules + [IO.Path]::PathSeparator + $env:PSModulePath
            Import-Module Scylla
            $created = New-ScyllaWorkspace -Path $Experiment -Tier T3 -Subtest 01 -RunNumber 1 -TierConfigPath $TierConfig
            $listed = @(Get-ScyllaWorkspace $Experiment)
            Get-ScyllaRun $Experiment -Tier T3 -RunNumber 1 | Remove-ScyllaWorkspace
            [pscustomobject]@{ Branch = $created.Branch; Listed = $listed.Count; ModuleBase = (Get-Module Scylla).ModuleBase }
        } | Receive-Job -Wait -AutoRemoveJob

        $result.Branch | Should -Be 'T3_01_run_01'
        $result.Listed | Should -Be 1
        $result.ModuleBase | Should -Be (Join-Path $modules 'Scylla')
        git -C $e.Repo worktree list --porcelain | Where-Object { $_ -like 'worktree *' } | Should -HaveCount 1
        git -C $e.Repo branch --format '%(refname:short)' | Should -Be 'main'
    }

    It 'creates the worktree at the task commit with the configuration committed' {
        $e = New-GitExperiment 'created'

        $ws = Get-ScyllaRun $e.Path -Tier T3 -Subtest 01 -RunNumber 2 -TierConfigPath $tierConfig | New-ScyllaWorkspace -TierConfigPath $tierConfig

        git -C $ws.Path rev-parse HEAD~1 | Should -Be $e.TaskCommit
        git -C $ws.Path log -1 --format=%s | Should -Be '[scylla] Initialize test configuration'
        git -C $ws.Path status --porcelain | Should -BeNullOrEmpty
        (Get-ScyllaWorkspace $e.Path).RunId | Should -Be 'T3/01/run_02'
    }

    It 'changes nothing with -WhatIf' {
        $e = New-GitExperiment 'whatif'

        New-ScyllaWorkspace -Path $e.Path -Tier T3 -Subtest 01 -RunNumber 1 -TierConfigPath $tierConfig -WhatIf

        Test-Path (Join-Path $e.Path 'T3/01/run_01') | Should -BeFalse
        git -C $e.Repo branch --format '%(refname:short)' | Should -Be 'main'
    }

    It 'refuses a dirty worktree with a stable error id, then removes it with -Force' {
        $e = New-GitExperiment 'dirty'
        $ws = New-ScyllaWorkspace -Path $e.Path -Tier T3 -Subtest 01 -RunNumber 1 -TierConfigPath $tierConfig
        Set-Content (Join-Path $ws.Path 'work.txt') 'unsaved'

        $ws | Remove-ScyllaWorkspace -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'WorkspaceDirty,Scylla.PowerShell.Commands.Workspaces.RemoveScyllaWorkspaceCommand'
        Test-Path (Join-Path $ws.Path 'work.txt') | Should -BeTrue

        $ws | Remove-ScyllaWorkspace -Force
        Test-Path $ws.Path | Should -BeFalse
    }

    It 'gives a T5 run whose parents have not completed an error and leaves nothing behind' {
        $e = New-GitExperiment 'five'
        $config = Join-Path $e.Path 'config/experiment.json'
        (Get-Content $config -Raw).Replace('"T3"', '"T3", "T5"') | Set-Content $config -NoNewline # T5 is one of its tiers

        New-ScyllaWorkspace -Path $e.Path -Tier T5 -Subtest 01 -RunNumber 1 -TierConfigPath $tierConfig -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ParentTiersIncomplete,*'
        $failures[0].Exception.Message | Should -BeLike '*parent tiers must complete first*'
        git -C $e.Repo worktree list --porcelain | Where-Object { $_ -like 'worktree *' } | Should -HaveCount 1
    }
}
