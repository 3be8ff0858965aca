using Scylla.Core.Checkpoints;

namespace Scylla.PowerShell.Tests;

/// <summary>Binding and error contracts of Reset-ScyllaRun and Repair-ScyllaCheckpoint, in an in-process runspace.</summary>
public sealed class CheckpointCmdletTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Dictionary<string, object?> Vars(string experiment) => new() { ["exp"] = experiment };

    [Fact]
    public void Piped_runs_bind_by_property_name_and_only_those_runs_are_reset()
    {
        var experiment = _temp.Sample();

        var result = RunspaceHost.Run("Get-ScyllaRun $exp -Tier T1 -Subtest 02 -Status Completed | Reset-ScyllaRun -FromState pending", Vars(experiment));

        var change = Assert.Single(result.Objects<CheckpointChange>());
        Assert.Equal(("T1/02/run_01", true), (change.Target, change.Applied));
        Assert.Empty(result.Errors);
        Assert.Equal("pending", CheckpointStore.TryLoad(experiment)!.GetRunState("T1", "02", 1));
    }

    [Theory]
    [InlineData("Reset-ScyllaRun $exp -FromState run_complete", "UnknownRunState")]
    [InlineData("Reset-ScyllaRun $exp", "ResetStateMissing")]
    [InlineData("Reset-ScyllaRun $exp -FromState pending -JudgeSlot 1", "JudgeSlotNeedsJudgeState")]
    [InlineData("Reset-ScyllaRun $exp -FromState agent_complete -JudgeSlot 9", "JudgeSlotOutOfRange")]
    public void Refused_resets_name_their_error_and_leave_the_checkpoint_byte_identical(string script, string errorId)
    {
        var experiment = _temp.Sample();
        var before = File.ReadAllBytes(CheckpointStore.PathFor(experiment));

        var result = RunspaceHost.Run($"try {{ {script} }} catch {{ $_ }}", Vars(experiment));

        var error = result.Output.Select(o => o.BaseObject).OfType<System.Management.Automation.ErrorRecord>().Concat(result.Errors).Single();
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(CheckpointStore.PathFor(experiment)));
    }

    [Fact]
    public void Repair_with_WhatIf_emits_every_correction_and_writes_nothing()
    {
        var experiment = _temp.Sample();
        var before = File.ReadAllBytes(CheckpointStore.PathFor(experiment));

        var result = RunspaceHost.Run("Repair-ScyllaCheckpoint -LiteralPath $exp -WhatIf", Vars(experiment));

        var changes = result.Objects<CheckpointChange>();
        Assert.Equal(4, changes.Count); // the sample's Results runs, one per subtest, are not recorded
        Assert.All(changes, c => Assert.False(c.Applied));
        Assert.Equal(before, File.ReadAllBytes(CheckpointStore.PathFor(experiment)));
        Assert.False(File.Exists(Path.Combine(experiment, CheckpointStore.BackupFileName)));
    }
}
