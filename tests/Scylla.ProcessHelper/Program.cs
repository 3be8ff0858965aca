using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.Runs;

// A separate process for the fault-injection tests.
//   mark <experiment> <tier> <subtest> <first run> <last run> [acknowledgement file]
//     Marks each run 'passed', one checkpoint update at a time; after each update returns, appends the run number to the
//     acknowledgement file, so a test that kills this process knows which updates were acknowledged.
//   scan <experiment>
//     Prints "<run id> <status>" per run and "issue <path>" per file or folder that could not be read.
//   read <experiment> <tier configuration>
//     Reads everything the module reads (Scylla.ProcessHelper.ReadPath) and prints its findings, one per line.
switch (args[0])
{
    case "mark":
        var (experimentPath, tier, subtest) = (args[1], args[2], args[3]);
        var (first, last) = (int.Parse(args[4]), int.Parse(args[5]));
        var config = ExperimentConfig.Load(experimentPath);
        using (var acknowledgements = args.Length > 6 ? new StreamWriter(args[6], append: true) { AutoFlush = true } : null)
        {
            for (var run = first; run <= last; run++)
            {
                CheckpointStore.Update(experimentPath, config, checkpoint => checkpoint.MarkRunCompleted(tier, subtest, run, CompletedRunStatus.Passed));
                acknowledgements?.Write($"{run}\n"); // one write, so a kill never leaves half an acknowledgement
            }
        }

        break;
    case "scan":
        foreach (var run in RunScanner.Scan(Experiment.Open(args[1]), RunQuery.All, issue => Console.WriteLine($"issue {issue.Path}")))
        {
            Console.WriteLine($"{run.RunId} {run.Status}");
        }

        break;
    case "read":
        foreach (var line in Scylla.ProcessHelper.ReadPath.ReadAll(args[1], args[2]).Lines())
        {
            Console.WriteLine(line);
        }

        break;
}
