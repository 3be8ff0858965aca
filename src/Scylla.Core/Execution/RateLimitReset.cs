using System.Globalization;
using System.Text.RegularExpressions;

namespace Scylla.Core.Execution;

/// <summary>
/// When a rate limit lifts, read from the limited output (docs/format.md, "Rate limits"): a Retry-After in seconds,
/// <c>usage limit reached|&lt;epoch&gt;</c>, or the reset time claude 2.1.328 prints from the API's headers: "resets
/// 1:34pm
/// (UTC)" within a day, "resets Dec 10, 6:56pm (UTC)" (a year added when it differs) further away, and the forms
/// "resets
/// Sep 12 at 12pm (America/Los_Angeles)" and "resets Mon 9:30am (Europe/Berlin)". Null when the output names no time.
/// </summary>
public static partial class RateLimitReset
{
    /// <summary>Past the end of the minute shown, so a clock a little behind the API's still lands after the
    /// limit.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    /// <summary>A reset time passed by less than this is the limit outlasting its time, not the same time
    /// tomorrow.</summary>
    private static readonly TimeSpan s_justPassed = TimeSpan.FromHours(1);

    private static readonly string[] s_months =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    /// <summary>
    /// The earliest time to try again. A clock time is floored to the minute (the CLI drops the seconds), so it means
    /// "not before the end of that minute", plus <see cref="Margin"/>. A time that has just passed (less than an hour
    /// ago:
    /// the CLI shows a time of day for any reset up to a day ahead) means the limit is still in force past its stated
    /// time: it is returned as it is, at or before
    /// <paramref name="now"/>, and the caller re-probes with a short backoff instead of reading it as the next day.
    /// </summary>
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

        return ClockReset().Match(output) is { Success: true } clock ? ClockTime(clock, now) : null;
    }

    private static DateTimeOffset? ClockTime(Match clock, DateTimeOffset now)
    {
        TimeZoneInfo zone;
        try
        {
            zone = clock.Groups["zone"].Success
                ? TimeZoneInfo.FindSystemTimeZoneById(clock.Groups["zone"].Value.Trim())
                : TimeZoneInfo.Utc;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }

        var hour = Number(clock, "hour", 0) % 12;
        hour += clock.Groups["half"].Value.Equals("pm", StringComparison.OrdinalIgnoreCase) ? 12 : 0;
        var minute = Number(clock, "minute", 0);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        DateTimeOffset Lifts(DateTime day) => At(new DateTime(day.Year, day.Month, day.Day, hour, minute, 0), zone)
            + TimeSpan.FromMinutes(1) + Margin;

        if (clock.Groups["month"].Success)
        {
            var month = Array.IndexOf(s_months, clock.Groups["month"].Value[..3].ToLowerInvariant()) + 1;
            var dayOfMonth = Number(clock, "date", 0);
            var year = Number(clock, "year", local.Year);
            if (dayOfMonth > DateTime.DaysInMonth(year, month))
            {
                return null;
            }

            var dated = Lifts(new DateTime(year, month, dayOfMonth));
            // Without a year the date is this year's; one more than a month past is next year's (January seen in
            // December).
            return !clock.Groups["year"].Success && dated < now - TimeSpan.FromDays(31)
                ? Lifts(new DateTime(year + 1, month, dayOfMonth))
                : dated;
        }

        DayOfWeek? weekday = clock.Groups["day"].Success ? Weekday(clock.Groups["day"].Value) : null;
        var today = local.Date;
        if (weekday == null)
        {
            var todays = Lifts(today);
            return todays > now || now - todays < s_justPassed ? todays : Lifts(today.AddDays(1));
        }

        var days = ((int)weekday.Value - (int)today.DayOfWeek + 7) % 7;
        var onWeekday = Lifts(today.AddDays(days));
        return onWeekday > now || now - onWeekday < s_justPassed ? onWeekday : Lifts(today.AddDays(days + 7));
    }

    private static DateTimeOffset At(DateTime local, TimeZoneInfo zone) => new(local, zone.GetUtcOffset(local));

    private static DayOfWeek? Weekday(string name) =>
        Enum.GetValues<DayOfWeek>().Cast<DayOfWeek?>()
            .FirstOrDefault(d => d.ToString()!.StartsWith(name, StringComparison.OrdinalIgnoreCase));

    private static int Number(Match clock, string group, int otherwise) => clock.Groups[group].Success
        ? int.Parse(clock.Groups[group].Value, CultureInfo.InvariantCulture)
        : otherwise;

    [GeneratedRegex(@"retry[- ]after:?\s*(\d+(?:\.\d+)?)\s*(?:s\b|sec|seconds?\b)?", RegexOptions.IgnoreCase)]
    private static partial Regex RetryAfter();

    [GeneratedRegex(@"usage limit reached\|(\d{9,})", RegexOptions.IgnoreCase)]
    private static partial Regex EpochReset();

    [GeneratedRegex(@"resets\s+(?:(?<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?<date>\d{1,2})"
        + @"(?:,\s*(?<year>\d{4}))?(?:,|\s+at)\s+|(?<day>mon|tue|wed|thu|fri|sat|sun)\w*\s+)?"
        + @"(?<hour>\d{1,2})(?::(?<minute>\d{2}))?\s*(?<half>am|pm)(?:\s*\((?<zone>[^)]+)\))?",
        RegexOptions.IgnoreCase)]
    private static partial Regex ClockReset();
}
