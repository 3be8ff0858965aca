using System.Text;

namespace Scylla.Core.IO;

/// <summary>Writes files so a reader sees the old content or the new, never a torn file.</summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding s_utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes UTF-8 (no BOM) to a temp file in the same directory, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string content, string? tempPath = null) =>
        Write(path, stream => stream.Write(s_utf8NoBom.GetBytes(content)), tempPath);

    /// <summary>
    /// Like <see cref="WriteAllText"/> for content written piece by piece with <paramref name="write"/>, so a large
    /// file is never held in memory whole (docs/performance.md, "Result files").
    /// </summary>
    public static void Write(string path, Action<Stream> write, string? tempPath = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        tempPath ??= Path.Combine(directory, $".{Path.GetFileName(path)}.tmp.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, path, overwrite: true);
        }
        catch
        {
            File.Delete(tempPath);
            throw;
        }
    }

    /// <summary>A writer of UTF-8 text (no BOM) for <see cref="Write"/>.</summary>
    public static Action<Stream> Text(Action<TextWriter> write) => stream =>
    {
        using var writer = new StreamWriter(stream, s_utf8NoBom, leaveOpen: true);
        write(writer);
    };
}
