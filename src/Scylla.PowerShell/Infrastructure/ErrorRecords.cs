using System.Management.Automation;
using Scylla.Core;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>Turns engine failures into ErrorRecords whose ids are stable (they become FullyQualifiedErrorId).</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(ScyllaException exception, object? target = null) =>
        new(exception, exception.ErrorId, Category(exception.Kind), target ?? exception.TargetPath);

    public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target, Exception? inner = null) =>
        new(new ScyllaException(errorId, ScyllaErrorKind.InvalidOperation, message, null, inner), errorId, category, target);

    /// <summary>
    /// Does one item's work: a failure becomes a non-terminating error naming <paramref name="target"/> (a
    /// <see cref="ScyllaException"/> keeps its own id; an I/O or git failure gets <paramref name="ioErrorId"/>), and the
    /// caller goes on with the next item.
    /// </summary>
    public static void Guard(Cmdlet cmdlet, object target, string ioErrorId, Action work)
    {
        try
        {
            work();
        }
        catch (ScyllaException e)
        {
            cmdlet.WriteError(From(e, target));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LibGit2Sharp.LibGit2SharpException)
        {
            cmdlet.WriteError(FromIO(ioErrorId, e, target));
        }
    }

    /// <summary>An unexpected I/O failure on one item; the id names the operation.</summary>
    public static ErrorRecord FromIO(string errorId, Exception exception, object? target) =>
        new(exception, errorId, exception is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError, target);

    private static ErrorCategory Category(ScyllaErrorKind kind) => kind switch
    {
        ScyllaErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        ScyllaErrorKind.InvalidData => ErrorCategory.InvalidData,
        ScyllaErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ScyllaErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
        ScyllaErrorKind.WriteError => ErrorCategory.WriteError,
        _ => ErrorCategory.InvalidOperation,
    };
}
