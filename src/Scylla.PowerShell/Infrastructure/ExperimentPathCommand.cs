using System.Management.Automation;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>
/// Cmdlets that take experiment folders: <c>-Path</c> (wildcards, the current folder by default) or <c>-LiteralPath</c>
/// (bound by property name from Get-ChildItem output, or from the ExperimentPath of Scylla objects). Each experiment is
/// handled once per pipeline, however many objects name it.
/// </summary>
public abstract class ExperimentPathCommand : PSCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    [Parameter(ParameterSetName = PathSet, Position = 0, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = ["."];

    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "ExperimentPath")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>
    /// The experiment folders of this pipeline input not handled yet with the same <paramref name="filters"/> (piped runs
    /// of one experiment each name their own run); paths that match nothing are reported.
    /// </summary>
    internal IEnumerable<ResolvedPath> NewExperimentPaths(string filters = "")
    {
        var literal = ParameterSetName == LiteralPathSet;
        return ExperimentPaths.Resolve(this, literal ? LiteralPath : Path, literal).Where(p => _seen.Add(p.Path + "\n" + filters));
    }
}
