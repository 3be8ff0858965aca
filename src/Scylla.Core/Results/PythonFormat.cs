using System.Globalization;
using System.Numerics;

namespace Scylla.Core.Results;

/// <summary>Python's <c>format(value, ".Nf")</c> and <c>".N%"</c>: the exact value rounded half to even.</summary>
internal static class PythonFormat
{
    public static string Fixed(double value, int digits)
    {
        if (!double.IsFinite(value))
        {
            return double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
        }

        var bits = BitConverter.DoubleToInt64Bits(value);
        var negative = bits < 0;
        var rawExponent = (int)((bits >> 52) & 0x7FF);
        var fraction = bits & 0xFFFFFFFFFFFFFL;
        var mantissa = new BigInteger(rawExponent == 0 ? fraction : fraction | (1L << 52));
        var exponent = rawExponent == 0 ? -1074 : rawExponent - 1075;

        // value * 10^digits = mantissa * 10^digits * 2^exponent, rounded to an integer.
        var numerator = mantissa * BigInteger.Pow(10, digits);
        BigInteger rounded;
        if (exponent >= 0)
        {
            rounded = numerator << exponent;
        }
        else
        {
            var denominator = BigInteger.One << -exponent;
            rounded = BigInteger.DivRem(numerator, denominator, out var remainder);
            var twice = remainder * 2;
            if (twice > denominator || (twice == denominator && !rounded.IsEven))
            {
                rounded += 1;
            }
        }

        var text = rounded.ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
        var result = digits == 0 ? text : text[..^digits] + "." + text[^digits..];
        return negative ? "-" + result : result;
    }

    /// <summary><c>".N%"</c>: the value times 100 (a float multiplication, as in Python), fixed, then "%".</summary>
    public static string Percent(double value, int digits) => Fixed(value * 100, digits) + "%";
}
