using System.Globalization;
using System.Text.Json;
using Scylla.Core.Checkpoints;
using Scylla.Core.IO;

namespace Scylla.Core.Runs;

/// <summary>
/// What a run listing shows of the checkpoint: each run's <c>completed_runs</c> and <c>run_states</c> values, with
/// repeated values shared. A scan holds this instead of the parsed checkpoint, whose JSON tree is many times larger
/// than the file (docs/performance.md, "Memory").
/// </summary>
internal sealed class CheckpointMarks
{
    public static readonly CheckpointMarks None = new([]);

    private readonly Dictionary<(string Tier, string Subtest, int RunNumber), (string? Status, string? State)> _runs;

    private CheckpointMarks(Dictionary<(string, string, int), (string?, string?)> runs) => _runs = runs;

    /// <summary>
    /// The marks of the experiment's checkpoint (none when it has none). A plain v3.1 file is read straight from its
    /// bytes; any other (an older version, a key such as <c>"01"</c>, a value that is not a string) goes through
    /// <see cref="Checkpoint.Parse"/>, so migrations and errors are exactly that loader's, thrown as it throws them.
    /// </summary>
    public static CheckpointMarks Read(string experimentPath)
    {
        var path = CheckpointStore.PathFor(experimentPath);
        try
        {
            return SmallFile.ReadBytes(path, TryReadPlain) ?? From(CheckpointStore.TryLoad(experimentPath));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return None;
        }
    }

    public static CheckpointMarks From(Checkpoint? checkpoint)
    {
        if (checkpoint == null)
        {
            return None;
        }

        var marks = new Builder();
        foreach (var (tier, subtest, runNumber) in checkpoint.RunKeys)
        {
            marks.Add(tier, subtest, runNumber, checkpoint.GetRunStatus(tier, subtest, runNumber), isStatus: true);
            marks.Add(tier, subtest, runNumber, checkpoint.GetRunState(tier, subtest, runNumber), isStatus: false);
        }

        return marks.Build();
    }

    public (string? Status, string? State) For(string tier, string subtest, int runNumber) =>
        _runs.TryGetValue((tier, subtest, runNumber), out var marks) ? marks : default;

    /// <summary>The marks of a plain v3.1 checkpoint, or null when the file needs the full loader.</summary>
    private static CheckpointMarks? TryReadPlain(ReadOnlyMemory<byte> bytes)
    {
        var marks = new Builder();
        var reader = new Utf8JsonReader(bytes.Span);
        string? version = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString();
                reader.Read();
                var plain = key switch
                {
                    "version" => reader.TokenType == JsonTokenType.String && (version = reader.GetString()) is not null,
                    "tier_states" => SkipStates(ref reader, depth: 1),
                    "subtest_states" => SkipStates(ref reader, depth: 2),
                    "run_states" => ReadRuns(ref reader, marks, isStatus: false),
                    "completed_runs" => ReadRuns(ref reader, marks, isStatus: true),
                    _ => reader.TrySkip(),
                };
                if (!plain)
                {
                    return null;
                }
            }

            var whole = reader.TokenType == JsonTokenType.EndObject && !reader.Read();
            return version == "3.1" && whole ? marks.Build() : null;
        }
        catch (JsonException)
        {
            return null; // bare NaN, text after the object, anything that is not JSON: the full loader says what it is
        }
    }

    /// <summary>Skips an object nesting <paramref name="depth"/> levels to strings; false for another shape.</summary>
    private static bool SkipStates(ref Utf8JsonReader reader, int depth)
    {
        if (depth == 0)
        {
            return reader.TokenType == JsonTokenType.String;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
            if (!SkipStates(ref reader, depth - 1))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads tier, subtest and run levels to strings; false for another shape or an odd run key.</summary>
    private static bool ReadRuns(ref Utf8JsonReader reader, Builder marks, bool isStatus)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var tier = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var subtest = reader.GetString()!;
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var runKey = reader.GetString()!;
                    if (!int.TryParse(runKey, NumberStyles.None, CultureInfo.InvariantCulture, out var runNumber)
                        || runNumber.ToString(CultureInfo.InvariantCulture) != runKey
                        || !reader.Read() || reader.TokenType != JsonTokenType.String
                        || !marks.Add(tier, subtest, runNumber, reader.GetString(), isStatus))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    private sealed class Builder
    {
        private readonly Dictionary<string, string> _shared = new(StringComparer.Ordinal);

        private readonly Dictionary<(string, string, int), (string?, string?)> _runs = [];

        /// <summary>Adds one value; false when the run already has one of that kind (a repeated key).</summary>
        public bool Add(string tier, string subtest, int runNumber, string? value, bool isStatus)
        {
            var key = (Share(tier)!, Share(subtest)!, runNumber);
            var (status, state) = _runs.GetValueOrDefault(key);
            if ((isStatus ? status : state) != null)
            {
                return false;
            }

            _runs[key] = isStatus ? (Share(value), state) : (status, Share(value));
            return true;
        }

        public CheckpointMarks Build() => new(_runs);

        private string? Share(string? value) =>
            value == null ? null : _shared.TryGetValue(value, out var shared) ? shared : _shared[value] = value;
    }
}
