using System.Text.Json.Nodes;
using Scylla.Core.IO;
using Scylla.Core.Json;

namespace Scylla.Core.Cluster;

/// <summary>
/// A rate-limit pause recorded with the experiment (docs/cluster.md, "Per-account limits"), in
/// <c>.scylla/rate-limit-pause.json</c>: every process on every host that re-runs the experiment's runs reads the same
/// reset time, so no task of any array starts an agent before it. A pause is only ever extended, never shortened,
/// under a lock beside it.
/// </summary>
public static class SharedRateLimitPause
{
    /// <summary>The wait when the limited output names no reset time.</summary>
    public static readonly TimeSpan UnknownResetWait = TimeSpan.FromSeconds(60);

    public static string PathFor(string experimentPath) =>
        Path.Combine(experimentPath, ".scylla", "rate-limit-pause.json");

    /// <summary>How long the experiment's pause still lasts; zero when there is none or it is over.</summary>
    public static TimeSpan Remaining(string experimentPath, DateTimeOffset now) =>
        Read(PathFor(experimentPath)) is { } until && until > now ? until - now : TimeSpan.Zero;

    /// <summary>
    /// Records a pause until <paramref name="resetAt"/> (or <see cref="UnknownResetWait"/> from now) unless a later one
    /// is on record; false, recording nothing, when the reset is further away than <paramref name="longestWait"/>.
    /// </summary>
    public static bool Extend(
        string experimentPath, DateTimeOffset? resetAt, DateTimeOffset now, TimeSpan longestWait, string source)
    {
        var until = resetAt ?? now + UnknownResetWait;
        if (until - now > longestWait)
        {
            return false;
        }

        var path = PathFor(experimentPath);
        PrivateFolder.Create(Path.GetDirectoryName(path)!);
        using var held = FileLock.Acquire(path + ".lock", TimeSpan.FromSeconds(30));
        if (Read(path) is { } recorded && recorded >= until)
        {
            return true;
        }

        AtomicFile.WriteAllText(path, PythonJson.Serialize(new JsonObject
        {
            ["until"] = PythonJson.IsoTimestamp(until),
            ["source"] = source,
            ["host"] = Environment.MachineName,
            ["recorded_at"] = PythonJson.IsoTimestamp(now),
        }) + "\n");
        return true;
    }

    /// <summary>The recorded reset time; null without a readable record (an unreadable one pauses nobody).</summary>
    private static DateTimeOffset? Read(string path)
    {
        try
        {
            return PythonJson.Parse(File.ReadAllText(path)) is JsonObject record && record["until"] is JsonValue until
                && DateTimeOffset.TryParse((string)until!, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var time) ? time : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException
            or InvalidOperationException)
        {
            return null;
        }
    }
}
