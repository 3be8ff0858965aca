namespace Scylla.Core.IO;

/// <summary>
/// An exclusive lock held on a lock file, shared by every process and thread that opens the same path.
/// The operating system releases it when the holder exits, even on kill -9.
/// </summary>
public sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    /// <summary>Waits until the lock is free, up to <paramref name="timeout"/>.</summary>
    public static FileLock Acquire(string lockPath, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 2;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock on Unix, a share lock on Windows).
                return new FileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(lockPath) && DateTime.UtcNow < deadline)
            {
                cancellationToken.WaitHandle.WaitOne(Random.Shared.Next(delay, delay * 2));
                cancellationToken.ThrowIfCancellationRequested();
                delay = Math.Min(delay * 2, 50);
            }
            catch (IOException e) when (File.Exists(lockPath))
            {
                throw new ScyllaException("LockTimeout", ScyllaErrorKind.ResourceBusy,
                    $"Timed out after {timeout.TotalSeconds:0} s waiting for the lock '{lockPath}'; another process is holding it.", lockPath, e);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
