namespace Scylla.Core.Results;

/// <summary>How far a rebuild reaches.</summary>
public enum ResultScope
{
    /// <summary>One subtest's <c>report.json</c> and <c>report.md</c>.</summary>
    Subtest,

    /// <summary>A tier's files and those of its subtests.</summary>
    Tier,

    /// <summary>The chosen tiers' files and the experiment's own.</summary>
    Experiment,
}
