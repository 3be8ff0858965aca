using System.Diagnostics;

namespace Scylla.Core.Cluster;

/// <summary>
/// The runs of an experiment that Slurm submissions still hold (docs/cluster.md, "Watching"): read from the plans and
/// task records under <c>.scylla/slurm/</c>. A submission is live until its results job marks it finished and while
/// Slurm still lists one of its jobs (when squeue can be asked); a task that started on this host and whose process
/// is gone (killed with its job) no longer holds its run.
/// </summary>
public static class ClusterActivity
{
    /// <summary>Runs by run id; empty when the experiment has no live submission.</summary>
    public static IReadOnlyDictionary<string, ClusterTask> Read(string experimentPath, string squeue = "squeue")
    {
        var folder = ArrayPlan.SubmissionsFolder(experimentPath);
        var unfinished = Directory.Exists(folder)
            ? Directory.GetDirectories(folder).Where(d => !ArrayTaskRecord.IsFinished(d)).ToList()
            : [];
        var tasks = new Dictionary<string, ClusterTask>(StringComparer.Ordinal);
        if (unfinished.Count == 0)
        {
            return tasks;
        }

        var queued = QueuedJobs(squeue);
        foreach (var submission in unfinished.Order(StringComparer.Ordinal))
        {
            ArrayPlan plan;
            try
            {
                plan = ArrayPlan.Read(Path.Combine(submission, ArrayPlan.FileName));
            }
            catch (ScyllaException)
            {
                continue; // a plan being written, or not one of ours: nothing to show
            }

            var arrays = plan.Jobs.Where(j => j.Kind == SlurmJobKind.Runs).ToList();
            if (queued != null && !plan.Jobs.Any(j => queued.Contains(j.JobId)))
            {
                continue;
            }

            foreach (var array in arrays)
            {
                for (var index = array.FirstTask; index < array.FirstTask + array.ArraySize; index++)
                {
                    if (Task(submission, array, index, plan.Runs[index].RunId) is { } task)
                    {
                        tasks[task.RunId] = task;
                    }
                }
            }
        }

        return tasks;
    }

    private static ClusterTask? Task(string submission, SlurmJob array, int index, string runId)
    {
        var record = ArrayTaskRecord.Read(submission, index);
        if (record == null)
        {
            return new ClusterTask(runId, $"{array.JobId}_{index}", ClusterTaskState.Submitted, null);
        }

        var gone = record.Host == Environment.MachineName && !Execution.ProcessGroup.IsProcessAlive(record.Pid);
        return record.EndedAt != null || gone
            ? null
            : new ClusterTask(runId, record.JobId, ClusterTaskState.Running, record.Host);
    }

    /// <summary>The job ids squeue lists (an array's tasks under the array's id); null: squeue failed.</summary>
    private static HashSet<string>? QueuedJobs(string squeue)
    {
        try
        {
            var start = new ProcessStartInfo(squeue, ["-h", "-o", "%F"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            _ = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0
                ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .ToHashSet(StringComparer.Ordinal)
                : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no Slurm on this host: the task records alone tell
        }
    }
}
