<#
.SYNOPSIS
    Nightly re-run: moves every experiment under a folder toward complete, unattended, and says where each one stands.
.DESCRIPTION
    Meant for a scheduler (cron, a systemd timer): runs under `pwsh -NoProfile -NonInteractive -File` with no terminal
    and no profile, never prompts. For each experiment under -Root (a sub-folder with config/experiment.json) it
    re-runs whatever can move it toward complete:
        Missing, Failed, Partial and RateLimited runs: the agent and the judges (-WaitOnRateLimit: a limit met tonight
            pauses the batch until it lifts, up to -MaxRateLimitWait);
        Results runs: the missing judges, or the result files;
        Completed runs with Missing or Failed judge slots: those slots (-JudgeOnly).
    -MaxCost and -MaxRuns bound the whole night (see Get-ScyllaRerunPlan for the estimates they use).

    It writes one summary line per experiment to stdout, appends the details to -LogPath, and writes -SummaryPath (JSON)
    and -JUnitPath (JUnit XML, one test suite per experiment, for CI systems). Each names the runs that block
    completion. The last night's Fingerprint of each experiment is kept in -StatePath (docs/results.md,
    "Completeness"), so a night that changed nothing is told apart.

    Each experiment gets one verdict; the exit code is the worst of them:
        0  Complete     every expected run Completed, every judge slot Complete
        2  Progressing  not complete; every run attempted tonight succeeded (or was held back by -MaxCost/-MaxRuns,
                        or is waiting for a rate limit to lift)
        3  Failed       a run attempted tonight failed (its error is in the summary, the log and the JUnit file)
        4  Stuck        not complete, nothing failed, and nothing changed since the last night: a person must look
        1  the script itself failed (the module did not load, -Root is not readable); see the log
    Severity, lowest first: 0, 2, 4, 3, 1.

    Linux, cron (every night at 02:30; cron gives no terminal and no profile, which is how the tests run it):
        30 2 * * * pwsh -NoProfile -NonInteractive -File /opt/scylla/Invoke-NightlyRerun.ps1 -Root /data/fullruns >>/data/fullruns/nightly.out 2>&1

    Linux, systemd: /etc/systemd/system/scylla-nightly.service
        [Unit]
        Description=Scylla nightly re-run
        [Service]
        Type=oneshot
        User=researcher
        ExecStart=/usr/bin/pwsh -NoProfile -NonInteractive -File /opt/scylla/Invoke-NightlyRerun.ps1 -Root /data/fullruns
        SuccessExitStatus=2
    and /etc/systemd/system/scylla-nightly.timer, then `systemctl enable --now scylla-nightly.timer`:
        [Unit]
        Description=Scylla nightly re-run at 02:30
        [Timer]
        OnCalendar=*-*-* 02:30
        Persistent=true
        [Install]
        WantedBy=timers.target
    `systemctl status scylla-nightly` then shows the summary lines; exit 2 (progressing) counts as success there.
.EXAMPLE
    pwsh -NoProfile -NonInteractive -File ./examples/Invoke-NightlyRerun.ps1 -Root ~/fullruns -ThrottleLimit 4 -MaxCost 50
#>
param(
    # The folder whose sub-folders are experiments.
    [Parameter(Mandatory)]
    [string] $Root,

    # The log file (appended to).
    [string] $LogPath = (Join-Path $Root 'scylla-nightly.log'),

    # The night's summary as JSON (replaced each night).
    [string] $SummaryPath = (Join-Path $Root 'scylla-nightly.json'),

    # The night's summary as JUnit XML (replaced each night).
    [string] $JUnitPath = (Join-Path $Root 'scylla-nightly.junit.xml'),

    # Where each experiment's Fingerprint is kept between nights (a JSON object: experiment path to fingerprint).
    [string] $StatePath = (Join-Path $Root 'scylla-nightly.state.json'),

    [ValidateRange(1, 64)]
    [int] $ThrottleLimit = 2,

    # The night's budget in USD, over every experiment.
    [ValidateRange(0, [double]::MaxValue)]
    [double] $MaxCost,

    # The most runs the night starts, over every experiment.
    [ValidateRange(0, [int]::MaxValue)]
    [int] $MaxRuns,

    # The longest pause for a rate limit met tonight.
    [timespan] $MaxRateLimitWait = [timespan]::FromHours(1),

    [string] $TierConfigPath,

    [string] $AgentPath = 'claude',

    [string] $JudgePath = 'claude',

    # The module to import: a path to Scylla.psd1, or the name of an installed module.
    [string] $ModulePath = 'Scylla'
)

$ErrorActionPreference = 'Stop'
$ExitCodes = [ordered]@{ Complete = 0; Progressing = 2; Stuck = 4; Failed = 3 } # in order of severity
# Outcomes that are not failures: the run was held back by the night's budget, or waits for a rate limit to lift.
$NotFailures = 'MaxCostReached', 'MaxRunsReached'

function Write-Log([string] $Message) {
    Add-Content -LiteralPath $LogPath -Value ('{0:yyyy-MM-ddTHH:mm:ssK} {1}' -f (Get-Date), $Message)
}

# Writes a file whole or not at all: a reader never sees half a summary.
function Set-FileAtomically([string] $Path, [string] $Text) {
    $temporary = "$Path.$PID.tmp"
    [System.IO.File]::WriteAllText($temporary, $Text)
    Move-Item -LiteralPath $temporary -Destination $Path -Force
}

function Test-Failure($Result) {
    $Result.Outcome -in 'Failed', 'Interrupted' -or ($Result.Outcome -eq 'Skipped' -and $Result.ErrorId -notin $NotFailures)
}

# What the night can do for one experiment: the runs to re-run, and the Completed runs whose judge slots to re-run.
function Get-NightlyWork($Runs) {
    [pscustomobject]@{
        Rerun    = @($Runs | Where-Object Status -in 'Missing', 'Failed', 'Partial', 'Results', 'RateLimited')
        JudgeOnly = @($Runs | Where-Object { $_.Status -eq 'Completed' -and $_.JudgeSlots -match 'Missing|Failed' })
    }
}

# Re-runs the runs, within what is left of the night's budget; returns the results.
function Invoke-NightlyBatch($Runs, [hashtable] $Options, [switch] $JudgeOnly) {
    if ($Runs.Count -eq 0) { return @() }
    $budget = @{}
    if ($JudgeOnly) { $budget.JudgeOnly = $true }
    if ($null -ne $script:costLeft) { $budget.MaxCost = [math]::Max(0, $script:costLeft) }
    if ($null -ne $script:runsLeft) { $budget.MaxRuns = [math]::Max(0, $script:runsLeft) }
    $results = @($Runs | Invoke-ScyllaRerun @Options @budget -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
    $ran = @($results | Where-Object Outcome -ne 'Skipped')
    if ($null -ne $script:costLeft) { $script:costLeft -= ($ran | Measure-Object CostUsd -Sum).Sum }
    if ($null -ne $script:runsLeft) { $script:runsLeft -= $ran.Count }
    $results
}

function Get-Verdict($Status, $Results) {
    if ($Status.Completeness -eq 'Complete') { return 'Complete' }
    if (@($Results | Where-Object { Test-Failure $_ }).Count -gt 0) { return 'Failed' }
    if ($Status.Completeness -eq 'Stuck') { return 'Stuck' }
    'Progressing'
}

function ConvertTo-JUnit($Night) {
    $xml = [System.Text.StringBuilder]::new()
    $escape = { param($Text) [System.Security.SecurityElement]::Escape("$Text") }
    $tests = ($Night.Experiments | ForEach-Object { $_.Results.Count + 1 } | Measure-Object -Sum).Sum
    $failures = ($Night.Experiments | ForEach-Object { @($_.Results | Where-Object Failed).Count + [int]($_.Verdict -in 'Failed', 'Stuck') } |
            Measure-Object -Sum).Sum
    [void]$xml.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
    [void]$xml.AppendLine("<testsuites name=`"Scylla nightly re-run`" tests=`"$tests`" failures=`"$failures`" timestamp=`"$($Night.StartedAt)`">")
    foreach ($experiment in $Night.Experiments) {
        $name = & $escape $experiment.ExperimentId
        $failed = @($experiment.Results | Where-Object Failed).Count + [int]($experiment.Verdict -in 'Failed', 'Stuck')
        [void]$xml.AppendLine("  <testsuite name=`"$name`" tests=`"$($experiment.Results.Count + 1)`" failures=`"$failed`">")
        foreach ($result in $experiment.Results) {
            [void]$xml.Append("    <testcase classname=`"$name`" name=`"$(& $escape $result.RunId)`" time=`"$([math]::Round($result.DurationSeconds, 3))`">")
            if ($result.Failed) { [void]$xml.Append("<failure type=`"$(& $escape $result.ErrorId)`" message=`"$(& $escape $result.ErrorMessage)`"/>") }
            elseif ($result.Outcome -ne 'Succeeded') { [void]$xml.Append("<skipped message=`"$(& $escape "$($result.Outcome) $($result.ErrorId)")`"/>") }
            [void]$xml.AppendLine('</testcase>')
        }
        $blocking = ($experiment.Blocking | ForEach-Object { "$($_.RunId) $($_.Status) ($($_.Reason))" }) -join "`n"
        [void]$xml.Append("    <testcase classname=`"$name`" name=`"complete`">")
        switch ($experiment.Verdict) {
            'Complete' { }
            'Progressing' { [void]$xml.Append("<skipped message=`"progressing: $($experiment.Blocking.Count) runs block completion`"/>") }
            default { [void]$xml.Append("<failure type=`"$($experiment.Verdict)`" message=`"$($experiment.Blocking.Count) runs block completion`">$(& $escape $blocking)</failure>") }
        }
        [void]$xml.AppendLine('</testcase>')
        [void]$xml.AppendLine('  </testsuite>')
    }
    [void]$xml.AppendLine('</testsuites>')
    $xml.ToString()
}

try {
    Import-Module $ModulePath
    $started = Get-Date
    $common = @{}
    if ($TierConfigPath) { $common.TierConfigPath = $TierConfigPath }
    $options = @{ ThrottleLimit = $ThrottleLimit; AgentPath = $AgentPath; JudgePath = $JudgePath; WaitOnRateLimit = $true; MaxRateLimitWait = $MaxRateLimitWait } + $common
    $script:costLeft = if ($PSBoundParameters.ContainsKey('MaxCost')) { $MaxCost } else { $null }
    $script:runsLeft = if ($PSBoundParameters.ContainsKey('MaxRuns')) { $MaxRuns } else { $null }
    $previous = if (Test-Path -LiteralPath $StatePath) { Get-Content -LiteralPath $StatePath -Raw | ConvertFrom-Json -AsHashtable } else { @{} }
    $folders = @(Get-ChildItem -LiteralPath $Root -Directory | Where-Object { Test-Path (Join-Path $_.FullName 'config/experiment.json') })
    Write-Log "Start: $($folders.Count) experiment(s) under $Root (ThrottleLimit $ThrottleLimit)."

    $state = @{}
    $experiments = foreach ($folder in $folders) {
        $path = $folder.FullName
        $runs = @(Get-ScyllaRun -LiteralPath $path @common -WarningVariable scanWarnings -WarningAction SilentlyContinue)
        foreach ($warning in $scanWarnings) { Write-Log "Warning: $($warning.Message)" }
        $work = Get-NightlyWork $runs
        Write-Log "$path`: $($work.Rerun.Count) run(s) to re-run, $($work.JudgeOnly.Count) to re-judge."
        $results = @(Invoke-NightlyBatch $work.Rerun $options) + @(Invoke-NightlyBatch $work.JudgeOnly $options -JudgeOnly)
        foreach ($result in $results) {
            Write-Log ('{0} {1}: {2} -> {3}{4}' -f $result.ExperimentId, $result.RunId, $result.Action, $result.Outcome,
                $(if ($result.ErrorId) { " ($($result.ErrorId): $($result.ErrorMessage))" }))
        }

        $status = Get-ScyllaExperiment -LiteralPath $path -PreviousFingerprint $previous[$path] @common -WarningAction SilentlyContinue
        $state[$path] = $status.Fingerprint
        $blocking = @(Get-ScyllaRun -LiteralPath $path @common -WarningAction SilentlyContinue |
                Where-Object { $_.IsExpected -and ($_.Status -ne 'Completed' -or $_.JudgeSlots -match 'Missing|Failed|AgentFailed') })
        [pscustomobject]@{
            ExperimentId       = $status.ExperimentId
            ExperimentPath     = $path
            Verdict            = Get-Verdict $status $results
            Completed          = $status.Completed
            ExpectedRuns       = $status.ExpectedRuns
            JudgeSlotsComplete = $status.JudgeSlotsComplete
            JudgeSlotsExpected = $status.JudgeSlotsExpected
            Attempted          = $results.Count
            Succeeded          = @($results | Where-Object Outcome -eq 'Succeeded').Count
            FailedRuns         = @($results | Where-Object { Test-Failure $_ }).Count
            HeldBack           = @($results | Where-Object ErrorId -in $NotFailures).Count
            RateLimited        = @($results | Where-Object Outcome -eq 'RateLimited').Count
            Results            = @($results | ForEach-Object {
                    [pscustomobject]@{
                        RunId = $_.RunId; Action = "$($_.Action)"; Outcome = "$($_.Outcome)"; Failed = (Test-Failure $_)
                        ErrorId = $_.ErrorId; ErrorMessage = $_.ErrorMessage; CostUsd = $_.CostUsd; DurationSeconds = $_.DurationSeconds
                    }
                })
            Blocking           = @($blocking | ForEach-Object {
                    [pscustomobject]@{ RunId = $_.RunId; Status = "$($_.Status)"; JudgeSlots = $_.JudgeSlots; Reason = $_.Reason }
                })
        }
    }

    $verdicts = @($experiments.Verdict)
    $worst = @($ExitCodes.Keys | Where-Object { $_ -in $verdicts }) | Select-Object -Last 1
    $exitCode = if ($worst) { $ExitCodes[$worst] } else { 0 }
    foreach ($experiment in $experiments) {
        $named = ($experiment.Blocking | Select-Object -First 5 | ForEach-Object { "$($_.RunId) $($_.Status)" }) -join ', '
        $more = if ($experiment.Blocking.Count -gt 5) { " and $($experiment.Blocking.Count - 5) more" } else { '' }
        $line = ('{0} {1}: {2}/{3} runs completed, judge slots {4}/{5}; tonight {6} attempted, {7} succeeded, {8} failed, {9} held back, {10} rate-limited{11}' -f
            $experiment.ExperimentId, $experiment.Verdict, $experiment.Completed, $experiment.ExpectedRuns, $experiment.JudgeSlotsComplete,
            $experiment.JudgeSlotsExpected, $experiment.Attempted, $experiment.Succeeded, $experiment.FailedRuns, $experiment.HeldBack,
            $experiment.RateLimited, $(if ($named) { "; blocking: $named$more" }))
        Write-Output $line
        Write-Log $line
    }

    $night = [pscustomobject]@{
        StartedAt   = $started.ToUniversalTime().ToString('o')
        FinishedAt  = (Get-Date).ToUniversalTime().ToString('o')
        Root        = (Resolve-Path -LiteralPath $Root).ProviderPath
        ExitCode    = $exitCode
        Verdict     = if ($worst) { $worst } else { 'Complete' }
        Experiments = @($experiments)
    }
    Set-FileAtomically $SummaryPath ($night | ConvertTo-Json -Depth 6)
    Set-FileAtomically $JUnitPath (ConvertTo-JUnit $night)
    Set-FileAtomically $StatePath ($state | ConvertTo-Json)
    Write-Log "Done: exit $exitCode ($($night.Verdict))."
    exit $exitCode
}
catch {
    $message = "Fatal: $($_.Exception.Message)"
    Write-Output $message
    try { Write-Log $message } catch { [Console]::Error.WriteLine($message) }
    exit 1
}
