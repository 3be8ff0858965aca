using Scylla.Core.Experiments;
using Scylla.Core.IO;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// Reads and updates an experiment's <c>checkpoint.json</c>. Every update holds a lock file, re-reads the file, applies the
/// change and replaces the file atomically, so concurrent processes updating different runs lose nothing.
/// </summary>
public static class CheckpointStore
{
    public const string LockFileName = ".checkpoint.lock";

    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(60);

    public static string PathFor(string experimentDirectory) => Path.Combine(experimentDirectory, Checkpoint.FileName);

    /// <summary>The checkpoint, or null when the experiment has none.</summary>
    public static Checkpoint? TryLoad(string experimentDirectory)
    {
        var path = PathFor(experimentDirectory);
        string text;
        try
        {
            text = SmallFile.ReadText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return Checkpoint.Parse(text, path);
    }

    public const string BackupFileName = Checkpoint.FileName + ".bak";

    /// <summary>
    /// Applies <paramref name="change"/> under the lock; a missing checkpoint is created from <paramref name="config"/>.
    /// With <paramref name="backup"/>, the file as it was is first copied to <see cref="BackupFileName"/>. A write that
    /// fails (disk full, no permission) is a <c>CheckpointWriteFailed</c>; the file keeps its old content.
    /// </summary>
    public static Checkpoint Update(string experimentDirectory, ExperimentConfig config, Action<Checkpoint> change,
        CancellationToken cancellationToken = default, TimeSpan? lockTimeout = null, bool backup = false)
    {
        var path = PathFor(experimentDirectory);
        try
        {
            using var fileLock = FileLock.Acquire(Path.Combine(experimentDirectory, LockFileName), lockTimeout ?? s_lockTimeout, cancellationToken);
            var checkpoint = TryLoad(experimentDirectory) ?? Checkpoint.CreateNew(config, experimentDirectory);
            change(checkpoint);
            if (backup && File.Exists(path))
            {
                // byte for byte, through a temp copy, so a crash never leaves half a backup
                var backupTemp = Path.Combine(experimentDirectory, $"{BackupFileName}.tmp.{Environment.ProcessId}");
                File.Copy(path, backupTemp, overwrite: true);
                File.Move(backupTemp, Path.Combine(experimentDirectory, BackupFileName), overwrite: true);
            }

            var tempPath = Path.Combine(experimentDirectory, $"checkpoint.tmp.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.json");
            AtomicFile.WriteAllText(path, checkpoint.ToJson(), tempPath);
            return checkpoint;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScyllaException("CheckpointWriteFailed", ScyllaErrorKind.WriteError, $"'{path}' could not be written: {e.Message}", path, e);
        }
    }
}
