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
        30 2 * * * pwsh -NoProfile -NonInteractive -File /opt/scylla/Invoke-NightlyRerun.ps1 -Root /data/fullruns \
            >>/data/fullruns/nightly.out 2>&1
    (one line in the crontab; split here to fit)

    Linux, systemd: /etc/systemd/system/scylla-nightly.service
        [Unit]
        Description=Scylla nightly re-run
        [Service]
        Type=oneshot
        User=researcher
        ExecStart=/usr/bin/pwsh -NoProfile -NonInteractive -File /opt/scylla/Invoke-NightlyRerun.ps1 \
            -Root /data/fullruns
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
    pwsh -NoProfile -NonInteractive -File ./examples/Invoke-NightlyRerun.ps1 -Root ~/fullruns -MaxCost 50
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
    $Result.Outcome -in 'Failed', 'Interrupted' -or
    ($Result.Outcome -eq 'Skipped' -and $Result.ErrorId -notin $NotFailures)
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
    $quiet = @{ ErrorAction = 'SilentlyContinue'; WarningAction = 'SilentlyContinue' } # the results say it all
    $results = @($Runs | Invoke-ScyllaRerun @Options @budget @quiet)
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

function ConvertTo-XmlText($Text) { [System.Security.SecurityElement]::Escape("$Text") }

# A JUnit test case: <Body> is a <failure> or <skipped> element, or nothing for a pass.
function Format-TestCase([string] $Suite, [string] $Name, [double] $Seconds, [string] $Body) {
    $attributes = 'classname="{0}" name="{1}" time="{2:0.###}"' -f
        (ConvertTo-XmlText $Suite), (ConvertTo-XmlText $Name), $Seconds
    "    <testcase $attributes>$Body</testcase>"
}

function Format-Element([string] $Element, [string] $Type, [string] $Message, [string] $Text = '') {
    $type = if ($Type) { " type=`"$(ConvertTo-XmlText $Type)`"" } else { '' }
    "<$Element$type message=`"$(ConvertTo-XmlText $Message)`">$(ConvertTo-XmlText $Text)</$Element>"
}

# One test suite per experiment: a test case per run attempted, and one saying whether the experiment is complete.
function ConvertTo-JUnit($Night) {
    $suites = foreach ($experiment in $Night.Experiments) {
        $suite = $experiment.ExperimentId
        $cases = @(foreach ($result in $experiment.Results) {
                $body = if ($result.Failed) { Format-Element failure $result.ErrorId $result.ErrorMessage }
                elseif ($result.Outcome -ne 'Succeeded') {
                    Format-Element skipped '' "$($result.Outcome) $($result.ErrorId)"
                }
                Format-TestCase $suite $result.RunId $result.DurationSeconds $body
            })
        $blocking = ($experiment.Blocking | ForEach-Object { "$($_.RunId) $($_.Status) ($($_.Reason))" }) -join "`n"
        $summary = "$($experiment.Blocking.Count) runs block completion"
        $body = switch ($experiment.Verdict) {
            'Complete' { '' }
            'Progressing' { Format-Element skipped '' "progressing: $summary" }
            default { Format-Element failure $experiment.Verdict $summary $blocking }
        }
        $cases += Format-TestCase $suite 'complete' 0 $body
        $failures = @($cases -match '<failure').Count
        [pscustomobject]@{ Failures = $failures; Tests = $cases.Count; Text = @(
                "  <testsuite name=`"$(ConvertTo-XmlText $suite)`" tests=`"$($cases.Count)`" failures=`"$failures`">"
                $cases
                '  </testsuite>') -join "`n"
        }
    }
    $tests = ($suites | Measure-Object Tests -Sum).Sum
    $failures = ($suites | Measure-Object Failures -Sum).Sum
    @(
        '<?xml version="1.0" encoding="utf-8"?>'
        "<testsuites name=`"Scylla nightly re-run`" tests=`"$tests`" failures=`"$failures`" " +
        "timestamp=`"$($Night.StartedAt)`">"
        $suites.Text
        '</testsuites>'
    ) -join "`n"
}

try {
    Import-Module $ModulePath
    $started = Get-Date
    $common = @{}
    if ($TierConfigPath) { $common.TierConfigPath = $TierConfigPath }
    $options = @{
        ThrottleLimit = $ThrottleLimit; AgentPath = $AgentPath; JudgePath = $JudgePath
        WaitOnRateLimit = $true; MaxRateLimitWait = $MaxRateLimitWait
    } + $common
    $script:costLeft = if ($PSBoundParameters.ContainsKey('MaxCost')) { $MaxCost } else { $null }
    $script:runsLeft = if ($PSBoundParameters.ContainsKey('MaxRuns')) { $MaxRuns } else { $null }
    $previous = @{}
    if (Test-Path -LiteralPath $StatePath) {
        $previous = Get-Content -LiteralPath $StatePath -Raw | ConvertFrom-Json -AsHashtable
    }
    $folders = @(Get-ChildItem -LiteralPath $Root -Directory |
            Where-Object { Test-Path (Join-Path $_.FullName 'config/experiment.json') })
    Write-Log "Start: $($folders.Count) experiment(s) under $Root (ThrottleLimit $ThrottleLimit)."

    $state = @{}
    $experiments = foreach ($folder in $folders) {
        $path = $folder.FullName
        $runs = @(Get-ScyllaRun -LiteralPath $path @common -WarningVariable scanWarnings -WarningAction Ignore)
        foreach ($warning in $scanWarnings) { Write-Log "Warning: $($warning.Message)" }
        $work = Get-NightlyWork $runs
        Write-Log "$path`: $($work.Rerun.Count) run(s) to re-run, $($work.JudgeOnly.Count) to re-judge."
        $results = @(Invoke-NightlyBatch $work.Rerun $options)
        $results += @(Invoke-NightlyBatch $work.JudgeOnly $options -JudgeOnly)
        foreach ($result in $results) {
            Write-Log ('{0} {1}: {2} -> {3}{4}' -f $result.ExperimentId, $result.RunId, $result.Action, $result.Outcome,
                $(if ($result.ErrorId) { " ($($result.ErrorId): $($result.ErrorMessage))" }))
        }

        $status = Get-ScyllaExperiment -LiteralPath $path -PreviousFingerprint $previous[$path] @common `
            -WarningAction Ignore
        $state[$path] = $status.Fingerprint
        $blocking = @(Get-ScyllaRun -LiteralPath $path @common -WarningAction SilentlyContinue |
                Where-Object IsExpected |
                Where-Object { $_.Status -ne 'Completed' -or $_.JudgeSlots -match 'Missing|Failed' })
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
                        ErrorId = $_.ErrorId; ErrorMessage = $_.ErrorMessage; CostUsd = $_.CostUsd
                        DurationSeconds = $_.DurationSeconds
                    }
                })
            Blocking           = @($blocking | ForEach-Object {
                    [pscustomobject]@{
                        RunId = $_.RunId; Status = "$($_.Status)"; JudgeSlots = $_.JudgeSlots; Reason = $_.Reason
                    }
                })
        }
    }

    $verdicts = @($experiments.Verdict)
    $worst = @($ExitCodes.Keys | Where-Object { $_ -in $verdicts }) | Select-Object -Last 1
    $exitCode = if ($worst) { $ExitCodes[$worst] } else { 0 }
    foreach ($experiment in $experiments) {
        $e = $experiment
        $named = ($e.Blocking | Select-Object -First 5 | ForEach-Object { "$($_.RunId) $($_.Status)" }) -join ', '
        $more = if ($e.Blocking.Count -gt 5) { " and $($e.Blocking.Count - 5) more" } else { '' }
        $line = "$($e.ExperimentId) $($e.Verdict): $($e.Completed)/$($e.ExpectedRuns) runs completed, " +
            "judge slots $($e.JudgeSlotsComplete)/$($e.JudgeSlotsExpected); tonight $($e.Attempted) attempted, " +
            "$($e.Succeeded) succeeded, $($e.FailedRuns) failed, $($e.HeldBack) held back, " +
            "$($e.RateLimited) rate-limited" +
            $(if ($named) { "; blocking: $named$more" })
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
