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
