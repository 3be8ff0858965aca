using System.Globalization;
using Scylla.Core.Experiments;

namespace Scylla.Core.Runs;

/// <summary>Which runs a scan yields. An empty or null list means no filter. Tiers and subtests compare case-insensitively.</summary>
public sealed class RunQuery
{
    public static readonly RunQuery All = new();

    public IReadOnlyCollection<string>? Tiers { get; init; }

    public IReadOnlyCollection<string>? Subtests { get; init; }

    public IReadOnlyCollection<int>? RunNumbers { get; init; }

    public IReadOnlyCollection<RunStatus>? Statuses { get; init; }

    /// <summary>
    /// This query with its tiers and subtests spelled as <paramref name="experiment"/> names them: a subtest given as a
    /// number matches the subtest of that number (<c>1</c> and <c>01</c> find <c>01</c>; PowerShell binds an unquoted
    /// <c>01</c> as the number 1). Each tier, subtest or run number the experiment does not have goes to
    /// <paramref name="reportUnmatched"/> as an error naming the values it has (<c>TierNotInExperiment</c>,
    /// <c>SubtestNotInExperiment</c>, <c>RunNumberNotInExperiment</c>); such a value stays in the query, matching nothing.
    /// </summary>
    public RunQuery Resolve(Experiment experiment, Action<ScyllaException> reportUnmatched)
    {
        if (Tiers is not { Count: > 0 } && Subtests is not { Count: > 0 } && RunNumbers is not { Count: > 0 })
        {
            return this;
        }

        var addresses = RunScanner.EnumerateAddresses(experiment, All, _ => { }).ToList();
        var tiers = Match(Tiers, addresses.Select(a => a.Tier), SameTier, reportUnmatched,
            (given, known) => Unmatched("TierNotInExperiment", experiment, $"has no tier '{given}'; its tiers are {known}"));
        var inTiers = addresses.Where(a => tiers.Matched.Contains(a.Tier)).ToList();
        var tierNames = string.Join(", ", tiers.Matched);
        var subtests = tiers.Matched.Count == 0
            ? (Values: Subtests?.ToList(), Matched: [])
            : Match(Subtests, inTiers.Select(a => a.Subtest), SameSubtest, reportUnmatched, (given, known) =>
                Unmatched("SubtestNotInExperiment", experiment, $"has no subtest '{given}' in {tierNames}; its subtests are {known}"));
        if (subtests.Matched.Count > 0 && RunNumbers is { Count: > 0 })
        {
            var known = inTiers.Where(a => subtests.Matched.Contains(a.Subtest)).Select(a => a.RunNumber).Distinct().Order().ToList();
            var where = $"{tierNames} subtest {string.Join(", ", subtests.Matched)}";
            foreach (var runNumber in RunNumbers.Where(n => !known.Contains(n)))
            {
                reportUnmatched(Unmatched("RunNumberNotInExperiment", experiment,
                    $"has no run {runNumber} in {where}; its run numbers there are {(known.Count == 0 ? "none" : Ranges(known))}"));
            }
        }

        return new RunQuery { Tiers = tiers.Values, Subtests = subtests.Values, RunNumbers = RunNumbers, Statuses = Statuses };
    }

    /// <summary>
    /// One run given by tier, subtest and number, spelled as <paramref name="experiment"/> names it; throws the error of
    /// <see cref="Resolve"/> when the experiment has no such run.
    /// </summary>
    public static (string Tier, string Subtest) ResolveRun(Experiment experiment, string tier, string subtest, int runNumber)
    {
        var resolved = new RunQuery { Tiers = [tier], Subtests = [subtest], RunNumbers = [runNumber] }.Resolve(experiment, e => throw e);
        return (resolved.Tiers!.First(), resolved.Subtests!.First());
    }

    internal bool IncludesTier(string tier) => Tiers is not { Count: > 0 } || Tiers.Contains(tier, StringComparer.OrdinalIgnoreCase);

    internal bool IncludesSubtest(string subtest) =>
        Subtests is not { Count: > 0 } || Subtests.Contains(subtest, StringComparer.OrdinalIgnoreCase);

    internal bool IncludesRun(int runNumber) => RunNumbers is not { Count: > 0 } || RunNumbers.Contains(runNumber);

    internal bool IncludesStatus(RunStatus status) => Statuses is not { Count: > 0 } || Statuses.Contains(status);

    private static bool SameTier(string given, string known) => string.Equals(given, known, StringComparison.OrdinalIgnoreCase);

    /// <summary>Same subtest: the same name ignoring case, else the same number when both are all digits (<c>1</c>, <c>01</c>).</summary>
    private static bool SameSubtest(string given, string known) =>
        string.Equals(given, known, StringComparison.OrdinalIgnoreCase)
        || (given.Length > 0 && given.All(char.IsAsciiDigit) && known.All(char.IsAsciiDigit)
            && given.TrimStart('0') == known.TrimStart('0'));

    /// <summary>
    /// Each given value spelled as the experiment spells it (an exact match first, else every loose match); an unmatched
    /// value is reported (with the known values listed) and kept as given. No values means no filter: all known match.
    /// </summary>
    private static (List<string>? Values, List<string> Matched) Match(
        IReadOnlyCollection<string>? given,
        IEnumerable<string> known,
        Func<string, string, bool> same,
        Action<ScyllaException> report,
        Func<string, string, ScyllaException> unmatched)
    {
        var knownValues = known.Distinct(StringComparer.Ordinal).ToList();
        if (given is not { Count: > 0 })
        {
            return (null, knownValues);
        }

        var values = new List<string>();
        foreach (var value in given)
        {
            var exact = knownValues.Where(k => k == value).ToList();
            var matches = exact.Count > 0 ? exact : knownValues.Where(k => same(value, k)).ToList();
            if (matches.Count == 0)
            {
                var listed = knownValues.Count == 0 ? "none" : string.Join(", ", knownValues.Order(StringComparer.Ordinal));
                report(unmatched(value, listed));
                values.Add(value);
            }

            values.AddRange(matches);
        }

        var distinct = values.Distinct(StringComparer.Ordinal).ToList();
        return (distinct, distinct.Where(knownValues.Contains).ToList());
    }

    private static ScyllaException Unmatched(string errorId, Experiment experiment, string what) =>
        new(errorId, ScyllaErrorKind.NotFound, $"The experiment '{experiment.Path}' {what}.", experiment.Path);

    /// <summary>1, 2, 3, 5 as "1-3, 5".</summary>
    private static string Ranges(IReadOnlyList<int> sorted)
    {
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }

        return string.Join(", ", parts);
    }
}
