using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Scylla.Core.Tiers;

/// <summary>
/// Converts a YAML document to JSON nodes as the Python tool's loader (PyYAML's <c>safe_load</c>, YAML 1.1) reads it:
/// <c>yes</c>/<c>no</c>/<c>on</c>/<c>off</c> are booleans, <c>010</c> is octal, <c>0x1F</c> hex, <c>1:30</c> base 60,
/// <c>.inf</c> and <c>.nan</c> floats, <c>&lt;&lt;</c> merges mappings. Unknown tags and more than one document are
/// refused as PyYAML refuses them. Depth and alias expansion are bounded, so no document makes the reader hang.
/// Failures are <see cref="YamlException"/>s.
/// </summary>
internal static partial class YamlToJson
{
    private const int MaxDepth = 64;

    /// <summary>Nodes one document may expand to (aliases copy their anchor's nodes); tier files hold a few hundred.</summary>
    private const int MaxNodes = 100_000;

    private const string TagPrefix = "tag:yaml.org,2002:";

    public static JsonNode? Load(string text) => new Reader(new Parser(new StringReader(text))).ReadStream();

    private sealed class Reader(IParser parser)
    {
        private readonly Dictionary<string, (JsonNode? Node, int Size)> _anchors = new(StringComparer.Ordinal);

        private int _nodes;

        public JsonNode? ReadStream()
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var (root, _) = ReadNode(0);
            parser.Consume<DocumentEnd>();
            if (!parser.TryConsume<StreamEnd>(out _))
            {
                throw new YamlException(parser.Current?.Start ?? Mark.Empty, parser.Current?.End ?? Mark.Empty, "expected a single document in the stream");
            }

            return root;
        }

        /// <summary>The next node and how many nodes it holds (aliases are copied, so their size counts each time).</summary>
        private (JsonNode? Node, int Size) ReadNode(int depth)
        {
            var start = parser.Current ?? throw new YamlException("unexpected end of the document");
            if (depth > MaxDepth)
            {
                throw Error(start, $"the document nests deeper than {MaxDepth} levels");
            }

            if (parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (!_anchors.TryGetValue(alias.Value.Value, out var anchored))
                {
                    throw Error(alias, $"found undefined alias '{alias.Value.Value}'");
                }

                Count(alias, anchored.Size);
                return (anchored.Node?.DeepClone(), anchored.Size);
            }

            var (node, size, anchor) = parser.Current switch
            {
                Scalar => ReadScalar(),
                SequenceStart => ReadSequence(depth),
                MappingStart => ReadMapping(depth),
                var other => throw Error(other, $"unexpected {other.GetType().Name}"),
            };
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = (node, size);
            }

            return (node, size);
        }

        private (JsonNode?, int, AnchorName) ReadScalar()
        {
            var scalar = parser.Consume<Scalar>();
            Count(scalar, 1);
            return (ConvertScalar(scalar), 1, scalar.Anchor);
        }

        private (JsonNode?, int, AnchorName) ReadSequence(int depth)
        {
            var start = parser.Consume<SequenceStart>();
            RequireTag(start, start.Tag, "seq", "set", "omap", "pairs");
            Count(start, 1);
            var items = new List<JsonNode?>();
            var size = 1;
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                var (item, itemSize) = ReadNode(depth + 1);
                items.Add(item);
                size += itemSize;
            }

            return (new JsonArray(items.ToArray()), size, start.Anchor);
        }

        /// <summary>A mapping; <c>&lt;&lt;</c> entries merge their mappings in first, so the node's own keys win.</summary>
        private (JsonNode?, int, AnchorName) ReadMapping(int depth)
        {
            var start = parser.Consume<MappingStart>();
            RequireTag(start, start.Tag, "map", "set", "omap");
            Count(start, 1);
            var merged = new List<KeyValuePair<string, JsonNode?>>();
            var own = new List<KeyValuePair<string, JsonNode?>>();
            var size = 1;
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyEvent = parser.Current!;
                var isMerge = keyEvent is Scalar { Style: ScalarStyle.Plain, Value: "<<" } mergeKey && mergeKey.Tag.IsEmpty;
                var (key, keySize) = isMerge ? (null, 1) : ReadNode(depth + 1);
                if (isMerge)
                {
                    parser.Consume<Scalar>();
                }
                else if (key is JsonObject or JsonArray)
                {
                    throw Error(keyEvent, "found an unhashable key (a mapping or a sequence)");
                }

                var (value, valueSize) = ReadNode(depth + 1);
                size += keySize + valueSize;
                if (!isMerge)
                {
                    own.Add(new(PythonKey(key), value));
                    continue;
                }

                // In a list of mappings the earlier ones win, as in PyYAML.
                foreach (var source in value is JsonArray sources ? sources.Reverse() : [value])
                {
                    merged.AddRange((source as JsonObject ?? throw Error(keyEvent, "a merge key ('<<') needs a mapping or a list of mappings"))
                        .Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value?.DeepClone())));
                }
            }

            var result = new JsonObject();
            foreach (var (key, value) in merged.Concat(own))
            {
                result[key] = value; // a later duplicate replaces the value, as a Python dict does
            }

            return (result, size, start.Anchor);
        }

        private void Count(ParsingEvent at, int nodes)
        {
            _nodes += nodes;
            if (_nodes > MaxNodes)
            {
                throw Error(at, $"the document expands to more than {MaxNodes} nodes (aliases of aliases?)");
            }
        }

        private static void RequireTag(ParsingEvent at, TagName tag, params string[] allowed)
        {
            if (!tag.IsEmpty && tag.Value != "!" && !allowed.Any(a => tag.Value == TagPrefix + a))
            {
                throw Error(at, $"could not determine a constructor for the tag '{tag.Value}'");
            }
        }
    }

    /// <summary>A scalar typed by its explicit tag or, when plain, by PyYAML's implicit resolvers.</summary>
    private static JsonNode? ConvertScalar(Scalar scalar)
    {
        var text = scalar.Value;
        var tag = scalar.Tag.IsEmpty || scalar.Tag.Value == "!" ? null : scalar.Tag.Value;
        if (tag == null)
        {
            if (scalar.Style != ScalarStyle.Plain)
            {
                return JsonValue.Create(text);
            }

            tag = Resolve(text);
        }

        return tag switch
        {
            TagPrefix + "str" or TagPrefix + "timestamp" or TagPrefix + "binary" => JsonValue.Create(text),
            TagPrefix + "null" => null,
            TagPrefix + "bool" => JsonValue.Create(ToBool(scalar, text)),
            TagPrefix + "int" => ToInteger(scalar, text),
            TagPrefix + "float" => JsonValue.Create(ToFloat(scalar, text)),
            _ => throw Error(scalar, $"could not determine a constructor for the tag '{tag}'"),
        };
    }

    /// <summary>PyYAML's implicit resolvers, in its order (booleans, floats, ints, merge, null, timestamps, value).</summary>
    private static string Resolve(string text) =>
        BoolPattern().IsMatch(text) ? TagPrefix + "bool"
        : FloatPattern().IsMatch(text) ? TagPrefix + "float"
        : IntPattern().IsMatch(text) ? TagPrefix + "int"
        : text == "<<" ? TagPrefix + "merge"
        : text is "" or "~" or "null" or "Null" or "NULL" ? TagPrefix + "null"
        : TimestampPattern().IsMatch(text) ? TagPrefix + "timestamp"
        : text == "=" ? TagPrefix + "value"
        : TagPrefix + "str";

    private static bool ToBool(Scalar at, string text) => text.ToLowerInvariant() switch
    {
        "yes" or "true" or "on" => true,
        "no" or "false" or "off" => false,
        _ => throw Error(at, $"'{text}' is not a boolean"),
    };

    private static JsonNode ToInteger(Scalar at, string text)
    {
        var value = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var sign = value.StartsWith('-') ? -1 : 1;
        value = value.TrimStart('-', '+');
        try
        {
            decimal number = value switch
            {
                "0" => 0,
                _ when value.StartsWith("0b", StringComparison.Ordinal) => Convert.ToInt64(value[2..], 2),
                _ when value.StartsWith("0x", StringComparison.Ordinal) => Convert.ToInt64(value[2..], 16),
                _ when value.StartsWith('0') => Convert.ToInt64(value[1..], 8),
                _ when value.Contains(':') => value.Split(':')
                    .Aggregate(0m, (total, digits) => total * 60 + long.Parse(digits, CultureInfo.InvariantCulture)),
                _ => decimal.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture),
            };
            number *= sign;
            return number is >= long.MinValue and <= long.MaxValue ? JsonValue.Create((long)number) : JsonValue.Create(number);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw Error(at, $"'{text}' is not an integer");
        }
    }

    private static double ToFloat(Scalar at, string text)
    {
        var value = text.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        var sign = value.StartsWith('-') ? -1 : 1;
        value = value.TrimStart('-', '+');
        if (value == ".inf")
        {
            return sign * double.PositiveInfinity;
        }

        if (value == ".nan")
        {
            return double.NaN;
        }

        if (value.Contains(':'))
        {
            return sign * value.Split(':').Aggregate(0.0, (total, digits) => total * 60 + double.Parse(digits, CultureInfo.InvariantCulture));
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? sign * number
            : throw Error(at, $"'{text}' is not a number");
    }

    /// <summary>A mapping key as Python's <c>str()</c> of the loaded key (<c>yes:</c> is the key True, <c>~:</c> None).</summary>
    private static string PythonKey(JsonNode? key) => key switch
    {
        null => "None",
        JsonValue v when v.TryGetValue(out bool flag) => flag ? "True" : "False",
        JsonValue v when v.TryGetValue(out double real) => Json.PythonJson.FormatFloat(real) switch
        {
            "Infinity" => "inf",
            "-Infinity" => "-inf",
            "NaN" => "nan",
            var formatted => formatted,
        },
        _ => key.ToString(),
    };

    private static YamlException Error(ParsingEvent at, string message) => new(at.Start, at.End, message);

    [GeneratedRegex("^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex BoolPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
        + @"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex("^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
        + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?"
        + @"(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$")]
    private static partial Regex TimestampPattern();
}
