using System.Text;
using LibGit2Sharp;
using Scylla.Core.Experiments;
using Scylla.Core.IO;
using Scylla.Core.Runs;

namespace Scylla.Core.Workspaces;

/// <summary>
/// A run's one way into its base repository: opened once, it creates, configures, commits, diffs, archives and
/// releases the run's worktree. Only what changes the repository's shared state (its worktree list, branches and tags)
/// holds the repository's lock file, so a run takes that lock once; the rest touches only the run's own worktree, its
/// branch and its registration (docs/format.md, "Workspaces").
/// </summary>
public sealed class RepositorySession : IDisposable
{
    public const string ConfigurationCommitMessage = "[scylla] Initialize test configuration";

    public const string AgentChangesCommitMessage = "[scylla] Agent changes";

    /// <summary>What the judges are told when the agent changed nothing (besides its instructions).</summary>
    public const string NoChanges = "(no changes detected)";

    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromMinutes(5);

    private readonly Repository _repository;
    private readonly WorkspaceOptions _options;
    private readonly GitCli? _git;

    private RepositorySession(BaseRepository baseRepository, Repository repository, WorkspaceOptions options)
    {
        Base = baseRepository;
        _repository = repository;
        _options = options;
        _git = options.UseGitCli && GitCli.OnPath is { } git ? new GitCli(git, options.SkipOwnershipCheck) : null;
    }

    public BaseRepository Base { get; }

    /// <summary>Opens <paramref name="baseRepository"/> (with libgit2's ownership check unless the options skip it).
    /// </summary>
    public static RepositorySession Open(BaseRepository baseRepository, WorkspaceOptions options)
    {
        var repository = GitRepositories.WithOwnershipCheck(options.SkipOwnershipCheck,
            () => GitRepositories.Open(baseRepository.Path));
        return new RepositorySession(baseRepository, repository, options);
    }

    public void Dispose() => _repository.Dispose();

    /// <summary>The full id of <paramref name="commitish"/>, or null when the repository does not hold it.</summary>
    public string? FindCommit(string commitish) => _repository.Lookup<Commit>(commitish)?.Sha;

    /// <summary>
    /// Refuses a branch held by a worktree this run would not replace: one that exists, or is locked (a stale, unlocked
    /// registration is pruned when the worktree is made).
    /// </summary>
    public void RequireBranchFree(string branch, IReadOnlyList<string> replaces)
    {
        var holder = Registrations()
            .Where(r => r.Branch == branch || r.Name == branch)
            .FirstOrDefault(r => (!r.IsStale || r.IsLocked) && !replaces.Any(w => SamePath(w, r.WorkspacePath)));
        if (holder != null)
        {
            throw new ScyllaException("BranchInUse", ScyllaErrorKind.InvalidOperation,
                $"The branch or worktree name '{branch}' is in use by the worktree '{holder.WorkspacePath}'"
                + $"{(holder.IsLocked ? " (locked)" : string.Empty)}. Remove that worktree first.",
                holder.WorkspacePath);
        }
    }

    /// <summary>
    /// Makes the planned worktree at the task commit on the run's branch, configures it and commits the configuration,
    /// all under the repository's lock (the one time this session takes it). On a failure the worktree, branch and
    /// folder just made are removed.
    /// </summary>
    public void Create(WorkspacePlan plan, CancellationToken cancellationToken = default)
    {
        var workspace = plan.WorkspacePath;
        using var repositoryLock = FileLock.Acquire(Base.LockPath, s_lockTimeout, cancellationToken);
        ClearTheWay(workspace, plan.Branch, plan.Replaces);
        Directory.CreateDirectory(plan.RunDirectory);
        try
        {
            var signature = GitRepositories.Signature(_repository); // the base repository's config is the worktree's
            if (_git != null)
            {
                _git.Run(Base.Path, null, ["worktree", "add", "-q", "-b", plan.Branch, workspace, plan.Commit]);
                plan.Configurator().Prepare(workspace, plan.Definition, plan.MergedParents);
                CommitConfigurationWithGit(workspace, signature);
            }
            else
            {
                _repository.Worktrees.Add(plan.Branch, workspace, isLocked: false);
                using var worktree = OpenWorktree(workspace);
                worktree.Reset(ResetMode.Hard, _repository.Lookup<Commit>(plan.Commit)); // Add branches from HEAD
                plan.Configurator().Prepare(workspace, plan.Definition, plan.MergedParents);
                CommitConfiguration(worktree, signature);
            }

            WriteCreateScript(plan.RunDirectory, Base.Path, workspace, plan.Branch, plan.Commit);
        }
        catch
        {
            var made = Registrations().FirstOrDefault(r => SamePath(r.WorkspacePath, workspace));
            RemoveWorktree(made?.Name ?? plan.Branch, workspace, keepBranch: false, plan.Branch);
            throw;
        }
    }

    /// <summary>
    /// Stages everything in the run's worktree and commits it (empty commits allowed), as upstream does after the
    /// agent.
    /// </summary>
    public void CommitAll(string workspace, string message)
    {
        var signature = GitRepositories.Signature(_repository);
        if (_git != null)
        {
            _git.Run(workspace, signature, ["add", "-A"]);
            _git.Run(workspace, signature, ["commit", "-q", "--allow-empty", "-m", message]);
            return;
        }

        using var worktree = OpenWorktree(workspace);
        Commands.Stage(worktree, "*");
        worktree.Commit(message, signature, signature, new CommitOptions { AllowEmptyCommit = true });
    }

    /// <summary>
    /// Commits the agent's changes once: when the worktree's last commit is already the agent's (a resumed run whose
    /// commit was made but not saved in the checkpoint), nothing is committed, so the judges never get an empty diff.
    /// </summary>
    public void CommitAgentChanges(string workspace)
    {
        using (var worktree = OpenWorktree(workspace))
        {
            if (worktree.Head.Tip?.MessageShort == AgentChangesCommitMessage)
            {
                return;
            }
        }

        CommitAll(workspace, AgentChangesCommitMessage);
    }

    /// <summary>The changes the agent committed in its worktree (HEAD~1..HEAD); see <see cref="PatchOf"/>.</summary>
    public string Patch(string workspace)
    {
        using var worktree = OpenWorktree(workspace);
        return PatchOf(worktree.Head.Tip is { } head ? _repository.Lookup<Commit>(head.Id) : null);
    }

    /// <summary>
    /// The agent's committed changes read from the run's branch when its worktree is gone (as upstream leaves a
    /// finished run); null when the branch's last commit is not the agent's, so its work is not there.
    /// </summary>
    public string? BranchPatch(string branch) => AgentCommit(branch) is { } tip ? PatchOf(tip) : null;

    /// <summary>Whether the agent's commit is the last of the run's branch, read without its patch.</summary>
    public bool HasAgentCommit(string branch) => AgentCommit(branch) != null;

    /// <summary>
    /// Moves a run folder and points its worktree's registration at the new place (what <c>git worktree repair</c>
    /// does). The registration is marked locked while its folder moves, so another process's prune never takes it for
    /// stale.
    /// </summary>
    public static void MoveRun(string from, string to)
    {
        var admin = WorktreeRegistrations.IsLive(Path.Combine(from, RunFolder.Workspace))
            ? WorktreeRegistrations.AdminDirectoryOf(Path.Combine(from, RunFolder.Workspace))
            : null;
        var locked = admin == null ? null : Path.Combine(admin, "locked");
        if (locked != null)
        {
            File.WriteAllText(locked, "scylla: moving the run folder\n");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        Directory.Move(from, to);
        if (admin != null)
        {
            File.WriteAllText(Path.Combine(admin, "gitdir"), Path.Combine(to, RunFolder.Workspace, ".git") + "\n");
            File.Delete(locked!);
        }
    }

    /// <summary>
    /// Unregisters a run's worktree, then moves its folder into the archive (the files stay; the branch stays until the
    /// run's next worktree needs the name, when its tip is tagged).
    /// </summary>
    public static void ArchiveRun(string from, string to)
    {
        WorktreeRegistrations.Unregister(Path.Combine(from, RunFolder.Workspace));
        Directory.Move(from, to);
    }

    /// <summary>Removes a finished run's worktree and keeps its branch (its commits hold all the agent did).</summary>
    public static void Release(string workspace)
    {
        WorktreeRegistrations.Unregister(workspace);
        if (Directory.Exists(workspace))
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    /// <summary>The planned worktree as it is now (made by <see cref="Create"/>).</summary>
    public ScyllaWorkspace Describe(WorkspacePlan plan) => Describe(plan.Experiment, plan.Tier, plan.Subtest,
        plan.RunNumber, Registrations().First(r => SamePath(r.WorkspacePath, plan.WorkspacePath)));

    /// <summary>The worktrees of this repository that belong to runs of <paramref name="experiment"/>.</summary>
    public IReadOnlyList<ScyllaWorkspace> List(Experiment experiment) => Registrations()
        .Select(r => (Registration: r, Run: RunOf(experiment, r.WorkspacePath)))
        .Where(x => x.Run != null)
        .Select(x => Describe(experiment, x.Run!.Value.Tier, x.Run.Value.Subtest, x.Run.Value.RunNumber,
            x.Registration))
        .ToList();

    /// <summary>
    /// Removes the run's worktree and (unless <see cref="WorkspaceOptions.KeepBranch"/>) its branch, under the lock. A
    /// worktree with uncommitted or untracked changes, or a locked one, is refused unless
    /// <see cref="WorkspaceOptions.Force"/>.
    /// </summary>
    public ScyllaWorkspace Remove(Experiment experiment, string tier, string subtest, int runNumber,
        CancellationToken cancellationToken)
    {
        using var repositoryLock = FileLock.Acquire(Base.LockPath, s_lockTimeout, cancellationToken);
        var registration = Registrations()
            .FirstOrDefault(r => RunOf(experiment, r.WorkspacePath) == (tier, subtest, runNumber))
            ?? throw new ScyllaException("WorkspaceNotFound", ScyllaErrorKind.NotFound,
                $"{Experiment.RunId(tier, subtest, runNumber)} has no worktree in '{Base.Path}'.", Base.Path);
        var workspace = Describe(experiment, tier, subtest, runNumber, registration);
        if (registration.IsLocked && !_options.Force)
        {
            throw new ScyllaException("WorkspaceLocked", ScyllaErrorKind.InvalidOperation,
                $"The worktree '{registration.WorkspacePath}' is locked; pass -Force to remove it anyway.",
                registration.WorkspacePath);
        }

        if (workspace.IsDirty == true && !_options.Force)
        {
            throw new ScyllaException("WorkspaceDirty", ScyllaErrorKind.InvalidOperation,
                $"The worktree '{registration.WorkspacePath}' has uncommitted or untracked changes; "
                + "pass -Force to remove it and lose them.",
                registration.WorkspacePath);
        }

        RemoveWorktree(registration.Name, registration.WorkspacePath, _options.KeepBranch, registration.Branch);
        return workspace;
    }

    /// <summary>The last commit of the run's branch when it is the agent's; null when the branch is gone or moved on.
    /// </summary>
    private Commit? AgentCommit(string branch) => _repository.Branches[branch]?.Tip is { } tip
        && tip.MessageShort == AgentChangesCommitMessage ? tip : null;

    /// <summary>
    /// A commit's changes against its parent, without CLAUDE.md and .claude/, truncated like upstream past 500 lines.
    /// </summary>
    private string PatchOf(Commit? head)
    {
        var parent = head?.Parents.FirstOrDefault();
        if (head == null || parent == null)
        {
            return NoChanges;
        }

        var patch = _repository.Diff.Compare<Patch>(parent.Tree, head.Tree);
        var text = string.Concat(patch
            .Where(p => p.Path is not (WorkspaceConfigurator.InstructionsFile or WorkspaceConfigurator.SettingsFolder)
                && !p.Path.StartsWith(WorkspaceConfigurator.SettingsFolder + "/", StringComparison.Ordinal))
            .Select(p => p.Patch));
        if (text.Length == 0)
        {
            return NoChanges;
        }

        var lines = ("## Committed Changes\n" + text).TrimEnd('\n').Split('\n');
        return lines.Length <= 500
            ? string.Join('\n', lines)
            : string.Join('\n', lines[..250].Concat(["", "... (truncated)", ""]).Concat(lines[^250..]));
    }

    /// <summary>Uncommitted or untracked changes (<c>git status</c> is not empty).</summary>
    private bool IsDirty(string workspace)
    {
        if (_git != null)
        {
            return _git.Run(workspace, null, ["status", "--porcelain"]).Output.Length > 0;
        }

        using var worktree = OpenWorktree(workspace);
        var options = new StatusOptions { IncludeUntracked = true, RecurseUntrackedDirs = false };
        return worktree.RetrieveStatus(options).IsDirty;
    }

    private IEnumerable<WorktreeRegistration> Registrations() => WorktreeRegistrations.Read(_repository.Info.Path);

    private static bool SamePath(string a, string b) => WorktreeRegistrations.SamePath(a, b);

    private Repository OpenWorktree(string workspace) =>
        GitRepositories.WithOwnershipCheck(_options.SkipOwnershipCheck, () => GitRepositories.Open(workspace));

    /// <summary>
    /// Recovers what a crashed or replaced run left (stale registrations, the run's old worktrees, a stale branch), so
    /// the planned worktree can be made. Runs under the lock; <see cref="RequireBranchFree"/> checks again what the
    /// plan checked.
    /// </summary>
    private void ClearTheWay(string workspace, string branch, IReadOnlyList<string> replaces)
    {
        WorktreeRegistrations.PruneStale(_repository.Info.Path);
        foreach (var replaced in Registrations().Where(r => replaces.Any(w => SamePath(w, r.WorkspacePath))).ToList())
        {
            RemoveWorktree(replaced.Name, replaced.WorkspacePath, keepBranch: false, replaced.Branch);
        }

        RequireBranchFree(branch, []);
        if (_repository.Branches[branch] is { } leftover)
        {
            // Left by a crashed or archived run, checked out nowhere: tag its tip so its commits stay reachable, then
            // reuse the name.
            var tag = Enumerable.Range(1, int.MaxValue).Select(k => $"scylla-archive/{branch}/{k}")
                .First(t => _repository.Tags[t] == null);
            _repository.ApplyTag(tag, leftover.Tip.Sha);
            _repository.Branches.Remove(branch);
        }

        if (Directory.Exists(workspace))
        {
            Directory.Delete(workspace, recursive: true); // empty, or replaced with force; libgit2 wants no folder
        }
    }

    private static void CommitConfiguration(Repository worktree, Signature signature)
    {
        var root = worktree.Info.WorkingDirectory;
        if (File.Exists(Path.Combine(root, WorkspaceConfigurator.InstructionsFile)))
        {
            Commands.Stage(worktree, WorkspaceConfigurator.InstructionsFile);
        }

        if (Directory.Exists(Path.Combine(root, WorkspaceConfigurator.SettingsFolder)))
        {
            Commands.Stage(worktree, WorkspaceConfigurator.SettingsFolder + "/*");
        }

        if (worktree.Diff.Compare<TreeChanges>(worktree.Head.Tip.Tree, DiffTargets.Index).Count > 0)
        {
            worktree.Commit(ConfigurationCommitMessage, signature, signature);
        }
    }

    /// <summary>
    /// The same as <see cref="CommitConfiguration"/> with git: stage what exists, commit when anything is staged.
    /// </summary>
    private void CommitConfigurationWithGit(string workspace, Signature signature)
    {
        var existing = new[] { WorkspaceConfigurator.InstructionsFile,
            WorkspaceConfigurator.SettingsFolder }.Where(p => Path.Exists(Path.Combine(workspace, p))).ToList();
        if (existing.Count == 0)
        {
            return;
        }

        _git!.Run(workspace, signature, ["add", "--", .. existing]);
        if (_git.Run(workspace, signature, ["diff", "--cached", "--quiet"], 1).ExitCode == 1)
        {
            _git.Run(workspace, signature, ["commit", "-q", "-m", ConfigurationCommitMessage]);
        }
    }

    /// <summary>Prunes the worktree (deleting its folder), then its branch; tolerates any part being gone.</summary>
    private void RemoveWorktree(string name, string workspace, bool keepBranch, string? branch = null)
    {
        var admin = Path.Combine(_repository.Info.Path, "worktrees", name);
        if (Directory.Exists(admin))
        {
            Directory.Delete(admin, recursive: true);
        }

        if (Directory.Exists(workspace))
        {
            Directory.Delete(workspace, recursive: true);
        }

        branch ??= name;
        if (!keepBranch && _repository.Branches[branch] != null)
        {
            _repository.Branches.Remove(branch);
        }
    }

    /// <summary>
    /// <c>worktree_create.sh</c> in the run folder (run-flow §3.2): how to recreate the worktree with the git CLI.
    /// </summary>
    private static void WriteCreateScript(string runDirectory, string baseRepository, string workspace, string branch,
        string commit)
    {
        static string Line(params string[] words) => string.Join(' ', words.Select(WorkspaceManager.ShellQuote)) + "\n";
        var script = new StringBuilder()
            .Append("#!/bin/bash\n")
            .Append($"# Worktree: {branch} @ {workspace}\n")
            .Append(Line("git", "-C", baseRepository, "worktree", "add", "-b", branch, workspace, commit))
            .Append(Line("git", "-C", workspace, "checkout", commit))
            .ToString();
        var path = Path.Combine(runDirectory, RunFolder.WorktreeScript);
        AtomicFile.WriteAllText(path, script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
    }

    /// <summary>
    /// The run a workspace path belongs to: <c>E/T/SS/run_NN/workspace</c> or
    /// <c>E/(completed|in_progress)/T/SS/run_NN/workspace</c>.
    /// </summary>
    private static (string Tier, string Subtest, int RunNumber)? RunOf(Experiment experiment, string workspacePath)
    {
        var relative = Path.GetRelativePath(experiment.Path, workspacePath).Split(Path.DirectorySeparatorChar);
        if (relative.Length == 5 && relative[0] is Experiment.CompletedFolder or Experiment.InProgressFolder)
        {
            relative = relative[1..];
        }

        return relative.Length == 4 && relative[3] == RunFolder.Workspace
            && Tiers.TierId.IsValid(relative[0]) && Tiers.TierId.IsValidSubtestId(relative[1])
            && Experiment.TryParseRunDirectoryName(relative[2], out var run)
            ? (relative[0], relative[1], run)
            : null;
    }

    private ScyllaWorkspace Describe(Experiment experiment, string tier, string subtest, int runNumber,
        WorktreeRegistration registration)
    {
        return new ScyllaWorkspace
        {
            ExperimentId = experiment.Config.ExperimentId,
            ExperimentPath = experiment.Path,
            Tier = tier,
            Subtest = subtest,
            RunNumber = runNumber,
            Path = registration.WorkspacePath,
            Branch = registration.Branch ?? registration.Name,
            Commit = registration.Branch != null
                ? _repository.Branches[registration.Branch]?.Tip?.Sha
                : registration.DetachedCommit,
            BaseRepository = Base.Path,
            IsDirty = registration.IsStale ? null : IsDirty(registration.WorkspacePath),
            IsStale = registration.IsStale,
            IsLocked = registration.IsLocked,
        };
    }
}
