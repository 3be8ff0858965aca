using System.Management.Automation;
using Scylla.Core.Workspaces;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>Run-selecting cmdlets that work on the base repository: which repository, and whether to trust its owner.</summary>
public abstract class WorkspaceCommand : RunSelectionCommand
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RepositoryPath { get; set; }

    /// <summary>Open a base repository owned by another user (libgit2 refuses it otherwise).</summary>
    [Parameter]
    public SwitchParameter SkipOwnershipCheck { get; set; }

    internal WorkspaceOptions BaseOptions() =>
        new() { RepositoryPath = WorkspaceParameters.Resolve(this, RepositoryPath), SkipOwnershipCheck = SkipOwnershipCheck };
}
