using System.Text.Json.Nodes;
using Scylla.Core.Experiments;
using Scylla.Core.Json;
using Scylla.Core.Results;
using Scylla.Core.Runs;
using Scylla.Core.Workspaces;

namespace Scylla.Core.Tests;

public sealed class ResultBuilderTests : IDisposable
{
    private static readonly string[] s_tierFiles = ["result.json", "best_subtest.json", "report.json"];

    /// <summary>
    /// A run inside a tier result is the run's own run_result.json; the Python model re-dumps it and, depending on its
    /// version, adds or drops these keys.
    /// </summary>
    private static readonly string[] s_extras = ["tokens_input", "tokens_output", "baseline_pipeline_summary"];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<ExperimentLayout> Layouts => new() { ExperimentLayout.Flat, ExperimentLayout.Phase };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Rebuilt_files_equal_the_python_aggregation_of_the_same_runs(ExperimentLayout layout)
    {
        var root = ResultSample.Write(_temp, layout);
        var experiment = Experiment.Open(root);

        var rebuild = ResultBuilder.RebuildExperiment(experiment);

        var tiersRoot = layout == ExperimentLayout.Flat ? root : Path.Combine(root, "completed");
        foreach (var (tier, subtests) in new[] { ("T0", new[] { "00", "01" }), ("T1", ["01", "02"]), ("T2", ["01"]) })
        {
            foreach (var file in s_tierFiles)
            {
                var actual = Path.Combine(tiersRoot, tier, file);
                JsonAssert.EqualFiles(ResultSample.Expected(tier, file), actual, [.. s_extras, "generated_at"]);
            }

            foreach (var subtest in subtests)
            {
                var actual = Path.Combine(tiersRoot, tier, subtest, "report.json");
                JsonAssert.EqualFiles(ResultSample.Expected(tier, subtest, "report.json"), actual, "generated_at");
            }
        }

        // The experiment's config is the file as written; times are kept from the result being replaced (none here).
        // The flat layout writes the tiers in the earlier form, with cost_of_pass (checked against the dryrun).
        var result = JsonAssert.Load(Path.Combine(root, "result.json"))!;
        var t0 = result["tier_results"]!["T0"]!.AsObject();
        Assert.Equal(layout == ExperimentLayout.Flat, t0.ContainsKey("cost_of_pass"));
        void Same(string file, params string[] ignored) =>
            JsonAssert.EqualFiles(ResultSample.Expected(file), Path.Combine(root, file), ignored);
        Same("result.json", [.. s_extras, "config", "cost_of_pass", "started_at", "completed_at",
            "total_duration_seconds"]);
        Same("tier_comparison.json");
        Same("report.json", "generated_at", "started_at", "completed_at", "total_duration", "report");
        Assert.Equal(["T0", "T1", "T2"], rebuild.Tiers.Select(t => t.Tier));
        var incomplete = Path.Combine("T1", "02", "run_04", "run_result.json");
        Assert.Contains(rebuild.Issues, i => i.Path.EndsWith(incomplete, StringComparison.Ordinal));
    }

    [Fact]
    public void The_tie_breaker_picks_fewer_tokens_and_a_tier_without_a_pass_has_no_cost_of_pass()
    {
        var experiment = Experiment.Open(ResultSample.Write(_temp, ExperimentLayout.Flat));

        var t0 = ResultBuilder.RebuildTier(experiment, "T0");
        var t2 = ResultBuilder.RebuildTier(experiment, "T2");

        var best = JsonAssert.Load(Path.Combine(experiment.Path, "T0", "best_subtest.json"))!;
        Assert.Equal("01", best["winning_subtest"]!.GetValue<string>());
        Assert.True(best["tiebreaker_needed"]!.GetValue<bool>());
        Assert.Equal("00", best["votes"]![0]!["subtest_id"]!.GetValue<string>());
        Assert.Equal("01", t0.BestSubtest("T0"));
        var t2Result = File.ReadAllText(Path.Combine(experiment.Path, "T2", "result.json"));
        Assert.Contains("\"cost_of_pass\": Infinity", t2Result, StringComparison.Ordinal);
        Assert.True(t2.HasBestSubtest("T2"));
        Assert.False(t2.HasBestSubtest("T0"));
    }

    [Fact]
    public void Plan_lists_the_files_and_writes_none()
    {
        var root = ResultSample.Write(_temp, ExperimentLayout.Phase);

        var plan = ResultBuilder.Plan(Experiment.Open(root), ResultScope.Experiment);
        var rebuild = ResultBuilder.RebuildExperiment(Experiment.Open(root));

        Assert.True(plan.Planned);
        Assert.Equal(rebuild.Paths, plan.Paths);
        Assert.Contains(Path.Combine(root, "completed", "T1", "best_subtest.json"), plan.Paths);
        Assert.DoesNotContain(plan.Paths, p => p.Contains("in_progress", StringComparison.Ordinal));
    }

    [Fact]
    public void A_planned_rebuild_leaves_every_file_byte_identical()
    {
        var root = ResultSample.Write(_temp, ExperimentLayout.Flat);
        var before = Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);

        ResultBuilder.Plan(Experiment.Open(root), ResultScope.Experiment);

        Assert.Equal(before.Keys.Order(), Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order());
        Assert.All(before, f => Assert.Equal(f.Value, File.ReadAllText(f.Key)));
    }

    [Fact]
    public void A_tier_rebuild_keeps_the_inherited_baseline_and_duration_of_the_file_it_replaces()
    {
        var experiment = Experiment.Open(ResultSample.Write(_temp, ExperimentLayout.Flat));
        var tierResult = Path.Combine(experiment.Path, "T1", "result.json");
        File.WriteAllText(tierResult, """
            {"tier_id": "T1", "best_subtest": "02", "inherited_from": {"tier_id": "T0", "subtest_id": "01"},
             "total_duration": 321.5}
            """);

        ResultBuilder.RebuildTier(experiment, "T1");

        var result = JsonAssert.Load(tierResult)!;
        Assert.Equal("01", result["best_subtest"]!.GetValue<string>());
        Assert.Equal(321.5, result["total_duration"]!.GetValue<double>());
        Assert.Equal("T0", result["inherited_from"]!["tier_id"]!.GetValue<string>());
    }

    [Fact]
    public void A_replaced_file_with_bare_non_finite_numbers_keeps_its_values_and_tier_order()
    {
        var experiment = Experiment.Open(ResultSample.Write(_temp, ExperimentLayout.Flat));
        var resultPath = Path.Combine(experiment.Path, "result.json");
        // Python writes bare NaN and Infinity; a string may spell them too (the reader skips those values).
        // The file is read in pieces: a string longer than a piece and tokens across their edges.
        var filler = string.Join(", ", Enumerable.Repeat("Infinity, -Infinity, NaN, \"NaN \\\" Infinity\"", 9000));
        File.WriteAllText(resultPath, $$$"""
            {"tier_results": {"T1": {"cost_of_pass": Infinity, "x": [{{{filler}}}]}, "T0": {"y": -Infinity}},
             "note": "{{{new string('N', 200_000)}}}", "total_duration_seconds": 77.25,
             "started_at": "2026-01-02T03:04:05+00:00", "inherited_from": {"tier_id": "T0", "n": [NaN, 1.5]},
             "frontier_cop": Infinity}
            """);

        ResultBuilder.RebuildExperiment(experiment);

        var result = JsonAssert.Load(resultPath)!;
        Assert.Equal(77.25, result["total_duration_seconds"]!.GetValue<double>());
        Assert.Equal("2026-01-02T03:04:05+00:00", result["started_at"]!.GetValue<string>());
        Assert.Equal(["T1", "T0"], result["tier_results"]!.AsObject().Select(t => t.Key).Take(2).ToArray());
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void T5_inheritance_reads_the_best_subtests_the_rebuild_wrote(ExperimentLayout layout)
    {
        var experiment = Experiment.Open(ResultSample.Write(_temp, layout));
        var tiersRoot = layout == ExperimentLayout.Flat ? experiment.Path : Path.Combine(experiment.Path, "completed");
        foreach (var (tier, subtest, skill) in new[] { ("T0", "01", "zero"), ("T1", "01", "one") })
        {
            var manifest = new JsonObject
            {
                ["tier_id"] = tier,
                ["subtest_id"] = subtest,
                ["resources"] = new JsonObject { ["skills"] = new JsonObject { ["names"] = new JsonArray(skill) } },
            };
            var manifestPath = Path.Combine(tiersRoot, tier, subtest, "config_manifest.json");
            File.WriteAllText(manifestPath, PythonJson.Serialize(manifest));
        }

        var failure = Assert.Throws<ScyllaException>(() => Inheritance.BuildMergedResources(experiment, ["T0", "T1"]));
        Assert.Equal("ParentTiersIncomplete", failure.ErrorId);

        Assert.True(ResultBuilder.RebuildTier(experiment, "T0").HasBestSubtest("T0"));
        Assert.True(ResultBuilder.RebuildTier(experiment, "T1").HasBestSubtest("T1"));
        var merged = Inheritance.BuildMergedResources(experiment, ["T0", "T1"]);

        var names = merged["skills"]!["names"]!.AsArray().Select(n => n!.GetValue<string>());
        Assert.Equal(["one", "zero"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_best_subtest_of_a_large_result_file_is_its_last_best_subtest_key_as_python_reads_it()
    {
        var experiment = Experiment.Open(Fixtures.Generate(_temp, [RunStatus.Completed], tiers: 1, runs: 1));
        var tier = Path.Combine(experiment.Path, "T0");
        File.WriteAllText(Path.Combine(tier, "best_subtest.json"), "{\"winning_subtest\": \"01\"}");
        // Runs enough to span several 64 KiB pieces, with Python's bare non-finite numbers and escaped quotes.
        var runs = string.Join(", ", Enumerable.Range(0, 8000).Select(i =>
            $"{{\"note\": \"a \\\"best_subtest\\\": NaN\", \"score\": {(i % 2 == 0 ? "NaN" : "-Infinity")}}}"));
        var large = $"{{\"best_subtest\": \"00\", \"tier_results\": {{\"runs\": [{runs}]}}, \"best_subtest\": \"02\"}}";
        Assert.True(large.Length > 4 * 64 * 1024);
        var cases = new (string Text, string Best)[]
        {
            ("\uFEFF" + large, "02"),
            (large.Replace("\"02\"}", "null}", StringComparison.Ordinal), "01"),
            (large.Replace("\"02\"}", "\"\"}", StringComparison.Ordinal), "01"),
            (large[..^1], "01"),
            ("[" + large + "]", "01"),
            ("{\"best_subtest\": {\"best_subtest\": \"00\"}}", "01"),
        };

        foreach (var (text, best) in cases)
        {
            File.WriteAllText(Path.Combine(tier, "result.json"), text);
            Assert.Equal(best, Inheritance.BestSubtestOnDisk(experiment, "T0"));
        }
    }

    [Fact]
    public void Exact_sums_added_in_pieces_give_the_mean_of_the_whole_list_as_python_does()
    {
        // Reference values printed by python3 (statistics.mean of the concatenated pieces).
        foreach (var (pieces, mean) in new (double[][] Pieces, double Mean)[]
        {
            ([[0.0, 1e-300], [3.0, 0.1], [1e300, -2.5]], 1.6666666666666668e+299),
            ([[0.1, 0.2], [], [0.9733333333333333, 0.7]], 0.4933333333333333),
            ([[1e300], [-1e300, 0.1], [0.2]], 0.07500000000000001),
        })
        {
            var total = new ExactSum();
            foreach (var piece in pieces)
            {
                var sum = new ExactSum();
                foreach (var value in piece)
                {
                    sum.Add(value);
                }

                total.Add(sum);
            }

            Assert.Equal(mean, total.Mean(pieces.Sum(p => p.Length)));
            Assert.Equal(mean, PythonStatistics.Mean(pieces.SelectMany(p => p).ToList()));
        }
    }

    [Fact]
    public void Statistics_round_like_python()
    {
        // Reference values printed by python3 3.11 (statistics.mean / stdev, format(x, ".3f") and ".1%").
        Assert.Equal(0.8277777777777777, PythonStatistics.Mean([0.81, 0.9733333333333333, 0.7]));
        Assert.Equal(0.13753114125468024, PythonStatistics.SampleStdDev([0.81, 0.9733333333333333, 0.7]));
        Assert.Equal(0.2, PythonStatistics.Mean([0.1, 0.2, 0.3]));
        Assert.Equal("0.125", PythonFormat.Fixed(0.125, 3));
        Assert.Equal("0.12", PythonFormat.Fixed(0.125, 2));
        Assert.Equal("66.7%", PythonFormat.Percent(2.0 / 3, 1));
        Assert.Equal("Infinity", PythonJson.Serialize(JsonValue.Create(double.PositiveInfinity)));
    }
}
