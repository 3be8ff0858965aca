using System.Management.Automation;
using Scylla.Core.Checkpoints;
using Scylla.Core.Runs;

namespace Scylla.PowerShell.Tests;

public sealed class CmdletContractTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Dictionary<string, object?> Vars(params (string Name, object? Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    [Fact]
    public void Every_cmdlet_declares_its_output_type_and_state_changes_support_WhatIf()
    {
        Assert.Equal(
            [
                "Export-ScyllaReport", "Get-ScyllaCheckpoint", "Get-ScyllaExperiment", "Get-ScyllaRerunPlan",
                "Get-ScyllaRun", "Get-ScyllaWorkspace", "Invoke-ScyllaRerun", "New-ScyllaSampleExperiment",
                "New-ScyllaWorkspace", "Remove-ScyllaWorkspace", "Repair-ScyllaCheckpoint", "Reset-ScyllaRun",
                "Set-ScyllaCheckpoint", "Submit-ScyllaRerun", "Update-ScyllaResult",
            ],
            RunspaceHost.CmdletTypes.Select(t => (CmdletAttribute)t.GetCustomAttributes(typeof(CmdletAttribute), false)[0]).Select(a => $"{a.VerbName}-{a.NounName}").Order());
        Assert.All(RunspaceHost.CmdletTypes, t => Assert.NotEmpty(t.GetCustomAttributes(typeof(OutputTypeAttribute), false)));
        Assert.All(RunspaceHost.CmdletTypes.Where(t => !t.Name.StartsWith("Get", StringComparison.Ordinal)),
            t => Assert.True(((CmdletAttribute)t.GetCustomAttributes(typeof(CmdletAttribute), false)[0]).SupportsShouldProcess));
        // Below High, so nothing prompts at the default $ConfirmPreference (scheduled tasks run unattended).
        Assert.All(RunspaceHost.CmdletTypes, t => Assert.True(((CmdletAttribute)t.GetCustomAttributes(typeof(CmdletAttribute), false)[0]).ConfirmImpact < ConfirmImpact.High, t.Name));
    }

    [Fact]
    public void Update_ScyllaResult_takes_runs_by_experiment_path_and_a_bad_experiment_does_not_stop_the_others()
    {
        var good = _temp.Sample("good");
        var bad = _temp.Sample("bad");
        File.WriteAllText(Path.Combine(bad, "config", "experiment.json"), "{ not json");

        var script = "Get-ScyllaRun -LiteralPath $good | Update-ScyllaResult; Update-ScyllaResult -LiteralPath $bad, $good";
        var result = RunspaceHost.Run(script, Vars(("good", good), ("bad", bad)));

        var rebuilds = result.Objects<Scylla.Core.Results.ResultRebuild>();
        Assert.Equal([good, good], rebuilds.Select(r => r.ExperimentPath));
        Assert.Contains(Path.Combine(good, "T0", "best_subtest.json"), rebuilds[0].Paths);
        Assert.Equal("InvalidExperimentConfig", Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void Get_ScyllaExperiment_counts_what_Get_ScyllaRun_lists()
    {
        var path = _temp.Sample();

        var result = RunspaceHost.Run("Get-ScyllaExperiment -LiteralPath $path", Vars(("path", path)));
        var runs = RunspaceHost.Run("Get-ScyllaRun -LiteralPath $path", Vars(("path", path))).Objects<ScyllaRun>();

        var status = Assert.Single(result.Objects<Scylla.Core.Status.ScyllaExperiment>());
        Assert.Equal(runs.Count(r => r.Status == RunStatus.Partial), status.Partial);
        Assert.Equal(runs.Count(r => r.Status == RunStatus.Missing), status.Missing);
        Assert.Equal(runs.Count, status.TotalRuns);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Get_ScyllaRun_emits_typed_runs_of_a_literal_path()
    {
        var result = RunspaceHost.Run("Get-ScyllaRun -LiteralPath $sample", Vars(("sample", _temp.Sample())));

        var runs = result.Objects<ScyllaRun>();
        Assert.Equal(20, runs.Count);
        Assert.Equal(4, runs.Count(r => r.Status == RunStatus.Completed));
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void A_bad_path_is_a_non_terminating_error_and_the_other_paths_are_listed()
    {
        var empty = Directory.CreateDirectory(_temp.Combine("not-an-experiment")).FullName;
        var result = RunspaceHost.Run("Get-ScyllaRun $missing, $empty, $sample", Vars(("missing", _temp.Combine("nope")), ("empty", empty), ("sample", _temp.Sample())));

        Assert.Equal(20, result.Objects<ScyllaRun>().Count);
        Assert.Equal(["PathNotFound,Scylla.PowerShell.Commands.Runs.GetScyllaRunCommand", "ExperimentConfigNotFound,Scylla.PowerShell.Commands.Runs.GetScyllaRunCommand"],
            result.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.Equal(empty, result.Errors[1].TargetObject);
        Assert.Contains(empty, result.Errors[1].Exception.Message);
    }

    [Fact]
    public void Wildcards_list_several_experiments_and_skip_folders_that_are_not_experiments()
    {
        _temp.Sample("exp-a");
        _temp.Sample("exp-b");
        Directory.CreateDirectory(_temp.Combine("repos"));

        var result = RunspaceHost.Run("Get-ScyllaRun (Join-Path $root '*') -Status Completed", Vars(("root", _temp.Path)));

        Assert.Equal(8, result.Objects<ScyllaRun>().Count);
        Assert.Equal(2, result.Objects<ScyllaRun>().Select(r => r.ExperimentPath).Distinct().Count());
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Get_ChildItem_output_binds_by_property_name()
    {
        _temp.Sample("exp-a");

        var result = RunspaceHost.Run("Get-ChildItem $root -Directory | Get-ScyllaRun -Status Missing, Failed", Vars(("root", _temp.Path)));

        Assert.Equal(8, result.Objects<ScyllaRun>().Count);
        Assert.All(result.Objects<ScyllaRun>(), r => Assert.Contains(r.Status, new[] { RunStatus.Missing, RunStatus.Failed }));
    }

    [Fact]
    public void A_malformed_run_result_is_a_warning_naming_the_file()
    {
        var experiment = _temp.Sample();
        var broken = Path.Combine(experiment, "T0", "00", "run_01", "run_result.json");
        File.WriteAllText(broken, "{");

        var result = RunspaceHost.Run("Get-ScyllaRun $exp -Tier T0 -Subtest 00 -RunNumber 1", Vars(("exp", experiment)));

        Assert.Single(result.Objects<ScyllaRun>());
        Assert.Contains(broken, Assert.Single(result.Warnings).Message);
    }

    [Fact]
    public void The_invalid_status_completed_is_refused_before_anything_is_written()
    {
        var experiment = _temp.Sample();
        var before = File.ReadAllBytes(Path.Combine(experiment, "checkpoint.json"));

        var result = RunspaceHost.Run("Get-ScyllaRun $exp -Tier T1 | Set-ScyllaCheckpoint -Status completed", Vars(("exp", experiment)));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("ParameterArgumentValidationError", error.FullyQualifiedErrorId);
        Assert.Contains("passed,failed,agent_complete", error.Exception.Message);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(experiment, "checkpoint.json")));
    }

    [Fact]
    public void WhatIf_writes_nothing()
    {
        var experiment = _temp.Sample();
        File.Delete(Path.Combine(experiment, "checkpoint.json"));

        var result = RunspaceHost.Run("Get-ScyllaRun $exp | Set-ScyllaCheckpoint -Status failed -WhatIf; Set-ScyllaCheckpoint $exp -Tier T0 -Subtest 00 -RunNumber 1 -Clear -WhatIf", Vars(("exp", experiment)));

        Assert.Empty(result.Errors);
        Assert.False(File.Exists(Path.Combine(experiment, "checkpoint.json")));
        Assert.Empty(Directory.GetFiles(experiment, "*.json"));
    }

    [Fact]
    public void Piped_runs_are_marked_and_PassThru_returns_them_refreshed()
    {
        var experiment = _temp.Sample();

        var result = RunspaceHost.Run("Get-ScyllaRun $exp -Tier T1 -Status Missing | Set-ScyllaCheckpoint -Status failed -PassThru", Vars(("exp", experiment)));

        var runs = result.Objects<ScyllaRun>();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, r => Assert.Equal(("failed", "report_written"), (r.CheckpointStatus, r.RunState)));
        var checkpoint = CheckpointStore.TryLoad(experiment)!;
        Assert.All(runs, r => Assert.Equal("failed", checkpoint.GetRunStatus(r.Tier, r.Subtest, r.RunNumber)));
    }

    [Fact]
    public void Runs_named_by_path_can_be_set_and_cleared()
    {
        var experiment = _temp.Sample();

        var set = RunspaceHost.Run("Set-ScyllaCheckpoint -Path $exp -Tier t0 -Subtest 01 -RunNumber 2, 3 -Status agent_complete -PassThru", Vars(("exp", experiment)));
        var cleared = RunspaceHost.Run("Set-ScyllaCheckpoint -Path $exp -Tier T0 -Subtest 01 -RunNumber 2 -Clear -PassThru", Vars(("exp", experiment)));

        Assert.Equal(["agent_complete", "agent_complete"], set.Objects<ScyllaRun>().Select(r => r.CheckpointStatus));
        var run = Assert.Single(cleared.Objects<ScyllaRun>());
        Assert.Equal((null, "pending"), (run.CheckpointStatus, run.RunState));
        Assert.Equal("agent_complete", CheckpointStore.TryLoad(experiment)!.GetRunStatus("T0", "01", 3));
    }

    [Fact]
    public void Status_and_Clear_cannot_be_combined()
    {
        var result = RunspaceHost.Run("try { Set-ScyllaCheckpoint -Path $exp -Tier T0 -Subtest 00 -RunNumber 1 -Status passed -Clear } catch { $_ }", Vars(("exp", _temp.Sample())));

        Assert.StartsWith("AmbiguousParameterSet", Assert.Single(result.Objects<ErrorRecord>()).FullyQualifiedErrorId);
    }

    [Fact]
    public void A_run_id_that_would_escape_the_experiment_is_refused()
    {
        var experiment = _temp.Sample();

        var result = RunspaceHost.Run("Set-ScyllaCheckpoint -Path $exp -Tier T0 -Subtest '..' -RunNumber 1 -Status passed", Vars(("exp", experiment)));

        Assert.Equal("InvalidRunId,Scylla.PowerShell.Commands.Checkpoints.SetScyllaCheckpointCommand", Assert.Single(result.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void Get_ScyllaCheckpoint_summarizes_once_per_experiment()
    {
        var experiment = _temp.Sample();
        var result = RunspaceHost.Run("Get-ScyllaRun $sample | Get-ScyllaCheckpoint; Get-ScyllaCheckpoint $empty", Vars(("sample", experiment), ("empty", _temp.Path)));

        var summary = Assert.Single(result.Objects<CheckpointSummary>());
        Assert.Equal(experiment, summary.ExperimentPath);
        Assert.Equal(("3.1", 4), (summary.Version, summary.CompletedRuns)); // one completed run per subtest
        Assert.Equal("CheckpointNotFound,Scylla.PowerShell.Commands.Checkpoints.GetScyllaCheckpointCommand", Assert.Single(result.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void Tier_subtest_and_run_number_complete_from_the_experiment_in_Path()
    {
        var experiment = _temp.Sample();
        string Complete(string line) => string.Join(" ", RunspaceHost.Run(
            "(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText", Vars(("line", line))).Output.Select(o => o.ToString()));

        Assert.Equal("T0 T1", Complete($"Get-ScyllaRun -Path '{experiment}' -Tier "));
        Assert.Equal("00 01", Complete($"Get-ScyllaRun -Path '{experiment}' -Tier T0 -Subtest "));
        Assert.Equal("1 2 3 4 5", Complete($"Get-ScyllaRun -Path '{experiment}' -RunNumber "));
        Assert.Equal("Missing", Complete($"Get-ScyllaRun -Path '{experiment}' -Status Mi"));
        Assert.Equal("agent_complete", Complete($"Set-ScyllaCheckpoint -Path '{experiment}' -Status ag"));
    }

    [Fact]
    public void New_ScyllaSampleExperiment_creates_the_requested_runs_and_WhatIf_creates_nothing()
    {
        var result = RunspaceHost.Run(
            "New-ScyllaSampleExperiment (Join-Path $root 'dry') -WhatIf; New-ScyllaSampleExperiment (Join-Path $root 'real') -TierCount 1 -SubtestCount 1 -RunCount 4 -Status Completed, Failed -Layout Phase | Get-ScyllaRun",
            Vars(("root", _temp.Path)));

        Assert.False(Directory.Exists(_temp.Combine("dry")));
        Assert.Equal([RunStatus.Completed, RunStatus.Failed, RunStatus.Completed, RunStatus.Failed], result.Objects<ScyllaRun>().Select(r => r.Status));
    }
}
