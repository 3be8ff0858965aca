using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.Json;

namespace Scylla.Core.Tests;

/// <summary>Compares two JSON documents key by key (key order aside), naming the first path that differs.</summary>
public static class JsonAssert
{
    public static JsonNode? Load(string path) => PythonJson.Parse(File.ReadAllText(path));

    /// <summary>Asserts equality; keys named in <paramref name="ignored"/> (at any depth) are skipped.</summary>
    public static void EqualFiles(string expectedPath, string actualPath, params string[] ignored) =>
        Compare(Load(expectedPath), Load(actualPath), Path.GetFileName(actualPath), ignored);

    private static void Compare(JsonNode? expected, JsonNode? actual, string path, string[] ignored)
    {
        switch (expected)
        {
            case JsonObject e:
                var a = Assert.IsType<JsonObject>(actual);
                var keys = e.Select(p => p.Key).Where(k => !ignored.Contains(k)).ToList();
                Assert.True(keys.Order().SequenceEqual(a.Select(p => p.Key).Where(k => !ignored.Contains(k)).Order()),
                    $"{path}: keys differ: expected [{string.Join(", ", keys)}], "
                    + $"got [{string.Join(", ", a.Select(p => p.Key))}]");
                foreach (var key in keys)
                {
                    Compare(e[key], a[key], $"{path}.{key}", ignored);
                }

                break;
            case JsonArray e:
                var array = Assert.IsType<JsonArray>(actual);
                Assert.True(e.Count == array.Count, $"{path}: expected {e.Count} items, got {array.Count}");
                for (var i = 0; i < e.Count; i++)
                {
                    Compare(e[i], array[i], $"{path}[{i}]", ignored);
                }

                break;
            case null:
                Assert.True(actual == null, $"{path}: expected null, got {actual?.ToJsonString()}");
                break;
            default:
                var shown = $"{path}: expected {expected.ToJsonString()}, got {actual?.ToJsonString() ?? "null"}";
                Assert.True(actual is JsonValue, shown);
                var kind = expected.GetValueKind();
                if (kind == JsonValueKind.Number)
                {
                    var number = actual!.GetValueKind() == JsonValueKind.Number;
                    Assert.True(number && expected.GetValue<double>() == actual.GetValue<double>(), shown);
                }
                else
                {
                    var same = kind == actual!.GetValueKind() && expected.ToJsonString() == actual.ToJsonString();
                    Assert.True(same, shown);
                }

                break;
        }
    }
}
