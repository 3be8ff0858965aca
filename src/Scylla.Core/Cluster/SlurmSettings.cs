namespace Scylla.Core.Cluster;

/// <summary>How a submission asks Slurm for its jobs (docs/cluster.md, "What a submission is").</summary>
public sealed record SlurmSettings
{
    /// <summary>How many tasks of one array run at once (<c>--array=...%N</c>); null: as Slurm allows.</summary>
    public int? Throttle { get; init; }

    public string? Partition { get; init; }

    /// <summary>Each task's time limit in Slurm's syntax (<c>--time</c>), e.g. <c>2:00:00</c>.</summary>
    public string? TimeLimit { get; init; }

    public string? Account { get; init; }

    /// <summary>
    /// Licenses each task holds while it runs (<c>--licenses</c>), e.g. <c>claude_team:1</c>: the cluster-wide cap per
    /// API account.
    /// </summary>
    public IReadOnlyList<string> Licenses { get; init; } = [];

    /// <summary>More sbatch arguments, passed as they are before the script (arrays and results job).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>The command that starts pwsh on the nodes (an executable, or <c>dotnet</c> and pwsh.dll).</summary>
    public required IReadOnlyList<string> PwshCommand { get; init; }

    /// <summary>The sbatch executable (a name looked up in PATH, or a path).</summary>
    public string Sbatch { get; init; } = "sbatch";
}
