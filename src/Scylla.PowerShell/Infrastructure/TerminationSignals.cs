using System.Runtime.InteropServices;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>
/// While a cmdlet runs child processes: SIGTERM, SIGHUP (the terminal closed) and SIGQUIT to pwsh first run
/// <c>onSignal</c>, which ends what the cmdlet started; then pwsh goes as it would have (docs/format.md, "Processes").
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public TerminationSignals(Action onSignal)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, _ => onSignal()));
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
