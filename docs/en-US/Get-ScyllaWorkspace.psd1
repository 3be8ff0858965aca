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
            Title   = "List an experiment's workspaces"
            Code    = 'Get-ScyllaWorkspace ./exp'
            Remarks = 'Shows run id, branch, commit, state (clean, dirty, stale, locked) and path.'
        }
        @{
            Title   = 'Clean up stale registrations'
            Code    = 'Get-ScyllaWorkspace ./exp | Where-Object IsStale | Remove-ScyllaWorkspace'
            Remarks = 'Worktrees whose folders were deleted by hand are unregistered and their branches deleted.'
        }
    )
}
