using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Scylla.Core.Json;

namespace Scylla.Core.IO;

/// <summary>
/// Reads the files of an experiment and its tier configuration: only regular files, at most <see cref="MaxBytes"/>, with
/// as few system calls as possible (the run scan reads several files per run, thousands of runs at a time). A FIFO,
/// socket or directory in place of a file is refused without blocking, a device or huge file at the size bound
/// (docs/en-US/about_Scylla.help.txt, ERROR IDS). An absent file throws <see cref="FileNotFoundException"/> or
/// <see cref="DirectoryNotFoundException"/>; every other failure is a <see cref="ScyllaException"/> naming the file.
/// </summary>
internal static class SmallFile
{
    /// <summary>No file the module reads is near this size; a larger one is a mistake (or a device such as /dev/zero).</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    /// <summary>Parses the file and applies <paramref name="read"/> to its root while the pooled buffer is still held.</summary>
    public static T ReadJson<T>(string path, Func<JsonElement, T> read) => ReadBytes(path, bytes =>
    {
        // The document reads from the buffer itself, so it must be done with before the buffer goes back to the pool.
        using var document = Parse(bytes);
        return read(document.RootElement);
    });

    /// <summary>Applies <paramref name="read"/> to the file's bytes while their pooled buffer is held.</summary>
    public static T ReadBytes<T>(string path, Func<ReadOnlyMemory<byte>, T> read)
    {
        var buffer = ReadPooled(path, out var length);
        try
        {
            return read(buffer.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The file as UTF-8 text (a byte order mark is dropped, as File.ReadAllText does).</summary>
    public static string ReadText(string path) => ReadBytes(path, bytes => Text(bytes.Span));

    /// <summary>Bytes read from a file as UTF-8 text, a byte order mark dropped.</summary>
    public static string Text(ReadOnlySpan<byte> bytes)
    {
        var marked = bytes.StartsWith(Encoding.UTF8.Preamble);
        return Encoding.UTF8.GetString(marked ? bytes[Encoding.UTF8.Preamble.Length..] : bytes);
    }

    /// <summary>Python writes bare NaN and Infinity, which a strict parser refuses: those files are parsed a second way.</summary>
    private static JsonDocument Parse(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException) when (bytes.Span.IndexOf("NaN"u8) >= 0 || bytes.Span.IndexOf("Infinity"u8) >= 0)
        {
            return JsonDocument.Parse(PythonJson.ReplaceNonFiniteTokens(Encoding.UTF8.GetString(bytes.Span)));
        }
    }

    /// <summary>
    /// Opens a regular file for reading in pieces: for a file too large to hold whole (a result file holds every run),
    /// refused without blocking as the other reads refuse it.
    /// </summary>
    public static Stream OpenRegular(string path)
    {
        var handle = OpenForReading(path);
        var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        if (!stream.CanSeek || Directory.Exists(path))
        {
            stream.Dispose();
            throw NotRegular(path, Directory.Exists(path) ? "it is a directory" : "it is a pipe, socket or terminal");
        }

        return stream;
    }

    private static byte[] ReadPooled(string path, out int length)
    {
        using var handle = OpenForReading(path);
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        if (!stream.CanSeek)
        {
            throw NotRegular(path, "it is a pipe, socket or terminal");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        length = 0;
        try
        {
            int count;
            while ((count = stream.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += count;
                if (length > MaxBytes)
                {
                    throw new ScyllaException("FileTooLarge", ScyllaErrorKind.InvalidData,
                        $"'{path}' was not read: it is larger than {MaxBytes / (1024 * 1024)} MiB (or is a device).", path);
                }

                if (length == buffer.Length)
                {
                    // A large file (a checkpoint of 100,000 runs) gets one buffer of its size, not a chain of doublings
                    // that the pool would keep (docs/performance.md, "Memory").
                    var size = Math.Max(buffer.Length * 2L, Math.Min(stream.Length + 1, MaxBytes + 1L));
                    var larger = ArrayPool<byte>.Shared.Rent((int)size);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            return buffer;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // open(2) accepts a directory; only reading it fails, so the extra look happens on that path alone.
            ArrayPool<byte>.Shared.Return(buffer);
            throw Directory.Exists(path) ? NotRegular(path, "it is a directory") : Unreadable(path, e);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Opens without blocking: open(2) on a FIFO waits for a writer unless O_NONBLOCK is given, and .NET cannot pass it.
    /// </summary>
    private static SafeFileHandle OpenForReading(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (Exception e) when (e is not (FileNotFoundException or DirectoryNotFoundException) && e is IOException or UnauthorizedAccessException)
            {
                throw Unreadable(path, e);
            }
        }

        var flags = OperatingSystem.IsMacOS() ? 0x4 | 0x1000000 : 0x800 | 0x80000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC
        var descriptor = Open(path, flags);
        if (descriptor >= 0)
        {
            return new SafeFileHandle((IntPtr)descriptor, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        throw errno switch
        {
            2 => new FileNotFoundException($"Could not find file '{path}'.", path), // ENOENT
            20 => new DirectoryNotFoundException($"Could not find a part of the path '{path}'."), // ENOTDIR
            _ => Unreadable(path, new IOException(Marshal.GetPInvokeErrorMessage(errno))),
        };
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    private static ScyllaException NotRegular(string path, string reason) =>
        new("NotARegularFile", ScyllaErrorKind.InvalidData, $"'{path}' was not read: {reason}, not a regular file.", path);

    private static ScyllaException Unreadable(string path, Exception e) =>
        new("FileUnreadable", ScyllaErrorKind.InvalidData, $"Cannot read '{path}': {e.Message}", path, e);
}
