using Scylla.Core.Experiments;
using Scylla.Core.Results;
using Scylla.Core.Tiers;

namespace Scylla.Core.Tests;

/// <summary>Rebuilt result files against the ones the Python tool wrote for the dryrun (needs ../shared).</summary>
[Trait("Suite", "Shared")]
public sealed class ResultDryrunTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Every_rebuilt_file_equals_the_one_the_python_tool_wrote_key_by_key()
    {
        var copy = Fixtures.CopyDryrun(_temp);

        var rebuild = ResultBuilder.RebuildExperiment(Experiment.Open(copy));

        void Same(string relative, params string[] ignored) =>
            JsonAssert.EqualFiles(Path.Combine(Fixtures.Dryrun, relative), Path.Combine(copy, relative), ignored);

        Assert.Empty(rebuild.Issues);
        foreach (var tier in TierId.All)
        {
            var subtest = tier == "T0" ? "00" : "01";
            Same(Path.Combine(tier, "result.json"));
            Same(Path.Combine(tier, "best_subtest.json"));
            Same(Path.Combine(tier, "report.json"), "generated_at");
            Same(Path.Combine(tier, subtest, "report.json"), "generated_at");
            Assert.True(rebuild.HasBestSubtest(tier));
        }

        Same("result.json");
        Same("tier_comparison.json");
        Same("report.json", "generated_at");
        var original = File.ReadAllText(Path.Combine(Fixtures.Dryrun, "result.json"));
        Assert.Equal(original, File.ReadAllText(Path.Combine(copy, "result.json.backup")));
    }

    [Fact]
    public void Rebuilt_tier_files_keep_the_python_byte_format()
    {
        var copy = Fixtures.CopyDryrun(_temp);

        ResultBuilder.RebuildTier(Experiment.Open(copy), "T0");

        // The fixture's files end in a newline the Python writer does not add (the fixture repository adds it).
        foreach (var file in new[] { "result.json", "best_subtest.json" })
        {
            var expected = File.ReadAllText(Path.Combine(Fixtures.Dryrun, "T0", file)).TrimEnd('\n');
            Assert.Equal(expected, File.ReadAllText(Path.Combine(copy, "T0", file)));
        }
    }
}
