using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Scylla.Core.Checkpoints;
using Scylla.Core.Runs;
using Scylla.Core.Samples;
using Scylla.PowerShell.Commands.Runs;

namespace Scylla.PowerShell.Tests;

/// <summary>Ctrl+C during a re-run: the pipeline is stopped while the agent runs.</summary>
public sealed class RerunInterruptTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Stopping_kills_the_agents_process_group_and_leaves_the_last_completed_stage()
    {
        var experiment = _temp.Combine("exp");
        SampleExperimentGenerator.Generate(new SampleExperimentSpec { Path = experiment, TierCount = 1, SubtestsPerTier = 1, RunsPerSubtest = 2, StatusPattern = [RunStatus.Missing], WithRepository = true });
        var pidFile = _temp.Combine("agent.pid");
        var fakes = Path.Combine(RepositoryRoot(), "examples", "fake-claude");
        Environment.SetEnvironmentVariable("SCYLLA_FAKE_AGENT_MODE", "hang");
        Environment.SetEnvironmentVariable("SCYLLA_FAKE_AGENT_PIDFILE", pidFile);
        try
        {
            var state = InitialSessionState.CreateDefault2();
            state.ImportPSModule(typeof(GetScyllaRunCommand).Assembly.Location);
            using var ps = System.Management.Automation.PowerShell.Create(state);
            ps.AddScript("param($e, $agent, $judge) Get-ScyllaRun $e | Invoke-ScyllaRerun -AgentPath $agent -JudgePath $judge -TierConfigPath (Join-Path $e 'tier-config') -ThrottleLimit 2")
                .AddArgument(experiment).AddArgument(Path.Combine(fakes, "agent.sh")).AddArgument(Path.Combine(fakes, "judge.sh"));
            var running = ps.BeginInvoke();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(pidFile) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }

            var agentPid = int.Parse(File.ReadAllText(pidFile).Trim());
            ps.Stop();
            Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(running));

            Assert.False(IsRunning(agentPid));
            var checkpoint = CheckpointStore.TryLoad(experiment)!;
            var states = new[] { checkpoint.GetRunState("T0", "00", 1), checkpoint.GetRunState("T0", "00", 2) };
            Assert.Contains("dir_structure_created", states); // saved while the workspace was made; no agent result
            Assert.DoesNotContain("failed", states);
            Assert.All(states, s => Assert.NotEqual("agent_complete", s));
        }
        finally
        {
            Environment.SetEnvironmentVariable("SCYLLA_FAKE_AGENT_MODE", null);
            Environment.SetEnvironmentVariable("SCYLLA_FAKE_AGENT_PIDFILE", null);
        }
    }

    /// <summary>Running, not a zombie left unreaped after its parent died.</summary>
    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        return File.Exists(stat) && File.ReadAllText(stat).Split(") ")[^1][0] != 'Z';
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (dir.GetFiles("Scylla.PowerShell.sln").Length > 0)
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Scylla.PowerShell.sln");
    }
}
