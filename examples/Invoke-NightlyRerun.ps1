<#
.SYNOPSIS
    Nightly re-run: re-runs the Missing, Failed and Partial runs of every experiment under a folder and logs what it did.
.DESCRIPTION
    Meant for a scheduler: runs under `pwsh -NoProfile -NonInteractive -File`, never prompts, appends to a log file,
    rebuilds the result files of the experiments it re-ran runs of, and exits with:
        0  every experiment is Complete (every expected run Completed, every judge slot Complete), nothing failed;
        1  a run it attempted did not succeed, or an experiment is still progressing;
        2  an experiment is Stuck: incomplete, and no run changed since the last night.
    The last night's Fingerprint of each experiment is kept in -StatePath (see docs/results.md, "Completeness").

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
    [string] $ModulePath = 'Scylla',

    # Where each experiment's Fingerprint is kept between nights (a JSON object: experiment path to fingerprint).
    [string] $StatePath = (Join-Path $Root 'scylla-nightly.state.json')
)

$ErrorActionPreference = 'Stop'

function Write-Log([string] $Message) {
    $line = '{0:yyyy-MM-ddTHH:mm:ssK} {1}' -f (Get-Date), $Message
    Add-Content -LiteralPath $LogPath -Value $line
}

# The exit code for a scheduler: 0 only when every experiment is Complete and nothing failed.
function Get-NightlyExitCode([object[]] $Experiments, [int] $Unsuccessful) {
    if ($Unsuccessful -gt 0) { return 1 }
    if (@($Experiments | Where-Object Completeness -eq 'Stuck').Count -gt 0) { return 2 }
    if (@($Experiments | Where-Object Completeness -ne 'Complete').Count -gt 0) { return 1 }
    return 0
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

    # Rebuild what the re-runs changed, then tell complete, progressing and stuck apart with last night's fingerprints.
    $results | Select-Object -Unique ExperimentPath | Update-ScyllaResult -WarningAction SilentlyContinue | ForEach-Object {
        Write-Log "Rebuilt $($_.Paths.Count) result file(s) of $($_.ExperimentPath)."
    }
    $previous = if (Test-Path -LiteralPath $StatePath) { Get-Content -LiteralPath $StatePath -Raw | ConvertFrom-Json -AsHashtable } else { @{} }
    $experiments = @(Get-ChildItem -LiteralPath $Root -Directory | Where-Object { Test-Path (Join-Path $_.FullName 'config/experiment.json') } |
            ForEach-Object { Get-ScyllaExperiment -LiteralPath $_.FullName -PreviousFingerprint $previous[$_.FullName] @common -WarningAction SilentlyContinue })
    $state = @{}
    foreach ($experiment in $experiments) {
        $state[$experiment.ExperimentPath] = $experiment.Fingerprint
        Write-Log ("{0}: {1} ({2}/{3} runs completed, judge slots {4}/{5})" -f $experiment.ExperimentId, $experiment.Completeness,
            $experiment.Completed, $experiment.ExpectedRuns, $experiment.JudgeSlotsComplete, $experiment.JudgeSlotsExpected)
    }
    $state | ConvertTo-Json | Set-Content -LiteralPath $StatePath
    exit (Get-NightlyExitCode $experiments $unsuccessful)
}
catch {
    Write-Log "Fatal: $($_.Exception.Message)"
    exit 1
}
