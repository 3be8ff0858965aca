namespace Scylla.Core.Tests;

/// <summary>
/// A small tier configuration written by the tests, with one subtest for each kind of resource the workspace
/// configuration handles (formats.md §8): baselines, a block, a tool list, an MCP server, agents by level, agent
/// teams, T5 inheritance and a T6 subtest with everything. Subtest ids follow the upstream catalog's.
/// </summary>
public static class TestTierConfig
{
    public static readonly string[] Blocks = ["B01-overview", "B02-style", "B03-testing"];

    public static readonly string[] McpServers = ["filesystem", "git", "memory"];

    private static readonly Dictionary<string, string> s_subtests = new()
    {
        ["t0/00-no-prompt.yaml"] = Baseline("No prompt", "none"),
        ["t0/01-tool-prompt.yaml"] = Baseline("Tool prompt only", "default"),
        ["t0/06-overview-block.yaml"] = """
            name: Overview block
            extends_previous: false
            resources:
              claude_md:
                blocks:
                  - B01
            """,
        ["t2/01-file-tools.yaml"] = """
            name: File tools
            tools:
              enabled: [Read, Write, Edit, Glob, Grep]
            """,
        ["t2/05-filesystem-server.yaml"] = """
            name: Filesystem server
            mcp_servers:
              - name: filesystem
                source: modelcontextprotocol/servers
            """,
        ["t3/01-level-two.yaml"] = """
            name: Level 2 agents
            resources:
              agents:
                levels:
                  - 2
            """,
        ["t4/08-lead-with-teams.yaml"] = """
            name: Lead with agent teams
            agent_teams: true
            resources:
              agents:
                levels: [0]
            """,
        ["t5/01-best-prompt.yaml"] = """
            name: Best prompt
            inherit_best_from: ["T0"]
            """,
        ["t5/13-tools-and-agents.yaml"] = """
            name: Tools and agents
            inherit_best_from: ["T2", "T3"]
            tools:
              enabled: all
            """,
        ["t6/01-everything.yaml"] = """
            name: Everything
            extends_previous: false
            resources:
              claude_md:
                blocks: [B01, B02, B03]
              tools:
                enabled: all
              mcp_servers:
                - name: filesystem
                - name: git
                - name: memory
              agents:
                levels: [0, 1, 2, 3]
            """,
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
        var tiers = Tiers.TierId.All.Select(t => $"""
              {t}:
                name: "Test tier {t}"
                description: "What tier {t} adds, for the tests"
                tools_enabled: null
                delegation_enabled: {(t == "T3" ? "true" : "false")}

            """);
        File.WriteAllText(Combine(path, "tiers.yaml"), "tiers:\n" + string.Concat(tiers));
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
            File.WriteAllText(Combine(path, "subtests", name), text + "\n");
        }

        return path;
    }

    private static string Baseline(string name, string systemPromptMode) => $"""
        name: {name}
        system_prompt_mode: {systemPromptMode}
        extends_previous: false
        resources:
          claude_md:
            blocks: []
        """;

    private static string Combine(string root, params string[] parts)
    {
        var path = Path.Combine([root, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
