<#
.SYNOPSIS
    Nightly re-run: re-runs the Missing, Failed and Partial runs of every experiment under a folder and logs what it did.
.DESCRIPTION
    Meant for a scheduler: runs under `pwsh -NoProfile -NonInteractive -File`, never prompts, appends to a log file,
    and exits 0 when every run it attempted succeeded (or there was nothing to do), 1 otherwise.

    Linux, cron (every night at 02:30):
        30 2 * * * pwsh -NoProfile -NonInteractive -File /opt/scylla/Invoke-NightlyRerun.ps1 -Root /data/fullruns

    Linux, systemd: /etc/systemd/system/scylla-nightly.service
        [Service]
        Type=oneshot
        ExecStart=/usr/bin/pwsh -NoProfile -NonInteractive -File /opt/scylla/Invoke-NightlyRerun.ps1 -Root /data/fullruns
    and /etc/systemd/system/scylla-nightly.timer, then `systemctl enable --now scylla-nightly.timer`:
        [Timer]
        OnCalendar=*-*-* 02:30
        Persistent=true
        [Install]
        WantedBy=timers.target

    Windows, Task Scheduler:
        $action = New-ScheduledTaskAction -Execute pwsh.exe -Argument '-NoProfile -NonInteractive -File C:\scylla\Invoke-NightlyRerun.ps1 -Root D:\fullruns'
        Register-ScheduledTask -TaskName ScyllaNightly -Action $action -Trigger (New-ScheduledTaskTrigger -Daily -At 2:30am)
.EXAMPLE
    pwsh -NoProfile -NonInteractive -File ./examples/Invoke-NightlyRerun.ps1 -Root ~/fullruns -ThrottleLimit 4
#>
param(
    # The folder whose sub-folders are experiments.
    [Parameter(Mandatory)]
    [string] $Root,

    # The log file (appended to).
    [string] $LogPath = (Join-Path $Root 'scylla-nightly.log'),

    [ValidateRange(1, 64)]
    [int] $ThrottleLimit = 2,

    [string] $TierConfigPath,

    [string] $AgentPath = 'claude',

    [string] $JudgePath = 'claude',

    # The module to import: a path to Scylla.psd1, or the name of an installed module.
    [string] $ModulePath = 'Scylla'
)

$ErrorActionPreference = 'Stop'

function Write-Log([string] $Message) {
    $line = '{0:yyyy-MM-ddTHH:mm:ssK} {1}' -f (Get-Date), $Message
    Add-Content -LiteralPath $LogPath -Value $line
}

try {
    Import-Module $ModulePath
    $common = @{}
    if ($TierConfigPath) { $common.TierConfigPath = $TierConfigPath }
    Write-Log "Start: re-running Missing, Failed and Partial runs under $Root (ThrottleLimit $ThrottleLimit)."

    $runs = @(Get-ScyllaRun (Join-Path $Root '*') -Status Missing, Failed, Partial @common `
            -WarningVariable scanWarnings -WarningAction SilentlyContinue -ErrorVariable scanErrors -ErrorAction SilentlyContinue)
    foreach ($warning in $scanWarnings) { Write-Log "Warning: $($warning.Message)" }
    foreach ($problem in $scanErrors) { Write-Log "Error: $($problem.FullyQualifiedErrorId): $($problem.Exception.Message)" }
    Write-Log "Found $($runs.Count) run(s) to re-run."

    $results = @($runs | Invoke-ScyllaRerun -ThrottleLimit $ThrottleLimit -AgentPath $AgentPath -JudgePath $JudgePath @common -ErrorAction SilentlyContinue)
    foreach ($result in $results) {
        Write-Log ("{0} {1}: {2} -> {3}{4}" -f $result.ExperimentId, $result.RunId, $result.Action, $result.Outcome, $(if ($result.ErrorMessage) { " ($($result.ErrorId): $($result.ErrorMessage))" }))
    }

    $unsuccessful = @($results | Where-Object Outcome -ne 'Succeeded').Count + @($scanErrors).Count
    Write-Log "Done: $(@($results | Where-Object Outcome -eq 'Succeeded').Count) succeeded, $unsuccessful did not."
    exit $(if ($unsuccessful -eq 0) { 0 } else { 1 })
}
catch {
    Write-Log "Fatal: $($_.Exception.Message)"
    exit 1
}
