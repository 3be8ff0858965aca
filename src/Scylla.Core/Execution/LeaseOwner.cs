using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.Json;

namespace Scylla.Core.Execution;

/// <summary>
/// The owner record a run's lease file holds (docs/format.md, "Leases"): who holds or last held the run, where, since
/// when, its last heartbeat, the fencing counter, and the agent's process group while one runs. A record is a claim,
/// not a proof: readers judge it with <see cref="MayBeAlive"/> and trust its process group only under the rules of
/// <see cref="RunLease"/>.
/// </summary>
public sealed record LeaseOwner
{
    /// <summary>The host name (uname's nodename) of the owner.</summary>
    public required string Host { get; init; }

    /// <summary>Linux's boot id: a pid and a start time mean something only within one boot of one host.</summary>
    public required string BootId { get; init; }

    public required int Pid { get; init; }

    /// <summary>The owner process's start, in clock ticks since boot (Linux); null where unknown.</summary>
    public long? ProcessStart { get; init; }

    /// <summary>The effective user id the owner ran as.</summary>
    public uint User { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Renewed every <see cref="RunLease.HeartbeatInterval"/> while the lease is held.</summary>
    public required DateTimeOffset Heartbeat { get; init; }

    /// <summary>One more than the previous owner's: each holding of the run has its own number.</summary>
    public required long Fence { get; init; }

    /// <summary>The owner ended cleanly and gave the run up.</summary>
    public bool Released { get; init; }

    public string Run { get; init; } = string.Empty;

    /// <summary>The agent's (or a judge's) process group while one runs, and its leader's start time.</summary>
    public int? ProcessGroup { get; init; }

    public long? ProcessGroupStart { get; init; }

    /// <summary>statfs(2)'s name for the file system the lease lives on, as the owner saw it.</summary>
    public string FileSystem { get; init; } = string.Empty;

    /// <summary>"process 123 on host h (heartbeat 4 s ago, holding 7)": how errors name an owner.</summary>
    public string Describe(DateTimeOffset now) => string.Create(CultureInfo.InvariantCulture,
        $"process {Pid} on host {Host} (heartbeat {(now - Heartbeat).TotalSeconds:0} s ago, holding {Fence})");

    /// <summary>
    /// Whether the owner may still be alive, judged as <paramref name="self"/> can: on the same host and boot by its
    /// pid and start time (a reused pid is another process); after a reboot of its host never; from another host by its
    /// heartbeat alone, younger than <paramref name="staleAfter"/> (or from the future, whose clock we cannot judge).
    /// </summary>
    public bool MayBeAlive(LeaseOwner self, DateTimeOffset now, TimeSpan staleAfter, Func<int, long?> startTimeOf)
    {
        if (Released)
        {
            return false;
        }

        var sameHost = Host == self.Host && BootId.Length > 0 && self.BootId.Length > 0;
        if (sameHost && BootId == self.BootId)
        {
            return startTimeOf(Pid) is { } start && (ProcessStart == null || ProcessStart == start);
        }

        return !sameHost && now - Heartbeat <= staleAfter;
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(PythonJson.Serialize(new JsonObject
    {
        ["host"] = Host,
        ["boot_id"] = BootId,
        ["pid"] = Pid,
        ["process_start"] = ProcessStart,
        ["uid"] = User,
        ["started_at"] = PythonJson.IsoTimestamp(StartedAt),
        ["heartbeat"] = PythonJson.IsoTimestamp(Heartbeat),
        ["fence"] = Fence,
        ["released"] = Released,
        ["run"] = Run,
        ["process_group"] = ProcessGroup,
        ["process_group_start"] = ProcessGroupStart,
        ["filesystem"] = FileSystem,
    }));

    /// <summary>
    /// The record in <paramref name="bytes"/>, or null when they hold none (empty, torn, or not ours).
    /// </summary>
    public static LeaseOwner? Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var text = Encoding.UTF8.GetString(bytes).Trim();
            if (text.Length == 0 || JsonNode.Parse(text) is not JsonObject o)
            {
                return null;
            }

            return new LeaseOwner
            {
                Host = (string?)o["host"] ?? string.Empty,
                BootId = (string?)o["boot_id"] ?? string.Empty,
                Pid = (int?)o["pid"] ?? 0,
                ProcessStart = (long?)o["process_start"],
                User = (uint?)o["uid"] ?? uint.MaxValue,
                StartedAt = Time(o["started_at"]),
                Heartbeat = Time(o["heartbeat"]),
                Fence = (long?)o["fence"] ?? 0,
                Released = (bool?)o["released"] ?? false,
                Run = (string?)o["run"] ?? string.Empty,
                ProcessGroup = (int?)o["process_group"],
                ProcessGroupStart = (long?)o["process_group_start"],
                FileSystem = (string?)o["filesystem"] ?? string.Empty,
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException
            or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>An unreadable time is the distant past: a heartbeat nobody can read proves no owner alive.</summary>
    private static DateTimeOffset Time(JsonNode? node) =>
        DateTimeOffset.TryParse((string?)node, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : DateTimeOffset.MinValue;
}
