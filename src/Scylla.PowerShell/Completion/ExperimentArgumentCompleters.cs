using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Scylla.Core;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;

namespace Scylla.PowerShell.Completion;

/// <summary>
/// Completes <c>-Tier</c>, <c>-Subtest</c> and <c>-RunNumber</c> from the runs of the experiment named by <c>-Path</c> or
/// <c>-LiteralPath</c> on the same command line (the current directory when neither is given).
/// </summary>
public abstract class ExperimentArgumentCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return Values(OpenExperiment(fakeBoundParameters), fakeBoundParameters)
            .Where(pattern.IsMatch)
            .Select(value => new CompletionResult(Quote(value), value, CompletionResultType.ParameterValue, value));
    }

    protected abstract IEnumerable<string> Values(Experiment? experiment, IDictionary fakeBoundParameters);

    protected static IEnumerable<RunAddress> Runs(Experiment? experiment, IDictionary bound) => experiment == null
        ? []
        : RunScanner.EnumerateAddresses(experiment, ResolvedQuery(experiment, bound), _ => { });

    /// <summary>The tiers and subtests on the command line, spelled as the experiment spells them (an unquoted 01 binds as 1).</summary>
    private static RunQuery ResolvedQuery(Experiment experiment, IDictionary bound) =>
        new RunQuery { Tiers = Strings(bound, "Tier"), Subtests = Strings(bound, "Subtest") }.Resolve(experiment, _ => { });

    private static Experiment? OpenExperiment(IDictionary bound)
    {
        var path = Strings(bound, "LiteralPath")?.FirstOrDefault() ?? Strings(bound, "Path")?.FirstOrDefault() ?? ".";
        try
        {
            using var ps = System.Management.Automation.PowerShell.Create(RunspaceMode.CurrentRunspace);
            var resolved = ps.AddCommand("Resolve-Path").AddParameter("Path", path).Invoke<PathInfo>().FirstOrDefault()?.ProviderPath;
            return resolved == null ? null : Experiment.Open(resolved);
        }
        catch (Exception e) when (e is ScyllaException or IOException or UnauthorizedAccessException or RuntimeException)
        {
            return null; // nothing to complete from
        }
    }

    private static string[]? Strings(IDictionary bound, string name) => bound[name] switch
    {
        null => null,
        string s => [s],
        IEnumerable items => items.Cast<object>().Select(i => i.ToString() ?? string.Empty).ToArray(),
        var other => [other.ToString() ?? string.Empty],
    };

    private static string Quote(string value) =>
        value.Any(c => char.IsWhiteSpace(c) || "'\"`$();,{}@#&|<>".Contains(c)) ? "'" + value.Replace("'", "''") + "'" : value;
}

public sealed class TierCompleter : ExperimentArgumentCompleter
{
    protected override IEnumerable<string> Values(Experiment? experiment, IDictionary bound) =>
        Runs(experiment, new Hashtable()).Select(r => r.Tier).Distinct();
}

public sealed class SubtestCompleter : ExperimentArgumentCompleter
{
    protected override IEnumerable<string> Values(Experiment? experiment, IDictionary bound)
    {
        var narrowed = new Hashtable { ["Tier"] = bound["Tier"] };
        return Runs(experiment, narrowed).Select(r => r.Subtest).Distinct().Order(StringComparer.Ordinal);
    }
}

public sealed class RunNumberCompleter : ExperimentArgumentCompleter
{
    protected override IEnumerable<string> Values(Experiment? experiment, IDictionary bound) =>
        Runs(experiment, bound).Select(r => r.RunNumber).Distinct().Order().Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
