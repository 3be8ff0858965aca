using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Scylla.Core.Execution;

/// <summary>How a child process ended.</summary>
public sealed record ProcessOutcome(int ExitCode, bool TimedOut, TimeSpan Duration);

/// <summary>
/// Runs a command in its own session and process group (so the whole tree can be killed), with stdin closed or fed,
/// stdout and stderr streamed to files (memory stays bounded whatever the child prints), a timeout, and cancellation.
/// Timeout and cancellation kill the group with SIGTERM, then SIGKILL after a grace period.
/// </summary>
public static partial class ProcessRunner
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    public static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    public static ProcessOutcome Run(
        string fileName, IEnumerable<string> arguments, string workingDirectory, string stdoutPath, string stderrPath,
        TimeSpan timeout, CancellationToken cancellationToken, string? standardInput = null)
    {
        var start = new ProcessStartInfo("setsid") // a new session: the child leads its own process group
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        using var stdout = new FileStream(stdoutPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        using var stderr = new FileStream(stderrPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, CancellationToken.None);
        var copyErr = process.StandardError.BaseStream.CopyToAsync(stderr, CancellationToken.None);
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

        var timedOut = false;
        using (cancellationToken.Register(() => KillGroup(process)))
        {
            if (!process.WaitForExit(timeout < TimeSpan.Zero ? Timeout.InfiniteTimeSpan : timeout))
            {
                timedOut = true;
                KillGroup(process);
            }

            process.WaitForExit();
        }

        // The group may still hold the pipes (a child that ignored SIGTERM): make sure every member is gone.
        SignalGroup(process.Id, SigKill);
        Task.WaitAll([copyOut, copyErr], TimeSpan.FromSeconds(10));
        cancellationToken.ThrowIfCancellationRequested();
        return new ProcessOutcome(timedOut ? -1 : process.ExitCode, timedOut, stopwatch.Elapsed);
    }

    /// <summary>SIGTERM to the whole group, then SIGKILL if anything is left after the grace period.</summary>
    private static void KillGroup(Process process)
    {
        SignalGroup(process.Id, SigTerm);
        var deadline = DateTime.UtcNow + KillGrace;
        while (DateTime.UtcNow < deadline && GroupAlive(process.Id))
        {
            Thread.Sleep(50);
        }

        SignalGroup(process.Id, SigKill);
    }

    private static bool GroupAlive(int processGroup) => Kill(-processGroup, 0) == 0;

    private static void SignalGroup(int processGroup, int signal)
    {
        if (!OperatingSystem.IsWindows())
        {
            Kill(-processGroup, signal);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
