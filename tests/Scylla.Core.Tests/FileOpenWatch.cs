using System.Runtime.InteropServices;

namespace Scylla.Core.Tests;

/// <summary>
/// Sees which of some files get opened (Linux inotify), so a test can tell what the code read without asking the code.
/// </summary>
public sealed class FileOpenWatch : IDisposable
{
    private const int NonBlocking = 0x800; // IN_NONBLOCK
    private const uint Opened = 0x20; // IN_OPEN
    private const int EventHeaderBytes = 16; // wd, mask, cookie, len

    private readonly int _descriptor;
    private readonly Dictionary<int, string> _paths = [];

    public FileOpenWatch(IEnumerable<string> paths)
    {
        _descriptor = InotifyInit(NonBlocking);
        if (_descriptor < 0)
        {
            throw new IOException($"inotify_init1 failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        foreach (var path in paths)
        {
            var watch = InotifyAddWatch(_descriptor, path, Opened);
            if (watch < 0)
            {
                throw new IOException($"Cannot watch '{path}': {Marshal.GetLastPInvokeErrorMessage()}");
            }

            _paths[watch] = path;
        }
    }

    /// <summary>The watched files opened since the last call, one entry per open.</summary>
    public List<string> TakeOpened()
    {
        var opened = new List<string>();
        var buffer = new byte[64 * 1024];
        int count;
        while ((count = Read(_descriptor, buffer, buffer.Length)) > 0) // -1 with EAGAIN once the queue is empty
        {
            for (var offset = 0; offset < count; offset += EventHeaderBytes + BitConverter.ToInt32(buffer, offset + 12))
            {
                if ((BitConverter.ToUInt32(buffer, offset + 4) & Opened) != 0)
                {
                    opened.Add(_paths[BitConverter.ToInt32(buffer, offset)]);
                }
            }
        }

        return opened;
    }

    public void Dispose() => Close(_descriptor);

    [DllImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static extern int InotifyInit(int flags);

    [DllImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true)]
    private static extern int InotifyAddWatch(
        int descriptor, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mask);

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    private static extern int Read(int descriptor, byte[] buffer, int count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int descriptor);
}
