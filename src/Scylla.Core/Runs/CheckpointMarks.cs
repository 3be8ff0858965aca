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

    /// <summary>The checkpoint this process keeps, read run by run instead of <see cref="_runs"/>.</summary>
    private readonly Checkpoint? _kept;

    private readonly string _experimentPath = string.Empty;

    private readonly Func<CheckpointMarks>? _readFile;

    /// <summary>The file's marks, read once the kept checkpoint turned out not to be what the file holds.</summary>
    private CheckpointMarks? _fromFile;

    private CheckpointMarks(Dictionary<(string, string, int), (string?, string?)> runs) => _runs = runs;

    private CheckpointMarks(Checkpoint kept, string experimentPath, Func<CheckpointMarks> readFile) : this([]) =>
        (_kept, _experimentPath, _readFile) = (kept, experimentPath, readFile);

    /// <summary>
    /// The marks of the checkpoint this process wrote or parsed last, when the file is still that one: a batch of
    /// re-runs plans from its own checkpoint without reading the file (docs/performance.md, "Checkpoint updates").
    /// Should a save of it fail meanwhile, the rest are <paramref name="readFile"/>'s.
    /// </summary>
    public static CheckpointMarks? Kept(string experimentPath, Func<CheckpointMarks> readFile) =>
        CheckpointStore.Kept(experimentPath) is { } kept ? new CheckpointMarks(kept, experimentPath, readFile) : null;

    /// <summary>
    /// The marks of the experiment's checkpoint (none when it has none). A plain v3.1 file is read straight from its
    /// bytes; any other (an older version, a key such as <c>"01"</c>, a value that is not a string) goes through
    /// <see cref="Checkpoint.Parse"/>, so migrations and errors are exactly that loader's, thrown as it throws them.
    /// </summary>
    /// <remarks>
    /// Read as <see cref="CheckpointStore.TryLoad"/> reads it, backup included; <paramref name="warn"/> hears when the
    /// backup was read.
    /// </remarks>
    public static CheckpointMarks Read(string experimentPath, Action<string> warn)
    {
        var marks = CheckpointFile.Read(experimentPath,
            (bytes, path) => TryReadPlain(bytes) ?? From(Checkpoint.Parse(SmallFile.Text(bytes.Span), path)),
            out var fallback);
        if (fallback != null)
        {
            warn(fallback);
        }

        return marks ?? None;
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

    public (string? Status, string? State) For(string tier, string subtest, int runNumber)
    {
        if (_kept != null && _fromFile == null)
        {
            lock (_kept)
            {
                if (CheckpointStore.IsKept(_experimentPath, _kept))
                {
                    return (_kept.GetRunStatus(tier, subtest, runNumber), _kept.GetRunState(tier, subtest, runNumber));
                }
            }

            _fromFile = _readFile!();
        }

        return _fromFile?.For(tier, subtest, runNumber)
            ?? (_runs.TryGetValue((tier, subtest, runNumber), out var marks) ? marks : default);
    }

    /// <summary>The marks of a plain v3.1 checkpoint, or null when the file needs the full loader.</summary>
    private static CheckpointMarks? TryReadPlain(ReadOnlyMemory<byte> bytes)
    {
        var marks = new Builder();
        Func<string[], string, bool> anyState = (_, _) => true;
        Func<string[], string, bool> runState = (keys, value) => marks.Add(keys, value, isStatus: false);
        Func<string[], string, bool> runStatus = (keys, value) => marks.Add(keys, value, isStatus: true);
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
                    "tier_states" => ReadLevels(ref reader, new string[1], 0, anyState),
                    "subtest_states" => ReadLevels(ref reader, new string[2], 0, anyState),
                    "run_states" => ReadLevels(ref reader, new string[3], 0, runState),
                    "completed_runs" => ReadLevels(ref reader, new string[3], 0, runStatus),
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

    /// <summary>
    /// Walks objects nested <c>keys.Length</c> levels down to strings, giving <paramref name="leaf"/> each value with
    /// the keys above it; false for any other shape, or when <paramref name="leaf"/> refuses a value.
    /// </summary>
    private static bool ReadLevels(
        ref Utf8JsonReader reader, string[] keys, int level, Func<string[], string, bool> leaf)
    {
        if (level == keys.Length)
        {
            return reader.TokenType == JsonTokenType.String && leaf(keys, reader.GetString()!);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            keys[level] = reader.GetString()!;
            if (!reader.Read() || !ReadLevels(ref reader, keys, level + 1, leaf))
            {
                return false;
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

        /// <summary>Adds a value under its tier, subtest and run keys; false for a key the loader rewrites.</summary>
        public bool Add(string[] keys, string value, bool isStatus) =>
            int.TryParse(keys[2], NumberStyles.None, CultureInfo.InvariantCulture, out var runNumber)
            && runNumber.ToString(CultureInfo.InvariantCulture) == keys[2]
            && Add(keys[0], keys[1], runNumber, value, isStatus);

        public CheckpointMarks Build() => new(_runs);

        private string? Share(string? value) =>
            value == null ? null : _shared.TryGetValue(value, out var shared) ? shared : _shared[value] = value;
    }
}
