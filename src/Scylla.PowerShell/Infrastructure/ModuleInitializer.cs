using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>
/// Lets LibGit2Sharp find libgit2 inside the module folder, wherever the module is installed: pwsh probes only its own
/// folders. The library is looked for beside the module's dlls, then under <c>runtimes/&lt;rid&gt;/native</c>.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string s_moduleDirectory = System.IO.Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;

    public void OnImport() => AssemblyLoadContext.Default.ResolvingUnmanagedDll += ResolveLibGit2;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.ResolvingUnmanagedDll -= ResolveLibGit2;

    private static IntPtr ResolveLibGit2(Assembly requestingAssembly, string libraryName)
    {
        if (!libraryName.StartsWith("git2", StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        string[] fileNames = [$"lib{libraryName}.so", $"lib{libraryName}.dylib", $"{libraryName}.dll"];
        string[] folders = [s_moduleDirectory, System.IO.Path.Combine(s_moduleDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native")];
        var path = folders.SelectMany(folder => fileNames.Select(file => System.IO.Path.Combine(folder, file))).FirstOrDefault(File.Exists);
        return path != null ? NativeLibrary.Load(path) : IntPtr.Zero;
    }
}
