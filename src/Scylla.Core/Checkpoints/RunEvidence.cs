using Scylla.Core.Execution;
using Scylla.Core.Experiments;
using Scylla.Core.IO;
using Scylla.Core.Runs;

namespace Scylla.Core.Checkpoints;

/// <summary>What a run folder proves about a run, strongest first.</summary>
internal enum RunOnDisk
{
    /// <summary>There is no run folder.</summary>
    Gone,

    /// <summary>
    /// No usable agent result: never ran, partial, failed, rate-limited or an infrastructure failure.
    /// </summary>
    AgentNotDone,

    /// <summary>A valid agent result, but no readable judged <c>run_result.json</c>.</summary>
    AgentDone,

    /// <summary>Judged: <c>run_result.json</c> reads and has <c>judge_passed</c>.</summary>
    Judged,
}

/// <summary>Reads one run folder the way the repair and the judge-stage reset need (docs/checkpoints.md).</summary>
internal static class RunEvidence
{
    public static (RunOnDisk State, bool Passed, string Reason) Read(
        Experiment experiment, string tier, string subtest, int runNumber)
    {
        var (path, _) = experiment.LocateRun(tier, subtest, runNumber);
        if (!Directory.Exists(path))
        {
            return (RunOnDisk.Gone, false, "the run folder does not exist");
        }

        var issues = new List<ScanIssue>();
        var classification = RunClassifier.Classify(path, experiment.Config.JudgeModels.Count);
        if (!RunClassifier.IsValidAgentResult(Path.Combine(path, RunFolder.Agent, RunFolder.Result), issues))
        {
            const string invalid = "agent/result.json is missing, unreadable or an infrastructure failure";
            return (RunOnDisk.AgentNotDone, false, invalid);
        }

        var stdout = ReadOrEmpty(path, RunFolder.Stdout, RunFolder.Output);
        if (RateLimits.DetectForAgent(stdout, ReadOrEmpty(path, RunFolder.Stderr)) is { } limit)
        {
            return (RunOnDisk.AgentNotDone, false, $"the agent was rate-limited ({limit})");
        }

        if (classification.Status == RunStatus.Completed && classification.Result?.Passed is { } passed)
        {
            return (RunOnDisk.Judged, passed, passed ? "judged and passed" : "judged and not passed");
        }

        return File.Exists(Path.Combine(path, RunFolder.RunResult))
            ? (RunOnDisk.AgentDone, false, "run_result.json is unreadable or has no judge_passed")
            : (RunOnDisk.AgentDone, false, "the agent finished and the run is not judged");
    }

    /// <summary>The first of the agent files that exists, else empty.</summary>
    private static string ReadOrEmpty(string runDirectory, params string[] names)
    {
        foreach (var name in names)
        {
            var file = Path.Combine(runDirectory, RunFolder.Agent, name);
            try
            {
                return SmallFile.ReadText(file);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // try the next one
            }
            catch (Exception e) when (e is ScyllaException or IOException or UnauthorizedAccessException)
            {
                return string.Empty; // a FIFO, device or unreadable file is no evidence
            }
        }

        return string.Empty;
    }
}
