using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Scylla.Core.IO;
using Scylla.Core.Json;
using Scylla.Core.Runs;

namespace Scylla.Core.Cluster;

/// <summary>
/// What one Slurm submission re-runs (docs/cluster.md, "What a submission is"): the runs by address, task index =
/// position, and the Invoke-ScyllaRerun parameters every task passes. It lives with the experiment, in
/// <c>.scylla/slurm/&lt;submission&gt;/plan.json</c>, so every node reads the same plan from the shared filesystem.
/// </summary>
public sealed record ArrayPlan
{
    public const string FolderName = "slurm";

    public required string SubmissionId { get; init; }

    public required string ExperimentPath { get; init; }

    /// <summary>The module every task imports, by absolute path.</summary>
    public required string ModulePath { get; init; }

    public required IReadOnlyList<RunReference> Runs { get; init; }

    /// <summary>Invoke-ScyllaRerun's parameters by name, passed as they are to each task's re-run.</summary>
    public required JsonObject RerunParameters { get; init; }

    /// <summary>The longest shared rate-limit pause a task waits for (-MaxRateLimitWait); null: no waiting.</summary>
    public TimeSpan? MaxRateLimitWait { get; init; }

    /// <summary>The arrays and the results job, once submitted.</summary>
    public IReadOnlyList<SlurmJob> Jobs { get; init; } = [];

    public string Folder => Path.Combine(SubmissionsFolder(ExperimentPath), SubmissionId);

    /// <summary>The plan's file in its submission folder.</summary>
    public const string FileName = "plan.json";

    public string PlanPath => Path.Combine(Folder, FileName);

    public static string SubmissionsFolder(string experimentPath) =>
        Path.Combine(experimentPath, ".scylla", FolderName);

    /// <summary>Sortable by time, unique across hosts: <c>20261207T161500Z-3fa9c2</c>.</summary>
    public static string NewSubmissionId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" +
        Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();

    /// <summary>
    /// Writes plan.json atomically, readable and writable by its owner only (docs/cluster.md, "What the shared
    /// filesystem must provide").
    /// </summary>
    public void Write()
    {
        PrivateFolder.Create(Folder);
        var runs = new JsonArray(Runs.Select(r => (JsonNode)new JsonObject
        {
            ["tier"] = r.Tier,
            ["subtest"] = r.Subtest,
            ["run_number"] = r.RunNumber,
        }).ToArray());
        var jobs = new JsonArray(Jobs.Select(j => (JsonNode)new JsonObject
        {
            ["job_id"] = j.JobId,
            ["kind"] = j.Kind.ToString(),
            ["first_task"] = j.FirstTask,
            ["array_size"] = j.ArraySize,
            ["depends_on"] = j.DependsOn,
        }).ToArray());
        var plan = new JsonObject
        {
            ["submission"] = SubmissionId,
            ["created_at"] = PythonJson.IsoTimestamp(DateTimeOffset.UtcNow),
            ["host"] = Environment.MachineName,
            ["experiment"] = ExperimentPath,
            ["module"] = ModulePath,
            ["max_rate_limit_wait_seconds"] = MaxRateLimitWait?.TotalSeconds,
            ["rerun"] = RerunParameters.DeepClone(),
            ["runs"] = runs,
            ["jobs"] = jobs,
        };
        AtomicFile.WriteAllText(PlanPath, PythonJson.Serialize(plan) + "\n");
        PrivateFolder.Restrict(PlanPath);
    }

    /// <summary>Reads a plan back; <c>PlanInvalid</c> when it is not one.</summary>
    public static ArrayPlan Read(string planPath)
    {
        try
        {
            var plan = PythonJson.Parse(File.ReadAllText(planPath))!.AsObject();
            var experiment = (string)plan["experiment"]!;
            return new ArrayPlan
            {
                SubmissionId = (string)plan["submission"]!,
                ExperimentPath = experiment,
                ModulePath = (string)plan["module"]!,
                MaxRateLimitWait = plan["max_rate_limit_wait_seconds"] is JsonValue wait
                    ? TimeSpan.FromSeconds((double)wait)
                    : null,
                RerunParameters = plan["rerun"]!.AsObject().DeepClone().AsObject(),
                Runs = plan["runs"]!.AsArray().Select(r => new RunReference(
                    experiment, (string)r!["tier"]!, (string)r["subtest"]!, (int)r["run_number"]!)).ToList(),
                Jobs = plan["jobs"]!.AsArray().Select(j => new SlurmJob
                {
                    ExperimentPath = experiment,
                    SubmissionId = (string)plan["submission"]!,
                    JobId = (string)j!["job_id"]!,
                    Kind = Enum.Parse<SlurmJobKind>((string)j["kind"]!),
                    FirstTask = (int)j["first_task"]!,
                    ArraySize = (int)j["array_size"]!,
                    DependsOn = (string?)j["depends_on"],
                    PlanPath = planPath,
                }).ToList(),
            };
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException
            or NullReferenceException or FormatException or ArgumentException)
        {
            throw new ScyllaException("PlanInvalid", ScyllaErrorKind.InvalidData,
                $"'{planPath}' is not a plan written by Submit-ScyllaRerun: {e.Message}", planPath, e);
        }
    }
}
