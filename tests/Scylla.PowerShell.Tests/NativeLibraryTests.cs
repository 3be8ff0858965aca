using System.Runtime.InteropServices;
using Scylla.PowerShell.Infrastructure;

namespace Scylla.PowerShell.Tests;

/// <summary>The libgit2 resolver on the package's layout: a runtimes/&lt;rid&gt;/native folder per supported platform.
/// </summary>
public sealed class NativeLibraryTests : IDisposable
{
    private const string Library = "git2-5853918";
    private readonly TempDirectory _temp = new();

    public NativeLibraryTests()
    {
        foreach (var rid in new[] { "linux-x64", "linux-arm64", "osx-x64", "osx-arm64" })
        {
            var folder = Directory.CreateDirectory(_temp.Combine("runtimes", rid, "native")).FullName;
            var extension = rid.StartsWith("osx", StringComparison.Ordinal) ? "dylib" : "so";
            File.WriteAllText(Path.Combine(folder, $"lib{Library}.{extension}"), rid);
        }
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(false, Architecture.X64, "linux-x64", "linux-x64")]
    [InlineData(false, Architecture.Arm64, "linux-arm64", "linux-arm64")]
    [InlineData(true, Architecture.X64, "osx-x64", "osx-x64")]
    [InlineData(true, Architecture.Arm64, "osx-arm64", "osx-arm64")]
    [InlineData(false, Architecture.X64, "ubuntu.24.04-x64", "linux-x64")] // a distribution's own .NET build
    [InlineData(true, Architecture.Arm64, "osx.14-arm64", "osx-arm64")]
    public void Each_platform_finds_its_own_file(bool isMacOS, Architecture architecture, string rid, string expected)
    {
        var path = ModuleInitializer.FindLibGit2(_temp.Path, Library, isMacOS, architecture, rid);

        Assert.Equal(expected, File.ReadAllText(path!));
    }

    [Fact]
    public void A_library_beside_the_dlls_wins_and_an_unknown_platform_finds_none()
    {
        File.WriteAllText(_temp.Combine($"lib{Library}.so"), "beside");

        var beside = ModuleInitializer.FindLibGit2(_temp.Path, Library, false, Architecture.X64, "linux-x64");

        Assert.Equal("beside", File.ReadAllText(beside!));
        Assert.Null(ModuleInitializer.FindLibGit2(_temp.Path, Library, true, Architecture.S390x, "osx-s390x"));
    }
}
