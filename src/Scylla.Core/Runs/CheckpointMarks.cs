using Scylla.Core.Checkpoints;

namespace Scylla.Core.Runs;

/// <summary>
/// What a run listing shows of the checkpoint: each run's <c>completed_runs</c> and <c>run_states</c> values, with
/// repeated values shared. A scan holds this instead of the parsed checkpoint, whose JSON tree is several times larger
/// (docs/performance.md, "Memory").
/// </summary>
internal sealed class CheckpointMarks
{
    public static readonly CheckpointMarks None = new([]);

    private readonly Dictionary<(string Tier, string Subtest, int RunNumber), (string? Status, string? State)> _runs;

    private CheckpointMarks(Dictionary<(string, string, int), (string?, string?)> runs) => _runs = runs;

    public static CheckpointMarks From(Checkpoint? checkpoint)
    {
        if (checkpoint == null)
        {
            return None;
        }

        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Share(string? value) => value == null ? null : shared.TryAdd(value, value) ? value : shared[value];
        var runs = new Dictionary<(string, string, int), (string?, string?)>();
        foreach (var (tier, subtest, runNumber) in checkpoint.RunKeys)
        {
            var key = (Share(tier)!, Share(subtest)!, runNumber);
            runs[key] = (Share(checkpoint.GetRunStatus(tier, subtest, runNumber)), Share(checkpoint.GetRunState(tier, subtest, runNumber)));
        }

        return new CheckpointMarks(runs);
    }

    public (string? Status, string? State) For(string tier, string subtest, int runNumber) =>
        _runs.TryGetValue((tier, subtest, runNumber), out var marks) ? marks : default;
}
