namespace Scylla.Core.Tests;

/// <summary>
/// A small tier configuration written by the tests, with one subtest for each kind of resource the workspace
/// configuration handles (formats.md §8): baselines, a block, a tool list, an MCP server, agents by level, agent teams,
/// T5 inheritance and a T6 subtest with everything. Subtest ids follow the upstream catalog's so tests read the same.
/// </summary>
public static class TestTierConfig
{
    public static readonly string[] Blocks = ["B01-overview", "B02-style", "B03-testing"];

    public static readonly string[] McpServers = ["filesystem", "git", "memory"];

    private static readonly Dictionary<string, string> s_subtests = new()
    {
        ["t0/00-no-prompt.yaml"] = "name: No prompt\nsystem_prompt_mode: none\nextends_previous: false\nresources:\n  claude_md:\n    blocks: []\n",
        ["t0/01-tool-prompt.yaml"] = "name: Tool prompt only\nsystem_prompt_mode: default\nextends_previous: false\nresources:\n  claude_md:\n    blocks: []\n",
        ["t0/06-overview-block.yaml"] = "name: Overview block\nextends_previous: false\nresources:\n  claude_md:\n    blocks:\n      - B01\n",
        ["t2/01-file-tools.yaml"] = "name: File tools\ntools:\n  enabled: [Read, Write, Edit, Glob, Grep]\n",
        ["t2/05-filesystem-server.yaml"] = "name: Filesystem server\nmcp_servers:\n  - name: filesystem\n    source: modelcontextprotocol/servers\n",
        ["t3/01-level-two.yaml"] = "name: Level 2 agents\nresources:\n  agents:\n    levels:\n      - 2\n",
        ["t4/08-lead-with-teams.yaml"] = "name: Lead with agent teams\nagent_teams: true\nresources:\n  agents:\n    levels: [0]\n",
        ["t5/01-best-prompt.yaml"] = "name: Best prompt\ninherit_best_from: [\"T0\"]\n",
        ["t5/13-tools-and-agents.yaml"] = "name: Tools and agents\ninherit_best_from: [\"T2\", \"T3\"]\ntools:\n  enabled: all\n",
        ["t6/01-everything.yaml"] = "name: Everything\nextends_previous: false\nresources:\n  claude_md:\n    blocks: [B01, B02, B03]\n"
            + "  tools:\n    enabled: all\n  mcp_servers:\n    - name: filesystem\n    - name: git\n    - name: memory\n  agents:\n    levels: [0, 1, 2, 3]\n",
    };

    private static readonly Dictionary<string, string> s_agents = new()
    {
        ["L0/lead-planner.md"] = "# Lead planner\n\nSplits the task and hands the parts out.\n",
        ["L2/api-designer.md"] = "# API designer\n\nShapes the public surface.\n",
        ["L2/data-designer.md"] = "# Data designer\n\nShapes what is stored.\n",
        ["L2/risk-reviewer.md"] = "# Risk reviewer\n\nLooks for what could break.\n",
        ["L3/unit-checker.md"] = "# Unit checker\n\nWrites one test per behaviour.\n",
    };

    /// <summary>Writes the configuration into <paramref name="path"/> and returns it.</summary>
    public static string Write(string path)
    {
        File.WriteAllText(Combine(path, "tiers.yaml"), "tiers:\n" + string.Concat(Tiers.TierId.All.Select(t =>
            $"  {t}:\n    name: \"Test tier {t}\"\n    description: \"What tier {t} adds, for the tests\"\n    tools_enabled: null\n    delegation_enabled: {(t == "T3" ? "true" : "false")}\n")));
        foreach (var block in Blocks)
        {
            File.WriteAllText(Combine(path, "blocks", block + ".md"), $"## {block[4..]}\n\nText of block {block[..3]}.\n");
        }

        foreach (var (name, text) in s_agents)
        {
            File.WriteAllText(Combine(path, "agents", name), text);
        }

        foreach (var (name, text) in s_subtests)
        {
            File.WriteAllText(Combine(path, "subtests", name), text);
        }

        return path;
    }

    private static string Combine(string root, params string[] parts)
    {
        var path = Path.Combine([root, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
