using System.Diagnostics;
using Scylla.Core.Checkpoints;
using Scylla.Core.Execution;
using Scylla.Core.IO;
using Scylla.Core.Runs;
using Scylla.Core.Samples;

namespace Scylla.Core.Tests;

/// <summary>
/// The run lease on real files and processes (docs/format.md, "Leases"): where it lives, whom it trusts, when it takes
/// a run over, and whose processes it may signal.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LeaseTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_lease_is_a_file_of_the_experiment_only_its_user_can_open_and_a_clean_end_marks_it_released()
    {
        var run = NewRun();
        long fence;
        using (var lease = RunLease.Acquire(run))
        {
            fence = lease.Fence;
            var held = RunLease.ReadOwner(run)!;
            Assert.Equal((Environment.ProcessId, Environment.MachineName, false), (held.Pid, held.Host, held.Released));
            Assert.Equal("RunBusy", Assert.Throws<ScyllaException>(() => RunLease.Acquire(run)).ErrorId);
        }

        var path = Path.Combine(run.ExperimentPath, ".scylla", "leases", "T0-00-run_01.lock");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.True(RunLease.ReadOwner(run)!.Released);
        using var next = RunLease.Acquire(run);
        Assert.Equal((fence + 1, (LeaseOwner?)null), (next.Fence, next.TakenOverFrom));
    }

    [Fact]
    public void The_next_owner_of_a_run_ends_the_agent_its_dead_owner_left_running()
    {
        var run = NewRun();
        var group = StartGroup("trap '' TERM; while true; do sleep 0.2; done");
        Forge(run, Dead() with { ProcessGroup = group.Id, ProcessGroupStart = ProcessGroup.StartTimeOf(group.Id) });

        using (var lease = RunLease.Acquire(run))
        {
            Assert.Equal(999_999, lease.TakenOverFrom!.Pid);
        }

        Assert.True(group.WaitForExit(10_000), "the orphaned agent's group was ended");
    }

    /// <summary>A record's claims are checked against the process table before anything is signalled.</summary>
    public static TheoryData<string> ForgedRecords() => ["another start time", "another user's group", "a live owner"];

    [Theory]
    [MemberData(nameof(ForgedRecords))]
    public void A_group_that_may_not_be_the_recorded_agent_is_never_signalled(string forgery)
    {
        if (Environment.UserName != "root" && forgery == "another user's group")
        {
            return; // starting a process as nobody needs root; CI runs as root
        }

        var run = NewRun();
        var group = forgery == "another user's group"
            ? StartGroup("sleep 30", "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups")
            : StartGroup("sleep 30");
        var start = ProcessGroup.StartTimeOf(group.Id)!.Value;
        using var owner = forgery == "a live owner" ? Process.Start("sleep", "30") : null;
        Forge(run, Dead() with
        {
            Pid = owner?.Id ?? 999_999,
            ProcessStart = owner == null ? null : ProcessGroup.StartTimeOf(owner.Id),
            ProcessGroup = group.Id,
            ProcessGroupStart = forgery == "another start time" ? start - 1 : start,
        });

        var error = Record.Exception(() => RunLease.Acquire(run).Dispose());
        Thread.Sleep(300); // a SIGTERM would have ended sleep by now

        Assert.False(group.HasExited, "the group was not signalled");
        Assert.Equal(forgery == "a live owner" ? "RunBusy" : null, (error as ScyllaException)?.ErrorId);
        group.Kill(entireProcessTree: true);
        owner?.Kill();
    }

    [Theory]
    [InlineData(5, "RunBusy")]
    [InlineData(90, null)]
    public void An_owner_on_another_host_is_judged_by_its_heartbeat_alone(int heartbeatAgeSeconds, string? errorId)
    {
        var run = NewRun();
        using var local = Process.Start("sleep", "30"); // a live pid here means nothing for a record of another host
        Forge(run, Dead() with
        {
            Host = "another-host",
            Pid = local.Id,
            ProcessGroup = local.Id,
            ProcessGroupStart = ProcessGroup.StartTimeOf(local.Id),
            Heartbeat = DateTimeOffset.UtcNow.AddSeconds(-heartbeatAgeSeconds),
        });

        var error = Record.Exception(() => RunLease.Acquire(run).Dispose());

        Assert.Equal(errorId, (error as ScyllaException)?.ErrorId);
        Assert.False(local.HasExited, "nothing of another host is signalled");
        if (errorId != null)
        {
            Assert.Contains("another-host", error!.Message, StringComparison.Ordinal);
        }

        local.Kill();
    }

    [Fact]
    public void A_holder_whose_run_was_taken_over_writes_nothing_more()
    {
        var run = NewRun();
        using var lease = RunLease.Acquire(run);
        lease.EnsureHeld();

        // What a host that judged this holder dead writes into the same file (on a file system without shared locks).
        // .NET's own FileStream would ask for a lock first; the shell's 1<> writes in place, as a plain write(2) does.
        var record = System.Text.Encoding.UTF8.GetString(
            (Dead() with { Host = "another-host", Fence = lease.Fence + 1 }).ToBytes());
        Run("bash", "-c", $"printf '%-1023s\\n' '{record}' 1<> '{lease.FilePath}'");

        Assert.Equal("LeaseLost", Assert.Throws<ScyllaException>(lease.EnsureHeld).ErrorId);
        Documentation.AssertDocumented("LeaseLost");
    }

    [Theory]
    [InlineData("a symlink at the lease file")]
    [InlineData("a symlink at the lease folder")]
    [InlineData("a file at the lease folder")]
    [InlineData("a lease folder others may write")]
    public void A_lease_that_could_be_planted_is_refused_and_nothing_outside_the_experiment_is_touched(string plant)
    {
        var run = NewRun();
        var outside = _temp.Combine("outside");
        var leases = Path.Combine(run.ExperimentPath, ".scylla", "leases");
        Directory.CreateDirectory(Path.GetDirectoryName(leases)!);
        switch (plant)
        {
            case "a symlink at the lease file":
                Directory.CreateDirectory(leases);
                File.CreateSymbolicLink(Path.Combine(leases, "T0-00-run_01.lock"), outside);
                break;
            case "a symlink at the lease folder": Directory.CreateSymbolicLink(leases, outside); break;
            case "a file at the lease folder": File.WriteAllText(leases, "x"); break;
            case "a lease folder others may write":
                Directory.CreateDirectory(leases);
                File.SetUnixFileMode(leases, (UnixFileMode)0b111_111_111);
                break;
        }

        var error = Assert.Throws<ScyllaException>(() => RunLease.Acquire(run));

        Assert.Equal("LeaseUnsafe", error.ErrorId);
        Documentation.AssertDocumented(error.ErrorId);
        Assert.Contains("T0/00/run_01", error.Message, StringComparison.Ordinal);
        Assert.False(Path.Exists(outside), "the link's target was not created");
    }

    [Fact]
    public void A_dangling_checkpoint_lock_symlink_is_refused_without_creating_its_target()
    {
        var run = NewRun();
        var outside = _temp.Combine("outside-lock");
        File.CreateSymbolicLink(Path.Combine(run.ExperimentPath, CheckpointStore.LockFileName), outside);

        var error = Assert.Throws<ScyllaException>(() => FileLock.Acquire(
            Path.Combine(run.ExperimentPath, CheckpointStore.LockFileName), TimeSpan.FromSeconds(1)));

        Assert.Equal("LockUnsafe", error.ErrorId);
        Documentation.AssertDocumented(error.ErrorId);
        Assert.False(Path.Exists(outside), "the link's target was not created");
    }

    [Theory]
    [InlineData("running", 3, null, "ExperimentBusy")] // a fresh heartbeat from whichever host, its pid not alive here
    [InlineData("running", 300, null, null)] // a zombie
    [InlineData("completed", 3, null, null)]
    [InlineData(null, 0, "fresh", "ExperimentBusy")] // experiment.pid alone, no checkpoint yet: a runner starting
    [InlineData(null, 0, "old", null)]
    [InlineData("running", 300, "fifo", null)] // read without blocking, and ignored
    public void The_Python_runner_owns_the_experiment_on_any_host_while_its_heartbeat_is_fresh(
        string? status, int heartbeatAgeSeconds, string? pidFile, string? errorId)
    {
        var experiment = NewRun().ExperimentPath;
        var checkpoint = CheckpointStore.PathFor(experiment);
        if (status == null)
        {
            File.Delete(checkpoint);
        }
        else
        {
            var heartbeat = DateTimeOffset.UtcNow.AddSeconds(-heartbeatAgeSeconds)
                .ToString("yyyy-MM-ddTHH:mm:ss.ffffffzzz");
            var text = File.ReadAllText(checkpoint);
            var json = System.Text.Json.Nodes.JsonNode.Parse(text)!;
            json["status"] = status;
            json["last_heartbeat"] = heartbeat;
            json["pid"] = 999_999;
            File.WriteAllText(checkpoint, json.ToJsonString());
        }

        var pidPath = Path.Combine(experiment, CheckpointHealth.PidFileName);
        switch (pidFile)
        {
            case "fresh": File.WriteAllText(pidPath, "999999"); break;
            case "old":
                File.WriteAllText(pidPath, "999999");
                File.SetLastWriteTimeUtc(pidPath, DateTime.UtcNow.AddMinutes(-10));
                break;
            case "fifo": Run("mkfifo", pidPath); break;
        }

        var error = Record.Exception(() => LiveRunner.Refuse(experiment, force: false));

        Assert.Equal(errorId, (error as ScyllaException)?.ErrorId);
        LiveRunner.Refuse(experiment, force: true);
    }

    private RunReference NewRun()
    {
        var path = _temp.Combine("exp-" + Guid.NewGuid().ToString("N")[..6]);
        SampleExperimentGenerator.Generate(new SampleExperimentSpec
        {
            Path = path, TierCount = 1, SubtestsPerTier = 1, RunsPerSubtest = 1, StatusPattern = [RunStatus.Failed],
        });
        return new RunReference(path, "T0", "00", 1);
    }

    /// <summary>
    /// A record this user left on this host and boot when it died holding the run (pid 999999 is not alive).
    /// </summary>
    private static LeaseOwner Dead() => RunLease.Self with
    {
        Pid = 999_999,
        ProcessStart = 1,
        StartedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
        Heartbeat = DateTimeOffset.UtcNow.AddSeconds(-1),
        Fence = 7,
        Run = "T0/00/run_01",
    };

    /// <summary>Writes <paramref name="owner"/> into the run's lease file, as its holder would have.</summary>
    private static void Forge(RunReference run, LeaseOwner owner)
    {
        RunLease.Acquire(run).Dispose();
        File.WriteAllBytes(RunLease.PathFor(run), owner.ToBytes());
    }

    /// <summary>
    /// A process group (setsid), optionally started through <paramref name="prefix"/> (another user).
    /// </summary>
    private static Process StartGroup(string script, params string[] prefix)
    {
        var start = new ProcessStartInfo(prefix.Length > 0 ? prefix[0] : "setsid");
        foreach (var argument in prefix.Skip(1)
            .Concat(prefix.Length > 0 ? ["setsid"] : [])
            .Concat(["bash", "-c", script]))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var deadline = Stopwatch.StartNew();
        while (ProcessGroupOf(process.Id) is not { } group || group != process.Id)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "the group started");
            Thread.Sleep(20);
        }

        return process;
    }

    private static int? ProcessGroupOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2]);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        using var process = Process.Start(file, arguments);
        process.WaitForExit();
    }
}
