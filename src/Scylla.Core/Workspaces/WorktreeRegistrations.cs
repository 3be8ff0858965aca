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
            // Another run may unregister its own worktree meanwhile (without the lock): a vanished entry is no entry.
            var gitdir = ReadIfExists(Path.Combine(admin, "gitdir"));
            if (gitdir == null)
            {
                continue;
            }

            var workspace = Path.GetDirectoryName(gitdir.Trim())!;
            var head = ReadIfExists(Path.Combine(admin, "HEAD"))?.Trim() ?? string.Empty;
            var branch = head.StartsWith("ref: refs/heads/", StringComparison.Ordinal) ? head["ref: refs/heads/".Length..] : null;
            yield return new WorktreeRegistration(Path.GetFileName(admin), admin, workspace, branch, branch == null && head.Length > 0 ? head : null, File.Exists(Path.Combine(admin, "locked")));
        }
    }

    /// <summary>The registration folder a worktree's <c>.git</c> file names, or null when it is no worktree.</summary>
    public static string? AdminDirectoryOf(string workspace)
    {
        var dotGit = Path.Combine(workspace, ".git");
        var text = File.Exists(dotGit) ? ReadIfExists(dotGit)?.Trim() : null;
        return text != null && text.StartsWith("gitdir: ", StringComparison.Ordinal)
            ? Path.GetFullPath(text["gitdir: ".Length..], workspace)
            : null;
    }

    /// <summary>
    /// A worktree git can work in: its <c>.git</c> is a folder, or a file naming a registration that still exists
    /// (upstream leaves promoted workspaces behind with a <c>.git</c> whose registration a later prune removed).
    /// </summary>
    public static bool IsLive(string workspace) => Directory.Exists(Path.Combine(workspace, ".git"))
        || AdminDirectoryOf(workspace) is { } admin && Directory.Exists(admin);

    /// <summary>
    /// Removes the registration of the worktree at <paramref name="workspace"/> (only one that names that folder back),
    /// leaving its files: the run's own entry, so it needs no repository lock.
    /// </summary>
    public static void Unregister(string workspace)
    {
        var admin = AdminDirectoryOf(workspace);
        var registered = admin == null ? null : ReadIfExists(Path.Combine(admin, "gitdir"))?.Trim();
        if (registered != null && SamePath(Path.GetDirectoryName(registered)!, workspace))
        {
            try
            {
                Directory.Delete(admin!, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // pruned by another process meanwhile
            }
        }
    }

    public static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar),
            Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal);

    private static string? ReadIfExists(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Removes the registrations whose folder is gone and that are not locked (<c>git worktree prune</c>).</summary>
    public static void PruneStale(string gitDirectory)
    {
        foreach (var stale in Read(gitDirectory).Where(r => r.IsStale && !r.IsLocked).ToList())
        {
            try
            {
                Directory.Delete(stale.AdminDirectory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // its run unregistered it meanwhile
            }
        }
    }
}
