using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Samples;

namespace Scylla.Core.Tests;

/// <summary>A temporary directory removed after the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "scylla-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a test that left a symlink loop or an open handle must not fail the suite
        }
    }
}

/// <summary>
/// Test inputs. The project's own are generated (<see cref="Generate"/>, <see cref="CompletedSample"/>, <see cref="TestTierConfig"/>);
/// the real dryrun experiment and tier configuration of ../shared are read only by classes marked
/// <c>[Trait("Suite", "Shared")]</c>, which the build runs only when that folder exists (README, "Tests").
/// </summary>
public static class Fixtures
{
    /// <summary>The folder holding Scylla.PowerShell.sln, found from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static readonly string? s_shared = FindShared(); // after RepositoryRoot, which it reads

    /// <summary>../shared beside the project root; only Shared-suite tests may use it.</summary>
    public static string Shared => s_shared ?? throw new DirectoryNotFoundException(
        $"'{Path.Combine(Path.GetDirectoryName(RepositoryRoot)!, "shared")}' was not found: this test belongs to the Shared suite.");

    public static string Dryrun => Path.Combine(Shared, "fixtures", "dryrun-experiment");

    public static string TierConfig => Path.Combine(Shared, "fixtures", "tier-config");

    /// <summary>A writable copy of the dryrun experiment (the fixture itself is read-only).</summary>
    public static string CopyDryrun(TempDirectory temp)
    {
        var target = temp.Combine("dryrun");
        CopyDirectory(Dryrun, target);
        return target;
    }

    /// <summary>The dryrun's shape, generated: one completed run in the first subtest of each of the 7 tiers, 3 judges.</summary>
    public static string CompletedSample(TempDirectory temp) => Generate(temp, [RunStatus.Completed], tiers: 7, subtests: 1, runs: 1);

    public static string Generate(TempDirectory temp, RunStatus[] pattern, ExperimentLayout layout = ExperimentLayout.Flat, int tiers = 2, int subtests = 2, int runs = 3, int judges = 3)
    {
        var path = temp.Combine("sample-" + Guid.NewGuid().ToString("N")[..6]);
        SampleExperimentGenerator.Generate(new SampleExperimentSpec
        {
            Path = path,
            Layout = layout,
            TierCount = tiers,
            SubtestsPerTier = subtests,
            RunsPerSubtest = runs,
            JudgeCount = judges,
            StatusPattern = pattern,
        });
        return path;
    }

    public static List<ScyllaRun> Scan(string experiment, RunQuery? query = null, List<ScanIssue>? issues = null, string? tierConfig = null) =>
        RunScanner.Scan(Experiment.Open(experiment, tierConfig), query ?? RunQuery.All, i => issues?.Add(i)).ToList();

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            var destination = Path.Combine(target, Path.GetFileName(file));
            File.Copy(file, destination);
            File.SetAttributes(destination, FileAttributes.Normal);
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            CopyDirectory(directory, Path.Combine(target, Path.GetFileName(directory)));
        }
    }

    private static string? FindShared()
    {
        var shared = Path.Combine(Path.GetDirectoryName(RepositoryRoot)!, "shared");
        return Directory.Exists(shared) ? shared : null;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (dir.GetFiles("Scylla.PowerShell.sln").Length > 0)
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("No folder above the test binaries holds Scylla.PowerShell.sln.");
    }
}
