@{
    Synopsis    = 'Writes one self-contained HTML report per experiment: runs done and passed per subtest and tier, cost and time per tier, and the runs that need action.'
    Description = @'
Export-ScyllaReport reads each experiment once (as Get-ScyllaRun does) and writes <experiment folder name>.html into
-DestinationPath: a subtest x tier matrix whose cells give runs completed of runs and the pass rate of the judged ones,
coloured green (every run Completed), red (a Failed or RateLimited run), amber (in progress) or grey (not started);
per tier the runs, completed runs, pass rate, mean score, cost and agent and judge time; and every run that needs
action, with its status, judge slots, the action Invoke-ScyllaRerun would take and the reason.

The file has no external assets (no scripts, fonts, images or style sheets from elsewhere), so it can be mailed or
archived as it is. It is written atomically; an existing report of the same name is replaced.
'@
    Parameters  = @{
        Path            = 'Experiment folders (wildcards supported). Default: the current folder.'
        LiteralPath     = 'Experiment folders, taken literally; bound from Get-ChildItem output and the ExperimentPath of Scylla objects.'
        DestinationPath = 'The folder the reports are written to (created if missing). Default: the current folder.'
        TierConfigPath  = 'The tier configuration that says which subtests are expected; bound from the TierConfigPath of runs.'
    }
    Defaults    = @{ Path = '.'; DestinationPath = '.' }
    Outputs     = @{ FileInfo = 'One per report written.' }
    Examples    = @(
        @{
            Title   = 'One report'
            Code    = "New-ScyllaSampleExperiment ./exp -TierCount 3 -SubtestCount 4 -RunCount 5 | Out-Null`nExport-ScyllaReport ./exp -DestinationPath ./reports"
            Remarks = 'Writes ./reports/exp.html; open it in any browser.'
        }
        @{
            Title   = 'A report per experiment under a folder'
            Code    = "New-ScyllaSampleExperiment ./runs/a | Out-Null`nNew-ScyllaSampleExperiment ./runs/b | Out-Null`nExport-ScyllaReport ./runs/* -DestinationPath ./reports | Select-Object Name, Length"
            Remarks = 'Folders that match the wildcard but are not experiments are skipped.'
        }
    )
}
