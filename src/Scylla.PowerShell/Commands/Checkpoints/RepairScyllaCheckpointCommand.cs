using System.Management.Automation;
using Scylla.Core.Checkpoints;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Checkpoints;

/// <summary>
/// <para type="synopsis">Brings checkpoint.json in line with the run folders on disk; builds a missing one.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "ScyllaCheckpoint", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(CheckpointChange))]
public sealed class RepairScyllaCheckpointCommand : ExperimentPathCommand
{
    private readonly ExperimentCache _experiments = new();

    #region Parameters

    /// <summary>
    /// Also apply corrections that move a run backward (something recorded as done is done again), and write even while
    /// the experiment's own runner seems to own it (see ExperimentBusy).
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write a 2.0 checkpoint as 3.1 (January-era tools then no longer load it).</summary>
    [Parameter]
    public SwitchParameter UpgradeFormat { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        foreach (var (path, fromWildcard) in NewExperimentPaths())
        {
            if (fromWildcard && !File.Exists(System.IO.Path.Combine(path, ExperimentConfig.RelativePath)))
            {
                WriteVerbose($"Skipping '{path}': it matched the wildcard but has no {ExperimentConfig.RelativePath}.");
                continue;
            }

            ErrorRecords.Guard(this, path, "CheckpointWriteFailed", () => Repair(path));
        }
    }

    #endregion

    #region Private

    private void Repair(string path)
    {
        var experiment = _experiments.Open(path);
        var plan = CheckpointRepair.Plan(
            experiment, CheckpointStore.TryLoad(experiment.Path), UpgradeFormat, CheckpointHealth.IsProcessAlive, DateTimeOffset.UtcNow);
        if (plan.Count == 0)
        {
            WriteVerbose($"'{CheckpointStore.PathFor(experiment.Path)}' matches the runs on disk: nothing to correct.");
            return;
        }

        var approved = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in plan)
        {
            if (change.Direction == CheckpointChangeDirection.Backward && !Force)
            {
                WriteWarning($"Not applied without -Force (the run would be done again): {change}");
            }
            else if (ShouldProcess($"{change.Target} in {experiment.Path}", $"Correct {change}"))
            {
                approved.Add(change.Key);
            }
        }

        if (approved.Count > 0)
        {
            LiveRunner.Refuse(experiment.Path, Force);
        }

        using var leases = new RunLeases();
        foreach (var change in plan.Where(c => approved.Contains(c.Key) && c.RunNumber != null))
        {
            // a run another process holds keeps its entry: that process writes it
            if (!leases.TryAdd(
                new RunReference(experiment.Path, change.Tier!, change.Subtest!, change.RunNumber!.Value),
                e => WriteError(ErrorRecords.From(e, change))))
            {
                approved.Remove(change.Key);
            }
        }

        if (approved.Count > 0)
        {
            var checkpointPath = CheckpointStore.PathFor(experiment.Path);
            var applied = new HashSet<string>(StringComparer.Ordinal);
            CheckpointStore.Update(experiment.Path, experiment.Config, checkpoint =>
            {
                var isNew = !File.Exists(checkpointPath);
                var done = CheckpointRepair.Apply(experiment, checkpoint, isNew, UpgradeFormat,
                    c => approved.Contains(c.Key), CheckpointHealth.IsProcessAlive, DateTimeOffset.UtcNow);
                applied.UnionWith(done.Select(c => c.Key));
            }, backup: true);
            foreach (var change in plan)
            {
                change.Applied = applied.Contains(change.Key);
            }

            WriteVerbose($"{applied.Count} correction(s) written to '{checkpointPath}'; "
                + $"the previous file is '{CheckpointStore.BackupFileName}'.");
        }

        WriteObject(plan, enumerateCollection: true);
    }

    #endregion
}
