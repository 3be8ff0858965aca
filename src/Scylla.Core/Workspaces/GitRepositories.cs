using LibGit2Sharp;

namespace Scylla.Core.Workspaces;

/// <summary>Opens repositories with clear errors, and makes libgit2's ownership check an explicit, scoped opt-out.</summary>
internal static class GitRepositories
{
    private static readonly object s_ownershipGate = new();

    /// <summary>Runs <paramref name="action"/> with the ownership check off when asked; the setting is process-wide, so it is held under a lock.</summary>
    public static T WithOwnershipCheck<T>(bool skip, Func<T> action)
    {
        if (!skip)
        {
            return action();
        }

        lock (s_ownershipGate)
        {
            GlobalSettings.SetOwnerValidation(false);
            try
            {
                return action();
            }
            finally
            {
                GlobalSettings.SetOwnerValidation(true);
            }
        }
    }

    public static Repository Open(string path)
    {
        try
        {
            return new Repository(path);
        }
        catch (RepositoryNotFoundException e)
        {
            throw new ScyllaException("RepositoryNotFound", ScyllaErrorKind.NotFound, $"'{path}' is not a git repository.", path, e);
        }
        catch (LibGit2SharpException e) when (e.Message.Contains("not owned by current user", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScyllaException("RepositoryNotOwned", ScyllaErrorKind.InvalidOperation,
                $"The repository '{path}' is owned by another user, and libgit2 refuses it as git does. If you trust it, pass -SkipOwnershipCheck.", path, e);
        }
    }

    /// <summary>An identity for commits: the configured one, else a fixed Scylla identity (a missing identity must not fail silently).</summary>
    public static Signature Signature(Repository repository) =>
        repository.Config.BuildSignature(DateTimeOffset.Now) ?? new Signature("Scylla", "scylla@localhost", DateTimeOffset.Now);
}
