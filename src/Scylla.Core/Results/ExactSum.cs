using System.Numerics;

namespace Scylla.Core.Results;

/// <summary>
/// The exact sum of doubles, as an integer times a power of two, that <c>statistics.mean</c> divides once: values can
/// be added one at a time and sums merged, so a mean over many runs needs no list of them.
/// </summary>
internal sealed class ExactSum
{
    private BigInteger _scaled;
    private int? _exponent;

    public void Add(double value)
    {
        var (mantissa, exponent) = PythonStatistics.Decompose(value);
        Add(mantissa, exponent);
    }

    public void Add(ExactSum other)
    {
        if (other._exponent is { } exponent)
        {
            Add(other._scaled, exponent);
        }
    }

    /// <summary>The sum over <paramref name="count"/>, rounded once; 0 for an empty sum.</summary>
    public double Mean(int count) => PythonStatistics.ToDouble(_scaled, new BigInteger(count), _exponent ?? 0);

    /// <summary>Keeps the smallest exponent seen, so the integer is the one a sum of the whole list gives.</summary>
    private void Add(BigInteger scaled, int exponent)
    {
        if (_exponent is not { } current)
        {
            (_scaled, _exponent) = (scaled, exponent);
        }
        else if (exponent >= current)
        {
            _scaled += scaled << (exponent - current);
        }
        else
        {
            (_scaled, _exponent) = ((_scaled << (current - exponent)) + scaled, exponent);
        }
    }
}
