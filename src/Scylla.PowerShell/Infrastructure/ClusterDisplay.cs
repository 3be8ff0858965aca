using System.Management.Automation;
using Scylla.Core.Cluster;
using Scylla.Core.Runs;
using Scylla.Core.Status;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>
/// What Get-ScyllaRun and Get-ScyllaExperiment add for runs that a live Slurm submission holds (docs/cluster.md,
/// "Watching"): note properties, only on those objects, so a listing without a cluster stays as it was.
/// </summary>
internal static class ClusterDisplay
{
    /// <summary>A run with ClusterJob (<c>JobId_N</c>), ClusterState (Submitted, Running) and ClusterHost.</summary>
    public static object Run(ScyllaRun run, IReadOnlyDictionary<string, ClusterTask> tasks)
    {
        if (!tasks.TryGetValue(run.RunId, out var task))
        {
            return run;
        }

        var shown = PSObject.AsPSObject(run);
        shown.Properties.Add(new PSNoteProperty("ClusterJob", task.JobId));
        shown.Properties.Add(new PSNoteProperty("ClusterState", task.State));
        shown.Properties.Add(new PSNoteProperty("ClusterHost", task.Host));
        return shown;
    }

    /// <summary>An experiment, tier or subtest with its Submitted and Running run counts and their hosts.</summary>
    public static object Experiment(ScyllaExperiment status, IReadOnlyDictionary<string, ClusterTask> tasks)
    {
        var prefix = status.Tier == null ? string.Empty
            : status.Subtest == null ? status.Tier + "/"
            : $"{status.Tier}/{status.Subtest}/";
        var held = tasks.Values.Where(t => t.RunId.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (held.Count == 0)
        {
            return status;
        }

        var shown = PSObject.AsPSObject(status);
        shown.Properties.Add(new PSNoteProperty("Submitted", held.Count(t => t.State == ClusterTaskState.Submitted)));
        shown.Properties.Add(new PSNoteProperty("Running", held.Count(t => t.State == ClusterTaskState.Running)));
        shown.Properties.Add(new PSNoteProperty("ClusterHosts",
            string.Join(',', held.Select(t => t.Host).OfType<string>().Distinct().Order(StringComparer.Ordinal))));
        return shown;
    }
}
