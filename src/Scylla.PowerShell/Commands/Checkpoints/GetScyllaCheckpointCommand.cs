using System.Management.Automation;
using Scylla.Core;
using Scylla.Core.Checkpoints;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Checkpoints;

/// <summary>
/// <para type="synopsis">Reads the checkpoint of one or more experiments (any supported version) and summarizes it.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScyllaCheckpoint", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CheckpointSummary))]
public sealed class GetScyllaCheckpointCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    #region Parameters

    [Parameter(ParameterSetName = PathSet, Position = 0, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = ["."];

    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "ExperimentPath")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var (path, _) in ExperimentPaths.Resolve(this, literal ? LiteralPath : Path, literal))
        {
            if (!_seen.Add(path))
            {
                continue; // several runs of one experiment piped in
            }

            try
            {
                var checkpoint = CheckpointStore.TryLoad(path)
                    ?? throw new ScyllaException("CheckpointNotFound", ScyllaErrorKind.NotFound, $"The experiment '{path}' has no {Checkpoint.FileName}.", path);
                WriteObject(CheckpointSummary.From(checkpoint, path));
            }
            catch (ScyllaException e)
            {
                WriteError(ErrorRecords.From(e, path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.FromIO("CheckpointReadFailed", e, path));
            }
        }
    }

    #endregion
}
