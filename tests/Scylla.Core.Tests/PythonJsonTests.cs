using System.Text.Json.Nodes;
using Scylla.Core.Json;

namespace Scylla.Core.Tests;

public class PythonJsonTests
{
    [Fact]
    public void Duplicate_keys_keep_the_first_position_and_the_last_value()
    {
        var node = PythonJson.Parse("{\"1\": \"failed\", \"2\": \"passed\", \"1\": \"passed\"}");

        Assert.Equal("{\"1\": \"passed\", \"2\": \"passed\"}", PythonJson.SerializeSorted(node));
        Assert.Equal(["1", "2"], node!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Bare_Infinity_and_NaN_are_read_as_null_but_not_inside_strings()
    {
        var node = PythonJson.Parse("{\"cost_of_pass\": Infinity, \"x\": -Infinity, \"y\": NaN, \"s\": \"Infinity NaN\"}")!.AsObject();

        Assert.Null(node["cost_of_pass"]);
        Assert.Null(node["x"]);
        Assert.Null(node["y"]);
        Assert.Equal("Infinity NaN", node["s"]!.GetValue<string>());
    }

    [Fact]
    public void Sorted_form_matches_python_json_dumps_with_sort_keys()
    {
        var node = new JsonObject { ["b"] = new JsonArray(1, 2), ["a"] = null, ["c"] = "\u2264\"", ["d"] = true, ["e"] = 0.5, ["f"] = 3.0 };

        Assert.Equal("{\"a\": null, \"b\": [1, 2], \"c\": \"\\u2264\\\"\", \"d\": true, \"e\": 0.5, \"f\": 3.0}", PythonJson.SerializeSorted(node));
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.9733333333333333, "0.9733333333333333")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(-2.5, "-2.5")]
    public void Floats_use_python_repr(double value, string expected) => Assert.Equal(expected, PythonJson.FormatFloat(value));

    [Fact]
    public void Empty_containers_and_nesting_use_python_indentation()
    {
        var node = new JsonObject { ["a"] = new JsonObject(), ["b"] = new JsonArray(), ["c"] = new JsonObject { ["d"] = 1 } };

        Assert.Equal("{\n  \"a\": {},\n  \"b\": [],\n  \"c\": {\n    \"d\": 1\n  }\n}", PythonJson.Serialize(node));
    }

    [Theory]
    [InlineData(0, "2026-01-20T06:13:51+00:00")]
    [InlineData(7425810, "2026-01-20T06:13:51.742581+00:00")]
    public void Timestamps_omit_a_zero_fraction_like_isoformat(long ticks, string expected) =>
        Assert.Equal(expected, PythonJson.IsoTimestamp(new DateTimeOffset(2026, 1, 20, 6, 13, 51, TimeSpan.Zero).AddTicks(ticks)));
}
