@{
    Synopsis    = "Creates runs' workspaces: git worktrees at the task commit, configured for their tier and subtest."
    Description = @'
New-ScyllaWorkspace creates <run>/workspace as a git worktree of the experiment's base repository (../repos/<id> or
repo/, or -RepositoryPath) at task_commit, on the run's own branch, and writes worktree_create.sh. It then configures
the workspace for the run's tier and subtest: symlinks to the agents and skills the subtest names, CLAUDE.md from its
blocks and instructions naming its resources, and .claude/settings.json; T0 subtests 00 and 01 get no CLAUDE.md and no
.claude/ but the settings; T5 subtests inherit the resources of their parent tiers' best subtests. The configuration is
committed as "[scylla] Initialize test configuration".

A stale branch or worktree registration left by a crashed run is recovered. A workspace folder that holds files is
never replaced unless -Force. A T5 run whose parent tiers have not completed, a commit missing from the repository, a
repository owned by another user, or a run id that would leave the experiment is an error and creates nothing.

Each run's worktree is changed under the run's lease (the lock Invoke-ScyllaRerun holds while it re-runs the run):
a run another process holds, on this host or another, is skipped with a RunBusy error.
'@
    Parameters  = @{
        ExperimentPath          = "The run's experiment folder; with -Tier, -Subtest and -RunNumber, bound by property name from ScyllaRun objects, CSV rows or any object with those properties."
        Path                    = 'The experiment folder of the runs named by -Tier, -Subtest and -RunNumber.'
        Tier                    = 'The tier of the runs (T0 to T6).'
        Subtest                 = 'The subtest of the runs (for example 01; -Subtest 1 finds 01). A run the experiment lacks is refused.'
        RunNumber               = 'The run numbers.'
        TierConfigPath          = 'The tier configuration folder (tiers.yaml, subtests/, blocks/, agents/, skills/).'
        RepositoryPath          = 'The base repository to use instead of the one found beside the experiment.'
        InstructionTemplatePath = 'A JSON file whose string values replace the default wording of the CLAUDE.md instructions (keys: agents_plural, agents_singular, skills_plural, skills_singular, mcp_servers_plural, mcp_servers_singular, tools_plural, tools_singular, all_tools, generic, footer).'
        Force                   = 'Replace a workspace folder that already holds files.'
        SkipOwnershipCheck      = 'Open a base repository owned by another user (libgit2 refuses it otherwise, as git does).'
    }
    Outputs     = @{ ScyllaWorkspace = 'One object per workspace created: run id, path, branch, commit and base repository.' }
    Examples    = @(
        @{
            Title   = 'Create the workspaces of the missing runs of a tier'
            Code    = @'
New-ScyllaSampleExperiment ./exp -TierCount 2 -SubtestCount 1 -RunCount 2 -Status Missing -WithRepository | Out-Null
Get-ScyllaRun ./exp -Tier T1 -TierConfigPath ./exp/tier-config | New-ScyllaWorkspace -TierConfigPath ./exp/tier-config
'@
            Remarks = 'Each run gets a worktree on its own branch, configured and committed.'
        }
        @{
            Title   = 'Create one workspace by name, replacing an old folder'
            Code    = @'
New-ScyllaSampleExperiment ./exp -TierCount 1 -SubtestCount 1 -RunCount 1 -Status Failed -WithRepository | Out-Null
New-ScyllaWorkspace -Path ./exp -Tier T0 -Subtest 00 -RunNumber 1 -TierConfigPath ./exp/tier-config -Force
'@
            Remarks = 'The failed run left files in its workspace folder; without -Force that is an error.'
        }
    )
}
