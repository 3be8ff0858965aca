using System.Text;
using System.Text.Json;

namespace Scylla.Core.Json;

/// <summary>
/// Reads a JSON file token by token from 64 KiB pieces, for files too large to hold whole or as a tree: a result file
/// holds every run (docs/performance.md, "Result files"). A byte order mark is dropped, as the other reads of a file
/// drop it; Python's bare NaN and Infinity are read as 0 and null (<see cref="NonFiniteBlanker"/>).
/// </summary>
internal static class JsonPieces
{
    /// <summary>Takes the reader's current token; returns false to stop reading.</summary>
    public delegate bool TokenHandler(ref Utf8JsonReader reader);

    /// <summary>
    /// Calls <paramref name="take"/> for each token until it returns false or the text ends; throws
    /// <see cref="JsonException"/> at the first token that is not JSON.
    /// </summary>
    public static void Read(Stream stream, TokenHandler take)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        var blanked = 0;
        var blanker = new NonFiniteBlanker();
        var state = default(JsonReaderState);
        var final = false;
        var first = true;
        while (!final)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2); // one token longer than the buffer
            }

            var count = stream.Read(buffer, filled, buffer.Length - filled);
            final = count == 0;
            filled += count;
            if (first && buffer.AsSpan(0, filled).StartsWith(Encoding.UTF8.Preamble))
            {
                buffer.AsSpan(3, filled - 3).CopyTo(buffer);
                filled -= 3;
            }

            first = false;
            blanked = blanker.Blank(buffer.AsSpan(0, filled), blanked, final);
            var reader = new Utf8JsonReader(buffer.AsSpan(0, blanked), final, state);
            while (reader.Read())
            {
                if (!take(ref reader))
                {
                    return;
                }
            }

            var consumed = (int)reader.BytesConsumed;
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
            blanked -= consumed;
            state = reader.CurrentState;
        }
    }
}
