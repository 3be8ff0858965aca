using System.Management.Automation;
using Scylla.Core;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Checkpoints;

/// <summary>
/// <para type="synopsis">Reads the checkpoint of one or more experiments (any supported version) and summarizes it.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScyllaCheckpoint", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CheckpointSummary))]
public sealed class GetScyllaCheckpointCommand : ExperimentPathCommand
{
    #region Overrides

    protected override void ProcessRecord()
    {
        foreach (var (path, _) in NewExperimentPaths())
        {
            ErrorRecords.Guard(this, path, "CheckpointReadFailed", () =>
            {
                var checkpoint = CheckpointStore.TryLoad(path)
                    ?? throw new ScyllaException("CheckpointNotFound", ScyllaErrorKind.NotFound, $"The experiment '{path}' has no {Checkpoint.FileName}.", path);
                if (checkpoint.LoadWarning != null)
                {
                    WriteWarning(checkpoint.LoadWarning);
                }

                WriteObject(CheckpointSummary.From(checkpoint, path, TryLoadConfig(path)));
            });
        }
    }

    #endregion

    #region Private

    /// <summary>
    /// The experiment's config for the drift check; a checkpoint is still shown when the config cannot be read.
    /// </summary>
    private ExperimentConfig? TryLoadConfig(string path)
    {
        try
        {
            return ExperimentConfig.Load(path);
        }
        catch (Exception e) when (e is ScyllaException or IOException or UnauthorizedAccessException)
        {
            WriteVerbose($"No config drift check for '{path}': {e.Message}");
            return null;
        }
    }

    #endregion
}
