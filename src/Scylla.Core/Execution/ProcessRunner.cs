namespace Scylla.Core.Execution;

/// <summary>How a child process ended.</summary>
public sealed record ProcessOutcome(int ExitCode, bool TimedOut, TimeSpan Duration);

/// <summary>
/// Runs a command to its end as a <see cref="ProcessGroup"/>: output streamed to files (memory stays bounded whatever the
/// child prints), a timeout, and cancellation. Timeout and cancellation stop the whole group (SIGTERM, then SIGKILL).
/// </summary>
public static class ProcessRunner
{
    public static ProcessOutcome Run(
        string fileName, IEnumerable<string> arguments, string workingDirectory, string stdoutPath, string stderrPath,
        TimeSpan timeout, CancellationToken cancellationToken, string? standardInput = null, Action<ProcessGroup>? started = null)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        using var group = ProcessGroup.Start(fileName, arguments, workingDirectory, stdoutPath, stderrPath, standardInput, started);
        if (group.WaitForExit(timeout, cancellationToken))
        {
            return new ProcessOutcome(group.ExitCode, TimedOut: false, stopwatch.Elapsed);
        }

        group.Stop(ProcessGroup.KillGrace);
        return new ProcessOutcome(-1, TimedOut: true, stopwatch.Elapsed);
    }
}
