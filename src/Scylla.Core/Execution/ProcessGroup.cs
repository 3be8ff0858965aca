using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Scylla.Core.Execution;

/// <summary>
/// The one seam for process control (docs/format.md, "Processes"): a command started as the leader of a new session and
/// process group, so the whole tree it spawns can be signalled and waited for as one. POSIX only (Linux, macOS).
/// Every live group of this process is known, so a signal to pwsh can end them all before pwsh goes.
/// </summary>
public sealed partial class ProcessGroup : IDisposable
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    private static readonly ConcurrentDictionary<int, ProcessGroup> s_live = new();

    private readonly Process _process;
    private readonly FileStream _stdout;
    private readonly FileStream _stderr;
    private readonly Task _copies;

    private ProcessGroup(Process process, FileStream stdout, FileStream stderr)
    {
        _process = process;
        _stdout = stdout;
        _stderr = stderr;
        _copies = Task.WhenAll(
            process.StandardOutput.BaseStream.CopyToAsync(stdout, CancellationToken.None),
            process.StandardError.BaseStream.CopyToAsync(stderr, CancellationToken.None));
        StartTime = StartTimeOf(process.Id);
        s_live[process.Id] = this;
    }

    /// <summary>The group's id: the leader's pid.</summary>
    public int Id => _process.Id;

    /// <summary>The leader's start time in clock ticks since boot (Linux), which tells a reused pid from the original.</summary>
    public long? StartTime { get; }

    public int ExitCode => _process.ExitCode;

    /// <summary>The ids of the groups this process started that are still running.</summary>
    public static IReadOnlyCollection<int> LiveGroups => s_live.Keys.ToList();

    /// <summary>
    /// Starts <paramref name="fileName"/> in a new session; stdout and stderr stream to files. <paramref name="started"/>
    /// hears of the group before anything else happens (a lease records it), then stdin is fed and closed.
    /// </summary>
    public static ProcessGroup Start(string fileName, IEnumerable<string> arguments, string workingDirectory, string stdoutPath,
        string stderrPath, string? standardInput, Action<ProcessGroup>? started = null)
    {
        var start = new ProcessStartInfo(OperatingSystem.IsMacOS() ? "perl" : "setsid")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (OperatingSystem.IsMacOS())
        {
            // macOS ships no setsid(1); perl's POSIX::setsid does the same before exec.
            start.ArgumentList.Add("-MPOSIX");
            start.ArgumentList.Add("-e");
            start.ArgumentList.Add("POSIX::setsid(); exec { $ARGV[0] } @ARGV or exit 127");
        }

        start.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var stdout = new FileStream(stdoutPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        var stderr = new FileStream(stderrPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        }
        catch
        {
            stdout.Dispose();
            stderr.Dispose();
            throw;
        }

        var group = new ProcessGroup(process, stdout, stderr);
        started?.Invoke(group);
        try
        {
            if (standardInput != null)
            {
                process.StandardInput.Write(standardInput);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // the child exited without reading its input; its exit code says what happened
        }

        return group;
    }

    /// <summary>
    /// Waits for the leader to exit, up to <paramref name="timeout"/> (negative: no limit). On cancellation the group is
    /// stopped (<see cref="Stop"/>) and the cancellation propagates. Returns false on timeout, the group still running.
    /// </summary>
    public bool WaitForExit(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var exited = _process.WaitForExitAsync(CancellationToken.None);
        try
        {
            if (!exited.Wait(timeout < TimeSpan.Zero ? Timeout.InfiniteTimeSpan : timeout, cancellationToken))
            {
                return false;
            }
        }
        catch (OperationCanceledException)
        {
            Stop(KillGrace);
            throw;
        }

        // The leader is gone; members that ignored it may still hold the pipes.
        Signal(Id, SigKill);
        _copies.Wait(TimeSpan.FromSeconds(10));
        return true;
    }

    /// <summary>SIGTERM to the group, SIGKILL to what is left after <paramref name="grace"/>; returns when the leader is gone.</summary>
    public void Stop(TimeSpan grace)
    {
        StopGroups([Id], grace);
        _process.WaitForExit(TimeSpan.FromSeconds(10));
        _copies.Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>How long a group is given between SIGTERM and SIGKILL.</summary>
    public static TimeSpan KillGrace { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Ends every group this process started that still runs: one SIGTERM each at once, one shared grace, SIGKILL.</summary>
    public static void StopAll(TimeSpan grace) => StopGroups(LiveGroups, grace);

    /// <summary>SIGTERM to each group at once, then SIGKILL to those still alive after one shared grace period.</summary>
    public static void StopGroups(IReadOnlyCollection<int> groups, TimeSpan grace)
    {
        foreach (var group in groups)
        {
            Signal(group, SigTerm);
        }

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < grace && groups.Any(IsGroupAlive))
        {
            Thread.Sleep(20);
        }

        foreach (var group in groups)
        {
            Signal(group, SigKill);
        }
    }

    public static bool IsGroupAlive(int group) => Kill(-group, 0) == 0;

    public static bool IsProcessAlive(int pid) => pid > 0 && Kill(pid, 0) == 0;

    public static void Signal(int group, int signal)
    {
        if (group > 1)
        {
            Kill(-group, signal);
        }
    }

    /// <summary>Field 22 of <c>/proc/&lt;pid&gt;/stat</c>; null where there is no procfs or the process is gone.</summary>
    public static long? StartTimeOf(int pid) => Stat(pid) is { } stat ? stat.Start : null;

    /// <summary>
    /// Whether <paramref name="group"/> is a live group that can only be the one recorded (docs/format.md,
    /// "Processes"): every member runs as <paramref name="user"/> (real and effective), none started before
    /// <paramref name="leaderStart"/>, and its leader, if still there, started then. Linux only (procfs); false
    /// elsewhere.
    /// </summary>
    public static bool IsGroupOf(int group, uint user, long leaderStart)
    {
        if (group <= 1 || !Directory.Exists("/proc/self"))
        {
            return false;
        }

        var members = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : 0)
            .Where(pid => pid > 0)
            .Select(pid => (Pid: pid, Stat: Stat(pid)))
            .Where(p => p.Stat?.Group == group)
            .ToList();
        return members.Count > 0
            && members.All(m => m.Stat!.Value.Start >= leaderStart && UsersOf(m.Pid) == (user, user))
            && members.All(m => m.Pid != group || m.Stat!.Value.Start == leaderStart);
    }

    /// <summary>
    /// Fields 5 (process group) and 22 (start time) of <c>/proc/&lt;pid&gt;/stat</c>; null when unreadable.
    /// </summary>
    private static (int Group, long Start)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields after "(comm)" start at field 3
            return (int.Parse(fields[2], CultureInfo.InvariantCulture),
                long.Parse(fields[19], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The real and effective user ids of a process (the <c>Uid:</c> line of its status); null when unreadable.
    /// </summary>
    private static (uint Real, uint Effective)? UsersOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status")
                .FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            var ids = line?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return ids is { Length: >= 3 }
                ? (uint.Parse(ids[1], CultureInfo.InvariantCulture), uint.Parse(ids[2], CultureInfo.InvariantCulture))
                : null;
        }
        catch (Exception e)
            when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        s_live.TryRemove(Id, out _);
        _stdout.Dispose();
        _stderr.Dispose();
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
