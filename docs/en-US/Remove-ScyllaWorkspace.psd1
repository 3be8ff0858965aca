@{
    Synopsis    = "Removes runs' worktrees and their branches; refuses dirty or locked ones unless -Force."
    Description = @'
Remove-ScyllaWorkspace removes a run's worktree (its folder and its registration in the base repository) and deletes
its branch, unless -KeepBranch. A worktree with uncommitted or untracked changes, or a locked one, is refused with an
error unless -Force. A stale registration (the folder is already gone) is cleaned. It never prompts at the default
$ConfirmPreference; use -WhatIf to see what it would do.

Each run's worktree is changed under the run's lease (the lock Invoke-ScyllaRerun holds while it re-runs the run):
a run another process holds, on this host or another, is skipped with a RunBusy error.
'@
    Parameters  = @{
        ExperimentPath     = "The run's experiment folder; with -Tier, -Subtest and -RunNumber, bound by property name from ScyllaRun objects, CSV rows or any object with those properties."
        Workspace          = 'Worktrees to remove, from Get-ScyllaWorkspace.'
        Path               = 'The experiment folder of the runs named by -Tier, -Subtest and -RunNumber.'
        Tier               = 'The tier of the runs (T0 to T6).'
        Subtest            = 'The subtest of the runs (for example 01).'
        RunNumber          = 'The run numbers.'
        RepositoryPath     = 'The base repository to use instead of the one found beside the experiment.'
        Force              = 'Remove a worktree that has uncommitted or untracked changes, or is locked. Its changes are lost.'
        KeepBranch         = "Keep the run's branch (and so its commits)."
        SkipOwnershipCheck = 'Open a base repository owned by another user.'
    }
    Outputs     = @{ Void = 'Nothing; -Verbose tells what was removed.' }
    Examples    = @(
        @{
            Title   = 'See what would be removed'
            Code    = @'
New-ScyllaSampleExperiment ./exp -TierCount 2 -SubtestCount 1 -RunCount 2 -Status Missing -WithRepository |
    Get-ScyllaRun -TierConfigPath ./exp/tier-config | New-ScyllaWorkspace -TierConfigPath ./exp/tier-config | Out-Null
Get-ScyllaWorkspace ./exp | Remove-ScyllaWorkspace -WhatIf
'@
            Remarks = 'One line per worktree; nothing is removed.'
        }
        @{
            Title   = 'Remove a run''s worktree but keep its branch'
            Code    = @'
New-ScyllaSampleExperiment ./exp -TierCount 2 -SubtestCount 1 -RunCount 2 -Status Missing -WithRepository |
    Get-ScyllaRun -TierConfigPath ./exp/tier-config | New-ScyllaWorkspace -TierConfigPath ./exp/tier-config | Out-Null
Remove-ScyllaWorkspace -Path ./exp -Tier T1 -Subtest 01 -RunNumber 1 -KeepBranch
'@
            Remarks = 'The branch keeps the commits, so the worktree can be recreated with git worktree add.'
        }
    )
}
