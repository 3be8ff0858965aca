namespace Scylla.Core.Cluster;

/// <summary>
/// Folders and files under the experiment's <c>.scylla/</c> that only their owner may change (docs/cluster.md, "What
/// the shared filesystem must provide").
/// </summary>
internal static class PrivateFolder
{
    private const UnixFileMode OwnerOnlyFolder =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, OwnerOnlyFolder);
    }

    public static void Restrict(string file)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | (
                File.GetUnixFileMode(file) & UnixFileMode.UserExecute));
        }
    }
}
