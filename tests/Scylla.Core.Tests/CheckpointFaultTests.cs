using System.Diagnostics;
using Scylla.Core.Checkpoints;
using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>Fault injection with real processes (tests/Scylla.ProcessHelper).</summary>
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

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void An_unreadable_run_directory_is_reported_and_every_other_run_listed_by_an_unprivileged_user()
    {
        var experiment = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 3);
        var locked = Path.Combine(experiment, "T0", "00", "run_02");
        File.SetUnixFileMode(locked, UnixFileMode.None);

        // root reads everything, so the scan runs as 'nobody', in a process of its own.
        using var scan = StartHelper(["scan", experiment], runAs: "65534");
        var output = scan.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        scan.WaitForExit();

        Assert.True(scan.ExitCode == 0, scan.StandardError.ReadToEnd());
        Assert.Equal(["T0/00/run_01 Completed", "T0/00/run_02 Missing", "T0/00/run_03 Completed"], output.Where(l => l.StartsWith("T0/")));
        Assert.Equal([$"issue {locked}"], output.Where(l => l.StartsWith("issue ")));
        File.SetUnixFileMode(locked, (UnixFileMode)0b111_101_101);
    }

    private static Process StartWriter(string experiment, string tier, string subtest, int first, int last, string? acknowledgements = null) =>
        StartHelper(new[] { "mark", experiment, tier, subtest, first.ToString(), last.ToString(), acknowledgements ?? string.Empty }.Where(a => a.Length > 0));

    private static Process StartHelper(IEnumerable<string> arguments, string? runAs = null)
    {
        var helper = Path.Combine(AppContext.BaseDirectory.Replace("Scylla.Core.Tests", "Scylla.ProcessHelper"), "Scylla.ProcessHelper.dll");
        var start = new ProcessStartInfo(runAs == null ? "dotnet" : "setpriv") { RedirectStandardError = true, RedirectStandardOutput = runAs != null };
        if (runAs != null)
        {
            foreach (var argument in new[] { $"--reuid={runAs}", $"--regid={runAs}", "--clear-groups", "dotnet" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["HOME"] = Path.GetTempPath();
        }

        foreach (var argument in arguments.Prepend(helper))
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
