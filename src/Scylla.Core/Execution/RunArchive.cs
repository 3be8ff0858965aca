using Scylla.Core.Experiments;
using Scylla.Core.Workspaces;

namespace Scylla.Core.Execution;

/// <summary>Moves a run folder into its subtest's <c>.failed/</c> (formats.md §1.8, the rerun naming); nothing is ever overwritten.</summary>
public static class RunArchive
{
    /// <summary>Archives <paramref name="runDirectory"/> as <c>.failed/run_NN</c>, else <c>run_NN_failed_1</c>, <c>_2</c>, ...; returns the new path.</summary>
    public static string Archive(string runDirectory, Action<string, string> move)
    {
        var failed = Path.Combine(Path.GetDirectoryName(runDirectory)!, ".failed");
        Directory.CreateDirectory(failed);
        var name = Path.GetFileName(runDirectory);
        var target = Enumerable.Range(0, int.MaxValue)
            .Select(k => Path.Combine(failed, k == 0 ? name : $"{name}_failed_{k}"))
            .First(candidate => !Path.Exists(candidate));
        move(runDirectory, target);
        return target;
    }

    /// <summary>
    /// Archives every folder the run has (flat, <c>in_progress/</c>, <c>completed/</c>), unregistering its worktree;
    /// returns the last new path, or null when the run has no folder. Used by a re-run and by an agent-stage reset.
    /// </summary>
    public static string? ArchiveRun(Experiment experiment, string tier, string subtest, int runNumber)
    {
        string? archived = null;
        foreach (var existing in experiment.TierDirectories(tier)
            .Select(d => Path.Combine(d.Directory, subtest, Experiment.RunDirectoryName(runNumber)))
            .Where(Path.Exists).ToList())
        {
            archived = Archive(existing, RepositorySession.ArchiveRun);
        }

        return archived;
    }
}
