namespace Scylla.Core.Planning;

/// <summary>A duration as people read it in a plan or a report: seconds, minutes or hours.</summary>
internal static class Durations
{
    public static string Format(TimeSpan time) =>
        time.TotalHours >= 1 ? FormattableString.Invariant($"{time.TotalHours:0.0} h")
        : time.TotalMinutes >= 1 ? FormattableString.Invariant($"{time.TotalMinutes:0} min")
        : FormattableString.Invariant($"{time.TotalSeconds:0} s");
}
