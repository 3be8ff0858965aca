using System.Text;
using System.Text.Json.Nodes;
using Scylla.Core.Json;

namespace Scylla.Core.Results;

/// <summary>
/// Writes result documents whose <c>runs</c> arrays are read from disk while the file is written, one run at a time,
/// so memory does not grow with the number of runs (docs/performance.md, "Result files"). A document holds a
/// placeholder where a subtest's runs go; the output is byte for byte what <see cref="PythonJson.Serialize"/> writes
/// for the document with the records in place.
/// </summary>
internal sealed class StreamedRuns
{
    private const int Indent = 2;

    private readonly Dictionary<JsonNode, SubtestAggregate> _placeholders = new(ReferenceEqualityComparer.Instance);

    /// <summary>The node to put where <paramref name="subtest"/>'s run records go.</summary>
    public JsonNode Placeholder(SubtestAggregate subtest)
    {
        var placeholder = new JsonArray();
        _placeholders[placeholder] = subtest;
        return placeholder;
    }

    /// <summary>Writes <paramref name="document"/> as <see cref="PythonJson.Serialize"/> would, records in.</summary>
    public void Write(TextWriter writer, JsonNode? document) => Write(writer, document, level: 0);

    private void Write(TextWriter writer, JsonNode? node, int level)
    {
        if (node != null && _placeholders.TryGetValue(node, out var subtest))
        {
            WriteContainer(writer, '[', ']', subtest.Runs, level,
                (run, itemLevel) => WritePiece(writer, ResultRunReader.ReadRecord(run), itemLevel));
        }
        else if (node is JsonObject obj)
        {
            WriteContainer(writer, '{', '}', obj.ToList(), level, (property, itemLevel) =>
            {
                var key = new StringBuilder();
                PythonJson.WriteString(key, property.Key);
                writer.Write(key.Append(": "));
                Write(writer, property.Value, itemLevel);
            });
        }
        else
        {
            WritePiece(writer, node, level);
        }
    }

    private static void WritePiece(TextWriter writer, JsonNode? node, int level)
    {
        var piece = new StringBuilder();
        PythonJson.SerializeAt(piece, node, level);
        writer.Write(piece);
    }

    /// <summary>The layout of <c>json.dumps(indent=2)</c>: one item a line, closing bracket on its own line.</summary>
    private static void WriteContainer<T>(
        TextWriter writer, char open, char close, IReadOnlyList<T> items, int level, Action<T, int> writeItem)
    {
        writer.Write(open);
        for (var i = 0; i < items.Count; i++)
        {
            writer.Write(i > 0 ? ",\n" : "\n");
            writer.Write(new string(' ', Indent * (level + 1)));
            writeItem(items[i], level + 1);
        }

        if (items.Count > 0)
        {
            writer.Write('\n');
            writer.Write(new string(' ', Indent * level));
        }

        writer.Write(close);
    }
}
