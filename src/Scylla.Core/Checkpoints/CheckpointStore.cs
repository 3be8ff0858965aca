using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Scylla.Core.Experiments;
using Scylla.Core.IO;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// Reads and updates an experiment's <c>checkpoint.json</c>. Every update holds a lock file, starts from the file as it
/// is on disk, applies the change and replaces the file atomically, so concurrent processes updating different runs
/// lose nothing. The checkpoint parsed or written last is kept, keyed by the file's size and time, so an update of
/// a file nobody else has replaced since does not parse it again (docs/performance.md, "Checkpoint updates").
/// </summary>
public static class CheckpointStore
{
    public const string LockFileName = ".checkpoint.lock";

    public const string BackupFileName = CheckpointFile.BackupFileName;

    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The checkpoint last written (or parsed) per file, with the identity the file had then.</summary>
    private static readonly ConcurrentDictionary<string, (Checkpoint Checkpoint, FileStamp Stamp)> s_kept =
        new(StringComparer.Ordinal);

    public static string PathFor(string experimentDirectory) => Path.Combine(experimentDirectory, Checkpoint.FileName);

    /// <summary>
    /// The checkpoint, or null when the experiment has none; read from <see cref="BackupFileName"/> when the primary is
    /// unreadable or stays missing (<see cref="Checkpoint.LoadWarning"/> says so).
    /// </summary>
    public static Checkpoint? TryLoad(string experimentDirectory)
    {
        var checkpoint = CheckpointFile.Read(experimentDirectory,
            (bytes, path) => Checkpoint.Parse(SmallFile.Text(bytes.Span), path), out var fallback);
        if (checkpoint != null)
        {
            checkpoint.LoadWarning = fallback;
        }

        return checkpoint;
    }

    /// <summary>
    /// The checkpoint's top-level fields (status, pid, heartbeat, version; no run maps), or null when there is none.
    /// The whole checkpoint is kept as the base of this process's next update of the file, so a batch of re-runs parses
    /// a large file at most once, and not at all when this process wrote it last.
    /// </summary>
    public static Checkpoint? ReadHeader(string experimentDirectory)
    {
        var path = PathFor(experimentDirectory);
        var stamp = FileStamp.Of(path);
        if (s_kept.TryGetValue(path, out var kept) && kept.Stamp == stamp && stamp.Exists)
        {
            lock (kept.Checkpoint)
            {
                return kept.Checkpoint.HeaderCopy();
            }
        }

        var checkpoint = TryLoad(experimentDirectory);
        if (checkpoint is { LoadWarning: null } && stamp.Exists && FileStamp.Of(path) == stamp)
        {
            s_kept[path] = (checkpoint, stamp);
        }

        return checkpoint?.HeaderCopy();
    }

    /// <summary>
    /// Applies <paramref name="change"/> under the lock; a missing checkpoint is created from <paramref name="config"/>
    /// (never while a save by another tool is in progress). When a backup exists, or with <paramref name="backup"/>,
    /// the file as it was becomes <see cref="BackupFileName"/>, as ProjectScylla's August-era save keeps it; a primary
    /// that could not be read is kept beside it instead. A write that fails (disk full, no permission) is a
    /// <c>CheckpointWriteFailed</c>; the file keeps its old content.
    /// </summary>
    public static Checkpoint Update(string experimentDirectory, ExperimentConfig config, Action<Checkpoint> change,
        CancellationToken cancellationToken = default, TimeSpan? lockTimeout = null, bool backup = false) =>
        UpdateIfChanged(experimentDirectory, config, c =>
        {
            change(c);
            return true;
        }, cancellationToken, lockTimeout, backup);

    /// <summary>
    /// <see cref="Update"/>, except that a change returning false (it found nothing to change in the checkpoint as it
    /// is on disk, and changed nothing) writes nothing: the file keeps its bytes and times. A checkpoint read from the
    /// backup, or created because there was none, is written all the same.
    /// </summary>
    public static Checkpoint UpdateIfChanged(string experimentDirectory, ExperimentConfig config,
        Func<Checkpoint, bool> change, CancellationToken cancellationToken = default, TimeSpan? lockTimeout = null,
        bool backup = false)
    {
        var path = PathFor(experimentDirectory);
        try
        {
            using var fileLock = FileLock.Acquire(Path.Combine(experimentDirectory, LockFileName), lockTimeout ?? s_lockTimeout, cancellationToken);

            // Kept while it changes, under its lock: a reader of this process waits for the save and reads it; a
            // change or a write that fails drops it, and a reader that waited for it then reads the file (IsKept).
            var stamp = FileStamp.Of(path);
            var checkpoint = s_kept.TryGetValue(path, out var kept) && kept.Stamp == stamp && stamp.Exists
                ? kept.Checkpoint
                : TryLoad(experimentDirectory) ?? Checkpoint.CreateNew(config, experimentDirectory);
            lock (checkpoint)
            {
                try
                {
                    Save(experimentDirectory, checkpoint, stamp, change, backup);
                }
                catch
                {
                    s_kept.TryRemove(path, out _);
                    throw;
                }
            }

            return checkpoint;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScyllaException("CheckpointWriteFailed", ScyllaErrorKind.WriteError, $"'{path}' could not be written: {e.Message}", path, e);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to <paramref name="checkpoint"/> (the file at <paramref name="stamp"/>) and
    /// replaces the file with it, unless nothing changed; keeps it as the base of the next update.
    /// </summary>
    private static void Save(string experimentDirectory, Checkpoint checkpoint, FileStamp stamp,
        Func<Checkpoint, bool> change, bool backup)
    {
        var path = PathFor(experimentDirectory);
        if (!change(checkpoint) && checkpoint.LoadWarning == null && stamp.Exists)
        {
            if (FileStamp.Of(path) == stamp)
            {
                s_kept[path] = (checkpoint, stamp);
            }

            return;
        }

        var primaryUnreadable = checkpoint.LoadWarning != null && File.Exists(path);
        var tempPath = Path.Combine(experimentDirectory,
            $"checkpoint.tmp.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.json");
        WriteSynced(tempPath, checkpoint);
        if (primaryUnreadable)
        {
            KeepAside(path, $"{path}.unreadable.{DateTime.UtcNow:yyyyMMddTHHmmssfff}");
        }
        else if (File.Exists(path) && (backup || File.Exists(Path.Combine(experimentDirectory, BackupFileName))))
        {
            KeepAside(path, Path.Combine(experimentDirectory, BackupFileName));
        }

        File.Move(tempPath, path, overwrite: true);
        checkpoint.LoadWarning = null;
        s_kept[path] = (checkpoint, FileStamp.Of(path));
    }

    /// <summary>
    /// The checkpoint this process wrote (or parsed) last, when the file is still that one; null otherwise. It stays
    /// current with this process's later updates; a reader locks it while reading.
    /// </summary>
    internal static Checkpoint? Kept(string experimentDirectory)
    {
        var path = PathFor(experimentDirectory);
        return s_kept.TryGetValue(path, out var kept) && kept.Stamp == FileStamp.Of(path) ? kept.Checkpoint : null;
    }

    /// <summary>
    /// Whether <paramref name="checkpoint"/>, got from <see cref="Kept"/>, is still the kept one: false once a change
    /// or a write of it failed (what it holds may never have been written). Asked under its lock.
    /// </summary>
    internal static bool IsKept(string experimentDirectory, Checkpoint checkpoint) =>
        s_kept.TryGetValue(PathFor(experimentDirectory), out var kept) && ReferenceEquals(kept.Checkpoint, checkpoint);

    /// <summary>Writes <paramref name="checkpoint"/> and flushes it to disk; a failed write leaves no file.</summary>
    private static void WriteSynced(string path, Checkpoint checkpoint)
    {
        try
        {
            // unbuffered: the pieces are large, and a buffer would only copy them once more
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            checkpoint.WriteTo(stream);
            stream.Flush(flushToDisk: true);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>
    /// <paramref name="target"/> becomes the file at <paramref name="path"/> as it is now, while the path keeps it: a
    /// hard link where the file system has them (no copy, however large), else a copy; through a temp name either way,
    /// so a crash never leaves half a backup.
    /// </summary>
    private static void KeepAside(string path, string target)
    {
        var temp = $"{target}.tmp.{Environment.ProcessId}";
        File.Delete(temp);
        if (OperatingSystem.IsWindows() || link(path, temp) != 0)
        {
            File.Copy(path, temp, overwrite: true);
        }

        File.Move(temp, target, overwrite: true);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldPath, string newPath);

    /// <summary>What tells one version of the file from another without reading it: its size and its times.</summary>
    private readonly record struct FileStamp(bool Exists, long Length, DateTime Written, DateTime Changed)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new(true, info.Length, info.LastWriteTimeUtc, info.CreationTimeUtc) : default;
        }
    }
}
