using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.Json;
using Scylla.Core.Tiers;

namespace Scylla.Core.Workspaces;

/// <summary>
/// Prepares a workspace for its tier and subtest (run-flow §4.2 to §4.7): symlinks into the tier configuration, CLAUDE.md
/// and <c>.claude/settings.json</c>. Every rerun is configured from the subtest's own resources (no previous-tier baseline);
/// T5 gets its parents' merged resources.
/// </summary>
public sealed class WorkspaceConfigurator(string tierConfigDirectory, bool thinkingEnabled, InstructionWording wording)
{
    /// <summary>The agent's instructions in the workspace.</summary>
    public const string InstructionsFile = "CLAUDE.md";

    /// <summary>The agent's settings, skills and sub-agents in the workspace.</summary>
    public const string SettingsFolder = ".claude";

    /// <summary>Configures <paramref name="workspace"/>; <paramref name="mergedParents"/> is T5's inherited resources, if any.</summary>
    public void Prepare(string workspace, SubtestDefinition subtest, JsonObject? mergedParents)
    {
        if (subtest.Tier == "T0" && subtest.Id is "00" or "01")
        {
            // The prompt-free baselines: no CLAUDE.md and no .claude/ at all, even those of the task repository.
            File.Delete(Path.Combine(workspace, InstructionsFile));
            var claudeDirectory = Path.Combine(workspace, SettingsFolder);
            if (Directory.Exists(claudeDirectory))
            {
                Directory.Delete(claudeDirectory, recursive: true);
            }

            WriteSettings(workspace, subtest);
            return;
        }

        if (mergedParents is { Count: > 0 })
        {
            var final = ResourceMerge.WithOwn(mergedParents, subtest.Resources);
            CreateResources(workspace, final, Suffix(final));
        }
        else if (subtest.Resources.Count > 0)
        {
            CreateResources(workspace, subtest.Resources, Suffix(subtest.Resources));
        }

        WriteSettings(workspace, subtest);
    }

    /// <summary>The instructions naming the resources (run-flow §4.7), in this order: agents, skills, MCP servers, tools.</summary>
    public string Suffix(JsonObject resources)
    {
        var sections = new List<string>();
        var agents = resources["agents"] as JsonObject;
        if (agents != null)
        {
            var names = Levels(agents).SelectMany(level => Files(Path.Combine(tierConfigDirectory, "agents", $"L{level}"), "*.md")).Select(Path.GetFileNameWithoutExtension)
                .Concat(Strings(agents["names"]).Select(n => n.EndsWith(".md", StringComparison.Ordinal) ? n[..^3] : n)).ToList();
            AddSection(sections, names!, wording.AgentsPlural, wording.AgentsSingular);
        }

        if (resources["skills"] is JsonObject skills)
        {
            var names = Strings(skills["categories"]).SelectMany(c => Subdirectories(Path.Combine(tierConfigDirectory, "skills", c))).Select(Path.GetFileName)
                .Concat(Strings(skills["names"])).ToList();
            AddSection(sections, names!, wording.SkillsPlural, wording.SkillsSingular);
        }

        AddSection(sections, ResourceMerge.ServerNames(resources["mcp_servers"]).ToList(), wording.McpServersPlural, wording.McpServersSingular);

        if (resources["tools"] is JsonObject tools)
        {
            if (tools["enabled"]?.GetValueKind() == JsonValueKind.String && tools["enabled"]!.GetValue<string>() == "all")
            {
                sections.Add(wording.AllTools);
            }
            else if (Strings(tools["names"]).ToList() is { Count: > 0 } toolNames)
            {
                var prefix = toolNames.Count == 1 ? wording.ToolsSingular : wording.ToolsPlural;
                sections.Add(prefix + "\n\n" + string.Join('\n', toolNames.Order(StringComparer.Ordinal).Select(n => "- " + n)));
            }
        }

        return (sections.Count == 0 ? wording.Generic : string.Join("\n\n", sections)) + wording.Footer;
    }

    /// <summary>The settings the agent reads (run-flow §4.6), keys in upstream's order, from the subtest's own resources.</summary>
    public string SettingsJson(SubtestDefinition subtest)
    {
        var settings = new JsonObject { ["alwaysThinkingEnabled"] = thinkingEnabled };
        if (subtest.Resources["tools"] is JsonObject { } tools && tools["enabled"] is JsonArray { Count: > 0 } allowed)
        {
            settings["allowedTools"] = allowed.DeepClone();
        }

        if (subtest.Resources["mcp_servers"] is JsonArray { Count: > 0 } servers)
        {
            var mcp = new JsonObject();
            foreach (var server in servers)
            {
                var name = ResourceMerge.ServerName(server);
                var source = server is JsonObject o ? o["source"]?.ToString() ?? "modelcontextprotocol/servers" : "modelcontextprotocol/servers";
                mcp[name] = new JsonObject { ["command"] = "npx", ["args"] = new JsonArray("-y", $"@{source}/{name}") };
            }

            settings["mcpServers"] = mcp;
        }

        if (subtest.AgentTeams)
        {
            settings["env"] = new JsonObject { ["CLAUDE_CODE_EXPERIMENTAL_AGENT_TEAMS"] = "1" };
        }

        return PythonJson.Serialize(settings);
    }

    private void WriteSettings(string workspace, SubtestDefinition subtest)
    {
        Directory.CreateDirectory(Path.Combine(workspace, SettingsFolder));
        File.WriteAllText(Path.Combine(workspace, SettingsFolder, "settings.json"), SettingsJson(subtest));
    }

    private void CreateResources(string workspace, JsonObject resources, string suffix)
    {
        if (resources["skills"] is JsonObject skills)
        {
            var folder = Directory.CreateDirectory(Path.Combine(workspace, SettingsFolder, "skills")).FullName;
            var skillDirectories = Strings(skills["categories"]).SelectMany(c => Subdirectories(Path.Combine(tierConfigDirectory, "skills", c)))
                .Concat(Strings(skills["names"]).Select(n => Subdirectories(Path.Combine(tierConfigDirectory, "skills")).Select(c => Path.Combine(c, n)).FirstOrDefault(Directory.Exists)))
                .OfType<string>();
            foreach (var skill in skillDirectories)
            {
                Link(Path.Combine(folder, Path.GetFileName(skill)), skill);
            }
        }

        if (resources["agents"] is JsonObject agents)
        {
            var folder = Directory.CreateDirectory(Path.Combine(workspace, SettingsFolder, "agents")).FullName;
            var agentFiles = Levels(agents).SelectMany(level => Files(Path.Combine(tierConfigDirectory, "agents", $"L{level}"), "*.md"))
                .Concat(Strings(agents["names"]).Select(n => Subdirectories(Path.Combine(tierConfigDirectory, "agents")).Order(StringComparer.Ordinal).Select(l => Path.Combine(l, n)).FirstOrDefault(File.Exists)))
                .OfType<string>();
            foreach (var agent in agentFiles)
            {
                Link(Path.Combine(folder, Path.GetFileName(agent)), agent);
            }
        }

        var claudeMd = resources.ContainsKey("claude_md") ? ComposeClaudeMd(resources["claude_md"] as JsonObject, suffix) : suffix;
        if (!string.IsNullOrEmpty(claudeMd))
        {
            File.WriteAllText(Path.Combine(workspace, InstructionsFile), claudeMd);
        }
    }

    /// <summary>run-flow §4.5: the blocks joined by a blank line, then the suffix; nothing without a blocks folder.</summary>
    private string? ComposeClaudeMd(JsonObject? spec, string suffix)
    {
        var blocksDirectory = Path.Combine(tierConfigDirectory, "blocks");
        if (!Directory.Exists(blocksDirectory))
        {
            return null;
        }

        var blocks = Strings(spec?["blocks"])
            .Select(id => Files(blocksDirectory, $"{id}-*.md").FirstOrDefault())
            .OfType<string>()
            .Select(IO.SmallFile.ReadText)
            .ToList();
        return blocks.Count == 0 ? suffix : string.Join("\n\n", blocks) + "\n\n" + suffix;
    }

    /// <summary>An absolute symlink, made only when nothing (not even a dangling link: .NET's Exists sees those) is at <paramref name="link"/>.</summary>
    private static void Link(string link, string target)
    {
        if (!Path.Exists(link))
        {
            File.CreateSymbolicLink(link, Path.GetFullPath(target));
        }
    }

    private static void AddSection(List<string> sections, IReadOnlyList<string> names, string plural, string singular)
    {
        if (names.Count > 0)
        {
            var prefix = names.Count == 1 ? singular : plural;
            sections.Add(prefix + "\n\n" + string.Join('\n', names.Distinct().Order(StringComparer.Ordinal).Select(n => "- " + n)));
        }
    }

    private static IEnumerable<string> Levels(JsonObject agents) => (agents["levels"] as JsonArray ?? []).Select(l => l?.ToString() ?? string.Empty);

    private static IEnumerable<string> Strings(JsonNode? node) => (node as JsonArray ?? []).Select(n => n?.ToString()).OfType<string>();

    private static IEnumerable<string> Files(string directory, string pattern) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, pattern).Order(StringComparer.Ordinal) : [];

    private static IEnumerable<string> Subdirectories(string directory) =>
        Directory.Exists(directory) ? Directory.GetDirectories(directory).Order(StringComparer.Ordinal) : [];
}
