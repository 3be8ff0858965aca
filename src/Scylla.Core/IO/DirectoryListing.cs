using System.IO.Enumeration;

namespace Scylla.Core.IO;

/// <summary>
/// The entries of one directory, read with a single enumeration. Existence and size follow symbolic links (like Python's
/// <c>exists()</c> and <c>stat()</c>), so a dangling or looping link counts as absent.
/// </summary>
internal sealed class DirectoryListing
{
    public static readonly DirectoryListing Empty = new([]);

    private readonly Dictionary<string, (bool IsDirectory, long Length)> _entries;

    private DirectoryListing(Dictionary<string, (bool, long)> entries) => _entries = entries;

    /// <summary>
    /// The listing, or null when <paramref name="path"/> is not a directory or cannot be read; in the latter case
    /// <paramref name="reportUnreadable"/> gets the path and the reason.
    /// </summary>
    public static DirectoryListing? Read(string path, Action<string, string>? reportUnreadable = null)
    {
        var entries = new Dictionary<string, (bool, long)>(StringComparer.Ordinal);
        try
        {
            var enumerable = new FileSystemEnumerable<(string Name, bool IsDirectory, long Length, bool IsLink)>(
                path,
                (ref FileSystemEntry e) => (e.FileName.ToString(), e.IsDirectory, e.IsDirectory ? 0 : e.Length, (e.Attributes & FileAttributes.ReparsePoint) != 0),
                new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false });
            foreach (var (name, isDirectory, length, isLink) in enumerable)
            {
                if (!isLink)
                {
                    entries[name] = (isDirectory, length);
                }
                else if (ResolveLink(Path.Combine(path, name)) is { } target)
                {
                    entries[name] = target;
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reportUnreadable?.Invoke(path, $"Cannot read the directory '{path}': {e.Message}");
            return null;
        }

        return new DirectoryListing(entries);
    }

    public bool Exists(string name) => _entries.ContainsKey(name);

    public bool IsDirectory(string name) => _entries.TryGetValue(name, out var entry) && entry.IsDirectory;

    public long Size(string name) => _entries.TryGetValue(name, out var entry) ? entry.Length : 0;

    public IEnumerable<string> Directories => _entries.Where(e => e.Value.IsDirectory).Select(e => e.Key);

    /// <summary>What a link finally points at; null when it dangles or loops (.NET's own Exists says true for both).</summary>
    private static (bool, long)? ResolveLink(string path)
    {
        try
        {
            var target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
            if (Directory.Exists(target))
            {
                return (true, 0);
            }

            var file = new FileInfo(target);
            return file.Exists ? (false, file.Length) : null;
        }
        catch (IOException)
        {
            return null; // a link loop
        }
    }
}
