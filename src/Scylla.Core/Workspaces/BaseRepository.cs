using System.Security.Cryptography;
using System.Text;
using Scylla.Core.Experiments;

namespace Scylla.Core.Workspaces;

/// <summary>The git repository an experiment's worktrees are made from (formats.md §2.3).</summary>
public sealed record BaseRepository(string Path, bool IsShared)
{
    /// <summary>
    /// <c>&lt;experiment&gt;/../repos/&lt;id&gt;</c> when it has a <c>.git</c>, else <c>&lt;experiment&gt;/repo</c>;
    /// <paramref name="explicitPath"/> overrides both.
    /// </summary>
    public static BaseRepository Locate(Experiment experiment, string? explicitPath = null)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            var full = System.IO.Path.GetFullPath(explicitPath);
            return Directory.Exists(full)
                ? new BaseRepository(full, IsShared: System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(full)) == "repos")
                : throw new ScyllaException("RepositoryNotFound", ScyllaErrorKind.NotFound, $"The base repository '{full}' does not exist.", full);
        }

        var shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(experiment.Path, "..", "repos", RepositoryId(experiment.Config.TaskRepo)));
        if (Directory.Exists(System.IO.Path.Combine(shared, ".git")))
        {
            return new BaseRepository(shared, IsShared: true);
        }

        var legacy = System.IO.Path.Combine(experiment.Path, "repo");
        return Directory.Exists(legacy)
            ? new BaseRepository(legacy, IsShared: false)
            : throw new ScyllaException("RepositoryNotFound", ScyllaErrorKind.NotFound,
                $"Base repository not found at {shared} or {legacy}. Pass -RepositoryPath to name another one.", experiment.Path);
    }

    /// <summary>The first 16 hex digits of SHA-256 of the task repository URL exactly as stored.</summary>
    public static string RepositoryId(string taskRepo) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(taskRepo))).ToLowerInvariant()[..16];

    /// <summary>The lock file that serializes git operations on this repository across processes (upstream's name for shared ones).</summary>
    public string LockPath => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, $".{System.IO.Path.GetFileName(Path)}.lock");

    /// <summary>
    /// The run's branch: <c>&lt;T&gt;_&lt;SS&gt;_run_&lt;NN&gt;</c> in a per-experiment <c>repo/</c>; in a shared repository
    /// prefixed with the first 8 characters of the experiment id, so experiments sharing it never collide.
    /// </summary>
    public string BranchName(string experimentId, string tier, string subtest, int runNumber)
    {
        var name = $"{tier}_{subtest}_{Experiment.RunDirectoryName(runNumber)}";
        return IsShared && experimentId.Length > 0 ? $"{experimentId[..Math.Min(8, experimentId.Length)]}_{name}" : name;
    }
}
