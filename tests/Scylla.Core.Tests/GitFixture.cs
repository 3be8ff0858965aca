using System.Diagnostics;
using LibGit2Sharp;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;

namespace Scylla.Core.Tests;

/// <summary>Workspace tests share libgit2's process-wide settings, so they run one at a time, with no global git identity.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GitCollection : ICollectionFixture<GitSettings>
{
    public const string Name = "git";
}

public sealed class GitSettings : IDisposable
{
    private readonly TempDirectory _emptyConfig = new();

    public GitSettings()
    {
        foreach (var level in new[] { ConfigurationLevel.Global, ConfigurationLevel.Xdg, ConfigurationLevel.System })
        {
            GlobalSettings.SetConfigSearchPaths(level, _emptyConfig.Path);
        }
    }

    public void Dispose() => _emptyConfig.Dispose();
}

/// <summary>An experiment with a real base repository: commit 1 is the task commit, commit 2 moves HEAD past it.</summary>
public sealed class GitExperiment
{
    private GitExperiment(string path, string repository, string taskCommit, string tierConfig)
    {
        Path = path;
        Repository = repository;
        TaskCommit = taskCommit;
        TierConfig = tierConfig;
    }

    public string Path { get; }

    public string Repository { get; }

    public string TaskCommit { get; }

    /// <summary>The tier configuration (<see cref="TestTierConfig"/>) shared by the experiments of one temporary folder.
    /// </summary>
    public string TierConfig { get; }

    public Experiment Open(string? tierConfig = null) => Experiment.Open(Path, tierConfig ?? TierConfig);

    public static GitExperiment Create(TempDirectory temp, string id = "exp-one-1", bool shared = false, string? sharedRepository = null)
    {
        var path = temp.Combine(id);
        Samples.SampleExperimentGenerator.Generate(new Samples.SampleExperimentSpec { Path = path, ExperimentId = id, TierCount = 7, SubtestsPerTier = 1, RunsPerSubtest = 2, StatusPattern = [RunStatus.Missing] });
        var config = System.IO.Path.Combine(path, ExperimentConfig.RelativePath);
        var taskRepo = ExperimentConfig.Load(path).TaskRepo;
        var repository = sharedRepository ?? (shared ? temp.Combine("repos", BaseRepository.RepositoryId(taskRepo)) : System.IO.Path.Combine(path, "repo"));
        string taskCommit;
        if (sharedRepository == null)
        {
            Directory.CreateDirectory(repository);
            Git(repository, "init", "-q", "-b", "main");
            File.WriteAllText(System.IO.Path.Combine(repository, "README.md"), "task\n");
            File.WriteAllText(System.IO.Path.Combine(repository, "CLAUDE.md"), "the repository's own instructions\n");
            Directory.CreateDirectory(System.IO.Path.Combine(repository, ".claude"));
            File.WriteAllText(System.IO.Path.Combine(repository, ".claude", "own.txt"), "own\n");
            Git(repository, "add", "-A");
            Git(repository, "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "task commit");
            taskCommit = Git(repository, "rev-parse", "HEAD");
            File.WriteAllText(System.IO.Path.Combine(repository, "README.md"), "later\n");
            Git(repository, "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "commit", "-q", "-am", "after the task commit");
        }
        else
        {
            taskCommit = Git(repository, "rev-list", "--max-parents=0", "HEAD");
        }

        File.WriteAllText(config, File.ReadAllText(config).Replace("0000000000000000000000000000000000000000", taskCommit));
        var tierConfig = temp.Combine("tier-config");
        if (!Directory.Exists(tierConfig))
        {
            TestTierConfig.Write(tierConfig);
        }

        return new GitExperiment(path, repository, taskCommit, tierConfig);
    }

    /// <summary>Runs the git CLI (the independent check on what libgit2 did) and returns its trimmed output.</summary>
    public static string Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {error}");
    }
}
