using Scylla.Core.Checkpoints;
using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Samples;

namespace Scylla.Core.Tests;

/// <summary>Fault injection: a re-run stopped at each of its stages, then re-run to the end.</summary>
[Collection(GitCollection.Name)]
public sealed class RerunFaultTests : IDisposable
{
    private static readonly string s_fakes = Path.Combine(Fixtures.RepositoryRoot, "examples", "fake-claude");
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Every stage of a re-run of a Failed run with 3 judges, in both layouts (the promotion does nothing in the flat one).</summary>
    public static TheoryData<string, int> Stages()
    {
        var data = new TheoryData<string, int>();
        foreach (var layout in new[] { "Flat", "Phase" })
        {
            for (var stage = 1; stage <= 15; stage++)
            {
                data.Add(layout, stage);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void A_rerun_stopped_at_stage_k_is_completed_by_the_next_one_and_keeps_its_archives(string layout, int stopAt)
    {
        var path = _temp.Combine("exp");
        SampleExperimentGenerator.Generate(new SampleExperimentSpec { Path = path, TierCount = 1, SubtestsPerTier = 1, RunsPerSubtest = 1, StatusPattern = [RunStatus.Failed], WithRepository = true, Layout = Enum.Parse<ExperimentLayout>(layout) });
        var experiment = Experiment.Open(path, Path.Combine(path, SampleExperimentGenerator.TierConfigFolder));
        var options = new RerunOptions { AgentPath = Path.Combine(s_fakes, "agent.sh"), JudgePath = Path.Combine(s_fakes, "judge.sh"), JudgeSystemPromptPath = Path.Combine(s_fakes, "judge.sh") };
        ScyllaRun Run() => RunScanner.Scan(experiment, RunQuery.All, _ => { }).Single();
        var address = new RunReference(path, "T0", "00", 1);
        var rerunner = new Rerunner(options);

        using var stop = new CancellationTokenSource();
        var seen = new List<string>();
        var first = rerunner.Execute(experiment, address, stage => { seen.Add(stage); if (seen.Count == stopAt) { stop.Cancel(); } }, stop.Token);
        var stateAfterStop = CheckpointStore.TryLoad(path)!.GetRunState("T0", "00", 1);
        var second = rerunner.Execute(experiment, address, _ => { }, CancellationToken.None);

        var stoppedAt = seen[stopAt - 1];
        if (stoppedAt is "write the results" or "release the worktree")
        {
            // Past the judges a stop no longer interrupts: the run finishes, and the next re-run has nothing to do.
            Assert.Equal((RerunOutcome.Succeeded, RerunOutcome.Skipped, "RunAlreadyCompleted"), (first.Outcome, second.Outcome, second.ErrorId));
        }
        else
        {
            Assert.True(first.Outcome == RerunOutcome.Interrupted, $"stopped at '{stoppedAt}' (stage {stopAt}) but the outcome was {first.Outcome}: {first.ErrorMessage}");
            Assert.Equal(stopAt, seen.Count); // no later stage started
            Assert.NotEqual("failed", stateAfterStop);
            Assert.True(second.Outcome == RerunOutcome.Succeeded, $"after a stop at '{stoppedAt}' ({stateAfterStop}): {second.Action} {second.Outcome}: {second.ErrorMessage}");
        }

        Assert.Equal(RunStatus.Completed, Run().Status);
        var archive = Path.Combine(Path.GetDirectoryName(Run().Path)!.Replace(Experiment.CompletedFolder, Experiment.InProgressFolder), ".failed", "run_01");
        Assert.True(File.Exists(Path.Combine(archive, "agent", "stderr.log")), "the original failed run stays archived");
        Assert.Equal("worktree_cleaned", CheckpointStore.TryLoad(path)!.GetRunState("T0", "00", 1));
    }
}
