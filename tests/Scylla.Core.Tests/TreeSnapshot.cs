using System.Security.Cryptography;
using Scylla.Core.Execution;

namespace Scylla.Core.Tests;

/// <summary>
/// Every file and link under a folder with its content, so a test can show that nothing changed. The lease folder is
/// left out: a refused run may create its lease (docs/format.md, "Leases").
/// </summary>
public static class TreeSnapshot
{
    /// <summary>Every file and link under <paramref name="root"/>, with its content hash (a link by its target).
    /// </summary>
    public static List<string> Of(string root) => new DirectoryInfo(root)
        .EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
        .Where(i => !Path.GetRelativePath(root, i.FullName).StartsWith(RunLease.FolderName, StringComparison.Ordinal))
        .Select(i => $"{Path.GetRelativePath(root, i.FullName)} "
            + (i.LinkTarget ?? (i is FileInfo f ? Hash(f.FullName) : "dir")))
        .Order(StringComparer.Ordinal).ToList();

    /// <summary>A file's hash; a lock file (empty, and unreadable while held) by its presence.</summary>
    private static string Hash(string file) => file.EndsWith(".lock", StringComparison.Ordinal)
        ? "lock"
        : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
}
