namespace Scylla.Core.Workspaces;

/// <summary>One entry of <c>.git/worktrees/</c>: the worktree's name, its folder, branch and lock.</summary>
internal sealed record WorktreeRegistration(string Name, string AdminDirectory, string WorkspacePath, string? Branch, string? DetachedCommit, bool IsLocked)
{
    public bool IsStale => !Directory.Exists(WorkspacePath);
}

/// <summary>
/// Reads and prunes worktree registrations from the base repository's git directory, as <c>git worktree list</c> and
/// <c>git worktree prune</c> do. libgit2 reports a worktree whose folder was deleted by hand as null, so this reads the files.
/// </summary>
internal static class WorktreeRegistrations
{
    public static IEnumerable<WorktreeRegistration> Read(string gitDirectory)
    {
        var root = Path.Combine(gitDirectory, "worktrees");
        if (!Directory.Exists(root))
        {
            yield break;
        }

        foreach (var admin in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var gitdirFile = Path.Combine(admin, "gitdir");
            if (!File.Exists(gitdirFile))
            {
                continue;
            }

            var workspace = Path.GetDirectoryName(File.ReadAllText(gitdirFile).Trim())!;
            var head = File.Exists(Path.Combine(admin, "HEAD")) ? File.ReadAllText(Path.Combine(admin, "HEAD")).Trim() : string.Empty;
            var branch = head.StartsWith("ref: refs/heads/", StringComparison.Ordinal) ? head["ref: refs/heads/".Length..] : null;
            yield return new WorktreeRegistration(Path.GetFileName(admin), admin, workspace, branch, branch == null && head.Length > 0 ? head : null, File.Exists(Path.Combine(admin, "locked")));
        }
    }

    /// <summary>Removes the registrations whose folder is gone and that are not locked (<c>git worktree prune</c>).</summary>
    public static void PruneStale(string gitDirectory)
    {
        foreach (var stale in Read(gitDirectory).Where(r => r.IsStale && !r.IsLocked).ToList())
        {
            Directory.Delete(stale.AdminDirectory, recursive: true);
        }
    }
}
