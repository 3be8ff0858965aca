@{
    Synopsis    = "Lists the worktrees of an experiment's base repository that belong to its runs."
    Description = @'
Get-ScyllaWorkspace reads the worktrees registered in the experiment's base repository and maps each one back to its
run. It shows the branch and commit, and whether the worktree has uncommitted or untracked changes (IsDirty), whether
its folder is gone (IsStale) and whether it is locked (IsLocked).
'@
    Parameters  = @{
        Path               = 'Experiment folders. Wildcards are supported. Default: the current folder.'
        LiteralPath        = 'Experiment folders, taken literally. Bound by property name (PSPath, or ExperimentPath from ScyllaRun objects).'
        RepositoryPath     = 'The base repository to read instead of the one found beside the experiment.'
        SkipOwnershipCheck = 'Open a base repository owned by another user.'
    }
    Defaults    = @{ Path = '.' }
    Outputs     = @{ ScyllaWorkspace = 'One object per worktree of the experiment.' }
    Examples    = @(
        @{
            Title   = 'List an experiment''s workspaces'
            Code    = @'
New-ScyllaSampleExperiment ./exp -TierCount 2 -SubtestCount 1 -RunCount 2 -Status Missing -WithRepository |
    Get-ScyllaRun -TierConfigPath ./exp/tier-config | New-ScyllaWorkspace -TierConfigPath ./exp/tier-config | Out-Null
Get-ScyllaWorkspace ./exp
'@
            Remarks = 'One line per workspace: run id, branch, commit, state (clean, dirty, stale, locked), path.'
        }
        @{
            Title   = 'Clean up stale registrations'
            Code    = @'
New-ScyllaSampleExperiment ./exp -TierCount 2 -SubtestCount 1 -RunCount 2 -Status Missing -WithRepository |
    Get-ScyllaRun -TierConfigPath ./exp/tier-config | New-ScyllaWorkspace -TierConfigPath ./exp/tier-config | Out-Null
Remove-Item ./exp/T0/00/run_01/workspace -Recurse -Force
Get-ScyllaWorkspace ./exp | Where-Object IsStale | Remove-ScyllaWorkspace
'@
            Remarks = 'The worktree whose folder was deleted by hand is unregistered, its branch deleted.'
        }
    )
}
