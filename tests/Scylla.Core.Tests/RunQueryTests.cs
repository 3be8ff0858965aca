using Scylla.Core.Experiments;
using Scylla.Core.Runs;

namespace Scylla.Core.Tests;

/// <summary>Filters spelled as the experiment spells its ids, and an error for each value it does not have.</summary>
public sealed class RunQueryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Numeric_subtests_find_the_subtest_of_that_number()
    {
        var experiment = Experiment.Open(Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 3, runs: 1));
        var errors = new List<ScyllaException>();

        var query = new RunQuery { Subtests = ["0", "1", "002"] }.Resolve(experiment, errors.Add);

        Assert.Empty(errors);
        Assert.Equal(["T0/00/run_01", "T0/01/run_01", "T0/02/run_01"], RunScanner.Scan(experiment, query, _ => { }).Select(r => r.RunId));
    }

    [Fact]
    public void Values_the_experiment_does_not_have_are_errors_naming_the_values_it_has_and_match_nothing()
    {
        var experiment = Experiment.Open(Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 2, subtests: 2, runs: 3));
        var errors = new List<ScyllaException>();

        var tiers = new RunQuery { Tiers = ["T9", "t1"] }.Resolve(experiment, errors.Add);
        var subtests = new RunQuery { Tiers = ["T0"], Subtests = ["07"] }.Resolve(experiment, errors.Add);
        var runs = new RunQuery { Subtests = ["1"], RunNumbers = [2, 11] }.Resolve(experiment, errors.Add);

        Assert.Equal(["TierNotInExperiment", "SubtestNotInExperiment", "RunNumberNotInExperiment"], errors.Select(e => e.ErrorId));
        Assert.Contains("its tiers are T0, T1", errors[0].Message);
        Assert.Contains("its subtests are 00, 01", errors[1].Message);
        Assert.Contains("run 11", errors[2].Message);
        Assert.Contains("its run numbers there are 1-3", errors[2].Message);
        Assert.All(errors, e => Assert.Equal(experiment.Path, e.TargetPath));
        Assert.All(RunScanner.Scan(experiment, tiers, _ => { }), r => Assert.Equal("T1", r.Tier));
        Assert.Empty(RunScanner.Scan(experiment, subtests, _ => { }));
        Assert.Equal(["T0/01/run_02", "T1/01/run_02"], RunScanner.Scan(experiment, runs, _ => { }).Select(r => r.RunId));
    }

    [Fact]
    public void One_run_resolves_to_the_experiments_spelling_or_throws()
    {
        var experiment = Experiment.Open(Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 2, runs: 2));

        Assert.Equal(("T0", "01"), RunQuery.ResolveRun(experiment, "t0", "1", 2));
        Assert.Equal("RunNumberNotInExperiment", Assert.Throws<ScyllaException>(() => RunQuery.ResolveRun(experiment, "T0", "01", 3)).ErrorId);
    }

    [Fact]
    public void The_same_experiment_spelled_with_a_trailing_separator_opens_at_the_same_path()
    {
        var path = Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, subtests: 1, runs: 1);

        Assert.Equal(Experiment.Open(path).Path, Experiment.Open(path + "/").Path);
    }
}
