using System.Text.Json.Nodes;
using Scylla.Core.IO;
using Scylla.Core.Json;

namespace Scylla.Core.Cluster;

/// <summary>
/// What one array task says about itself (docs/cluster.md, "Watching"), in <c>tasks/&lt;index&gt;.json</c> beside the
/// plan: its Slurm id, host and pid from its start, and its outcome at its end. The results job marks the whole
/// submission finished. Only a display: ownership of the run is the engine's lease, never this record.
/// </summary>
public sealed record ArrayTaskRecord(
    int Index, string JobId, string Host, int Pid, string StartedAt, string? EndedAt, string? Outcome)
{
    private const string FinishedName = "finished.json";

    public static void Started(string planFolder, int index, string jobId) => Write(planFolder, New(index, jobId));

    public static void Ended(string planFolder, int index, string jobId, string outcome) =>
        Write(planFolder, (Read(planFolder, index) ?? New(index, jobId)) with { EndedAt = Now(), Outcome = outcome });

    /// <summary>The results job ran: every task of the submission has ended.</summary>
    public static void Finished(string planFolder) => AtomicFile.WriteAllText(Path.Combine(planFolder, FinishedName),
        PythonJson.Serialize(new JsonObject { ["finished_at"] = Now() }) + "\n");

    public static bool IsFinished(string planFolder) => File.Exists(Path.Combine(planFolder, FinishedName));

    public static ArrayTaskRecord? Read(string planFolder, int index)
    {
        try
        {
            var o = PythonJson.Parse(File.ReadAllText(PathFor(planFolder, index)))!.AsObject();
            return new ArrayTaskRecord(index, (string)o["job"]!, (string)o["host"]!, (int)o["pid"]!,
                (string)o["started_at"]!, (string?)o["ended_at"], (string?)o["outcome"]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException
            or InvalidOperationException or NullReferenceException or FormatException)
        {
            return null;
        }
    }

    private static void Write(string planFolder, ArrayTaskRecord record)
    {
        var path = PathFor(planFolder, record.Index);
        PrivateFolder.Create(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, PythonJson.Serialize(new JsonObject
        {
            ["job"] = record.JobId,
            ["host"] = record.Host,
            ["pid"] = record.Pid,
            ["started_at"] = record.StartedAt,
            ["ended_at"] = record.EndedAt,
            ["outcome"] = record.Outcome,
        }) + "\n");
    }

    private static ArrayTaskRecord New(int index, string jobId) =>
        new(index, jobId, Environment.MachineName, Environment.ProcessId, Now(), null, null);

    private static string Now() => PythonJson.IsoTimestamp(DateTimeOffset.UtcNow);

    private static string PathFor(string planFolder, int index) => Path.Combine(planFolder, "tasks", $"{index}.json");
}
