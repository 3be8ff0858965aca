using Microsoft.Win32.SafeHandles;

namespace Scylla.Core.IO;

/// <summary>
/// An exclusive lock held on a lock file, shared by every process and thread that opens the same path.
/// The operating system releases it when the holder exits, even on kill -9. The lock file is never opened through a
/// symbolic link (a planted or dangling link is refused with <c>LockUnsafe</c>, its target untouched), and a lock is
/// kept only while the path still names the file locked.
/// </summary>
public sealed class FileLock : IDisposable
{
    private const int ReadableByAll = 0b110_100_100;

    private readonly IDisposable _handle;

    private FileLock(IDisposable handle) => _handle = handle;

    /// <summary>Waits until the lock is free, up to <paramref name="timeout"/>.</summary>
    public static FileLock Acquire(string lockPath, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 2;
        while (true)
        {
            IDisposable? held = OperatingSystem.IsWindows() ? TryWindows(lockPath) : TryPosix(lockPath);
            if (held != null)
            {
                return new FileLock(held);
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new ScyllaException("LockTimeout", ScyllaErrorKind.ResourceBusy,
                    $"Timed out after {timeout.TotalSeconds:0} s waiting for the lock '{lockPath}'; " +
                    "another process is holding it.", lockPath);
            }

            cancellationToken.WaitHandle.WaitOne(Random.Shared.Next(delay, delay * 2));
            cancellationToken.ThrowIfCancellationRequested();
            delay = Math.Min(delay * 2, 50);
        }
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>The locked file, or null when another process holds it (or replaced the path meanwhile).</summary>
    private static SafeFileHandle? TryPosix(string lockPath)
    {
        var handle = NativeFile.OpenOrCreate(lockPath, ReadableByAll, out var errno);
        if (handle == null)
        {
            var why = errno == NativeFile.ErrorLoop ? "it is a symbolic link" : $"it cannot be opened (errno {errno})";
            throw new ScyllaException("LockUnsafe", ScyllaErrorKind.WriteError,
                $"The lock file '{lockPath}' was not used: {why}.", lockPath,
                new IOException($"open '{lockPath}' failed with errno {errno}"));
        }

        var locked = NativeFile.TryLockExclusive(handle);
        if (locked == 0 && NativeFile.Of(handle) is var open
            && (open == null || NativeFile.OfPath(lockPath) is { } named && named.SameFileAs(open.Value)))
        {
            return handle;
        }

        handle.Dispose();
        return locked is 0 || locked == NativeFile.ErrorWouldBlock ? null
            : throw new ScyllaException("LockUnsupported", ScyllaErrorKind.WriteError,
                $"The file system of '{lockPath}' refuses flock(2) (errno {locked}).", lockPath);
    }

    private static FileStream? TryWindows(string lockPath)
    {
        try
        {
            // FileShare.None takes an exclusive share lock on Windows.
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            return null;
        }
    }
}
