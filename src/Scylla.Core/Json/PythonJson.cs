using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scylla.Core.Json;

/// <summary>
/// Reads and writes JSON the way the Python tools do (<c>json.dump(indent=2)</c>, <c>ensure_ascii</c>), so files we
/// rewrite stay byte-compatible, and reads what they write: duplicate keys (last value wins, first position kept)
/// and the bare <c>Infinity</c>/<c>NaN</c> tokens that Python emits.
/// </summary>
public static class PythonJson
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="JsonException"/> when it is not JSON.</summary>
    public static JsonNode? Parse(string text) => Parse(text, nonFiniteMarker: false);

    /// <summary>
    /// With <paramref name="nonFiniteMarker"/>, bare NaN and Infinity become marker strings instead of null, so a caller
    /// can tell them from a written null (<see cref="NonFiniteToken"/> names them).
    /// </summary>
    internal static JsonNode? Parse(string text, bool nonFiniteMarker)
    {
        using var document = JsonDocument.Parse(ReplaceNonFiniteTokens(text, nonFiniteMarker));
        return ToNode(document.RootElement);
    }

    /// <summary>The token a marker string of <see cref="Parse(string, bool)"/> stands for, or null for any other node.</summary>
    internal static string? NonFiniteToken(JsonNode node) =>
        node.GetValueKind() == JsonValueKind.String && node.GetValue<string>() is { } text
        && text.StartsWith(NonFiniteMarker, StringComparison.Ordinal)
            ? text[NonFiniteMarker.Length..]
            : null;

    /// <summary>A private-use character: no file of the Python tool writes it, so a marked token is never mistaken.</summary>
    private const string NonFiniteMarker = "\uE000";

    /// <summary>
    /// Parses into a read-only document (non-finite numbers read as null): cheaper than nodes when a few values of a
    /// large file are needed.
    /// </summary>
    public static JsonDocument ParseDocument(string text) => JsonDocument.Parse(ReplaceNonFiniteTokens(text));

    /// <summary>Like Python's <c>json.dumps(value, indent=2)</c>: no trailing newline.</summary>
    public static string Serialize(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node, indent: 2, level: 0, sortKeys: false);
        return builder.ToString();
    }

    /// <summary>
    /// <paramref name="node"/> as <see cref="Serialize"/> writes it when it sits <paramref name="level"/> containers
    /// deep, so pieces of a document can be written once and joined (docs/performance.md, "Checkpoint updates").
    /// </summary>
    internal static void SerializeAt(StringBuilder builder, JsonNode? node, int level) =>
        Write(builder, node, indent: 2, level, sortKeys: false);

    /// <summary>Like Python's <c>json.dumps(value, sort_keys=True)</c>: one line, separators ", " and ": ".</summary>
    public static string SerializeSorted(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node, indent: null, level: 0, sortKeys: true);
        return builder.ToString();
    }

    /// <summary>Python's <c>datetime.now(timezone.utc).isoformat()</c>: the fraction is omitted when it is zero.</summary>
    public static string IsoTimestamp(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        var micro = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
        var fraction = micro == 0 ? string.Empty : "." + micro.ToString("000000", CultureInfo.InvariantCulture);
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + fraction + "+00:00";
    }

    private static JsonNode? ToNode(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToObject(element),
        JsonValueKind.Array => new JsonArray(element.EnumerateArray().Select(ToNode).ToArray()),
        JsonValueKind.String => JsonValue.Create(element.GetString()),
        JsonValueKind.Number => JsonValue.Create(element.Clone()),
        JsonValueKind.True => JsonValue.Create(true),
        JsonValueKind.False => JsonValue.Create(false),
        _ => null,
    };

    private static JsonObject ToObject(JsonElement element)
    {
        var result = new JsonObject();
        foreach (var property in element.EnumerateObject())
        {
            // Assigning an existing key replaces its value in place, as a Python dict does.
            result[property.Name] = ToNode(property.Value);
        }

        return result;
    }

    /// <summary>Turns bare Infinity, -Infinity and NaN (outside strings) into null so a strict parser accepts them.</summary>
    internal static string ReplaceNonFiniteTokens(string text, bool marker = false)
    {
        if (!text.Contains("Infinity", StringComparison.Ordinal) && !text.Contains("NaN", StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                builder.Append(c);
                if (c == '\\' && i + 1 < text.Length)
                {
                    builder.Append(text[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            var token = StartsWithAt(text, i, "-Infinity") ?? StartsWithAt(text, i, "Infinity") ?? StartsWithAt(text, i, "NaN");
            if (token != null)
            {
                builder.Append(marker ? "\"" + NonFiniteMarker + token + "\"" : "null");
                i += token.Length - 1;
                continue;
            }

            inString = c == '"';
            builder.Append(c);
        }

        return builder.ToString();
    }

    private static string? StartsWithAt(string text, int index, string token) =>
        string.CompareOrdinal(text, index, token, 0, token.Length) == 0 ? token : null;

    private static void Write(StringBuilder builder, JsonNode? node, int? indent, int level, bool sortKeys)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                var properties = sortKeys ? obj.OrderBy(p => p.Key, StringComparer.Ordinal).ToList() : obj.ToList();
                WriteContainer(builder, '{', '}', properties, indent, level, (p, lvl) =>
                {
                    WriteString(builder, p.Key);
                    builder.Append(": ");
                    Write(builder, p.Value, indent, lvl, sortKeys);
                });
                break;
            case JsonArray array:
                WriteContainer(builder, '[', ']', array.ToList(), indent, level, (item, lvl) => Write(builder, item, indent, lvl, sortKeys));
                break;
            case JsonValue value:
                WriteValue(builder, value);
                break;
        }
    }

    private static void WriteContainer<T>(StringBuilder builder, char open, char close, IReadOnlyList<T> items, int? indent, int level, Action<T, int> writeItem)
    {
        builder.Append(open);
        if (items.Count == 0)
        {
            builder.Append(close);
            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(indent == null ? ", " : ",");
            }

            if (indent != null)
            {
                builder.Append('\n').Append(' ', indent.Value * (level + 1));
            }

            writeItem(items[i], level + 1);
        }

        if (indent != null)
        {
            builder.Append('\n').Append(' ', indent.Value * level);
        }

        builder.Append(close);
    }

    private static void WriteValue(StringBuilder builder, JsonValue value)
    {
        if (value.TryGetValue(out JsonElement element))
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    WriteString(builder, element.GetString()!);
                    return;
                case JsonValueKind.Number:
                    builder.Append(element.GetRawText());
                    return;
                case JsonValueKind.True:
                case JsonValueKind.False:
                    builder.Append(element.GetBoolean() ? "true" : "false");
                    return;
                default:
                    builder.Append("null");
                    return;
            }
        }

        if (value.TryGetValue(out string? text))
        {
            WriteString(builder, text!);
        }
        else if (value.TryGetValue(out bool flag))
        {
            builder.Append(flag ? "true" : "false");
        }
        else if (value.TryGetValue(out double number) && !IsIntegral(value))
        {
            builder.Append(FormatFloat(number));
        }
        else
        {
            builder.Append(Convert.ToString(value.GetValue<object>(), CultureInfo.InvariantCulture));
        }
    }

    private static bool IsIntegral(JsonValue value) =>
        value.TryGetValue(out int _) || value.TryGetValue(out long _);

    /// <summary>Python's float repr: shortest round-trip form, whole numbers keep ".0", exponents in lower case.</summary>
    public static string FormatFloat(double number)
    {
        if (double.IsNaN(number))
        {
            return "NaN";
        }

        if (double.IsInfinity(number))
        {
            return number > 0 ? "Infinity" : "-Infinity";
        }

        var text = number.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        return text.Contains('.') || text.Contains('e') ? text : text + ".0";
    }

    internal static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        if (!NeedsEscaping(text))
        {
            builder.Append(text).Append('"');
            return;
        }

        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    private static bool NeedsEscaping(string text)
    {
        foreach (var c in text)
        {
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
            {
                return true;
            }
        }

        return false;
    }
}
