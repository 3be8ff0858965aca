using System.Diagnostics;
using Scylla.Core.Checkpoints;
using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>Fault injection on checkpoint.json with real processes (tests/Scylla.CheckpointWriter).</summary>
public sealed class CheckpointFaultTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Killed_9_times_50_the_checkpoint_parses_every_time_and_keeps_every_acknowledged_update()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Missing], tiers: 1, subtests: 1, runs: 1);
        var acknowledged = _temp.Combine("acks.txt");
        var random = new Random(20261125);
        for (var kill = 0; kill < 50; kill++)
        {
            using var writer = StartWriter(experiment, "T0", "00", 1 + kill * 10_000, (kill + 1) * 10_000, acknowledged);
            WaitForAcknowledgements(acknowledged, writer);
            Thread.Sleep(random.Next(0, 40));
            Assert.False(writer.HasExited, $"writer {kill + 1} exited by itself with {(writer.HasExited ? writer.ExitCode : 0)}: {(writer.HasExited ? writer.StandardError.ReadToEnd() : string.Empty)}");
            writer.Kill(); // SIGKILL on Unix
            writer.WaitForExit();

            var checkpoint = CheckpointStore.TryLoad(experiment)!; // throws if the file were torn
            var missing = File.ReadAllLines(acknowledged).Where(l => l.Length > 0).Select(int.Parse)
                .Where(run => checkpoint.GetRunStatus("T0", "00", run) != "passed").ToList();
            Assert.True(missing.Count == 0, $"after kill {kill + 1}: acknowledged but lost: {string.Join(", ", missing.Take(10))}");
        }

        Assert.True(File.ReadAllLines(acknowledged).Length >= 50, "every writer acknowledged at least one update before its kill");
    }

    [Fact]
    public void Two_processes_marking_500_different_runs_each_lose_nothing()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Missing], tiers: 1, subtests: 1, runs: 1);

        using var first = StartWriter(experiment, "T1", "01", 1, 500);
        using var second = StartWriter(experiment, "T1", "02", 1, 500);
        first.WaitForExit();
        second.WaitForExit();

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        var checkpoint = CheckpointStore.TryLoad(experiment)!;
        Assert.Equal(1000, checkpoint.CompletedRuns.Count(r => r.Tier == "T1"));
        Assert.All(Enumerable.Range(1, 500), n => Assert.Equal(("passed", "passed"), (checkpoint.GetRunStatus("T1", "01", n), checkpoint.GetRunStatus("T1", "02", n))));
    }

    private static Process StartWriter(string experiment, string tier, string subtest, int first, int last, string? acknowledgements = null)
    {
        var writer = Path.Combine(AppContext.BaseDirectory.Replace("Scylla.Core.Tests", "Scylla.CheckpointWriter"), "Scylla.CheckpointWriter.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true };
        foreach (var argument in new[] { writer, experiment, tier, subtest, first.ToString(), last.ToString(), acknowledgements ?? string.Empty }.Where(a => a.Length > 0))
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    /// <summary>Waits until the writer has acknowledged one more update, so each kill lands in the middle of the loop.</summary>
    private static void WaitForAcknowledgements(string path, Process writer)
    {
        var before = File.Exists(path) ? File.ReadAllLines(path).Length : 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((File.Exists(path) ? File.ReadAllLines(path).Length : 0) == before && DateTime.UtcNow < deadline && !writer.HasExited)
        {
            Thread.Sleep(5);
        }
    }
}
