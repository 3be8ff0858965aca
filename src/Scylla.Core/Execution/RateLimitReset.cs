using System.Globalization;
using System.Text.RegularExpressions;

namespace Scylla.Core.Execution;

/// <summary>
/// When a rate limit lifts, read from the limited output (docs/format.md, "Rate limits"): a Retry-After in seconds,
/// claude's <c>usage limit reached|&lt;epoch&gt;</c>, or claude's "resets 4pm (America/Los_Angeles)" clock time (with a
/// weekday for weekly caps, e.g. "resets Mon 9am (Europe/Berlin)"); null when the output names no time.
/// </summary>
public static partial class RateLimitReset
{
    public static DateTimeOffset? From(string output, DateTimeOffset now)
    {
        if (RetryAfter().Match(output) is { Success: true } retry)
        {
            return now.AddSeconds(double.Parse(retry.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        if (EpochReset().Match(output) is { Success: true } epoch)
        {
            return DateTimeOffset.FromUnixTimeSeconds(long.Parse(epoch.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        return ClockReset().Match(output) is { Success: true } clock ? NextClockTime(clock, now) : null;
    }

    private static DateTimeOffset? NextClockTime(Match clock, DateTimeOffset now)
    {
        TimeZoneInfo zone;
        try
        {
            zone = clock.Groups["zone"].Success ? TimeZoneInfo.FindSystemTimeZoneById(clock.Groups["zone"].Value.Trim()) : TimeZoneInfo.Utc;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }

        var hour = int.Parse(clock.Groups["hour"].Value, CultureInfo.InvariantCulture) % 12;
        hour += clock.Groups["half"].Value.Equals("pm", StringComparison.OrdinalIgnoreCase) ? 12 : 0;
        var minute = clock.Groups["minute"].Success ? int.Parse(clock.Groups["minute"].Value, CultureInfo.InvariantCulture) : 0;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var candidate = new DateTime(local.Year, local.Month, local.Day, hour, minute, 0, DateTimeKind.Unspecified);
        var step = TimeSpan.FromDays(1);
        DayOfWeek? weekday = clock.Groups["day"].Success ? Weekday(clock.Groups["day"].Value) : null;
        for (var k = 0; k < 8; k++, candidate += step)
        {
            var at = new DateTimeOffset(candidate, zone.GetUtcOffset(candidate));
            if (at > now && (weekday == null || candidate.DayOfWeek == weekday))
            {
                return at;
            }
        }

        return null;
    }

    private static DayOfWeek? Weekday(string name) =>
        Enum.GetValues<DayOfWeek>().Cast<DayOfWeek?>().FirstOrDefault(d => d.ToString()!.StartsWith(name, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"retry[- ]after:?\s*(\d+(?:\.\d+)?)\s*(?:s\b|sec|seconds?\b)?", RegexOptions.IgnoreCase)]
    private static partial Regex RetryAfter();

    [GeneratedRegex(@"usage limit reached\|(\d{9,})", RegexOptions.IgnoreCase)]
    private static partial Regex EpochReset();

    [GeneratedRegex(@"resets\s+(?:(?<day>mon|tue|wed|thu|fri|sat|sun)\w*\s+)?(?<hour>\d{1,2})(?::(?<minute>\d{2}))?\s*(?<half>am|pm)(?:\s*\((?<zone>[^)]+)\))?", RegexOptions.IgnoreCase)]
    private static partial Regex ClockReset();
}
