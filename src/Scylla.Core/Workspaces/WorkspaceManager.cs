using Scylla.Core.Experiments;
using Scylla.Core.Tiers;

namespace Scylla.Core.Workspaces;

/// <summary>Options shared by the workspace operations.</summary>
public sealed record WorkspaceOptions
{
    /// <summary>The base repository, instead of the one found beside the experiment.</summary>
    public string? RepositoryPath { get; init; }

    /// <summary>A JSON file of instruction wording (see <see cref="InstructionWording"/>).</summary>
    public string? InstructionTemplatePath { get; init; }

    /// <summary>Create: replace a workspace folder that holds files. Remove: remove a dirty or locked worktree.</summary>
    public bool Force { get; init; }

    /// <summary>Remove: keep the run's branch.</summary>
    public bool KeepBranch { get; init; }

    /// <summary>Open a base repository owned by another user (libgit2 refuses it otherwise).</summary>
    public bool SkipOwnershipCheck { get; init; }

    /// <summary>Check out and commit with the git command line when it is on PATH (tests turn it off).</summary>
    internal bool UseGitCli { get; init; } = true;
}

/// <summary>
/// Creates, lists and removes run workspaces: git worktrees of the base repository (run-flow §3), configured for the run's
/// tier and subtest (§4), each through a <see cref="WorkspacePlan"/> and a <see cref="RepositorySession"/>.
/// </summary>
public static class WorkspaceManager
{
    /// <summary>
    /// Creates the run's worktree at the experiment's commit on its own branch, configures it and commits the configuration.
    /// Everything is planned and checked first; on any later failure the worktree, branch and folder just made are
    /// removed.
    /// </summary>
    public static ScyllaWorkspace Create(Experiment experiment, string tier, string subtest, int runNumber,
        WorkspaceOptions options, CancellationToken cancellationToken = default)
    {
        Experiment.ValidateIds(tier, subtest);
        var (runDirectory, _) = experiment.LocateRun(tier, subtest, runNumber);
        var replaces = options.Force ? [Path.Combine(runDirectory, "workspace")] : Array.Empty<string>();
        var (plan, session) = WorkspacePlan.Make(experiment, tier, subtest, runNumber, runDirectory, options, replaces);
        using (session)
        {
            session.Create(plan, cancellationToken);
            return session.Describe(plan);
        }
    }

    /// <summary>The worktrees of the experiment's base repository that belong to this experiment's runs.</summary>
    public static IReadOnlyList<ScyllaWorkspace> List(Experiment experiment, WorkspaceOptions options)
    {
        using var session = RepositorySession.Open(BaseRepository.Locate(experiment, options.RepositoryPath), options);
        return session.List(experiment);
    }

    /// <summary>Removes the run's worktree (see <see cref="RepositorySession.Remove"/>).</summary>
    public static ScyllaWorkspace Remove(Experiment experiment, string tier, string subtest, int runNumber,
        WorkspaceOptions options, CancellationToken cancellationToken = default)
    {
        Experiment.ValidateIds(tier, subtest);
        using var session = RepositorySession.Open(BaseRepository.Locate(experiment, options.RepositoryPath), options);
        return session.Remove(experiment, tier, subtest, runNumber, cancellationToken);
    }

    /// <summary>The subtest's definition from the experiment's tier configuration.</summary>
    public static SubtestDefinition FindSubtest(Experiment experiment, string tier, string subtest)
    {
        if (experiment.Catalog.Source == TierCatalogSource.Disk)
        {
            throw new ScyllaException("TierConfigNotFound", ScyllaErrorKind.NotFound,
                $"No tier configuration is known for '{experiment.Path}', so the workspace cannot be configured. Pass -TierConfigPath (the folder with tiers.yaml and subtests/).", experiment.Path);
        }

        var file = experiment.Catalog.GetSubtests(tier).FirstOrDefault(s => s.Id == subtest)
            ?? throw new ScyllaException("SubtestNotFound", ScyllaErrorKind.NotFound, $"Sub-test {subtest} not found for tier {tier} in '{experiment.Catalog.Directory}'.", experiment.Catalog.Directory);
        return file.Load();
    }

    /// <summary>Python's <c>shlex.quote</c>.</summary>
    internal static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "@%+=:,./_-".Contains(c)) ? value : "'" + value.Replace("'", "'\"'\"'") + "'";
}
