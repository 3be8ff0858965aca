using System.Text.Json.Nodes;

namespace Scylla.Core.Tiers;

/// <summary>Where an experiment's subtests come from.</summary>
public enum TierCatalogSource
{
    /// <summary>The directory given by the user (<c>-TierConfigPath</c>).</summary>
    Explicit,

    /// <summary>Found next to the experiment the way upstream searches (formats.md §2.4).</summary>
    AutoDetected,

    /// <summary>No tier configuration: the subtests are the subtest directories found in the experiment.</summary>
    Disk,
}

/// <summary>One subtest file of the catalog: its tier, its id and the YAML that defines it.</summary>
public sealed record SubtestFile(string Tier, string Id, string FilePath)
{
    public SubtestDefinition Load() => SubtestDefinition.Load(Tier, Id, FilePath);
}

/// <summary>The tier configuration directory (<c>tiers.yaml</c>, <c>subtests/</c>, <c>blocks/</c>, <c>agents/</c>, <c>skills/</c>).</summary>
public sealed class TierCatalog
{
    private readonly Dictionary<string, IReadOnlyList<SubtestFile>> _subtests = new(StringComparer.Ordinal);

    private TierCatalog(string? directory, TierCatalogSource source)
    {
        Directory = directory;
        Source = source;
    }

    /// <summary>The configuration directory; null when <see cref="Source"/> is <see cref="TierCatalogSource.Disk"/>.</summary>
    public string? Directory { get; }

    public TierCatalogSource Source { get; }

    public static TierCatalog Locate(string experimentDirectory, string? explicitDirectory)
    {
        if (!string.IsNullOrEmpty(explicitDirectory))
        {
            var full = Path.GetFullPath(explicitDirectory);
            return System.IO.Directory.Exists(Path.Combine(full, "subtests"))
                ? new TierCatalog(full, TierCatalogSource.Explicit)
                : throw new ScyllaException("TierConfigNotFound", ScyllaErrorKind.NotFound,
                    $"'{full}' is not a tier configuration directory: it has no 'subtests' folder.", full);
        }

        var detected = AutoDetect(experimentDirectory);
        return detected != null ? new TierCatalog(detected, TierCatalogSource.AutoDetected) : new TierCatalog(null, TierCatalogSource.Disk);
    }

    /// <summary>
    /// Upstream's search: the experiment directory and up to 4 ancestors (never the root) are tried for
    /// <c>tests/fixtures/tests/test-*</c>; the shared directory is <c>tests/claude-code/shared</c> beside it.
    /// </summary>
    private static string? AutoDetect(string experimentDirectory)
    {
        var current = new DirectoryInfo(experimentDirectory);
        for (var level = 0; level < 5 && current?.Parent != null; level++, current = current.Parent)
        {
            var fixtures = new DirectoryInfo(Path.Combine(current.FullName, "tests", "fixtures", "tests"));
            if (!fixtures.Exists)
            {
                continue;
            }

            var testDirectory = fixtures.EnumerateDirectories("test-*").Select(d => d.FullName).Order(StringComparer.Ordinal).FirstOrDefault();
            if (testDirectory != null)
            {
                var shared = Path.GetFullPath(Path.Combine(testDirectory, "..", "..", "..", "claude-code", "shared"));
                return System.IO.Directory.Exists(Path.Combine(shared, "subtests")) ? shared : null;
            }
        }

        return null;
    }

    /// <summary>
    /// The subtests of <paramref name="tier"/> (formats.md §8.1): <c>subtests/tN/*.yaml</c> sorted by path, id = the first two
    /// characters when both are digits. A later file with an id already seen is reported and skipped.
    /// </summary>
    public IReadOnlyList<SubtestFile> GetSubtests(string tier, Action<string, string>? reportDuplicate = null)
    {
        if (Directory == null)
        {
            return [];
        }

        lock (_subtests)
        {
            if (_subtests.TryGetValue(tier, out var cached))
            {
                return cached;
            }

            var folder = Path.Combine(Directory, "subtests", tier.ToLowerInvariant());
            var files = System.IO.Directory.Exists(folder)
                ? System.IO.Directory.GetFiles(folder, "*.yaml").Where(f => f.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                : Enumerable.Empty<string>();
            var result = new List<SubtestFile>();
            foreach (var file in files)
            {
                var name = Path.GetFileName(file);
                if (name.Length < 2 || !char.IsAsciiDigit(name[0]) || !char.IsAsciiDigit(name[1]))
                {
                    continue;
                }

                var id = name[..2];
                if (result.Any(s => s.Id == id))
                {
                    reportDuplicate?.Invoke(file, $"Subtest file '{file}' repeats id {id} of tier {tier}; only the first file with that id is used.");
                    continue;
                }

                result.Add(new SubtestFile(tier, id, file));
            }

            return _subtests[tier] = result;
        }
    }

    /// <summary>Reads and validates <c>tiers.yaml</c> (formats.md §8.4): every tier T0..T6 with a name and a description.</summary>
    public IReadOnlyDictionary<string, TierDefinition> LoadTierDefinitions()
    {
        var path = Path.Combine(Directory ?? throw NoDefinitions("no tier configuration directory is known"), "tiers.yaml");
        if (!File.Exists(path))
        {
            throw NoDefinitions($"Tiers file not found: {path}");
        }

        JsonNode? yaml;
        try
        {
            yaml = YamlToJson.Load(File.ReadAllText(path));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw NoDefinitions($"Failed to parse tiers.yaml: {e.Message}");
        }

        if (yaml is not JsonObject root || root["tiers"] is not JsonObject tiers)
        {
            throw NoDefinitions("tiers.yaml must contain a 'tiers' key");
        }

        var missing = TierId.All.Where(t => !tiers.ContainsKey(t)).ToArray();
        if (missing.Length > 0)
        {
            throw NoDefinitions($"Invalid tier definitions: Missing required tier definitions: {string.Join(", ", missing)}");
        }

        return TierId.All.ToDictionary(t => t, t => TierDefinition.From(t, tiers[t] as JsonObject ?? throw NoDefinitions($"Invalid tier definitions: {t} is not a mapping")));
    }

    private static ScyllaException NoDefinitions(string message) =>
        new("InvalidTierDefinitions", ScyllaErrorKind.InvalidData, message);
}

/// <summary>One tier of <c>tiers.yaml</c>.</summary>
public sealed record TierDefinition(string Id, string Name, string Description, bool? ToolsEnabled, bool? DelegationEnabled)
{
    internal static TierDefinition From(string id, JsonObject yaml) => new(
        id,
        yaml["name"]?.ToString() ?? throw Missing(id, "name"),
        yaml["description"]?.ToString() ?? throw Missing(id, "description"),
        yaml["tools_enabled"]?.GetValue<bool>(),
        yaml["delegation_enabled"]?.GetValue<bool>());

    private static ScyllaException Missing(string id, string key) =>
        new("InvalidTierDefinitions", ScyllaErrorKind.InvalidData, $"Invalid tier definitions: tier {id} has no '{key}'.");
}
