# Helpers shared by the Pester files that drive re-runs and their processes. Dot-source it in BeforeAll; Start-Pwsh
# needs $pwsh set (this pwsh's command line: its executable, or dotnet and pwsh.dll).

# A pwsh running $Command with the module, as a host of its own when -HostName is given (private mount and UTS
# namespaces, a tmpfs /tmp and that host name; needs root); returns the process.
function Start-Pwsh([string] $Command, [string] $Log, [string] $HostName) {
    $script = "`$ErrorActionPreference = 'Continue'; Import-Module '$env:SCYLLA_MODULE'; $Command"
    $argv = @($pwsh) + @('-NoProfile', '-NonInteractive', '-Command', $script)
    $file, $list = if ($HostName) {
        'unshare', (@('--mount', '--uts', '--propagation', 'private', 'bash', '-c',
                "mount --make-rprivate / && mount -t tmpfs tmpfs /tmp && hostname $HostName && exec `"`$@`"",
                'host') + $argv)
    } else { $argv[0], @($argv | Select-Object -Skip 1) }
    $info = [System.Diagnostics.ProcessStartInfo]::new($file)
    foreach ($a in $list) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.Environment['SCYLLA_TEST_LOG'] = $Log
    [System.Diagnostics.Process]::Start($info)
}

function Wait-Until([scriptblock] $Condition, [int] $Seconds = 60) {
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "timed out after $Seconds s waiting for: $Condition" }
        Start-Sleep -Milliseconds 100
    }
}

# The archived attempts of the one subtest the re-run experiments have.
function Get-Archives([string] $Experiment) {
    @(Get-ChildItem (Join-Path $Experiment 'T0/00/.failed') -Directory -ErrorAction Ignore).Name
}

# Running, not a zombie left unreaped after its parent died.
function Test-ProcessRunning([int] $Id) {
    $stat = "/proc/$Id/stat"
    (Test-Path $stat) -and ((Get-Content $stat -Raw) -replace '^.*\) ', '')[0] -ne 'Z'
}
