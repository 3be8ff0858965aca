using Scylla.Core.Json;
using Scylla.Core.Tiers;

namespace Scylla.Core.Tests;

/// <summary>
/// Plain scalars are typed as the Python tool's loader types them (PyYAML 6, YAML 1.1). Each expected value is what
/// <c>json.dumps(yaml.safe_load("a: " + text)["a"])</c> printed with PyYAML 6.0.3 (dates, which PyYAML turns into
/// date objects, stay text here).
/// </summary>
public class YamlRulesTests
{
    [Theory]
    [InlineData("yes", "true")]
    [InlineData("No", "false")]
    [InlineData("on", "true")]
    [InlineData("OFF", "false")]
    [InlineData("y", "\"y\"")]
    [InlineData("n", "\"n\"")]
    [InlineData("FALSE", "false")]
    [InlineData("010", "8")]
    [InlineData("0o10", "\"0o10\"")]
    [InlineData("0x1F", "31")]
    [InlineData("-0x1f", "-31")]
    [InlineData("0b101", "5")]
    [InlineData("1_000", "1000")]
    [InlineData("190:20:30", "685230")]
    [InlineData("12:30", "750")]
    [InlineData("1:60", "\"1:60\"")]
    [InlineData("08", "\"08\"")]
    [InlineData("00", "0")]
    [InlineData("-0", "0")]
    [InlineData("+12", "12")]
    [InlineData("1.5", "1.5")]
    [InlineData("1.", "1.0")]
    [InlineData(".5", "0.5")]
    [InlineData("1e3", "\"1e3\"")]
    [InlineData("1.0e+3", "1000.0")]
    [InlineData("1.0e3", "\"1.0e3\"")]
    [InlineData("0.1_5", "0.15")]
    [InlineData(".inf", "Infinity")]
    [InlineData("-.Inf", "-Infinity")]
    [InlineData("+.INF", "Infinity")]
    [InlineData(".nan", "NaN")]
    [InlineData("~", "null")]
    [InlineData("Null", "null")]
    [InlineData("", "null")]
    [InlineData("2001-12-14", "\"2001-12-14\"")]
    [InlineData("abc", "\"abc\"")]
    [InlineData("'010'", "\"010\"")]
    [InlineData("\"yes\"", "\"yes\"")]
    [InlineData("!!str 010", "\"010\"")]
    [InlineData("!!int \"12\"", "12")]
    [InlineData("!!float 1", "1.0")]
    [InlineData("!!bool \"on\"", "true")]
    [InlineData("!!null x", "null")]
    public void Scalars_are_typed_as_PyYAML_types_them(string text, string expectedJson)
    {
        var value = YamlToJson.Load("a: " + text)!.AsObject()["a"];

        Assert.Equal(expectedJson, PythonJson.Serialize(value));
    }

    [Fact]
    public void Merge_keys_bring_in_the_anchored_mapping_and_own_keys_win()
    {
        var root = YamlToJson.Load("base: &b {x: 1, y: 2}\nboth: &c {y: 3, z: 4}\nmine:\n  <<: [*b, *c]\n  x: 9\n")!.AsObject();

        // PyYAML: {'y': 2, 'z': 4, 'x': 9} (the earlier mapping of the list wins over the later one).
        Assert.Equal(["y=2", "z=4", "x=9"], root["mine"]!.AsObject().Select(p => $"{p.Key}={p.Value}"));
    }

    [Fact]
    public void Keys_are_spelled_as_Python_prints_the_loaded_key()
    {
        var root = YamlToJson.Load("yes: 1\n1: 2\n~: 3\n1.5: 4\n")!.AsObject();

        Assert.Equal(["True", "1", "None", "1.5"], root.Select(p => p.Key));
    }

    [Fact]
    public void A_subtest_whose_extends_previous_is_yes_extends_it()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("02-x.yaml");
        File.WriteAllText(file, "extends_previous: no\nagent_teams: on\n");

        var subtest = SubtestDefinition.Load("T1", "02", file);

        Assert.False(subtest.ExtendsPrevious);
        Assert.True(subtest.AgentTeams);
    }
}
