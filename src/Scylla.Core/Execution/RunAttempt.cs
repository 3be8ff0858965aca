using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Tiers;
using Scylla.Core.Workspaces;

namespace Scylla.Core.Execution;

/// <summary>
/// One re-run of one run while it passes through its stages: what the fresh read found, and what each stage hands to the
/// next. Resumed runs start with what is on disk (the agent result, the workspace), so every stage works from either.
/// </summary>
internal sealed class RunAttempt
{
    public RunAttempt(Experiment experiment, ScyllaRun run, RerunOptions options, RunLease lease,
        Action<RunAttempt, IReadOnlyList<RunState>, CancellationToken> save, CancellationToken cancellationToken)
    {
        Saves = new RunStateSaves((states, token) => save(this, states, token));
        Experiment = experiment;
        Run = run;
        Options = options;
        Lease = lease;
        CancellationToken = cancellationToken;
        RunDirectory = run.Path;
    }

    public Experiment Experiment { get; }

    /// <summary>The run as read from disk under the lease, before any stage.</summary>
    public ScyllaRun Run { get; }

    public RerunOptions Options { get; }

    public RunLease Lease { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Where the run's states go to be saved in <c>checkpoint.json</c> while its next stages run.</summary>
    public RunStateSaves Saves { get; }

    /// <summary>The run folder; it moves when the attempt starts afresh and when the phase layout promotes it.</summary>
    public string RunDirectory { get; set; }

    public string Workspace => Path.Combine(RunDirectory, RunFolder.Workspace);

    public string AgentDirectory => Path.Combine(RunDirectory, RunFolder.Agent);

    public string? ArchivePath { get; set; }

    public SubtestDefinition? Subtest { get; set; }

    /// <summary>The workspace the attempt makes, planned and checked in preflight.</summary>
    public WorkspacePlan? WorkspacePlan { get; set; }

    /// <summary>The run's one session on its base repository, opened in preflight when a stage needs it.</summary>
    public RepositorySession? Repository { get; set; }

    public string? TaskPrompt { get; set; }

    public IReadOnlyList<string>? AgentCommand { get; set; }

    /// <summary>The agent's result when the agent ran in this attempt; resumed runs read theirs from disk.</summary>
    public AgentResult? Agent { get; set; }

    public double AgentSeconds { get; set; }

    public string? Patch { get; set; }

    /// <summary>The judge slots (1-based) this attempt runs.</summary>
    public IReadOnlyList<int> JudgeSlots { get; set; } = [];

    public Judgment? Consensus { get; set; }

    public List<JudgeEntry>? Judges { get; set; }

    public double JudgeSeconds { get; set; }

    public RunState LastRecorded { get; set; }

    public int SlotCount => Experiment.Config.JudgeModels.Count;

    /// <summary>Where the run lives while it runs: in_progress/ (or completed/) in the phase layout, in place in the flat one.</summary>
    public string HomeIn(string phase) => Experiment.Layout == ExperimentLayout.Phase
        ? Path.Combine(Experiment.Path, phase, Run.Tier, Run.Subtest, Experiment.RunDirectoryName(Run.RunNumber))
        : Path.Combine(Experiment.Path, Run.Tier, Run.Subtest, Experiment.RunDirectoryName(Run.RunNumber));
}
