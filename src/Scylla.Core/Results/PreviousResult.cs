using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.IO;
using Scylla.Core.Json;
using Scylla.Core.Runs;

namespace Scylla.Core.Results;

/// <summary>
/// What a rebuild keeps of the tier or experiment result file it replaces: the values that cannot be recomputed, and
/// the tier order (only the keys of <c>tier_results</c>). Result files hold every run, so the file is read token by
/// token and none of the rest is kept (docs/performance.md, "Result files"). An unreadable file is reported and
/// replaced. One instance serves one rebuild: its buffer is reused from file to file.
/// </summary>
internal sealed class PreviousResult(List<ScanIssue> issues)
{
    /// <summary>Top-level keys of a tier or experiment result that a rebuild takes from the file it replaces.</summary>
    private static readonly HashSet<string> s_keptKeys =
        ["inherited_from", "total_duration", "total_duration_seconds", "started_at", "completed_at"];

    private byte[] _buffer = [];

    public JsonObject? Read(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            var length = SmallFile.ReadInto(path, ref _buffer);
            return KeptValues(_buffer.AsSpan(0, length));
        }
        catch (JsonException e)
        {
            issues.Add(new ScanIssue(path,
                $"'{path}' is not valid JSON ({e.Message}); it is rebuilt without the values it held."));
            return null;
        }
    }

    private static JsonObject? KeptValues(Span<byte> json)
    {
        json = json.StartsWith(Encoding.UTF8.Preamble) ? json[Encoding.UTF8.Preamble.Length..] : json;
        BlankNonFiniteTokens(json);
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var kept = new JsonObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Assigning a key again keeps its first position with the last value, as a Python dict does.
            var name = reader.GetString()!;
            reader.Read();
            if (s_keptKeys.Contains(name))
            {
                using var value = JsonDocument.ParseValue(ref reader);
                kept[name] = PythonJson.Parse(value.RootElement.GetRawText());
            }
            else if (name == "tier_results" && reader.TokenType == JsonTokenType.StartObject)
            {
                var tiers = new JsonObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    tiers[reader.GetString()!] = null;
                    reader.Read();
                    reader.Skip();
                }

                kept[name] = tiers;
            }
            else
            {
                reader.Skip();
            }
        }

        return kept;
    }

    /// <summary>
    /// Python writes bare NaN and Infinity, which the reader refuses: outside strings they are overwritten in place
    /// with a value of the same length (null, padded; NaN becomes 0), as no kept value is one of them.
    /// </summary>
    private static void BlankNonFiniteTokens(Span<byte> json)
    {
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var rest = json[i..];
            if (inString)
            {
                i += rest[0] == '\\' ? 1 : 0;
                inString = rest[0] != '"';
            }
            else if (rest[0] == '"')
            {
                inString = true;
            }
            else if (rest.StartsWith("-Infinity"u8) || rest.StartsWith("Infinity"u8) || rest.StartsWith("NaN"u8))
            {
                var length = rest[0] == 'N' ? 3 : rest[0] == '-' ? 9 : 8;
                rest[..length].Fill((byte)' ');
                (length == 3 ? "0"u8 : "null"u8).CopyTo(rest);
                i += length - 1;
            }
        }
    }
}
