using Scylla.Core.IO;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// Reads an experiment's <c>checkpoint.json</c> while any era's tool may be saving it (docs/checkpoints.md, "Saving and
/// reading"). ProjectScylla's August-era save renames the file to <c>checkpoint.json.bak</c> before it moves the new
/// one in, so for a moment there is no primary: a missing primary beside a backup or a fresh temp file is a save in
/// progress, waited for briefly. A primary that cannot be parsed is replaced by its backup, with a warning.
/// </summary>
internal static class CheckpointFile
{
    public const string BackupFileName = Checkpoint.FileName + ".bak";

    /// <summary>How long a missing primary is waited for while a save seems to be in progress.</summary>
    private static readonly TimeSpan s_saveWait = TimeSpan.FromSeconds(2);

    /// <summary>A temp file younger than this may belong to a save in progress; an older one was left by a crash.
    /// </summary>
    private static readonly TimeSpan s_freshTemp = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <paramref name="parse"/> of the primary, or of the backup when the primary is unreadable or stays missing
    /// (then <paramref name="fallback"/> says why); null when the experiment has no checkpoint.
    /// </summary>
    public static T? Read<T>(
        string experimentDirectory, Func<ReadOnlyMemory<byte>, string, T> parse, out string? fallback)
        where T : class
    {
        fallback = null;
        var path = Path.Combine(experimentDirectory, Checkpoint.FileName);
        var backup = Path.Combine(experimentDirectory, BackupFileName);
        var deadline = DateTime.UtcNow + s_saveWait;
        while (true)
        {
            try
            {
                return SmallFile.ReadBytes(path, bytes => parse(bytes, path));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                if (!SaveInProgress(experimentDirectory))
                {
                    return null;
                }

                if (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(10);
                    continue;
                }

                if (!File.Exists(backup))
                {
                    throw new ScyllaException("CheckpointSaveInProgress", ScyllaErrorKind.ResourceBusy,
                        $"'{path}' is missing while a temp file beside it says a save is in progress. Try again; if no "
                        + "tool is saving it, remove the checkpoint.tmp.*.json files or run Repair-ScyllaCheckpoint.",
                        path);
                }

                fallback = $"'{path}' is missing (a save that did not finish?); read its backup '{backup}' instead.";
                return SmallFile.ReadBytes(backup, bytes => parse(bytes, backup));
            }
            catch (ScyllaException e) when (e.ErrorId == "InvalidCheckpoint" && File.Exists(backup))
            {
                try
                {
                    var fromBackup = SmallFile.ReadBytes(backup, bytes => parse(bytes, backup));
                    fallback = $"{e.Message} Read its backup '{backup}' instead.";
                    return fromBackup;
                }
                catch (ScyllaException)
                {
                    throw e; // the primary's error is the one to fix
                }
            }
        }
    }

    /// <summary>A backup, or a temp file written in the last moments, beside a missing primary.</summary>
    private static bool SaveInProgress(string experimentDirectory)
    {
        if (File.Exists(Path.Combine(experimentDirectory, BackupFileName)))
        {
            return true;
        }

        try
        {
            var recent = DateTime.UtcNow - s_freshTemp;
            return new DirectoryInfo(experimentDirectory).EnumerateFiles("checkpoint.tmp.*")
                .Any(f => f.Name.EndsWith(".json", StringComparison.Ordinal) && f.LastWriteTimeUtc > recent);
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }
}
