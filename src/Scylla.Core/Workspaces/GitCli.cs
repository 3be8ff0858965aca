using System.Diagnostics;
using LibGit2Sharp;

namespace Scylla.Core.Workspaces;

/// <summary>
/// The git command line, used for checkouts and commits when it is installed: on a repository of many files libgit2's
/// checkout checks every path with several system calls, and git does not (docs/performance.md). It runs as libgit2
/// would: no hooks, no signing, the identity libgit2 resolved, and none of the caller's <c>GIT_*</c> variables.
/// </summary>
internal sealed class GitCli(string executable, bool skipOwnershipCheck)
{
    private static readonly Lazy<string?> s_onPath = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Where(d => d.Length > 0).Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "git.exe" : "git"))
            .FirstOrDefault(File.Exists));

    /// <summary>The git on PATH, or null (then libgit2 does everything).</summary>
    public static string? OnPath => s_onPath.Value;

    /// <summary>
    /// Runs git in <paramref name="directory"/>: its exit code and output, or <c>GitFailed</c> for an exit code not
    /// allowed.
    /// </summary>
    public (int ExitCode, string Output) Run(string directory, Signature? identity, IEnumerable<string> arguments,
        params int[] allowedExitCodes)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("GIT_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        if (identity != null)
        {
            start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = identity.Name;
            start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = identity.Email;
        }

        string[] settings = ["-c", "core.hooksPath=/dev/null", "-c", "commit.gpgSign=false"];
        string[] ownership = skipOwnershipCheck ? ["-c", "safe.directory=*"] : [];
        foreach (var argument in settings.Concat(ownership).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 0 || allowedExitCodes.Contains(process.ExitCode))
        {
            return (process.ExitCode, output);
        }

        throw new ScyllaException("GitFailed", ScyllaErrorKind.InvalidOperation,
            $"git {string.Join(' ', arguments)} failed in '{directory}' (exit {process.ExitCode}): "
            + error.Result.Trim(), directory);
    }
}
