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

        Assert.Empty(rebuild.Issues);
        foreach (var tier in TierId.All)
        {
            var subtest = tier == "T0" ? "00" : "01";
            JsonAssert.EqualFiles(Path.Combine(Fixtures.Dryrun, tier, "result.json"), Path.Combine(copy, tier, "result.json"));
            JsonAssert.EqualFiles(Path.Combine(Fixtures.Dryrun, tier, "best_subtest.json"), Path.Combine(copy, tier, "best_subtest.json"));
            JsonAssert.EqualFiles(Path.Combine(Fixtures.Dryrun, tier, "report.json"), Path.Combine(copy, tier, "report.json"), "generated_at");
            JsonAssert.EqualFiles(Path.Combine(Fixtures.Dryrun, tier, subtest, "report.json"), Path.Combine(copy, tier, subtest, "report.json"), "generated_at");
            Assert.True(rebuild.HasBestSubtest(tier));
        }

        JsonAssert.EqualFiles(Path.Combine(Fixtures.Dryrun, "result.json"), Path.Combine(copy, "result.json"));
        JsonAssert.EqualFiles(Path.Combine(Fixtures.Dryrun, "tier_comparison.json"), Path.Combine(copy, "tier_comparison.json"));
        JsonAssert.EqualFiles(Path.Combine(Fixtures.Dryrun, "report.json"), Path.Combine(copy, "report.json"), "generated_at");
        Assert.Equal(File.ReadAllText(Path.Combine(Fixtures.Dryrun, "result.json")), File.ReadAllText(Path.Combine(copy, "result.json.backup")));
    }

    [Fact]
    public void Rebuilt_tier_files_keep_the_python_byte_format()
    {
        var copy = Fixtures.CopyDryrun(_temp);

        ResultBuilder.RebuildTier(Experiment.Open(copy), "T0");

        // The fixture's files end in a newline the Python writer does not add (the fixture repository adds it).
        foreach (var file in new[] { "result.json", "best_subtest.json" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(Fixtures.Dryrun, "T0", file)).TrimEnd('\n'), File.ReadAllText(Path.Combine(copy, "T0", file)));
        }
    }
}
