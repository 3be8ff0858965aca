namespace Scylla.Core.Runs;

/// <summary>Which runs a scan yields. An empty or null list means no filter. Tiers and subtests compare case-insensitively.</summary>
public sealed class RunQuery
{
    public static readonly RunQuery All = new();

    public IReadOnlyCollection<string>? Tiers { get; init; }

    public IReadOnlyCollection<string>? Subtests { get; init; }

    public IReadOnlyCollection<int>? RunNumbers { get; init; }

    public IReadOnlyCollection<RunStatus>? Statuses { get; init; }

    internal bool IncludesTier(string tier) => Tiers is not { Count: > 0 } || Tiers.Contains(tier, StringComparer.OrdinalIgnoreCase);

    internal bool IncludesSubtest(string subtest) => Subtests is not { Count: > 0 } || Subtests.Contains(subtest, StringComparer.OrdinalIgnoreCase);

    internal bool IncludesRun(int runNumber) => RunNumbers is not { Count: > 0 } || RunNumbers.Contains(runNumber);

    internal bool IncludesStatus(RunStatus status) => Statuses is not { Count: > 0 } || Statuses.Contains(status);
}
