namespace Scylla.Core.Json;

/// <summary>
/// Python writes bare NaN and Infinity, which the reader refuses: outside strings they are overwritten in place
/// with a value of the same length (null, padded; NaN becomes 0), for readers that keep no such value. Text that may
/// end inside such a token or an escape is left for the next piece.
/// </summary>
internal sealed class NonFiniteBlanker
{
    private static readonly byte[][] s_tokens =
        ["-Infinity"u8.ToArray(), "Infinity"u8.ToArray(), "NaN"u8.ToArray()];

    private bool _inString;

    /// <summary>Blanks <paramref name="json"/> from <paramref name="from"/>; returns where it stopped.</summary>
    public int Blank(Span<byte> json, int from, bool final)
    {
        var i = from;
        for (; i < json.Length; i++)
        {
            var rest = json[i..];
            if (_inString)
            {
                if (rest[0] == '\\' && rest.Length == 1 && !final)
                {
                    return i;
                }

                i += rest[0] == '\\' ? 1 : 0;
                _inString = rest[0] != '"';
                continue;
            }

            if (rest[0] == '"')
            {
                _inString = true;
                continue;
            }

            foreach (var token in s_tokens)
            {
                if (rest.StartsWith(token))
                {
                    rest[..token.Length].Fill((byte)' ');
                    (token.Length == 3 ? "0"u8 : "null"u8).CopyTo(rest);
                    i += token.Length - 1;
                    break;
                }

                if (!final && rest.Length < token.Length && token.AsSpan().StartsWith(rest))
                {
                    return i;
                }
            }
        }

        return Math.Min(i, json.Length);
    }
}
