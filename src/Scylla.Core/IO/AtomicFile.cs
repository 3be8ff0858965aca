using System.Text;

namespace Scylla.Core.IO;

/// <summary>Writes files so a reader sees the old content or the new, never a torn file.</summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding s_utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes UTF-8 (no BOM) to a temp file in the same directory, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string content, string? tempPath = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        tempPath ??= Path.Combine(directory, $".{Path.GetFileName(path)}.tmp.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                var bytes = s_utf8NoBom.GetBytes(content);
                stream.Write(bytes, 0, bytes.Length);
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
}
