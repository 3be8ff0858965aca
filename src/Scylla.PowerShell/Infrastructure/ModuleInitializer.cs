using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>
/// Lets LibGit2Sharp find libgit2 inside the module folder, wherever the module is installed: pwsh probes only its own
/// folders. The library is looked for beside the module's dlls (a build for one platform), then under
/// <c>runtimes/&lt;rid&gt;/native</c> (the package, which carries linux-x64, linux-arm64, osx-x64 and osx-arm64).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string s_moduleDirectory = System.IO.Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;

    public void OnImport()
    {
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveLibGit2;
        RestoreExampleExecuteBits(s_moduleDirectory);
    }

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.ResolvingUnmanagedDll -= ResolveLibGit2;

    /// <summary>
    /// The libgit2 file for this platform. The runtime's own RID comes first (it can be distribution-specific, such as
    /// linux-musl-x64); the portable RID the package folders are named after follows.
    /// </summary>
    internal static string? FindLibGit2(
        string moduleDirectory, string libraryName, bool isMacOS, Architecture architecture, string runtimeIdentifier)
    {
        var fileName = isMacOS ? $"lib{libraryName}.dylib" : $"lib{libraryName}.so";
        var portable = $"{(isMacOS ? "osx" : "linux")}-{architecture.ToString().ToLowerInvariant()}";
        string[] folders =
        [
            moduleDirectory,
            System.IO.Path.Combine(moduleDirectory, "runtimes", runtimeIdentifier, "native"),
            System.IO.Path.Combine(moduleDirectory, "runtimes", portable, "native"),
        ];
        return folders.Select(folder => System.IO.Path.Combine(folder, fileName)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// A package is a zip, which keeps no file modes, so after Install-PSResource the stand-ins for claude in
    /// examples/fake-claude are not executable and the help examples would fail with AgentNotFound. The owner's
    /// execute bits come back on import; a file of another user, or one that cannot be changed, is left as it is.
    /// </summary>
    internal static void RestoreExampleExecuteBits(string moduleDirectory)
    {
        var folder = System.IO.Path.Combine(moduleDirectory, "examples", "fake-claude");
        if (OperatingSystem.IsWindows() || !Directory.Exists(folder))
        {
            return;
        }

        foreach (var script in Directory.EnumerateFiles(folder, "*.sh"))
        {
            try
            {
                var mode = File.GetUnixFileMode(script);
                if ((mode & UnixFileMode.UserExecute) == 0)
                {
                    // whoever may read the script may run it, as the build folder had it
                    var execute = UnixFileMode.UserExecute
                        | (mode.HasFlag(UnixFileMode.GroupRead) ? UnixFileMode.GroupExecute : 0)
                        | (mode.HasFlag(UnixFileMode.OtherRead) ? UnixFileMode.OtherExecute : 0);
                    File.SetUnixFileMode(script, mode | execute);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // installed for all users by someone else: the examples' scripts keep the mode they were given
            }
        }
    }

    private static IntPtr ResolveLibGit2(Assembly requestingAssembly, string libraryName)
    {
        if (!libraryName.StartsWith("git2", StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        var path = FindLibGit2(s_moduleDirectory, libraryName, OperatingSystem.IsMacOS(),
            RuntimeInformation.ProcessArchitecture, RuntimeInformation.RuntimeIdentifier);
        return path != null ? NativeLibrary.Load(path) : IntPtr.Zero;
    }
}
