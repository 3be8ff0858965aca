using Scylla.Core;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;
using Scylla.Core.Tiers;

namespace Scylla.ProcessHelper;

/// <summary>What the read path made of an experiment: error ids, warnings, and any exception that is not a ScyllaException.</summary>
public sealed class ReadOutcome
{
    public List<string> ErrorIds { get; } = [];

    public List<string> Warnings { get; } = [];

    public List<string> RawExceptions { get; } = [];

    /// <summary>One line per finding, the form the helper process prints and the tests parse.</summary>
    public IEnumerable<string> Lines() =>
        ErrorIds.Select(id => "id " + id).Concat(Warnings.Select(w => "warning " + w.ReplaceLineEndings(" "))).Concat(RawExceptions.Select(r => "raw " + r.ReplaceLineEndings(" ")));

    public static ReadOutcome FromLines(IEnumerable<string> lines)
    {
        var outcome = new ReadOutcome();
        foreach (var line in lines)
        {
            var (kind, text) = (line.Split(' ', 2)[0], line.Split(' ', 2).ElementAtOrDefault(1) ?? string.Empty);
            (kind switch { "id" => outcome.ErrorIds, "warning" => outcome.Warnings, _ => outcome.RawExceptions }).Add(text);
        }

        return outcome;
    }
}

/// <summary>
/// Everything the module reads of an experiment and its tier configuration, as the cmdlets read it: the experiment
/// (configuration, layout, catalog), the run scan, the checkpoint, tiers.yaml and every subtest definition.
/// </summary>
public static class ReadPath
{
    public static ReadOutcome ReadAll(string experimentPath, string? tierConfigPath)
    {
        var outcome = new ReadOutcome();
        Capture(outcome, () =>
        {
            var experiment = Experiment.Open(experimentPath, tierConfigPath);
            Capture(outcome, () => RunScanner.Scan(experiment, RunQuery.All, issue => outcome.Warnings.Add(issue.Message)).ToList());
            Capture(outcome, () => CheckpointStore.TryLoad(experiment.Path));
            if (experiment.Catalog.Directory != null)
            {
                Capture(outcome, () => experiment.Catalog.LoadTierDefinitions());
                foreach (var subtest in TierId.All.SelectMany(t => experiment.Catalog.GetSubtests(t, (_, message) => outcome.Warnings.Add(message))))
                {
                    Capture(outcome, () => subtest.Load());
                }
            }
        });
        return outcome;
    }

    private static void Capture(ReadOutcome outcome, Action read)
    {
        try
        {
            read();
        }
        catch (ScyllaException e)
        {
            outcome.ErrorIds.Add(e.ErrorId);
        }
        catch (Exception e)
        {
            outcome.RawExceptions.Add($"{e.GetType().FullName}: {e.Message}");
        }
    }
}
