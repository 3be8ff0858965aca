using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Scylla.Core.Checkpoints;

namespace Scylla.PowerShell.Completion;

/// <summary>
/// Completes <c>-FromState</c>, <c>-FromTierState</c> and <c>-FromExperimentState</c> with the states in sequence
/// order.
/// </summary>
public sealed class CheckpointStateCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var states = parameterName switch
        {
            "FromTierState" => CheckpointReset.TierStateSequence,
            "FromExperimentState" => CheckpointReset.ExperimentStateSequence,
            _ => RunStates.Sequence,
        };
        var pattern = new WildcardPattern(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return states.Where(pattern.IsMatch)
            .Select(s => new CompletionResult(s, s, CompletionResultType.ParameterValue, s));
    }
}
