namespace Scylla.Core.Planning;

/// <summary>Recorded values of one kind (a run's cost, an agent's seconds): how many, their mean, lowest, highest.
/// </summary>
public sealed record Spread(int Count, double Mean, double Min, double Max)
{
    public static Spread? Of(IReadOnlyCollection<double> values) =>
        values.Count == 0 ? null : new Spread(values.Count, values.Average(), values.Min(), values.Max());

    /// <summary>This spread for <paramref name="times"/> of the thing it measures.</summary>
    public Spread Times(int times) => new(Count, Mean * times, Min * times, Max * times);

    public Spread Plus(Spread other) =>
        new(Math.Min(Count, other.Count), Mean + other.Mean, Min + other.Min, Max + other.Max);

    public static readonly Spread Zero = new(0, 0, 0, 0);
}
