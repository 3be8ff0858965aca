using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.Json;

namespace Scylla.Core.Workspaces;

/// <summary>
/// The words of the instructions appended to a workspace's CLAUDE.md (the "resource suffix"). The defaults are this
/// project's own; a JSON file with the same keys replaces any of them, e.g. to reproduce another tool's text byte for byte.
/// </summary>
public sealed record InstructionWording
{
    public static readonly InstructionWording Default = new();

    public string AgentsPlural { get; init; } = "Make full use of these sub-agents for this task:";

    public string AgentsSingular { get; init; } = "Use this sub-agent for this task:";

    public string SkillsPlural { get; init; } = "Make full use of these skills for this task:";

    public string SkillsSingular { get; init; } = "Use this skill for this task:";

    public string McpServersPlural { get; init; } = "Make full use of these MCP servers for this task:";

    public string McpServersSingular { get; init; } = "Use this MCP server for this task:";

    public string ToolsPlural { get; init; } = "Make full use of these tools for this task:";

    public string ToolsSingular { get; init; } = "Use this tool for this task:";

    public string AllTools { get; init; } = "Make full use of every available tool for this task.";

    /// <summary>The instruction when the subtest names no resources.</summary>
    public string Generic { get; init; } = "Do this task with the tools you have and your own judgment.";

    /// <summary>Appended after the instructions, verbatim.</summary>
    public string Footer { get; init; } =
        "\n\n## Rules of this test environment\n\n"
        + "This workspace is a test sandbox. Never write to a remote:\n\n"
        + "- no `git push`, to any remote\n"
        + "- no pull requests, issue or pull-request comments, or remote branch deletions\n"
        + "- keep every change local to this workspace; reading from remotes (`git fetch`, `git pull`) is fine\n\n"
        + "\n## Before you finish\n\n"
        + "- delete the temporary files you made (build output, caches)\n"
        + "- leave only the deliverables in the workspace\n";

    private static readonly Dictionary<string, Func<InstructionWording, string, InstructionWording>> s_setters = new(StringComparer.Ordinal)
    {
        ["agents_plural"] = (w, v) => w with { AgentsPlural = v },
        ["agents_singular"] = (w, v) => w with { AgentsSingular = v },
        ["skills_plural"] = (w, v) => w with { SkillsPlural = v },
        ["skills_singular"] = (w, v) => w with { SkillsSingular = v },
        ["mcp_servers_plural"] = (w, v) => w with { McpServersPlural = v },
        ["mcp_servers_singular"] = (w, v) => w with { McpServersSingular = v },
        ["tools_plural"] = (w, v) => w with { ToolsPlural = v },
        ["tools_singular"] = (w, v) => w with { ToolsSingular = v },
        ["all_tools"] = (w, v) => w with { AllTools = v },
        ["generic"] = (w, v) => w with { Generic = v },
        ["footer"] = (w, v) => w with { Footer = v },
    };

    /// <summary>Reads a JSON object of string values keyed like <c>agents_plural</c> or <c>footer</c>; missing keys keep the defaults.</summary>
    public static InstructionWording Load(string path)
    {
        JsonNode? node;
        try
        {
            node = PythonJson.Parse(IO.SmallFile.ReadText(path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or ScyllaException)
        {
            throw Invalid(path, e.Message, e);
        }

        var wording = Default;
        foreach (var (key, value) in node as JsonObject ?? throw Invalid(path, "it is not a JSON object"))
        {
            if (!s_setters.TryGetValue(key, out var set) || value?.GetValueKind() != JsonValueKind.String)
            {
                throw Invalid(path, $"'{key}' is not a known key with a string value (known: {string.Join(", ", s_setters.Keys)})");
            }

            wording = set(wording, value.GetValue<string>());
        }

        return wording;
    }

    private static ScyllaException Invalid(string path, string reason, Exception? inner = null) =>
        new("InvalidInstructionTemplate", ScyllaErrorKind.InvalidData, $"The instruction template '{path}' cannot be used: {reason}.", path, inner);
}
