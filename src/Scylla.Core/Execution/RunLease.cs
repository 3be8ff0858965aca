using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Scylla.Core.IO;
using Scylla.Core.Runs;

namespace Scylla.Core.Execution;

/// <summary>
/// Ownership of one run by one process on one host (docs/format.md, "Leases"). The lease is an exclusive flock(2) on
/// <c>E/.scylla/leases/&lt;tier&gt;-&lt;subtest&gt;-run_NN.lock</c>, a file of the experiment itself, so every host
/// that sees the experiment sees the owner. The file holds the owner record (<see cref="LeaseOwner"/>), renewed by a
/// heartbeat while held. A lock that is free beside a record that was not released means its owner died, or that the
/// file system does not share locks between hosts: the run is taken over only when that owner is provably gone.
/// </summary>
public sealed class RunLease : IDisposable
{
    /// <summary>The experiment's hidden folder: the one thing a refused run may create in it.</summary>
    public const string FolderName = ".scylla";

    /// <summary>How often a held lease renews its heartbeat.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>A heartbeat older than this, written on another host, no longer proves its owner alive.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    /// <summary>Records are padded to this size so a renewal rewrites the same bytes in one write.</summary>
    private const int RecordSize = 1024;

    private const int OwnerOnly = 0b110_000_000; // 0600: no other user can open, lock, or read the lease

    private static readonly ConcurrentDictionary<RunLease, byte> s_held = new();
    private static readonly object s_acquiring = new(); // one acquisition at a time in this process: see HeldHere
    private static readonly Timer s_heartbeat = new(_ => RenewAll(), null, HeartbeatInterval, HeartbeatInterval);
    private static readonly Lazy<LeaseOwner> s_self = new(() => new LeaseOwner
    {
        Host = Environment.MachineName,
        BootId = ReadBootId(),
        Pid = Environment.ProcessId,
        ProcessStart = Execution.ProcessGroup.StartTimeOf(Environment.ProcessId),
        User = NativeFile.EffectiveUser,
        StartedAt = DateTimeOffset.UtcNow,
        Heartbeat = DateTimeOffset.UtcNow,
        Fence = 0,
    });

    private readonly SafeFileHandle _file;
    private readonly object _gate = new();
    private LeaseOwner _owner;
    private bool _lost;

    private RunLease(string path, SafeFileHandle file, LeaseOwner owner, LeaseOwner? previous)
    {
        FilePath = path;
        _file = file;
        _owner = owner;
        TakenOverFrom = previous;
    }

    /// <summary>This process as a lease owner would record it (host, boot id, pid, start time, user).</summary>
    public static LeaseOwner Self => s_self.Value;

    /// <summary>The lease file.</summary>
    public string FilePath { get; }

    /// <summary>
    /// This holding's fencing counter: a record in the file with another number means the run was lost.
    /// </summary>
    public long Fence => _owner.Fence;

    /// <summary>The record of an owner that died holding the run, which this lease took over; or null.</summary>
    public LeaseOwner? TakenOverFrom { get; }

    /// <summary>The folder of an experiment's lease files.</summary>
    public static string DirectoryFor(string experimentPath) => Path.Combine(experimentPath, FolderName, "leases");

    /// <summary>The lease file of a run.</summary>
    public static string PathFor(RunReference run) => Path.Combine(DirectoryFor(run.ExperimentPath),
        string.Create(CultureInfo.InvariantCulture, $"{run.Tier}-{run.Subtest}-run_{run.RunNumber:00}.lock"));

    /// <summary>
    /// Takes the run's lease, or throws: <c>RunBusy</c> naming the owner when another process holds it (on any host),
    /// <c>LeaseUnsafe</c> when the lease folder or file is not one only this user controls. Never waits.
    /// </summary>
    public static RunLease Acquire(RunReference run)
    {
        var path = PathFor(run);
        EnsureFolder(run.ExperimentPath, run.RunId);
        lock (s_acquiring)
        {
            return AcquireHere(run, path);
        }
    }

    private static RunLease AcquireHere(RunReference run, string path)
    {
        if (HeldHere(path) is { } mine)
        {
            // Never a second descriptor of a file this process locks: on NFS, closing it would drop the lock.
            throw Busy(run, mine._owner, DateTimeOffset.UtcNow);
        }

        for (var attempt = 0; ; attempt++)
        {
            var file = NativeFile.OpenOrCreate(path, OwnerOnly, out var errno)
                ?? throw OpenFailed(run, path, errno);
            try
            {
                if (TryTake(run, path, file) is { } lease)
                {
                    return lease;
                }
            }
            catch
            {
                file.Dispose();
                throw;
            }

            file.Dispose(); // the path was replaced between open and lock: take the file it names now
            if (attempt == 3)
            {
                throw Unsafe(run, path, "it keeps being replaced while it is locked");
            }
        }
    }

    /// <summary>
    /// The record in a run's lease file as it is now (held, released, or left by a dead owner); or null.
    /// </summary>
    public static LeaseOwner? ReadOwner(RunReference run)
    {
        if (HeldHere(PathFor(run)) is { } mine)
        {
            return mine._owner;
        }

        var file = NativeFile.OpenExistingForReading(PathFor(run), out _);
        using (file)
        {
            return file == null ? null : ReadRecord(file);
        }
    }

    /// <summary>Records the process group now running for the run (null when it ended), for a later owner to find.</summary>
    public void RecordProcessGroup(ProcessGroup? group) => Write(_owner with
    {
        ProcessGroup = group?.Id,
        ProcessGroupStart = group?.StartTime,
    });

    /// <summary>
    /// Throws <c>LeaseLost</c> unless this lease still holds the run: its path names the locked file and the record in
    /// it is this holding's. Called before each checkpoint write, so a holder whose run was taken over (a host that
    /// stalled past <see cref="StaleAfter"/> on a file system without shared locks) writes nothing more.
    /// </summary>
    public void EnsureHeld()
    {
        lock (_gate)
        {
            if (!_lost && StillNamed(FilePath, _file) && ReadRecord(_file) is { } record
                && record.Fence == _owner.Fence && record.Pid == _owner.Pid && record.Host == _owner.Host)
            {
                return;
            }

            _lost = true;
            throw new ScyllaException("LeaseLost", ScyllaErrorKind.ResourceBusy,
                $"{_owner.Run} is no longer held by this process (its lease file '{FilePath}' was replaced or taken " +
                "over); nothing more is written for it.", FilePath);
        }
    }

    public void Dispose()
    {
        s_held.TryRemove(this, out _);
        lock (_gate)
        {
            if (!_lost && StillNamed(FilePath, _file) && ReadRecord(_file)?.Fence == _owner.Fence)
            {
                WriteRecord(_owner with { Released = true, ProcessGroup = null, ProcessGroupStart = null });
            }

            _lost = true;
        }

        _file.Dispose(); // closing the last descriptor drops the flock
    }

    private static RunLease? HeldHere(string path)
    {
        var full = Path.GetFullPath(path);
        return s_held.Keys.FirstOrDefault(l => Path.GetFullPath(l.FilePath) == full);
    }

    private static RunLease? TryTake(RunReference run, string path, SafeFileHandle file)
    {
        var identity = NativeFile.Of(file);
        if (identity is { } id && (!id.IsRegularFile || id.Links != 1 || id.Owner != NativeFile.EffectiveUser))
        {
            throw Unsafe(run, path, "it is not a regular file of this user with one name");
        }

        var errno = NativeFile.TryLockExclusive(file);
        var now = DateTimeOffset.UtcNow;
        if (errno == NativeFile.ErrorWouldBlock)
        {
            throw Busy(run, ReadRecord(file), now);
        }

        if (errno != 0)
        {
            throw new ScyllaException("LeaseUnsupported", ScyllaErrorKind.InvalidOperation,
                $"{run.RunId} was skipped: the file system of '{path}' refuses flock(2) (errno {errno}); see " +
                "docs/format.md, Leases, for the file systems a lease works on.", path);
        }

        if (!StillNamed(path, file))
        {
            return null;
        }

        var previous = ReadRecord(file);
        if (previous != null && previous.MayBeAlive(Self, now, StaleAfter, Execution.ProcessGroup.StartTimeOf))
        {
            // The lock was free yet the owner lives: another host on a file system that does not share locks.
            throw Busy(run, previous, now);
        }

        var owner = Self with
        {
            StartedAt = now,
            Heartbeat = now,
            Fence = (previous?.Fence ?? 0) + 1,
            Run = run.RunId,
            FileSystem = FileSystemName(path),
        };
        var lease = new RunLease(path, file, owner, previous is { Released: false } ? previous : null);
        if (lease.TakenOverFrom is { } dead)
        {
            EndOrphanedAgent(dead, identity);
        }

        lease.Write(owner);
        s_held[lease] = 0;
        return lease;
    }

    /// <summary>
    /// A dead owner's agent may still run (kill -9 of pwsh leaves it orphaned). It is ended only when nothing about
    /// it could be another's: same host and boot, a record in a file of this user written as this user, and every
    /// process of the group this user's and started no earlier than the recorded leader (docs/format.md, "Processes").
    /// </summary>
    private static void EndOrphanedAgent(LeaseOwner dead, NativeFile.Identity? file)
    {
        var user = NativeFile.EffectiveUser;
        if (dead is { ProcessGroup: { } group, ProcessGroupStart: { } start } && dead.Host == Self.Host
            && dead.BootId.Length > 0 && dead.BootId == Self.BootId && dead.User == user && file?.Owner == user
            && Execution.ProcessGroup.IsGroupOf(group, user, start))
        {
            Execution.ProcessGroup.StopGroups([group], Execution.ProcessGroup.KillGrace);
        }
    }

    private void Write(LeaseOwner owner)
    {
        lock (_gate)
        {
            if (!_lost)
            {
                WriteRecord(owner);
            }
        }
    }

    /// <summary>
    /// Renews the heartbeat, unless another owner's record is in the file now (then the run is lost).
    /// </summary>
    private void Renew()
    {
        lock (_gate)
        {
            if (_lost || ReadRecord(_file) is { } record && record.Fence != _owner.Fence)
            {
                _lost = true;
                return;
            }

            WriteRecord(_owner with { Heartbeat = DateTimeOffset.UtcNow });
        }
    }

    private static void RenewAll()
    {
        foreach (var lease in s_held.Keys)
        {
            try
            {
                lease.Renew();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                // a renewal that fails leaves the heartbeat to age: others then judge the owner by it, as designed
            }
        }
    }

    /// <summary>One write of the whole padded record at offset 0, so a reader sees the old record or the new.</summary>
    private void WriteRecord(LeaseOwner owner)
    {
        var bytes = owner.ToBytes();
        var record = new byte[Math.Max(RecordSize, bytes.Length + 1)];
        Array.Fill(record, (byte)' ');
        bytes.CopyTo(record, 0);
        record[^1] = (byte)'\n';
        RandomAccess.Write(_file, record, 0);
        if (RandomAccess.GetLength(_file) != record.Length)
        {
            RandomAccess.SetLength(_file, record.Length);
        }

        _owner = owner;
    }

    /// <summary>
    /// The record in an open lease file (at most 64 KiB); a torn or foreign one is read again, then null.
    /// </summary>
    private static LeaseOwner? ReadRecord(SafeFileHandle file)
    {
        var buffer = new byte[64 * 1024];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var length = RandomAccess.Read(file, buffer, 0);
            if (length == 0)
            {
                return null;
            }

            if (LeaseOwner.Parse(buffer.AsSpan(0, length)) is { } owner)
            {
                return owner;
            }

            Thread.Sleep(5);
        }

        return null;
    }

    /// <summary>
    /// Whether the path still names the open file (fstat against lstat): nobody unlinked or replaced it.
    /// </summary>
    private static bool StillNamed(string path, SafeFileHandle file) =>
        NativeFile.Of(file) is not { } open || NativeFile.OfPath(path) is { } named && named.SameFileAs(open);

    /// <summary>
    /// Creates <c>E/.scylla/leases</c> one level at a time, and uses it only when each level is a real directory (not a
    /// link) owned by this user or the experiment's owner and writable by no other user, in an experiment folder no
    /// other user may write to: then nobody else can plant, replace or remove a lease file. Returns <c>E/.scylla</c>,
    /// where the module's other lock files live too; <paramref name="what"/> names what a refusal skips.
    /// </summary>
    internal static string EnsureFolder(string experimentPath, string what)
    {
        var experiment = NativeFile.OfPath(Path.Combine(experimentPath, "."));
        var user = NativeFile.EffectiveUser;
        if (experiment is { } e && (e.Mode & 0b010) != 0)
        {
            throw Unsafe(what, experimentPath, "every user may write to the experiment folder");
        }

        var folder = experimentPath;
        foreach (var name in new[] { FolderName, "leases" })
        {
            folder = Path.Combine(folder, name);
            try
            {
                // 0755 whatever the umask: a folder other users may write is refused below
                _ = OperatingSystem.IsWindows() ? Directory.CreateDirectory(folder)
                    : Directory.CreateDirectory(folder, (UnixFileMode)0b111_101_101);
            }
            catch (IOException)
            {
                // a file or a link in its place: refused below
            }

            var level = NativeFile.OfPath(folder);
            if (experiment != null && (level is not { IsDirectory: true } l || (l.Mode & 0b010) != 0
                || (l.Owner != user && l.Owner != experiment.Value.Owner)))
            {
                throw Unsafe(what, folder,
                    "it is not a directory that only this user or the experiment's owner controls");
            }
        }

        return Path.GetDirectoryName(folder)!;
    }

    private static ScyllaException Busy(RunReference run, LeaseOwner? owner, DateTimeOffset now) =>
        new("RunBusy", ScyllaErrorKind.ResourceBusy,
            $"{run.RunId} is held by {owner?.Describe(now) ?? "another process"}; it was skipped.",
            run.ExperimentPath);

    private static ScyllaException OpenFailed(RunReference run, string path, int errno) => errno == NativeFile.ErrorLoop
        ? Unsafe(run, path, "it is a symbolic link")
        : Unsafe(run, path, $"it cannot be opened (errno {errno})");

    private static ScyllaException Unsafe(RunReference run, string path, string why) => Unsafe(run.RunId, path, why);

    private static ScyllaException Unsafe(string what, string path, string why) =>
        new("LeaseUnsafe", ScyllaErrorKind.InvalidOperation,
            $"{what} was skipped: its lease '{path}' cannot be trusted ({why}).", path);

    /// <summary>The file system's name where a lease's safety depends on it (docs/format.md, "Leases").</summary>
    private static string FileSystemName(string path) => NativeFile.FileSystemType(path) switch
    {
        null => string.Empty,
        0x6969 => "nfs",
        0x0BD00BD0 => "lustre",
        0xFF534D42 or 0xFE534D42 => "smb",
        0x65735546 => "fuse",
        0x47504653 => "gpfs",
        0x00C36400 => "ceph",
        0x01021994 => "tmpfs",
        0xEF53 => "ext4",
        0x58465342 => "xfs",
        0x9123683E => "btrfs",
        var other => "0x" + other.Value.ToString("x", CultureInfo.InvariantCulture),
    };

    private static string ReadBootId()
    {
        try
        {
            return OperatingSystem.IsLinux()
                ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim()
                : string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
