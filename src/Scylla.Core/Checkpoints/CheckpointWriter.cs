using System.Text;
using System.Text.Json.Nodes;
using Scylla.Core.Json;

namespace Scylla.Core.Checkpoints;

/// <summary>
/// Writes a checkpoint's text exactly as <see cref="PythonJson.Serialize"/> would, keeping the UTF-8 text of every tier
/// in <c>run_states</c>, <c>completed_runs</c> and <c>subtest_states</c> (and, inside the first two, of every subtest)
/// from the last write. An update re-serialises only the subtest it changed and joins the kept pieces, so its cost
/// hardly grows with the experiment (docs/performance.md, "Checkpoint updates").
/// </summary>
internal sealed class CheckpointWriter
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly Dictionary<JsonObject, byte[]> _pieces = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// How many levels of kept pieces a top-level field has (tiers, then subtests); 0: written whole.
    /// </summary>
    private static int PieceDepth(string field) => field switch
    {
        "run_states" or "completed_runs" => 2,
        "subtest_states" => 1,
        _ => 0,
    };

    /// <summary>A map is about to change: its kept text is dropped (the caller names each kept map it is in).</summary>
    public void Changed(JsonObject? map)
    {
        if (map != null)
        {
            _pieces.Remove(map);
        }
    }

    /// <summary>
    /// Writes the document of <paramref name="fields"/>, in their order, indented by 2 as Python's json.dump writes
    /// it, as UTF-8 to <paramref name="stream"/>.
    /// </summary>
    public void Write(Stream stream, IEnumerable<KeyValuePair<string, JsonNode?>> fields)
    {
        var text = new StringBuilder("{");
        var first = true;
        foreach (var (key, value) in fields)
        {
            text.Append(first ? "\n  " : ",\n  ");
            first = false;
            PythonJson.WriteString(text, key);
            text.Append(": ");
            if (PieceDepth(key) is > 0 and var depth && value is JsonObject { Count: > 0 } map)
            {
                WriteMap(stream, text, map, 1, depth);
            }
            else
            {
                PythonJson.SerializeAt(text, value, 1);
            }
        }

        text.Append(first ? "}" : "\n}");
        Flush(stream, text);
    }

    /// <summary>A non-empty map at <paramref name="level"/>, its children (objects) from their kept pieces.</summary>
    private void WriteMap(Stream stream, StringBuilder text, JsonObject map, int level, int depth)
    {
        text.Append('{');
        var first = true;
        foreach (var (key, child) in map)
        {
            text.Append(first ? "\n" : ",\n").Append(' ', 2 * (level + 1));
            first = false;
            PythonJson.WriteString(text, key);
            text.Append(": ");
            if (child is JsonObject { Count: > 0 } childMap)
            {
                Flush(stream, text);
                stream.Write(Piece(childMap, level + 1, depth - 1));
            }
            else
            {
                PythonJson.SerializeAt(text, child, level + 1);
            }
        }

        text.Append('\n').Append(' ', 2 * level).Append('}');
    }

    /// <summary>The kept text of <paramref name="map"/>, made when missing: whole at depth 0, else from its children.
    /// </summary>
    private byte[] Piece(JsonObject map, int level, int depth)
    {
        if (!_pieces.TryGetValue(map, out var piece))
        {
            var text = new StringBuilder();
            if (depth == 0)
            {
                PythonJson.SerializeAt(text, map, level);
                piece = s_utf8.GetBytes(text.ToString());
            }
            else
            {
                using var joined = new MemoryStream();
                WriteMap(joined, text, map, level, depth);
                Flush(joined, text);
                piece = joined.ToArray();
            }

            _pieces[map] = piece;
        }

        return piece;
    }

    private static void Flush(Stream stream, StringBuilder text)
    {
        stream.Write(s_utf8.GetBytes(text.ToString()));
        text.Clear();
    }
}
