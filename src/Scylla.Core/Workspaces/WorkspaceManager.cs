using System.Text;
using System.Text.Json.Nodes;
using LibGit2Sharp;
using Scylla.Core.Experiments;
using Scylla.Core.IO;
using Scylla.Core.Tiers;

namespace Scylla.Core.Workspaces;

/// <summary>Options shared by the workspace operations.</summary>
public sealed record WorkspaceOptions
{
    /// <summary>The base repository, instead of the one found beside the experiment.</summary>
    public string? RepositoryPath { get; init; }

    /// <summary>A JSON file of instruction wording (see <see cref="InstructionWording"/>).</summary>
    public string? InstructionTemplatePath { get; init; }

    /// <summary>Create: replace a workspace folder that holds files. Remove: remove a dirty or locked worktree.</summary>
    public bool Force { get; init; }

    /// <summary>Remove: keep the run's branch.</summary>
    public bool KeepBranch { get; init; }

    /// <summary>Open a base repository owned by another user (libgit2 refuses it otherwise).</summary>
    public bool SkipOwnershipCheck { get; init; }
}

/// <summary>
/// Creates, lists and removes run workspaces: git worktrees of the base repository (run-flow §3), configured for the run's
/// tier and subtest (§4). All git work on one base repository holds its lock file, so processes never interleave.
/// </summary>
public static class WorkspaceManager
{
    public const string ConfigurationCommitMessage = "[scylla] Initialize test configuration";

    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Creates the run's worktree at the experiment's commit on its own branch, configures it and commits the configuration.
    /// Everything is validated first; on any later failure the worktree, branch and folder just made are removed.
    /// </summary>
    public static ScyllaWorkspace Create(Experiment experiment, string tier, string subtest, int runNumber, WorkspaceOptions options, CancellationToken cancellationToken = default)
    {
        Experiment.ValidateIds(tier, subtest);
        var definition = FindSubtest(experiment, tier, subtest);
        var mergedParents = tier == "T5" && definition.InheritBestFrom.Count > 0 ? Inheritance.BuildMergedResources(experiment, definition.InheritBestFrom) : null;
        var wording = string.IsNullOrEmpty(options.InstructionTemplatePath) ? InstructionWording.Default : InstructionWording.Load(options.InstructionTemplatePath);
        var configurator = new WorkspaceConfigurator(experiment.Catalog.Directory!, experiment.Config.ThinkingMode != "None", wording);
        var (runDirectory, _) = experiment.LocateRun(tier, subtest, runNumber);
        var workspace = Path.Combine(runDirectory, "workspace");
        if (File.Exists(runDirectory) || File.Exists(workspace))
        {
            var file = File.Exists(runDirectory) ? runDirectory : workspace;
            throw new ScyllaException("WorkspacePathIsFile", ScyllaErrorKind.InvalidArgument, $"'{file}' is a file, so the workspace cannot be created there.", file);
        }

        if (Directory.Exists(workspace) && Directory.EnumerateFileSystemEntries(workspace).Any() && !options.Force)
        {
            throw new ScyllaException("WorkspaceNotEmpty", ScyllaErrorKind.InvalidOperation,
                $"The workspace folder '{workspace}' already holds files; it is never overwritten. Pass -Force to replace it, or Remove-ScyllaWorkspace first.", workspace);
        }

        var baseRepository = BaseRepository.Locate(experiment, options.RepositoryPath);
        var branch = baseRepository.BranchName(experiment.Config.ExperimentId, tier, subtest, runNumber);
        using var repositoryLock = FileLock.Acquire(baseRepository.LockPath, s_lockTimeout, cancellationToken);
        return GitRepositories.WithOwnershipCheck(options.SkipOwnershipCheck, () =>
        {
            using var repository = GitRepositories.Open(baseRepository.Path);
            var commit = repository.Lookup<Commit>(experiment.Config.TaskCommit)
                ?? throw new ScyllaException("CommitNotFound", ScyllaErrorKind.NotFound,
                    $"The task commit {experiment.Config.TaskCommit} is not in the base repository '{baseRepository.Path}'.", baseRepository.Path);
            ClearTheWay(repository, workspace, branch, options.Force);
            Directory.CreateDirectory(runDirectory);
            try
            {
                repository.Worktrees.Add(branch, workspace, isLocked: false);
                using (var worktree = GitRepositories.Open(workspace))
                {
                    worktree.Reset(ResetMode.Hard, commit); // Add branches from HEAD; move the run's branch to the task commit
                    configurator.Prepare(workspace, definition, mergedParents);
                    CommitConfiguration(worktree, GitRepositories.Signature(repository)); // the base repository's config is the worktree's
                }

                WriteCreateScript(runDirectory, baseRepository.Path, workspace, branch, commit.Sha);
                return Describe(experiment, tier, subtest, runNumber, WorktreeRegistrations.Read(repository.Info.Path).First(r => SamePath(r.WorkspacePath, workspace)), baseRepository.Path, repository);
            }
            catch
            {
                RemoveWorktree(repository, branch, workspace, keepBranch: false);
                throw;
            }
        });
    }

    /// <summary>The worktrees of the experiment's base repository that belong to this experiment's runs.</summary>
    public static IReadOnlyList<ScyllaWorkspace> List(Experiment experiment, WorkspaceOptions options)
    {
        var baseRepository = BaseRepository.Locate(experiment, options.RepositoryPath);
        return GitRepositories.WithOwnershipCheck(options.SkipOwnershipCheck, () =>
        {
            using var repository = GitRepositories.Open(baseRepository.Path);
            return WorktreeRegistrations.Read(repository.Info.Path)
                .Select(r => (Registration: r, Run: RunOf(experiment, r.WorkspacePath)))
                .Where(x => x.Run != null)
                .Select(x => Describe(experiment, x.Run!.Value.Tier, x.Run.Value.Subtest, x.Run.Value.RunNumber, x.Registration, baseRepository.Path, repository))
                .ToList();
        });
    }

    /// <summary>
    /// Removes the run's worktree and (unless <see cref="WorkspaceOptions.KeepBranch"/>) its branch. A worktree with uncommitted
    /// or untracked changes, or a locked one, is refused unless <see cref="WorkspaceOptions.Force"/>; a stale registration is cleaned.
    /// </summary>
    public static ScyllaWorkspace Remove(Experiment experiment, string tier, string subtest, int runNumber, WorkspaceOptions options, CancellationToken cancellationToken = default)
    {
        Experiment.ValidateIds(tier, subtest);
        var baseRepository = BaseRepository.Locate(experiment, options.RepositoryPath);
        using var repositoryLock = FileLock.Acquire(baseRepository.LockPath, s_lockTimeout, cancellationToken);
        return GitRepositories.WithOwnershipCheck(options.SkipOwnershipCheck, () =>
        {
            using var repository = GitRepositories.Open(baseRepository.Path);
            var registration = WorktreeRegistrations.Read(repository.Info.Path)
                .FirstOrDefault(r => RunOf(experiment, r.WorkspacePath) == (tier, subtest, runNumber))
                ?? throw new ScyllaException("WorkspaceNotFound", ScyllaErrorKind.NotFound,
                    $"{Experiment.RunId(tier, subtest, runNumber)} has no worktree in '{baseRepository.Path}'.", baseRepository.Path);
            var workspace = Describe(experiment, tier, subtest, runNumber, registration, baseRepository.Path, repository);
            if (registration.IsLocked && !options.Force)
            {
                throw new ScyllaException("WorkspaceLocked", ScyllaErrorKind.InvalidOperation,
                    $"The worktree '{registration.WorkspacePath}' is locked; pass -Force to remove it anyway.", registration.WorkspacePath);
            }

            if (workspace.IsDirty == true && !options.Force)
            {
                throw new ScyllaException("WorkspaceDirty", ScyllaErrorKind.InvalidOperation,
                    $"The worktree '{registration.WorkspacePath}' has uncommitted or untracked changes; pass -Force to remove it and lose them.", registration.WorkspacePath);
            }

            RemoveWorktree(repository, registration.Name, registration.WorkspacePath, options.KeepBranch, registration.Branch);
            return workspace;
        });
    }

    /// <summary>Stages everything in the worktree and commits it (empty commits allowed), under the repository lock.</summary>
    public static void CommitAll(Experiment experiment, string workspace, string message, WorkspaceOptions options, CancellationToken cancellationToken = default) =>
        UnderLock(experiment, options, cancellationToken, repository =>
        {
            using var worktree = GitRepositories.Open(workspace);
            Commands.Stage(worktree, "*");
            var signature = GitRepositories.Signature(repository);
            worktree.Commit(message, signature, signature, new CommitOptions { AllowEmptyCommit = true });
            return true;
        });

    /// <summary>
    /// Moves a run folder and points its worktree's registration at the new place (what <c>git worktree repair</c> does), so
    /// the worktree still works and can be removed after a promotion.
    /// </summary>
    public static void MoveRun(Experiment experiment, string from, string to, WorkspaceOptions options, CancellationToken cancellationToken = default) =>
        UnderLock(experiment, options, cancellationToken, repository =>
        {
            var registration = WorktreeRegistrations.Read(repository.Info.Path).FirstOrDefault(r => SamePath(r.WorkspacePath, Path.Combine(from, "workspace")));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            Directory.Move(from, to);
            if (registration != null)
            {
                File.WriteAllText(Path.Combine(registration.AdminDirectory, "gitdir"), Path.Combine(to, "workspace", ".git") + "\n");
            }

            return true;
        });

    /// <summary>
    /// Moves a run folder into its archive and unregisters its worktree (the files stay; the branch stays until the run's
    /// next worktree needs the name, when its tip is tagged), so the run can get a new worktree.
    /// </summary>
    public static void ArchiveRun(Experiment experiment, string from, string to, WorkspaceOptions options, CancellationToken cancellationToken = default)
    {
        if (!Path.Exists(Path.Combine(from, "workspace", ".git")))
        {
            Directory.Move(from, to); // no worktree to unregister (and maybe no base repository at all)
            return;
        }

        UnderLock(experiment, options, cancellationToken, repository =>
        {
            var registration = WorktreeRegistrations.Read(repository.Info.Path).FirstOrDefault(r => SamePath(r.WorkspacePath, Path.Combine(from, "workspace")));
            Directory.Move(from, to);
            if (registration != null)
            {
                Directory.Delete(registration.AdminDirectory, recursive: true);
            }

            return true;
        });
    }

    /// <summary>Removes a finished run's worktree and keeps its branch (its commits hold everything the agent did).</summary>
    public static void Release(Experiment experiment, string workspace, WorkspaceOptions options, CancellationToken cancellationToken = default) =>
        UnderLock(experiment, options, cancellationToken, repository =>
        {
            var registration = WorktreeRegistrations.Read(repository.Info.Path).FirstOrDefault(r => SamePath(r.WorkspacePath, workspace));
            if (registration != null)
            {
                RemoveWorktree(repository, registration.Name, workspace, keepBranch: true);
            }

            return true;
        });

    private static T UnderLock<T>(Experiment experiment, WorkspaceOptions options, CancellationToken cancellationToken, Func<Repository, T> action)
    {
        var baseRepository = BaseRepository.Locate(experiment, options.RepositoryPath);
        using var repositoryLock = FileLock.Acquire(baseRepository.LockPath, s_lockTimeout, cancellationToken);
        return GitRepositories.WithOwnershipCheck(options.SkipOwnershipCheck, () =>
        {
            using var repository = GitRepositories.Open(baseRepository.Path);
            return action(repository);
        });
    }

    /// <summary>The subtest's definition from the experiment's tier configuration.</summary>
    public static SubtestDefinition FindSubtest(Experiment experiment, string tier, string subtest)
    {
        if (experiment.Catalog.Source == TierCatalogSource.Disk)
        {
            throw new ScyllaException("TierConfigNotFound", ScyllaErrorKind.NotFound,
                $"No tier configuration is known for '{experiment.Path}', so the workspace cannot be configured. Pass -TierConfigPath (the folder with tiers.yaml and subtests/).", experiment.Path);
        }

        var file = experiment.Catalog.GetSubtests(tier).FirstOrDefault(s => s.Id == subtest)
            ?? throw new ScyllaException("SubtestNotFound", ScyllaErrorKind.NotFound, $"Sub-test {subtest} not found for tier {tier} in '{experiment.Catalog.Directory}'.", experiment.Catalog.Directory);
        return file.Load();
    }

    /// <summary>Recovers what a crashed run left (stale registrations, a stale branch) and, with force, an old workspace folder.</summary>
    private static void ClearTheWay(Repository repository, string workspace, string branch, bool force)
    {
        WorktreeRegistrations.PruneStale(repository.Info.Path);
        var registrations = WorktreeRegistrations.Read(repository.Info.Path).ToList();
        var atWorkspace = registrations.FirstOrDefault(r => SamePath(r.WorkspacePath, workspace));
        if (atWorkspace != null && force)
        {
            RemoveWorktree(repository, atWorkspace.Name, workspace, keepBranch: false, atWorkspace.Branch);
            registrations.Remove(atWorkspace);
        }

        var holder = registrations.FirstOrDefault(r => r.Branch == branch || r.Name == branch);
        if (holder != null)
        {
            throw new ScyllaException("BranchInUse", ScyllaErrorKind.InvalidOperation,
                $"The branch or worktree name '{branch}' is in use by the worktree '{holder.WorkspacePath}'{(holder.IsLocked ? " (locked)" : string.Empty)}. Remove that worktree first.", holder.WorkspacePath);
        }

        if (repository.Branches[branch] is { } leftover)
        {
            // Left by a crashed or archived run, checked out nowhere: tag its tip so its commits stay reachable, then reuse the name.
            var tag = Enumerable.Range(1, int.MaxValue).Select(k => $"scylla-archive/{branch}/{k}").First(t => repository.Tags[t] == null);
            repository.ApplyTag(tag, leftover.Tip.Sha);
            repository.Branches.Remove(branch);
        }

        if (Directory.Exists(workspace))
        {
            Directory.Delete(workspace, recursive: true); // empty, or replaced with force; libgit2 wants no folder at all
        }
    }

    private static void CommitConfiguration(Repository worktree, Signature signature)
    {
        var root = worktree.Info.WorkingDirectory;
        if (File.Exists(Path.Combine(root, "CLAUDE.md")))
        {
            Commands.Stage(worktree, "CLAUDE.md");
        }

        if (Directory.Exists(Path.Combine(root, ".claude")))
        {
            Commands.Stage(worktree, ".claude/*");
        }

        if (worktree.Diff.Compare<TreeChanges>(worktree.Head.Tip.Tree, DiffTargets.Index).Count > 0)
        {
            worktree.Commit(ConfigurationCommitMessage, signature, signature);
        }
    }

    /// <summary>Prunes the worktree (deleting its folder), then its branch; tolerates any part being gone already.</summary>
    private static void RemoveWorktree(Repository repository, string name, string workspace, bool keepBranch, string? branch = null)
    {
        var worktree = repository.Worktrees[name];
        if (worktree != null)
        {
            repository.Worktrees.Prune(worktree, ifLocked: true);
        }
        else
        {
            var admin = Path.Combine(repository.Info.Path, "worktrees", name);
            if (Directory.Exists(admin))
            {
                Directory.Delete(admin, recursive: true);
            }
        }

        if (Directory.Exists(workspace))
        {
            Directory.Delete(workspace, recursive: true);
        }

        branch ??= name;
        if (!keepBranch && repository.Branches[branch] != null)
        {
            repository.Branches.Remove(branch);
        }
    }

    /// <summary><c>worktree_create.sh</c> in the run folder (run-flow §3.2): how to recreate the worktree with the git CLI.</summary>
    private static void WriteCreateScript(string runDirectory, string baseRepository, string workspace, string branch, string commit)
    {
        var script = new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append($"# Worktree: {branch} @ {workspace}\n")
            .Append(string.Join(' ', new[] { "git", "-C", baseRepository, "worktree", "add", "-b", branch, workspace, commit }.Select(ShellQuote))).Append('\n')
            .Append(string.Join(' ', new[] { "git", "-C", workspace, "checkout", commit }.Select(ShellQuote))).Append('\n')
            .ToString();
        var path = Path.Combine(runDirectory, "worktree_create.sh");
        AtomicFile.WriteAllText(path, script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
    }

    /// <summary>Python's <c>shlex.quote</c>.</summary>
    internal static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "@%+=:,./_-".Contains(c)) ? value : "'" + value.Replace("'", "'\"'\"'") + "'";

    /// <summary>The run a workspace path belongs to: <c>E/T/SS/run_NN/workspace</c> or <c>E/(completed|in_progress)/T/SS/run_NN/workspace</c>.</summary>
    private static (string Tier, string Subtest, int RunNumber)? RunOf(Experiment experiment, string workspacePath)
    {
        var relative = Path.GetRelativePath(experiment.Path, workspacePath).Split(Path.DirectorySeparatorChar);
        if (relative.Length == 5 && relative[0] is Experiment.CompletedFolder or Experiment.InProgressFolder)
        {
            relative = relative[1..];
        }

        return relative.Length == 4 && relative[3] == "workspace" && TierId.IsValid(relative[0]) && TierId.IsValidSubtestId(relative[1])
            && Experiment.TryParseRunDirectoryName(relative[2], out var run)
            ? (relative[0], relative[1], run)
            : null;
    }

    private static ScyllaWorkspace Describe(Experiment experiment, string tier, string subtest, int runNumber, WorktreeRegistration registration, string baseRepository, Repository repository)
    {
        bool? dirty = null;
        if (!registration.IsStale)
        {
            using var worktree = GitRepositories.Open(registration.WorkspacePath);
            dirty = worktree.RetrieveStatus(new StatusOptions { IncludeUntracked = true, RecurseUntrackedDirs = false }).IsDirty;
        }

        return new ScyllaWorkspace
        {
            ExperimentId = experiment.Config.ExperimentId,
            ExperimentPath = experiment.Path,
            Tier = tier,
            Subtest = subtest,
            RunNumber = runNumber,
            Path = registration.WorkspacePath,
            Branch = registration.Branch ?? registration.Name,
            Commit = registration.Branch != null ? repository.Branches[registration.Branch]?.Tip?.Sha : registration.DetachedCommit,
            BaseRepository = baseRepository,
            IsDirty = dirty,
            IsStale = registration.IsStale,
            IsLocked = registration.IsLocked,
        };
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);
}
