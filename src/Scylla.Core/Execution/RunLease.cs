using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Scylla.Core.Json;
using Scylla.Core.Runs;

namespace Scylla.Core.Execution;

/// <summary>
/// Ownership of one run across processes (docs/format.md, "Leases"): an exclusive lock on a file outside the experiment
/// (archiving cannot move it, and a refused run leaves the experiment untouched), held from planning to the end of the
/// run, beside an owner record (pid, host, start time, the agent's process group). The operating system drops the lock
/// when its holder dies; the next owner then finds the dead owner's record and ends its agent before touching the run.
/// </summary>
public sealed partial class RunLease : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _ownerPath;
    private readonly JsonObject _owner;

    private RunLease(FileStream lockStream, string ownerPath, JsonObject owner)
    {
        _lock = lockStream;
        _ownerPath = ownerPath;
        _owner = owner;
    }

    /// <summary>Where leases live; one folder for every user of this host, so any process can find any owner.</summary>
    public static string Directory { get; } = OperatingSystem.IsWindows()
        ? Path.Combine(Path.GetTempPath(), "scylla-leases")
        : "/tmp/scylla-leases";

    /// <summary>What the previous owner left when it died holding the run, or null.</summary>
    public JsonObject? TakenOverFrom { get; private init; }

    /// <summary>Takes the run's lease, or throws <c>RunBusy</c> naming the live owner. Never waits.</summary>
    public static RunLease Acquire(RunReference run)
    {
        var (lockPath, ownerPath) = PathsFor(run);
        EnsureDirectory();
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            var owner = ReadOwner(ownerPath);
            var who = owner == null ? "another process"
                : $"process {owner["pid"]} on {owner["host"]} (since {owner["started_at"]})";
            throw new ScyllaException("RunBusy", ScyllaErrorKind.ResourceBusy,
                $"{run.RunId} is being re-run by {who}; it was skipped.", run.ExperimentPath, e);
        }

        var previous = ReadOwner(ownerPath);
        var lease = new RunLease(stream, ownerPath, new JsonObject
        {
            ["pid"] = Environment.ProcessId,
            ["host"] = Environment.MachineName,
            ["started_at"] = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow),
            ["experiment"] = Path.GetFullPath(run.ExperimentPath),
            ["run"] = run.RunId,
            ["process_group"] = null,
            ["process_group_start"] = null,
        }) { TakenOverFrom = previous };
        if (previous != null)
        {
            EndOrphanedAgent(previous);
        }

        lease.Save();
        return lease;
    }

    /// <summary>Records the process group now running for the run (null when it ended), for a later owner to find.</summary>
    public void RecordProcessGroup(ProcessGroup? group)
    {
        _owner["process_group"] = group?.Id;
        _owner["process_group_start"] = group?.StartTime;
        Save();
    }

    public void Dispose()
    {
        File.Delete(_ownerPath); // a clean end leaves no owner record: only a dead owner's record is ever found
        _lock.Dispose();
    }

    /// <summary>A dead owner's agent may still run (kill -9 of pwsh leaves it orphaned): end it, unless its pid was reused.</summary>
    private static void EndOrphanedAgent(JsonObject previous)
    {
        if (previous["process_group"] is not JsonValue g || !g.TryGetValue(out int group) || !ProcessGroup.IsGroupAlive(group))
        {
            return;
        }

        long? recordedStart = previous["process_group_start"] is JsonValue s && s.TryGetValue(out long start) ? start : null;
        var currentStart = ProcessGroup.StartTimeOf(group);
        if (recordedStart == null || currentStart == null || recordedStart == currentStart)
        {
            ProcessGroup.StopGroups([group], ProcessGroup.KillGrace);
        }
    }

    /// <summary>
    /// Replaces the owner record whole (a reader sees the old record or the new), without waiting for the disk: the record
    /// only matters while this host runs, and the agent's group must be on record as soon after its start as can be.
    /// </summary>
    private void Save()
    {
        var temp = $"{_ownerPath}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        File.WriteAllText(temp, PythonJson.Serialize(_owner));
        File.Move(temp, _ownerPath, overwrite: true);
    }

    private static JsonObject? ReadOwner(string ownerPath)
    {
        try
        {
            return PythonJson.Parse(File.ReadAllText(ownerPath)) as JsonObject;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>One lock per run: the experiment's real path hashed (any spelling of it finds the same lease), and the run.</summary>
    private static (string Lock, string Owner) PathsFor(RunReference run)
    {
        var real = RealPath(Path.GetFullPath(run.ExperimentPath)).TrimEnd(Path.DirectorySeparatorChar);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(real)))[..20].ToLowerInvariant();
        var name = string.Create(CultureInfo.InvariantCulture, $"{hash}-{run.Tier}-{run.Subtest}-run_{run.RunNumber:00}");
        return (Path.Combine(Directory, name + ".lock"), Path.Combine(Directory, name + ".owner.json"));
    }

    /// <summary>realpath(3): every symlink and <c>..</c> resolved; the path itself when it cannot be resolved.</summary>
    private static string RealPath(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return path;
        }

        var resolved = NativeRealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return path;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved) ?? path;
        }
        finally
        {
            Marshal.FreeHGlobal(resolved); // free(3): .NET's FreeHGlobal is free on Unix
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr NativeRealPath(string path, IntPtr resolved);

    private static void EnsureDirectory()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            return;
        }

        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            // Shared by every user of the host, like /tmp itself: anyone may add, nobody may remove another's files.
            File.SetUnixFileMode(Directory, (UnixFileMode)0b1_111_111_111);
        }
    }
}
