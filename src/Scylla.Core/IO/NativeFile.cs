using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Scylla.Core.IO;

/// <summary>
/// The few POSIX calls .NET does not offer (docs/format.md, "Leases"): open(2) without following a final symlink,
/// flock(2) that never waits, and the identity of a file (device, inode, owner) by descriptor and by path, which tells
/// whether a path still names the file locked. The identity calls use statx(2) and exist on Linux only; elsewhere they
/// return null and the checks that need them are skipped.
/// </summary>
internal static partial class NativeFile
{
    private static readonly bool s_mac = OperatingSystem.IsMacOS();

    // open(2) flags: macOS has its own values; Linux arm and arm64 differ from x86 in O_NOFOLLOW only.
    private static readonly int s_readWrite = 2;
    private static readonly int s_create = s_mac ? 0x200 : 0x40;
    private static readonly int s_exclusive = s_mac ? 0x800 : 0x80;
    private static readonly int s_nonBlocking = s_mac ? 0x4 : 0x800;
    private static readonly int s_closeOnExec = s_mac ? 0x1000000 : 0x80000;
    private static readonly int s_noFollow = s_mac ? 0x100
        : RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x8000 : 0x20000;

    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int StatxEmptyPath = 0x1000;
    private const int StatxNoFollow = 0x100;
    private const int AtCurrentDirectory = -100;

    public static readonly int ErrorNoEntry = 2;
    public static readonly int ErrorExists = 17;
    public static readonly int ErrorLoop = s_mac ? 62 : 40;
    public static readonly int ErrorWouldBlock = s_mac ? 35 : 11;

    /// <summary>What stat(2) says of a file: enough to tell one file from another and who owns it.</summary>
    public readonly record struct Identity(ulong Device, ulong Inode, uint Owner, uint Mode, uint Links)
    {
        public bool IsRegularFile => (Mode & 0xF000) == 0x8000;

        public bool IsDirectory => (Mode & 0xF000) == 0x4000;

        public bool IsSymbolicLink => (Mode & 0xF000) == 0xA000;

        public bool SameFileAs(Identity other) => Device == other.Device && Inode == other.Inode;
    }

    /// <summary>
    /// Opens <paramref name="path"/> read-write, creating it (mode <paramref name="mode"/>) when absent, never through
    /// a symlink and never blocking on a FIFO. Returns the descriptor, or -1 with <paramref name="errno"/> set.
    /// </summary>
    public static SafeFileHandle? OpenOrCreate(string path, int mode, out int errno)
    {
        var common = s_readWrite | s_noFollow | s_nonBlocking | s_closeOnExec;
        while (true)
        {
            var descriptor = Open(path, common, 0);
            if (descriptor < 0 && (errno = Marshal.GetLastPInvokeError()) == ErrorNoEntry)
            {
                // created here or opened above: O_EXCL refuses a file (or a link) that appeared in between
                descriptor = Open(path, common | s_create | s_exclusive, mode);
                if (descriptor < 0 && (errno = Marshal.GetLastPInvokeError()) == ErrorExists)
                {
                    continue;
                }
            }

            errno = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
            return descriptor < 0 ? null : new SafeFileHandle(descriptor, ownsHandle: true);
        }
    }

    /// <summary>
    /// Opens an existing file read-only, never through a symlink and never blocking; null with errno.
    /// </summary>
    public static SafeFileHandle? OpenExistingForReading(string path, out int errno)
    {
        var descriptor = Open(path, s_noFollow | s_nonBlocking | s_closeOnExec, 0);
        errno = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
        return descriptor < 0 ? null : new SafeFileHandle(descriptor, ownsHandle: true);
    }

    /// <summary>
    /// An exclusive flock(2) without waiting: 0, or the errno (<see cref="ErrorWouldBlock"/> when held).
    /// </summary>
    public static int TryLockExclusive(SafeFileHandle handle) =>
        Flock(handle, LockExclusive | LockNonBlocking) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>The open file's identity (fstat), or null where statx(2) is not available.</summary>
    public static Identity? Of(SafeFileHandle handle) => Statx(handle, string.Empty, StatxEmptyPath);

    /// <summary>
    /// The identity of what the path names, a symlink itself rather than its target (lstat), or null.
    /// </summary>
    public static Identity? OfPath(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        using var none = new SafeFileHandle(AtCurrentDirectory, ownsHandle: false);
        return Statx(none, path, StatxNoFollow);
    }

    /// <summary>The effective user id; 0 where there is none (Windows).</summary>
    public static uint EffectiveUser => OperatingSystem.IsWindows() ? 0 : GetEffectiveUser();

    /// <summary>
    /// statfs(2)'s f_type, the first field on every Linux architecture; null elsewhere or on failure.
    /// </summary>
    public static long? FileSystemType(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = new byte[256];
        return StatFs(path, buffer) == 0 ? BitConverter.ToInt64(buffer, 0) : null;
    }

    private static Identity? Statx(SafeFileHandle directory, string path, int flags)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // struct statx is the same on every architecture: nlink @16, uid @20, mode @28, ino @32, dev major/minor @136.
        Span<byte> buffer = stackalloc byte[256];
        const int basicStats = 0x7ff;
        if (StatxCall(directory, path, flags, basicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return null;
        }

        var device = ((ulong)BitConverter.ToUInt32(buffer[136..]) << 32) | BitConverter.ToUInt32(buffer[140..]);
        return new Identity(device, BitConverter.ToUInt64(buffer[32..]), BitConverter.ToUInt32(buffer[20..]),
            BitConverter.ToUInt16(buffer[28..]), BitConverter.ToUInt32(buffer[16..]));
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(SafeFileHandle handle, int operation);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxCall(SafeFileHandle directory, string path, int flags, int mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatFs(string path, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUser();
}
