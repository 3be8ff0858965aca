namespace Scylla.Core.Cluster;

/// <summary>One job Submit-ScyllaRerun handed to Slurm: an array of re-runs, or the results job after them.</summary>
public sealed class SlurmJob
{
    public string ExperimentPath { get; init; } = string.Empty;

    public string SubmissionId { get; init; } = string.Empty;

    /// <summary>Slurm's job id (an array's tasks are <c>JobId_N</c>).</summary>
    public string JobId { get; init; } = string.Empty;

    public SlurmJobKind Kind { get; init; }

    /// <summary>The plan index of the array's first task: task N re-runs <c>Runs[N]</c> of the plan.</summary>
    public int FirstTask { get; init; }

    /// <summary>How many tasks (runs) the array has; 0 for the results job.</summary>
    public int ArraySize { get; init; }

    /// <summary>The runs of the array, like <c>T0/00/run_01</c>.</summary>
    public IReadOnlyList<string> Runs { get; init; } = [];

    /// <summary>The job ids this job starts after (<c>afterany</c>), colon-separated; null: none.</summary>
    public string? DependsOn { get; init; }

    public string PlanPath { get; init; } = string.Empty;

    public override string ToString() => JobId;
}
