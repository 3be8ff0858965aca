using System.IO.Enumeration;

namespace Scylla.Core.IO;

/// <summary>
/// The entry names of one directory, read with a single enumeration and no per-entry stat (the run scan reads thousands).
/// Existence and size follow symbolic links like Python's <c>exists()</c> and <c>stat()</c>: a dangling or looping link
/// counts as absent. Only the names asked about are resolved.
/// </summary>
internal sealed class DirectoryListing
{
    public static readonly DirectoryListing Empty = new(string.Empty, [], null);

    private readonly string _path;

    private readonly Action<string, string>? _reportUnreadable;

    /// <summary>Name to "is a directory" (from the directory entry type; a link to a directory counts as one).</summary>
    private readonly Dictionary<string, bool> _entries;

    private readonly Dictionary<string, string?> _finalTargets = new(StringComparer.Ordinal);

    private DirectoryListing(string path, Dictionary<string, bool> entries, Action<string, string>? reportUnreadable)
    {
        _path = path;
        _entries = entries;
        _reportUnreadable = reportUnreadable;
    }

    /// <summary>
    /// The listing, or null when <paramref name="path"/> is not a directory or cannot be read; in the latter case
    /// <paramref name="reportUnreadable"/> gets the path and the reason. With <paramref name="keep"/>, only those names
    /// are kept, and no string is made for any other entry (a run folder is listed for three names).
    /// </summary>
    public static DirectoryListing? Read(
        string path, Action<string, string>? reportUnreadable = null, string[]? keep = null)
    {
        var entries = new Dictionary<string, bool>(keep?.Length ?? 0, StringComparer.Ordinal);
        try
        {
            var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false };
            var enumerable = new FileSystemEnumerable<(string? Name, bool IsDirectory)>(
                path,
                (ref FileSystemEntry e) => (keep == null ? e.FileName.ToString() : Kept(keep, e.FileName),
                    e.IsDirectory),
                options);
            foreach (var (name, isDirectory) in enumerable)
            {
                if (name != null)
                {
                    entries[name] = isDirectory;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Absent, a file, a dangling link or a link loop (reported) is no directory; anything else is unreadable.
            var isLink = new FileInfo(path).LinkTarget != null;
            var target = isLink ? ResolveFinalTarget(path, reportUnreadable) : path;
            if (target != null && !(e is DirectoryNotFoundException || File.Exists(target) && !Directory.Exists(target)))
            {
                reportUnreadable?.Invoke(path, $"Cannot read the directory '{path}': {e.Message}");
            }

            return null;
        }

        return new DirectoryListing(path, entries, reportUnreadable);
    }

    public bool Exists(string name) => _entries.TryGetValue(name, out var isDirectory) && (isDirectory || FinalTarget(name) != null);

    public bool IsDirectory(string name) => _entries.TryGetValue(name, out var isDirectory) && isDirectory;

    /// <summary>The size of the file <paramref name="name"/> (of its final target if it is a link); 0 when absent.</summary>
    public long Size(string name) => !IsDirectory(name) && _entries.ContainsKey(name) && FinalTarget(name) is { } target && new FileInfo(target) is { Exists: true } file
        ? file.Length
        : 0;

    public IEnumerable<string> Directories => _entries.Where(e => e.Value).Select(e => e.Key);

    private static string? Kept(string[] keep, ReadOnlySpan<char> name)
    {
        foreach (var kept in keep)
        {
            if (name.SequenceEqual(kept))
            {
                return kept;
            }
        }

        return null;
    }

    /// <summary>The path a name finally resolves to, or null when it is a dangling or looping link (a loop is reported).</summary>
    private string? FinalTarget(string name)
    {
        if (!_finalTargets.TryGetValue(name, out var target))
        {
            _finalTargets[name] = target = ResolveFinalTarget(Path.Combine(_path, name), _reportUnreadable);
        }

        return target;
    }

    private static string? ResolveFinalTarget(string path, Action<string, string>? reportUnreadable)
    {
        try
        {
            var target = File.ResolveLinkTarget(path, returnFinalTarget: true);
            return target == null ? path : target.Exists ? target.FullName : null;
        }
        catch (IOException e)
        {
            reportUnreadable?.Invoke(path, $"'{path}' is a symbolic link loop ({e.Message}); it counts as absent.");
            return null;
        }
    }
}
