namespace Scylla.Core;

/// <summary>What kind of failure a <see cref="ScyllaException"/> is; the cmdlets map it to an ErrorCategory.</summary>
public enum ScyllaErrorKind
{
    NotFound,
    InvalidData,
    InvalidArgument,
    InvalidOperation,
    ResourceBusy,
    WriteError,
    LimitsExceeded,
    OperationStopped,
}

/// <summary>
/// A failure the user can act on. <see cref="ErrorId"/> is stable (it becomes the FullyQualifiedErrorId);
/// <see cref="TargetPath"/> names the file or directory at fault.
/// </summary>
public class ScyllaException : Exception
{
    public ScyllaException(string errorId, ScyllaErrorKind kind, string message, string? targetPath = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        TargetPath = targetPath;
    }

    public string ErrorId { get; }

    public ScyllaErrorKind Kind { get; }

    public string? TargetPath { get; }
}
