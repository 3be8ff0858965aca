using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;

// Usage: Scylla.CheckpointWriter <experiment> <tier> <subtest> <first run> <last run> [acknowledgement file]
// Marks each run 'passed', one checkpoint update at a time; after each update returns, appends the run number to the
// acknowledgement file (flushed), so a test that kills this process knows which updates were acknowledged.
var (experiment, tier, subtest) = (args[0], args[1], args[2]);
var (first, last) = (int.Parse(args[3]), int.Parse(args[4]));
var config = ExperimentConfig.Load(experiment);
using var acknowledgements = args.Length > 5 ? new StreamWriter(args[5], append: true) { AutoFlush = true } : null;
for (var run = first; run <= last; run++)
{
    CheckpointStore.Update(experiment, config, checkpoint => checkpoint.MarkRunCompleted(tier, subtest, run, CompletedRunStatus.Passed));
    acknowledgements?.Write($"{run}\n"); // one write, so a kill never leaves half an acknowledgement
}
