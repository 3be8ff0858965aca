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

        var detected = OwnCopy(experimentDirectory) ?? AutoDetect(experimentDirectory) ?? UserDefault();
        return detected != null ? new TierCatalog(detected, TierCatalogSource.AutoDetected)
            : new TierCatalog(null, TierCatalogSource.Disk) { Warning = UserDefaultProblem() };
    }

    /// <summary>Why the user's default was not used when it was set and needed; a scan reports it as a warning.
    /// </summary>
    public string? Warning { get; private init; }

    private static string? UserDefaultProblem() =>
        Environment.GetEnvironmentVariable(DefaultVariable) is { Length: > 0 } path
            ? $"${DefaultVariable} is '{path}', which is not a tier configuration folder (it has no 'subtests' " +
              "folder); it is ignored, and the subtests come from the folders on disk."
            : null;

    /// <summary>The user's default tier configuration for experiments that name none (README, "Tier configuration").</summary>
    public const string DefaultVariable = "SCYLLA_TIER_CONFIG";

    /// <summary>A copy kept in the experiment itself, <c>tier-config/</c> (the sample experiments ship theirs there).</summary>
    private static string? OwnCopy(string experimentDirectory)
    {
        var own = Path.Combine(experimentDirectory, "tier-config");
        return System.IO.Directory.Exists(Path.Combine(own, "subtests")) ? Path.GetFullPath(own) : null;
    }

    private static string? UserDefault() =>
        Environment.GetEnvironmentVariable(DefaultVariable) is { Length: > 0 } path && System.IO.Directory.Exists(Path.Combine(path, "subtests"))
            ? Path.GetFullPath(path)
            : null;

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

            string? testDirectory;
            try
            {
                testDirectory = fixtures.EnumerateDirectories("test-*").Select(d => d.FullName).Order(StringComparer.Ordinal).FirstOrDefault();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // an unreadable folder holds no tier configuration we could use
            }

            if (testDirectory != null)
            {
                var shared = Path.GetFullPath(Path.Combine(testDirectory, "..", "..", "..", "claude-code", "shared"));
                return System.IO.Directory.Exists(Path.Combine(shared, "subtests")) ? shared : null;
            }
        }

        return null;
    }

    /// <summary>
    /// The subtests of <paramref name="tier"/> (formats.md §8.1): <c>subtests/tN/*.yaml</c> sorted by path (any entry, as
    /// Python's glob matches them, so a folder of that name fails at load instead of vanishing), id = the first two
    /// characters when both are digits. A later file with an id already seen is reported and skipped, and so is a folder
    /// that cannot be listed (the tier then has no configured subtests).
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
            IEnumerable<string> files = [];
            try
            {
                files = System.IO.Directory.Exists(folder)
                    ? System.IO.Directory.GetFileSystemEntries(folder, "*.yaml")
                        .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
                    : [];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                reportDuplicate?.Invoke(folder, $"Cannot list the subtest folder '{folder}': {e.Message}");
                return []; // not cached: the next call tries again
            }

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
        var path = Path.Combine(Directory ?? throw NoDefinitions(null, "no tier configuration directory is known"), "tiers.yaml");
        JsonNode? yaml;
        try
        {
            yaml = YamlToJson.Load(IO.SmallFile.ReadText(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NoDefinitions(path, $"Tiers file not found: {path}");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw NoDefinitions(path, $"Failed to parse tiers.yaml ({path}): {e.Message}");
        }

        if (yaml is not JsonObject root || root["tiers"] is not JsonObject tiers)
        {
            throw NoDefinitions(path, $"{path} must contain a 'tiers' mapping");
        }

        var missing = TierId.All.Where(t => !tiers.ContainsKey(t)).ToArray();
        if (missing.Length > 0)
        {
            throw NoDefinitions(path, $"Invalid tier definitions in {path}: Missing required tier definitions: {string.Join(", ", missing)}");
        }

        return TierId.All.ToDictionary(t => t, t => TierDefinition.From(t, path,
            tiers[t] as JsonObject ?? throw NoDefinitions(path, $"Invalid tier definitions in {path}: 'tiers.{t}' is not a mapping")));
    }

    internal static ScyllaException NoDefinitions(string? path, string message) =>
        new("InvalidTierDefinitions", ScyllaErrorKind.InvalidData, message, path);
}

/// <summary>One tier of <c>tiers.yaml</c>.</summary>
public sealed record TierDefinition(string Id, string Name, string Description, bool? ToolsEnabled, bool? DelegationEnabled)
{
    internal static TierDefinition From(string id, string path, JsonObject yaml) => new(
        id,
        yaml["name"]?.ToString() ?? throw Missing(id, path, "name"),
        yaml["description"]?.ToString() ?? throw Missing(id, path, "description"),
        Flag(id, path, yaml, "tools_enabled"),
        Flag(id, path, yaml, "delegation_enabled"));

    private static bool? Flag(string id, string path, JsonObject yaml, string key) => yaml[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out bool flag) => flag,
        var other => throw TierCatalog.NoDefinitions(path, $"Invalid tier definitions in {path}: 'tiers.{id}.{key}' must be true or false, not {other.ToJsonString()}."),
    };

    private static ScyllaException Missing(string id, string path, string key) =>
        TierCatalog.NoDefinitions(path, $"Invalid tier definitions in {path}: tier {id} has no '{key}'.");
}
