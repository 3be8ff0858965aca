using Scylla.Core.Checkpoints;
using Scylla.Core.Runs;

namespace Scylla.PowerShell.Tests;

/// <summary>The cmdlets on the real experiment in ../shared; the Shared suite, run only when that folder exists (README, "Tests").</summary>
[Trait("Suite", "Shared")]
public sealed class SharedFixtureCmdletTests
{
    private static Dictionary<string, object?> Vars(params (string Name, object? Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    [Fact]
    public void Get_ScyllaRun_emits_typed_runs_of_the_dryrun()
    {
        var result = RunspaceHost.Run("Get-ScyllaRun -LiteralPath $dryrun", Vars(("dryrun", Fixtures.Dryrun)));

        var runs = result.Objects<ScyllaRun>();
        Assert.Equal(7, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Get_ScyllaCheckpoint_summarizes_the_dryruns_v2_checkpoint()
    {
        var result = RunspaceHost.Run("Get-ScyllaRun $dryrun | Get-ScyllaCheckpoint", Vars(("dryrun", Fixtures.Dryrun)));

        var summary = Assert.Single(result.Objects<CheckpointSummary>());
        Assert.Equal(("2.0", 7, 7, "completed"), (summary.Version, summary.CompletedRuns, summary.Passed, summary.Status));
    }
}
