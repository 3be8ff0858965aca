using System.Diagnostics;
using System.Text;
using Scylla.Core.Runs;

namespace Scylla.Core.Cluster;

/// <summary>
/// Turns a plan into Slurm jobs (docs/cluster.md): one array per batch of runs, one task per run, each task running the
/// module's Invoke-ScyllaRerun of its run through <c>Scylla.ArrayTask.ps1</c>; then one results job that rebuilds the
/// result files once, after every array ended (<c>afterany</c>). T5 runs, which build on the best subtests of the tiers
/// before them, form a second array that starts after the first, as Invoke-ScyllaRerun runs them after the others.
/// </summary>
public sealed class SlurmSubmission
{
    public const string TaskScriptName = "Scylla.ArrayTask.ps1";

    private readonly ArrayPlan _plan;
    private readonly SlurmSettings _settings;

    /// <summary>Orders the runs so each batch is one contiguous range of task indexes.</summary>
    public SlurmSubmission(ArrayPlan plan, SlurmSettings settings)
    {
        var ordered = plan.Runs.OrderBy(r => IsInheriting(r)).ToList();
        _plan = plan with { Runs = ordered };
        _settings = settings;
        Batches = ordered.Select((run, index) => (run, index)).GroupBy(r => IsInheriting(r.run))
            .Select(g => (First: g.First().index, Count: g.Count())).ToList();
    }

    public ArrayPlan Plan => _plan;

    /// <summary>The task index ranges, one array each, in the order they run.</summary>
    public IReadOnlyList<(int First, int Count)> Batches { get; }

    public string ArrayScriptPath => Path.Combine(_plan.Folder, "array.sh");

    public string ResultsScriptPath => Path.Combine(_plan.Folder, "results.sh");

    /// <summary>The batch script of every array task: pwsh runs the module's task script on the plan.</summary>
    public string ArrayScript => Script("re-runs the run at index $SLURM_ARRAY_TASK_ID of plan.json", string.Empty);

    /// <summary>The batch script of the results job.</summary>
    public string ResultsScript => Script("rebuilds the result files after the arrays ended", " -Results");

    /// <summary>The sbatch arguments of batch <paramref name="batch"/>, after the array before it if any.</summary>
    public IReadOnlyList<string> ArrayArguments(int batch, string? previousJobId)
    {
        var (first, count) = Batches[batch];
        var throttle = _settings.Throttle is { } limit ? $"%{limit}" : string.Empty;
        return Common($"scylla-rerun-{_plan.SubmissionId}", "task_%a.log", previousJobId, ArrayScriptPath,
            [$"--array={first}-{first + count - 1}{throttle}", .. _settings.Licenses.Select(l => $"--licenses={l}")]);
    }

    /// <summary>The sbatch arguments of the results job, after every array whatever their exit.</summary>
    public IReadOnlyList<string> ResultsArguments(IEnumerable<string> arrayJobIds) =>
        Common($"scylla-results-{_plan.SubmissionId}", "results.log", string.Join(':', arrayJobIds),
            ResultsScriptPath, []);

    /// <summary>What -WhatIf shows: the sbatch commands and the batch scripts.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"Submit {_plan.Runs.Count} runs of {_plan.ExperimentPath} to Slurm (plan: {_plan.PlanPath}):");
        for (var batch = 0; batch < Batches.Count; batch++)
        {
            text.AppendLine("  " + CommandLine(ArrayArguments(batch, batch == 0 ? null : $"<job {batch}>")));
        }

        text.AppendLine("  " + CommandLine(ResultsArguments(Batches.Select((_, i) => $"<job {i + 1}>"))));
        text.AppendLine($"{ArrayScriptPath}:");
        text.Append(ArrayScript);
        text.AppendLine($"{ResultsScriptPath}:");
        text.Append(ResultsScript);
        return text.ToString();
    }

    /// <summary>Writes the plan and the scripts, submits the arrays and the results job, records their ids.</summary>
    public IReadOnlyList<SlurmJob> Submit()
    {
        _plan.Write();
        WriteScript(ArrayScriptPath, ArrayScript);
        WriteScript(ResultsScriptPath, ResultsScript);
        var jobs = new List<SlurmJob>();
        try
        {
            for (var batch = 0; batch < Batches.Count; batch++)
            {
                var (first, count) = Batches[batch];
                var previous = jobs.LastOrDefault()?.JobId;
                jobs.Add(Job(Sbatch(ArrayArguments(batch, previous)), SlurmJobKind.Runs, first, count, previous));
            }

            var arrays = string.Join(':', jobs.Select(j => j.JobId));
            jobs.Add(Job(Sbatch(ResultsArguments(jobs.Select(j => j.JobId))), SlurmJobKind.Results, 0, 0, arrays));
        }
        finally
        {
            (_plan with { Jobs = jobs }).Write(); // what was submitted, even when a later sbatch failed
        }

        return jobs;
    }

    private SlurmJob Job(string jobId, SlurmJobKind kind, int first, int count, string? dependsOn) => new()
    {
        ExperimentPath = _plan.ExperimentPath,
        SubmissionId = _plan.SubmissionId,
        JobId = jobId,
        Kind = kind,
        FirstTask = first,
        ArraySize = count,
        Runs = _plan.Runs.Skip(first).Take(count).Select(r => r.RunId).ToList(),
        DependsOn = dependsOn,
        PlanPath = _plan.PlanPath,
    };

    private List<string> Common(string name, string log, string? dependency, string script, IEnumerable<string> own)
    {
        var arguments = new List<string>
        {
            "--parsable",
            $"--job-name={name}",
            $"--output={Path.Combine(_plan.Folder, log)}",
            $"--chdir={_plan.Folder}",
        };
        arguments.AddRange(own);
        arguments.AddRange(Optional("--partition", _settings.Partition));
        arguments.AddRange(Optional("--time", _settings.TimeLimit));
        arguments.AddRange(Optional("--account", _settings.Account));
        var after = string.IsNullOrEmpty(dependency) ? null : "afterany:" + dependency;
        arguments.AddRange(Optional("--dependency", after));
        arguments.AddRange(_settings.ExtraArguments);
        arguments.Add(script);
        return arguments;
    }

    private static IEnumerable<string> Optional(string name, string? value) =>
        string.IsNullOrEmpty(value) ? [] : [$"{name}={value}"];

    private string Script(string purpose, string mode)
    {
        var taskScript = Path.Combine(Path.GetDirectoryName(_plan.ModulePath)!, TaskScriptName);
        var pwsh = string.Join(' ', _settings.PwshCommand.Select(ShellQuote));
        var arguments =
            $"-NoProfile -NonInteractive -File {ShellQuote(taskScript)} -PlanPath {ShellQuote(_plan.PlanPath)}";
        return $"""
            #!/bin/bash
            # Scylla submission {_plan.SubmissionId}: this job {purpose} (docs/cluster.md).
            # exec: pwsh is the job's process, so scancel's SIGTERM reaches it and every run stays resumable.
            exec {pwsh} {arguments}{mode}

            """;
    }

    private static void WriteScript(string path, string content)
    {
        IO.AtomicFile.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Runs sbatch; returns the job id it prints (<c>--parsable</c>: <c>id</c> or <c>id;name</c>).</summary>
    private string Sbatch(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(_settings.Sbatch)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _plan.Folder,
        };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ScyllaException("SlurmNotFound", ScyllaErrorKind.NotFound,
                $"'{_settings.Sbatch}' could not be started ({e.Message}); Submit-ScyllaRerun needs Slurm's sbatch.",
                null, e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var jobId = stdout.Trim().Split(';')[0];
            if (process.ExitCode != 0 || jobId.Length == 0 || !jobId.All(char.IsAsciiDigit))
            {
                throw new ScyllaException("SbatchFailed", ScyllaErrorKind.InvalidOperation,
                    $"sbatch refused the submission (exit code {process.ExitCode}): {(stderr.Result + stdout).Trim()}",
                    _plan.PlanPath);
            }

            return jobId;
        }
    }

    /// <summary>T5 runs build on the best subtests of the tiers before them (docs/format.md, "Re-runs").</summary>
    private static bool IsInheriting(RunReference run) => run.Tier == "T5";

    private static string CommandLine(IEnumerable<string> arguments) =>
        "sbatch " + string.Join(' ', arguments.Select(ShellQuote));

    private static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=:%,+@".Contains(c))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
