using System.Text.Json.Nodes;
using Scylla.Core.Json;
using Scylla.Core.Workspaces;
using static Scylla.Core.Tests.GitExperiment;

namespace Scylla.Core.Tests;

[Collection(GitCollection.Name)]
public sealed class WorkspaceTests : IDisposable
{
    private static readonly WorkspaceOptions s_defaults = new();
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Workspace(GitExperiment e, string tier, string subtest, int run = 1) => Path.Combine(e.Path, tier, subtest, $"run_{run:00}", "workspace");

    private static string Read(string path) => File.ReadAllText(path);

    private static string[] Worktrees(GitExperiment e) =>
        Git(e.Repository, "worktree", "list", "--porcelain").Split('\n').Where(l => l.StartsWith("worktree ")).Select(l => l[9..]).Skip(1).ToArray();

    private static string[] Branches(GitExperiment e) => Git(e.Repository, "branch", "--format=%(refname:short)").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void A_workspace_is_a_worktree_at_the_task_commit_on_the_runs_branch()
    {
        var e = Create(_temp);

        var created = WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults);
        var ws = Workspace(e, "T3", "01");

        Assert.Equal([ws], Worktrees(e));
        Assert.Equal(("T3_01_run_01", ws), (created.Branch, created.Path));
        Assert.Equal("T3_01_run_01", Git(ws, "rev-parse", "--abbrev-ref", "HEAD"));
        Assert.Equal(e.TaskCommit, Git(ws, "rev-parse", "HEAD~1"));
        Assert.Equal($"{RepositorySession.ConfigurationCommitMessage}\ntask commit",
            Git(ws, "log", "--format=%s", "-n", "2"));
        Assert.Equal("Scylla <scylla@localhost>", Git(ws, "log", "-1", "--format=%an <%ae>"));
        Assert.Equal(string.Empty, Git(ws, "status", "--porcelain"));
        Assert.Equal((false, false, false, Git(ws, "rev-parse", "HEAD")), (created.IsDirty!.Value, created.IsStale, created.IsLocked, created.Commit));
    }

    /// <summary>
    /// A resumed run whose commit was made but not saved in the checkpoint runs the commit stage again: it adds no
    /// empty commit, so the judges still see the agent's changes.
    /// </summary>
    [Fact]
    public void The_agents_changes_are_committed_once_however_often_the_commit_stage_runs()
    {
        var e = Create(_temp);
        var experiment = e.Open();
        WorkspaceManager.Create(experiment, "T3", "01", 1, s_defaults);
        var ws = Workspace(e, "T3", "01");
        File.WriteAllText(Path.Combine(ws, "hello.py"), "print('hi')\n");
        using var session = RepositorySession.Open(BaseRepository.Locate(experiment), s_defaults);

        session.CommitAgentChanges(ws);
        session.CommitAgentChanges(ws);

        Assert.Equal($"{RepositorySession.AgentChangesCommitMessage}\n{RepositorySession.ConfigurationCommitMessage}",
            Git(ws, "log", "--format=%s", "-n", "2"));
        Assert.Contains("+print('hi')", session.Patch(ws));
    }

    [Fact]
    public void A_configured_git_identity_is_used_for_the_configuration_commit()
    {
        var e = Create(_temp);
        Git(e.Repository, "config", "user.name", "Ada");
        Git(e.Repository, "config", "user.email", "ada@example.invalid");

        WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults);

        Assert.Equal("Ada <ada@example.invalid>", Git(Workspace(e, "T3", "01"), "log", "-1", "--format=%an <%ae>"));
    }

    [Fact]
    public void Agents_are_absolute_symlinks_committed_as_links_and_named_in_CLAUDE_md()
    {
        var e = Create(_temp);

        WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults);
        var ws = Workspace(e, "T3", "01");

        var agents = Directory.GetFiles(Path.Combine(e.TierConfig, "agents", "L2"), "*.md").Order(StringComparer.Ordinal).ToArray();
        var links = Directory.GetFiles(Path.Combine(ws, ".claude", "agents")).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(agents.Select(Path.GetFileName), links.Select(Path.GetFileName));
        Assert.All(links.Zip(agents), pair => Assert.Equal(pair.Second, new FileInfo(pair.First).LinkTarget));
        Assert.All(Git(ws, "ls-tree", "-r", "HEAD", ".claude/agents").Split('\n'), line => Assert.StartsWith("120000", line));
        var w = InstructionWording.Default;
        var expected = w.AgentsPlural + "\n\n" + string.Join('\n', agents.Select(a => "- " + Path.GetFileNameWithoutExtension(a))) + w.Footer;
        Assert.Equal(expected, Read(Path.Combine(ws, "CLAUDE.md")));
        Assert.Equal("{\n  \"alwaysThinkingEnabled\": false\n}", Read(Path.Combine(ws, ".claude", "settings.json")));
    }

    [Theory]
    [InlineData("00")]
    [InlineData("01")]
    public void T0_baselines_remove_CLAUDE_md_and_claude_folder_and_write_only_settings(string subtest)
    {
        var e = Create(_temp);

        WorkspaceManager.Create(e.Open(), "T0", subtest, 1, s_defaults);
        var ws = Workspace(e, "T0", subtest);

        Assert.False(File.Exists(Path.Combine(ws, "CLAUDE.md")));
        Assert.Equal(["settings.json"], Directory.GetFileSystemEntries(Path.Combine(ws, ".claude")).Select(Path.GetFileName));
        Assert.Equal([".claude/settings.json", "CLAUDE.md", "README.md"], Git(ws, "ls-tree", "-r", "--name-only", "HEAD").Split('\n'));
        Assert.Equal("D CLAUDE.md", Git(ws, "status", "--porcelain")); // upstream stages only what exists: the deletion stays unstaged
    }

    [Fact]
    public void Blocks_are_composed_into_CLAUDE_md_before_the_instructions()
    {
        var e = Create(_temp);

        WorkspaceManager.Create(e.Open(), "T0", "06", 1, s_defaults);

        var block = Read(Directory.GetFiles(Path.Combine(e.TierConfig, "blocks"), "B01-*.md").Single());
        Assert.Equal(block + "\n\n" + InstructionWording.Default.Generic + InstructionWording.Default.Footer, Read(Path.Combine(Workspace(e, "T0", "06"), "CLAUDE.md")));
    }

    [Fact]
    public void Settings_carry_allowed_tools_mcp_servers_and_agent_teams_in_upstreams_key_order()
    {
        var e = Create(_temp);
        var experiment = e.Open();

        WorkspaceManager.Create(experiment, "T2", "01", 1, s_defaults);
        WorkspaceManager.Create(experiment, "T2", "05", 1, s_defaults);
        WorkspaceManager.Create(experiment, "T4", "08", 1, s_defaults);

        Assert.Equal("{\n  \"alwaysThinkingEnabled\": false,\n  \"allowedTools\": [\n    \"Read\",\n    \"Write\",\n    \"Edit\",\n    \"Glob\",\n    \"Grep\"\n  ]\n}",
            Read(Path.Combine(Workspace(e, "T2", "01"), ".claude", "settings.json")));
        Assert.Equal("{\n  \"alwaysThinkingEnabled\": false,\n  \"mcpServers\": {\n    \"filesystem\": {\n      \"command\": \"npx\",\n      \"args\": [\n        \"-y\",\n        \"@modelcontextprotocol/servers/filesystem\"\n      ]\n    }\n  }\n}",
            Read(Path.Combine(Workspace(e, "T2", "05"), ".claude", "settings.json")));
        Assert.EndsWith("\"env\": {\n    \"CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS\": \"1\"\n  }\n}", Read(Path.Combine(Workspace(e, "T4", "08"), ".claude", "settings.json")));
        Assert.StartsWith(InstructionWording.Default.McpServersSingular + "\n\n- filesystem\n\n## ", Read(Path.Combine(Workspace(e, "T2", "05"), "CLAUDE.md")));
        Assert.Equal(InstructionWording.Default.Generic + InstructionWording.Default.Footer, Read(Path.Combine(Workspace(e, "T2", "01"), "CLAUDE.md")));
    }

    [Fact]
    public void A_wording_file_reproduces_other_instructions_byte_for_byte()
    {
        var e = Create(_temp);
        var template = _temp.Combine("wording.json");
        File.WriteAllText(template, "{\"agents_plural\": \"Agents:\", \"mcp_servers_plural\": \"Use all of:\", \"all_tools\": \"Every tool.\", \"footer\": \"\\n\\nEND\\n\"}");

        WorkspaceManager.Create(e.Open(), "T6", "01", 1, s_defaults with { InstructionTemplatePath = template });

        var blocks = TestTierConfig.Blocks.Select(b => Read(Path.Combine(e.TierConfig, "blocks", b + ".md")));
        var agents = Directory.GetFiles(Path.Combine(e.TierConfig, "agents"), "*.md", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        var expected = string.Join("\n\n", blocks)
            + "\n\nAgents:\n\n" + string.Join('\n', agents.Select(a => "- " + a))
            + "\n\nUse all of:\n\n" + string.Join('\n', TestTierConfig.McpServers.Order(StringComparer.Ordinal).Select(m => "- " + m))
            + "\n\nEvery tool.\n\nEND\n";
        Assert.Equal(expected, Read(Path.Combine(Workspace(e, "T6", "01"), "CLAUDE.md")));
    }

    [Fact]
    public void An_unknown_wording_key_is_refused()
    {
        var template = _temp.Combine("wording.json");
        File.WriteAllText(template, "{\"agent_plural\": \"typo\"}");

        Assert.Equal("InvalidInstructionTemplate", Assert.Throws<ScyllaException>(() => InstructionWording.Load(template)).ErrorId);
    }

    [Fact]
    public void T5_merges_the_best_subtest_resources_of_its_parent_tiers()
    {
        var e = Create(_temp);
        WriteTierResult(e, "T2", "05", new JsonObject { ["mcp_servers"] = new JsonArray(new JsonObject { ["name"] = "filesystem" }) });
        WriteTierResult(e, "T3", "01", new JsonObject { ["agents"] = new JsonObject { ["levels"] = new JsonArray(2) } });

        WorkspaceManager.Create(e.Open(), "T5", "13", 1, s_defaults);
        var ws = Workspace(e, "T5", "13");

        var claudeMd = Read(Path.Combine(ws, "CLAUDE.md"));
        var w = InstructionWording.Default;
        Assert.StartsWith(w.AgentsPlural, claudeMd);
        Assert.Contains(w.McpServersSingular + "\n\n- filesystem\n\n" + w.AllTools + w.Footer, claudeMd);
        Assert.Equal(Directory.GetFiles(Path.Combine(e.TierConfig, "agents", "L2")).Length, Directory.GetFiles(Path.Combine(ws, ".claude", "agents")).Length);
        Assert.Equal("{\n  \"alwaysThinkingEnabled\": false\n}", Read(Path.Combine(ws, ".claude", "settings.json"))); // own resources only, as upstream
    }

    [Fact]
    public void T5_without_completed_parents_is_refused_and_leaves_nothing_behind()
    {
        var e = Create(_temp);

        var error = Assert.Throws<ScyllaException>(() => WorkspaceManager.Create(e.Open(), "T5", "01", 1, s_defaults));

        Assert.Equal("ParentTiersIncomplete", error.ErrorId);
        Assert.Contains("parent tiers must complete first", error.Message);
        Assert.Contains("T0", error.Message);
        Assert.Empty(Worktrees(e));
        Assert.Equal(["main"], Branches(e));
        Assert.False(Directory.Exists(Path.Combine(e.Path, "T5", "01", "run_01")));
    }

    [Fact]
    public void T5_refuses_a_parent_manifest_whose_block_ids_leave_the_tier_configuration()
    {
        var e = Create(_temp);
        WriteTierResult(e, "T2", "05", new JsonObject { ["claude_md"] = new JsonObject { ["blocks"] = new JsonArray("../../../../etc/hostname") } });
        WriteTierResult(e, "T3", "01", new JsonObject());

        var error = Assert.Throws<ScyllaException>(() => WorkspaceManager.Create(e.Open(), "T5", "13", 1, s_defaults));

        Assert.Equal("InvalidSubtestDefinition", error.ErrorId);
        Assert.Contains("claude_md.blocks", error.Message);
        Assert.Contains("config_manifest.json", error.TargetPath);
        Assert.Empty(Worktrees(e));
        Assert.False(Directory.Exists(Path.Combine(e.Path, "T5", "13", "run_01")));
    }

    [Fact]
    public void A_failure_after_the_worktree_exists_removes_worktree_branch_and_folder()
    {
        var e = Create(_temp);
        // A folder where worktree_create.sh goes makes the last step fail, after the worktree and branch exist.
        Directory.CreateDirectory(Path.Combine(e.Path, "T3", "01", "run_01", "worktree_create.sh"));

        Assert.ThrowsAny<Exception>(() => WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults));

        Assert.Empty(Worktrees(e));
        Assert.Equal(["main"], Branches(e));
        Assert.False(Directory.Exists(Workspace(e, "T3", "01")));
    }

    [Fact]
    public void Shared_repositories_prefix_branches_so_experiments_never_collide()
    {
        var first = Create(_temp, "alpha-experiment", shared: true);
        var second = Create(_temp, "beta-experiment", sharedRepository: first.Repository);

        var a = WorkspaceManager.Create(first.Open(), "T3", "01", 1, s_defaults);
        var b = WorkspaceManager.Create(second.Open(), "T3", "01", 1, s_defaults);

        Assert.Equal(("alpha-ex_T3_01_run_01", "beta-exp_T3_01_run_01"), (a.Branch, b.Branch));
        Assert.Equal(2, Worktrees(first).Length);
        Assert.Single(WorkspaceManager.List(first.Open(), s_defaults));
    }

    [Fact]
    public void A_stale_branch_from_a_crashed_run_is_recovered()
    {
        var e = Create(_temp);
        Git(e.Repository, "branch", "T3_01_run_01", "HEAD");

        var leftoverTip = Git(e.Repository, "rev-parse", "T3_01_run_01");

        WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults);

        Assert.Equal(e.TaskCommit, Git(Workspace(e, "T3", "01"), "rev-parse", "HEAD~1"));
        Assert.Equal(leftoverTip, Git(e.Repository, "rev-parse", "scylla-archive/T3_01_run_01/1^{commit}")); // its commits stay reachable
    }

    [Fact]
    public void A_stale_registration_whose_folder_was_deleted_is_recovered()
    {
        var e = Create(_temp);
        WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults);
        Directory.Delete(Workspace(e, "T3", "01"), true);

        WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults);

        Assert.Equal([Workspace(e, "T3", "01")], Worktrees(e));
        Assert.Equal(string.Empty, Git(Workspace(e, "T3", "01"), "status", "--porcelain"));
    }

    [Fact]
    public void A_workspace_folder_holding_files_is_never_overwritten_without_force()
    {
        var e = Create(_temp);
        var ws = Workspace(e, "T3", "01");
        Directory.CreateDirectory(ws);
        File.WriteAllText(Path.Combine(ws, "precious.txt"), "keep me");

        var error = Assert.Throws<ScyllaException>(() => WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults));
        Assert.Equal("WorkspaceNotEmpty", error.ErrorId);
        Assert.Equal("keep me", Read(Path.Combine(ws, "precious.txt")));

        WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults with { Force = true });
        Assert.False(File.Exists(Path.Combine(ws, "precious.txt")));
        Assert.Equal([ws], Worktrees(e));
    }

    [Fact]
    public void Removing_a_clean_workspace_removes_worktree_and_branch_and_keeps_the_run()
    {
        var e = Create(_temp);
        WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults);

        WorkspaceManager.Remove(e.Open(), "T3", "01", 1, s_defaults);

        Assert.Empty(Worktrees(e));
        Assert.Equal(["main"], Branches(e));
        Assert.False(Directory.Exists(Workspace(e, "T3", "01")));
        Assert.True(File.Exists(Path.Combine(e.Path, "T3", "01", "run_01", "worktree_create.sh")));
    }

    [Fact]
    public void A_dirty_workspace_is_refused_then_removed_with_force()
    {
        var e = Create(_temp);
        WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults);
        File.WriteAllText(Path.Combine(Workspace(e, "T3", "01"), "agent-output.py"), "print('hi')\n");

        Assert.Equal("WorkspaceDirty", Assert.Throws<ScyllaException>(() => WorkspaceManager.Remove(e.Open(), "T3", "01", 1, s_defaults)).ErrorId);
        Assert.True(File.Exists(Path.Combine(Workspace(e, "T3", "01"), "agent-output.py")));

        WorkspaceManager.Remove(e.Open(), "T3", "01", 1, s_defaults with { Force = true });
        Assert.Empty(Worktrees(e));
    }

    [Fact]
    public void A_locked_workspace_is_refused_then_removed_with_force()
    {
        var e = Create(_temp);
        WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults);
        Git(e.Repository, "worktree", "lock", Workspace(e, "T3", "01"));

        Assert.True(WorkspaceManager.List(e.Open(), s_defaults).Single().IsLocked);
        Assert.Equal("WorkspaceLocked", Assert.Throws<ScyllaException>(() => WorkspaceManager.Remove(e.Open(), "T3", "01", 1, s_defaults)).ErrorId);

        WorkspaceManager.Remove(e.Open(), "T3", "01", 1, s_defaults with { Force = true });
        Assert.Empty(Worktrees(e));
    }

    [Fact]
    public void A_stale_workspace_is_listed_as_stale_and_its_registration_cleaned()
    {
        var e = Create(_temp);
        WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults);
        WorkspaceManager.Create(e.Open(), "T2", "01", 2, s_defaults);
        Directory.Delete(Workspace(e, "T3", "01"), true);
        File.WriteAllText(Path.Combine(Workspace(e, "T2", "01", 2), "new.txt"), "x");

        var listed = WorkspaceManager.List(e.Open(), s_defaults).OrderBy(w => w.Tier).ToList();
        WorkspaceManager.Remove(e.Open(), "T3", "01", 1, s_defaults with { KeepBranch = true });

        Assert.Equal([("T2/01/run_02", false, (bool?)true), ("T3/01/run_01", true, null)], listed.Select(w => (w.RunId, w.IsStale, w.IsDirty)));
        Assert.Equal([Workspace(e, "T2", "01", 2)], Worktrees(e));
        Assert.Contains("T3_01_run_01", Branches(e));
    }

    [Theory]
    [InlineData("T3", "..")]
    [InlineData("T3", "01/../..")]
    [InlineData("../T3", "01")]
    public void Run_ids_that_escape_the_experiment_create_nothing(string tier, string subtest)
    {
        var e = Create(_temp);

        Assert.Equal("InvalidRunId", Assert.Throws<ScyllaException>(() => WorkspaceManager.Create(e.Open(), tier, subtest, 1, s_defaults)).ErrorId);
        Assert.Empty(Worktrees(e));
    }

    [Fact]
    public void A_commit_missing_from_the_repository_creates_nothing()
    {
        var e = Create(_temp);
        var config = Path.Combine(e.Path, "config", "experiment.json");
        File.WriteAllText(config, Read(config).Replace(e.TaskCommit, "1234567890123456789012345678901234567890"));

        Assert.Equal("CommitNotFound", Assert.Throws<ScyllaException>(() => WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults)).ErrorId);
        Assert.Empty(Worktrees(e));
        Assert.Equal(["main"], Branches(e));
        Assert.False(Directory.Exists(Path.Combine(e.Path, "T3", "01", "run_01")));
    }

    [Fact]
    public void A_workspace_path_that_is_a_file_is_refused()
    {
        var e = Create(_temp);
        Directory.CreateDirectory(Path.Combine(e.Path, "T3", "01", "run_01"));
        File.WriteAllText(Workspace(e, "T3", "01"), "not a folder");

        Assert.Equal("WorkspacePathIsFile", Assert.Throws<ScyllaException>(() => WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults)).ErrorId);
        Assert.Empty(Worktrees(e));
    }

    [Fact]
    public void A_repository_owned_by_another_user_is_refused_unless_the_check_is_skipped()
    {
        var e = Create(_temp);
        Git(_temp.Path, "-c", "safe.directory=*", "-C", e.Repository, "status"); // git itself is fine with root-owned
        System.Diagnostics.Process.Start("chown", ["-R", "nobody", e.Repository])!.WaitForExit();

        var error = Assert.Throws<ScyllaException>(() => WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults));
        Assert.Equal("RepositoryNotOwned", error.ErrorId);
        Assert.Contains("-SkipOwnershipCheck", error.Message);

        var created = WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults with { SkipOwnershipCheck = true });
        Assert.Equal("T3_01_run_01", created.Branch);
    }

    [Fact]
    public void A_missing_base_repository_names_both_places_tried()
    {
        var e = Create(_temp);
        Directory.Delete(e.Repository, true);

        var error = Assert.Throws<ScyllaException>(() => WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults));

        Assert.Equal("RepositoryNotFound", error.ErrorId);
        Assert.Contains(Path.Combine(e.Path, "repo"), error.Message);
        Assert.Contains(Path.Combine("repos", BaseRepository.RepositoryId("https://example.invalid/hello-world")), error.Message);
    }

    [Fact]
    public void Without_a_tier_configuration_the_workspace_cannot_be_configured()
    {
        var e = Create(_temp);

        Assert.Equal("TierConfigNotFound", Assert.Throws<ScyllaException>(() => WorkspaceManager.Create(Experiments.Experiment.Open(e.Path), "T3", "01", 1, s_defaults)).ErrorId);
    }

    [Fact]
    public void The_create_script_records_the_git_commands()
    {
        var e = Create(_temp);
        WorkspaceManager.Create(e.Open(), "T3", "01", 1, s_defaults);
        var script = Path.Combine(e.Path, "T3", "01", "run_01", "worktree_create.sh");
        var ws = Workspace(e, "T3", "01");

        Assert.Equal($"#!/bin/bash\n# Worktree: T3_01_run_01 @ {ws}\ngit -C {e.Repository} worktree add -b T3_01_run_01 {ws} {e.TaskCommit}\ngit -C {ws} checkout {e.TaskCommit}\n", Read(script));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(script));
        }
    }

    [Theory]
    [InlineData("plain/path-1.txt", "plain/path-1.txt")]
    [InlineData("with space", "'with space'")]
    [InlineData("it's", "'it'\"'\"'s'")]
    [InlineData("", "''")]
    public void Shell_quoting_matches_python_shlex(string value, string expected) => Assert.Equal(expected, WorkspaceManager.ShellQuote(value));

    [Theory]
    [InlineData("https://github.com/mvillmow/Hello-World", "68204b1b57e7a9f2")]
    [InlineData("https://github.com/mvillmow/Hello-World.git", "8068153ed5aacc84")]
    public void Repository_ids_match_upstreams_vectors(string url, string id) => Assert.Equal(id, BaseRepository.RepositoryId(url));

    private static void WriteTierResult(GitExperiment e, string tier, string best, JsonObject resources)
    {
        Directory.CreateDirectory(Path.Combine(e.Path, tier, best));
        File.WriteAllText(Path.Combine(e.Path, tier, "result.json"), "{\"tier_id\": \"" + tier + "\", \"best_subtest\": \"" + best + "\", \"cost_of_pass\": Infinity}");
        File.WriteAllText(Path.Combine(e.Path, tier, best, "config_manifest.json"), PythonJson.Serialize(new JsonObject { ["tier_id"] = tier, ["subtest_id"] = best, ["resources"] = resources }));
    }
}
