using Scylla.Core.Runs;
using Scylla.Core.Tiers;

namespace Scylla.Core.Experiments;

/// <summary>How an experiment stores its runs (formats.md §1).</summary>
public enum ExperimentLayout
{
    /// <summary><c>E/T0/00/run_01</c> (upstream until March 2026, and the dryrun).</summary>
    Flat,

    /// <summary><c>E/in_progress/T0/00/run_01</c> and <c>E/completed/T0/00/run_01</c>.</summary>
    Phase,
}

/// <summary>An experiment directory: its configuration, layout and tier catalog.</summary>
public sealed class Experiment
{
    public const string InProgressFolder = "in_progress";
    public const string CompletedFolder = "completed";

    private Experiment(string path, ExperimentConfig config, ExperimentLayout layout, TierCatalog catalog)
    {
        Path = path;
        Config = config;
        Layout = layout;
        Catalog = catalog;
    }

    public string Path { get; }

    public ExperimentConfig Config { get; }

    public ExperimentLayout Layout { get; }

    public TierCatalog Catalog { get; }

    /// <summary>Opens <paramref name="directory"/>; a tree holding both layouts is refused rather than guessed at.</summary>
    public static Experiment Open(string directory, string? tierConfigPath = null)
    {
        // One spelling per experiment ('exp', 'exp/', './exp'), so it is opened and listed once.
        var path = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(directory));
        if (!Directory.Exists(path))
        {
            throw new ScyllaException("ExperimentNotFound", ScyllaErrorKind.NotFound, $"The experiment directory '{path}' does not exist.", path);
        }

        var config = ExperimentConfig.Load(path);
        return new Experiment(path, config, DetectLayout(path), TierCatalog.Locate(path, tierConfigPath));
    }

    public static string RunDirectoryName(int runNumber) => $"run_{runNumber:00}";

    /// <summary>The run number of a canonical run folder name (<c>run_01</c>, <c>run_100</c>; not <c>run_1</c> or <c>run_001</c>).</summary>
    public static bool TryParseRunDirectoryName(string name, out int runNumber)
    {
        if (name.StartsWith("run_", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out runNumber)
            && RunDirectoryName(runNumber) == name)
        {
            return true;
        }

        runNumber = 0;
        return false;
    }

    public static string RunId(string tier, string subtest, int runNumber) => $"{tier}/{subtest}/{RunDirectoryName(runNumber)}";

    /// <summary>The tier directories that can hold runs, in lookup order (completed/ before in_progress/).</summary>
    public IEnumerable<(string Directory, RunLocation Location)> TierDirectories(string tier) => Layout == ExperimentLayout.Flat
        ? [(System.IO.Path.Combine(Path, tier), RunLocation.Flat)]
        : [(System.IO.Path.Combine(Path, CompletedFolder, tier), RunLocation.Completed), (System.IO.Path.Combine(Path, InProgressFolder, tier), RunLocation.InProgress)];

    /// <summary>Where a run lives: in the phase layout a run in completed/ wins; a run that does not exist is placed where it would start.</summary>
    public (string Path, RunLocation Location) LocateRun(string tier, string subtest, int runNumber)
    {
        ValidateIds(tier, subtest);
        var name = RunDirectoryName(runNumber);
        var candidates = TierDirectories(tier).Select(d => (Path: System.IO.Path.Combine(d.Directory, subtest, name), d.Location)).ToList();
        return candidates.SkipLast(1).FirstOrDefault(c => Directory.Exists(c.Path) || File.Exists(c.Path), candidates[^1]);
    }

    /// <summary>Refuses ids that could name a path outside the experiment ('..', separators).</summary>
    public static void ValidateIds(string tier, string subtest)
    {
        if (!TierId.IsValid(tier) || !TierId.IsValidSubtestId(subtest))
        {
            throw new ScyllaException("InvalidRunId", ScyllaErrorKind.InvalidArgument,
                $"'{tier}/{subtest}' is not a valid run location: the tier must be one of {string.Join(", ", TierId.All)} and the subtest may hold only letters, digits, '-' and '_'.");
        }
    }

    /// <summary>
    /// Phase folders make the phase layout, except beside flat tier folders when they hold no run: the Python tool writes
    /// tier results and reports under <c>completed/</c> of a flat experiment too.
    /// </summary>
    private static ExperimentLayout DetectLayout(string path)
    {
        var phaseFolders = new[] { InProgressFolder, CompletedFolder }.Where(f => Directory.Exists(System.IO.Path.Combine(path, f))).ToArray();
        var flatTiers = TierId.All.Where(t => Directory.Exists(System.IO.Path.Combine(path, t))).ToArray();
        if (flatTiers.Length > 0 && !phaseFolders.Any(f => HoldsRuns(System.IO.Path.Combine(path, f))))
        {
            return ExperimentLayout.Flat;
        }

        if (phaseFolders.Length > 0 && flatTiers.Length > 0)
        {
            throw new ScyllaException("MixedExperimentLayout", ScyllaErrorKind.InvalidData,
                $"The experiment '{path}' mixes both layouts: it has the flat tier folders {string.Join(", ", flatTiers)} and the phase folders {string.Join(", ", phaseFolders)}. "
                + "Move one set aside (for example into a copy of the experiment) so each experiment uses one layout.", path);
        }

        return phaseFolders.Length > 0 ? ExperimentLayout.Phase : ExperimentLayout.Flat;
    }

    /// <summary>Whether a phase folder has a run folder (<c>T*/NN/run_NN</c>); an unreadable folder counts as holding runs.</summary>
    private static bool HoldsRuns(string phaseFolder)
    {
        try
        {
            return TierId.All.Select(t => System.IO.Path.Combine(phaseFolder, t)).Where(Directory.Exists)
                .SelectMany(Directory.EnumerateDirectories)
                .SelectMany(Directory.EnumerateDirectories)
                .Any(run => TryParseRunDirectoryName(System.IO.Path.GetFileName(run), out _));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
