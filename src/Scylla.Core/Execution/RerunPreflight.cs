using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Workspaces;

using Scylla.Core.IO;
using Scylla.Core.Runs;

namespace Scylla.Core.Execution;

/// <summary>
/// Everything that can refuse a run, checked before its first write (docs/format.md, "Re-runs"). What holds for a whole
/// experiment is checked once per batch and remembered, so a missing tier configuration is one refusal per experiment.
/// </summary>
internal sealed partial class RerunPreflight(RerunOptions options)
{
    private const int WriteAccess = 2;

    private readonly ConcurrentDictionary<(string Experiment, string Check), Lazy<ScyllaException?>> _verdicts = new();

    /// <summary>The checkpoint is readable and of a supported version, the experiment writable, and no live runner owns it.</summary>
    public void CheckExperiment(Experiment experiment) => Once(experiment, "experiment", () =>
    {
        _ = CheckpointStore.ReadHeader(experiment.Path); // throws when unreadable or of a version not supported
        foreach (var path in new[] { experiment.Path, CheckpointStore.PathFor(experiment.Path) }.Where(Path.Exists))
        {
            if (!OperatingSystem.IsWindows() && Access(path, WriteAccess) != 0)
            {
                throw new ScyllaException("ExperimentNotWritable", ScyllaErrorKind.WriteError,
                    $"'{path}' is not writable, so no run of this experiment can be re-run.", path);
            }
        }

        LiveRunner.Refuse(experiment.Path, options.IgnoreLiveRunner);
    });

    /// <summary>Checks what the planned stages need, and hands the attempt what the checks read.</summary>
    public void CheckNeeds(RunAttempt attempt, StageNeeds needs)
    {
        var experiment = attempt.Experiment;
        if (needs.HasFlag(StageNeeds.AgentExecutable))
        {
            Once(experiment, "agent", () =>
            {
                RequireExecutable(options.AgentPath, "AgentNotFound", "-AgentPath");
                RequireRunnableHere(options.AgentPath, "-AgentPath");
            });
        }

        if (needs.HasFlag(StageNeeds.JudgeExecutable))
        {
            Once(experiment, "judge", () =>
            {
                RequireExecutable(options.JudgePath, "JudgeNotFound", "-JudgePath");
                RequireRunnableHere(options.JudgePath, "-JudgePath");
                if (!File.Exists(options.JudgeSystemPromptPath))
                {
                    throw new ScyllaException("JudgeSystemPromptNotFound", ScyllaErrorKind.NotFound,
                        $"The judges' system prompt '{options.JudgeSystemPromptPath}' does not exist.", options.JudgeSystemPromptPath);
                }
            });
        }

        if (needs.HasFlag(StageNeeds.Workspace))
        {
            // The run's earlier worktrees, wherever the layout kept them, are archived before the new one is made.
            var run = attempt.Run;
            var runFolder = Experiment.RunDirectoryName(run.RunNumber);
            var replaces = experiment.TierDirectories(run.Tier)
                .Select(d => Path.Combine(d.Directory, run.Subtest, runFolder, RunFolder.Workspace)).ToList();
            (attempt.WorkspacePlan, attempt.Repository) = WorkspacePlan.Make(experiment, run.Tier, run.Subtest,
                run.RunNumber, attempt.HomeIn(Experiment.InProgressFolder), options.Workspace, replaces);
            attempt.Subtest = attempt.WorkspacePlan.Definition;
        }
        else if (needs.HasFlag(StageNeeds.Subtest))
        {
            attempt.Subtest = WorkspaceManager.FindSubtest(experiment, attempt.Run.Tier, attempt.Run.Subtest);
        }

        if (needs.HasFlag(StageNeeds.Repository) && attempt.Repository == null)
        {
            attempt.Repository = OpenRepository(experiment);
        }

        if (needs.HasFlag(StageNeeds.TaskPrompt))
        {
            attempt.TaskPrompt = TaskPrompt(experiment);
        }
    }

    /// <summary>The task prompt: the experiment's own copy (<c>prompt.md</c>), else <c>task_prompt_file</c> relative to it.</summary>
    private static string TaskPrompt(Experiment experiment)
    {
        var copy = Path.Combine(experiment.Path, RunFolder.Prompt);
        var configured = Path.Combine(experiment.Path, experiment.Config.TaskPromptFile);
        return File.Exists(copy) ? SmallFile.ReadText(copy)
            : File.Exists(configured) ? SmallFile.ReadText(configured)
            : throw new ScyllaException("TaskPromptNotFound", ScyllaErrorKind.NotFound,
                $"The task prompt was not found: neither '{copy}' nor '{configured}' exists.", experiment.Path);
    }

    /// <summary>
    /// What the judges of a resumed run are shown of the agent's work when no stage captures the diff
    /// (<see cref="AgentWorkPlaces"/>); null when nothing holds the work any more.
    /// </summary>
    public string? AgentWork(RunAttempt attempt) => AgentWorkPlaces.Find(attempt.Experiment, attempt.Run,
        () => attempt.Repository ??= OpenRepository(attempt.Experiment), readPatch: true);

    private RepositorySession OpenRepository(Experiment experiment) =>
        RepositorySession.Open(BaseRepository.Locate(experiment, options.Workspace.RepositoryPath), options.Workspace);

    /// <summary>A path must name an executable file; a bare name must be found on PATH, as the shell would find it.</summary>
    private static void RequireExecutable(string executable, string errorId, string parameter)
    {
        var candidates = executable.Contains('/')
            ? [executable]
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
                .Where(d => d.Length > 0).Select(d => Path.Combine(d, executable));
        if (!candidates.Any(IsExecutableFile))
        {
            throw new ScyllaException(errorId, ScyllaErrorKind.NotFound,
                $"'{executable}' is not an executable file{(executable.Contains('/') ? string.Empty : " on PATH")}; check {parameter}.", executable);
        }
    }

    /// <summary>
    /// As root, claude refuses <c>--dangerously-skip-permissions</c> (exit 1, one line on stderr) unless IS_SANDBOX=1:
    /// every run would fail. A CLI that names itself Claude Code is asked once, with an empty prompt that never reaches
    /// the API.
    /// </summary>
    private static void RequireRunnableHere(string executable, string parameter)
    {
        if (OperatingSystem.IsWindows() || GetEffectiveUserId() != 0
            || Environment.GetEnvironmentVariable("IS_SANDBOX") == "1"
            || !AgentRun.Version(executable).Contains("Claude Code", StringComparison.Ordinal))
        {
            return;
        }

        var probe = Directory.CreateTempSubdirectory("scylla-root-probe-");
        try
        {
            var stderr = Path.Combine(probe.FullName, "stderr");
            ProcessRunner.Run(executable, ["--print", "--dangerously-skip-permissions", string.Empty], probe.FullName,
                Path.Combine(probe.FullName, "stdout"), stderr, TimeSpan.FromSeconds(30), CancellationToken.None,
                standardInput: string.Empty);
            var refusal = File.ReadAllText(stderr).Trim();
            if (refusal.Contains("cannot be used with root/sudo privileges", StringComparison.Ordinal))
            {
                throw new ScyllaException("AgentRefusesRoot", ScyllaErrorKind.InvalidOperation,
                    $"'{executable}' refuses to run as root with --dangerously-skip-permissions "
                    + $"(\"{RateLimits.Printable(refusal)}\"), so every run would fail. Set IS_SANDBOX=1 in the "
                    + "environment when this is a sandbox (a container or VM of its own), or run as a non-root user; "
                    + $"check {parameter}.",
                    executable);
            }
        }
        finally
        {
            probe.Delete(recursive: true);
        }
    }

    private static bool IsExecutableFile(string path) => File.Exists(path)
        && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    private void Once(Experiment experiment, string check, Action verify)
    {
        var verdict = _verdicts.GetOrAdd((experiment.Path, check), _ => new Lazy<ScyllaException?>(() =>
        {
            try
            {
                verify();
                return null;
            }
            catch (ScyllaException e)
            {
                return e;
            }
        })).Value;
        if (verdict != null)
        {
            throw verdict;
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
