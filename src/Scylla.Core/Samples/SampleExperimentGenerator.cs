using System.Text.Json.Nodes;
using Scylla.Core.Checkpoints;
using Scylla.Core.Experiments;
using Scylla.Core.IO;
using Scylla.Core.Json;
using Scylla.Core.Runs;
using Scylla.Core.Tiers;

namespace Scylla.Core.Samples;

/// <summary>What to generate: tiers x subtests x runs, with run statuses taken in turn from <see cref="StatusPattern"/>.</summary>
public sealed class SampleExperimentSpec
{
    public required string Path { get; init; }

    public string ExperimentId { get; init; } = "sample-001";

    public ExperimentLayout Layout { get; init; } = ExperimentLayout.Flat;

    public int TierCount { get; init; } = 7;

    public int SubtestsPerTier { get; init; } = 2;

    public int RunsPerSubtest { get; init; } = 3;

    public int JudgeCount { get; init; } = 3;

    public IReadOnlyList<RunStatus> StatusPattern { get; init; } = UpstreamStatuses;

    /// <summary>The five statuses the Python tool knows, the default pattern; RateLimited is asked for by name.</summary>
    public static IReadOnlyList<RunStatus> UpstreamStatuses { get; } =
        [RunStatus.Completed, RunStatus.Missing, RunStatus.Failed, RunStatus.Partial, RunStatus.Results];

    public int WorkspaceFiles { get; init; } = 3;

    /// <summary>Also create a git base repository (<c>repo/</c>, whose commit becomes <c>task_commit</c>) and a tier configuration (<c>tier-config/</c>).</summary>
    public bool WithRepository { get; init; }
}

/// <summary>
/// Writes a small but realistic experiment: the files each status leaves behind in a real run (formats.md §4, §5.2),
/// a checkpoint, and a few workspace files per started run.
/// </summary>
public static class SampleExperimentGenerator
{
    public const string TaskPrompt = "Create hello.py that prints exactly 'Hello, World!' and exits with code 0.\n";

    public static void Generate(SampleExperimentSpec spec)
    {
        if (spec.TierCount is < 1 or > 7 || spec.SubtestsPerTier < 1 || spec.RunsPerSubtest < 1 || spec.JudgeCount < 1 || spec.StatusPattern.Count == 0)
        {
            throw new ScyllaException("InvalidSampleSpec", ScyllaErrorKind.InvalidArgument,
                "A sample experiment needs 1 to 7 tiers, at least one subtest, run and judge, and at least one status.");
        }

        var root = System.IO.Path.GetFullPath(spec.Path);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw new ScyllaException("SampleTargetNotEmpty", ScyllaErrorKind.InvalidOperation, $"'{root}' already exists and is not empty.", root);
        }

        var tiers = TierId.All.Take(spec.TierCount).ToArray();
        var judgeModels = Enumerable.Range(1, spec.JudgeCount).Select(k => $"claude-judge-{k}").ToArray();
        Directory.CreateDirectory(System.IO.Path.Combine(root, "config"));
        WriteJson(System.IO.Path.Combine(root, ExperimentConfig.RelativePath), new JsonObject
        {
            ["experiment_id"] = spec.ExperimentId,
            ["task_repo"] = "https://example.invalid/hello-world",
            ["task_commit"] = "0000000000000000000000000000000000000000",
            ["task_prompt_file"] = RunFolder.Prompt,
            ["language"] = "python",
            ["models"] = ExperimentConfig.StringArray(["claude-sonnet-4-6"]),
            ["runs_per_subtest"] = spec.RunsPerSubtest,
            ["tiers_to_run"] = ExperimentConfig.StringArray(tiers),
            ["judge_models"] = ExperimentConfig.StringArray(judgeModels),
            ["timeout_seconds"] = 300,
            ["max_turns"] = null,
            ["max_subtests"] = null,
            ["skip_agent_teams"] = false,
            ["thinking_mode"] = "None",
            ["use_containers"] = false,
        });
        File.WriteAllText(System.IO.Path.Combine(root, RunFolder.Prompt), TaskPrompt);
        if (spec.WithRepository)
        {
            var commit = CreateRepository(System.IO.Path.Combine(root, "repo"));
            var configPath = System.IO.Path.Combine(root, ExperimentConfig.RelativePath);
            File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("0000000000000000000000000000000000000000", commit, StringComparison.Ordinal));
            CreateTierConfig(System.IO.Path.Combine(root, TierConfigFolder), tiers, spec.SubtestsPerTier);
        }

        var experiment = Experiment.Open(root);
        var checkpoint = Checkpoint.CreateNew(experiment.Config, root);
        var index = 0;
        foreach (var tier in tiers)
        {
            for (var s = 0; s < spec.SubtestsPerTier; s++)
            {
                var subtest = (tier == "T0" ? s : s + 1).ToString("00");
                var subtestHome = spec.Layout == ExperimentLayout.Flat ? System.IO.Path.Combine(root, tier, subtest) : System.IO.Path.Combine(root, Experiment.InProgressFolder, tier, subtest);
                Directory.CreateDirectory(subtestHome);
                for (var n = 1; n <= spec.RunsPerSubtest; n++, index++)
                {
                    var status = spec.StatusPattern[index % spec.StatusPattern.Count];
                    var folder = spec.Layout == ExperimentLayout.Flat ? System.IO.Path.Combine(root, tier)
                        : System.IO.Path.Combine(root, status == RunStatus.Completed ? Experiment.CompletedFolder : Experiment.InProgressFolder, tier);
                    var runDirectory = System.IO.Path.Combine(folder, subtest, Experiment.RunDirectoryName(n));
                    var score = (uint)(index * 2654435761u) % 101 / 100.0; // spread over [0, 1] whatever the pattern
                    WriteRun(root, runDirectory, status, n, score, judgeModels, spec.WorkspaceFiles);
                    if (status == RunStatus.Completed)
                    {
                        checkpoint.MarkRunCompleted(tier, subtest, n, score >= 0.5 ? CompletedRunStatus.Passed : CompletedRunStatus.Failed);
                    }
                }
            }
        }

        AtomicFile.WriteAllText(CheckpointStore.PathFor(root), checkpoint.ToJson());
    }

    /// <summary>The sample's tier configuration folder, inside the experiment (pass it as -TierConfigPath).</summary>
    public const string TierConfigFolder = "tier-config";

    /// <summary>A one-commit repository with a README for the task; returns the commit id.</summary>
    private static string CreateRepository(string path)
    {
        LibGit2Sharp.Repository.Init(path);
        using var repository = new LibGit2Sharp.Repository(path);
        File.WriteAllText(System.IO.Path.Combine(path, "README.md"), "# hello-world\n\nA tiny task repository for Scylla samples.\n");
        LibGit2Sharp.Commands.Stage(repository, "*");
        var author = new LibGit2Sharp.Signature("Scylla Sample", "sample@localhost", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return repository.Commit("Initial commit", author, author, new LibGit2Sharp.CommitOptions()).Sha;
    }

    /// <summary>
    /// tiers.yaml, one block and the subtests the sample uses: T0/00 and T0/01 are the empty baselines, the rest use the block,
    /// and T5's inherit the best of T0 and T1.
    /// </summary>
    private static void CreateTierConfig(string path, string[] tiers, int subtestsPerTier)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(path, "blocks"));
        File.WriteAllText(System.IO.Path.Combine(path, "blocks", "B01-python.md"), "## Python\n\nWrite plain, idiomatic Python 3.\n");
        File.WriteAllText(System.IO.Path.Combine(path, TierCatalog.TiersFile), "tiers:\n"
            + string.Concat(TierId.All.Select(t =>
                $"  {t}:\n    name: \"Sample {t}\"\n    description: \"Sample tier {t}\"\n" +
                "    tools_enabled: null\n    delegation_enabled: false\n")));
        foreach (var tier in tiers)
        {
            var folder = Directory.CreateDirectory(System.IO.Path.Combine(path, "subtests", tier.ToLowerInvariant())).FullName;
            for (var s = 0; s < subtestsPerTier; s++)
            {
                var id = (tier == "T0" ? s : s + 1).ToString("00");
                var body = tier == "T0" && s < 2
                    ? $"name: \"Baseline {id}\"\nsystem_prompt_mode: {(s == 0 ? "none" : "default")}\nresources:\n  claude_md:\n    blocks: []\n"
                    : $"name: \"Python block {id}\"\n{(tier == "T5" ? "inherit_best_from: [T0, T1]\n" : string.Empty)}resources:\n  claude_md:\n    blocks: [B01]\n";
                File.WriteAllText(System.IO.Path.Combine(folder, $"{id}-sample.yaml"), body);
            }
        }
    }

    private static void WriteRun(string root, string runDirectory, RunStatus status, int runNumber, double score,
        string[] judgeModels, int workspaceFiles)
    {
        if (status == RunStatus.Missing)
        {
            return;
        }

        var agent = System.IO.Path.Combine(runDirectory, RunFolder.Agent);
        Directory.CreateDirectory(agent);
        WriteWorkspace(System.IO.Path.Combine(runDirectory, RunFolder.Workspace), workspaceFiles);
        File.WriteAllText(System.IO.Path.Combine(agent, RunFolder.Prompt), TaskPrompt);
        if (status == RunStatus.Partial)
        {
            File.WriteAllText(System.IO.Path.Combine(agent, RunFolder.Replay),
                "#!/bin/bash\nclaude --print agent/prompt.md");
            return;
        }

        WriteJson(System.IO.Path.Combine(agent, RunFolder.Timing), new JsonObject { ["agent_duration_seconds"] = 12.5,
            ["measured_at"] = "2026-01-20T06:13:51+00:00" });
        WriteJson(System.IO.Path.Combine(agent, RunFolder.CommandLog), new JsonObject
        {
            ["generated_at"] = "2026-01-20T06:13:51+00:00",
            ["total_commands"] = 1,
            ["commands"] = new JsonArray(new JsonObject
            {
                ["timestamp"] = "2026-01-20T06:13:51+00:00",
                ["command"] = ExperimentConfig.StringArray(["claude", "--print", "--output-format", "json", "agent/prompt.md"]),
                ["cwd"] = System.IO.Path.Combine(runDirectory, RunFolder.Workspace),
                ["env_vars"] = new JsonObject(),
                ["exit_code"] = status is RunStatus.Failed or RunStatus.RateLimited ? 1 : 0,
                ["stdout_file"] = RunFolder.CommandStdout,
                ["stderr_file"] = RunFolder.CommandStderr,
                ["duration_seconds"] = 12.5,
            }),
        });
        if (status == RunStatus.RateLimited)
        {
            // What claude --output-format json prints when a usage cap stops it: exit code 1, no tokens.
            var limited = "{\"type\": \"result\", \"subtype\": \"error\", \"is_error\": true, \"result\": \"You've hit your limit \\u00b7 resets 4pm (America/Los_Angeles)\"}";
            File.WriteAllText(System.IO.Path.Combine(agent, RunFolder.Output), limited);
            WriteJson(System.IO.Path.Combine(agent, RunFolder.Result), new JsonObject
            {
                ["exit_code"] = 1,
                ["stdout"] = limited,
                ["stderr"] = string.Empty,
                ["token_stats"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0, ["cache_creation_tokens"] = 0, ["cache_read_tokens"] = 0 },
                ["cost_usd"] = 0.0,
                ["api_calls"] = 0,
            });
            return;
        }

        if (status == RunStatus.Failed)
        {
            File.WriteAllText(System.IO.Path.Combine(agent, RunFolder.Stderr),
                "+ claude --print agent/prompt.md\nError: the agent process crashed\n");
            File.WriteAllText(System.IO.Path.Combine(agent, RunFolder.Output), string.Empty);
            return;
        }

        var stdout = $"{{\"type\": \"result\", \"subtype\": \"success\", \"num_turns\": 4, \"total_cost_usd\": 0.12, \"usage\": {{\"input_tokens\": 30, \"output_tokens\": 600, \"cache_creation_input_tokens\": 2000, \"cache_read_input_tokens\": 9000}}, \"result\": \"Created hello.py\"}}";
        File.WriteAllText(System.IO.Path.Combine(agent, RunFolder.Output), stdout);
        File.WriteAllText(System.IO.Path.Combine(agent, RunFolder.Stdout), stdout);
        File.WriteAllText(System.IO.Path.Combine(agent, RunFolder.Stderr), "+ claude --print agent/prompt.md\n");
        var tokens = new JsonObject { ["input_tokens"] = 30, ["output_tokens"] = 600, ["cache_creation_tokens"] = 2000, ["cache_read_tokens"] = 9000 };
        WriteJson(System.IO.Path.Combine(agent, RunFolder.Result), new JsonObject
        {
            ["exit_code"] = 0,
            ["stdout"] = stdout,
            ["stderr"] = "+ claude --print agent/prompt.md\n",
            ["token_stats"] = tokens.DeepClone(),
            ["cost_usd"] = 0.12,
            ["api_calls"] = 4,
        });

        // What the judges were shown, built as the engine builds it (the patch of the hello.py the workspace holds).
        const string patch = "## Committed Changes\ndiff --git a/hello.py b/hello.py\nnew file mode 100644\n"
            + "--- /dev/null\n+++ b/hello.py\n@@ -0,0 +1 @@\n+print('Hello, World!')";
        File.WriteAllText(System.IO.Path.Combine(runDirectory, RunFolder.JudgePrompt),
            Execution.Judging.BuildPrompt(root, TaskPrompt, stdout, patch));
        var judges = WriteJudges(System.IO.Path.Combine(runDirectory, RunFolder.Judge), score, judgeModels);
        if (status == RunStatus.Completed)
        {
            var passed = score >= 0.5;
            WriteJson(System.IO.Path.Combine(runDirectory, RunFolder.RunResult), new JsonObject
            {
                ["run_number"] = runNumber,
                ["exit_code"] = 0,
                ["token_stats"] = tokens,
                ["tokens_input"] = 9030,
                ["tokens_output"] = 600,
                ["cost_usd"] = 0.12,
                ["duration_seconds"] = 42.5,
                ["agent_duration_seconds"] = 12.5,
                ["judge_duration_seconds"] = 30.0,
                ["judge_score"] = score,
                ["judge_passed"] = passed,
                ["judge_grade"] = Grades.FromScore(score),
                ["judge_reasoning"] = "Sample judgment.",
                ["judges"] = judges,
                ["workspace_path"] = System.IO.Path.Combine(runDirectory, RunFolder.Workspace),
                ["logs_path"] = agent,
                ["command_log_path"] = System.IO.Path.Combine(agent, RunFolder.CommandLog),
                ["criteria_scores"] = new JsonObject(),
            });
        }
    }

    private static JsonArray WriteJudges(string judgeDirectory, double score, string[] judgeModels)
    {
        var entries = new JsonArray();
        for (var k = 1; k <= judgeModels.Length; k++)
        {
            var slot = System.IO.Path.Combine(judgeDirectory, RunFolder.JudgeSlot(k));
            Directory.CreateDirectory(slot);
            var judgment = new JsonObject
            {
                ["score"] = score,
                ["passed"] = score >= 0.5,
                ["grade"] = Grades.FromScore(score),
                ["reasoning"] = "Sample judgment.",
                ["is_valid"] = true,
                ["criteria_scores"] = null,
            };
            WriteJson(System.IO.Path.Combine(slot, RunFolder.Judgment), judgment);
            File.WriteAllText(System.IO.Path.Combine(slot, RunFolder.Model),
                $"# Judge Model Information\n\n**Model**: {judgeModels[k - 1]}\n");
            WriteJson(System.IO.Path.Combine(slot, RunFolder.Timing),
                new JsonObject { ["judge_duration_seconds"] = 10.0, ["measured_at"] = "2026-01-20T06:14:51+00:00" });
            entries.Add(new JsonObject
            {
                ["model"] = judgeModels[k - 1],
                ["score"] = score,
                ["passed"] = score >= 0.5,
                ["grade"] = Grades.FromScore(score),
                ["reasoning"] = "Sample judgment.",
                ["judge_number"] = k,
            });
        }

        WriteJson(System.IO.Path.Combine(judgeDirectory, RunFolder.Result), new JsonObject
        {
            ["score"] = score,
            ["passed"] = score >= 0.5,
            ["grade"] = Grades.FromScore(score),
            ["reasoning"] = "Sample judgment.",
        });
        WriteJson(System.IO.Path.Combine(judgeDirectory, RunFolder.Timing),
            new JsonObject { ["judge_duration_seconds"] = 30.0, ["measured_at"] = "2026-01-20T06:14:51+00:00" });
        return entries;
    }

    private static void WriteWorkspace(string workspace, int fileCount)
    {
        Directory.CreateDirectory(workspace);
        for (var i = 0; i < fileCount; i++)
        {
            File.WriteAllText(System.IO.Path.Combine(workspace, i == 0 ? "hello.py" : $"notes_{i}.md"), i == 0 ? "print('Hello, World!')\n" : $"Note {i}\n");
        }
    }

    private static void WriteJson(string path, JsonObject content) => File.WriteAllText(path, PythonJson.Serialize(content));
}
