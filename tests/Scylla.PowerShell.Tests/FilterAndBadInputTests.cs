using System.Diagnostics;
using System.Management.Automation;
using Scylla.Core.Runs;

namespace Scylla.PowerShell.Tests;

/// <summary>Filters that say when they match nothing, and a sample of malformed inputs through the cmdlets.</summary>
public sealed class FilterAndBadInputTests : IDisposable
{
    private const string GetRun = "Scylla.PowerShell.Commands.Runs.GetScyllaRunCommand";
    private const string GetCheckpoint = "Scylla.PowerShell.Commands.Checkpoints.GetScyllaCheckpointCommand";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Unquoted_subtest_numbers_find_the_subtests_the_experiment_names()
    {
        var exp = _temp.Sample();

        var listed = RunspaceHost.Run("Get-ScyllaRun -LiteralPath $exp -Tier T0 -Subtest 00, 01", Vars(exp));
        var one = RunspaceHost.Run("Get-ScyllaRun -LiteralPath $exp -Subtest 1", Vars(exp));

        Assert.Empty(listed.Errors);
        Assert.Equal(10, listed.Objects<ScyllaRun>().Count);
        Assert.Equal(["00", "01"], listed.Objects<ScyllaRun>().Select(r => r.Subtest).Distinct());
        Assert.Empty(one.Errors);
        Assert.Equal(10, one.Objects<ScyllaRun>().Count);
        Assert.All(one.Objects<ScyllaRun>(), r => Assert.Equal("01", r.Subtest));
    }

    [Fact]
    public void A_tier_subtest_or_run_number_the_experiment_lacks_is_a_non_terminating_error_naming_the_valid_values()
    {
        var exp = _temp.Sample();

        var result = RunspaceHost.Run(
            "Get-ScyllaRun -LiteralPath $exp -Tier T0, T9; Get-ScyllaRun -LiteralPath $exp -Subtest 7; Get-ScyllaRun -LiteralPath $exp -Tier T1 -RunNumber 5, 6",
            Vars(exp));

        Assert.Equal([$"TierNotInExperiment,{GetRun}", $"SubtestNotInExperiment,{GetRun}", $"RunNumberNotInExperiment,{GetRun}"],
            result.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.Contains("its tiers are T0, T1", result.Errors[0].Exception.Message);
        Assert.Contains("its subtests are 00, 01", result.Errors[1].Exception.Message);
        Assert.Contains("its run numbers there are 1-5", result.Errors[2].Exception.Message);
        Assert.All(result.Errors, e => Assert.Equal(exp, e.TargetObject));
        Assert.Equal(10 + 2, result.Objects<ScyllaRun>().Count); // T0's runs, then run 5 of T1's two subtests
    }

    [Fact]
    public void Set_ScyllaCheckpoint_spells_the_subtest_as_the_experiment_and_refuses_one_it_lacks_before_writing()
    {
        var exp = _temp.Sample();
        var checkpoint = Path.Combine(exp, "checkpoint.json");
        var before = File.ReadAllBytes(checkpoint);

        var refused = RunspaceHost.Run("Set-ScyllaCheckpoint -Path $exp -Tier T0 -Subtest 7 -RunNumber 1 -Status passed", Vars(exp));

        Assert.Equal("SubtestNotInExperiment,Scylla.PowerShell.Commands.Checkpoints.SetScyllaCheckpointCommand", Assert.Single(refused.Errors).FullyQualifiedErrorId);
        Assert.Equal(before, File.ReadAllBytes(checkpoint));

        var set = RunspaceHost.Run("Set-ScyllaCheckpoint -Path $exp -Tier t0 -Subtest 1 -RunNumber 2 -Status failed -PassThru", Vars(exp));

        Assert.Empty(set.Errors);
        Assert.Equal("T0/01/run_02", Assert.Single(set.Objects<ScyllaRun>()).RunId);
        var written = Core.Checkpoints.CheckpointStore.TryLoad(exp)!;
        Assert.Equal("failed", written.GetRunStatus("T0", "01", 2));
        Assert.Null(written.GetRunStatus("T0", "1", 2));
    }

    [Fact]
    public void The_same_experiment_given_twice_is_scanned_once()
    {
        var exp = _temp.Sample();

        var result = RunspaceHost.Run("Get-ScyllaRun $exp, \"$exp/\", (Join-Path $exp '.')", Vars(exp));

        Assert.Empty(result.Errors);
        Assert.Equal(20, result.Objects<ScyllaRun>().Count);
        Assert.All(result.Objects<ScyllaRun>(), r => Assert.Equal(exp, r.ExperimentPath));
    }

    [Fact]
    public void RunNumber_completes_after_an_unquoted_subtest_number()
    {
        var exp = _temp.Sample();
        var line = $"Get-ScyllaRun -LiteralPath '{exp}' -Tier T0 -Subtest 01 -RunNumber ";

        var result = RunspaceHost.Run("(TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText", new Dictionary<string, object?> { ["line"] = line });

        Assert.Equal(["1", "2", "3", "4", "5"], result.Output.Select(o => o.ToString()));
    }

    [Fact]
    public void Malformed_files_end_in_error_records_carrying_their_ids_and_change_nothing()
    {
        var nanConfig = _temp.Sample("nan-config");
        var config = Path.Combine(nanConfig, "config", "experiment.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"runs_per_subtest\": 5", "\"runs_per_subtest\": NaN"));
        var zeroConfig = _temp.Sample("zero-config");
        File.Delete(Path.Combine(zeroConfig, "config", "experiment.json"));
        File.CreateSymbolicLink(Path.Combine(zeroConfig, "config", "experiment.json"), "/dev/zero");
        var nullTier = _temp.Sample("null-tier");
        var checkpoint = Path.Combine(nullTier, "checkpoint.json");
        File.WriteAllText(checkpoint, File.ReadAllText(checkpoint).Replace("\"run_states\": {", "\"run_states\": {\"T9\": null,"));
        var fifo = _temp.Sample("fifo");
        File.Delete(Path.Combine(fifo, "checkpoint.json"));
        MakeFifo(Path.Combine(fifo, "checkpoint.json"));
        var before = Snapshot(_temp.Path, Path.Combine(fifo, "checkpoint.json"));

        var runs = RunspaceHost.Run("Get-ScyllaRun -LiteralPath $a, $b", new Dictionary<string, object?> { ["a"] = nanConfig, ["b"] = zeroConfig });
        var checkpoints = RunspaceHost.Run("Get-ScyllaCheckpoint -LiteralPath $a, $b", new Dictionary<string, object?> { ["a"] = nullTier, ["b"] = fifo });
        var listedDespiteCheckpoint = RunspaceHost.Run("Get-ScyllaRun -LiteralPath $a, $b", new Dictionary<string, object?> { ["a"] = nullTier, ["b"] = fifo });

        Assert.Equal([$"InvalidExperimentConfig,{GetRun}", $"FileTooLarge,{GetRun}"], runs.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.Contains("'runs_per_subtest' is NaN", runs.Errors[0].Exception.Message);
        Assert.Equal([$"InvalidCheckpoint,{GetCheckpoint}", $"NotARegularFile,{GetCheckpoint}"], checkpoints.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.Contains("'run_states.T9'", checkpoints.Errors[0].Exception.Message);
        Assert.Empty(listedDespiteCheckpoint.Errors);
        Assert.Equal(40, listedDespiteCheckpoint.Objects<ScyllaRun>().Count);
        Assert.Equal(2, listedDespiteCheckpoint.Warnings.Count);
        Assert.Equal(before, Snapshot(_temp.Path, Path.Combine(fifo, "checkpoint.json")));
    }

    [Fact]
    public void Get_ScyllaExperiment_reads_past_a_FIFO_or_a_device_in_place_of_run_result_json_or_experiment_pid()
    {
        var exp = _temp.Sample("special");
        var results = Directory.GetFiles(exp, "run_result.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).ToList();
        File.Delete(results[0]);
        MakeFifo(results[0]);
        File.Delete(results[1]);
        File.CreateSymbolicLink(results[1], "/dev/zero");
        MakeFifo(Path.Combine(exp, "experiment.pid"));

        var result = RunspaceHost.Run("Get-ScyllaExperiment -LiteralPath $exp", Vars(exp));

        Assert.Empty(result.Errors);
        Assert.Single(result.Objects<Scylla.Core.Status.ScyllaExperiment>());
        Assert.Contains(result.Warnings, w => w.Message.Contains(results[0], StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Message.Contains(results[1], StringComparison.Ordinal));
    }

    private static Dictionary<string, object?> Vars(string exp) => new() { ["exp"] = exp };

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>Names, link targets and file bytes; the FIFO is only named (reading it would wait for a writer).</summary>
    private static string Snapshot(string root, string fifo) => string.Join('\n', new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
        .OrderBy(e => e.FullName, StringComparer.Ordinal)
        .Select(e => e.LinkTarget != null ? $"{e.FullName} -> {e.LinkTarget}"
            : e is FileInfo && e.FullName != fifo ? $"{e.FullName} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(e.FullName)))}"
            : e.FullName));
}
