using Scylla.Core.Tiers;

namespace Scylla.Core.Tests;

public sealed class TierCatalogTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TierCatalog _fixture = TierCatalog.Locate(Fixtures.Dryrun, Fixtures.TierConfig);

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("T0", 24, "00", "23")]
    [InlineData("T3", 41, "01", "41")]
    [InlineData("T4", 14, "01", "14")]
    [InlineData("T6", 1, "01", "01")]
    public void Subtests_of_the_real_tier_configuration(string tier, int count, string first, string last)
    {
        var subtests = _fixture.GetSubtests(tier);

        Assert.Equal(count, subtests.Count);
        Assert.Equal((first, last), (subtests[0].Id, subtests[^1].Id));
    }

    [Fact]
    public void Discovery_ignores_yml_and_non_numeric_names_and_reports_duplicate_ids()
    {
        var folder = Directory.CreateDirectory(_temp.Combine("subtests", "t2")).FullName;
        foreach (var name in new[] { "01-a.yaml", "01-b.yaml", "02-x.yml", "ab-c.yaml", "3-short.yaml", "100-long.yaml" })
        {
            File.WriteAllText(Path.Combine(folder, name), "name: n\n");
        }

        var duplicates = new List<string>();
        var ids = TierCatalog.Locate(_temp.Path, _temp.Path).GetSubtests("T2", (path, _) => duplicates.Add(Path.GetFileName(path))).Select(s => s.Id);

        Assert.Equal(["01", "10"], ids);
        Assert.Equal(["01-b.yaml"], duplicates);
    }

    [Fact]
    public void A_missing_tier_folder_means_no_subtests_and_a_bad_explicit_path_is_an_error()
    {
        Directory.CreateDirectory(_temp.Combine("subtests"));

        Assert.Empty(TierCatalog.Locate(_temp.Path, _temp.Path).GetSubtests("T5"));
        Assert.Equal("TierConfigNotFound", Assert.Throws<ScyllaException>(() => TierCatalog.Locate(_temp.Path, _temp.Combine("nowhere"))).ErrorId);
    }

    [Fact]
    public void An_empty_explicit_path_means_none_given_as_PowerShell_passes_null_strings_as_empty() =>
        Assert.Equal(TierCatalogSource.Disk, TierCatalog.Locate(Fixtures.Dryrun, string.Empty).Source);

    [Fact]
    public void Subtest_yaml_keys_and_defaults()
    {
        var t0Empty = _fixture.GetSubtests("T0")[0].Load();
        var t1Skills = _fixture.GetSubtests("T1")[0].Load();
        var t5Best = _fixture.GetSubtests("T5")[0].Load();

        Assert.Equal(("Empty System Prompt", false, "none"), (t0Empty.Name, t0Empty.ExtendsPrevious, t0Empty.SystemPromptMode));
        Assert.Equal("[]", t0Empty.Resources["claude_md"]!["blocks"]!.ToJsonString());
        Assert.Equal("[\"agent\"]", t1Skills.Resources["skills"]!["categories"]!.ToJsonString());
        Assert.Equal(["T0"], t5Best.InheritBestFrom);
        Assert.True(t5Best.ExtendsPrevious);
    }

    [Fact]
    public void Empty_yaml_takes_defaults_and_top_level_resources_override()
    {
        var folder = Directory.CreateDirectory(_temp.Combine("subtests", "t0")).FullName;
        File.WriteAllText(Path.Combine(folder, "01-empty.yaml"), string.Empty);
        File.WriteAllText(Path.Combine(folder, "02-tools.yaml"), "resources:\n  tools: {enabled: all}\ntools:\n  enabled: [Read]\nagent_teams: true\n");
        var catalog = TierCatalog.Locate(_temp.Path, _temp.Path);

        var empty = catalog.GetSubtests("T0")[0].Load();
        var tools = catalog.GetSubtests("T0")[1].Load();

        Assert.Equal(("T0 Sub-test 01", "Sub-test configuration 01-empty", false), (empty.Name, empty.Description, empty.ExtendsPrevious));
        Assert.True(tools.ExtendsPrevious);
        Assert.True(tools.AgentTeams);
        Assert.Equal("{\"enabled\":[\"Read\"]}", tools.Resources["tools"]!.ToJsonString());
    }

    [Fact]
    public void An_invalid_inherit_tier_is_refused()
    {
        var folder = Directory.CreateDirectory(_temp.Combine("subtests", "t5")).FullName;
        File.WriteAllText(Path.Combine(folder, "01-bad.yaml"), "inherit_best_from: [T9]\n");

        Assert.Throws<ScyllaException>(() => TierCatalog.Locate(_temp.Path, _temp.Path).GetSubtests("T5")[0].Load());
    }
}
