using Scylla.Core.Runs;

namespace Scylla.Core.Planning;

/// <summary>The runs of one experiment a caller chose: by address (in the order given), by query, or both.</summary>
public sealed class RerunSelection
{
    private readonly List<(string Tier, string Subtest, int RunNumber)> _addresses = [];
    private readonly HashSet<(string, string, int)> _seen = [];
    private readonly List<RunQuery> _queries = [];

    public bool IsEmpty => _addresses.Count == 0 && _queries.Count == 0;

    /// <summary>Adds one run by address; an address given twice counts once.</summary>
    public void Add(string tier, string subtest, int runNumber)
    {
        if (_seen.Add((tier, subtest, runNumber)))
        {
            _addresses.Add((tier, subtest, runNumber));
        }
    }

    /// <summary>Adds the runs a query (resolved against the experiment) finds.</summary>
    public void Add(RunQuery query) => _queries.Add(query);

    internal IReadOnlyList<(string Tier, string Subtest, int RunNumber)> Addresses => _addresses;

    internal bool HasAddress(ScyllaRun run) => _seen.Contains((run.Tier, run.Subtest, run.RunNumber));

    internal bool MatchesQuery(ScyllaRun run) => _queries.Any(q => q.IncludesTier(run.Tier)
        && q.IncludesSubtest(run.Subtest) && q.IncludesRun(run.RunNumber) && q.IncludesStatus(run.Status));
}
