namespace Scylla.Core.Runs;

/// <summary>
/// The names of the files and folders of a run folder (docs/format.md, "A run folder"), and of the few a subtest and an
/// experiment keep beside their runs: the one place the module spells them.
/// </summary>
public static class RunFolder
{
    /// <summary><c>agent/</c>: what the agent did.</summary>
    public const string Agent = "agent";

    /// <summary><c>judge/</c>: one folder per judge slot and the consensus.</summary>
    public const string Judge = "judge";

    /// <summary><c>workspace/</c>: the agent's git worktree.</summary>
    public const string Workspace = "workspace";

    /// <summary>The run's verdict.</summary>
    public const string RunResult = "run_result.json";

    /// <summary>The prompt every judge of the run is shown.</summary>
    public const string JudgePrompt = "judge_prompt.md";

    /// <summary>A link to (or copy of) the experiment's task prompt.</summary>
    public const string TaskPrompt = "task_prompt.md";

    public const string ReportMarkdown = "report.md";

    public const string ReportJson = "report.json";

    /// <summary>How to recreate the run's worktree with the git command line.</summary>
    public const string WorktreeScript = "worktree_create.sh";

    /// <summary>
    /// <c>result.json</c>: the agent's result in <c>agent/</c>, the consensus in <c>judge/</c>; also a subtest's, a
    /// tier's and an experiment's result.
    /// </summary>
    public const string Result = "result.json";

    /// <summary>How long the agent (in <c>agent/</c>), the judges (in <c>judge/</c>) or one judge took.</summary>
    public const string Timing = "timing.json";

    /// <summary>The agent's answer.</summary>
    public const string Output = "output.txt";

    public const string Stdout = "stdout.log";

    public const string Stderr = "stderr.log";

    /// <summary>The agent's command, working folder and exit code.</summary>
    public const string CommandLog = "command_log.json";

    /// <summary>The output of the agent's one command, as upstream's command log names it.</summary>
    public const string CommandStdout = "cmd_0000_stdout.log";

    public const string CommandStderr = "cmd_0000_stderr.log";

    /// <summary>A script that runs the agent, or one judge, again.</summary>
    public const string Replay = "replay.sh";

    /// <summary>
    /// <c>prompt.md</c>: the prompt the agent was given; also the experiment's copy of the task prompt.
    /// </summary>
    public const string Prompt = "prompt.md";

    /// <summary>The model an agent or a judge ran with.</summary>
    public const string Model = "MODEL.md";

    /// <summary>One judge's verdict, in its slot folder.</summary>
    public const string Judgment = "judgment.json";

    /// <summary>One judge's answer text, in its slot folder.</summary>
    public const string Response = "response.txt";

    /// <summary>Why one judge failed, in its slot folder.</summary>
    public const string ErrorLog = "error.log";

    /// <summary>The subtest's configuration as the runs used it, in the subtest folder.</summary>
    public const string ConfigManifest = "config_manifest.json";

    /// <summary>The archive of earlier attempts, in the subtest folder.</summary>
    public const string Archive = ".failed";

    /// <summary>A judge slot's folder in <c>judge/</c>: <c>judge_01</c>, <c>judge_02</c>, ...</summary>
    public static string JudgeSlot(int slot) => $"judge_{slot:00}";
}
