using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scylla.Core.Tiers;

/// <summary>One <c>subtests/tN/NN-*.yaml</c> file, read with upstream's defaults (formats.md §8.2).</summary>
public sealed class SubtestDefinition
{
    private static readonly string[] s_resourceOverrides = ["mcp_servers", "tools", "agents", "skills"];

    private static readonly (string Section, string Key)[] s_pathNames =
        [("claude_md", "blocks"), ("skills", "categories"), ("skills", "names"), ("agents", "names"), ("agents", "levels")];

    private static readonly char[] s_unsafeNameCharacters = ['/', '\\', '\0', '*', '?'];

    private SubtestDefinition(string tier, string id, string filePath, JsonObject yaml)
    {
        Tier = tier;
        Id = id;
        FilePath = filePath;
        var stem = Path.GetFileNameWithoutExtension(filePath);
        Name = String(yaml, "name") ?? $"{tier} Sub-test {id}";
        Description = String(yaml, "description") ?? $"Sub-test configuration {stem}";
        ExtendsPrevious = Bool(filePath, yaml, "extends_previous") ?? (tier != "T0" || int.Parse(id) >= 2);
        AgentTeams = Bool(filePath, yaml, "agent_teams") ?? false;
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
            ? parents.Select(p => TierId.IsValid(p?.ToString().ToUpperInvariant()) ? p!.ToString().ToUpperInvariant()
                : throw Invalid(filePath, $"'inherit_best_from' names {p?.ToJsonString() ?? "null"}, not one of {string.Join(", ", TierId.All)}"))
                .ToArray()
            : [];
        ValidateResourceNames(filePath, Resources);
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
            yaml = YamlToJson.Load(IO.SmallFile.ReadText(filePath));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw Invalid(filePath, e.Message, e);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Invalid(filePath, "the file is gone", e);
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

    private static bool? Bool(string filePath, JsonObject yaml, string key) => yaml[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw Invalid(filePath, $"'{key}' must be true or false, not {yaml[key]!.ToJsonString()}"),
    };

    /// <summary>
    /// The resource names that become paths inside the tier configuration (block ids, skill categories and names, agent
    /// names and levels) must stay inside it: no separators, no '..', no wildcards. Checked at load (and on the parent
    /// manifests T5 inherits), so a subtest that would copy a file from elsewhere into a workspace is refused before
    /// anything is written.
    /// </summary>
    internal static void ValidateResourceNames(string filePath, JsonObject resources)
    {
        foreach (var (section, key) in s_pathNames)
        {
            if (resources[section] is not JsonObject spec || spec[key] is not { } names)
            {
                continue;
            }

            foreach (var name in names as JsonArray ?? throw Invalid(filePath, $"'{section}.{key}' must be a list, not {names.ToJsonString()}"))
            {
                var isScalar = name is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number;
                var text = isScalar ? name!.ToString() : null;
                if (text is null or "" or "." or ".." || text.Contains("..", StringComparison.Ordinal) || text.IndexOfAny(s_unsafeNameCharacters) >= 0)
                {
                    throw Invalid(filePath, $"'{section}.{key}' holds {name?.ToJsonString() ?? "null"}, which is not a plain name inside the tier configuration folder");
                }
            }
        }
    }

    private static ScyllaException Invalid(string path, string reason, Exception? inner = null) =>
        new("InvalidSubtestDefinition", ScyllaErrorKind.InvalidData, $"Subtest definition '{path}' is invalid: {reason}.", path, inner);
}
