using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Scylla.Core.IO;
using Scylla.Core.Runs;
using Scylla.Core.Samples;
using Scylla.ProcessHelper;
using Xunit.Abstractions;

namespace Scylla.Core.Tests;

/// <summary>
/// Malformed inputs in every file the module reads, each on a fresh experiment and tier configuration: the read path
/// (<see cref="ReadPath"/>) must end in a documented error id or a warning, never in another exception or a hang, and
/// must leave every file as it was. Faults that need an unprivileged reader run in the helper process as 'nobody'.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MalformedInputCorpusTests(ITestOutputHelper output) : IDisposable
{
    private const string Experiment = "exp";
    private const string TierConfig = "tc";
    private const string AgentResult = "exp/T0/00/run_01/agent/result.json";
    private const string Judgment = "exp/T0/00/run_01/judge/judge_01/judgment.json";
    private const string RunResult = "exp/T0/00/run_01/run_result.json";
    private const string ConfigFile = "exp/config/experiment.json";
    private const string CheckpointFile = "exp/checkpoint.json";
    private const string TiersFile = "tc/tiers.yaml";
    private const string SubtestFile = "tc/subtests/t0/01-block.yaml";

    /// <summary>What a case must end in: an error id, any warning, or nothing (the file is never opened on this path).</summary>
    private const string Warning = "warning";
    private const string Silent = "silent";

    private static readonly Dictionary<string, Case> s_corpus = BuildCorpus();

    private readonly TempDirectory _temp = new();

    public static TheoryData<string> Cases => new(s_corpus.Keys);

    [Fact]
    public void The_corpus_covers_every_file_with_at_least_100_inputs()
    {
        Assert.True(s_corpus.Count >= 100, $"{s_corpus.Count} cases");
        foreach (var file in new[] { ConfigFile, CheckpointFile, AgentResult, Judgment, RunResult, TiersFile, SubtestFile, "exp/T0/00/run_01/agent/timing.json" })
        {
            Assert.Contains(s_corpus.Values, c => c.Target == file);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_malformed_input_ends_in_a_documented_id_or_a_warning_and_changes_nothing(string name)
    {
        var @case = s_corpus[name];
        CreateExperiment();
        var target = _temp.Combine(@case.Target.Split('/'));
        @case.Apply(target);
        var before = TreeHash(_temp.Path);

        var outcome = @case.Unprivileged ? ReadAsNobody() : ReadWithHangGuard();

        var after = TreeHash(_temp.Path);
        if (@case.Unprivileged)
        {
            File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
        }

        output.WriteLine($"outcome: {(outcome.ErrorIds.Count > 0 ? string.Join(",", outcome.ErrorIds.Distinct()) : outcome.Warnings.Count > 0 ? Warning : Silent)}");
        foreach (var line in outcome.Lines())
        {
            output.WriteLine(line);
        }

        Assert.Empty(outcome.RawExceptions);
        switch (@case.Expected)
        {
            case Silent:
                Assert.Empty(outcome.ErrorIds);
                Assert.Empty(outcome.Warnings);
                break;
            case Warning:
                Assert.NotEmpty(outcome.Warnings);
                break;
            default:
                Assert.Contains(@case.Expected, outcome.ErrorIds);
                break;
        }

        Assert.All(outcome.ErrorIds, Documentation.AssertDocumented);
        Assert.All(outcome.Warnings, w => Assert.Contains(_temp.Path, w)); // every warning names the file
        Assert.Equal(before, after);
    }

    public void Dispose() => _temp.Dispose();

    private ReadOutcome ReadWithHangGuard()
    {
        var read = Task.Run(() => ReadPath.ReadAll(_temp.Combine(Experiment), _temp.Combine(TierConfig)));
        Assert.True(read.Wait(TimeSpan.FromMinutes(2)), "the read path hung");
        return read.Result;
    }

    /// <summary>root reads everything, so permission faults are read by 'nobody', in the helper process.</summary>
    private ReadOutcome ReadAsNobody()
    {
        var helper = Path.Combine(AppContext.BaseDirectory.Replace("Scylla.Core.Tests", "Scylla.ProcessHelper"), "Scylla.ProcessHelper.dll");
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", helper, "read", _temp.Combine(Experiment), _temp.Combine(TierConfig) })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var lines = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the read path hung");
        }

        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        return ReadOutcome.FromLines(lines.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>T0 with subtests 00 and 01, two Completed runs each, two judges; a tier configuration beside it.</summary>
    private void CreateExperiment()
    {
        SampleExperimentGenerator.Generate(new SampleExperimentSpec
        {
            Path = _temp.Combine(Experiment),
            TierCount = 1,
            SubtestsPerTier = 2,
            RunsPerSubtest = 2,
            JudgeCount = 2,
            StatusPattern = [RunStatus.Completed],
            WorkspaceFiles = 0,
        });
        var tiers = "tiers:\n" + string.Concat(Tiers.TierId.All.Select(t => $"  {t}:\n    name: {t} tier\n    description: The {t} tier\n"));
        Write(_temp.Combine(TiersFile.Split('/')), tiers);
        Write(_temp.Combine("tc", "subtests", "t0", "00-empty.yaml"), "name: Empty\nresources: {}\n");
        Write(_temp.Combine(SubtestFile.Split('/')), "name: Block\nresources:\n  claude_md:\n    blocks: [B01]\n");
        Write(_temp.Combine("tc", "blocks", "B01-rules.md"), "## Rules\n");
    }

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Every entry's name, type, mode and content (links by target, never followed; special files by kind).</summary>
    private static string TreeHash(string root)
    {
        var lines = new List<string>();
        void Walk(string directory)
        {
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(root, entry.FullName);
                if (entry.LinkTarget != null)
                {
                    lines.Add($"{relative} -> {entry.LinkTarget}");
                }
                else if (entry is DirectoryInfo)
                {
                    lines.Add($"{relative}/ {entry.UnixFileMode}");
                    Walk(entry.FullName);
                }
                else
                {
                    lines.Add($"{relative} {entry.UnixFileMode} {((FileInfo)entry).Length} {Content(entry.FullName)}");
                }
            }
        }

        Walk(root);
        return string.Join('\n', lines);
    }

    private static string Content(string path)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(SmallFile.ReadText(path))));
        }
        catch (ScyllaException e)
        {
            return e.ErrorId; // a FIFO or an oversized file: its kind and length say enough
        }
    }

    private sealed record Case(string Target, Action<string> Apply, string Expected, bool Unprivileged = false);

    private static Dictionary<string, Case> BuildCorpus()
    {
        var cases = new Dictionary<string, Case>(StringComparer.Ordinal);
        void Add(string name, string target, Action<string> apply, string expected, bool unprivileged = false) =>
            cases.Add(name, new Case(target, apply, expected, unprivileged));

        // The file itself is wrong: a FIFO, a device, a loop, a folder, too large, unreadable, gone.
        var files = new (string Name, string Path, bool IsRunFile, string? NotFoundId, string? EmptyId)[]
        {
            ("experiment.json", ConfigFile, false, "ExperimentConfigNotFound", "InvalidExperimentConfig"),
            ("checkpoint.json", CheckpointFile, false, null, "InvalidCheckpoint"),
            ("agent result.json", AgentResult, true, null, Warning),
            ("judgment.json", Judgment, true, null, Warning),
            ("run_result.json", RunResult, true, null, Warning),
            ("tiers.yaml", TiersFile, false, "InvalidTierDefinitions", "InvalidTierDefinitions"),
            ("subtest YAML", SubtestFile, false, null, null),
        };
        foreach (var (name, path, isRunFile, notFoundId, emptyId) in files)
        {
            string Id(string id) => isRunFile ? Warning : id;
            Add($"{name}: a FIFO", path, Fifo, Id("NotARegularFile"));
            Add($"{name}: a link to /dev/zero", path, LinkTo("/dev/zero"), Id("FileTooLarge"));
            Add($"{name}: a symbolic link loop", path, Loop, Id("FileUnreadable"));
            Add($"{name}: a folder", path, Folder, Id("NotARegularFile"));
            Add($"{name}: larger than the size bound", path, Huge, Id("FileTooLarge"));
            Add($"{name}: unreadable", path, Unreadable, Id("FileUnreadable"), unprivileged: true);
            if (notFoundId != null)
            {
                Add($"{name}: a dangling link", path, LinkTo("/nonexistent/scylla"), notFoundId);
            }

            if (emptyId != null)
            {
                Add($"{name}: a link to /dev/null", path, LinkTo("/dev/null"), emptyId);
            }
        }

        // The JSON files hold something that is not a JSON object.
        var json = new (string Name, string Path, string Id)[]
        {
            ("experiment.json", ConfigFile, "InvalidExperimentConfig"),
            ("checkpoint.json", CheckpointFile, "InvalidCheckpoint"),
            ("agent result.json", AgentResult, Warning),
            ("judgment.json", Judgment, Warning),
            ("run_result.json", RunResult, Warning),
        };
        var notObjects = new (string Name, string Text)[]
        {
            ("empty", ""), ("truncated", "{\"a\": "), ("binary", "\0\u0001\u0002\u00ff"), ("an array", "[1, 2]"), ("a string", "\"text\""),
            ("nested 10000 deep", new string('[', 10000) + new string(']', 10000)), ("trailing text", "{\"a\": 1} x"),
            ("single quotes", "{'a': 1}"), ("a bare NaN", "NaN"),
        };
        foreach (var (file, path, id) in json)
        {
            foreach (var (what, text) in notObjects)
            {
                Add($"{file}: {what}", path, Text(text), id);
            }
        }

        // experiment.json: values upstream's model refuses, or that would plan nonsense.
        foreach (var (key, value) in new[]
        {
            ("runs_per_subtest", "2147483647"), ("runs_per_subtest", "-1"), ("runs_per_subtest", "NaN"), ("runs_per_subtest", "Infinity"),
            ("runs_per_subtest", "1.5"), ("runs_per_subtest", "\"ten\""), ("runs_per_subtest", "[]"), ("runs_per_subtest", "1e300"),
            ("models", "[]"), ("models", "\"sonnet\""), ("models", "[1]"), ("judge_models", "[]"), ("judge_models", "[null]"),
            ("timeout_seconds", "-1"), ("timeout_seconds", "0"), ("timeout_seconds", "NaN"), ("timeout_seconds", "1e12"),
            ("timeout_seconds", "300.5"), ("max_turns", "-5"), ("max_turns", "2.5"), ("max_subtests", "\"x\""),
            ("tiers_to_run", "[\"T9\"]"), ("tiers_to_run", "\"T0\""), ("tiers_to_run", "[null]"), ("experiment_id", "5"),
            ("experiment_id", "null"), ("language", "{}"), ("skip_agent_teams", "\"maybe\""), ("use_containers", "2"),
        })
        {
            Add($"experiment.json: {key} = {value}", ConfigFile, SetKey(key, value), "InvalidExperimentConfig");
        }

        // checkpoint.json: state maps of the wrong shape, run keys that are not numbers, versions it cannot read.
        foreach (var (key, value) in new[]
        {
            ("run_states", "{\"T0\": null}"), ("run_states", "{\"T0\": {\"00\": null}}"), ("run_states", "{\"T0\": {\"00\": {\"1\": 5}}}"),
            ("run_states", "\"x\""), ("run_states", "[]"), ("completed_runs", "{\"T0\": null}"), ("completed_runs", "{\"T0\": {\"00\": []}}"),
            ("completed_runs", "{\"T0\": {\"00\": {\"x\": \"passed\"}}}"), ("completed_runs", "{\"T0\": {\"00\": {\"99999999999\": \"passed\"}}}"),
            ("completed_runs", "{\"T0\": {\"00\": {\"1\": null}}}"), ("tier_states", "{\"T0\": 3}"), ("subtest_states", "{\"T0\": \"x\"}"),
        })
        {
            Add($"checkpoint.json: {key} = {value}", CheckpointFile, SetKey(key, value), "InvalidCheckpoint");
        }

        foreach (var version in new[] { "\"1.0\"", "3.1", "null", "\"4.0\"", "[\"3.1\"]" })
        {
            Add($"checkpoint.json: version = {version}", CheckpointFile, SetKey("version", version), "UnsupportedCheckpointVersion");
        }

        // YAML that PyYAML's safe_load refuses, or that expands without bound.
        var badYaml = new (string Name, string Text)[]
        {
            ("a syntax error", "tiers: [\n"), ("a tab indent", "tiers:\n\tT0: 1\n"), ("two documents", "a: 1\n---\nb: 2\n"),
            ("an unknown tag", "a: !foo x\n"), ("a Python tag", "a: !!python/object:os.system x\n"), ("an undefined alias", "a: *nowhere\n"),
            ("an unhashable key", "? [a]\n: 1\n"), ("a value token", "a: =\n"), ("nested 1000 deep", new string('[', 1000) + new string(']', 1000)),
            ("a billion laughs", BillionLaughs()), ("a bad octal int tag", "a: !!int 09x\n"),
        };
        foreach (var (what, text) in badYaml)
        {
            Add($"tiers.yaml: {what}", TiersFile, Text(text), "InvalidTierDefinitions");
            Add($"subtest YAML: {what}", SubtestFile, Text(text), "InvalidSubtestDefinition");
        }

        foreach (var (what, text) in new[]
        {
            ("a list", "- T0\n- T1\n"), ("no tiers key", "name: x\n"), ("a tier missing", "tiers:\n  T0: {name: a, description: b}\n"),
            ("a tier that is a number", "tiers:\n" + string.Concat(Tiers.TierId.All.Select(t => $"  {t}: 5\n"))),
            ("tools_enabled = maybe", "tiers:\n" + string.Concat(Tiers.TierId.All.Select(t => $"  {t}: {{name: a, description: b, tools_enabled: maybe}}\n"))),
        })
        {
            Add($"tiers.yaml: {what}", TiersFile, Text(text), "InvalidTierDefinitions");
        }

        // Subtest YAML: wrong types, and resource names that would leave the tier configuration folder.
        foreach (var (what, text) in new[]
        {
            ("a list", "- a\n"), ("extends_previous = maybe", "extends_previous: maybe\n"), ("agent_teams = 5", "agent_teams: 5\n"),
            ("resources is a list", "resources: [a]\n"), ("inherit_best_from = [T9]", "inherit_best_from: [T9]\n"),
            ("a block id with ..", "resources:\n  claude_md:\n    blocks: [../../../etc/passwd]\n"),
            ("a block id with a separator", "resources:\n  claude_md:\n    blocks: [B01/x]\n"),
            ("a block id with a wildcard", "resources:\n  claude_md:\n    blocks: ['*']\n"),
            ("blocks is a string", "resources:\n  claude_md:\n    blocks: B01\n"),
            ("a block id that is a mapping", "resources:\n  claude_md:\n    blocks: [{a: 1}]\n"),
            ("a skill category ..", "resources:\n  skills:\n    categories: ['..']\n"),
            ("a skill name that is absolute", "resources:\n  skills:\n    names: [/etc]\n"),
            ("an agent name with a backslash", "resources:\n  agents:\n    names: ['..\\x']\n"),
            ("an agent level with ..", "resources:\n  agents:\n    levels: ['../1']\n"),
            ("a top-level skills override with ..", "skills:\n  categories: [../../x]\n"),
        })
        {
            Add($"subtest YAML: {what}", SubtestFile, Text(text), "InvalidSubtestDefinition");
        }

        // Folders: unreadable, looping, or in the wrong layout.
        foreach (var folder in new[] { "exp/T0", "exp/T0/00", "exp/T0/00/run_01", "exp/T0/00/run_01/agent", "exp/T0/00/run_01/judge", "tc/subtests/t0" })
        {
            Add($"folder {folder}: unreadable", folder, Unreadable, Warning, unprivileged: true);
        }

        Add("folder exp/config: unreadable", "exp/config", Unreadable, "FileUnreadable", unprivileged: true);
        Add("folder exp/T0/00/run_01: a symbolic link loop", "exp/T0/00/run_01", Loop, Warning);
        Add("folder exp/T0/00/run_01/agent: a symbolic link loop", "exp/T0/00/run_01/agent", Loop, Warning);
        Add("folder exp/in_progress/T0/00/run_01 beside the flat tiers", "exp/in_progress/T0/00/run_01", Folder, "MixedExperimentLayout");

        // Timing files are only looked for, never opened, on the read path (the classification needs their existence only).
        Add("agent timing.json: a FIFO", "exp/T0/00/run_01/agent/timing.json", Fifo, Silent);
        Add("agent timing.json: a link to /dev/zero", "exp/T0/00/run_01/agent/timing.json", LinkTo("/dev/zero"), Silent);
        Add("agent timing.json: a symbolic link loop", "exp/T0/00/run_01/agent/timing.json", Loop, Warning);
        return cases;
    }

    private static string BillionLaughs()
    {
        var lines = new List<string> { "a0: &a0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 9; i++)
        {
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        }

        return string.Join('\n', lines) + "\n";
    }

    private static void Replace(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget == null)
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }

    private static Action<string> Text(string text) => path => File.WriteAllText(path, text);

    private static Action<string> LinkTo(string target) => path =>
    {
        Replace(path);
        File.CreateSymbolicLink(path, target);
    };

    private static void Loop(string path)
    {
        Replace(path);
        File.CreateSymbolicLink(path, path);
    }

    private static void Folder(string path)
    {
        Replace(path);
        Directory.CreateDirectory(path);
    }

    private static void Fifo(string path)
    {
        Replace(path);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private static void Huge(string path)
    {
        using var file = new FileStream(path, FileMode.Create);
        file.SetLength(SmallFile.MaxBytes + 1L); // sparse: no disk space used
    }

    private static void Unreadable(string path) => File.SetUnixFileMode(path, UnixFileMode.None);

    /// <summary>Sets one top-level key of a JSON file to the given JSON text (Python's bare NaN and Infinity allowed).</summary>
    private static Action<string> SetKey(string key, string value) => path =>
    {
        var root = Json.PythonJson.Parse(File.ReadAllText(path))!.AsObject();
        root[key] = null;
        File.WriteAllText(path, Json.PythonJson.Serialize(root).Replace($"\"{key}\": null", $"\"{key}\": {value}", StringComparison.Ordinal));
    };
}
