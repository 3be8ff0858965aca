namespace Scylla.Core.Runs;

/// <summary>
/// Moves a run's judge results into the <c>.failed/</c> archive beside the run folder, so its judges run again: the
/// chosen slot folders (they then classify as Missing) and <c>run_result.json</c> (its consensus is stale). Nothing is
/// deleted or overwritten.
/// </summary>
public static class JudgeResultArchive
{
    /// <summary>
    /// Archives <c>judge/judge_KK</c> of each slot that exists as <c>.failed/run_NN_judge_KK</c>, and
    /// <c>run_result.json</c> as <c>.failed/run_NN_run_result.json</c> (a taken name gets <c>_1</c>, <c>_2</c>...).
    /// Returns the new paths.
    /// </summary>
    public static IReadOnlyList<string> Archive(string runDirectory, IEnumerable<int> slots) => Move(runDirectory,
        SlotMoves(runDirectory, slots).Append((Path.Combine(runDirectory, RunFolder.RunResult),
            $"{Path.GetFileName(runDirectory)}_run_result", ".json")));

    /// <summary>Archives only the slot folders, as <see cref="Archive"/> names them: a slot about to be judged again.</summary>
    public static IReadOnlyList<string> ArchiveSlots(string runDirectory, IEnumerable<int> slots) => Move(runDirectory, SlotMoves(runDirectory, slots));

    private static IEnumerable<(string Source, string Name, string Extension)> SlotMoves(string runDirectory, IEnumerable<int> slots) =>
        slots.Select(k => (Path.Combine(runDirectory, RunFolder.Judge, RunFolder.JudgeSlot(k)),
            $"{Path.GetFileName(runDirectory)}_judge_{k:00}", ""));

    private static List<string> Move(string runDirectory, IEnumerable<(string Source, string Name, string Extension)> moves)
    {
        var failed = Path.Combine(Path.GetDirectoryName(runDirectory)!, RunFolder.Archive);
        var archived = new List<string>();
        foreach (var (source, name, extension) in moves.Where(m => Path.Exists(m.Source)))
        {
            Directory.CreateDirectory(failed);
            var target = Enumerable.Range(0, int.MaxValue)
                .Select(k => Path.Combine(failed, (k == 0 ? name : $"{name}_{k}") + extension))
                .First(candidate => !Path.Exists(candidate));
            if (Directory.Exists(source))
            {
                Directory.Move(source, target);
            }
            else
            {
                File.Move(source, target);
            }

            archived.Add(target);
        }

        return archived;
    }
}
