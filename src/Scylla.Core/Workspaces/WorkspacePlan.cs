using System.Text.Json.Nodes;
using Scylla.Core.Experiments;
using Scylla.Core.Tiers;

namespace Scylla.Core.Workspaces;

/// <summary>
/// Everything a run's workspace is made from, resolved and checked before anything is written (docs/format.md,
/// "Re-runs"): the subtest, T5's merged parents, the instruction wording, the base repository, the task commit and the
/// run's branch. <see cref="RepositorySession.Create"/> then does exactly this, without resolving anything again.
/// </summary>
public sealed class WorkspacePlan
{
    private WorkspacePlan(Experiment experiment, string tier, string subtest, int runNumber, string runDirectory)
    {
        Experiment = experiment;
        Tier = tier;
        Subtest = subtest;
        RunNumber = runNumber;
        RunDirectory = runDirectory;
    }

    public Experiment Experiment { get; }

    public string Tier { get; }

    public string Subtest { get; }

    public int RunNumber { get; }

    public string RunDirectory { get; }

    public string WorkspacePath => Path.Combine(RunDirectory, "workspace");

    public SubtestDefinition Definition { get; private init; } = null!;

    /// <summary>T5's resources inherited from the best subtests of its parent tiers; null for other subtests.</summary>
    public JsonObject? MergedParents { get; private init; }

    public InstructionWording Wording { get; private init; } = InstructionWording.Default;

    public BaseRepository Repository { get; private init; } = null!;

    /// <summary>The full id of the task commit the worktree starts at.</summary>
    public string Commit { get; private init; } = string.Empty;

    public string Branch { get; private init; } = string.Empty;

    /// <summary>
    /// Worktrees this one replaces (the run's previous ones): their registrations do not count as the branch in use.
    /// </summary>
    public IReadOnlyList<string> Replaces { get; private init; } = [];

    /// <summary>
    /// Resolves and checks the plan, opening the base repository for the run's one <see cref="RepositorySession"/>; the
    /// caller owns the session. <paramref name="replaces"/> are the run's workspaces that go before this one is made.
    /// </summary>
    public static (WorkspacePlan Plan, RepositorySession Session) Make(Experiment experiment, string tier,
        string subtest, int runNumber, string runDirectory, WorkspaceOptions options, IReadOnlyList<string> replaces)
    {
        Experiment.ValidateIds(tier, subtest);
        var definition = WorkspaceManager.FindSubtest(experiment, tier, subtest);
        var mergedParents = tier == "T5" && definition.InheritBestFrom.Count > 0
            ? Inheritance.BuildMergedResources(experiment, definition.InheritBestFrom)
            : null;
        var wording = string.IsNullOrEmpty(options.InstructionTemplatePath)
            ? InstructionWording.Default
            : InstructionWording.Load(options.InstructionTemplatePath);
        var workspace = Path.Combine(runDirectory, "workspace");
        if (!replaces.Any(r => WorktreeRegistrations.SamePath(r, workspace)))
        {
            RequireEmptyFolder(runDirectory, workspace);
        }

        var session = RepositorySession.Open(BaseRepository.Locate(experiment, options.RepositoryPath), options);
        try
        {
            var commit = session.FindCommit(experiment.Config.TaskCommit)
                ?? throw new ScyllaException("CommitNotFound", ScyllaErrorKind.NotFound,
                    $"The task commit {experiment.Config.TaskCommit} is not in the base repository "
                    + $"'{session.Base.Path}'.",
                    session.Base.Path);
            var branch = session.Base.BranchName(experiment.Config.ExperimentId, tier, subtest, runNumber);
            session.RequireBranchFree(branch, replaces);
            var plan = new WorkspacePlan(experiment, tier, subtest, runNumber, runDirectory)
            {
                Definition = definition,
                MergedParents = mergedParents,
                Wording = wording,
                Repository = session.Base,
                Commit = commit,
                Branch = branch,
                Replaces = replaces,
            };
            return (plan, session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The configurator for this plan's tier configuration, thinking mode and wording.</summary>
    internal WorkspaceConfigurator Configurator() =>
        new(Experiment.Catalog.Directory!, Experiment.Config.ThinkingMode != "None", Wording);

    private static void RequireEmptyFolder(string runDirectory, string workspace)
    {
        if (File.Exists(runDirectory) || File.Exists(workspace))
        {
            var file = File.Exists(runDirectory) ? runDirectory : workspace;
            throw new ScyllaException("WorkspacePathIsFile", ScyllaErrorKind.InvalidArgument,
                $"'{file}' is a file, so the workspace cannot be created there.", file);
        }

        if (Directory.Exists(workspace) && Directory.EnumerateFileSystemEntries(workspace).Any())
        {
            throw new ScyllaException("WorkspaceNotEmpty", ScyllaErrorKind.InvalidOperation,
                $"The workspace folder '{workspace}' already holds files; it is never overwritten. "
                + "Pass -Force to replace it, or Remove-ScyllaWorkspace first.", workspace);
        }
    }
}
