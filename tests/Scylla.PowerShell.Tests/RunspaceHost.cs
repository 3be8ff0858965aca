using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Scylla.PowerShell.Commands.Runs;

namespace Scylla.PowerShell.Tests;

/// <summary>What one script produced on each stream.</summary>
public sealed record ScriptResult(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<WarningRecord> Warnings)
{
    public List<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>().ToList();
}

/// <summary>Runs scripts in an in-process runspace that has the module's cmdlets loaded from this build.</summary>
public static class RunspaceHost
{
    public static IReadOnlyList<Type> CmdletTypes { get; } = typeof(GetScyllaRunCommand).Assembly.GetTypes()
        .Where(t => t.GetCustomAttributes(typeof(CmdletAttribute), false).Length > 0)
        .ToList();

    public static ScriptResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in CmdletTypes)
        {
            var attribute = (CmdletAttribute)type.GetCustomAttributes(typeof(CmdletAttribute), false)[0];
            state.Commands.Add(new SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
        }

        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
        {
            state.Variables.Add(new SessionStateVariableEntry(name, value, null));
        }

        using var ps = System.Management.Automation.PowerShell.Create(state);
        ps.AddScript(script);
        var output = ps.Invoke();
        return new ScriptResult(output, ps.Streams.Error.ToList(), ps.Streams.Warning.ToList());
    }
}
