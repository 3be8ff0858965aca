using Scylla.Core.Tiers;

namespace Scylla.Core.Tests;

public sealed class TierCatalogTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Subtests_are_listed_in_file_order_and_yaml_keys_read_with_defaults()
    {
        var catalog = TierCatalog.Locate(_temp.Path, TestTierConfig.Write(_temp.Combine("tier-config")));

        var baseline = catalog.GetSubtests("T0")[0].Load();
        var best = catalog.GetSubtests("T5")[0].Load();

        Assert.Equal(["00", "01", "06"], catalog.GetSubtests("T0").Select(s => s.Id));
        Assert.Equal(("No prompt", false, "none"), (baseline.Name, baseline.ExtendsPrevious, baseline.SystemPromptMode));
        Assert.Equal("[]", baseline.Resources["claude_md"]!["blocks"]!.ToJsonString());
        Assert.Equal(["T0"], best.InheritBestFrom);
        Assert.True(best.ExtendsPrevious);
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
        Assert.Equal(TierCatalogSource.Disk, TierCatalog.Locate(Fixtures.CompletedSample(_temp), string.Empty).Source);

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
