using Scylla.Core.Runs;
using Scylla.Core.Samples;

namespace Scylla.PowerShell.Tests;

public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "scylla-cmdlet-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>A sample experiment: 2 tiers x 2 subtests x 5 runs, one of each status per subtest.</summary>
    public string Sample(string name = "exp")
    {
        var path = Combine(name);
        SampleExperimentGenerator.Generate(new SampleExperimentSpec { Path = path, TierCount = 2, SubtestsPerTier = 2, RunsPerSubtest = 5, StatusPattern = SampleExperimentSpec.UpstreamStatuses });
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>The real experiment in ../shared, for <c>[Trait("Suite", "Shared")]</c> classes only (README, "Tests").</summary>
public static class Fixtures
{
    public static string Dryrun => Path.Combine(FindShared(), "fixtures", "dryrun-experiment");

    private static string FindShared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir?.Parent != null; dir = dir.Parent)
        {
            if (dir.GetFiles("Scylla.PowerShell.sln").Length > 0)
            {
                var shared = Path.Combine(dir.Parent.FullName, "shared");
                return Directory.Exists(shared) ? shared : throw new DirectoryNotFoundException($"'{shared}' was not found: this test belongs to the Shared suite.");
            }
        }

        throw new DirectoryNotFoundException("No folder above the test binaries holds Scylla.PowerShell.sln.");
    }
}
