using System.Numerics;

namespace Scylla.Core.Results;

/// <summary>
/// The statistics the Python tool uses, to the last bit: <c>statistics.mean</c> and <c>statistics.stdev</c> work on
/// exact rationals and round once, <c>statistics.median</c> and the built-in <c>sum</c> use plain float arithmetic.
/// </summary>
internal static class PythonStatistics
{
    /// <summary>Built-in <c>sum</c>: left to right, starting at 0.</summary>
    public static double Sum(IEnumerable<double> values)
    {
        var total = 0.0;
        foreach (var value in values)
        {
            total += value;
        }

        return total;
    }

    /// <summary><c>statistics.mean</c>: the exact mean, rounded once.</summary>
    public static double Mean(IReadOnlyList<double> values)
    {
        var sum = new ExactSum();
        foreach (var value in values)
        {
            sum.Add(value);
        }

        return sum.Mean(values.Count);
    }

    /// <summary><c>statistics.median</c>: the middle value, or the float mean of the two middle values.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary><c>statistics.stdev</c> (sample, n−1): the exact variance, its square root rounded once.</summary>
    public static double SampleStdDev(IReadOnlyList<double> values)
    {
        var n = values.Count;
        var (scaled, exponent) = Exact(values);
        var total = scaled.Aggregate(BigInteger.Zero, (a, b) => a + b);

        // Deviation i is (n*x_i - total) / (n * 2^-exponent); the variance is their squared sum over (n - 1).
        var squares = scaled.Aggregate(BigInteger.Zero, (sum, x) => sum + BigInteger.Pow((n * x) - total, 2));
        var denominator = BigInteger.Pow(n, 2) * (n - 1);
        return SqrtToDouble(squares, denominator, 2 * exponent);
    }

    /// <summary>Every value as an integer times 2^exponent, one exponent for all.</summary>
    private static (List<BigInteger> Scaled, int Exponent) Exact(IReadOnlyList<double> values)
    {
        var parts = values.Select(Decompose).ToList();
        var exponent = parts.Count == 0 ? 0 : parts.Min(p => p.Exponent);
        return (parts.Select(p => p.Mantissa << (p.Exponent - exponent)).ToList(), exponent);
    }

    internal static (BigInteger Mantissa, int Exponent) Decompose(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Only finite numbers can be averaged.");
        }

        var bits = BitConverter.DoubleToInt64Bits(value);
        var negative = bits < 0;
        var rawExponent = (int)((bits >> 52) & 0x7FF);
        var fraction = bits & 0xFFFFFFFFFFFFFL;
        var mantissa = rawExponent == 0 ? fraction : fraction | (1L << 52);
        var exponent = rawExponent == 0 ? -1074 : rawExponent - 1075;
        return (negative ? -new BigInteger(mantissa) : new BigInteger(mantissa), exponent);
    }

    /// <summary>(numerator / denominator) * 2^exponent, correctly rounded (half to even).</summary>
    internal static double ToDouble(BigInteger numerator, BigInteger denominator, int exponent)
    {
        if (numerator.IsZero)
        {
            return 0.0;
        }

        var negative = numerator.Sign < 0;
        numerator = BigInteger.Abs(numerator);

        // Scale so the quotient has 54 or 55 bits, then round it to 53.
        var shift = 54 - (int)(numerator.GetBitLength() - denominator.GetBitLength());
        var quotient = BigInteger.DivRem(
            shift >= 0 ? numerator << shift : numerator,
            shift >= 0 ? denominator : denominator << -shift,
            out var remainder);
        var result = RoundTo53Bits(quotient, !remainder.IsZero, out var dropped);
        var value = Math.ScaleB((double)result, dropped - shift + exponent);
        return negative ? -value : value;
    }

    /// <summary>sqrt(numerator / denominator * 2^exponent) for an even exponent, correctly rounded.</summary>
    private static double SqrtToDouble(BigInteger numerator, BigInteger denominator, int exponent)
    {
        if (numerator.IsZero)
        {
            return 0.0;
        }

        // Scale by 4^s so the integer square root has at least 55 bits.
        var s = (int)Math.Ceiling((112 - (double)(numerator.GetBitLength() - denominator.GetBitLength())) / 2) + 1;
        var quotient = BigInteger.DivRem(
            s >= 0 ? numerator << (2 * s) : numerator,
            s >= 0 ? denominator : denominator << (-2 * s),
            out var remainder);
        var root = IntegerSqrt(quotient);
        var inexact = !remainder.IsZero || root * root != quotient;
        var result = RoundTo53Bits(root, inexact, out var dropped);
        return Math.ScaleB((double)result, dropped - s + (exponent / 2));
    }

    private static BigInteger RoundTo53Bits(BigInteger value, bool sticky, out int dropped)
    {
        dropped = Math.Max(0, (int)value.GetBitLength() - 53);
        if (dropped == 0)
        {
            return value;
        }

        var low = value & ((BigInteger.One << dropped) - 1);
        var half = BigInteger.One << (dropped - 1);
        var kept = value >> dropped;
        if (low > half || (low == half && (sticky || !kept.IsEven)))
        {
            kept += 1;
        }

        return kept;
    }

    private static BigInteger IntegerSqrt(BigInteger value)
    {
        if (value < 2)
        {
            return value;
        }

        var x = BigInteger.One << (int)((value.GetBitLength() + 1) / 2);
        while (true)
        {
            var y = (x + (value / x)) >> 1;
            if (y >= x)
            {
                return x;
            }

            x = y;
        }
    }
}
