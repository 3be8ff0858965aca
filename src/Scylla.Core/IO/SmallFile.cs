using System.Buffers;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace Scylla.Core.IO;

/// <summary>
/// Reads the small JSON files of a run with as few system calls as possible (open, read until end, close) into a pooled
/// buffer: the run scan reads several per run, thousands of runs at a time.
/// </summary>
internal static class SmallFile
{
    /// <summary>Parses the file and applies <paramref name="read"/> to its root while the pooled buffer is still held.</summary>
    public static T ReadJson<T>(string path, Func<JsonElement, T> read)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var length = 0;
            int count;
            while ((count = RandomAccess.Read(handle, buffer.AsSpan(length), length)) > 0)
            {
                length += count;
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            // The document reads from the buffer itself, so it must be done with before the buffer goes back to the pool.
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            return read(document.RootElement);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
