using System.Text.Json.Nodes;
using Scylla.Core.Experiments;
using Scylla.Core.Json;

namespace Scylla.Core.Tests;

/// <summary>
/// The experiment of Data/result-sample.json written in either layout: a tie broken on tokens, a subtest that never
/// passes, a tier with no pass, an archived run, an incomplete run result and (phase only) a run still in in_progress/.
/// Data/result-sample-expected holds the files the Python tool's own aggregation wrote for the same runs.
/// </summary>
public static class ResultSample
{
    public static string Data => Path.Combine(AppContext.BaseDirectory, "Data");

    public static string Expected(params string[] parts) => Path.Combine([Data, "result-sample-expected", .. parts]);

    public static string Write(TempDirectory temp, ExperimentLayout layout)
    {
        var sample = (JsonObject)PythonJson.Parse(File.ReadAllText(Path.Combine(Data, "result-sample.json")))!;
        var root = temp.Combine("results-" + layout.ToString().ToLowerInvariant());
        Directory.CreateDirectory(Path.Combine(root, "config"));
        File.WriteAllText(Path.Combine(root, ExperimentConfig.RelativePath), PythonJson.Serialize(sample["config"]));
        foreach (var run in sample["runs"]!.AsArray())
        {
            var dir = run!["dir"]!.GetValue<string>();
            if (dir.StartsWith('@') && layout == ExperimentLayout.Flat)
            {
                continue;
            }

            var path = dir.StartsWith('@') ? Path.Combine(root, dir[1..])
                : layout == ExperimentLayout.Flat ? Path.Combine(root, dir)
                : Path.Combine(root, "completed", dir);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "run_result.json"), PythonJson.Serialize(run["result"]));
        }

        return root;
    }
}
