using System.Management.Automation;
using Scylla.Core;
using Scylla.Core.Experiments;
using Scylla.Core.Workspaces;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Commands.Workspaces;

/// <summary>
/// <para type="synopsis">Lists the worktrees of an experiment's base repository that belong to its runs.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ScyllaWorkspace", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ScyllaWorkspace))]
public sealed class GetScyllaWorkspaceCommand : PSCmdlet
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

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RepositoryPath { get; set; }

    [Parameter]
    public SwitchParameter SkipOwnershipCheck { get; set; }

    #endregion

    #region Overrides

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        var options = new WorkspaceOptions { RepositoryPath = WorkspaceParameters.Resolve(this, RepositoryPath), SkipOwnershipCheck = SkipOwnershipCheck };
        foreach (var (path, _) in ExperimentPaths.Resolve(this, literal ? LiteralPath : Path, literal))
        {
            if (!_seen.Add(path))
            {
                continue;
            }

            try
            {
                WriteObject(WorkspaceManager.List(Experiment.Open(path), options), enumerateCollection: true);
            }
            catch (ScyllaException e)
            {
                WriteError(ErrorRecords.From(e, path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibGit2Sharp.LibGit2SharpException)
            {
                WriteError(ErrorRecords.FromIO("WorkspaceListFailed", e, path));
            }
        }
    }

    #endregion
}
