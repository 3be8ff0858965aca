using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scylla.Core.IO;
using Scylla.Core.Json;
using Scylla.Core.Runs;

namespace Scylla.Core.Results;

/// <summary>
/// What a rebuild keeps of the tier or experiment result file it replaces: the values that cannot be recomputed, and
/// the tier order (only the keys of <c>tier_results</c>). Result files hold every run, so the file is read in pieces,
/// token by token, and none of the rest is kept (docs/performance.md, "Result files"). An unreadable file is reported
/// and replaced.
/// </summary>
internal static class PreviousResult
{
    /// <summary>Top-level keys of a tier or experiment result that a rebuild takes from the file it replaces.</summary>
    private static readonly HashSet<string> s_keptKeys =
        ["inherited_from", "total_duration", "total_duration_seconds", "started_at", "completed_at"];

    public static JsonObject? Read(string path, List<ScanIssue> issues)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using var stream = SmallFile.OpenRegular(path);
            return new KeptValueReader().Read(stream);
        }
        catch (JsonException e)
        {
            issues.Add(new ScanIssue(path,
                $"'{path}' is not valid JSON ({e.Message}); it is rebuilt without the values it held."));
            return null;
        }
    }

    /// <summary>The state of one read: the key being read at the top level, and the kept value being copied.</summary>
    private sealed class KeptValueReader
    {
        private readonly JsonObject _kept = [];
        private readonly ArrayBufferWriter<byte> _value = new();
        private JsonObject? _tiers;
        private string? _key;
        private Utf8JsonWriter? _copy;
        private bool _notAnObject;

        public JsonObject? Read(Stream stream)
        {
            JsonPieces.Read(stream, (ref Utf8JsonReader reader) =>
            {
                Take(ref reader);
                return !_notAnObject;
            });
            return _notAnObject ? null : _kept;
        }

        private void Take(ref Utf8JsonReader reader)
        {
            var depth = reader.CurrentDepth;
            if (depth == 0)
            {
                _notAnObject = reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.EndObject);
                return;
            }

            if (_copy != null)
            {
                Copy(ref reader);
                if (depth == 1 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    _copy.Flush();
                    // Assigning a key again keeps its first position with the last value, as a Python dict does.
                    _kept[_key!] = PythonJson.Parse(Encoding.UTF8.GetString(_value.WrittenSpan));
                    _copy.Dispose();
                    _copy = null;
                }
            }
            else if (depth == 1 && reader.TokenType == JsonTokenType.PropertyName)
            {
                _key = reader.GetString();
            }
            else if (depth == 1 && s_keptKeys.Contains(_key!))
            {
                _value.Clear();
                _copy = new Utf8JsonWriter(_value);
                Take(ref reader);
            }
            else if (depth == 1 && _key == "tier_results" && reader.TokenType == JsonTokenType.StartObject)
            {
                _tiers = [];
                _kept[_key] = _tiers;
            }
            else if (depth == 2 && _key == "tier_results" && reader.TokenType == JsonTokenType.PropertyName)
            {
                _tiers![reader.GetString()!] = null;
            }
        }

        private void Copy(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject: _copy!.WriteStartObject(); break;
                case JsonTokenType.EndObject: _copy!.WriteEndObject(); break;
                case JsonTokenType.StartArray: _copy!.WriteStartArray(); break;
                case JsonTokenType.EndArray: _copy!.WriteEndArray(); break;
                case JsonTokenType.PropertyName: _copy!.WritePropertyName(reader.GetString()!); break;
                case JsonTokenType.String: _copy!.WriteStringValue(reader.GetString()); break;
                case JsonTokenType.Number: _copy!.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
                case JsonTokenType.True or JsonTokenType.False: _copy!.WriteBooleanValue(reader.GetBoolean()); break;
                default: _copy!.WriteNullValue(); break;
            }
        }
    }
}
