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

    public void OnImport() => AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveLibGit2;

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
