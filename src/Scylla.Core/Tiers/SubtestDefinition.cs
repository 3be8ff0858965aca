using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scylla.Core.Tiers;

/// <summary>One <c>subtests/tN/NN-*.yaml</c> file, read with upstream's defaults (formats.md §8.2).</summary>
public sealed class SubtestDefinition
{
    private static readonly string[] s_resourceOverrides = ["mcp_servers", "tools", "agents", "skills"];

    private SubtestDefinition(string tier, string id, string filePath, JsonObject yaml)
    {
        Tier = tier;
        Id = id;
        FilePath = filePath;
        var stem = Path.GetFileNameWithoutExtension(filePath);
        Name = String(yaml, "name") ?? $"{tier} Sub-test {id}";
        Description = String(yaml, "description") ?? $"Sub-test configuration {stem}";
        ExtendsPrevious = Bool(yaml, "extends_previous") ?? (tier != "T0" || int.Parse(id) >= 2);
        AgentTeams = Bool(yaml, "agent_teams") ?? false;
        SystemPromptMode = String(yaml, "system_prompt_mode") ?? "custom";
        Resources = yaml["resources"] switch
        {
            JsonObject resources => (JsonObject)resources.DeepClone(),
            null when !yaml.ContainsKey("resources") => new JsonObject(),
            _ => throw Invalid(filePath, "'resources' must be a mapping"),
        };
        foreach (var key in s_resourceOverrides)
        {
            if (IsTruthy(yaml[key]))
            {
                Resources[key] = yaml[key]!.DeepClone();
            }
        }

        InheritBestFrom = yaml["inherit_best_from"] is JsonArray parents
            ? parents.Select(p => TierId.Parse(p?.ToString() ?? string.Empty)).ToArray()
            : [];
    }

    public string Tier { get; }

    public string Id { get; }

    public string FilePath { get; }

    public string Name { get; }

    public string Description { get; }

    public bool ExtendsPrevious { get; }

    public bool AgentTeams { get; }

    public string SystemPromptMode { get; }

    /// <summary>The resources spec (formats.md §8.3), with the top-level overrides applied.</summary>
    public JsonObject Resources { get; }

    public IReadOnlyList<string> InheritBestFrom { get; }

    public static SubtestDefinition Load(string tier, string id, string filePath)
    {
        JsonNode? yaml;
        try
        {
            yaml = YamlToJson.Load(File.ReadAllText(filePath));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw Invalid(filePath, e.Message, e);
        }

        return yaml switch
        {
            null => new SubtestDefinition(tier, id, filePath, new JsonObject()),
            JsonObject mapping => new SubtestDefinition(tier, id, filePath, mapping),
            _ => throw Invalid(filePath, "the document is not a mapping"),
        };
    }

    private static bool IsTruthy(JsonNode? node) => node switch
    {
        null => false,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        _ => true,
    };

    private static string? String(JsonObject yaml, string key) => yaml[key]?.ToString();

    private static bool? Bool(JsonObject yaml, string key) => yaml[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw Invalid(yaml["name"]?.ToString() ?? key, $"'{key}' must be true or false"),
    };

    private static ScyllaException Invalid(string path, string reason, Exception? inner = null) =>
        new("InvalidSubtestDefinition", ScyllaErrorKind.InvalidData, $"Subtest definition '{path}' is invalid: {reason}.", path, inner);
}
